"""Stage 5: render the outputs whose key changed (on every core when there are many), then
commit them to the output folder, all at once and only if every one of them rendered."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from generator.errors import BuildFailed, Report, SourceLocation
from generator.inputfiles import shown
from generator.lifeline import remove_abandoned
from generator.outputdir import Stamp, blocked_paths, commit, write_staged
from generator.ownership import new_token
from generator.parallel import map_with_job
from generator.render import NO_READS, Output, Reads, RenderProblem, take_reads
from generator.render.received import Later

_RENDER_BATCH = 48
_PARALLEL_FROM = 200


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What writing the outputs changed in the output folder."""

    written: int
    removed: int
    changed: list[str]  # output paths whose key changed or whose file was missing
    reads: Reads = NO_READS  # the view fields the templates read while rendering them
    marker: str = ""  # the signature of the marker the commit left (see ownership.py)
    gone: tuple[str, ...] = ()  # output paths deleted: no longer outputs
    placed: Mapping[str, Stamp] = field(default_factory=dict)  # the files moved in, as left


def write_outputs(
    outputs: Sequence[Output], output_dir: Path, cache_dir: Path, report: Report,
    previous: Mapping[str, str], existing: set[str], *, complete: bool,
    owned: Set[str] | None = None, also_keep: Set[str] = frozenset(), site: str = "",
) -> WriteReport:
    """Render and place every output whose key differs from ``previous`` or whose file is
    not in ``existing``; with ``complete``, also delete the files of ``existing`` that are
    not outputs, if Byline wrote them (``owned``: all it wrote there, by default the files
    ``previous`` lists), except ``also_keep`` (files a later stage of the build owns, such as
    the search index).  The folder's marker names them the files of ``site`` (see
    ``ownership.site_identity``)."""
    stale = [o for o in outputs if previous.get(o.path) != o.key or o.path not in existing]
    owned = set(previous) if owned is None else owned
    refuse_blocked(output_dir, stale, owned, report)
    to_render = [o for o in stale if o.make is not None]
    copies = [(o.path, source) for o in stale if (source := o.copy_from) is not None]
    remove_abandoned(cache_dir, "staging")  # of builds killed with kill -9
    staging = cache_dir / f"staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    reads: set[str] = set()
    take_reads()  # only what these outputs read
    batches = [range(i, min(i + _RENDER_BATCH, len(to_render)))
               for i in range(0, len(to_render), _RENDER_BATCH)]
    # Workers pay off only when there is real work; a one-article edit renders in-process.
    min_items = 2 if len(to_render) >= _PARALLEL_FROM else len(batches) + 1
    job = RenderJob(to_render, staging)
    for problems, seen in map_with_job(_render_batch, job, batches, min_items=min_items,
                                         work_here=True):
        reads.update(seen)
        for message, location in problems:
            report.error(message, location)
    if report.errors:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(report.sorted())
    removing = (existing - {o.path for o in outputs} - also_keep) & owned if complete else set()
    done = commit(staging, output_dir, (o.path for o in to_render), copies, owned=owned,
                  removing=removing, token=new_token(), site=site)
    return WriteReport(len(done.placed), done.removed, [o.path for o in stale], frozenset(reads),
                       done.marker, tuple(sorted(removing)), done.placed)


def refuse_blocked(output_dir: Path, outputs: Sequence[Output], owned: Set[str],
                   report: Report) -> None:
    """Stop the build, before anything is made, when writing ``outputs`` would go through a
    link or over a file Byline did not write (see ``outputdir.blocked_paths``)."""
    if report_blocked(output_dir, outputs, owned, report):
        raise BuildFailed(report.sorted())


def report_blocked(output_dir: Path, outputs: Sequence[Output], owned: Set[str],
                   report: Report) -> bool:
    """One error for each output whose writing would go through a link or over a file
    Byline did not write, naming what to move; whether there was any."""
    blocked = blocked_paths(output_dir, (o.path for o in outputs), owned)
    origins = {o.path: o.origin for o in outputs}
    for entry in blocked:
        where = SourceLocation(shown(output_dir / entry.path))
        if entry.why == "link":
            target = shown(os.readlink(output_dir / entry.path))
            report.error(f"is a link (to {target}); Byline writes only into real folders "
                         f"inside {shown(output_dir)}: remove the link (what it leads to is "
                         "not touched), then build again", where)
        elif entry.why == "file":
            report.error("is a file where the site needs a folder: move it out of "
                         f"{shown(output_dir)}, then build again", where)
        else:
            origin = origins.get(entry.path)
            made = f"the page made from {origin.path}" if origin else "a file of the site"
            report.error(f"this file was not written by Byline, and {made} would replace "
                         f"it: move it out of {shown(output_dir)} (or build into another "
                         "folder), then build again", where)
    return bool(blocked)




@dataclass(frozen=True, slots=True)
class RenderJob:
    """What every render worker is handed once: the outputs to render (each batch names some
    by position) and the staging folder to write them to.  A forked worker shares it with the
    build; a spawned one unpickles it (the renderer makes its Jinja environment again there)."""

    outputs: list[Output]
    staging: Path


def _later_parts(value: Later) -> tuple[type[Later], tuple[object, object]]:
    return Later, (value.make, value.source)


# A Later value refuses to be pickled, lest a key hold it whole (received.py), but an output a
# patch planned holds what it received, Later values included: a spawned worker gets them so.
ForkingPickler.register(Later, _later_parts)


def _render_batch(
    job: RenderJob, indexes: range,
) -> tuple[list[tuple[str, SourceLocation | None]], Reads]:
    outputs, staging = job.outputs, job.staging
    problems: list[tuple[str, SourceLocation | None]] = []
    for i in indexes:
        output = outputs[i]
        assert output.make is not None  # only outputs with a maker are sent to render
        try:
            data = output.make()
        except RenderProblem as problem:
            problems.append((str(problem), problem.location))
            continue
        write_staged(staging, output.path, data)
    return problems, take_reads()
