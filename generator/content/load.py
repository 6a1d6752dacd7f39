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
from typing import Any

from generator.cache import BuildCache, digest_bytes, digest_text
from generator.config import SiteConfig
from generator.errors import Problem, Report, SourceLocation
from generator.markup import MARKUP_VERSION
from generator.model import Article, Author, Content, Page, Term
from generator.parallel import map_in_workers
from generator.slugs import folder_url, slugify

from .assemble import assemble_article, assemble_page
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


@dataclass(frozen=True)
class Assembly:
    """A checked article or page, the authors it names, and the warnings it raised."""

    item: Article | Page
    authors: tuple[Author, ...]
    warnings: tuple[Problem, ...]

    def images_exist(self) -> bool:
        """Whether every local image it refers to is still on disk (they are not hashed here)."""
        refs = list(self.item.images)
        hero = getattr(self.item, "hero", None)
        if hero:
            refs.append(hero)
        return all(r.path is None or r.path.is_file() for r in refs)


@dataclass(slots=True)
class ParseMemo:
    """Work kept between builds: in memory under ``byline serve``, on disk via the cache."""

    cache: BuildCache | None = None
    parsed: dict[str, ParsedSource] = field(default_factory=dict)
    assembled: dict[str, Assembly] = field(default_factory=dict)
    signatures: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    loaded: bool = False


def load_content(
    config: SiteConfig, options: ContentOptions, report: Report, memo: ParseMemo | None = None
) -> Content:
    """Read, parse and check every article, page and author file of the site."""
    memo = memo or ParseMemo()
    sources = discover_sources(config.root)
    authors = load_author_files(config.root, report)
    digests = _digests(sources, memo)
    # An assembled article depends on its file, the site settings and the author files.
    context = digest_text(MARKUP_VERSION, repr(config), repr(sorted(authors.items())))
    keys = [digest_text("assembled", context, s.key, d)
            for s, d in zip(sources, digests, strict=True)]
    done = _cached(keys, memo.assembled, memo.cache)
    todo = [i for i, key in enumerate(keys) if key not in done or not done[key].images_exist()]
    parsed = _parses([digests[i] for i in todo], [sources[i] for i in todo], memo)
    fresh: dict[str, Assembly] = {}
    for i in todo:
        assembly = _assemble(sources[i], digests[i], parsed[digests[i]], config, authors,
                             options, report)
        if assembly is not None:
            fresh[keys[i]] = done[keys[i]] = assembly
    del parsed  # the bodies live on in the articles; the rest of each parse is not needed
    # Kept in memory too, so the preview server's next build needs no unpickling.
    memo.assembled.update(done)
    if memo.cache is not None and fresh:
        memo.cache.store_parsed(fresh)
    rechecked = set(todo)
    articles: list[Article] = []
    people: dict[str, Author] = {}
    pages: list[Page] = []
    for index, key in enumerate(keys):
        assembly = done.get(key)
        if assembly is None:
            continue
        if index not in rechecked:  # fresh ones reported their warnings already
            report.extend(assembly.warnings)
        item = assembly.item
        if isinstance(item, Page):
            pages.append(item)
        elif options.drafts or not item.draft:
            articles.append(item)
            people.update((a.slug, a) for a in assembly.authors)
    now = options.now or datetime.now(config.tz)
    published = [a for a in articles if options.future or a.date <= now]
    future = [a.date for a in articles if a.date > now and not a.draft]
    named = {slug for a in published for slug in a.author_slugs}
    content = Content(
        articles=_newest_first(_canonical_terms(published, config)),
        pages=tuple(sorted(pages, key=lambda p: p.url)),
        authors=dict(sorted({**{s: people[s] for s in named}, **authors}.items())),
        next_scheduled=min(future) if future else None,
        held_back=len(sources) - len(published) - len(pages),
    )
    _check_unique_urls(content, report)
    return content


def _assemble(
    source: SourceFile, digest: str, parsed: ParsedSource, config: SiteConfig,
    authors: Mapping[str, Author], options: ContentOptions, report: Report,
) -> Assembly | None:
    """Check one file; an Assembly only when it had no errors (only those are cached)."""
    if parsed.problem:
        report.error(parsed.problem, SourceLocation(source.display, parsed.problem_line))
        return None
    local = Report()
    if source.kind == "page":
        page = assemble_page(source, digest, parsed, config, local)
        result = Assembly(page, (), tuple(local.warnings)) if page else None
    else:
        draft = bool(parsed.meta and parsed.meta.data.get("draft") is True)
        if draft and not options.drafts:
            return None  # an unfinished draft must never block publishing the rest
        made = assemble_article(source, digest, parsed, config, authors, local)
        result = Assembly(made.article, made.authors, tuple(local.warnings)) if made else None
    report.extend(local.problems)
    return result if not local.errors else None


def _cached(keys: list[str], memory: dict[str, Any], cache: BuildCache | None) -> dict[str, Any]:
    found = {k: memory[k] for k in keys if k in memory}
    missing = [k for k in keys if k not in found]
    if cache is not None and missing:
        found.update(cache.parsed(missing))
    return found


def _digests(sources: list[SourceFile], memo: ParseMemo) -> list[str]:
    """The content hash of every source, trusting (size, mtime) where the cache knows it."""
    if memo.cache is not None and not memo.loaded:
        memo.signatures = memo.cache.file_signatures()
        memo.loaded = True
    digests: list[str] = []
    new_signatures = []
    for source in sources:
        st = os.stat(source.path)
        known = memo.signatures.get(source.key)
        if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            digests.append(known[2])
            continue
        digest = digest_bytes(_read(source.path))
        digests.append(digest)
        new_signatures.append((source.key, st.st_size, st.st_mtime_ns, digest))
    for row in new_signatures:
        memo.signatures[row[0]] = row[1:]
    if memo.cache is not None and new_signatures:
        memo.cache.remember_files(new_signatures)
    return digests


def _parses(
    digests: list[str], sources: list[SourceFile], memo: ParseMemo
) -> dict[str, ParsedSource]:
    """The parse of each of these sources, from memory, the cache or a fresh parse."""
    keys = {d: digest_text("parsed", MARKUP_VERSION, d) for d in digests}
    found = {d: p for d in digests if (p := memo.parsed.get(keys[d])) is not None}
    missing = [d for d in dict.fromkeys(digests) if d not in found]
    if memo.cache is not None and missing:
        cached = memo.cache.parsed(keys[d] for d in missing)
        found.update({d: cached[keys[d]] for d in missing if keys[d] in cached})
        missing = [d for d in missing if d not in found]
    if missing:
        by_digest = {d: s for d, s in zip(digests, sources, strict=True)}
        fresh = _parse_missing([(keys[d], _read(by_digest[d].path)) for d in missing])
        if memo.cache is not None:
            memo.cache.store_parsed(fresh)
        else:  # no disk cache: keep them for the next build in this process
            memo.parsed.update(fresh)
        found.update({d: fresh[keys[d]] for d in missing})
    return found


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _parse_missing(items: list[tuple[str, bytes]]) -> dict[str, ParsedSource]:
    """Parse files on every core, in batches so each worker gets a useful amount of work."""
    batches = [items[i : i + _PARSE_BATCH] for i in range(0, len(items), _PARSE_BATCH)]
    results: dict[str, ParsedSource] = {}
    for batch in map_in_workers(parse_many, batches):
        results.update(batch)
    return results


def _canonical_terms(articles: list[Article], config: SiteConfig) -> list[Article]:
    """One spelling per category and tag slug, so "music" and "Music" are one page."""
    names: dict[str, str] = {slugify(c): c for c in config.categories}
    tag_names: dict[str, str] = {}
    for article in sorted(articles, key=lambda a: a.source.path):
        if article.category:
            names.setdefault(article.category.slug, article.category.name)
        for tag in article.tags:
            tag_names.setdefault(tag.slug, tag.name)
    result = []
    for article in articles:
        category = article.category
        if category and category.name != names[category.slug]:
            category = Term(names[category.slug], category.slug, category.url)
        if category is article.category and all(tag_names[t.slug] == t.name for t in article.tags):
            result.append(article)  # the common case: nothing to respell, nothing to copy
            continue
        tags = tuple(Term(tag_names[t.slug], t.slug, t.url) for t in article.tags)
        result.append(replace(article, category=category, tags=tags))
    return result


def _newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (a.date, a.url), reverse=True))


def _check_unique_urls(content: Content, report: Report) -> None:
    """Two sources claiming one URL is an error naming both."""
    owners: dict[str, str] = {}
    claims: list[tuple[str, str, SourceLocation]] = []
    for item in (*content.articles, *content.pages):
        claims.append((item.url, item.source.path, item.source))
        claims.extend((alias, item.source.path, item.source) for alias in item.aliases)
    for url, path, where in sorted(claims, key=lambda claim: (claim[1], claim[0])):
        normal = folder_url(url)
        if normal in owners and owners[normal] != path:
            report.error(
                f"URL {normal} is used by both {owners[normal]} and {path}: give one a "
                "different slug",
                where,
            )
        owners.setdefault(normal, path)
