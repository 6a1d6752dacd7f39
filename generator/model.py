"""The content model: plain, frozen data that every later stage reads and none mutates.

(Frozen but not slotted: these objects are pickled into the build cache, and slotted
dataclasses unpickle through a slow Python ``__setstate__``; a warm build loads thousands.)

Objects refer to each other by key (an article names its authors by slug) so that each can be
cached and sent to another process on its own.  URLs here are site paths ("/music/slug/"),
never absolute: the render stage adds ``base_url`` so a site can live under a sub-path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from generator.errors import SourceLocation

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
