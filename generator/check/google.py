"""Google's rules for news sites: article structured data, Discover's images, the news sitemap.

From Google Search Central's Article and Google News guidelines: an article's JSON-LD names
its headline, dates, authors and publisher; Discover shows large
previews only of images at least 1200 px wide, and asks for the image in 16:9, 4:3 and 1:1,
each of at least 50,000 pixels; a news sitemap lists only articles of the last two days, at
most 1,000 URLs (more go in several sitemaps under a sitemap index).  Every finding is a
warning: the site works, it only reaches fewer readers.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.errors import Problem, Severity, SourceLocation
from generator.google import DISCOVER_RATIOS, HEADLINE_LIMIT, NEWS_LIMIT, NEWS_WINDOW

ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                           "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle",
                           "BlogPosting", "LiveBlogPosting"})
# What Byline's article markup always holds, so a gap means a template lost it.  A missing
# ``image`` is the story's (it has no hero: said about the story) and a missing
# ``publisher.logo`` the site's (the structured-data validator in CI checks the sample's).
REQUIRED = ("headline", "datePublished", "author", "author.name", "publisher",
            "publisher.name")
RECOMMENDED = ("dateModified", "author.url", "description", "mainEntityOfPage")
RATIOS = {f"{across}:{down}": across / down for across, down in DISCOVER_RATIOS}
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Where an image of this site is in the output folder (None: not one of its files).
ImageFile = Callable[[str], Path | None]


def structured_data_problems(
    blocks: tuple[tuple[str, int], ...], image_file: ImageFile,
    where: Callable[[int], SourceLocation],
) -> Iterator[Problem]:
    """Warnings about the article markup in a page's JSON-LD ``blocks`` (text, line); the
    location names the page, so one site-wide gap reads the same on every page."""
    for text, line in blocks:
        try:
            data = json.loads(text)
        except ValueError as error:
            yield Problem(Severity.WARNING, f"the JSON-LD is not valid JSON ({error}): "
                          "search engines ignore it", where(line))
            continue
        for item in _items(data):
            types = item.get("@type")
            types = {types} if isinstance(types, str) else set(types or ())
            if types & ARTICLE_TYPES:
                yield from _article_problems(item, image_file, where(line))


def _items(data: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _items(entry)
    elif isinstance(data, dict):
        yield data
        yield from _items(data.get("@graph"))


def _article_problems(
    item: Mapping[str, Any], image_file: ImageFile, where: SourceLocation
) -> Iterator[Problem]:
    missing = [name for name in REQUIRED if not _value(item, name)]
    if missing:
        yield Problem(Severity.WARNING, f"the article markup (JSON-LD) lacks "
                      f"{', '.join(missing)}, which Google needs for article results", where)
    unsaid = [name for name in RECOMMENDED if not _value(item, name)]
    if unsaid:
        yield Problem(Severity.WARNING, f"the article markup (JSON-LD) lacks "
                      f"{', '.join(unsaid)}, which Google recommends", where)
    headline = item.get("headline")
    if isinstance(headline, str) and len(headline) > HEADLINE_LIMIT:
        yield Problem(Severity.WARNING, f"the JSON-LD headline is {len(headline)} "
                      f"characters: Google shows at most {HEADLINE_LIMIT}", where)
    # A story without a photo shows the site's logo (said about the story, not its markup).
    publisher = item.get("publisher")
    logo = _image_urls(publisher.get("logo")) if isinstance(publisher, dict) else []
    urls = [url for url in _image_urls(item.get("image")) if url not in logo]
    yield from _image_problems(urls, image_file, where)


def _value(item: Mapping[str, Any], dotted: str) -> bool:
    """Whether ``dotted`` ("author.url") has a value, in every entry where it is a list."""
    found: list[Any] = [item]
    for part in dotted.split("."):
        found = [entry for value in found
                 for entry in (value if isinstance(value, list) else [value])]
        found = [entry.get(part) if isinstance(entry, dict) else None for entry in found]
    return bool(found) and all(found)


def _image_urls(image: Any) -> list[str]:
    if isinstance(image, str):
        return [image]
    if isinstance(image, dict):
        return [image["url"]] if isinstance(image.get("url"), str) else []
    if isinstance(image, list):
        return [url for entry in image for url in _image_urls(entry)]
    return []


def _image_problems(
    urls: list[str], image_file: ImageFile, where: SourceLocation
) -> Iterator[Problem]:
    """Discover's sizes, read from the image files themselves (their headers only)."""
    from PIL import Image  # only for sites with local images in their markup

    sizes: dict[str, tuple[int, int]] = {}
    for url in urls:
        path = image_file(url)
        if path is None:
            continue  # another host's image, or a missing file (reported as such elsewhere)
        try:
            with Image.open(path) as opened:
                sizes[url] = opened.size
        except (OSError, ValueError, Image.DecompressionBombError):
            continue
    # Discover's 1200 px and Google's 50,000 pixels are the hero's to meet: the markup's
    # images are its crops, and the build says so at the hero's line (one rule:
    # image_stage.warn_small_heroes), which `byline check` reports with its own findings.
    if sizes and len(sizes) == len(urls):
        missing = [name for name, ratio in RATIOS.items()
                   if not any(abs(w / h - ratio) <= 0.01 * ratio for w, h in sizes.values())]
        if missing:
            yield Problem(Severity.WARNING, f"the article markup has no "
                          f"{' or '.join(missing)} image: Google asks for the photo in 16:9, 4:3 "
                          "and 1:1 (Byline makes them from the hero)", where)


def news_sitemap_problems(
    root: ElementTree.Element, name: str, where: SourceLocation, now: datetime | None
) -> Iterator[Problem]:
    """A news sitemap: at most 1,000 URLs, each published in the two days before ``now``."""
    urls = root.findall(f"{_SITEMAP}url")
    if len(urls) > NEWS_LIMIT:
        yield Problem(Severity.WARNING, f"news sitemap {name} lists {len(urls)} URLs: Google "
                      f"reads at most {NEWS_LIMIT}; split it into several under a sitemap index",
                      where)
    if now is None:
        return
    stale = []
    for url in urls:
        published = url.findtext(f"{_NEWS}news/{_NEWS}publication_date")
        try:
            moment = datetime.fromisoformat((published or "").strip())
        except ValueError:
            continue
        if moment.tzinfo is not None and now - moment > NEWS_WINDOW:
            stale.append((url.findtext(f"{_SITEMAP}loc") or "").strip())
    if stale:
        yield Problem(Severity.WARNING, f"news sitemap {name} lists {len(stale)} "
                      f"{'story' if len(stale) == 1 else 'stories'} published more than two "
                      f"days ago ({stale[0]}{' …' if len(stale) > 1 else ''}): Google News "
                      "ignores them; build again to leave them out", where)


def collapse_repeats(problems: list[Problem]) -> list[Problem]:
    """One problem said the same way on many pages (a site-wide gap such as a missing logo)
    is listed for its first page only, with how many more pages have it."""
    pages: dict[tuple[Severity, str], list[object]] = {}
    for problem in problems:
        where = problem.location.path if problem.location else None
        found = pages.setdefault((problem.severity, problem.message), [])
        if where not in found:
            found.append(where)
    shown: list[Problem] = []
    for problem in problems:
        found = pages[(problem.severity, problem.message)]
        where = problem.location.path if problem.location else None
        if where != found[0]:
            continue
        if len(found) > 1:
            more = len(found) - 1
            problem = Problem(problem.severity, f"{problem.message} (and on {more} more "
                              f"page{'s' if more != 1 else ''})", problem.location)
        shown.append(problem)
    return shown


def is_news_sitemap(root: ElementTree.Element) -> bool:
    """Whether a sitemap is a Google News one (its URLs carry ``<news:news>``)."""
    return root.find(f"{_SITEMAP}url/{_NEWS}news") is not None
