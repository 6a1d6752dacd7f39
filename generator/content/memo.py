"""Work kept between loads: file digests by (size, mtime), parses, and checked files.

In memory for the preview server's next build, and on disk in the build cache for the next
``byline build``; every entry is keyed by content hashes, so a stale one is never used.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from generator.cache import BuildCache, digest_bytes, digest_text
from generator.config import SiteConfig
from generator.errors import Problem, Report, SourceLocation, problem_data, problem_from
from generator.frontmatter import said_of_a_page
from generator.inputfiles import (
    UNSETTLED,
    UnreadableFile,
    change_stamp,
    open_problem,
    read_input,
    settled,
)
from generator.markup import MARKUP_VERSION
from generator.model import (
    Article,
    Author,
    Page,
    article_data,
    article_from,
    author_data,
    author_from,
    images_of,
    page_data,
    page_from,
    videos_of,
)
from generator.parallel import in_worker, map_in_workers
from generator.plaindata import ShapeError, items

from .assemble import assemble_article, assemble_page
from .discover import MARKDOWN_FILE, SourceFile
from .parse import (
    CHANGED_WHILE_BUILDING,
    ParsedSource,
    parse_key,
    parse_source,
    parsed_data,
    parsed_from,
)
from .version import CHECKS_VERSION
from .videos import videos_current

_PARSE_BATCH = 64
_CACHE_CHUNK = 900  # parses looked up, or stored, at a time (SQLite's host-parameter limit)


@dataclass(frozen=True)
class Assembly:
    """A checked article or page, the authors it names, and the warnings it raised."""

    item: Article | Page
    authors: tuple[Author, ...]
    warnings: tuple[Problem, ...]

    def images_exist(self) -> bool:
        """Whether every local image and video it refers to is still on disk, and no poster or
        captions file has appeared beside a video since (files are not hashed here)."""
        return (all(r.path is None or r.path.is_file() for r in images_of(self.item))
                and videos_current(videos_of(self.item)))


def assembly_data(assembly: Assembly) -> tuple[list[Any], bytes]:
    """A checked file as plain data for the cache (its body is kept once, with its parse)."""
    item = assembly.item
    kind, data = (
        ("article", article_data(item)) if isinstance(item, Article) else ("page", page_data(item))
    )
    authors = [author_data(a) for a in assembly.authors]
    return [kind, data, authors, [problem_data(p) for p in assembly.warnings]], b""


def assembly_from(data: object, _raw: bytes) -> Assembly:
    """The checked file ``assembly_data`` wrote."""
    kind, item, authors, warnings = items(data)
    if kind == "article":
        made: Article | Page = article_from(item)
    elif kind == "page":
        made = page_from(item)
    else:
        raise ShapeError(f"unknown kind of document {kind!r}")
    return Assembly(made, tuple(author_from(a) for a in items(authors)),
                    tuple(problem_from(p) for p in items(warnings)))


@dataclass(slots=True)
class ParseMemo:
    """Work kept between builds: in memory under ``byline serve``, on disk via the cache."""

    cache: BuildCache | None = None
    parsed: dict[str, ParsedSource] = field(default_factory=dict)
    assembled: dict[str, Assembly] = field(default_factory=dict)
    signatures: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    loaded: bool = False
    last: LoadRecord | None = None  # what the latest load_content read

    def forget_for_next_build(self) -> None:
        """Let go of what is kept only for a next build in this process (every checked
        file, every file's signature): a build that runs once holds them to its end, a
        fifth of its loaded model, for nothing.  The disk cache keeps them all."""
        self.assembled = {}
        self.signatures = {}
        self.loaded = False


@dataclass(frozen=True, slots=True)
class LoadRecord:
    """What one load read: each source by path with its assembled key, and the authors."""

    files: Mapping[str, tuple[SourceFile, str]]
    authors: Mapping[str, Author]
    context: str  # digest of what every assembled file depends on besides itself


def load_context(config: SiteConfig, authors: Mapping[str, Author]) -> str:
    """What every checked file depends on besides itself: the settings and the author files."""
    return digest_text(MARKUP_VERSION, CHECKS_VERSION, config.built_from,
                       repr(sorted(authors.items())))


def forget_stale(memo: ParseMemo, assembled: Iterable[str], digests: Iterable[str]) -> None:
    """Drop cached parses and checked files no current source uses, once they pile up.

    Every save leaves its versions behind; a year of writing would otherwise keep them all.
    """
    cache = memo.cache
    live = {*assembled, *(parse_key(d) for d in digests)}
    if cache is not None and cache.parsed_count() > len(live) * 6 // 5 + 20:
        cache.forget_parsed_except(live)


def assembled_key(context: str, source: SourceFile, digest: str) -> str:
    """The cache key of a checked file."""
    return digest_text("assembled", context, source.key, digest)


def assemble_source(
    source: SourceFile, digest: str, parsed: ParsedSource, config: SiteConfig,
    authors: Mapping[str, Author], drafts: bool, report: Report,
) -> Assembly | None:
    """Check one file; an Assembly only when it had no errors (only those are cached)."""
    if parsed.problem:
        problem = said_of_a_page(parsed.problem) if source.kind == "page" else parsed.problem
        report.error(problem, SourceLocation(source.display, parsed.problem_line))
        return None
    local = Report()
    draft = bool(parsed.meta and parsed.meta.data.get("draft") is True)
    if draft and not drafts:
        # An unfinished draft (story or page) must never block publishing the rest; but one
        # whose draft: is given twice (draft: false added below) may be meant to go out.
        said = [r for r in parsed.repeats if r.path == ("draft",)]
        for repeat in said:
            report.error(repeat.message, SourceLocation(source.display, repeat.line))
        if said:
            return None
        # Checked all the same, its mistakes said to no one, for its address (a link to it
        # is said to lead to a draft: see ``Content.drafts``); the load leaves it out.
        report = Report()
    if source.kind == "page":
        page = assemble_page(source, digest, parsed, config, local)
        result = Assembly(page, (), tuple(local.warnings)) if page else None
    else:
        made = assemble_article(source, digest, parsed, config, authors, local)
        result = Assembly(made.article, made.authors, tuple(local.warnings)) if made else None
    for repeat in parsed.repeats:
        local.error(repeat.message, SourceLocation(source.display, repeat.line))
    report.extend(local.problems)
    return result if not local.errors else None


def cached_assemblies(
    keys: list[str], memory: dict[str, Any], cache: BuildCache | None
) -> dict[str, Any]:
    """The checked files of these keys found in memory or in the cache."""
    found = {k: memory[k] for k in keys if k in memory}
    missing = [k for k in keys if k not in found]
    if cache is not None and missing:
        found.update(cache.parsed(missing, assembly_from))
    return found


def source_digests(sources: list[SourceFile], memo: ParseMemo) -> list[str]:
    """The content hash of every source; OSError (UnreadableFile) if one cannot be read."""
    digests = _digest_each(sources, memo)
    for digest in digests:
        if isinstance(digest, UnreadableFile):
            raise digest
    # The loop raised on any UnreadableFile: what is left is text, which mypy cannot follow.
    return digests  # type: ignore[return-value]


def readable_sources(
    sources: list[SourceFile], memo: ParseMemo, report: Report
) -> tuple[list[SourceFile], list[str]]:
    """The sources that could be read, with their content hashes; the others reported."""
    kept: list[SourceFile] = []
    digests: list[str] = []
    for source, digest in zip(sources, _digest_each(sources, memo), strict=True):
        if isinstance(digest, UnreadableFile):
            report.error(str(digest), SourceLocation(source.display))
        else:
            kept.append(source)
            digests.append(digest)
    return kept, digests


def _digest_each(sources: list[SourceFile], memo: ParseMemo) -> list[str | UnreadableFile]:
    """The content hash of every source, trusting (size, change stamp) where the cache knows
    it."""
    if memo.cache is not None and not memo.loaded:
        memo.signatures = memo.cache.file_signatures()
        memo.loaded = True
    digests: list[str | UnreadableFile] = []
    new_signatures = []
    now_ns = time.time_ns()
    for source in sources:
        try:
            st = os.stat(source.path)
            stamp = change_stamp(st)
            known = memo.signatures.get(source.key)
            if known and known[0] == st.st_size and known[1] == stamp:
                digests.append(known[2])
                continue
            digest = digest_bytes(_read(source.path))
        except OSError as error:  # gone or changed since discovery
            digests.append(error if isinstance(error, UnreadableFile)
                           else UnreadableFile(open_problem(error, source.path)))
            continue
        digests.append(digest)
        new_signatures.append((source.key, st, digest))
        memo.signatures[source.key] = (st.st_size, stamp if settled(st, now_ns) else UNSETTLED,
                                       digest)
    if memo.cache is not None and new_signatures:
        memo.cache.remember_files(new_signatures)
    return digests


def parses_for(
    digests: list[str], sources: list[SourceFile], memo: ParseMemo
) -> Iterator[tuple[str, ParsedSource]]:
    """(digest, parse) once for each distinct digest of these sources: from memory, the cache
    or a fresh parse, each yielded as it comes.

    Fresh parses arrive a worker's batch at a time and are stored in the cache as they come,
    so a cold build never holds every body of the archive at once (at 100,000 stories that
    was 1.2 GB in the build process while the workers parsed)."""
    paths = {d: s.path for d, s in zip(digests, sources, strict=True)}
    missing: list[str] = []
    for digest in paths:
        found = memo.parsed.get(parse_key(digest))
        if found is None:
            missing.append(digest)
        else:
            yield digest, found
    if memo.cache is not None and missing:
        absent: list[str] = []
        for start in range(0, len(missing), _CACHE_CHUNK):
            chunk = missing[start : start + _CACHE_CHUNK]
            cached = memo.cache.parsed((parse_key(d) for d in chunk), parsed_from)
            for digest in chunk:
                found = cached.get(parse_key(digest))
                if found is None:
                    absent.append(digest)
                else:
                    yield digest, found
        missing = absent
    if missing:
        yield from _parse_missing([(d, paths[d]) for d in missing], memo)


def _parse_missing(
    files: list[tuple[str, str]], memo: ParseMemo
) -> Iterator[tuple[str, ParsedSource]]:
    """Read and parse files on every core, in batches so each worker gets a useful amount of
    work; what is parsed is kept (in the cache, else in memory) as it comes."""
    batches = [files[i : i + _PARSE_BATCH] for i in range(0, len(files), _PARSE_BATCH)]
    unstored: dict[str, ParsedSource] = {}
    for batch in map_in_workers(read_and_parse, batches):
        for digest, parsed, keep in batch:
            if keep:
                unstored[parse_key(digest)] = parsed
            yield digest, parsed
        if memo.cache is None:  # no disk cache: kept for a next build in this process
            memo.parsed.update(unstored)
            unstored = {}
        elif len(unstored) >= _CACHE_CHUNK:
            memo.cache.store_parsed(unstored, parsed_data)
            unstored = {}
    if unstored and memo.cache is not None:
        memo.cache.store_parsed(unstored, parsed_data)


def read_and_parse(files: list[tuple[str, str]]) -> list[tuple[str, ParsedSource, bool]]:
    """Read and parse a batch of files, each named by its content hash and path (the unit of
    work sent to a worker process): (digest, parse, whether to keep it) for each.

    A file read here is hashed again: one saved after the build hashed it would otherwise be
    stored as the parse of the version the build saw, and shown again if that version came
    back.  Neither it nor a file that can no longer be read is kept."""
    done: list[tuple[str, ParsedSource, bool]] = []
    # Workers are forked while the build checks files with its collector off (load.py), but
    # Markdown's parser makes reference cycles: without the collector a worker would grow.
    # Not in the build's own process (a few files, parsed there): its first collection would
    # walk the whole model just decoded from the cache (0.4 s at 100,000 stories).
    with collector(enabled=True) if in_worker() else nullcontext():
        for digest, path in files:
            try:
                data = _read(path)
            except OSError as error:
                done.append((digest, ParsedSource(problem=str(error)), False))
                continue
            if digest_bytes(data) != digest:
                done.append((digest, ParsedSource(problem=CHANGED_WHILE_BUILDING), False))
            else:
                parsed = parse_source(data)
                done.append((digest, parsed, not parsed.repeats))
    return done


@contextmanager
def collector(*, enabled: bool) -> Iterator[None]:
    """Python's cyclic garbage collector on or off within the block, as before it after."""
    before = gc.isenabled()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if before:
            gc.enable()
        else:
            gc.disable()


def _read(path: str) -> bytes:
    return read_input(path, MARKDOWN_FILE)



