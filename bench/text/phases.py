"""Where a Byline build's wall time goes: each stage timed in the parent process.

    python bench/text/phases.py                       # the 10,000-article corpus of run.py, cold
    python bench/text/phases.py --warm                # nothing deleted first
    python bench/text/phases.py --cprofile build.prof # also a cProfile of the parent process
    python bench/text/phases.py --output OUT --edit content/articles/SLUG.md
                                                      # a one-article edit (restored after)

The stages are timed by wrapping the functions build.py calls (nothing in generator/ is
changed); each row is exclusive of the rows nested in it. "parent CPU" is the CPU the parent
process spent in the row; "workers CPU" is what the worker processes it waited for spent
(counted when they are reaped, at the end of each pool). A row whose parent CPU is close to
its wall time ran on one core while the other waited.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import json
import os
import pstats
import resource
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SITE = REPO / "bench" / ".work" / "byline" / "site"


def _clock() -> tuple[float, float, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time(), children.ru_utime + children.ru_stime


class Phases:
    """Exclusive wall, parent-CPU and worker-CPU time per named phase, nested phases apart."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.totals: dict[str, list[float]] = {}  # name → [wall, parent cpu, workers cpu, calls]
        self._stack: list[list[float]] = []  # inclusive time of the phases nested in each open one

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = _clock()
        self._stack.append([0.0, 0.0, 0.0])
        try:
            yield
        finally:
            end = _clock()
            nested = self._stack.pop()
            inclusive = [e - s for e, s in zip(end, start, strict=True)]
            if name not in self.totals:
                self.order.append(name)
                self.totals[name] = [0.0, 0.0, 0.0, 0]
            row = self.totals[name]
            for i in range(3):
                row[i] += inclusive[i] - nested[i]
            row[3] += 1
            if self._stack:
                for i in range(3):
                    self._stack[-1][i] += inclusive[i]

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        """Time every call of ``owner.attribute`` as ``name``."""
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return original(*args, **kwargs)

        setattr(owner, attribute, timed)

    def wrap_iterator(self, owner: Any, attribute: str, name: str) -> None:
        """Time the whole iteration of the generator ``owner.attribute`` returns."""
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with self.phase(name):
                yield from original(*args, **kwargs)

        setattr(owner, attribute, timed)


def instrument(phases: Phases) -> None:
    """Wrap the stages build.py runs (the imports are timed as a phase of their own)."""
    with phases.phase("import the stages"):
        import generator.build as build
        import generator.config as config
        import generator.content as content
        import generator.content.load as load
        import generator.content.memo as memo
        import generator.image_stage as image_stage
        import generator.incremental as incremental
        import generator.render as render
        import generator.render_stage as render_stage
        from generator.cache import BuildCache
    plain: list[tuple[Any, str, str]] = [
        (config, "load_config", "config"),
        (build, "load_theme", "theme"),
        (build, "_if_current", "up-to-date check (rest)"),
        (build, "_inputs_key", "up-to-date check: inputs key"),
        (build, "claim_folder", "claim output folder"),
        (content, "load_content", "content: assemble, sort (rest of load_content)"),
        (load, "discover_sources", "content: discover"),
        (load, "readable_sources", "content: read and hash"),
        (load, "parses_for", "content: parse (rest: cache look-ups)"),
        (load, "assemble_source", "content: assemble"),
        (BuildCache, "store_parsed", "content: store parses in cache"),
        (BuildCache, "parsed", "content: cache look-ups"),
        (image_stage, "plan_images", "images: plan"),
        (image_stage, "produce_images", "images: produce"),
        (render, "build_index", "site index"),
        (render, "SiteRenderer", "renderer set-up"),
        (render, "redirect_map", "redirects"),
        (render, "plan_outputs", "plan outputs (keys)"),
        (build, "look_for", "stat output files"),
        (incremental, "item_marks", "saved record: what each item digests to"),
        (incremental, "made_from", "saved record: what the build was made from"),
        (incremental, "placement_marks", "saved record: placement marks"),
        (incremental, "read_saved_plan", "saved record: read"),
        (incremental, "plan_from_saved", "plan from the saved record"),
        (build, "_keep_record", "saved record: keep"),
        (incremental, "write_plan", "write: rest"),
        (incremental, "write_outputs", "write: stale list, staging"),
        (render_stage, "commit", "commit: move into output/"),
        (BuildCache, "replace_output_keys", "cache: output keys"),
        (BuildCache, "set_stamp", "cache: stamp"),
        (build, "_search", "search index"),
        (build, "_moved", "published manifest"),
    ]
    for owner, attribute, name in plain:
        phases.wrap(owner, attribute, name)
    phases.wrap_iterator(memo, "map_in_workers", "content: parse in workers")
    phases.wrap_iterator(render_stage, "map_with_job", "render in workers")


def report(phases: Phases, wall: float, cpu_total: tuple[float, float]) -> str:
    lines = [
        "| phase | calls | wall s | share | parent CPU s | workers CPU s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    accounted = 0.0
    for name in phases.order:
        w, parent, workers, calls = phases.totals[name]
        accounted += w
        lines.append(f"| {name} | {calls:.0f} | {w:.2f} | {w / wall:.0%} | {parent:.2f} "
                     f"| {workers:.2f} |")
    lines.append(f"| (not in a phase above) | | {wall - accounted:.2f} "
                 f"| {(wall - accounted) / wall:.0%} | | |")
    lines.append(f"| **whole build** | | **{wall:.2f}** | | {cpu_total[0]:.2f} "
                 f"| {cpu_total[1]:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--site", type=Path, default=DEFAULT_SITE, help="the site (default: run.py's)")
    p.add_argument("--output", type=Path, default=None, help="default: SITE/../phases-out")
    p.add_argument("--warm", action="store_true", help="keep the output and cache (default: cold)")
    p.add_argument("--cprofile", type=Path, default=None, help="also write a cProfile here")
    p.add_argument("--json", type=Path, default=None, help="write the figures here too")
    p.add_argument("--edit", type=Path, default=None,
                   help="append a sentence to this file (relative to the site) before the "
                   "build, as run.py's one-edit does, and restore it after (and the output, "
                   "with a build not timed); implies --warm")
    args = p.parse_args(argv)
    sys.path.insert(0, str(REPO))
    site = args.site.resolve()
    output = (args.output or site.parent / "phases-out").resolve()
    if not args.warm and args.edit is None:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(site / ".byline-cache", ignore_errors=True)
    edited = site / args.edit if args.edit else None
    original = edited.read_bytes() if edited else None
    if edited:
        # A sentence no earlier run added: the same one would find the pages it makes
        # already in the output, and time an edit that writes nothing.
        with open(edited, "a", encoding="utf-8") as f:
            f.write(f"\nA sentence added for the one-edit timing at {time.time_ns()}.\n")
    phases = Phases()
    started = _clock()
    try:
        instrument(phases)
        from generator.build import BuildOptions, build_site

        # As `byline build` runs: it stops early when the output is provably current.
        options = BuildOptions(site=site, output=output, progress=False, search=False,
                               reuse_current=True)
        profile = cProfile.Profile() if args.cprofile else None
        if profile:
            profile.enable()
        result = build_site(options)
        if profile:
            profile.disable()
        ended = _clock()
    finally:
        if edited and original is not None:
            edited.write_bytes(original)
    wall = ended[0] - started[0]
    text = report(phases, wall, (ended[1] - started[1], ended[2] - started[2]))
    if edited:  # the output as the restored file makes it, for the next run to edit again
        build_site(options)
    print(f"{result.articles} articles, {result.written} files written, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n")
    print(text)
    if profile and args.cprofile:
        profile.dump_stats(args.cprofile)
        print(f"\ncProfile of the parent: {args.cprofile}; the functions with most own time:")
        pstats.Stats(str(args.cprofile)).sort_stats("tottime").print_stats(25)
    if args.json:
        args.json.write_text(json.dumps({
            "articles": result.articles, "wall": wall,
            "phases": {n: dict(zip(("wall", "parent_cpu", "workers_cpu", "calls"),
                                   phases.totals[n], strict=True)) for n in phases.order},
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
