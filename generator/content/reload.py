"""Reading a few saved files again on top of the last load, for the preview's rebuilds.

A writer's save usually changes one article without moving it in time: a new sentence, a
better headline, another tag.  Then nothing else of the site needs reading, and the new
version simply takes the old one's place.  Changes that add, remove or reorder stories (a new
or deleted file, another date or address, a new photo), or that would change other stories
(respelling a tag every story shares), are left to ``load_content``: the reason says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from generator.config import SiteConfig
from generator.errors import Report
from generator.layered import with_changes
from generator.model import Article, Content, Page, Term, images_of, term, videos_of
from generator.slugs import same_spelling, slugify, term_key

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
    articles: Mapping[str, tuple[Article, Article]]  # url → (previous, new version)
    pages: Mapping[str, tuple[Page, Page]]  # url → (previous, new version)
    reread: tuple[str, ...]  # the files read again, as messages name them


def reload_sources(
    config: SiteConfig, drafts: bool, report: Report, memo: ParseMemo, previous: Content,
    record: LoadRecord, paths: Iterable[str], now: datetime, position: Mapping[str, int],
) -> ContentPatch | str:
    """``previous`` with the files at ``paths`` read again; or why a full load is needed.

    ``position`` gives each article's place in ``previous.articles`` by URL.
    """
    wanted = sorted(set(paths))
    known = [record.files.get(path) for path in wanted]
    for path, entry in zip(wanted, known, strict=True):
        if entry is None:
            return f"{path} is a new file, or was deleted"
    sources = [entry[0] for entry in known if entry]
    olds = [entry[1] for entry in known if entry]
    try:
        digests = source_digests(sources, memo)
    except OSError:  # deleted, or mid-way through an editor's rename
        return "a saved file was deleted or moved"
    keys = [assembled_key(record.context, s, d) for s, d in zip(sources, digests, strict=True)]
    todo = [i for i, key in enumerate(keys) if key != olds[i]]
    befores = [memo.assembled.get(olds[i]) for i in todo]
    if any(before is None for before in befores):
        return "the last version of a saved file is not in memory"
    parsed = dict(parses_for([digests[i] for i in todo], [sources[i] for i in todo], memo))
    local = Report()  # merged only if the patch is used, else the full load reports again
    afters: list[tuple[str, Assembly]] = []
    for i, before in zip(todo, befores, strict=True):
        assert before is not None
        errors = len(local.errors)
        after = assemble_source(sources[i], digests[i], parsed[digests[i]], config,
                                record.authors, drafts, local)
        if (after is None and len(local.errors) == errors) or (
                after is not None and after.item.draft and not drafts):
            # (A draft is checked all the same, for its address: see ``assemble_source``.)
            return f"{sources[i].display} became a draft, which this build leaves out"
        if after is not None:
            moved = _moved(before, after, now)
            if moved:
                return f"{sources[i].display}: {moved}"
            afters.append((keys[i], after))
    replaced = _replacements(previous, position, [after.item for _, after in afters], config)
    if isinstance(replaced, str):
        return replaced
    articles, pages = replaced
    reread = tuple(sources[i].display for i in todo)
    report.extend(local.problems)
    if local.errors:
        return ContentPatch(previous, record, {}, {}, reread)
    for i in todo:  # a long writing session must not keep every version of the file
        memo.assembled.pop(olds[i], None)
    memo.assembled.update(afters)
    if memo.cache is not None and afters:
        memo.cache.store_parsed(dict(afters), assembly_data)
    known_files = with_changes(record.files, {sources[i].path: (sources[i], keys[i])
                                              for i in todo})
    content = replace(
        previous,
        articles=_swap(previous.articles, position, {u: n for u, (_, n) in articles.items()}),
        pages=_swap(previous.pages, {p.url: i for i, p in enumerate(previous.pages)},
                    {url: new for url, (_, new) in pages.items()}),
    )
    return ContentPatch(content, replace(record, files=known_files), articles, pages, reread)


def _moved(before: Assembly, after: Assembly, now: datetime) -> str:
    """Why the new version would not sit where the old one did, or "" if it does."""
    old, new = before.item, after.item
    if type(old) is not type(new) or old.url != new.url or old.aliases != new.aliases:
        return "its address changed"
    if _photos(old) != _photos(new):
        return "its photos changed"
    if isinstance(old, Page):
        return ""
    assert isinstance(new, Article)
    if old.date != new.date:
        return "its date changed"
    if old.draft != new.draft and new.date > now:
        return "a scheduled story became, or stopped being, a draft"
    new_people = {a.slug: a for a in after.authors}
    if any(before_author != new_people.get(before_author.slug)
           for before_author in before.authors if before_author.slug in new_people):
        return "an author's name changed"
    return ""


def _photos(item: Article | Page) -> list[tuple[str, ...]]:
    """What the image stage plans from: each photo's file (the hero's with its focus), and
    each video's file and captions."""
    found: list[tuple[str, ...]] = [
        (r.role, r.key, str(r.focus) if r.role == "hero" else "") for r in images_of(item)]
    found += [("video", v.key, *(f"{c.path}:{c.language}" for c in v.captions))
              for v in videos_of(item)]
    return found


def _replacements(
    previous: Content, position: Mapping[str, int], items: list[Article | Page],
    config: SiteConfig,
) -> tuple[dict[str, tuple[Article, Article]], dict[str, tuple[Page, Page]]] | str:
    """URL → (old, new) article, spelled with the site's canonical category and tag names,
    and URL → (old, new) page; or why they cannot simply take the old ones' places."""
    current_pages = {p.url: p for p in previous.pages}
    articles: dict[str, tuple[Article, Article]] = {}
    pages: dict[str, tuple[Page, Page]] = {}
    for item in items:
        if isinstance(item, Page):
            if item.url not in current_pages:
                return f"{item.source.path} was not published in the last build"
            pages[item.url] = (current_pages[item.url], item)
            continue
        at = position.get(item.url)
        old = previous.articles[at] if at is not None else None
        if old is None:
            return f"{item.source.path} was held back in the last build"
        articles[item.url] = (old, item)
    retermed = [url for url, (old, new) in articles.items()
                if _spellings(old) != _spellings(new)]
    if retermed:
        spelled = _canonical_spellings(previous, articles, retermed, config)
        if isinstance(spelled, str):
            return spelled
        articles.update(spelled)
    people = set(previous.authors)
    for old, new in articles.values():
        if old.author_slugs != new.author_slugs and not set(new.author_slugs) <= people:
            return f"{new.source.path} names an author the site did not have"
    dropped = {s for old, new in articles.values() for s in old.author_slugs
               if s not in new.author_slugs}
    if dropped:
        swapped = _swap(previous.articles, position, {u: n for u, (_, n) in articles.items()})
        still = {s for a in swapped for s in a.author_slugs}
        if dropped - still:
            return "an author no longer has any story"
    return articles, pages


def _spellings(article: Article) -> tuple[object, ...]:
    return (article.category, article.tags)


def _canonical_spellings(
    previous: Content, articles: Mapping[str, tuple[Article, Article]], retermed: list[str],
    config: SiteConfig,
) -> dict[str, tuple[Article, Article]] | str:
    """The retermed articles with each category and tag spelled as the site spells it.

    The full load spells a slug as ``site.yaml`` does, else as the first file (by path) that
    uses it.  When that first file is a saved one and the rule would respell the slug for the
    other stories too (it changed its spelling, or dropped the slug), or when a saved story
    spells a slug otherwise than by case (warned about where it first appears), this returns
    why, and the full load does it.
    """
    fixed = {("category", slugify(c)): c for c in config.categories}
    wanted = {k for url in retermed for version in articles[url] for k in _terms(version)}
    # "Işın" and "ışın" are one tag of two slugs (see load.py): the full load finds the
    # site's other spellings of it.
    folding = "a tag with Turkish ı or Greek accents needs the whole site's names"
    if any(term_key(slug) != slug for _, slug in wanted):
        return folding
    folded = {slug for kind, slug in wanted if kind == "tag"}  # each its own term_key
    folded_elsewhere = False
    others: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, slug) → first (path, name)
    tag_slugs = {slug for kind, slug in wanted if kind == "tag"}
    category_slugs = {slug for kind, slug in wanted if kind == "category"}
    skipped = set(retermed)

    def consider(kind: str, term: Term, path: str) -> None:
        first = others.get((kind, term.slug))
        if first is None or path < first[0]:
            others[kind, term.slug] = (path, term.name)

    for article in previous.articles:  # a walk of plain lookups: ten thousand cost little
        if article.url in skipped:
            continue
        if article.category and article.category.slug in category_slugs:
            consider("category", article.category, article.source.path)
        for tag in article.tags:
            if tag.slug in tag_slugs:
                consider("tag", tag, article.source.path)
            elif not tag.slug.isascii() and term_key(tag.slug) in folded:
                folded_elsewhere = True  # another story's "ısın" for a saved "isin"
    if folded_elsewhere:
        return folding
    spelled: dict[tuple[str, str], str] = {}
    for url in retermed:
        old, new = articles[url]
        path = new.source.path
        old_names, new_names = _terms(old), _terms(new)
        for key in old_names.keys() | new_names.keys():
            first = others.get(key)
            if key in fixed or first is None or first[0] < path:
                continue
            # This file comes first: its spelling is everyone's, before and after the save.
            before = old_names.get(key, first[1])
            if new_names.get(key) != before:
                return f"the spelling of '{before}' would change for every story using it"
        for key, name in new_names.items():
            first = others.get(key)
            choice = fixed.get(key) or (first[1] if first and first[0] < path else name)
            if not same_spelling(choice, name):
                # Merged all the same, but with a warning only the full load knows where to put.
                return f"'{name}' is spelled '{choice}' in another story"
            if spelled.setdefault(key, choice) != choice:
                return f"two saved stories spell '{name}' differently"
    found = {}
    for url in retermed:
        old, new = articles[url]
        category = new.category and _respelled(new.category, "category", spelled)
        tags = tuple(_respelled(t, "tag", spelled) for t in new.tags)
        found[url] = (old, replace(new, category=category, tags=tags))
    return found


def _terms(article: Article) -> dict[tuple[str, str], str]:
    """(kind, slug) → name of the article's category and tags."""
    found = {("tag", t.slug): t.name for t in article.tags}
    if article.category:
        found["category", article.category.slug] = article.category.name
    return found


def _respelled(given: Term, kind: str, names: Mapping[tuple[str, str], str]) -> Term:
    name = names.get((kind, given.slug), given.name)
    return given if name == given.name else term(name, given.slug, given.url)


def _swap(
    items: tuple[_Item, ...], position: Mapping[str, int], new: Mapping[str, _Item]
) -> tuple[_Item, ...]:
    if not new:
        return items
    copy = list(items)
    for url, item in new.items():
        copy[position[url]] = item
    return tuple(copy)
