"""Reading a few saved files again on top of the last load, for the preview's rebuilds.

A writer's save usually changes one article without moving it: the same URL, date, category,
tags, authors and photos, a new sentence or a better headline.  Then nothing else of the site
needs reading, and the new article simply takes the old one's place.  Any other change (a new
or deleted file, a retagged or redated story, a new photo) is left to ``load_content``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from generator.config import SiteConfig
from generator.errors import Report
from generator.model import Article, Content, Page, images_of, videos_of

from .memo import (
    Assembly,
    LoadRecord,
    ParseMemo,
    assemble_source,
    assembled_key,
    assembly_data,
    parses_for,
    source_digests,
)

_Item = TypeVar("_Item", Article, Page)


@dataclass(frozen=True, slots=True)
class ContentPatch:
    """The content after some files were read again, and what took whose place."""

    content: Content
    record: LoadRecord
    articles: tuple[Article, ...]  # each replaces the article at its URL
    before: Mapping[str, Article]  # the versions they replace, by URL
    pages: tuple[Page, ...]  # each replaces the page at its URL
    reread: tuple[str, ...]  # the files read again, as messages name them


def reload_sources(
    config: SiteConfig, drafts: bool, report: Report, memo: ParseMemo, previous: Content,
    record: LoadRecord, paths: Iterable[str],
) -> ContentPatch | None:
    """``previous`` with the files at ``paths`` read again; None when a full load is needed."""
    known = [record.files.get(path) for path in sorted(set(paths))]
    if any(entry is None for entry in known):
        return None  # a new, deleted or non-article file
    sources = [entry[0] for entry in known if entry]
    olds = [entry[1] for entry in known if entry]
    try:
        digests = source_digests(sources, memo)
    except OSError:  # deleted, or mid-way through an editor's rename
        return None
    keys = [assembled_key(record.context, s, d) for s, d in zip(sources, digests, strict=True)]
    todo = [i for i, key in enumerate(keys) if key != olds[i]]
    befores = [memo.assembled.get(olds[i]) for i in todo]
    if any(before is None for before in befores):
        return None
    parsed = parses_for([digests[i] for i in todo], [sources[i] for i in todo], memo)
    local = Report()  # merged only if the patch is used, else the full load reports again
    afters: list[tuple[str, Assembly]] = []
    for i, before in zip(todo, befores, strict=True):
        assert before is not None
        errors = len(local.errors)
        after = assemble_source(sources[i], digests[i], parsed[digests[i]], config,
                                record.authors, drafts, local)
        if after is None and len(local.errors) == errors:
            return None  # it became a draft the build leaves out
        if after is not None:
            if not _same_place(before, after):
                return None
            afters.append((keys[i], after))
    replaced = _replacements(previous, [after.item for _, after in afters])
    if replaced is None:
        return None
    articles, before, pages = replaced
    report.extend(local.problems)
    reread = tuple(sources[i].display for i in todo)
    if local.errors:
        return ContentPatch(previous, record, (), {}, (), reread)
    for i in todo:  # a long writing session must not keep every version of the file
        memo.assembled.pop(olds[i], None)
    memo.assembled.update(afters)
    if memo.cache is not None and afters:
        memo.cache.store_parsed(dict(afters), assembly_data)
    known_files = dict(record.files)
    known_files.update((sources[i].path, (sources[i], keys[i])) for i in todo)
    content = replace(previous, articles=_swap(previous.articles, articles),
                      pages=_swap(previous.pages, pages))
    return ContentPatch(content, replace(record, files=known_files), tuple(articles.values()),
                        before, tuple(pages.values()), reread)


def _same_place(before: Assembly, after: Assembly) -> bool:
    """Whether the new version sits exactly where the old one did in every list."""
    old, new = before.item, after.item
    if type(old) is not type(new) or old.url != new.url or old.aliases != new.aliases:
        return False
    if _photos(old) != _photos(new):
        return False
    if isinstance(old, Page):
        return True
    assert isinstance(new, Article)
    return (old.date == new.date and old.draft == new.draft and old.category == new.category
            and old.tags == new.tags and old.author_slugs == new.author_slugs
            and before.authors == after.authors)


def _photos(item: Article | Page) -> list[tuple[str, ...]]:
    """What the image stage plans from: each photo's file (the hero's with its focus), and
    each video's file and captions."""
    found: list[tuple[str, ...]] = [
        (r.role, r.key, str(r.focus) if r.role == "hero" else "") for r in images_of(item)]
    found += [("video", v.key, *(f"{c.path}:{c.language}" for c in v.captions))
              for v in videos_of(item)]
    return found


def _replacements(
    previous: Content, items: list[Article | Page]
) -> tuple[dict[str, Article], dict[str, Article], dict[str, Page]] | None:
    """URL → new version (spelled with the old one's canonical category and tags), URL → the
    article it replaces, URL → new page; None if one was not published before."""
    current = {a.url: a for a in previous.articles}
    current_pages = {p.url for p in previous.pages}
    articles: dict[str, Article] = {}
    before: dict[str, Article] = {}
    pages: dict[str, Page] = {}
    for item in items:
        if isinstance(item, Page):
            if item.url not in current_pages:
                return None
            pages[item.url] = item
            continue
        old = current.get(item.url)
        if old is None:  # a held-back draft or scheduled article
            return None
        if item.category != old.category or item.tags != old.tags:
            item = replace(item, category=old.category, tags=old.tags)
        articles[item.url] = item
        before[item.url] = old
    return articles, before, pages


def _swap(items: tuple[_Item, ...], new: dict[str, _Item]) -> tuple[_Item, ...]:
    return tuple(new.get(i.url, i) for i in items) if new else items
