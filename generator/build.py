"""The build: each stage in order, with the data passed explicitly from one to the next.

    site.yaml ──load_config──▶ SiteConfig
    content/  ──load_content─▶ Content           (parses cached by content hash)
              ──plan_images──▶ ImageIndex        (sizes and URLs known before any resize)
              ──produce_images▶ processed files  (cached, every core)
              ──plan_outputs─▶ [Output]          (each keyed by the inputs it is made from)
              ──render───────▶ staging folder    (only outputs whose key changed)
              ──commit───────▶ output/           (only after everything succeeded)

Problems of the config, content and image stages are reported together; a build with
errors stops before anything is written.  Given the files saved since the last build it kept
(the preview's case), a build first tries to patch that one instead (see incremental.py).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import time
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import (
    CACHE_DIR_NAME,
    DATABASE_NAME,
    BuildCache,
    DiskFull,
    StoredLines,
    digest_text,
)
from generator.errors import BuildFailed, Problem, PublishError, Report, Severity, SourceLocation
from generator.freshness import (
    BuildStamp,
    build_inputs_key,
    installed_search,
    key_and_presence,
    outputs_intact,
    stamp_data,
    stamp_from,
    valid_until,
)
from generator.inputfiles import shown
from generator.outputdir import Stamp, look_for
from generator.ownership import (
    MARKER_NAME,
    FolderRefused,
    adopt_unmarked,
    claim_folder,
    describe_files,
    kept_unpublished,
    lock_folder,
    marker_state,
    read_ownership,
    refuse_precious,
    sweep_temporaries,
)
from generator.theme import load_theme

# What the up-to-date check does not need is imported where it runs: a build that finds its
# output current stops before it, and importing it (the YAML parser, jinja2, Python-Markdown,
# Pillow) would cost it more than the check itself.
if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.content import ParseMemo
    from generator.image_stage import ImageIndex, PendingImage
    from generator.incremental import BuildMode, LastBuild
    from generator.model import Content
    from generator.published import PublishedUrls
    from generator.render_stage import WriteReport
    from generator.search_stage import SearchOutcome
    from generator.theme import Theme

# Why a build in a new process made only what a change reached (see incremental.py).
PLANNED_FROM_RECORD = "planned from the last build's record of what each page shows"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    site: Path
    output: Path | None = None
    drafts: bool = False
    future: bool = False
    preview: bool = False
    now: datetime | None = None
    progress: bool | None = None
    # Stop early when the output is provably current (see freshness.py). Off by default:
    # callers that need the Content (check, publish, the preview) go through the pipeline.
    reuse_current: bool = False
    # Make only photos already cached and list the rest in BuildResult.pending_images, for
    # the preview to make when the browser asks for them.
    defer_images: bool = False
    # The files saved since the last build, when a watcher knows them (None: unknown).  Lets
    # a build patch the last one kept in its BuildState instead of running every stage.
    saved: frozenset[str] | None = None
    # Build into a non-empty folder Byline did not make; its files are kept, never deleted.
    force: bool = False
    # Build into a folder holding another site's files (by its base_url), as this site's.
    take_over: bool = False
    # How long to wait for another build writing into the same folder before giving up.
    lock_wait: float = 5.0
    # Index the committed site for its search page (site.yaml's ``search``, Pagefind
    # installed; never in the preview).  Off by default: ``byline build`` turns it on.
    search: bool = False

    @property
    def output_dir(self) -> Path:
        """Where the site is written."""
        return self.output or self.site / "output"


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did, for the summary line and for the preview server."""

    output: Path
    content: Content | None  # None when the build found its output already current
    articles: int
    pages: int
    images: int
    images_made: int
    written: int
    removed: int
    unchanged: int
    seconds: float
    warnings: tuple[Problem, ...]
    changed: tuple[str, ...]
    next_scheduled: datetime | None
    # Output paths deleted because they are no longer outputs (an open preview tab of a
    # deleted or moved story is told, as of a changed one).
    gone: tuple[str, ...] = ()
    pending_images: Mapping[str, PendingImage] = field(default_factory=dict)
    patched: bool = False  # made by patching the last build (see incremental.py)
    notes: tuple[str, ...] = ()  # what was wrong with the cache and was repaired (--verbose)
    why: str = ""  # why the build patched or ran every stage, for the preview to report
    search: SearchOutcome | None = None  # what the search stage did (None: not run)
    # Each file of the output folder and a key of its content, the same for the same bytes
    # (None: not known), for a publish to tell what changed since it last sent them.
    versions: Mapping[str, str] | None = None
    # Articles whose file was renamed since they were published: new key → old key, for the
    # publish to move their old addresses to (see published.py).
    renames: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Checked:
    """What the up-to-date check found when the output was not current."""

    key: str  # of the inputs, for the stamp the build leaves ("": leave none)
    # The signature of the output folder's marker under which it found every output the
    # cache lists in place ("": not found, or not looked for).  Unchanged at the build, no
    # build has moved files in since: the build need not look for them all again.
    all_present_under: str = ""


@dataclass(slots=True)
class BuildState:
    """What one build leaves for the next: the cache, parses in memory, the last good build."""

    cache: BuildCache | None = None
    memo: ParseMemo | None = None  # made by the first build that reads the content
    last: LastBuild | None = None
    # Files saved since ``last`` was built, across failed builds (None: unknown, build all).
    unsettled: set[str] | None = field(default_factory=set)
    # A patch of a reader's site forgot the record a new process plans from (see _patched).
    record_owed: bool = False
    # The signature of the marker the last build or patch left in its folder: what proves
    # ``last.outputs`` right for the preview's folder, whose keys the cache does not keep
    # (a commit cut short leaves another marker, or none).
    marker_left: str = ""

    def stale_from(self) -> datetime | None:
        """When the last good build's output goes stale by itself (a story comes due, a live
        blog starts or ends, a story leaves the news sitemap); None if it never does."""
        return self.last.valid_until if self.last is not None else None

    def close(self) -> None:
        """Leave the record the next process plans from, and release the cache database."""
        if self.cache:
            try:
                if self.record_owed and self.last is not None:
                    _keep_record(self.cache, self.last)
            finally:
                self.record_owed = False
                self.cache.close()
                self.cache = None


def build_site(options: BuildOptions, state: BuildState | None = None) -> BuildResult:
    """Build the site; raise BuildFailed (with every problem) if the input has errors."""
    started = time.perf_counter()
    own_state = state is None
    # The caller's heap, not ours to thaw.  Asked only of a one-shot build: counting frozen
    # objects walks them all (a third of a second for the preview's 100,000 stories).
    frozen_before = own_state and gc.get_freeze_count() > 0
    state = state or BuildState()
    unsettled = state.unsettled
    saved = None if unsettled is None or options.saved is None else unsettled | options.saved
    state.unsettled = saved  # until this build succeeds
    try:
        result = _patched_paused(options, state, saved, started) if saved is not None else None
        if not isinstance(result, BuildResult):
            result = _build_all(options, state, started, result or "the saved files are unknown",
                                one_shot=own_state, owns_heap=own_state and not frozen_before)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        raise DiskFull(error.filename or options.output_dir) from None
    finally:
        if own_state:
            state.close()
            if not frozen_before:
                gc.unfreeze()  # frozen by _build_locked (a one-shot build)
    state.unsettled = set()
    return result


def _patched_paused(
    options: BuildOptions, state: BuildState, saved: set[str], started: float
) -> BuildResult | str:
    """``_patched`` with the cyclic collector held off.  A patch makes little garbage, but
    new tables of a whole site (the stories in order: 100,000 entries) that a collection
    would walk, entry by entry, at a cache miss each: tens of milliseconds of a save.  The
    preview and the watching publish collect after each build (``settle_heap``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _patched(options, state, saved, started)
    finally:
        if was_enabled:
            gc.enable()


def _patched(
    options: BuildOptions, state: BuildState, saved: set[str], started: float
) -> BuildResult | str:
    """The build made by patching the last one, or why the saved files do not allow it."""
    from generator.dates import utc_now
    from generator.incremental import Declined, keep_saved_plan, patch_build, shown_saved
    from generator.search_stage import search_files

    last = state.last
    if (last is None or state.cache is None or state.memo is None
            or last.mode != _mode(options)):
        return "no earlier build to patch"
    output_dir = last.mode.output_dir
    if not (output_dir / MARKER_NAME).is_file():  # `git clean -fdx`, or deleted by hand
        return "the output folder was deleted"
    clean, signature = marker_state(output_dir)  # its first lines: not 170,000 names
    if not clean or signature != state.marker_left:
        # A build since the last one began moving files in and was cut short (a folder it
        # could not write, a full disk): the folder is no longer what ``last`` recorded.
        return "the last build's writing was cut short"
    if not options.preview and not outputs_intact(state.cache, output_dir, last.outputs):
        # ``byline publish --watch``: a page changed by hand since is made again by a build
        # that looks at every file, before this save's commit hides the change.
        return "a file in the output folder was changed or deleted since the last build"
    report = Report()
    config = last.config
    now = utc_now(options.now)
    cache = state.cache
    later_stages: set[str] = set()
    if not options.preview:
        # The records a new process reads (see _build_locked) are forgotten: the patch
        # does not keep them (writing the plan's record costs more than the patch), so the
        # next `byline build` goes through the pipeline, until ``keep_record`` writes them.
        cache.set_stamp(output_dir, None, stamp_data)
        keep_saved_plan(cache, output_dir, None)
        state.record_owed = True
        # The search index is no output but Byline's all the same: the commit must keep it
        # listed as Byline's, for the search stage to replace its old files.
        marker = read_ownership(output_dir)
        later_stages = search_files(marker.files) if marker else set()
    done = patch_build(last, saved, now, cache.folder, state.memo, cache, report,
                       later_stages, keys_in_cache=not options.preview)
    if isinstance(done, Declined):
        return done.reason
    state.last = last = done.last
    content = last.content
    search, versions = None, None
    if not options.preview:  # ``byline publish --watch``: a reader's site, searched too
        searching = _searching(options, config)
        search, versions = _search(options, searching, _indexer(searching), output_dir, cache,
                                   last.outputs, content, last.images, last.plan.site,
                                   config.base_path, now)
    state.marker_left = _marker_left(output_dir)
    return BuildResult(
        output=output_dir, content=content, articles=len(content.articles),
        pages=len(content.pages), images=len(last.images.plans), images_made=0,
        written=done.written.written, removed=done.written.removed,
        unchanged=len(last.outputs) - len(done.written.changed),
        seconds=time.perf_counter() - started, warnings=tuple(report.sorted()),
        changed=tuple(done.written.changed), next_scheduled=content.next_scheduled,
        gone=done.written.gone,
        pending_images=last.images.pending, patched=True, notes=cache.take_notes(),
        why="patched: " + ", ".join(sorted(shown_saved(config.root, p) for p in saved)),
        search=search, versions=versions,
    )


def _marker_left(output_dir: Path) -> str:
    """The signature of the marker a build left in ``output_dir`` once it (and its search
    stage, which lists the index there) has finished: what a later patch in this process
    finds there if nothing has been cut short since ("": none, or left unfinished)."""
    clean, signature = marker_state(output_dir)  # its first lines: not 170,000 names
    return signature if clean else ""


def _keep_record(cache: BuildCache, last: LastBuild,
                 known: tuple[str, Mapping[str, str], Mapping[str, str]] | None = None,
                 since: StoredLines | None = None) -> None:
    """Leave in the cache what ``last`` (a build of a reader's site) shows on each page, for
    a build in a new process to plan from (see incremental.py, ``plan_from_saved``);
    ``known``: its basis, item marks and placement marks, when the build has them already;
    ``since``: the saved plan's lines it was planned from, so that only those that changed
    are written again."""
    from generator.incremental import (
        SavedPlan,
        item_marks,
        keep_saved_plan,
        made_from,
        placement_marks,
    )

    if known is None:
        basis = made_from(last.mode, last.loaded.context, last.images, last.redirects)
        item = item_marks(last.content)
        known = basis, item, placement_marks(last.content, item, basis)
    basis, marks, placed = known
    keep_saved_plan(cache, last.mode.output_dir,
                    SavedPlan(last.plan, cache.outputs_generation(last.mode.output_dir),
                              basis, marks, last.valid_until, placed),
                    since)


def _searching(options: BuildOptions, config: SiteConfig) -> bool:
    """Whether a build indexes the site for search: asked for, on in site.yaml, and a
    reader's site (the preview never indexes)."""
    return options.search and config.search and not options.preview


def _indexer(searching: bool) -> Path | None:
    """The search indexer a build runs, if it indexes and one is installed."""
    from generator.search_stage import find_indexer

    return find_indexer() if searching else None


def _mode(options: BuildOptions) -> BuildMode:
    from generator.incremental import BuildMode

    return BuildMode(options.output_dir.resolve(), options.drafts, options.future,
                     options.preview, options.defer_images)


def _build_all(
    options: BuildOptions, state: BuildState, started: float, why: str, *, one_shot: bool,
    owns_heap: bool,
) -> BuildResult:
    """Every stage of the pipeline, each reusing what its caches hold.  ``one_shot``: no
    later build in this process reuses the state (every command but the preview);
    ``owns_heap``: besides, nothing was frozen before it, so it may freeze what it makes and
    keep it frozen until build_site thaws the heap."""
    site = options.site.resolve()
    output_dir = options.output_dir.resolve()
    label = "--output" if options.output else "the output folder"
    # As named, not resolved: a link to a drive not mounted is refused, not made locally.
    refuse_precious(options.output_dir, site, label, in_cache=options.preview)
    checked = Checked("")  # no stamp: the next build goes through the pipeline again
    if options.reuse_current:
        current = _if_current(options, state, site, output_dir, started)
        if isinstance(current, BuildResult):
            return current
        checked = current
    from generator.config import load_config
    from generator.parallel import heap_held_frozen

    report = Report()
    config = load_config(site, report)
    if config is None:
        _check_content_anyway(site, options, state, report)
    report.raise_if_errors()
    assert config is not None
    # A one-shot build thaws the heap as it returns (build_site): until then, what it froze
    # stays frozen across its maps.
    with (lock_folder(output_dir, wait=options.lock_wait, busy=_busy(output_dir)),
          heap_held_frozen() if owns_heap else contextlib.nullcontext()):
        return _build_locked(options, state, started, config, output_dir, label, report, why,
                             checked, one_shot, owns_heap)


def _check_content_anyway(site: Path, options: BuildOptions, state: BuildState,
                          report: Report) -> None:
    """site.yaml has errors and nothing will be built: check the theme, the articles, pages
    and author files all the same (with the settings site.yaml gives right, defaults for the
    rest), so that the writer sees every problem at once, not the others only once the
    settings are fixed."""
    from generator.config import settings_for_checking
    from generator.content import ContentOptions, ParseMemo, load_content
    from generator.render import template_syntax_problems

    settings = settings_for_checking(site)
    if settings is None:
        return  # no settings file: a site still being set up, told so already
    # The theme's problems (a link out of the site, a file unreadable) and its templates'.
    theme = load_theme(settings, report)
    report.extend(template_syntax_problems(theme, site))
    if not (site / "content").is_dir():
        return
    memo = ParseMemo()
    memo.cache = _cache(state, site)  # parses are the settings' own (see ``assembled_key``)
    found = Report()
    load_content(settings, ContentOptions(options.drafts, options.future, options.now), found,
                 memo)
    report.extend(found.problems)


def _check_outputs_anyway(
    config: SiteConfig, theme: Theme, content: Content, images: ImageIndex, output_dir: Path,
    owned: Set[str], preview: bool, now: datetime, report: Report,
) -> None:
    """The content or static/ has errors (and nothing else has) and nothing will be written:
    plan the pages of what did load all the same, so that two pages at one address, a file
    the writer keeps in the output folder that a page would replace, or a conflict left in
    the record of published addresses are said with the other problems, not only once those
    are fixed.  Nothing is rendered, and no photo made."""
    from generator.collisions import apart_from, check_collisions, check_search_folder
    from generator.content import without_contested_addresses
    from generator.render import SiteRenderer, build_index, plan_outputs, redirect_map
    from generator.render_stage import report_blocked

    _published(config.root, report)

    content = without_contested_addresses(content)
    index = build_index(content, config.categories, None, related_count=config.related_count)
    renderer = SiteRenderer(config, index, images, theme, preview=preview, now=now)
    redirects = redirect_map(content.articles, content.pages, {})
    outputs = plan_outputs(renderer, "", redirects, None).outputs
    found = Report()
    in_the_way = check_collisions(outputs, found, config.root)
    if config.search:
        check_search_folder(outputs, found, config.root)
    report.extend(found.errors)
    report_blocked(output_dir, apart_from(outputs, in_the_way), owned, report)


def _busy(output_dir: Path) -> str:
    return (f"another Byline build is writing into {output_dir}: wait for it to finish, "
            "then build again")


def _if_current(
    options: BuildOptions, state: BuildState, site: Path, output_dir: Path, started: float,
) -> BuildResult | Checked:
    """The one place that decides the output is provably current (see freshness.py), and if
    so the build's result; else what it found, for the build.

    It reads site.yaml's bytes, not its settings, and no other input: it stats them.
    """
    if ((state.cache is None and not (site / CACHE_DIR_NAME / DATABASE_NAME).is_file())
            or not output_dir.is_dir()):
        return Checked(build_inputs_key(site, _choices(options)))  # never built there
    with lock_folder(output_dir, wait=options.lock_wait, busy=_busy(output_dir)):
        cache = _cache(state, site)
        stamp = cache.stamp(output_dir, stamp_from)
        clean, marker = marker_state(output_dir)
        if stamp is None or not clean:
            return Checked(build_inputs_key(site, _choices(options)))
        key, present = key_and_presence(site, _choices(options), cache, output_dir, marker,
                                        stamp.key)
        now = options.now or datetime.now(UTC)  # compared with aware moments: any zone
        if present and stamp.current(key, now, installed_search):
            return _unchanged_result(output_dir, stamp, started, cache.take_notes())
    return Checked(key, marker if present else "")


def _choices(options: BuildOptions) -> tuple[str, ...]:
    """How a build is made, as far as its output depends on it: part of the inputs' key."""
    return str(options.drafts), str(options.future), str(options.preview), str(options.search)


def _cache(state: BuildState, site: Path) -> BuildCache:
    """The site's cache, opened once per BuildState."""
    if state.cache is None:
        state.cache = BuildCache(site / CACHE_DIR_NAME)
        if state.memo is not None:
            state.memo.cache = state.cache
    return state.cache


def _build_locked(
    options: BuildOptions, state: BuildState, started: float, config: SiteConfig,
    output_dir: Path, label: str, report: Report, why: str, checked: Checked, one_shot: bool,
    owns_heap: bool,
) -> BuildResult:
    """The pipeline, with the output folder checked and locked for this build, after the
    up-to-date check found ``checked`` (its key "": leave no stamp)."""
    from generator.dates import instant, utc_now
    from generator.search_stage import indexer_signature, is_search_file, search_files

    site = config.root
    cache_dir = _cache(state, site).folder
    assert state.cache is not None
    now = utc_now(options.now)
    searching = _searching(options, config)
    indexer = _indexer(searching)
    if searching and indexer is None:
        # Built as with search: false, so no page has a search box or a search page with
        # no index behind it; the search stage says how to get Pagefind.
        config = replace(config, search=False)
    config_digest = digest_text(config.built_from, repr(config.search))
    theme = load_theme(config, report)
    from generator.collisions import (
        apart_from,
        carried_neighbours,
        check_collisions,
        check_search_folder,
    )
    from generator.content import ContentOptions, ParseMemo, load_content
    from generator.image_stage import defer_images, plan_images, produce_images
    from generator.incremental import (
        LastBuild,
        item_marks,
        keep_saved_plan,
        made_from,
        placement_marks,
        plan_from_saved,
        read_saved_plan,
        write_plan,
    )
    from generator.render import (
        NEWS_WINDOW,
        SiteRenderer,
        build_index,
        long_kept_site_files,
        plan_outputs,
        redirect_map,
        template_syntax_problems,
        theme_reads,
        unused_template_problems,
    )
    from generator.render_stage import report_blocked

    if state.memo is None:
        state.memo = ParseMemo()
        state.memo.cache = state.cache
    mode = _mode(options)
    # The preview's folder is its own, made afresh for each session, and its keys live in
    # this process: the cache keeps the keys of the folder readers are sent, which a
    # `byline build` after a preview session then finds, instead of making every page.
    keys_in_memory = options.preview
    remembered = None if keys_in_memory else state.cache.output_keys(output_dir)
    identity = config.identity
    built_before_markers = not state.cache.saw_marker()
    elsewhere = state.cache.remembered_output_dir()
    if built_before_markers and elsewhere is not None and elsewhere != output_dir:
        adopt_unmarked(elsewhere, state.cache.output_keys(elsewhere) or (), site=identity,
                       scratch=cache_dir)
    # The cache's word stands in for a missing marker only where no marker was ever written
    # (a folder an older Byline built): else the folder was made again since, by someone else.
    content_options = ContentOptions(options.drafts, options.future, options.now)
    try:
        ownership, foreign = claim_folder(
            output_dir, remembered=remembered if built_before_markers else None,
            force=options.force, what=label, site=identity,
            # The preview's folder is its own (made for this session, in the cache): one
            # that lost its marker is still its own.
            take_over=options.take_over or options.preview,
            recorded=None if remembered is None else (
                lambda name: name in remembered or is_search_file(name)))
    except FolderRefused as refused:
        # Said with the stories' mistakes, not before them: read them all the same.
        load_content(config, content_options, report, state.memo)
        if report.errors:
            raise BuildFailed([Problem(Severity.ERROR, str(refused), None),
                               *report.sorted()]) from None
        raise
    if (remembered and ownership.signature and not remembered.keys() <= ownership.files
            and state.cache.outputs_settled(ownership.signature)):
        # Recorded, beside this very marker, as written here by a Byline that keeps no
        # marker (an older one, run here since): still Byline's files, to replace or delete.
        ownership = replace(ownership, files=ownership.files | remembered.keys())
    collecting = gc.isenabled()
    if owns_heap:
        gc.disable()  # until the model is frozen: see below
    try:
        content = load_content(config, content_options, report, state.memo)
    finally:
        if owns_heap:
            # The model lives until the build ends, and every full collection from here on
            # would walk its million objects again for nothing (a fifth of a 10,000-story
            # re-publish); frozen before the collector is back, its first collection does
            # not walk them either (0.6 s at 100,000 stories).  build_site hands the heap
            # back as it found it; the preview settles its heap after each build instead
            # (see serve/preview.py).
            gc.freeze()
        if collecting:
            gc.enable()
    images = plan_images(content, config, state.cache, report)
    report.extend(long_kept_site_files(theme.site_files))
    report.extend(unused_template_problems(theme, site))
    if report.errors:  # said with the others, not only once they are fixed
        report.extend(template_syntax_problems(theme, site))
        if all(p.location and p.location.path.startswith(("content/", "static/"))
               for p in report.errors):
            _check_outputs_anyway(config, theme, content, images, output_dir, ownership.files,
                                  options.preview, now, report)
    report.raise_if_errors()
    if options.defer_images:
        images = defer_images(images, state.cache, config.images)
    else:
        images = produce_images(images, config, state.cache, options.progress, report)
    last = state.last
    index = build_index(content, config.categories, last.index if last else None,
                        related_count=config.related_count)
    renderer = SiteRenderer(config, index, images, theme, preview=options.preview, now=now)
    moved, renames = _moved(site, content, report, state.memo, state.cache)
    if one_shot:
        state.memo.forget_for_next_build()
    redirects = redirect_map(content.articles, content.pages, moved)
    previous = last.outputs if last and last.mode.output_dir == output_dir else remembered
    settled = (state.marker_left == ownership.signature if keys_in_memory
               else state.cache.outputs_settled(ownership.signature))
    if previous is None or not ownership.clean or not settled:
        # Unknown, or a build was cut short there (in its commit, or after it and before the
        # cache recorded what it wrote), or the cache is not the one that recorded the files
        # there (restored from a backup): what is in the folder cannot be trusted, so every
        # output is made again (and leftovers of the interrupted build swept).
        previous = {}
        sweep_temporaries(output_dir)
    if images.repaired:  # placed again: an older Byline hard-linked them to the cache files
        previous = {p: k for p, k in previous.items() if "/" + p not in images.repaired}
    reads = (last.plan.reads if last and last.theme.fingerprint == theme.fingerprint
             else state.cache.template_reads(theme.fingerprint) or theme_reads(theme))
    rekey = partial(plan_outputs, renderer, config_digest, redirects)
    assert state.memo.last is not None
    saving = not options.preview  # the preview keeps its record in memory (BuildState.last)
    basis = made_from(mode, state.memo.last.context, images, redirects) if saving else ""
    marks = item_marks(content) if saving else {}
    owned = set(ownership.files)
    as_cached = previous is remembered  # all of them, none left out above
    # What each file was as Byline left it (a build cut short, or a cache not trusted about
    # the folder, has every output made again anyway: none are compared).
    trusted = bool(previous) and not keys_in_memory
    recorded = state.cache.output_stamps(output_dir) if trusted else None
    if recorded is not None and not recorded.readable:
        # A damaged record: no file there can be taken as Byline left it.
        previous, as_cached, trusted = {}, False, False
    left = (recorded.as_dict() if recorded else {}) if trusted else None
    if checked.all_present_under and checked.all_present_under == ownership.signature \
            and as_cached:
        # The check has just found every one of them there, as the last build left them
        # (170,000 at 100,000 stories); the search index's fragments it did not look at.
        looked = look_for(output_dir, owned - previous.keys(), left)
        existing = set(previous).union(looked.present)
    else:
        looked = look_for(output_dir, owned.union(previous), left)
        existing = looked.present
    altered = looked.altered  # files changed since the build that wrote them
    if altered:
        previous = _remake_altered(altered, previous, output_dir, state.cache)
        as_cached = False
        why = "files in the output folder changed since the last build"
    if not ownership.clean:
        # The interrupted build listed its files before moving them in: those it never
        # moved must leave the list too, so every file listed counts as there to remove.
        # (Nothing counts as made already: with no previous keys, every output is made.)
        existing |= owned
    # A new process: the last build's record in the cache tells what a change reaches, as
    # the preview's memory does (see incremental.py), when every file it lists is there.
    plan = carried = saved = saved_from = None
    if last is None and previous and as_cached and saving and existing >= previous.keys():
        found = read_saved_plan(state.cache, output_dir)
        saved, saved_from = found if found else (None, None)
    placed = placement_marks(content, marks, basis, saved) if saving else {}
    if saved is not None:
        generation = state.cache.outputs_generation(output_dir) if as_cached else ""
        plan = carried = plan_from_saved(saved, renderer, config_digest, redirects, generation,
                                         reads, basis, marks, placed, now)
    if plan is not None:
        # The units planned again hold every file of static/ and every page Byline makes
        # with nothing shown (robots.txt…): a file added to static/ clashes here, as in a
        # clean build; so does one in the way of the folder of a page not planned again.
        in_the_way = check_collisions(plan.outputs, report, site,
                                     carried_neighbours(plan, previous, output_dir))
        # Only the files of the units planned again are compared, made or removed.
        existing -= previous.keys() - {o.path for o in plan.outputs} - set(plan.removed)
        if not one_shot:
            # `byline publish --watch` patches this build at the next save: make here, before
            # anyone waits, what planning every page would have left in this process.
            renderer.warm_for_patches()
    else:
        # Not knowing what the templates read, render everything and key it afterwards, once.
        plan = rekey(reads)
        in_the_way = check_collisions(plan.outputs, report, site)
    if indexer is not None:
        check_search_folder(plan.outputs, report, site)
    if report.errors:  # said with the others, not only once they are fixed
        report.extend(template_syntax_problems(theme, site))
        report_blocked(output_dir, apart_from(plan.outputs, in_the_way), ownership.files,
                       report)
    report.raise_if_errors()
    if foreign:
        report.warning(kept_unpublished(output_dir, foreign), None)
    # Forgotten until this build has finished moving files in (see ownership.py).
    state.cache.set_stamp(output_dir, None, stamp_data)
    keep_saved_plan(state.cache, output_dir, None)
    if not keys_in_memory:
        state.cache.unsettle_outputs(output_dir)
    # The search index is the search stage's to replace; without Pagefind it goes.
    kept_index = search_files(owned) if indexer else set()
    plan, written = write_plan(plan, rekey, output_dir, cache_dir, report, previous, existing,
                               owned, kept_index, site=identity)
    assert plan.record is not None
    if plan is carried:  # only what a change reached (unless write_plan keyed all again)
        outputs = {p: k for p, k in previous.items() if p not in plan.removed}
        outputs.update((o.path, o.key) for o in plan.outputs)
    else:
        outputs = {o.path: o.key for o in plan.outputs}
    if not keys_in_memory:
        state.cache.replace_output_keys(output_dir, outputs, previous or None, written.marker)
        _record_stamps(state.cache, output_dir, left or {}, looked.unstamped, written,
                       [*outputs, *kept_index])
    if plan.record.reads != reads:
        state.cache.set_template_reads(theme.fingerprint, plan.record.reads)
    search, versions = _search(options, searching, indexer, output_dir, state.cache, outputs,
                               content, images, plan.record.site, config.base_path, now,
                               altered)
    state.marker_left = _marker_left(output_dir)
    key = checked.key
    if search and search.message and indexer is not None:
        key = ""  # Pagefind failed: the next build tries again rather than stopping early
    expires = min((t for t in (valid_until(content, now, NEWS_WINDOW, options.future),
                               renderer.status_changes()) if t is not None), key=instant,
                  default=None)
    warnings = tuple(report.sorted())
    state.cache.set_stamp(output_dir, BuildStamp(
        key, expires, len(content.articles), len(content.pages), len(images.plans), warnings,
        content.next_scheduled, indexer_signature(indexer) if searching else "off",
    ) if key else None, stamp_data)
    state.last = LastBuild(mode, config, config_digest, theme, content, state.memo.last, index,
                           images, redirects, plan.record, renderer.carried, outputs, warnings,
                           expires)
    state.record_owed = False
    if saving:
        _keep_record(state.cache, state.last, (basis, marks, placed), saved_from)
    return BuildResult(
        output=output_dir,
        content=content,
        articles=len(content.articles),
        pages=len(content.pages),
        images=len(images.plans),
        images_made=images.made,
        written=written.written,
        removed=written.removed,
        unchanged=len(outputs) - len(written.changed),
        seconds=time.perf_counter() - started,
        warnings=warnings,
        changed=tuple(written.changed),
        next_scheduled=content.next_scheduled,
        gone=written.gone,
        pending_images=images.pending,
        notes=state.cache.take_notes(),
        why=(PLANNED_FROM_RECORD if plan is carried else f"full build: {why}" if why else ""),
        search=search,
        versions=versions,
        renames=renames,
    )


def _indexed_pages(
    content: Content, images: ImageIndex, site_key: str, now: datetime
) -> dict[str, str]:
    """Each page to index (its output path) and a key of what the index shows of it: the
    story or page, its authors (a theme may show their bios in the indexed part, and
    Pagefind takes an author's photo as the image of a story without one), its photos
    (credits show in captions) and a live blog's state at ``now``, not the related stories
    around it."""
    from generator.render import file_path, live_state

    # An avatar's address names its content hash: a photo replaced under the same name
    # changes the page, so it changes the key.
    authors = {slug: repr(author) + images.digest(author.avatar)
               for slug, author in content.authors.items()}
    # A live blog's page says whether coverage is upcoming, live or ended: the clock's turn.
    pages = {file_path(a.url): digest_text(site_key, a.digest, *images.digests(a),
                                           *(authors[s] for s in a.author_slugs
                                             if s in authors),
                                           live_state(a.live, now) if a.live else "")
             for a in content.articles}
    pages.update((file_path(p.url), digest_text(site_key, p.digest, *images.digests(p)))
                 for p in content.pages)
    return pages


def _changing_pages(content: Content, now: datetime) -> set[str]:
    """The pages likely to change again within minutes: live blogs whose coverage is open.
    The search stage indexes them apart, so that an update re-indexes only them."""
    from generator.render import file_path

    return {file_path(a.url) for a in content.articles
            if a.live is not None and (a.live.end is None or now < a.live.end)}


def _search(
    options: BuildOptions, searching: bool, indexer: Path | None, output_dir: Path,
    cache: BuildCache, outputs: Mapping[str, str], content: Content, images: ImageIndex,
    site_key: str, base_path: str, now: datetime, altered: Set[str] = frozenset(),
) -> tuple[SearchOutcome | None, Mapping[str, str] | None]:
    """Stage 6, after the commit: bring the search index up to date with the pages.  Also
    the output folder's files and a key of each (``BuildResult.versions``): the outputs,
    and the index's files when there is one."""
    from generator.search_stage import (
        HOW_TO_GET_SEARCH,
        SearchOutcome,
        forget_search,
        update_search,
    )

    if not searching:
        forget_search(output_dir, cache)  # its files were not kept
        return None, outputs
    if indexer is None:  # the index went with the other files that are no outputs
        forget_search(output_dir, cache)
        return SearchOutcome(message=HOW_TO_GET_SEARCH), outputs
    if options.drafts or options.future:
        # Drafts and scheduled stories are never indexed: the index of the last ordinary
        # build stays as it was.
        search = SearchOutcome()
    else:
        pages = _indexed_pages(content, images, site_key, now)
        search = update_search(output_dir, cache, indexer, pages, outputs, base_path,
                               _changing_pages(content, now), altered)
    if search.files is None:
        return search, None
    versions = dict(outputs.items())  # a patch's outputs are layered: read them in one pass
    versions.update(search.files)
    return search, versions


def _record_stamps(cache: BuildCache, output_dir: Path, left: Mapping[str, Stamp],
                   found: Mapping[str, Stamp], written: WriteReport, kept: Iterable[str]
                   ) -> None:
    """Record each file Byline now keeps there as it is: those just placed, and those ``kept``
    with no stamp recorded (found so by this build, or looked at now: a cache from before
    stamps, a build after one cut short), taken as found."""
    stamps = {**left, **found, **written.placed}
    for path in written.gone:
        stamps.pop(path, None)
    missing = [path for path in kept if path not in stamps]
    if missing:
        stamps.update(look_for(output_dir, missing, {}).unstamped)
    cache.set_output_stamps(output_dir, stamps)


def _remake_altered(altered: set[str], previous: Mapping[str, str], output_dir: Path,
                    cache: BuildCache) -> dict[str, str]:
    """The last build's keys without those of files changed since it left them (saved over
    by hand, emptied by a crash or a sync tool): this build makes them again (the search
    stage, its own files: see ``update_search``)."""
    count = len(altered)
    cache.note(f"{shown(output_dir)}: {count} file{'s' if count != 1 else ''} changed since "
               f"Byline wrote {'it' if count == 1 else 'them'}, made again: "
               f"{describe_files(sorted(shown(path) for path in altered))}")
    return {path: key for path, key in previous.items() if path not in altered}


def _unchanged_result(
    output_dir: Path, stamp: BuildStamp, started: float, notes: tuple[str, ...]
) -> BuildResult:
    return BuildResult(
        output=output_dir, content=None, articles=stamp.articles, pages=stamp.pages,
        images=stamp.images, images_made=0, written=0, removed=0, unchanged=0,
        seconds=time.perf_counter() - started, warnings=stamp.warnings, changed=(),
        next_scheduled=stamp.next_scheduled, notes=notes,
    )


def _moved(site: Path, content: Content, report: Report, memo: ParseMemo, cache: BuildCache,
           ) -> tuple[dict[str, str], dict[str, str]]:
    """Old URL → new URL for every published article whose URL has changed since, and the
    articles whose file was renamed since (new key → old key, for the publish to record).

    A rename is found by the renamed file's bytes (see ``renamed_sources``), so an edit of
    it after the build that found it would hide it: until a publish records it, the cache
    keeps it."""
    from generator.published import redirects_for_moved, renamed_sources

    published = _published(site, report)
    if published is None:
        return {}, {}
    prefix = "content" + os.sep
    keys = [a.source.path.removeprefix(prefix).replace(os.sep, "/") for a in content.articles]
    current = {k: a.url for k, a in zip(keys, content.articles, strict=True)}
    # What the cache last saw of each published file that is gone: a renamed file's bytes
    # under its old key (the cache forgets no file it digested).
    seen = {key: memo.signatures[key][2] for key in published.by_source
            if key not in current and key in memo.signatures}
    found = renamed_sources(published, {k: a.digest for k, a in zip(
        keys, content.articles, strict=True)}, seen) if seen else {}
    kept = cache.renames()
    renames = {new: old for new, old in kept.items()
               if new in current and new not in published.by_source and new not in found
               and old in published.by_source and old not in current
               and old not in found.values()}
    renames.update(found)
    if renames != kept:
        cache.set_renames(renames)
    return redirects_for_moved(published.renamed(renames), current), renames


def _published(site: Path, report: Report) -> PublishedUrls | None:
    """The record of published addresses (see published.py), or None with its problem."""
    from generator.published import MANIFEST_PATH, ManifestError, load_published

    try:
        return load_published(site)
    except PublishError as error:
        line = error.line if isinstance(error, ManifestError) else None
        report.error(str(error), SourceLocation(str(MANIFEST_PATH), line))
        return None
