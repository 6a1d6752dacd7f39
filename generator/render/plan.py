"""Every file the build writes, each keyed by exactly what it is made from.

An output is planned from what its template (or feed or sitemap writer) receives, built by the
renderer's ``*_received`` methods; its key is ``Canon``'s digest of that, after the site's key
(settings, theme, the globals every template gets).  The render stage renders the same
``Received``, so nothing can reach a file without being in its key.  An output whose key
matches the previous build's is neither rendered nor written again.

Outputs are planned a *unit* at a time: one article, one paginated list, one year's archive…
The plan keeps a ``Record`` of what each unit's outputs show (cards, terms, authors, feed and
sitemap entries, which articles a list holds) and what each of those digested to.  After a
save, ``replan_outputs`` (the preview's patch) finds which of those changed and plans again
exactly the units that show one, with the same planner methods: one decision of what is
stale, whichever path the build takes.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from generator.cache import digest_text
from generator.errors import SourceLocation
from generator.inputfiles import change_stamp
from generator.layered import changes_over, with_changes
from generator.markup import MARKUP_VERSION
from generator.model import Article, Page
from generator.plaindata import (
    ShapeError,
    all_text,
    from_json_lines,
    integer,
    items,
    json_line,
    json_lines,
    text,
    texts,
)
from generator.slugs import folder_url
from generator.version import code_digest

from .hosting import headers_file, redirects_file
from .reads import Reads
from .received import NO_NODES, Canon, NodeSet, Received, node_id, node_set
from .renderer import (
    CORRECTIONS_PATH,
    FEED_FILES,
    NEWS_LIMIT,
    SEARCH_PATH,
    SITEMAP_LIMIT,
    SiteRenderer,
    archive_path,
    news_part_path,
    page_path,
    sitemap_part_path,
)
from .site_index import SiteIndex

Unit = tuple[str, ...]  # ("article", url), ("list", "tag:pop"), ("year", "2026"), ("sitemap",)…


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: made by ``make`` or copied from ``copy_from``."""

    path: str  # relative to the output folder, "/"-separated
    key: str
    make: Callable[[], bytes] | None = None
    copy_from: Path | None = None
    origin: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """What the record keeps of a planned output: its key and the nodes it shows."""

    path: str
    key: str
    shows: NodeSet


@dataclass(frozen=True)
class Record:
    """What a plan was made from, for a later patch to tell what an edit reaches."""

    reads: Reads  # the view fields keys were projected on
    site: str  # the site's key
    nodes: Mapping[str, str]  # node id → digest (cards, terms, list members, related…)
    embeds: Mapping[str, NodeSet]  # node id → nodes it embeds (a card → its tags)
    units: Mapping[Unit, tuple[Shown, ...]]
    shown_by: Mapping[str, tuple[Unit, ...]]  # node id → the units showing it


class NodeNames:
    """Node ids by number, in the order first met: only ever added to, so units written
    with these numbers and read back unchanged stay right."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        # dict(zip) rather than a comprehension: 0.2 s less for a 100,000-story record.
        self.number = dict(zip(names, range(len(names)), strict=True))

    def of(self, name: str) -> int:
        """The number of a node id (a new one if it has none yet)."""
        n = self.number.get(name)
        if n is None:
            n = self.number[name] = len(self.names)
            self.names.append(name)
        return n


@dataclass(frozen=True)
class ReadParts:
    """Parts of a record as read from the cache, kept to be written back as they were when
    a build planning from it left them unchanged (a live blog's update changes a few
    digests and units of 40,000 nodes and 10,000 units: encoding all again cost more than
    planning)."""

    names: int  # how many node ids there were
    nodes: Mapping[str, str]  # as read
    digests: list[str]  # as read: each node id's by number, "" for none
    embeds: Mapping[str, NodeSet]  # as read
    order: list[Unit]  # the units, in order
    raw: Mapping[str, list[bytes]]  # each part's lines as read (see ``record_data``)


class SavedUnits(Mapping[Unit, tuple[Shown, ...]]):
    """The units of a record read from the cache, each decoded only when asked for: a build
    planning from it looks at the few units a change reaches, and saves the others as they
    were read."""

    def __init__(self, encoded: Mapping[Unit, bytes], quiet: set[Unit], names: NodeNames,
                 decoded: Mapping[Unit, tuple[Shown, ...]] | None = None,
                 read: ReadParts | None = None) -> None:
        self.encoded = encoded  # unit → its outputs as JSON (see ``unit_data``)
        self.quiet = quiet  # the units whose outputs show no node
        self.names = names
        self.read = read
        self._decoded = dict(decoded or {})

    def __getitem__(self, unit: Unit) -> tuple[Shown, ...]:
        found = self._decoded.get(unit)
        if found is None:
            found = self._decoded[unit] = unit_from(self.encoded[unit], self.names)
        return found

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.encoded)

    def __len__(self) -> int:
        return len(self.encoded)

    def __contains__(self, unit: object) -> bool:
        return unit in self.encoded

    def updated(self, changes: Mapping[Unit, tuple[Shown, ...] | None]) -> SavedUnits:
        """These units with ``changes`` made (None: the unit is gone)."""
        decoded = dict(self._decoded)  # only the units asked for: few
        quiet = set(self.quiet)
        for unit, shown in changes.items():
            quiet.discard(unit)
            if shown is None:
                decoded.pop(unit, None)
            else:
                decoded[unit] = shown
                if not any(s.shows for s in shown):
                    quiet.add(unit)
        encoded = with_changes(self.encoded, {
            unit: unit_data(shown, self.names) for unit, shown in changes.items()
            if shown is not None}, [unit for unit, shown in changes.items() if shown is None])
        return SavedUnits(encoded, quiet, self.names, decoded, self.read)


class SavedShownBy(Mapping[str, tuple[Unit, ...]]):
    """A record's node id → units, read from the cache as, for each node by number, the
    numbers of its units in a list of units; each entry made when asked for."""

    def __init__(self, numbered: list[list[int]], units: list[Unit], names: NodeNames,
                 changed: Mapping[str, tuple[Unit, ...]] | None = None) -> None:
        self.numbered = numbered
        self.units = units
        self.names = names
        self.changed = dict(changed or {})  # entries made since

    def __getitem__(self, node: str) -> tuple[Unit, ...]:
        found = self.changed.get(node)
        if found is not None:
            return found
        n = self.names.number.get(node, len(self.numbered))
        if n >= len(self.numbered) or not self.numbered[n]:
            raise KeyError(node)
        return tuple(map(self.units.__getitem__, self.numbered[n]))

    def __iter__(self) -> Iterator[str]:
        names = self.names.names
        yield from (names[n] for n, units in enumerate(self.numbered)
                    if units and names[n] not in self.changed)
        yield from self.changed

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, node: object) -> bool:
        try:
            self[node]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def updated(self, changes: Mapping[str, tuple[Unit, ...]]) -> SavedShownBy:
        """These entries with ``changes`` made."""
        return SavedShownBy(self.numbered, self.units, self.names, {**self.changed, **changes})

    def numbers(self, units: list[Unit], names: NodeNames) -> list[list[int]]:
        """For each node by number in ``names``, the numbers of its units in ``units``."""
        number = {unit: n for n, unit in enumerate(units)}
        if units == self.units:
            found = list(self.numbered)
        else:  # units came and went: number them again
            again = [number.get(u, -1) for u in self.units]
            found = [[again[n] for n in numbers if again[n] >= 0] for numbers in self.numbered]
        for node, shown in self.changed.items():
            at = names.of(node)
            found.extend([] for _ in range(at + 1 - len(found)))
            found[at] = [number[u] for u in shown]
        return found


def unit_data(shown: tuple[Shown, ...], names: NodeNames) -> bytes:
    """A unit's outputs as one line of JSON, the nodes they show by number."""
    return json.dumps([[s.path, s.key, sorted(map(names.of, s.shows))] for s in shown],
                      separators=(",", ":")).encode("ascii")


def unit_from(data: bytes, names: NodeNames) -> tuple[Shown, ...]:
    """The outputs ``unit_data`` wrote."""
    name = names.names.__getitem__
    found = []
    for path, key, shows in items(json.loads(data)):
        found.append(Shown(text(path), text(key), tuple(sorted(map(name, items(shows))))))
    return tuple(found)


_HEAD_PARTS = ("names", "digests", "embeds", "units", "numbered", "quiet")


def record_data(record: Record) -> list[bytes]:
    """A record for the cache, as lines: a line of JSON (with how many lines each part
    takes), the lines of each of ``_HEAD_PARTS`` (long lists, ``json_lines``), then one line
    per unit.  Units read from the cache and not planned since are written back as they were
    read, and so are the other parts a build planning from it left unchanged: the cache
    rewrites only the lines that differ from those it holds."""
    units, shown_by = record.units, record.shown_by
    read = units.read if isinstance(units, SavedUnits) else None
    names = units.names if isinstance(units, SavedUnits) else NodeNames([])
    order = list(units)
    lines = [units.encoded[unit] for unit in order] if isinstance(units, SavedUnits) else [
        unit_data(units[unit], names) for unit in order]
    parts: dict[str, list[bytes]] = {}
    if read is not None and record.embeds == read.embeds:
        parts["embeds"] = read.raw["embeds"]
    else:
        parts["embeds"] = json_lines([[names.of(n), sorted(map(names.of, e))]
                                      for n, e in record.embeds.items()])
    layer = changes_over(record.nodes, read.nodes) if read is not None else None
    for node in record.nodes if layer is None else layer[0]:
        names.of(node)
    kept = read.raw if read is not None and order == read.order else None  # the same units
    if (kept is not None and isinstance(shown_by, SavedShownBy) and shown_by.names is names
            and not shown_by.changed):
        parts["numbered"] = kept["numbered"]
    elif isinstance(shown_by, SavedShownBy) and shown_by.names is names:
        parts["numbered"] = json_lines(shown_by.numbers(order, names))
    else:
        number = {unit: n for n, unit in enumerate(order)}
        numbered: list[list[int]] = []
        for node, shown in shown_by.items():
            at = names.of(node)
            numbered.extend([] for _ in range(at + 1 - len(numbered)))
            numbered[at] = [number[u] for u in shown]
        parts["numbered"] = json_lines(numbered)
    parts["units"] = kept["units"] if kept is not None else json_lines([list(u) for u in order])
    parts["names"] = (read.raw["names"] if read is not None and read.names == len(names.names)
                      else json_lines(names.names))
    if read is not None and layer is not None:  # 400,000 lookups spared for a few changes
        digests = read.digests + [""] * (len(names.names) - len(read.digests))
        for node, digest in layer[0].items():
            digests[names.number[node]] = digest
        for node in layer[1]:
            digests[names.number[node]] = ""
    else:
        digests = [record.nodes.get(n, "") for n in names.names]
    parts["digests"] = json_lines(digests)
    quiet = set(nodeless_units(record))
    parts["quiet"] = json_lines([n for n, unit in enumerate(order) if unit in quiet])
    head = json_line([sorted(record.reads), record.site, [len(parts[p]) for p in _HEAD_PARTS]])
    return [head, *(line for part in _HEAD_PARTS for line in parts[part]), *lines]


def record_from(lines: list[bytes]) -> Record:
    """The record ``record_data`` wrote (ShapeError, or any error, for another shape)."""
    with _no_cycle_collection():  # a few million strings and lists, and no cycle
        reads, site, counts = items(json.loads(lines[0]))
        raw: dict[str, list[bytes]] = {}
        at = 1
        for part, count in zip(_HEAD_PARTS, items(counts), strict=True):
            raw[part] = lines[at : at + integer(count)]
            at += count
        names, digests, embeds, unit_list, numbered, quiet = (
            from_json_lines(raw[part]) for part in _HEAD_PARTS)
        all_text(site, *names, *digests)
        units = [tuple(u) for u in unit_list]
        unit_lines = lines[at:]
        if len(unit_lines) != len(units) or len(digests) != len(names):
            raise ShapeError("a record of another shape")
        all_text(*(part for unit in units for part in unit))
        table = NodeNames(names)
        name = names.__getitem__
        nodes = {n: d for n, d in zip(names, digests, strict=True) if d}
        embedded = {name(n): tuple(sorted(map(name, items(e)))) for n, e in embeds}
        read = ReadParts(len(names), nodes, digests, embedded, units, raw)
        return Record(frozenset(texts(reads)), site, nodes, embedded,
                      SavedUnits(dict(zip(units, unit_lines, strict=True)),
                                 {units[n] for n in quiet}, table, read=read),
                      SavedShownBy(numbered, units, table))


def nodeless_units(record: Record) -> list[Unit]:
    """The units whose outputs show no node (static files, robots.txt, redirects…): what
    they are made from is nowhere in the record, so a plan from it makes them again."""
    if isinstance(record.units, SavedUnits):
        return [unit for unit in record.units if unit in record.units.quiet]
    return [unit for unit, shown in record.units.items() if not any(s.shows for s in shown)]


@dataclass(frozen=True)
class Plan:
    """Outputs to compare with the previous build, what they were made from, and (after a
    patch) the files of the previous build no unit makes any more."""

    outputs: list[Output]
    record: Record | None  # None when planned without keys
    removed: tuple[str, ...] = ()


def file_path(site_path: str) -> str:
    """The output file of a site path: ``/music/x/`` → ``music/x/index.html``."""
    path = site_path.lstrip("/")
    return f"{path}index.html" if path.endswith("/") or not path else path


def plan_outputs(
    r: SiteRenderer, config_digest: str, redirects: Mapping[str, str], reads: Reads | None,
) -> Plan:
    """Every output of the site, in a stable order, keyed on the view fields in ``reads``.

    With ``reads`` None the outputs get no key (a first build renders everything anyway and
    keys them afterwards, once rendering has recorded what the templates read).  The record
    is kept for the preview's next patch, and in the cache for the next ``byline build``.
    """
    canon = Canon(reads, r.carried.digests_on(reads)) if reads is not None else None
    r.compile_templates()  # here, once: not again in every render worker, nor in a patch
    with _no_cycle_collection():
        site = site_key(r, canon, config_digest) if canon else ""
        planner = _Planner(r, canon, site, redirects)
        for unit in site_units(r, redirects):
            planner.plan(unit)
        record = None
        if canon is not None and reads is not None:
            shown = planner.shown()
            record = Record(reads, site, {**canon.nodes, **structure(r)}, canon.embeds,
                            shown, _shown_by(shown))
    return Plan(planner.outputs, record)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Planning makes objects by the hundred thousand and no reference cycles: the cyclic
    collector would only walk the whole site model again and again (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def replan_outputs(
    r: SiteRenderer, config_digest: str, redirects: Mapping[str, str], record: Record,
    edited: Mapping[str, tuple[Article | None, Article]],
    pages: Mapping[str, tuple[Page | None, Page]], moved_from: SiteIndex | None,
    *, afresh: bool = False, always: Iterable[Unit] = (),
) -> Plan | str:
    """The outputs an edit reaches, planned again; or why it cannot be done that way.

    ``edited`` maps each article URL to its (previous, new) version, ``pages`` likewise
    (previous None: not known, so changed).  When any of them changed place in the index
    (tags, byline…), ``moved_from`` is the previous index, and groupings, counts and related
    stories are compared too; with ``afresh`` they are compared without one (a new process,
    the record read from the cache).  Units are selected from the record: those showing a
    node whose digest changed, those appearing or vanishing, and those in ``always``.
    """
    canon = Canon(record.reads, r.carried.digests_on(record.reads))
    site = site_key(r, canon, config_digest)
    if site != record.site:
        return "the site's globals changed (navigation, settings or theme)"
    # The record's nodes as this edit leaves them: its changes over the record's table,
    # which is not copied (one row per story and more; see layered.py).
    node_changes: dict[str, str] = {}
    nodes_gone: set[str] = set()
    changed: set[str] = set()

    def compare(name: str, digest: str | None) -> None:
        if name in node_changes:
            now: str | None = node_changes[name]
        else:
            now = None if name in nodes_gone else record.nodes.get(name)
        if now != digest:
            changed.add(name)
            if digest is None:
                node_changes.pop(name, None)
                nodes_gone.add(name)
            else:
                node_changes[name] = digest
                nodes_gone.discard(name)

    for url, (old, new) in edited.items():
        if old != new:
            changed.add("article:" + url)
        for node in r.shown_as(new):
            compare(node_id(node) or "", canon.node(node))
    if any(old is None or len(old.corrections) != len(new.corrections)
           for old, new in edited.values()):  # URLs are kept: else the list is as it was
        compare("corrections", _corrected(r))  # a story's first correction joins the page
    changed.update("page:" + url for url, (old, new) in pages.items() if old != new)
    units: Mapping[Unit, object] | set[Unit] = record.units
    moved = moved_from is not None or afresh
    if moved:
        # What vanished (a tag nobody uses any more) is shown only by units that vanish too.
        earlier = (moved_from, record.nodes) if moved_from is not None else None
        for name, digest in structure(r, earlier).items():
            compare(name, digest)
        for view in _term_and_author_views(r):
            compare(node_id(view) or "", canon.node(view))
        units = set(site_units(r, redirects))
    # A card shows its terms and authors: a changed one changes every card embedding it.
    parts = {n for n in changed if n.startswith(("term:", "author:"))}
    if parts:
        cut = len("card:") + len(r.base_path.rstrip("/"))
        for name, embedded in record.embeds.items():
            if name.startswith("card:") and not parts.isdisjoint(embedded):
                at = r.index.position.get(name[cut:])
                # A story gone since (renamed, removed): its card is gone too.
                compare(name, None if at is None else canon.node(
                    r.views.card(r.content.articles[at])))
    # Units showing a changed node are planned again: whole when what they list changed (or
    # they are new), else only their outputs that show one (a card on page 7 of 40).
    shown_by = record.shown_by
    selected: dict[Unit, set[str] | None] = {}
    regrouped = {n for n in changed if n.startswith(_STRUCTURE)}
    for unit in {u for name in changed for u in shown_by.get(name, ())}:
        hits = [s for s in record.units[unit] if not changed.isdisjoint(s.shows)]
        whole = any(not regrouped.isdisjoint(s.shows) for s in hits)
        selected[unit] = None if whole else {s.path for s in hits}
    if moved:
        selected.update((unit, None) for unit in units ^ record.units.keys())
    selected.update((unit, None) for unit in always if unit in units)
    planner = _Planner(r, canon, site, redirects, keep=True)
    for unit in sorted(selected):
        if unit in units:
            planner.plan(unit, selected[unit])
    before = {s.path for u, only in selected.items() for s in record.units.get(u, ())
              if only is None or s.path in only}
    clash = _clash(planner.outputs, before, record)
    if clash:
        return f"a new page would be written over another: /{clash}"
    replanned = planner.shown()
    changes: dict[Unit, tuple[Shown, ...] | None] = {}
    for unit in selected:
        if unit not in units:
            changes[unit] = None
        elif unit in replanned:
            only = selected[unit]
            kept = () if only is None else tuple(
                s for s in record.units.get(unit, ()) if s.path not in only)
            changes[unit] = kept + replanned[unit]
    shown: Mapping[Unit, tuple[Shown, ...]]
    if isinstance(record.units, SavedUnits):
        shown = record.units.updated(changes)
    else:
        shown = with_changes(record.units,
                             {u: change for u, change in changes.items() if change is not None},
                             [u for u, change in changes.items() if change is None])
    nodes = with_changes(record.nodes, {**node_changes, **canon.nodes}, nodes_gone)
    embeds = with_changes(record.embeds, canon.embeds)
    after = {o.path for o in planner.outputs}
    return Plan(planner.outputs,
                Record(record.reads, site, nodes, embeds, shown,
                       _reshown(shown_by, record.units, shown, selected)),
                tuple(sorted(before - after)))


def _shown_by(units: Mapping[Unit, tuple[Shown, ...]]) -> dict[str, tuple[Unit, ...]]:
    """Node id → the units whose outputs show it."""
    found: dict[str, list[Unit]] = defaultdict(list)
    for unit, shown in units.items():
        nodes = shown[0].shows if len(shown) == 1 else {n for s in shown for n in s.shows}
        for node in nodes:
            found[node].append(unit)
    return {node: tuple(units) for node, units in found.items()}


def _reshown(
    shown_by: Mapping[str, tuple[Unit, ...]], before: Mapping[Unit, tuple[Shown, ...]],
    after: Mapping[Unit, tuple[Shown, ...]], replanned: Iterable[Unit],
) -> Mapping[str, tuple[Unit, ...]]:
    """``shown_by`` after the ``replanned`` units changed from ``before`` to ``after``."""
    changes: dict[str, tuple[Unit, ...]] = {}
    for unit in replanned:
        old = {n for s in before.get(unit, ()) for n in s.shows}
        new = {n for s in after.get(unit, ()) for n in s.shows}
        for node in old - new:
            changes[node] = tuple(u for u in changes.get(node, shown_by[node]) if u != unit)
        for node in new - old:
            changes[node] = (*changes.get(node, shown_by.get(node, ())), unit)
    if isinstance(shown_by, SavedShownBy):
        return shown_by.updated(changes)
    return with_changes(shown_by, changes)


def site_key(r: SiteRenderer, canon: Canon, config_digest: str) -> str:
    """The key of what every output gets: Byline, the settings, the theme, the globals."""
    logo = r.images.logo.source.digest if r.images.logo else ""
    # jinja2 types its globals as objects; the renderer sets "site" to a dict.
    key, _ = canon.key(code_digest(), MARKUP_VERSION, config_digest, r.theme.fingerprint,
                       r.preview, logo, dict(cast(dict[str, Any], r.env.globals["site"])))
    return key


def site_units(r: SiteRenderer, redirects: Mapping[str, str]) -> list[Unit]:
    """Every unit of the site, in the order outputs are planned."""
    content, index = r.content, r.index
    units: list[Unit] = [("article", a.url) for a in content.articles]
    units += [("page", p.url) for p in content.pages]
    units.append(("list", "home"))
    for group in index.categories:
        units += [("list", "category:" + group.term.slug), ("feeds", "category:" + group.term.slug)]
    units += [("list", "tag:" + slug) for slug in index.tags]
    for slug in content.authors:
        units += [("list", "author:" + slug), ("feeds", "author:" + slug)]
    units.append(("archive",))
    units += [("year", str(year)) for year in index.years]
    units += [("feeds", "home"), ("404",)]
    if r.config.search:
        units.append(("search",))
    if r.config.corrections_page:
        units.append(("corrections",))
    units += [("redirect", old) for old in sorted(redirects)]
    units += [("sitemap",), ("news",), ("robots",), ("hosting",), ("static",), ("images",),
              ("site static",)]
    return units


_STRUCTURE = ("group:", "related:", "years", "lists", "recent", "pages", "corrections")


def structure(
    r: SiteRenderer, before: tuple[SiteIndex, Mapping[str, str]] | None = None,
) -> dict[str, str]:
    """What the index decides for outputs: which articles each list, feed and related-stories
    box holds, in which order, and which lists, years and pages there are.

    ``before`` is an earlier index of the same articles in the same places, with the digests
    made from it: a grouping or ranking it still has, as the same object, keeps its digest.
    """
    content, index = r.content, r.index
    old, digests = before if before else (None, {})

    def urls(name: str, articles: Sequence[Article], was: object = None) -> tuple[str, str]:
        if was is articles and name in digests:
            return name, digests[name]
        return name, digest_text(*(a.url for a in articles))

    old_categories = {g.term.slug: g.articles for g in old.categories} if old else {}
    nodes = dict([urls("group:home", content.articles, old.content.articles if old else None)])
    nodes.update(urls("group:category:" + g.term.slug, g.articles,
                      old_categories.get(g.term.slug)) for g in index.categories)
    nodes.update(urls("group:tag:" + slug, g.articles,
                      old.tags[slug].articles if old and slug in old.tags else None)
                 for slug, g in index.tags.items())
    nodes.update(urls("group:author:" + slug, index.by_author.get(slug, ()),
                      old.by_author.get(slug) if old else None) for slug in content.authors)
    # A year's pages are its months' when it has many stories: a story moved to another
    # month of the same year changes them, though not the year's list of stories.
    for year, arts in index.years.items():
        name, was = f"group:year:{year}", old.years.get(year) if old else None
        nodes[name] = digests[name] if was is arts and name in digests else digest_text(
            *(f"{a.url} {a.date.month}" for a in arts))
    kept = old.ranked.known() if old else {}  # never ranked again just to compare
    for at, (article, ranked) in enumerate(zip(content.articles, index.ranked, strict=True)):
        name = "related:" + article.url
        if kept.get(at) is ranked and name in digests:
            nodes[name] = digests[name]  # the same ranking of the same places
        else:
            nodes[name] = digest_text(*(content.articles[p].url for p in ranked))
    nodes["years"] = digest_text(*(f"{y}:{len(a)}" for y, a in index.years.items()))
    nodes["lists"] = digest_text(*_list_paths(r))
    nodes["recent"] = digest_text(*(a.url for a in r.recent_articles()))
    nodes["pages"] = digest_text(*(p.url for p in content.pages))
    nodes["corrections"] = _corrected(r)
    return nodes


def _corrected(r: SiteRenderer) -> str:
    """Which stories the corrections page lists, and how many corrections each has."""
    return digest_text(*(f"{a.url} {len(a.corrections)}" for a in r.content.articles
                         if a.corrections))


def _term_and_author_views(r: SiteRenderer) -> list[Any]:
    views: list[Any] = [r.views.term(g.term) for g in r.index.categories]
    views += [r.views.term(g.term) for g in r.index.tags.values()]
    views += [r.views.author(a) for a in r.content.authors.values()]
    return views


def _clash(outputs: Sequence[Output], before: set[str], record: Record) -> str | None:
    """A path a re-planned unit newly makes that another unit already makes."""
    new = [o.path for o in outputs if o.path not in before]
    if not new:
        return None
    taken = {s.path for shown in record.units.values() for s in shown}
    return next((path for path in new if path in taken), None)


class _Planner:
    """Plans outputs one unit at a time (an article, a list, the feeds of a section…)."""

    def __init__(self, r: SiteRenderer, canon: Canon | None, site: str,
                 redirects: Mapping[str, str], keep: bool = False) -> None:
        self.r = r
        # Keep what each output received for its rendering (a patch plans few), rather
        # than making it again (a full plan holds thousands, and memory matters more).
        self.keep = keep
        self.canon = canon
        self.site = site
        self.redirects = redirects
        self.outputs: list[Output] = []
        self._shown: dict[Unit, list[Shown]] = {}
        self._unit: list[Shown] = []
        self._only: set[str] | None = None
        self._categories = {g.term.slug: g for g in r.index.categories}
        self._item_at: Mapping[str, Article | Page] | None = None
        self._lists: tuple[str, ...] | None = None

    def shown(self) -> dict[Unit, tuple[Shown, ...]]:
        """What each planned unit's outputs show."""
        return {unit: tuple(shown) for unit, shown in self._shown.items()}

    def plan(self, unit: Unit, only: set[str] | None = None) -> None:
        """Plan the outputs of one unit: all, or those at the paths in ``only``."""
        self._unit = self._shown[unit] = []
        self._only = only
        kind, *args = unit
        getattr(self, "_" + kind.replace(" ", "_"))(*args)

    # -- one method per kind of unit ---------------------------------------------------------
    def _article(self, url: str) -> None:
        r = self.r
        article = r.content.articles[r.index.position[url]]
        self._add(url, r.article_received, article, shows=("article:" + url, "related:" + url),
                  origin=article.source)

    def _page(self, url: str) -> None:
        page = next(p for p in self.r.content.pages if p.url == url)
        self._add(url, self.r.page_received, page, shows=("page:" + url,), origin=page.source)

    def _list(self, group_id: str) -> None:
        r = self.r
        kind, _, slug = group_id.partition(":")
        if kind == "home":
            self._paginate(group_id, "/", kind, None, None, r.content.articles)
        elif kind == "author":
            author = r.content.authors[slug]
            self._paginate(group_id, author.url, kind, None, author,
                           r.index.by_author.get(slug, ()))
        else:
            group = self._categories[slug] if kind == "category" else r.index.tags[slug]
            self._paginate(group_id, group.term.url, kind, group, None, group.articles)

    def _feeds(self, group_id: str) -> None:
        r = self.r
        kind, _, slug = group_id.partition(":")
        articles: Sequence[Article]
        if kind == "home":
            articles, title, base = r.content.articles, r.config.title, "/"
        elif kind == "author":
            author = r.content.authors[slug]
            articles, base = r.index.by_author.get(slug, ()), author.url
            title = f"{author.name} — {r.config.title}"
        else:
            group = self._categories[slug]
            articles, base = group.articles, group.term.url
            title = f"{group.term.name} — {r.config.title}"
        items = tuple(articles[: r.config.feed_items])
        # Feeds carry whole stories: a body edit reaches every feed carrying the story.
        shows = ("group:" + group_id, *("article:" + a.url for a in items))
        for name, file in FEED_FILES.items():
            self._add(base + file, r.feed_received, name, items, title, base, shows=shows)

    def _archive(self) -> None:
        self._add("/archive/", self.r.archive_received, None, shows=("years",))

    def _year(self, year: str) -> None:
        shows = (f"group:year:{year}", "years")
        self._add(archive_path(int(year)), self.r.archive_received, int(year), shows=shows)
        for month in self.r.month_pages(int(year)):
            self._add(archive_path(int(year), month), self.r.archive_received, int(year), month,
                      shows=shows)

    def _404(self) -> None:
        self._add("/404.html", self.r.not_found_received)

    def _redirect(self, old: str) -> None:
        # A redirect is the article's (an alias, or a URL it had): a clash with it names the
        # file, at the alias's line when it is one.
        new = self.redirects[old]
        item = self._items().get(new)
        self._add(old, self.r.redirect_received, new,
                  origin=None if item is None else _alias_origin(item, old))

    def _items(self) -> Mapping[str, Article | Page]:
        if self._item_at is None:
            content = self.r.content
            items: tuple[Article | Page, ...] = (*content.articles, *content.pages)
            self._item_at = {i.url: i for i in items}
        return self._item_at

    def _list_paths(self) -> tuple[str, ...]:
        """Every list page's path, made once a plan (the sitemap and _headers ask)."""
        if self._lists is None:
            self._lists = tuple(_list_paths(self.r))
        return self._lists

    def _sitemap(self) -> None:
        """sitemap.xml: every page (an index of parts when there are more than a sitemap may
        list: search engines ignore a longer one whole)."""
        r, lists = self.r, self._list_paths()
        self._in_parts("/sitemap.xml", _sitemap_length(r, lists), SITEMAP_LIMIT,
                       sitemap_part_path, partial(r.sitemap_received, lists),
                       r.sitemap_index_received, shows=("lists", "group:home", "pages"))

    def _news(self) -> None:
        """The Google News sitemap: the last two days' stories (an index of parts when there
        are more than Google reads from one)."""
        r = self.r
        self._in_parts("/news-sitemap.xml", len(r.recent_articles()), NEWS_LIMIT,
                       news_part_path, r.news_received, r.news_index_received,
                       shows=("recent",))

    def _in_parts(self, path: str, count: int, limit: int, part_path: Callable[[int], str],
                  receive: Callable[..., Received], index: Callable[[int], Received], *,
                  shows: tuple[str, ...]) -> None:
        """A sitemap of ``count`` entries at ``path``: whole, or when there are more than
        ``limit``, an index there of parts of ``limit`` (``receive(part)``, from 1)."""
        parts = _parts(count, limit)
        if not parts:
            self._add(path, receive, shows=shows)
            return
        self._add(path, index, parts, shows=shows)
        for part in range(1, parts + 1):
            self._add(part_path(part), receive, part, shows=shows)

    def _search(self) -> None:
        self._add(SEARCH_PATH, self.r.search_received)

    def _corrections(self) -> None:
        self._add(CORRECTIONS_PATH, self.r.corrections_received, shows=("corrections",))

    def _robots(self) -> None:
        self._add("/robots.txt", self.r.robots_received)

    def _hosting(self) -> None:
        r, hosting, base = self.r, self.r.config.hosting, self.r.config.base_path
        if hosting.headers:
            feeds = [f"/{name}" for name in FEED_FILES.values()]
            # The sitemaps and their parts: a part kept a day by a CDN would hide new stories.
            sitemap_parts = _parts(_sitemap_length(r, self._list_paths()), SITEMAP_LIMIT)
            news_parts = _parts(len(r.recent_articles()), NEWS_LIMIT)
            feeds += ["/sitemap.xml", "/news-sitemap.xml"]
            feeds += [sitemap_part_path(n) for n in range(1, sitemap_parts + 1)]
            feeds += [news_part_path(n) for n in range(1, news_parts + 1)]
            feeds += [g.term.url + name for g in r.index.categories for name in FEED_FILES.values()]
            feeds += [a.url + name for a in r.content.authors.values()
                      for name in FEED_FILES.values()]
            self._host_rules("_headers", headers_file(
                base, feeds, self.r.theme.site_rules.get("_headers", b"")))
        if hosting.redirects:
            self._host_rules("_redirects", redirects_file(self.redirects, base))
        if hosting.nojekyll:
            self._fixed(".nojekyll", b"")

    def _static(self) -> None:
        theme = self.r.theme
        for name, url in sorted(theme.static_urls.items()):
            if (data := theme.static_data.get(name)) is not None:
                self._fixed(url.lstrip("/"), data)  # a stylesheet pointed at hashed names
            else:
                self._copy(url.lstrip("/"), f"static:{url}", theme.static_files[name])

    def _images(self) -> None:
        for url, path in sorted(self.r.images.files.items()):
            self._copy(url.lstrip("/"), f"image:{url}", path)

    def _host_rules(self, name: str, ours: bytes) -> None:
        """``_headers`` or ``_redirects``: the site's own rules (``static/``), then Byline's.
        A host takes the first redirect rule that matches, so the site's own win."""
        own = self.r.theme.site_rules.get(name, b"")
        if own and ours:
            ours = own.rstrip(b"\n") + b"\n\n# Written by Byline:\n" + ours
        if own or ours:
            self._fixed(name, ours or own)

    def _site_static(self) -> None:
        """Files under the site's ``static/`` folder (CNAME, favicons…), copied as they are
        (listed, and their links checked, by the theme), but the rules for static hosts
        Byline writes itself, with the site's rules first (``_host_rules``)."""
        hosting = self.r.config.hosting
        written = {"_headers": hosting.headers, "_redirects": hosting.redirects}
        for rel, path in sorted(self.r.theme.site_files.items()):
            if written.get(rel):
                continue
            stat = path.stat()
            self._copy(rel, f"copy:{stat.st_size}:{change_stamp(stat)}", path,
                       SourceLocation(f"static/{rel}"))

    # -- pieces ------------------------------------------------------------------------------
    def _paginate(self, group_id: str, base: str, kind: str, group: Any, author: Any,
                  articles: Sequence[Article]) -> None:
        r, per_page = self.r, self.r.config.per_page
        pages = max(1, -(-len(articles) // per_page))
        for page in range(1, pages + 1):
            chunk = tuple(articles[(page - 1) * per_page : page * per_page])
            self._add(page_path(base, page), r.list_received, kind, group, author, chunk, page,
                      pages, base, shows=("group:" + group_id,))

    def _add(self, path: str, receive: Callable[..., Received], *args: Any,
             shows: Iterable[str] = (), origin: SourceLocation | None = None) -> None:
        """Plan one rendered output: ``receive(*args)`` is what it is made from."""
        file = file_path(path)
        if self._only is not None and file not in self._only:
            return
        key, nodes = "", NO_NODES
        make: Callable[[], bytes] = partial(_render, self.r, receive, args)
        if self.canon is not None:
            received = receive(*args)
            key, nodes = self.canon.key(self.site, path, received.template, received.values,
                                        received.body)
            if self.keep:
                make = partial(self.r.render, received)
        self.outputs.append(Output(file, key, make, origin=origin))
        self._unit.append(Shown(file, key, node_set(shows, nodes)))

    def _fixed(self, path: str, data: bytes) -> None:
        """An output whose bytes are already known."""
        key = digest_text(self.site, data.decode())
        self.outputs.append(Output(path, key, partial(bytes, data)))
        self._unit.append(Shown(path, key, ()))

    def _copy(self, path: str, key: str, source: Path,
              origin: SourceLocation | None = None) -> None:
        self.outputs.append(Output(path, key, copy_from=source, origin=origin))
        self._unit.append(Shown(path, key, ()))


def _render(r: SiteRenderer, receive: Callable[..., Received], args: tuple[Any, ...]) -> bytes:
    return r.render(receive(*args))


def _parts(count: int, limit: int) -> int:
    """How many parts a sitemap of ``count`` entries is split into: 0 when it is one file."""
    return 0 if count <= limit else -(-count // limit)


def _sitemap_length(r: SiteRenderer, lists: tuple[str, ...]) -> int:
    """How many URLs sitemap.xml lists: the list pages, the stories and the pages."""
    return len(lists) + len(r.content.articles) + len(r.content.pages)


def _list_paths(r: SiteRenderer) -> list[str]:
    paths = ["/", "/archive/"]
    for year in r.index.years:
        paths += [archive_path(year), *(archive_path(year, m) for m in r.month_pages(year))]
    paths += [g.term.url for g in r.index.categories]
    paths += [g.term.url for g in r.index.tags.values()]
    paths += [a.url for a in r.content.authors.values()]
    if r.config.corrections_page:
        paths.append(CORRECTIONS_PATH)
    return paths


def _alias_origin(item: Article | Page, old: str) -> SourceLocation:
    """Where ``item`` gives the alias ``old``: its line, or the file for a URL it had."""
    for alias, line in zip(item.aliases, item.alias_lines, strict=False):
        if folder_url(alias) == old:
            return item.source.at(line)
    return item.source


def redirect_map(
    articles: Iterable[Article], pages: Iterable[Page], moved: Mapping[str, str]
) -> dict[str, str]:
    """Old URL → new URL: the writers' ``aliases`` plus URLs that changed since publishing."""
    found = dict(moved)
    items: tuple[Article | Page, ...] = (*articles, *pages)
    for item in items:
        for alias in item.aliases:
            found[folder_url(alias)] = item.url
    return found
