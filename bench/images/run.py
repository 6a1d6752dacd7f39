"""Benchmark: Byline's image pipeline against Hugo's on the same photo-heavy site.

    python bench/images/run.py                  # 100 articles × 3 photos, 3000×2000 JPEGs
    python bench/images/run.py --sources 30     # a quicker run

Both tools resize every photo to the same widths in WebP (q78) and JPEG (q80), each from a
cold cache and using both cores: Byline through ``process_images`` (in a child process, so
its memory is measured alone), Hugo 0.168 through a throwaway site whose articles are page
bundles (so Hugo renders, and resizes, pages in parallel).  Prints Markdown tables: time per
source photo, peak memory, and bytes per width and format, with PSNR against a Lanczos
reference so smaller files cannot hide blurrier ones.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo, for `generator`
sys.path.insert(0, str(Path(__file__).resolve().parent))  # corpus.py beside this file

from corpus import make_corpus
from hugo_site import hugo_binary, run_hugo
from measure import byline_files, compare_quality, hugo_files, mean_bytes

from generator.cache import BuildCache
from generator.image_stage import CachedInspections
from generator.images import (
    ImageSettings,
    SourceImage,
    inspect_images,
    plan_image,
    process_images,
)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_byline(
    corpus: Path, sources: int, cache_dir: Path, settings: ImageSettings, workers: int | None
) -> dict[str, float]:
    """Inspect and process every photo cold, then again warm; runs in a child process."""
    paths = make_corpus(corpus, sources)
    phases: dict[str, float] = {"load_before": os.getloadavg()[0]}
    for phase in ("cold", "warm"):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        cache = BuildCache(cache_dir)
        # As the build does it: the photos the cache does not know, on every core.
        inspected_all = inspect_images(paths, settings, CachedInspections(cache))
        cache.close()
        found = [source for source in inspected_all.values() if isinstance(source, SourceImage)]
        assert len(found) == len(paths), "a bench photo failed inspection"
        inspected, cpu_inspected = time.perf_counter(), cpu_seconds()
        jobs = [(source, plan_image(source, settings).variants) for source in found]
        report = process_images(jobs, cache_dir, settings, workers=workers, progress=False)
        phases[f"{phase}_inspect_s"] = inspected - started
        phases[f"{phase}_inspect_cpu_s"] = cpu_inspected - cpu_started
        phases[f"{phase}_process_s"] = report.seconds
        phases[f"{phase}_process_cpu_s"] = cpu_seconds() - cpu_inspected
        phases[f"{phase}_made"] = report.made
        phases[f"{phase}_failed"] = len(report.failed)
    phases["load_after"] = os.getloadavg()[0]
    phases["rss_parent_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    phases["rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return phases


def run_byline_child(args: argparse.Namespace, cache_dir: Path) -> dict[str, float]:
    """Run ``measure_byline`` in a fresh interpreter and read its JSON result."""
    command = [
        sys.executable,
        __file__,
        "--child",
        str(cache_dir),
        "--corpus",
        str(args.corpus),
        "--sources",
        str(args.sources),
        "--widths",
        args.widths,
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each number's median over the runs (text values from the first run)."""
    return {
        key: statistics.median(run[key] for run in runs)
        if isinstance(value, (int, float))
        else value
        for key, value in runs[0].items()
    }


def table(rows: list[list[str]]) -> str:
    """A Markdown table; the first row is the header."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def report(
    args: argparse.Namespace,
    settings: ImageSettings,
    byline: dict[str, float],
    hugo: dict[str, float],
    byline_dir: Path,
    hugo_dir: Path,
    paths: list[Path],
) -> str:
    """The Markdown result tables."""

    def per_photo(seconds: float) -> str:
        return f"{seconds / args.sources * 1000:.0f}"

    def ratio(theirs: float, ours: float) -> str:
        return f"**{theirs / ours:.1f}×**" if ours else "-"

    process, inspect = byline["cold_process_s"], byline["cold_inspect_s"]
    process_cpu, inspect_cpu = byline["cold_process_cpu_s"], byline["cold_inspect_cpu_s"]
    rows = [
        ["cold, ms per source photo", "Byline", f"Hugo {hugo['version']}", "Hugo / Byline"],
        [
            "wall, `process_images`",
            per_photo(process),
            per_photo(hugo["wall_s"]),
            ratio(hugo["wall_s"], process),
        ],
        [
            "wall, inspect + process",
            per_photo(process + inspect),
            per_photo(hugo["wall_s"]),
            ratio(hugo["wall_s"], process + inspect),
        ],
        [
            "CPU (all processes), `process_images`",
            per_photo(process_cpu),
            per_photo(hugo["cpu_s"]),
            ratio(hugo["cpu_s"], process_cpu),
        ],
        [
            "CPU, inspect + process",
            per_photo(process_cpu + inspect_cpu),
            per_photo(hugo["cpu_s"]),
            ratio(hugo["cpu_s"], process_cpu + inspect_cpu),
        ],
        [
            "peak RSS",
            f"{byline['rss_parent_mb']:.0f} MB parent, "
            f"{byline['rss_worker_mb']:.0f} MB largest worker",
            f"{hugo['rss_mb']:.0f} MB",
            "",
        ],
        ["files made", f"{byline['cold_made']:.0f}", f"{hugo['files']:.0f}", ""],
        [
            "load average (1 min) before / after",
            f"{byline['load_before']:.1f} / {byline['load_after']:.1f}",
            f"{hugo['load_before']:.1f} / {hugo['load_after']:.1f}",
            "",
        ],
    ]
    warm = byline["warm_process_s"] + byline["warm_inspect_s"]
    mine, theirs = byline_files(byline_dir), hugo_files(hugo_dir)
    quality = compare_quality(paths[: args.quality_sample], settings, byline_dir, hugo_dir)
    size_rows = [
        [
            "width",
            "format",
            "Byline bytes (mean)",
            "Hugo bytes (mean)",
            "Byline / Hugo",
            "PSNR Byline",
            "PSNR Hugo",
        ]
    ]
    for key in sorted(set(mine) | set(theirs)):
        width, fmt = key
        own_bytes, hugo_bytes = mean_bytes(mine.get(key, [])), mean_bytes(theirs.get(key, []))
        psnr = quality.get(key, (float("nan"), float("nan")))
        size_rows.append(
            [
                str(width),
                fmt,
                f"{own_bytes:,.0f}",
                f"{hugo_bytes:,.0f}",
                f"{own_bytes / hugo_bytes:.3f}" if hugo_bytes else "-",
                f"{psnr[0]:.2f} dB",
                f"{psnr[1]:.2f} dB",
            ]
        )
    return "\n\n".join(
        [
            f"{args.sources} source photos (3000×2000 JPEG), widths {args.widths}, WebP q78 + JPEG"
            f" q80, {os.cpu_count()} cores, Hugo resampleFilter {args.hugo_filter}, median of"
            f" {args.rounds} alternating round(s)",
            table(rows),
            f"Warm run (same jobs again): {warm / args.sources * 1000:.2f} ms per source photo,"
            f" {byline['warm_made']:.0f} files made.",
            table(size_rows),
            f"PSNR: against a Lanczos downscale of the original, mean over the first "
            f"{min(args.quality_sample, args.sources)} photos (higher is closer).",
        ]
    )


def main() -> int:
    """Parse the options, run both tools, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=300, help="source photos (default 300)")
    parser.add_argument("--widths", default="480,1200,2400", help="comma-separated widths")
    parser.add_argument("--workers", type=int, help="Byline worker processes (default: cores)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="where to keep the generated photos (default: a reused folder in the temp dir)",
    )
    parser.add_argument(
        "--hugo-filter", default="box", help="Hugo resampleFilter (its default is box)"
    )
    parser.add_argument(
        "--quality-sample", type=int, default=5, help="photos whose outputs get a PSNR check"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run both tools this many times, alternating, and report medians (other load on"
        " the machine then skews both alike)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    widths = tuple(int(w) for w in args.widths.split(","))
    settings = ImageSettings(widths=widths, formats=("webp",), quality={"webp": 78, "jpeg": 80})
    args.corpus = args.corpus or Path(tempfile.gettempdir()) / "byline-bench-corpus"
    if args.child:
        print(
            json.dumps(
                measure_byline(args.corpus, args.sources, args.child, settings, args.workers)
            )
        )
        return 0

    print(f"making {args.sources} photos in {args.corpus} ...", file=sys.stderr)
    paths = make_corpus(args.corpus, args.sources)
    with tempfile.TemporaryDirectory(prefix="byline-bench-") as scratch:
        work = Path(scratch)
        bylines, hugos = [], []
        for round_number in range(1, args.rounds + 1):
            shutil.rmtree(work / "byline-cache", ignore_errors=True)
            print(f"round {round_number}: Byline, cold then warm ...", file=sys.stderr)
            bylines.append(run_byline_child(args, work / "byline-cache"))
            print(f"round {round_number}: Hugo ({hugo_binary()}) ...", file=sys.stderr)
            hugos.append(run_hugo(paths, work / "hugo-site", widths, args.hugo_filter))
        byline, hugo = medians(bylines), medians(hugos)
        print(
            report(
                args,
                settings,
                byline,
                hugo,
                work / "byline-cache" / "images",
                work / "hugo-site" / "public",
                paths,
            )
        )
        if byline["warm_made"] or byline["cold_failed"]:
            print("\nwarm run made files or photos failed: see above", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
