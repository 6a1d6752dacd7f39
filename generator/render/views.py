"""What templates see: the model dressed for display, with every URL final.

Views are built per build from the model, the site index and the image plans; they hold no
I/O and no logic a template would need to repeat (dates formatted, URLs with the base path).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from generator.image_stage import ImageIndex
from generator.images import ImagePlan
from generator.model import Article, Author, ImageRef, Term

from .media import VideoView, has_gallery, video_view

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_ROOT_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')


@dataclass(frozen=True, slots=True)
class ImageView:
    """One picture ready for ``<picture>``/``<img>`` markup."""

    alt: str
    src: str
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sources: tuple[Mapping[str, str], ...] = ()
    placeholder: str | None = None
    remote: bool = False


@dataclass(frozen=True, slots=True)
class TermView:
    """A category or tag link."""

    name: str
    slug: str
    url: str
    count: int = 0


@dataclass(frozen=True, slots=True)
class AuthorView:
    """An author as shown in bylines and bio boxes."""

    name: str
    slug: str
    url: str
    bio: str | None = None
    avatar: ImageView | None = None
    links: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as templates show it; ``body`` only on its own page."""

    title: str
    url: str
    summary: str
    date: datetime
    date_iso: str
    date_display: str
    time_display: str | None
    reading_minutes: int
    word_count: int
    dek: str | None = None
    updated: datetime | None = None
    updated_iso: str | None = None
    category: TermView | None = None
    tags: tuple[TermView, ...] = ()
    authors: tuple[AuthorView, ...] = ()
    hero: ImageView | None = None
    body: Markup | None = None
    has_embeds: bool = False
    status: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    hero_video: VideoView | None = None  # shown instead of the hero photo, its poster
    has_gallery: bool = False  # the page needs js/gallery.js


def display_date(moment: datetime) -> str:
    """"October 26, 2018", the same in every locale the build machine may have."""
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def display_time(moment: datetime) -> str:
    """"9:30 AM"."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


class ViewMaker:
    """Builds views for one build; remembers list views since lists repeat articles."""

    def __init__(
        self, images: ImageIndex, authors: Mapping[str, Author], url: Callable[[str], str],
        term_counts: Mapping[str, int], now: datetime | None = None,
    ) -> None:
        self.images = images
        self.authors = authors
        self.url = url
        self.term_counts = term_counts
        self.now = now  # set in preview only: articles after it are marked "scheduled"
        self._cards: dict[str, ArticleView] = {}

    def image(self, ref: ImageRef | None) -> ImageView | None:
        """The view of one referenced image, or None."""
        if ref is None:
            return None
        plan = self.images.plan(ref)
        if plan is None:
            return ImageView(alt=ref.alt or "", src=ref.src, caption=ref.caption,
                             credit=ref.credit, remote=True)
        return self.planned(plan, ref.alt or "", ref.caption, ref.credit)

    def planned(
        self, plan: ImagePlan, alt: str, caption: str | None = None, credit: str | None = None
    ) -> ImageView:
        """The view of a planned image with its srcsets."""
        fallback_format = plan.fallback.format
        by_format: dict[str, list[str]] = {}
        mimes: dict[str, str] = {}
        for variant in sorted(plan.variants, key=lambda v: v.width):
            by_format.setdefault(variant.format, []).append(
                f"{self.url(variant.url_path)} {variant.width}w"
            )
            mimes[variant.format] = variant.mime
        sources = tuple(
            {"type": mimes[f], "srcset": ", ".join(by_format[f])}
            for f in ("avif", "webp") if f in by_format and f != fallback_format
        )
        return ImageView(
            alt=alt,
            src=self.url(plan.fallback.url_path),
            caption=caption,
            credit=credit or plan.source.credit,
            width=plan.fallback.width,
            height=plan.fallback.height,
            srcset=", ".join(by_format.get(fallback_format, [])),
            sources=sources,
            placeholder=plan.source.placeholder,
        )

    def term(self, term: Term) -> TermView:
        """A category or tag link with its article count."""
        return TermView(term.name, term.slug, self.url(term.url), self.term_counts.get(term.url, 0))

    def author(self, author: Author) -> AuthorView:
        """An author for bylines and bio boxes."""
        return AuthorView(
            name=author.name, slug=author.slug, url=self.url(author.url), bio=author.bio,
            avatar=self.image(author.avatar),
            links=tuple({"label": link.label, "url": link.url} for link in author.links),
        )

    def card(self, article: Article) -> ArticleView:
        """The article as a list item (no body)."""
        view = self._cards.get(article.url)
        if view is None:
            view = self._cards[article.url] = self._article(article, None)
        return view

    def full(self, article: Article, body: Markup) -> ArticleView:
        """The article for its own page, with its finished body."""
        return self._article(article, body)

    def _article(self, article: Article, body: Markup | None) -> ArticleView:
        status = None
        if article.draft:
            status = "draft"
        elif self.now is not None and article.date > self.now:
            status = "scheduled"
        return ArticleView(
            title=article.title,
            url=self.url(article.url),
            summary=article.summary,
            date=article.date,
            date_iso=article.date.isoformat(),
            date_display=display_date(article.date),
            time_display=display_time(article.date) if article.date_has_time else None,
            reading_minutes=article.reading_minutes,
            word_count=article.word_count,
            dek=article.dek,
            updated=article.updated,
            updated_iso=article.updated.isoformat() if article.updated else None,
            category=self.term(article.category) if article.category else None,
            tags=tuple(self.term(t) for t in article.tags),
            authors=tuple(self.author(self.authors[s]) for s in article.author_slugs
                          if s in self.authors),
            hero=self.image(article.hero),
            body=body,
            has_embeds=article.has_embeds,
            status=status,
            extra=article.extra,
            hero_video=video_view(article.hero_video, self.images, self.url) if body else None,
            has_gallery=has_gallery(article),
        )


def rebase_links(html: str, base_path: str) -> str:
    """Prefix root-relative ``href``/``src`` in body HTML with the site's base path."""
    if base_path == "/":
        return html
    prefix = base_path.rstrip("/")
    return _ROOT_LINK.sub(lambda m: f"{m.group(1)}{prefix}/", html)
