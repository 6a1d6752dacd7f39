"""Stage 2: ``content/`` → ``Content``.

Reads every source file once, reuses the parse of any file whose content hash is already in
the cache, parses the rest on every core, then checks the whole set (duplicate URLs, drafts,
scheduled articles).  All problems of all files are collected before the stage gives up.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from generator.cache import BuildCache, digest_bytes, digest_text
from generator.config import SiteConfig
from generator.errors import Report, SourceLocation
from generator.markup import MARKUP_VERSION
from generator.model import Article, Author, Content, Page, Term
from generator.parallel import map_in_workers
from generator.slugs import slugify

from .assemble import Assembled, assemble_article, assemble_page
from .authors import load_author_files
from .discover import SourceFile, discover_sources
from .parse import ParsedSource, parse_many

_PARSE_BATCH = 64


@dataclass(frozen=True, slots=True)
class ContentOptions:
    """What the build asks of the content stage."""

    drafts: bool = False
    future: bool = False
    now: datetime | None = None


@dataclass(slots=True)
class ParseMemo:
    """Parses kept between builds: in memory under ``byline serve``, on disk via the cache."""

    cache: BuildCache | None = None
    parsed: dict[str, ParsedSource] = field(default_factory=dict)
    signatures: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    loaded: bool = False


def load_content(
    config: SiteConfig, options: ContentOptions, report: Report, memo: ParseMemo | None = None
) -> Content:
    """Read, parse and check every article, page and author file of the site."""
    memo = memo or ParseMemo()
    sources = discover_sources(config.root)
    parsed = _parse_all(sources, memo)
    authors = load_author_files(config.root, report)
    articles: list[Assembled] = []
    pages: list[Page] = []
    now = options.now or datetime.now(config.tz)
    for source, (digest, result) in zip(sources, parsed, strict=True):
        if result.problem:
            report.error(result.problem, _where(source, result.problem_line))
            continue
        if source.kind == "page":
            page = assemble_page(source, digest, result, config, report)
            if page and not (page.extra.get("draft") and not options.drafts):
                pages.append(page)
            continue
        draft = bool(result.meta and result.meta.data.get("draft") is True)
        if draft and not options.drafts:
            continue  # an unfinished draft must never block publishing the rest
        assembled = assemble_article(source, digest, result, config, authors, report)
        if assembled:
            articles.append(assembled)
    published = [a for a in articles if options.future or a.article.date <= now]
    future = [a.article.date for a in articles if a.article.date > now and not a.article.draft]
    content = Content(
        articles=_newest_first(_canonical_terms([a.article for a in published], config)),
        pages=tuple(sorted(pages, key=lambda p: p.url)),
        authors=_all_authors(authors, published),
        next_scheduled=min(future) if future else None,
        held_back=len(sources) - len(published) - len(pages),
    )
    _check_unique_urls(content, report)
    return content


def _where(source: SourceFile, line: int | None) -> SourceLocation:
    return SourceLocation(source.display, line)


def _parse_all(sources: list[SourceFile], memo: ParseMemo) -> list[tuple[str, ParsedSource]]:
    """(content digest, parse) for every source, parsing only what no cache holds."""
    if memo.cache is not None and not memo.loaded:
        memo.signatures = memo.cache.file_signatures()
    digests: list[str] = []
    unread: dict[str, bytes] = {}
    new_signatures = []
    for source in sources:
        st = os.stat(source.path)
        known = memo.signatures.get(source.key)
        if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            digests.append(known[2])
            continue
        data = source.path.read_bytes()
        digest = digest_bytes(data)
        digests.append(digest)
        new_signatures.append((source.key, st.st_size, st.st_mtime_ns, digest))
        unread[digest] = data
    keys = {d: digest_text(MARKUP_VERSION, d) for d in digests}
    missing = [d for d in dict.fromkeys(digests) if keys[d] not in memo.parsed]
    if memo.cache is not None and missing:
        found = memo.cache.parsed(keys[d] for d in missing)
        memo.parsed.update(found)
        missing = [d for d in missing if keys[d] not in memo.parsed]
    if missing:
        fresh = _parse_missing(missing, unread, sources, digests, keys)
        memo.parsed.update(fresh)
        if memo.cache is not None:
            memo.cache.store_parsed(fresh)
    for row in new_signatures:
        memo.signatures[row[0]] = row[1:]
    if memo.cache is not None and new_signatures:
        memo.cache.remember_files(new_signatures)
    memo.loaded = True
    return [(d, memo.parsed[keys[d]]) for d in digests]


def _parse_missing(
    missing: list[str], unread: dict[str, bytes], sources: list[SourceFile],
    digests: list[str], keys: Mapping[str, str],
) -> dict[str, ParsedSource]:
    by_digest = {d: s for s, d in zip(sources, digests, strict=True)}
    items = []
    for digest in missing:
        # A digest known from the stat shortcut but absent from the cache needs a fresh read.
        data = unread.get(digest) or by_digest[digest].path.read_bytes()
        items.append((keys[digest], data))
    batches = [items[i : i + _PARSE_BATCH] for i in range(0, len(items), _PARSE_BATCH)]
    results: dict[str, ParsedSource] = {}
    for batch in map_in_workers(parse_many, batches):
        results.update(batch)
    return results


def _canonical_terms(articles: list[Article], config: SiteConfig) -> list[Article]:
    """One spelling per category and tag slug, so "music" and "Music" are one page."""
    names: dict[str, str] = {slugify(c): c for c in config.categories}
    tag_names: dict[str, str] = {}
    for article in sorted(articles, key=lambda a: str(a.source.path)):
        if article.category:
            names.setdefault(article.category.slug, article.category.name)
        for tag in article.tags:
            tag_names.setdefault(tag.slug, tag.name)
    result = []
    for article in articles:
        category = article.category
        if category and category.name != names[category.slug]:
            category = Term(names[category.slug], category.slug, category.url)
        tags = tuple(Term(tag_names[t.slug], t.slug, t.url) for t in article.tags)
        result.append(replace(article, category=category, tags=tags))
    return result


def _newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (a.date, a.url), reverse=True))


def _all_authors(described: Mapping[str, Author], published: list[Assembled]) -> dict[str, Author]:
    authors = dict(described)
    for item in published:
        for author in item.authors:
            authors.setdefault(author.slug, author)
    return dict(sorted(authors.items()))


def _check_unique_urls(content: Content, report: Report) -> None:
    """Two sources claiming one URL is an error naming both."""
    owners: dict[str, Path] = {}
    items: list[tuple[str, Path, object]] = []
    for item in (*content.articles, *content.pages):
        items.append((item.url, item.source.path, item))
        items.extend((alias, item.source.path, item) for alias in item.aliases)
    for url, path, item in sorted(items, key=lambda i: (str(i[1]), i[0])):
        normal = url if url.endswith("/") or "." in url.rsplit("/", 1)[-1] else url + "/"
        if normal in owners and owners[normal] != path:
            report.error(
                f"URL {normal} is used by both {owners[normal]} and {path}: give one a "
                "different slug",
                item.source,  # type: ignore[attr-defined]
            )
        owners.setdefault(normal, path)
