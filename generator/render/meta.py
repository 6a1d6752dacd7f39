"""``<head>`` facts for each page: canonical URL, Open Graph, Twitter card, JSON-LD."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.google import HEADLINE_LIMIT
from generator.markup import shorten

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
    # ``max-image-preview:large``: search engines may show the image big (Google Discover).
    # Templates write it only on pages that are not ``noindex``.
    large_image_preview: bool = False
    prev_url: str | None = None
    next_url: str | None = None
    # ``og:locale`` of a story in another language than the site's (None: the site's).
    locale: str | None = None

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
    crops: tuple[str, ...] = ()  # the hero cut to 16:9, 4:3 and 1:1 (absolute URLs)
    draft: bool = False
    # A live blog: coverage start and end (ISO 8601), and per update its headline, time,
    # text and address (see render/live.py).
    live: tuple[str, str | None, tuple[tuple[str, str, str, str], ...]] | None = None
    language: str | None = None  # the story's own, when it is not the site's


# Open Graph wants language_TERRITORY; a bare language gets the territory it is most read in.
_TERRITORIES = {"en": "US", "ja": "JP", "zh": "CN", "ko": "KR", "sv": "SE", "da": "DK",
                "el": "GR", "cs": "CZ", "he": "IL", "uk": "UA", "hi": "IN", "ar": "AR",
                "nb": "NO", "nn": "NO", "fa": "IR", "vi": "VN", "ca": "ES", "sl": "SI",
                "et": "EE", "ga": "IE", "ms": "MY", "sr": "RS", "bn": "IN", "ur": "PK"}


def og_locale(language: str) -> str:
    """``og:locale`` for a site's language: "en" → "en_US", "en-GB" → "en_GB", "fr" → "fr_FR"."""
    parts = language.replace("_", "-").split("-")
    base = parts[0].lower()
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if region is None and base == "zh" and "hant" in (p.lower() for p in parts[1:]):
        region = "TW"  # Traditional script: Taiwan's, not the mainland's Simplified
    return f"{base}_{(region or _TERRITORIES.get(base, base)).upper()}"


def news_language(language: str) -> str:
    """The language as Google's news sitemap takes it: the ISO 639 code alone ("en-GB" →
    "en"), but for Chinese, whose two scripts it tells apart as "zh-cn" and "zh-tw"."""
    parts = [part.lower() for part in language.replace("_", "-").split("-")]
    if parts[0] == "zh":
        return "zh-tw" if {"hant", "tw", "hk", "mo"} & set(parts[1:]) else "zh-cn"
    return parts[0]


# Languages written right to left (ISO 639 codes), for the page's dir attribute.
_RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps",
                            "sd", "syr", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """"rtl" for a language written right to left (Arabic, Hebrew, Persian, Urdu…), else
    "ltr"; a script subtag decides where it says otherwise ("ku-Latn")."""
    parts = [part.lower() for part in language.replace("_", "-").split("-")]
    scripts = {part for part in parts[1:] if len(part) == 4}
    if scripts & {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"}:
        return "rtl"
    return "rtl" if parts[0] in _RIGHT_TO_LEFT and not scripts else "ltr"


def json_ld_script(data: Mapping[str, Any]) -> Markup:
    """A ``<script type="application/ld+json">`` element that cannot break out of itself."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def news_article_ld(
    *, headline: str, description: str, url: str, images: Sequence[str], published: str,
    modified: str, authors: Sequence[tuple[str, str]], publisher: str, logo: str | None,
    section: str | None, keywords: Sequence[str], word_count: int, publisher_url: str = "",
    language: str | None = None,
) -> dict[str, Any]:
    """schema.org ``NewsArticle`` as Google's article guidelines describe it.

    A story without a byline is the publisher's own: it is named as the author.
    """
    org: dict[str, Any] = {"@type": "Organization", "name": publisher}
    if publisher_url:
        org["url"] = publisher_url
    people = [{"@type": "Person", "name": n, "url": u} for n, u in authors]
    author = people or [dict(org)]
    if logo:
        org["logo"] = {"@type": "ImageObject", "url": logo}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": shorten(headline, HEADLINE_LIMIT),  # at a word, not mid-word
        "description": description,
        "datePublished": published,
        "dateModified": modified,
        "author": author,
        "publisher": org,
        "wordCount": word_count,
    }
    if images:
        data["image"] = list(images)
    if section:
        data["articleSection"] = section
    if keywords:
        data["keywords"] = list(keywords)
    if language:  # a story in another language than the page's <html lang>
        data["inLanguage"] = language
    return data
