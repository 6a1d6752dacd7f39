"""How long site search takes at scale: Pagefind indexing a built 10,000-article site.

    python bench/text/search.py                  # 10,000 articles (the text benchmark's corpus)
    python bench/text/search.py --articles 2000  # quicker

Writes the corpus that ``corpus.py`` makes (same seed and page size as ``run.py``) as a
Byline site under ``bench/.work/search/``, builds it once without search, then times:

- **index, cold**: the search stage of ``byline build`` when no index exists (Pagefind run
  over the whole output, its files committed into ``output/pagefind/``), median of
  ``--repeat`` runs;
- **Pagefind alone**: the ``pagefind`` binary over the same output into a scratch folder,
  with its peak memory (``ru_maxrss`` from ``os.wait4``);
- **no-change rebuild**: ``build_site`` again with nothing changed (the index must not be made
  again: its key matches);
- **one-edit rebuild**: a sentence added to one article, then ``build_site``: the page and its
  feeds re-rendered, and the index made again, since Pagefind has no incremental mode.

Prints a Markdown table and writes ``bench/.work/search/search-results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path[:0] = [str(REPO), str(HERE)]

import corpus  # noqa: E402  (sibling module; bench/ is not a package)

from generator.build import BuildOptions, BuildState, build_site  # noqa: E402
from generator.cache import CACHE_DIR_NAME, BuildCache  # noqa: E402
from generator.search_stage import find_indexer, forget_search  # noqa: E402


def write_site(root: Path, count: int, seed: int, per_page: int) -> Path:
    site = root / "site"
    if site.exists():
        shutil.rmtree(site)
    (site / "content/articles").mkdir(parents=True)
    (site / "site.yaml").write_text(
        'title: "Bench News"\nbase_url: https://bench.example/\ntimezone: UTC\n'
        f"per_page: {per_page}\n", encoding="utf-8")
    for article in corpus.generate(count, seed):
        (site / "content/articles" / f"{article.slug}.md").write_text(
            corpus.byline_source(article), encoding="utf-8")
    return site


def timed_build(options: BuildOptions) -> tuple[float, object]:
    started = time.perf_counter()
    result = build_site(options, BuildState())
    return time.perf_counter() - started, result


def pagefind_alone(indexer: Path, output: Path, scratch: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of one Pagefind run over every page of
    ``output`` (the search stage gives it only the stories and pages)."""
    shutil.rmtree(scratch, ignore_errors=True)
    started = time.perf_counter()
    child = subprocess.Popen([str(indexer), "--site", str(output), "--output-path",
                              str(scratch), "--silent"])
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"pagefind failed with status {child.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=REPO / "bench/.work/search")
    args = parser.parse_args()
    indexer = find_indexer()
    if indexer is None:
        raise SystemExit("Pagefind is not installed: pip install 'byline[search]'")
    args.work.mkdir(parents=True, exist_ok=True)
    site = write_site(args.work, args.articles, args.seed, args.per_page)
    output = args.work / "out"
    shutil.rmtree(output, ignore_errors=True)
    plain = BuildOptions(site=site, output=output, search=False)
    searching = BuildOptions(site=site, output=output, search=True)

    cold_build, _ = timed_build(plain)
    print(f"built {args.articles} articles without search in {cold_build:.1f} s", flush=True)
    index_runs, totals = [], []
    for _ in range(args.repeat):
        cache = BuildCache(site / CACHE_DIR_NAME)
        forget_search(output.resolve(), cache)  # as if no index had ever been made
        cache.close()
        total, result = timed_build(searching)
        assert result.search is not None and result.search.indexed, result.search
        index_runs.append(result.search.seconds)
        totals.append(total)
        print(f"  index, cold: {result.search.seconds:.2f} s (whole build {total:.2f} s)",
              flush=True)
    files, size = folder_size(output / "pagefind")
    alone, cpu, peak = pagefind_alone(indexer, output, args.work / "scratch")
    print(f"  Pagefind alone, every page: {alone:.2f} s ({cpu:.2f} s CPU), peak "
          f"{peak / 2**20:.0f} MB", flush=True)
    unchanged, result = timed_build(searching)
    assert result.search is not None and not result.search.indexed
    story = next((site / "content/articles").iterdir())
    original = story.read_text(encoding="utf-8")
    story.write_text(original + "\nOne more sentence for the search benchmark.\n",
                     encoding="utf-8")
    try:
        edited, result = timed_build(searching)
        assert result.search is not None and result.search.indexed
        edit_index = result.search.seconds
    finally:
        story.write_text(original, encoding="utf-8")
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": args.articles,
        "pages_indexed": result.search.pages,
        "build_without_search_s": round(cold_build, 2),
        "index_cold_s": [round(s, 2) for s in index_runs],
        "index_cold_median_s": round(statistics.median(index_runs), 2),
        "pagefind_alone_s": round(alone, 2),
        "pagefind_alone_cpu_s": round(cpu, 2),
        "pagefind_peak_mb": round(peak / 2**20),
        "index_files": files,
        "index_mb": round(size / 2**20, 1),
        "no_change_rebuild_s": round(unchanged, 2),
        "one_edit_rebuild_s": round(edited, 2),
        "one_edit_index_s": round(edit_index, 2),
    }
    (args.work / "search-results.json").write_text(json.dumps(report, indent=1) + "\n")
    rows = [
        (f"index, cold (search stage of `byline build`, median of {args.repeat})",
         f"{report['index_cold_median_s']} s"),
        ("Pagefind alone over every page (CPU; peak memory)",
         f"{report['pagefind_alone_s']} s ({cpu:.1f} s; {report['pagefind_peak_mb']} MB)"),
        ("index size", f"{report['index_mb']} MB in {files:,} files"),
        ("rebuild, nothing changed (not re-indexed)", f"{report['no_change_rebuild_s']} s"),
        (f"rebuild after editing one article (re-indexed in {report['one_edit_index_s']} s)",
         f"{report['one_edit_rebuild_s']} s"),
    ]
    print(f"\n| {args.articles:,} articles | |\n|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
