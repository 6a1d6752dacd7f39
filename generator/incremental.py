"""The preview's rebuild after a save: patch the last build instead of running the pipeline.

The watcher says which files changed.  When they are articles or pages that stay where they
were (see ``content/reload.py``), the last build's content, index, photos and output keys are
still right for everything else, so only those files are read again and only the outputs they
reach are planned and rendered: a sentence added to one story of 10,000 costs one parse and
one page.  Anything else, or anything this module is unsure of, returns None and the caller
runs the whole pipeline, whose caches make that cheap too.  Both ways write the same files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from generator.cache import BuildCache
from generator.config import SiteConfig
from generator.content import LoadRecord, ParseMemo, reload_sources
from generator.errors import Problem, Report
from generator.image_stage import ImageIndex, warn_missing_credits, warn_small_heroes
from generator.model import Content
from generator.outputdir import present_files
from generator.render import PlanKeys, SiteIndex, SiteRenderer, reindex, replan_outputs
from generator.render_stage import WriteReport, write_outputs
from generator.theme import Theme


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
    theme: Theme
    content: Content
    record: LoadRecord
    index: SiteIndex
    images: ImageIndex
    keys: PlanKeys
    outputs: Mapping[str, str]  # output path → key, as the output folder now holds them
    warnings: tuple[Problem, ...]
    valid_until: datetime | None  # when a clock-dependent output (news sitemap) goes stale


@dataclass(frozen=True, slots=True)
class Patched:
    """A patched build: the new LastBuild and what writing it changed."""

    last: LastBuild
    written: WriteReport


def patch_build(
    last: LastBuild, paths: Iterable[str], now: datetime, cache_dir: Path, memo: ParseMemo,
    cache: BuildCache, report: Report,
) -> Patched | None:
    """Rebuild after edits to the files at ``paths``; None when the edit needs a full build."""
    if last.valid_until is not None and now >= last.valid_until:
        return None
    patch = reload_sources(last.config, last.mode.drafts, report, memo, last.content,
                           last.record, paths)
    if patch is None:
        return None
    # Problems of the files read again replace theirs; everyone else's stay as they were.
    report.extend(w for w in last.warnings
                  if w.location is None or w.location.path not in patch.reread)
    report.raise_if_errors()
    warn_missing_credits(patch.articles, last.images.plans, report)
    warn_small_heroes(patch.articles, last.images.plans, report)
    index = reindex(last.index, patch.content, patch.articles)
    renderer = SiteRenderer(last.config, index, last.images, last.theme,
                            preview=last.mode.preview, now=now)
    plan = replan_outputs(renderer, last.keys, patch.articles, patch.pages, patch.before)
    output_dir = last.mode.output_dir
    existing = present_files(output_dir, [o.path for o in plan.outputs])
    written = write_outputs(plan.outputs, output_dir, cache_dir, report, last.outputs,
                            existing, complete=False)
    outputs = {**last.outputs, **{o.path: o.key for o in plan.outputs}}
    if written.changed:
        cache.replace_output_keys(output_dir, outputs, last.outputs)
    return Patched(replace(last, content=patch.content, record=patch.record, index=index,
                           keys=plan.keys, outputs=outputs, warnings=tuple(report.warnings)),
                   written)
