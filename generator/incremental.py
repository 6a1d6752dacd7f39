"""Writing a plan, and the preview's rebuild after a save: patching the last build.

``write_plan`` renders and writes the stale outputs of a plan, then keeps the keys honest:
when rendering found the templates reading view fields the keys were not made of (a theme's
first build, or a template branch taken for the first time), the whole site is keyed again
with them.  The full build and the patch both write through it.

The patch: the watcher says which files changed, and each is classified (content, template,
author file, config, static file, image) as Zola's server does.  When they are all articles
and pages that keep their address and date (see ``content/reload.py``), the last build's
content, photos and record of what each output shows are still right for everything else, so
only those files are read again, and only the units of the site the record says show a
changed card, term, list or entry are planned again (``render.replan_outputs``).  A sentence
added to one story of 10,000 costs one parse and one page.  Anything else is ``Declined``,
with the reason, and the caller runs the whole pipeline, whose caches make that cheap too.
Both ways write the same files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from generator.cache import BuildCache, StoredLines, digest_text
from generator.config import SiteConfig
from generator.content import (
    LoadRecord,
    ParseMemo,
    footer_links_alike,
    reload_sources,
    unused_namesakes,
)
from generator.dates import instant
from generator.errors import Problem, Report
from generator.image_stage import (
    ImageIndex,
    refuse_damaged_photos,
    warn_missing_credits,
    warn_small_heroes,
)
from generator.inputfiles import CONFIG_NAME, MANIFEST_PATH
from generator.layered import with_changes
from generator.model import Article, Content, Page
from generator.outputdir import present_files
from generator.plaindata import (
    ShapeError,
    all_text,
    datetime_data,
    datetime_from,
    from_json_lines,
    integer,
    items,
    json_line,
    json_lines,
    maybe,
    text,
)
from generator.render import (
    NO_READS,
    Carried,
    Plan,
    Reads,
    Record,
    SiteIndex,
    SiteRenderer,
    nodeless_units,
    placement,
    plan_outputs,
    record_data,
    record_from,
    reindex,
    replan_outputs,
)
from generator.render_stage import WriteReport, write_outputs
from generator.theme import Theme, builtin_themes_dir

# The kind of record (see ``BuildCache.record_lines``) a build keeps per output folder for
# the next process to plan from.
SAVED_PLAN = "plan:"


@dataclass(frozen=True, slots=True)
class BuildMode:
    """Where and how a build was made; a patch applies only to a build made the same way."""

    output_dir: Path
    drafts: bool
    future: bool
    preview: bool
    defer_images: bool


@dataclass(frozen=True)
class LastBuild:
    """What a successful build leaves for the next one to patch."""

    mode: BuildMode
    config: SiteConfig
    config_digest: str
    theme: Theme
    content: Content
    loaded: LoadRecord
    index: SiteIndex
    images: ImageIndex
    redirects: Mapping[str, str]
    plan: Record  # what each output shows, and what that digested to
    carried: Carried  # its views and their digests, for a patch to use again
    outputs: Mapping[str, str]  # output path → key, as the output folder now holds them
    warnings: tuple[Problem, ...]
    valid_until: datetime | None  # when a clock-dependent output (news sitemap) goes stale


@dataclass(frozen=True, slots=True)
class Patched:
    """A patched build: the new LastBuild and what writing it changed."""

    last: LastBuild
    written: WriteReport


@dataclass(frozen=True, slots=True)
class Declined:
    """Why a save needs the whole pipeline."""

    reason: str


@dataclass(frozen=True)
class SavedPlan:
    """What a build leaves in the cache for the next ``byline build`` (a new process) to plan
    from: its record, and what it was made from besides the articles and pages."""

    record: Record
    # The write of the outputs' keys the record is of (``BuildCache.outputs_generation``).
    outputs: str
    made_from: str  # see ``made_from``
    items: Mapping[str, str]  # article or page URL → its mark (see ``item_marks``)
    valid_until: datetime | None  # when a clock-dependent output goes stale
    # Article URL → a mark of its place in the site's groupings (see ``placement_marks``).
    placed: Mapping[str, str] = field(default_factory=dict)


def saved_plan_data(saved: SavedPlan) -> list[bytes]:
    """A saved plan as lines for the cache: a line of JSON, the lines of its item and
    placement marks (long lists, see ``json_lines``), then its record's."""
    marks = json_lines([part for pair in saved.items.items() for part in pair])
    placed = json_lines([part for pair in saved.placed.items() for part in pair])
    head = json_line([saved.outputs, saved.made_from, maybe(datetime_data, saved.valid_until),
                      len(marks), len(placed)])
    return [head, *marks, *placed, *record_data(saved.record)]


def saved_plan_from(lines: list[bytes]) -> SavedPlan:
    """The saved plan ``saved_plan_data`` wrote (ShapeError, or any error, for another
    shape)."""
    outputs, basis, until, marks_count, placed_count = items(json.loads(lines[0]))
    ends = 1 + integer(marks_count), 1 + marks_count + integer(placed_count)
    marks = from_json_lines(lines[1 : ends[0]])
    placed = from_json_lines(lines[ends[0] : ends[1]])
    all_text(*marks, *placed)
    return SavedPlan(record_from(lines[ends[1] :]), text(outputs), text(basis),
                     _pairs(marks), maybe(datetime_from, until), _pairs(placed))


def _pairs(flat: list[str]) -> dict[str, str]:
    if len(flat) % 2:
        raise ShapeError("an odd list of pairs")
    return dict(zip(flat[::2], flat[1::2], strict=True))


def read_saved_plan(cache: BuildCache, output_dir: Path) -> tuple[SavedPlan, StoredLines] | None:
    """The plan the last build of this output folder saved, and the lines it was read from
    (for ``keep_saved_plan`` to write back only those that changed); None if there is none
    or it does not read back."""
    stored = cache.record_lines(output_dir, SAVED_PLAN)
    if stored is None or not stored.lines:
        return None
    try:
        return saved_plan_from(stored.lines), stored
    except Exception:  # any shape but the expected one is a miss, as in the cache
        return None


def keep_saved_plan(cache: BuildCache, output_dir: Path, saved: SavedPlan | None,
                    since: StoredLines | None = None) -> None:
    """Leave ``saved`` for the next process (None: forget the last one, until this build has
    finished moving its files in); ``since``: the lines it was planned from, if any."""
    cache.set_record_lines(output_dir, SAVED_PLAN,
                           None if saved is None else saved_plan_data(saved), since)


def made_from(mode: BuildMode, context: str, images: ImageIndex,
              redirects: Mapping[str, str]) -> str:
    """A digest of what every output may depend on besides the articles and pages, the
    settings, the theme and the clock (which the site's key and ``valid_until`` cover): how
    the site is built, what every checked file depended on (settings, author files), the
    photos and videos, the redirects.

    A story's social card and crops are named by their addresses alone: an address is unique
    to the bytes behind it (``images.plan.variant_url``: photo, settings, size, focus), and
    the repr of every Variant would cost a second at 100,000 stories with photos."""
    cards = sorted((url, card.url_path) for url, card in images.cards.items())
    crops = sorted((url, *(crop.url_path for crop in made)) for url, made in images.crops.items())
    return digest_text(repr(mode), context, repr(sorted(images.plans.items())),
                       repr(images.logo), repr(sorted(images.videos.items())),
                       repr(cards), repr(crops),
                       repr(sorted(images.card_sources.items())), repr(sorted(redirects.items())))


def item_marks(content: Content) -> dict[str, str]:
    """Each article and page by URL, marked by what makes it: its file (path and content
    hash; the rest of what checking it depends on is in ``made_from``) and, for an article,
    the spelling of its category, tags and authors chosen across the site."""
    people = content.authors
    marks = {a.url: digest_text(a.source.path, a.digest, a.category.name if a.category else "",
                                *(t.name for t in a.tags),
                                *(people[s].name for s in a.author_slugs if s in people))
             for a in content.articles}
    marks.update((p.url, digest_text("page", p.source.path, p.digest)) for p in content.pages)
    return marks


def placement_marks(
    content: Content, marks: Mapping[str, str], basis: str, saved: SavedPlan | None = None,
) -> dict[str, str]:
    """Each article by URL, marked by its place in the site's groupings (``placement``,
    what ``build_index`` reads of it).  An article whose mark (``item_marks``) is the one
    ``saved`` has, when that was made from the same settings (``basis``, see ``made_from``),
    keeps the placement mark saved with it (same file, same settings: same place); only the
    others are marked again (ten thousand cost a tenth of a second)."""
    usable = saved is not None and saved.made_from == basis
    kept = saved.placed if saved is not None and usable else {}
    before = saved.items if saved is not None and usable else {}
    found = {}
    for article in content.articles:
        url = article.url
        mark = kept.get(url) if before.get(url) == marks[url] else None
        found[url] = mark or digest_text(repr(placement(article)))
    return found


def plan_from_saved(
    saved: SavedPlan | None, renderer: SiteRenderer, config_digest: str,
    redirects: Mapping[str, str], generation: str, reads: Reads | None,
    basis: str, marks: Mapping[str, str], placed: Mapping[str, str], now: datetime,
) -> Plan | None:
    """The outputs a change since the last build reaches, planned from the record it saved,
    as the preview's patch plans them; None when that record cannot tell (made from other
    settings, photos or template reads, for other output keys than those the cache holds
    as written by ``generation`` ("": none trusted), or outdated).

    As in the patch, groupings, counts and related stories are compared only when an
    article was added, removed or changed place (``placed``, see ``placement_marks``): a
    live blog's new update leaves every list holding what it held."""
    if (saved is None or saved.made_from != basis or saved.record.reads != reads
            or (saved.valid_until is not None and now >= saved.valid_until)):
        return None
    if not generation or saved.outputs != generation:
        return None
    content = renderer.content
    edited: dict[str, tuple[Article | None, Article]] = {
        a.url: (None, a) for a in content.articles if saved.items.get(a.url) != marks[a.url]}
    pages: dict[str, tuple[Page | None, Page]] = {
        p.url: (None, p) for p in content.pages if saved.items.get(p.url) != marks[p.url]}
    if len(edited) + len(pages) > max(50, len(marks) // 10):
        return None  # most of the site: planning it all is no slower
    moved = saved.items.keys() != marks.keys() or any(
        saved.placed.get(url) != placed[url] for url in edited)
    plan = replan_outputs(renderer, config_digest, redirects, saved.record, edited, pages,
                          None, afresh=moved, always=nodeless_units(saved.record))
    return plan if isinstance(plan, Plan) else None


def classify(site: Path, path: str) -> str:
    """What kind of source a saved file is: content, template, author file, config, static
    file, image, or other."""
    file = Path(path)
    try:
        parts = file.relative_to(site).parts
    except ValueError:
        try:  # the built-in theme, watched too
            parts = ("themes", "default", *file.relative_to(builtin_themes_dir()).parts[1:])
        except ValueError:
            return "other"
    if parts == (CONFIG_NAME,):
        return "config"
    if parts == MANIFEST_PATH.parts:
        return "published manifest"
    top = parts[0] if parts else ""
    if top == "content":
        if len(parts) > 2 and parts[1] == "authors":
            return "author file"
        return "content" if file.suffix == ".md" else "image"
    if top == "templates" or (top == "themes" and len(parts) > 2 and parts[2] == "templates"):
        return "template"
    if top in ("static", "themes"):
        return "static file"
    return "other"


def write_plan(
    plan: Plan, rekey: Callable[[Reads], Plan], output_dir: Path, cache_dir: Path,
    report: Report, previous: Mapping[str, str], existing: set[str], owned: Set[str],
    also_keep: Set[str] = frozenset(), *, site: str,
) -> tuple[Plan, WriteReport]:
    """Render and place the stale outputs of ``plan``, deleting the files Byline wrote
    (``owned``) that are no longer outputs, except ``also_keep``, as the files of ``site``
    (``ownership.site_identity``); the plan returned is keyed on everything the templates
    were seen reading."""
    written = write_outputs(plan.outputs, output_dir, cache_dir, report, previous, existing,
                            complete=True, owned=owned, also_keep=also_keep, site=site)
    keyed_on = plan.record.reads if plan.record else None
    if keyed_on is None or not written.reads <= keyed_on:
        plan = rekey((keyed_on or NO_READS) | written.reads)
    return plan, written


def patch_build(
    last: LastBuild, paths: Iterable[str], now: datetime, cache_dir: Path, memo: ParseMemo,
    cache: BuildCache, report: Report, later_stages: Set[str] = frozenset(),
    *, keys_in_cache: bool = True,
) -> Patched | Declined:
    """Rebuild after edits to the files at ``paths``, or say why it takes a full build.
    ``later_stages``: files Byline wrote in the output folder that are no outputs but a
    later stage's (the search index), kept and still listed as Byline's.  Without
    ``keys_in_cache`` (the preview's own folder) the keys written are kept in the
    returned build alone."""
    if last.valid_until is not None and now >= last.valid_until:
        return Declined("time passed a scheduled story's date or the news window")
    site = last.config.root
    for path in sorted(paths):
        kind = classify(site, path)
        if kind != "content":
            return Declined(f"{kind} changed: {shown_saved(site, path)}")
    patch = reload_sources(last.config, last.mode.drafts, report, memo, last.content,
                           last.loaded, paths, now, last.index.position)
    if isinstance(patch, str):
        return Declined(patch)
    # Problems of the files read again replace theirs; everyone else's stay as they were,
    # but for what the pages say of each other, asked again of them all.
    between_pages = footer_links_alike(last.content.pages, last.config.title) if patch.pages else []
    described = last.loaded.authors
    between_pages += unused_namesakes(last.content, described)
    report.extend(w for w in last.warnings if w not in between_pages
                  and (w.location is None or w.location.path not in patch.reread))
    if patch.pages:
        report.extend(footer_links_alike(patch.content.pages, last.config.title))
    report.extend(unused_namesakes(patch.content, described))
    edited = [new for _, new in patch.articles.values()]
    warn_missing_credits(edited, last.images.plans, report)
    warn_small_heroes(edited, last.images.plans, report)
    refuse_damaged_photos([*edited, *(new for _, new in patch.pages.values())],
                          last.images.plans, report)
    report.raise_if_errors()
    moved = any(placement(old) != placement(new) for old, new in patch.articles.values())
    index = reindex(last.index, patch.content, patch.articles, last.config.categories)
    renderer = SiteRenderer(last.config, index, last.images, last.theme,
                            preview=last.mode.preview, now=now, carried=last.carried)
    plan = replan_outputs(renderer, last.config_digest, last.redirects, last.plan,
                          patch.articles, patch.pages, last.index if moved else None)
    if isinstance(plan, str):
        return Declined(plan)
    output_dir = last.mode.output_dir
    existing = present_files(output_dir, [*(o.path for o in plan.outputs), *plan.removed])
    if keys_in_cache:
        cache.unsettle_outputs(output_dir)  # until replace_output_keys below (see build.py)
    # What Byline wrote there: a view, not a copy (170,000 names for 100,000 stories).
    owned: Set[str] = last.outputs.keys() | later_stages if later_stages else last.outputs.keys()
    patched, written = write_plan(
        plan, lambda reads: plan_outputs(renderer, last.config_digest, last.redirects, reads),
        output_dir, cache_dir, report, last.outputs, existing, owned, later_stages,
        site=last.config.identity)
    outputs: Mapping[str, str]
    if patched is plan:
        outputs = with_changes(last.outputs, {o.path: o.key for o in plan.outputs},
                               plan.removed)
        # Only the rows that changed: the cache compares what it is given.
        touched = [*plan.removed, *(o.path for o in plan.outputs)]
        if keys_in_cache:
            cache.replace_output_keys(
                output_dir, {p: outputs[p] for p in touched if p in outputs},
                {p: last.outputs[p] for p in touched if p in last.outputs}, written.marker)
    else:  # keyed again on what the templates were seen reading
        outputs = {o.path: o.key for o in patched.outputs}
        if keys_in_cache:
            cache.replace_output_keys(output_dir, outputs, last.outputs, written.marker)
    if keys_in_cache:  # (the preview's folder is its own: nothing is compared there)
        cache.change_output_stamps(output_dir, written.placed, written.gone)
    if patched.record is not None and patched.record.reads != last.plan.reads:
        cache.set_template_reads(last.theme.fingerprint, patched.record.reads)
    assert patched.record is not None
    return Patched(replace(last, content=patch.content, loaded=patch.record, index=index,
                           plan=patched.record, outputs=outputs,
                           warnings=tuple(report.warnings),
                           valid_until=_stale_from(last.valid_until, patch.articles, now)),
                   written)


def _stale_from(until: datetime | None, edits: Mapping[str, tuple[Article, Article]],
                now: datetime) -> datetime | None:
    """When the patched build goes stale by itself: a patch keeps every story's date, but a
    live blog's start or end may have moved sooner.  (One moved later leaves the earlier
    moment standing: the build then made is a full one, the same files a little sooner.)"""
    turns = [m for _, new in edits.values() if new.live is not None
             for m in new.live.turns if m > now]
    return min([*turns, *([until] if until is not None else [])], key=instant, default=None)


def shown_saved(site: Path, path: str) -> str:
    """A saved file as the preview reports it: relative to the site where it is inside."""
    file = Path(path)
    return file.relative_to(site).as_posix() if file.is_relative_to(site) else path
