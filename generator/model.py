"""The content model: plain, frozen data that every later stage reads and none mutates.

The cache stores them as plain data (``*_data`` and ``*_from`` at the end): a warm build loads
thousands, and loading them must run no code a copied or damaged cache could have put there.

Objects refer to each other by key (an article names its authors by slug) so that each can be
cached and sent to another process on its own.  URLs here are site paths ("/music/slug/"),
never absolute: the render stage adds ``base_url`` so a site can live under a sub-path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from generator.errors import Problem, Severity, SourceLocation
from generator.plaindata import (
    ShapeError,
    all_text,
    datetime_data,
    datetime_from,
    flag,
    integer,
    items,
    maybe,
    maybe_integer,
    maybe_text,
    number,
    text,
    texts,
    value_data,
    value_from,
)

ImageRole = Literal["hero", "figure", "inline", "avatar"]

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class ImageRef:
    """A photo as the writer referenced it; ``path`` is None for a remote URL."""

    src: str
    path: Path | None
    location: SourceLocation
    role: ImageRole
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    focus: tuple[float, float] = (0.5, 0.5)

    @property
    def key(self) -> str:
        """How the render stage finds this image's processed form."""
        return str(self.path) if self.path else self.src


@dataclass(frozen=True)
class Link:
    """A labelled outside link (an author's profiles)."""

    label: str
    url: str


@dataclass(frozen=True)
class Author:
    """A writer; one with no file in ``content/authors/`` has only a name."""

    slug: str
    name: str
    url: str
    bio: str | None = None
    avatar: ImageRef | None = None
    links: tuple[Link, ...] = ()
    location: SourceLocation | None = None


@dataclass(frozen=True)
class Term:
    """A category or a tag: the name writers typed and the slug it lives under."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class Article:
    """One news story, parsed and rendered to body HTML, ready for any template."""

    source: SourceLocation
    digest: str
    slug: str
    url: str
    title: str
    date: datetime
    date_has_time: bool
    body: bytes  # UTF-8 HTML with image placeholders: half the memory of a str here
    summary: str
    word_count: int
    author_slugs: tuple[str, ...] = ()
    category: Term | None = None
    tags: tuple[Term, ...] = ()
    dek: str | None = None
    updated: datetime | None = None
    hero: ImageRef | None = None
    images: tuple[ImageRef, ...] = ()
    has_embeds: bool = False
    draft: bool = False
    aliases: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def body_html(self) -> str:
        """The body as HTML, image placeholders still in it."""
        return self.body.decode("utf-8")

    @property
    def reading_minutes(self) -> int:
        """Minutes an average reader needs, never less than one."""
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def modified(self) -> datetime:
        """When the story last changed: ``updated`` if given, else ``date``."""
        return self.updated or self.date


@dataclass(frozen=True)
class Page:
    """A static page such as About: no date, no author, not in feeds."""

    source: SourceLocation
    digest: str
    slug: str
    url: str
    title: str
    body: bytes  # UTF-8, as for Article
    summary: str
    description: str | None = None
    images: tuple[ImageRef, ...] = ()
    has_embeds: bool = False
    aliases: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def body_html(self) -> str:
        """The body as HTML, image placeholders still in it."""
        return self.body.decode("utf-8")


@dataclass(frozen=True)
class Content:
    """Everything the content stage found: the published articles newest first, pages, authors."""

    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    authors: Mapping[str, Author]
    next_scheduled: datetime | None = None
    held_back: int = 0


# -- as plain data, for the cache: lists in field order, checked when read -----------------
# Bodies are not in the data: the cache keeps them beside it as raw bytes.

IMAGE_ROLES = ("hero", "figure", "inline", "avatar")


def location_data(where: SourceLocation) -> list[Any]:
    """A SourceLocation as plain data."""
    return [where.path, where.line]


def location_from(data: object) -> SourceLocation:
    """The SourceLocation ``location_data`` wrote."""
    path, line = items(data)
    return SourceLocation(text(path), maybe_integer(line))


def problem_data(problem: Problem) -> list[Any]:
    """A Problem as plain data."""
    where = problem.location
    return [problem.severity.value, problem.message, where and location_data(where)]


def problem_from(data: object) -> Problem:
    """The Problem ``problem_data`` wrote."""
    severity, message, where = items(data)
    return Problem(Severity(text(severity)), text(message), maybe(location_from, where))


def term_data(term: Term) -> list[str]:
    """A Term as plain data."""
    return [term.name, term.slug, term.url]


def term_from(data: object) -> Term:
    """The Term ``term_data`` wrote."""
    name, slug, url = items(data)
    all_text(name, slug, url)
    return _term(name, slug, url)


@lru_cache(maxsize=4096)
def _term(name: str, slug: str, url: str) -> Term:
    # A site has a few hundred tags on thousands of articles: one object each (they are
    # frozen), built once per process.
    return Term(name, slug, url)


def image_data(ref: ImageRef) -> list[Any]:
    """An ImageRef as plain data."""
    return [ref.src, ref.path and str(ref.path), location_data(ref.location), ref.role,
            ref.alt, ref.caption, ref.credit, ref.focus[0], ref.focus[1]]


def image_from(data: object) -> ImageRef:
    """The ImageRef ``image_data`` wrote."""
    src, path, where, role, alt, caption, credit, x, y = items(data)
    if role not in IMAGE_ROLES:
        raise ShapeError(f"unknown image role {role!r}")
    return ImageRef(text(src), maybe(Path, maybe_text(path)), location_from(where), role,
                    maybe_text(alt), maybe_text(caption), maybe_text(credit),
                    (number(x), number(y)))


def author_data(author: Author) -> list[Any]:
    """An Author as plain data."""
    return [author.slug, author.name, author.url, author.bio,
            author.avatar and image_data(author.avatar),
            [[link.label, link.url] for link in author.links],
            author.location and location_data(author.location)]


def author_from(data: object) -> Author:
    """The Author ``author_data`` wrote."""
    slug, name, url, bio, avatar, links, where = items(data)
    all_text(slug, name, url)
    return Author(slug, name, url, maybe_text(bio), maybe(image_from, avatar),
                  tuple(_link_from(link) for link in items(links)) if links != [] else (),
                  maybe(location_from, where))


def _link_from(data: object) -> Link:
    label, url = items(data)
    return Link(text(label), text(url))


def article_data(article: Article) -> list[Any]:
    """An Article as plain data, without its body."""
    a = article
    return [
        location_data(a.source), a.digest, a.slug, a.url, a.title, datetime_data(a.date),
        a.date_has_time, a.summary, a.word_count, list(a.author_slugs),
        a.category and term_data(a.category), [term_data(t) for t in a.tags], a.dek,
        a.updated and datetime_data(a.updated), a.hero and image_data(a.hero),
        [image_data(i) for i in a.images], a.has_embeds, a.draft, list(a.aliases),
        _extra_data(a.extra),
    ]


def article_from(data: object, body: bytes) -> Article:
    """The Article ``article_data`` wrote, with its body."""
    (where, digest, slug, url, title, date, date_has_time, summary, word_count, author_slugs,
     category, tags, dek, updated, hero, images, has_embeds, draft, aliases, extra) = items(data)
    all_text(digest, slug, url, title, summary)
    return Article(
        location_from(where), digest, slug, url, title, datetime_from(date),
        flag(date_has_time), body, summary, integer(word_count), texts(author_slugs),
        None if category is None else term_from(category), tuple(map(term_from, items(tags))),
        maybe_text(dek), None if updated is None else datetime_from(updated),
        None if hero is None else image_from(hero),
        tuple(map(image_from, items(images))) if images != [] else (), flag(has_embeds),
        flag(draft), texts(aliases) if aliases != [] else (), _extra_from(extra),
    )


def page_data(page: Page) -> list[Any]:
    """A Page as plain data, without its body."""
    return [
        location_data(page.source), page.digest, page.slug, page.url, page.title, page.summary,
        page.description, [image_data(i) for i in page.images], page.has_embeds,
        list(page.aliases), _extra_data(page.extra),
    ]


def page_from(data: object, body: bytes) -> Page:
    """The Page ``page_data`` wrote, with its body."""
    where, digest, slug, url, title, summary, description, images, embeds, aliases, extra = (
        items(data))
    return Page(
        location_from(where), text(digest), text(slug), text(url), text(title), body,
        text(summary), maybe_text(description), tuple(image_from(i) for i in items(images)),
        flag(embeds), texts(aliases), _extra_from(extra),
    )


def _extra_data(extra: Mapping[str, Any]) -> Any:
    if type(extra) is not dict:
        raise ShapeError("extra fields must be a dict")
    return value_data(extra) if extra else {}


def _extra_from(data: object) -> dict[str, Any]:
    if not data:  # the common case: no fields beyond the known ones
        if data != {}:
            raise ShapeError("extra fields must be a mapping")
        return {}
    extra = value_from(data)
    if type(extra) is not dict or not all(type(k) is str for k in extra):
        raise ShapeError("extra fields must be a mapping of names")
    return extra
