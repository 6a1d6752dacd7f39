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
from typing import Any, Literal, Protocol

from generator.dates import instant
from generator.errors import SourceLocation, location_data, location_from
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

# "slide": a photo of a gallery; "poster": the still a video shows before it plays.
ImageRole = Literal["hero", "figure", "inline", "avatar", "slide", "poster"]
# Photos a reader sees as photos, which need alt text and a credit.  Inline images and avatars
# are small; a poster is a frame of its video and shares the video's caption and credit.
PHOTO_ROLES = frozenset({"hero", "figure", "slide"})

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class ImageRef:
    """A photo as the writer referenced it; ``path`` is None for a remote URL."""

    src: str
    path: Path | None
    location: SourceLocation
    role: ImageRole
    alt: str | None = None
    caption: str | None = None  # as written: inline Markdown (markup/captions.py shows it)
    credit: str | None = None
    focus: tuple[float, float] = (0.5, 0.5)

    @property
    def key(self) -> str:
        """How the render stage finds this image's processed form."""
        return str(self.path) if self.path else self.src


@dataclass(frozen=True)
class CaptionsRef:
    """A WebVTT file of captions for a video, in one language (a BCP 47 tag: "en", "pt-BR")."""

    path: Path
    language: str


@dataclass(frozen=True)
class VideoRef:
    """A video file as the writer referenced it, with its poster and captions when found.

    ``size`` is the width and height the writer gave, if any; the video stage reads them from
    the file otherwise.
    """

    src: str
    path: Path
    location: SourceLocation
    alt: str | None = None
    caption: str | None = None  # as an ImageRef's
    credit: str | None = None
    poster: ImageRef | None = None
    captions: tuple[CaptionsRef, ...] = ()
    size: tuple[int, int] | None = None

    @property
    def key(self) -> str:
        """How the render stage finds this video's planned copy."""
        return str(self.path)


@dataclass(frozen=True)
class Embed:
    """A social post or player pasted as a link; ``described`` when the writer said what it is."""

    provider: str
    url: str
    location: SourceLocation
    described: bool


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
class Change:
    """An update or a correction made after publication: when (in the site's timezone), and
    what the writer says changed."""

    at: datetime
    has_time: bool
    text: str
    line: int | None = None  # where the writer gives it, for `byline check` to point at


@dataclass(frozen=True)
class LiveUpdate:
    """One timestamped update of a live blog, as its heading gave it."""

    anchor: str  # its id on the page, from its time: "update-2026-03-01-2142"
    time: datetime
    headline_html: str  # the heading after the time ("Best <em>Actress</em>"); may be empty
    line: int | None = None


@dataclass(frozen=True)
class LiveCoverage:
    """A live blog: when coverage started and ended (None: still going) and its updates in
    the order they happened.  Their bodies are the parts of the article's body after the
    intro (see markup/liveupdates.py)."""

    start: datetime
    end: datetime | None
    oldest_first: bool
    updates: tuple[LiveUpdate, ...] = ()

    @property
    def latest(self) -> datetime | None:
        """When the newest update was posted."""
        return self.updates[-1].time if self.updates else None

    @property
    def turns(self) -> tuple[datetime, ...]:
        """When its badge changes by itself: coverage starts, and ends if an end is set."""
        return (self.start,) if self.end is None else (self.start, self.end)


@dataclass(frozen=True, slots=True)
class Article:
    """One news story, parsed and rendered to body HTML, ready for any template."""

    source: SourceLocation
    digest: str
    slug: str
    url: str
    title: str
    date: datetime
    date_has_time: bool
    # Which body HTML it has (UTF-8, image placeholders in it), not the HTML: the key of the
    # file's parse in the cache.  The stage that renders a page reads it (``Content.bodies``),
    # so an archive's model does not hold its text.
    body_key: str
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
    videos: tuple[VideoRef, ...] = ()  # in the body, by the index of their placeholders
    hero_video: VideoRef | None = None  # its poster is ``hero``
    embeds: tuple[Embed, ...] = ()
    updated_has_time: bool = False  # whether ``updated`` gave a time of day
    updates: tuple[Change, ...] = ()  # newest first
    corrections: tuple[Change, ...] = ()  # newest first
    live: LiveCoverage | None = None
    # The front-matter line of each alias, for a clash of addresses to point at.
    alias_lines: tuple[int, ...] = ()
    # The lines of the category and of each tag, for a spelling that clashes with another
    # story's to point at.
    category_line: int | None = None
    tag_lines: tuple[int, ...] = ()
    updated_line: int | None = None
    language: str | None = None  # the story's own, when it is not the site's (a BCP 47 tag)
    # The line of each author (by ``author_slugs``), for a spelling that clashes with another
    # story's to point at.
    author_lines: tuple[int, ...] = ()

    @property
    def reading_minutes(self) -> int:
        """Minutes an average reader needs, never less than one."""
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def last_change(self) -> Change | None:
        """The newest change after publication: ``updated``, an update or a correction.

        One dated before the story is none (the writer is warned): the page's "Updated"
        and the feeds', sitemap's and JSON-LD's modified time are this one moment."""
        changes = [*self.updates[:1], *self.corrections[:1]]
        if self.updated is not None:
            changes.append(Change(self.updated, self.updated_has_time, "", self.updated_line))
        published = instant(self.date)
        return max((c for c in changes if instant(c.at) > published),
                   key=lambda c: instant(c.at), default=None)

    @property
    def modified(self) -> datetime:
        """When the story last changed: its newest change, or a live blog's newest update,
        if later than ``date``."""
        change = self.last_change
        latest = [change.at] if change else []
        if self.live and self.live.latest is not None:
            latest.append(self.live.latest)
        return max([self.date, *latest], key=instant)


@dataclass(frozen=True)
class Page:
    """A static page such as About: no date, no author, not in feeds."""

    source: SourceLocation
    digest: str
    slug: str
    url: str
    title: str
    body_key: str  # as for Article
    summary: str
    description: str | None = None
    images: tuple[ImageRef, ...] = ()
    has_embeds: bool = False
    aliases: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    videos: tuple[VideoRef, ...] = ()
    alias_lines: tuple[int, ...] = ()  # as for Article
    in_footer: bool = True  # linked from every page's footer (``footer: false`` leaves it out)
    draft: bool = False  # kept, like a story's, so that a build without drafts leaves it out


def is_about(page: Page) -> bool:
    """Whether ``page`` is the site's About page (at /about/): the header links to it, and
    the footer names it "About" and the site's title, not by its own title."""
    return page.slug == "about"


def images_of(item: Article | Page) -> tuple[ImageRef, ...]:
    """Every image an article or page shows: the hero, the body's photos (figures, gallery
    slides, inline images) and the posters of its videos.

    The one list of an item's photos: the image stage plans from it, the checks read it, and
    the render keys hash it.
    """
    hero = item.hero if isinstance(item, Article) else None
    posters = [v.poster for v in item.videos if v.poster is not None]
    return (*((hero,) if hero else ()), *item.images, *posters)


def photos_of(item: Article | Page) -> tuple[ImageRef, ...]:
    """The images of ``images_of`` a reader sees as photos (hero, figures, gallery slides),
    each reference once: the ones that need alt text and a credit."""
    seen: set[tuple[str, SourceLocation]] = set()
    found = []
    for ref in images_of(item):
        if ref.role in PHOTO_ROLES and (ref.src, ref.location) not in seen:
            seen.add((ref.src, ref.location))
            found.append(ref)
    return tuple(found)


def videos_of(item: Article | Page) -> tuple[VideoRef, ...]:
    """Every video an article or page shows: the hero's, then the body's."""
    hero = item.hero_video if isinstance(item, Article) else None
    return (*((hero,) if hero else ()), *item.videos)


class BodySource(Protocol):
    """Where the body HTML of articles and pages is read, by their ``body_key``."""

    def html(self, key: str, source: str) -> bytes:
        """The body HTML of ``key``, the body of the file ``source`` (site-relative)."""
        ...


@dataclass(frozen=True)
class Content:
    """Everything the content stage found: the published articles newest first, pages, authors,
    and where their bodies are read."""

    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    authors: Mapping[str, Author]
    bodies: BodySource
    next_scheduled: datetime | None = None
    held_back: int = 0
    # The stories held back, for ``byline check``'s word on a link to one: the drafts (by
    # address: they are not assembled into articles), and those due later.
    drafts: tuple[DraftAddress, ...] = ()
    scheduled: tuple[Article, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftAddress:
    """Where a draft story left off the site would be published, and its file."""

    url: str
    source: SourceLocation


# -- as plain data, for the cache: lists in field order, checked when read -----------------
# Bodies are not in the data: each is its file's parse's, found by ``body_key``.

IMAGE_ROLES = ("hero", "figure", "inline", "avatar", "slide", "poster")


def term_data(term: Term) -> list[str]:
    """A Term as plain data."""
    return [term.name, term.slug, term.url]


def term_from(data: object) -> Term:
    """The Term ``term_data`` wrote."""
    name, slug, url = items(data)
    all_text(name, slug, url)
    return term(name, slug, url)


@lru_cache(maxsize=1 << 16)
def term(name: str, slug: str, url: str) -> Term:
    """The one Term of this name and address in this process.  A site has a few hundred tags,
    or tens of thousands of names, on up to 100,000 stories: one object each (they are
    frozen) instead of one per story that gives it (100 MB at 100,000 stories)."""
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


def video_data(video: VideoRef) -> list[Any]:
    """A VideoRef as plain data."""
    return [video.src, str(video.path), location_data(video.location), video.alt, video.caption,
            video.credit, video.poster and image_data(video.poster),
            [[str(c.path), c.language] for c in video.captions],
            list(video.size) if video.size else None]


def video_from(data: object) -> VideoRef:
    """The VideoRef ``video_data`` wrote."""
    src, path, where, alt, caption, credit, poster, captions, size = items(data)
    width, height = items(size) if size is not None else (None, None)
    return VideoRef(
        text(src), Path(text(path)), location_from(where), maybe_text(alt), maybe_text(caption),
        maybe_text(credit), maybe(image_from, poster),
        tuple(_captions_from(c) for c in items(captions)),
        None if size is None else (integer(width), integer(height)),
    )


def _captions_from(data: object) -> CaptionsRef:
    path, language = items(data)
    return CaptionsRef(Path(text(path)), text(language))


def embed_data(embed: Embed) -> list[Any]:
    """An Embed as plain data."""
    return [embed.provider, embed.url, location_data(embed.location), embed.described]


def embed_from(data: object) -> Embed:
    """The Embed ``embed_data`` wrote."""
    provider, url, where, described = items(data)
    return Embed(text(provider), text(url), location_from(where), flag(described))


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
    """An Article as plain data (its body is its parse's, by ``body_key``)."""
    a = article
    return [
        location_data(a.source), a.digest, a.slug, a.url, a.title, datetime_data(a.date),
        a.date_has_time, a.summary, a.word_count, list(a.author_slugs),
        a.category and term_data(a.category), [term_data(t) for t in a.tags], a.dek,
        a.updated and datetime_data(a.updated), a.hero and image_data(a.hero),
        [image_data(i) for i in a.images], a.has_embeds, a.draft, list(a.aliases),
        _extra_data(a.extra), [video_data(v) for v in a.videos],
        a.hero_video and video_data(a.hero_video), [embed_data(e) for e in a.embeds],
        a.updated_has_time, [change_data(c) for c in a.updates],
        [change_data(c) for c in a.corrections], a.live and live_data(a.live), a.body_key,
        list(a.alias_lines), a.category_line, list(a.tag_lines), a.updated_line, a.language,
        list(a.author_lines),
    ]


def article_from(data: object) -> Article:
    """The Article ``article_data`` wrote."""
    (where, digest, slug, url, title, date, date_has_time, summary, word_count, author_slugs,
     category, tags, dek, updated, hero, images, has_embeds, draft, aliases, extra, videos,
     hero_video, embeds, updated_has_time, updates, corrections, live, body_key,
     alias_lines, category_line, tag_lines, updated_line, language, author_lines) = items(data)
    all_text(digest, slug, url, title, summary, body_key)
    return Article(
        location_from(where), digest, slug, url, title, datetime_from(date),
        flag(date_has_time), body_key, summary, integer(word_count), texts(author_slugs),
        None if category is None else term_from(category), tuple(map(term_from, items(tags))),
        maybe_text(dek), None if updated is None else datetime_from(updated),
        None if hero is None else image_from(hero),
        tuple(map(image_from, items(images))) if images != [] else (), flag(has_embeds),
        flag(draft), texts(aliases) if aliases != [] else (), _extra_from(extra),
        tuple(map(video_from, items(videos))) if videos != [] else (),
        maybe(video_from, hero_video),
        tuple(map(embed_from, items(embeds))) if embeds != [] else (),
        flag(updated_has_time), tuple(map(change_from, items(updates))),
        tuple(map(change_from, items(corrections))), maybe(live_from, live),
        _lines_from(alias_lines), maybe_integer(category_line), _lines_from(tag_lines),
        maybe_integer(updated_line), maybe_text(language), _lines_from(author_lines),
    )


def change_data(change: Change) -> list[Any]:
    """A Change as plain data."""
    return [datetime_data(change.at), change.has_time, change.text, change.line]


def change_from(data: object) -> Change:
    """The Change ``change_data`` wrote."""
    at, has_time, words, line = items(data)
    return Change(datetime_from(at), flag(has_time), text(words), maybe_integer(line))


def live_data(live: LiveCoverage) -> list[Any]:
    """A LiveCoverage as plain data."""
    return [datetime_data(live.start), live.end and datetime_data(live.end), live.oldest_first,
            [[u.anchor, datetime_data(u.time), u.headline_html, u.line] for u in live.updates]]


def live_from(data: object) -> LiveCoverage:
    """The LiveCoverage ``live_data`` wrote."""
    start, end, oldest_first, updates = items(data)
    return LiveCoverage(datetime_from(start), maybe(datetime_from, end), flag(oldest_first),
                        tuple(_update_from(u) for u in items(updates)))


def _update_from(data: object) -> LiveUpdate:
    anchor, time, headline_html, line = items(data)
    return LiveUpdate(text(anchor), datetime_from(time), text(headline_html),
                      maybe_integer(line))


def page_data(page: Page) -> list[Any]:
    """A Page as plain data (its body is its parse's, by ``body_key``)."""
    return [
        location_data(page.source), page.digest, page.slug, page.url, page.title, page.summary,
        page.description, [image_data(i) for i in page.images], page.has_embeds,
        list(page.aliases), _extra_data(page.extra), [video_data(v) for v in page.videos],
        page.body_key, list(page.alias_lines), page.in_footer, page.draft,
    ]


def page_from(data: object) -> Page:
    """The Page ``page_data`` wrote."""
    (where, digest, slug, url, title, summary, description, images, embeds, aliases, extra,
     videos, body_key, alias_lines, in_footer, draft) = items(data)
    return Page(
        location_from(where), text(digest), text(slug), text(url), text(title), text(body_key),
        text(summary), maybe_text(description), tuple(image_from(i) for i in items(images)),
        flag(embeds), texts(aliases), _extra_from(extra),
        tuple(video_from(v) for v in items(videos)), _lines_from(alias_lines), flag(in_footer),
        flag(draft),
    )


def _lines_from(data: object) -> tuple[int, ...]:
    return tuple(map(integer, items(data))) if data != [] else ()


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
