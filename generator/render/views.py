"""What templates see: the model dressed for display, with every URL final.

Views are built per build from the model, the site index and the image plans; they hold no
I/O and no logic a template would need to repeat (dates formatted, URLs with the base path).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any, Protocol
from urllib.parse import urljoin

from markupsafe import Markup

from generator.dates import in_zone, machine_time
from generator.image_stage import ImageIndex
from generator.images import ImagePlan
from generator.markup.captions import caption_html, shown_caption
from generator.model import Article, Author, Change, ImageRef, Term

from .feeds import URL_SCHEME
from .live import LiveView, live_state, live_view
from .media import VideoView, has_gallery, video_view
from .meta import text_direction
from .reads import watched

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@watched
@dataclass(frozen=True, slots=True)
class ImageView:
    """One picture ready for ``<picture>``/``<img>`` markup."""

    alt: str
    src: str
    caption: Markup | None = None  # the writer's, with its emphasis and links (captions.py)
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sources: tuple[Mapping[str, str], ...] = ()
    placeholder: str | None = None
    remote: bool = False
    # Its file has see-through parts (a chart, a logo, a cut-out), drawn for a light page.
    transparent: bool = False


@watched
@dataclass(frozen=True, slots=True)
class TermView:
    """A category or tag link."""

    name: str
    slug: str
    url: str
    count: int = 0


@watched
@dataclass(frozen=True, slots=True)
class AuthorView:
    """An author as shown in bylines and bio boxes."""

    name: str
    slug: str
    url: str
    bio: str | None = None
    avatar: ImageView | None = None
    links: tuple[Mapping[str, str], ...] = ()


@watched
@dataclass(frozen=True, slots=True)
class ChangeView:
    """An update or a correction, with its time ready to print."""

    at: datetime
    iso: str
    display: str  # "November 19, 2026, 2:05 PM EST"
    text: Markup  # the writer's words, their Markdown read as a caption's


@watched
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
    updated_display: str | None = None  # "November 19, 2026, 2:05 PM EST"
    updates: tuple[ChangeView, ...] = ()  # newest first
    corrections: tuple[ChangeView, ...] = ()  # newest first
    live: LiveView | None = None  # a live blog's coverage and updates
    # The story's language when it is not the site's, and the way it is written ("rtl",
    # "ltr"); both None for a story in the site's language.
    language: str | None = None
    direction: str | None = None


def display_date(moment: datetime) -> str:
    """"October 26, 2018", the same in every locale the build machine may have."""
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def display_time(moment: datetime) -> str:
    """"9:30 AM"."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def display_clock(moment: datetime) -> str:
    """"2:05 PM EST": the time, with its zone when it has one."""
    zone = moment.tzname()
    return f"{display_time(moment)}{f' {zone}' if zone else ''}"


def display_update_time(moment: datetime) -> str:
    """"1:50 AM": a live update's time, with its zone only in the hour the clocks repeat in
    autumn, where 1:50 AM comes twice ("1:50 AM PDT", then "1:10 AM PST")."""
    other = moment.replace(fold=1 - moment.fold)
    return display_clock(moment) if other.utcoffset() != moment.utcoffset() else display_time(
        moment)


def display_moment(moment: datetime, has_time: bool = True) -> str:
    """"November 19, 2026, 2:05 PM EST": the date, and the time with its zone when known."""
    return f"{display_date(moment)}, {display_clock(moment)}" if has_time else display_date(moment)


def change_view(change: Change, story: str = "/",
                url: Callable[[str], str] = lambda path: path) -> ChangeView:
    """An update or correction of the story at the site path ``story`` as templates show it,
    on its story or on /corrections/ alike: a link written relative to the story is made
    one from the site's root, with the base path (``url``) as a story's own links have."""
    text = caption_html(change.text)
    if "href=" in text:
        text = Markup(rebase_links(_HREF.sub(
            lambda m: m.group(1) + _from_root(m.group(2), story) + '"', text), url("/")))
    return ChangeView(change.at, machine_time(change.at),
                      display_moment(change.at, change.has_time), text)


_HREF = re.compile(r'(\shref=")([^"]*)"')


def _from_root(href: str, page: str) -> str:
    """``href`` as written on the page at site path ``page``, from the site's root."""
    if href.startswith(("/", "//")) or URL_SCHEME.match(href):
        return href
    return urljoin(page, href)


class KeptViews(Protocol):
    """The views the last build made that a ViewMaker hands out again (``carried.Carried``):
    one is given back only where it is exactly the one that would be made now."""

    def card(self, article: Article) -> ArticleView | None:
        """The card kept for this very article object, if any."""
        ...

    def keep_card(self, article: Article, view: ArticleView) -> None:
        """Remember the card made now."""
        ...

    def term(self, url: str, view: TermView) -> TermView:
        """The kept view of this term if it equals ``view``, else ``view``."""
        ...

    def author(self, slug: str, view: AuthorView) -> AuthorView:
        """The kept view of this author if it equals ``view``, else ``view``."""
        ...


class ViewMaker:
    """Builds views for one build; remembers each card, term and author view, since lists
    repeat them (and the same object lets keys digest it once)."""

    def __init__(
        self, images: ImageIndex, authors: Mapping[str, Author], url: Callable[[str], str],
        term_counts: Mapping[str, int], now: datetime | None, carried: KeptViews,
        tz: tzinfo | None = None,
        clock: datetime | None = None,
    ) -> None:
        self.images = images
        # Times are shown in the site's timezone, whatever offset the writer gave them in.
        self.tz = tz
        self.authors = authors
        self.url = url
        self.term_counts = term_counts
        self.now = now  # set in preview only: articles after it are marked "scheduled"
        self.clock = clock or now  # the build's time, for a live blog's state
        # Views of the last build, used again where they are what would be made again.
        self.carried = carried
        self._cards: dict[str, ArticleView] = {}
        self._terms: dict[str, TermView] = {}
        self._authors: dict[str, AuthorView] = {}

    def image(self, ref: ImageRef | None) -> ImageView | None:
        """The view of one referenced image, or None."""
        if ref is None:
            return None
        plan = self.images.plan(ref)
        if plan is None:
            return ImageView(alt=ref.alt or "", src=ref.src, caption=shown_caption(ref.caption),
                             credit=ref.credit, remote=True)
        return self.planned(plan, ref.alt or "", shown_caption(ref.caption), ref.credit)

    def planned(
        self, plan: ImagePlan, alt: str, caption: Markup | None = None,
        credit: str | None = None,
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
            transparent=plan.source.has_alpha,
        )

    def term(self, term: Term) -> TermView:
        """A category or tag link with its article count."""
        view = self._terms.get(term.url)
        if view is None or view.name != term.name:
            view = self.carried.term(term.url, TermView(
                term.name, term.slug, self.url(term.url), self.term_counts.get(term.url, 0)))
            self._terms[term.url] = view
        return view

    def author(self, author: Author) -> AuthorView:
        """An author for bylines and bio boxes."""
        view = self._authors.get(author.slug)
        if view is None:
            view = self._authors[author.slug] = self.carried.author(author.slug, AuthorView(
                name=author.name, slug=author.slug, url=self.url(author.url), bio=author.bio,
                avatar=self.image(author.avatar),
                links=tuple({"label": link.label, "url": link.url} for link in author.links),
            ))
        return view

    def card(self, article: Article) -> ArticleView:
        """The article as a list item (no body)."""
        view = self._cards.get(article.url)
        if view is None:
            kept = self.carried.card(article)
            view = kept if kept is not None and self._still(kept, article) else \
                self._article(article)
            self.carried.keep_card(article, view)
            self._cards[article.url] = view
        return view

    def _still(self, view: ArticleView, article: Article) -> bool:
        """Whether a kept card of this very article is what ``_article`` would make now: the
        same status, and the same term and author views (kept views are reused when equal,
        so this is a matter of identity)."""
        if view.status != self.status(article):
            return False
        if view.live is not None and article.live is not None and self.clock is not None \
                and view.live.state != live_state(article.live, self.clock):
            return False
        category = self.term(article.category) if article.category else None
        if view.category is not category or len(view.tags) != len(article.tags):
            return False
        if any(kept is not self.term(tag) for kept, tag in zip(view.tags, article.tags,
                                                                strict=True)):
            return False
        authors = [self.author(self.authors[s]) for s in article.author_slugs
                   if s in self.authors]
        return len(authors) == len(view.authors) and all(
            a is b for a, b in zip(authors, view.authors, strict=True))

    def full(self, article: Article, body: Markup) -> ArticleView:
        """The article for its own page: its card with the finished body."""
        return replace(self.card(article), body=body)

    def status(self, article: Article) -> str | None:
        """"draft", "scheduled" (in preview, until its time comes) or None."""
        if article.draft:
            return "draft"
        if self.now is not None and article.date > self.now:
            return "scheduled"
        return None

    def _article(self, article: Article) -> ArticleView:
        # "Updated" is the newest change after publication: ``updated:``, an update or a
        # correction, whichever is latest.
        last = article.last_change
        shown = in_zone(article.date, self.tz) if self.tz else article.date
        return ArticleView(
            title=article.title,
            url=self.url(article.url),
            summary=article.summary,
            date=article.date,
            date_iso=machine_time(article.date),
            date_display=display_date(shown),
            time_display=display_clock(shown) if article.date_has_time else None,
            reading_minutes=article.reading_minutes,
            word_count=article.word_count,
            dek=article.dek,
            updated=last.at if last else None,
            updated_iso=machine_time(last.at) if last else None,
            category=self.term(article.category) if article.category else None,
            tags=tuple(self.term(t) for t in article.tags),
            authors=tuple(self.author(self.authors[s]) for s in article.author_slugs
                          if s in self.authors),
            hero=self.image(article.hero),
            has_embeds=article.has_embeds,
            status=self.status(article),
            extra=article.extra,
            has_gallery=has_gallery(article),
            hero_video=video_view(article.hero_video, self.images, self.url),
            updated_display=display_moment(last.at, last.has_time) if last else None,
            updates=tuple(change_view(c, article.url, self.url) for c in article.updates),
            corrections=tuple(change_view(c, article.url, self.url)
                              for c in article.corrections),
            live=live_view(article, self.clock, self.url, display_date, display_update_time)
            if self.clock is not None else None,
            language=article.language,
            direction=text_direction(article.language) if article.language else None,
        )


def rebase_links(html: str, base_path: str) -> str:
    """Prefix root-relative ``href``/``src`` in body HTML with the site's base path, but for
    those that already start with it: a writer who copies a link from the published site's
    address bar has it already (as Hugo's ``relURL`` does, a section named like the base
    path is then reached only through a link that spells the base path out)."""
    if base_path == "/":
        return html
    prefix = base_path.rstrip("/")
    with_base = re.compile(r'(\s(?:href|src)=")/(?!/)(?!' + re.escape(prefix[1:])
                           + r'(?:[/?#"]))')
    return with_base.sub(lambda m: f"{m.group(1)}{prefix}/", html)
