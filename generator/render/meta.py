"""``<head>`` facts for each page: canonical URL, Open Graph, Twitter card, JSON-LD."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

NO_MARKUP = Markup("")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What ``base.html`` puts in ``<head>``."""

    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str | None = None
    image_alt: str | None = None
    image_width: int | None = None
    image_height: int | None = None
    json_ld: Markup = NO_MARKUP
    alternates: tuple[Mapping[str, str], ...] = ()
    noindex: bool = False
    prev_url: str | None = None
    next_url: str | None = None

    def share_title(self, site_name: str) -> str:
        """The title for link previews (``og:title``): ``title`` without its " | Site name".

        A preview shows ``og:site_name`` beside the title already, so a suffix would print the
        site's name twice.  The site's own title (the home page) is kept as it is.
        """
        suffix = f" | {site_name}"
        if site_name and self.title.endswith(suffix) and len(self.title) > len(suffix):
            return self.title[: -len(suffix)]
        return self.title


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What an article page's ``meta`` is made from, and all it is made from."""

    title: str
    description: str
    path: str  # the article's site path
    published: str  # ISO 8601
    modified: str
    authors: tuple[tuple[str, str], ...]  # (name, absolute URL)
    section: str | None
    keywords: tuple[str, ...]
    word_count: int
    image: tuple[str, str, int, int] | None  # the share card: URL, alt, width, height
    # What galleries and videos add to the structured data (see render/media.py).
    media: Mapping[str, Any] = field(default_factory=dict)


def json_ld_script(data: Mapping[str, Any]) -> Markup:
    """A ``<script type="application/ld+json">`` element that cannot break out of itself."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def news_article_ld(
    *, headline: str, description: str, url: str, images: Sequence[str], published: str,
    modified: str, authors: Sequence[tuple[str, str]], publisher: str, logo: str | None,
    section: str | None, keywords: Sequence[str], word_count: int,
) -> dict[str, Any]:
    """schema.org ``NewsArticle`` as Google's article guidelines describe it."""
    org: dict[str, Any] = {"@type": "Organization", "name": publisher}
    if logo:
        org["logo"] = {"@type": "ImageObject", "url": logo}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": headline[:110],
        "description": description,
        "datePublished": published,
        "dateModified": modified,
        "author": [{"@type": "Person", "name": n, "url": u} for n, u in authors],
        "publisher": org,
        "wordCount": word_count,
    }
    if images:
        data["image"] = list(images)
    if section:
        data["articleSection"] = section
    if keywords:
        data["keywords"] = list(keywords)
    return data
