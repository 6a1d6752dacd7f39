"""Stage 2: ``content/`` → ``Content``.

Reads every source file once, reuses the parse of any file whose content hash is already in
the cache, parses the rest on every core, then checks the whole set (duplicate URLs, drafts,
scheduled articles).  All problems of all files are collected before the stage gives up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from generator.config import CONFIG_NAME, SiteConfig
from generator.dates import instant, utc_now
from generator.errors import Problem, Report, SourceLocation
from generator.model import Article, Author, Content, DraftAddress, Page, Term, is_about, term
from generator.slugs import folder_url, quoted, same_spelling, slugify, term_key, title_order

from .assemble import category_url
from .authors import load_author_files, unused_namesakes
from .bodies import CachedBodies
from .discover import discover_sources
from .memo import (
    Assembly,
    LoadRecord,
    ParseMemo,
    assemble_source,
    assembled_key,
    assembly_data,
    cached_assemblies,
    collector,
    forget_stale,
    load_context,
    parses_for,
    readable_sources,
)


@dataclass(frozen=True, slots=True)
class ContentOptions:
    """What the build asks of the content stage."""

    drafts: bool = False
    future: bool = False
    now: datetime | None = None


def load_content(
    config: SiteConfig, options: ContentOptions, report: Report, memo: ParseMemo | None = None
) -> Content:
    """Read, parse and check every article, page and author file of the site."""
    memo = memo or ParseMemo()
    sources = discover_sources(config.root, report)
    authors = load_author_files(config.root, report)
    sources, digests = readable_sources(sources, memo, report)
    # An assembled article depends on its file, the site settings and the author files.
    context = load_context(config, authors)
    keys = [assembled_key(context, s, d) for s, d in zip(sources, digests, strict=True)]
    # Decoding a big site's cached files and assembling the model make a million small
    # objects and no reference cycles: the cyclic collector would only walk the growing
    # model again and again.  (Parsing, in workers, turns it back on: see read_and_parse.)
    with collector(enabled=False):
        done = cached_assemblies(keys, memo.assembled, memo.cache)
    todo = [i for i, key in enumerate(keys) if key not in done or not done[key].images_exist()]
    sharing: dict[str, list[int]] = {}  # two files with the same text share their parse
    for i in todo:
        sharing.setdefault(digests[i], []).append(i)
    with collector(enabled=False):
        fresh: dict[str, Assembly] = {}
        # Each parse is checked as it comes and let go: the bodies stay in the cache
        # (CachedBodies), the rest of a parse is not needed once its file is checked.
        for digest, parsed in parses_for([digests[i] for i in todo],
                                         [sources[i] for i in todo], memo):
            for i in sharing[digest]:
                assembly = assemble_source(sources[i], digest, parsed, config, authors,
                                           options.drafts, report)
                if assembly is not None:
                    fresh[keys[i]] = done[keys[i]] = assembly
                else:  # checked again (a photo gone since) and failed: not the old check's
                    done.pop(keys[i], None)
                    memo.assembled.pop(keys[i], None)
        # Kept in memory too, so the preview server's next build decodes nothing.
        memo.assembled.update(done)
        if memo.cache is not None and fresh:
            memo.cache.store_parsed(fresh, assembly_data)
        rechecked = set(todo)
        articles: list[Article] = []
        named_by: dict[str, tuple[Author, ...]] = {}  # article URL → the authors it names
        pages: list[Page] = []
        drafts: list[DraftAddress] = []
        for index, key in enumerate(keys):
            assembly = done.get(key)
            if assembly is None:
                continue
            item = assembly.item
            if not options.drafts and item.draft:
                if isinstance(item, Article):
                    drafts.append(DraftAddress(item.url, item.source))
                continue  # checked in a preview, which shows drafts, and cached: not said
            if index not in rechecked:  # fresh ones reported their warnings already
                report.extend(assembly.warnings)
            if isinstance(item, Page):
                pages.append(item)
            else:
                articles.append(item)
                named_by[item.url] = assembly.authors
        now = utc_now(options.now)
        published = [a for a in articles if options.future or a.date <= now]
        future = [a.date for a in articles if a.date > now and not a.draft]
        # Spellings are chosen in path order: the same whichever order files are read in.
        by_path = sorted(published, key=lambda a: a.source.path)
        people = _canonical_authors(by_path, named_by, authors, report)
        content = Content(
            articles=_newest_first(_canonical_terms(published, by_path, config, report)),
            pages=tuple(sorted(pages, key=lambda p: p.url)),
            authors=dict(sorted({**people, **authors}.items())),
            bodies=CachedBodies(config.root, memo.cache.reader() if memo.cache else None),
            next_scheduled=min(future, key=instant) if future else None,
            held_back=len(sources) - len(published) - len(pages),
            drafts=tuple(drafts),
            scheduled=tuple(a for a in articles if not (options.future or a.date <= now)),
        )
        _check_unique_urls(content, report)
        report.extend(footer_links_alike(content.pages, config.title))
        report.extend(unused_namesakes(content, authors))
        memo.last = LoadRecord({s.path: (s, k) for s, k in zip(sources, keys, strict=True)},
                               authors, context)
        forget_stale(memo, keys, digests)
        return content


def footer_links_alike(pages: Iterable[Page], site_title: str) -> list[Problem]:
    """A warning for each page in the footer under the title of another (capitals and
    accents aside): a reader, or a screen reader listing links, cannot tell their links
    apart.  About's link says "About" and the site's name (``site_title``), not its title.
    Asked again of the pages after a save the preview patches (see incremental.py)."""
    report = Report()
    seen: dict[str, Page] = {}
    listed = sorted((p for p in pages if p.in_footer), key=lambda p: p.source.path)
    about = next((p for p in listed if is_about(p)), None)
    if about is not None:  # its link's words are the site's, not a file's
        seen[title_order(f"About {site_title}")[0]] = about
    for page in listed:
        if page is about:
            continue
        first = seen.setdefault(title_order(page.title)[0], page)
        if first is page:
            continue
        if first is about:
            report.warning(f"this page is titled {quoted(page.title)}, as every page's footer "
                           f"names the About page ({first.source}), so the footer has two "
                           "links that read alike: give this page another title, or write "
                           "footer: false in it", page.source)
            continue
        titled = (f"are both titled {quoted(page.title)}" if page.title == first.title
                  else f"are titled {quoted(page.title)} and {quoted(first.title)}")
        report.warning(f"this page and {first.source} {titled}, so every page's footer has "
                       "two links that read alike: give one of them another title, or write "
                       "footer: false in one", page.source)
    return report.problems


def _canonical_terms(
    articles: list[Article], by_path: list[Article], config: SiteConfig, report: Report
) -> list[Article]:
    """One spelling per category and tag slug, so "music" and "Music" are one page: site.yaml's,
    else the first file's (by path).  Another spelling than by case ("R-B" for "R&B") is merged
    all the same, with a warning where it first appears."""
    # Tags by ``term_key``: "Işın" and "ışın", "Μουσική" and "ΜΟΥΣΙΚΗ" are one tag (their
    # slugs differ), shown with the first spelling's name and address.  Sections by slug: a
    # story's own address is made from its section's.
    names: dict[str, Term] = {}
    for name in config.categories:
        slug = slugify(name)
        names.setdefault(slug, term(name, slug, category_url(slug)))
    tag_names: dict[str, Term] = {}
    # (kind, key) → the story that wrote the name shown and which of its terms it is (see
    # ``_written_at``), or None for site.yaml; made into a place only for a warning.
    first: dict[tuple[str, str], tuple[Article, int] | None] = {
        ("category", key): None for key in names}
    warned: set[tuple[str, str, str]] = set()  # (kind, key, spelling) said already
    keys: dict[str, str] = {}  # tag slug → its term_key, asked once per slug
    for article in by_path:  # ``articles`` in path order
        if category := article.category:
            key = category.slug
            known = names.get(key)
            if known is None:
                names[key] = category
                first["category", key] = (article, _CATEGORY)
            elif known is not category and not same_spelling(known.name, category.name):
                _warn_spelling("category", category, known, first[("category", key)], warned,
                               _written_at(article, _CATEGORY), report)
        for index, tag in enumerate(article.tags):
            key = keys.get(tag.slug) or keys.setdefault(tag.slug, term_key(tag.slug))
            known = tag_names.get(key)
            if known is None:
                tag_names[key] = tag
                first["tag", key] = (article, index)
            elif known is not tag and not same_spelling(known.name, tag.name):
                _warn_spelling("tag", tag, known, first[("tag", key)], warned,
                               _written_at(article, index), report)
    shown = {slug: tag_names[key] for slug, key in keys.items()}  # slug → the tag shown
    result = []
    for article in articles:
        category = article.category
        if (category is None or names[category.slug] is category) and all(
                shown[t.slug] is t for t in article.tags):
            result.append(article)  # the common case: nothing to respell, nothing to copy
            continue
        # Two of its tags may now be one ("Işın", "ışın"): each once.
        tags = tuple(dict.fromkeys(shown[t.slug] for t in article.tags))
        result.append(replace(article, category=category and names[category.slug], tags=tags))
    return result


_CATEGORY = -1  # in ``first``: the story's category, not one of its tags


def _canonical_authors(
    by_path: list[Article], named_by: Mapping[str, tuple[Author, ...]],
    described: Mapping[str, Author], report: Report,
) -> dict[str, Author]:
    """Each author with no file of their own, spelled as the first of the published stories
    ``by_path`` (in path order) spells them, as a tag is: a byline on every story, the
    author's page and the feeds must not change with whichever file is read last, nor with a
    story readers cannot see yet.  Another spelling is warned about where it is written, once
    per spelling."""
    people: dict[str, tuple[Author, SourceLocation]] = {}
    warned: set[tuple[str, str]] = set()
    for article in by_path:
        lines = article.author_lines
        for index, person in enumerate(named_by.get(article.url, ())):
            if person.slug in described:
                continue  # the author file's name is shown: nothing to choose
            where = article.source.at(lines[index]) if index < len(lines) else article.source
            first = people.setdefault(person.slug, (person, where))
            if first[0].name != person.name and (person.slug, person.name) not in warned:
                warned.add((person.slug, person.name))
                report.warning(
                    f"author {quoted(person.name)} and author {quoted(first[0].name)} "
                    f"({first[1]}) are one author, shown as {quoted(first[0].name)} on every "
                    f"story: use one spelling: write {quoted(first[0].name)} here too, or give "
                    f"the author a file, content/authors/{person.slug}.yaml, with their name",
                    where)
    return {slug: person for slug, (person, _) in people.items()}


def _written_at(article: Article, which: int) -> SourceLocation:
    """Where the story writes its category (``_CATEGORY``) or its tag number ``which``."""
    lines = article.tag_lines
    line = article.category_line if which == _CATEGORY else (
        lines[which] if which < len(lines) else None)
    return article.source.at(line) if line else article.source


def _warn_spelling(
    kind: str, given: Term, shown_as: Term, written: tuple[Article, int] | None,
    warned: set[tuple[str, str, str]], where: SourceLocation, report: Report,
) -> None:
    """A second spelling of a section or tag, at the story that brings it in (once per
    spelling); ``written``: where the spelling shown was written (None: site.yaml)."""
    said = (kind, shown_as.slug, given.name.casefold())
    if said in warned:
        return
    warned.add(said)
    one = "one section" if kind == "category" else "one tag"
    shown_at = _written_at(*written) if written else SourceLocation(CONFIG_NAME)
    report.warning(
        f"{kind} {quoted(given.name)} and {kind} {quoted(shown_as.name)} ({shown_at}) "
        f"have the same address, {shown_as.url}, so they are {one}, shown as "
        f"{quoted(shown_as.name)}: use one spelling: write {quoted(shown_as.name)} here too",
        where)


def _newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (instant(a.date), a.url), reverse=True))


# A claim on an address: the URL as a page lives at it, the file, the story or page, and
# which of its aliases it is (None: its own address).
_Claim = tuple[str, str, Article | Page, int | None]
_Item = TypeVar("_Item", Article, Page)


def _check_unique_urls(content: Content, report: Report) -> None:
    """Two files claiming one address (with their own or an alias) is an error at the later
    file's line that sets it, naming the other; every clash of the site is reported."""
    claims, contested = _contested_claims(content)
    taken = {url for url, _, _, _ in claims}  # and the slugs suggested, once each
    for claim, first in contested:
        report.error(_clash(claim, first, taken), _claimed_at(claim))


def without_contested_addresses(content: Content) -> Content:
    """``content`` without what ``_check_unique_urls`` said: each story or page at an
    address a file before it took left out, each alias taken left off.  What loaded can then
    be planned all the same (see build.py) without saying those clashes a second time."""
    _, contested = _contested_claims(content)
    if not contested:
        return content
    dropped = {id(claim[2]) for claim, _ in contested if claim[3] is None}
    struck: dict[int, set[int]] = {}
    for (_, _, item, alias), _ in contested:
        if alias is not None:
            struck.setdefault(id(item), set()).add(alias)

    def kept(item: _Item) -> _Item:
        gone = struck.get(id(item))
        if not gone:
            return item
        return replace(item, aliases=tuple(a for i, a in enumerate(item.aliases)
                                           if i not in gone),
                       alias_lines=tuple(n for i, n in enumerate(item.alias_lines)
                                         if i not in gone))

    return replace(content,
                   articles=tuple(kept(a) for a in content.articles if id(a) not in dropped),
                   pages=tuple(kept(p) for p in content.pages if id(p) not in dropped))


def _contested_claims(content: Content) -> tuple[list[_Claim], list[tuple[_Claim, _Claim]]]:
    """Every claim on an address, and each one made on an address another file claimed
    first (in file order), with that first claim."""
    claims: list[_Claim] = []
    items: tuple[Article | Page, ...] = (*content.articles, *content.pages)
    for item in items:
        claims.append((folder_url(item.url), item.source.path, item, None))
        claims.extend((folder_url(alias), item.source.path, item, index)
                      for index, alias in enumerate(item.aliases))
    if len({url for url, _, _, _ in claims}) == len(claims):
        return claims, []  # the common case: every URL claimed once
    owners: dict[str, _Claim] = {}
    contested = []
    for claim in sorted(claims, key=lambda claim: (claim[1], claim[0])):
        first = owners.setdefault(claim[0], claim)
        if first[1] != claim[1]:
            contested.append((claim, first))
    return claims, contested


def _claimed_at(claim: _Claim) -> SourceLocation:
    """The line that makes the claim: the alias's, else ``slug:`` (or the title)."""
    _, _, item, alias = claim
    if alias is None or alias >= len(item.alias_lines):
        return item.source
    return item.source.at(item.alias_lines[alias])


def _clash(claim: _Claim, first: _Claim, taken: set[str]) -> str:
    """What a writer reads when ``claim`` takes the address ``first`` took, and the fix (a
    slug no other file has, nor was suggested to another: else two doing as told clash
    again)."""
    url, path, item, alias = claim
    other, noun = _claimed_at(first), "story" if isinstance(item, Article) else "page"
    if unicodedata.normalize("NFC", path) == unicodedata.normalize("NFC", first[1]):
        # Shown alike, the two names would leave the writer nothing to tell them apart by.
        return (f"this {noun} and {other} have one file name, written in two ways (an accent "
                "as one character or two, as a Mac may save it), and both the address "
                f"{url}: delete one of the two files")
    if alias is not None and first[3] is not None:
        return (f"alias {url} is also an alias of {other}: keep it in the aliases of one of "
                "them only")
    if alias is not None:
        return (f"alias {url} is the address of {other}: take it out of this {noun}'s "
                "aliases, or give that file a different slug")
    if first[3] is not None:
        return (f"this {noun}'s address {url} is an alias of {other}: take it out of that "
                f"file's aliases, or give this {noun} a different slug")
    return (f"this {noun} and {other} both have the address {url}: give one of them a "
            f"different slug: e.g. slug: {_free_slug(item, url, taken)}")


def _free_slug(item: Article | Page, url: str, taken: set[str]) -> str:
    """A slug for ``item`` whose address no file claims: its year first for a story (the
    weekly roundup of each year), then -2, -3…; kept as taken once suggested."""
    cut = url.rstrip("/").rfind(item.slug)
    if cut < 0:  # the address does not hold the slug (a permalink without {slug})
        return f"{item.slug}-2"
    years = [str(item.date.year)] if isinstance(item, Article) else []
    for ending in (*years, *map(str, range(2, len(taken) + 3))):
        slug = f"{item.slug}-{ending}"
        address = folder_url(url[:cut] + slug + url[cut + len(item.slug):])
        if address not in taken:
            taken.add(address)
            return slug
    return f"{item.slug}-2"
