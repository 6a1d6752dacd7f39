"""How long site search takes at scale: Pagefind indexing a built 10,000-article site.

    python bench/text/search.py                  # 10,000 articles (the text benchmark's corpus)
    python bench/text/search.py --articles 2000  # quicker

Writes the corpus that ``corpus.py`` makes (same seed and page size as ``run.py``) as a
Byline site under ``bench/.work/search/``, builds it once without search, then times:

- **index, cold**: the search stage of ``byline build`` when no index exists (Pagefind run
  over every shard of about 1,000 stories, the files committed into ``output/pagefind/``),
  median of ``--repeat`` runs;
- **one shard**: the ``pagefind`` binary over one shard's stories, with its CPU time and peak
  memory (``ru_maxrss`` from ``os.wait4``): what an edit costs, and the stage's peak memory;
- **one index of every story**: the same over all stories at once, which is what sharding
  avoids;
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
from generator.search_stage import (  # noqa: E402
    find_indexer,
    forget_search,
    gather_pages,
    shard_count,
    shard_of,
)


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


def pagefind_alone(indexer: Path, output: Path, pages: list[str],
                   scratch: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of one Pagefind run over ``pages``."""
    shutil.rmtree(scratch, ignore_errors=True)
    folder = gather_pages(output, pages, scratch / "pages")
    started = time.perf_counter()
    child = subprocess.Popen([str(indexer), "--site", str(folder), "--output-path",
                              str(scratch / "bundle"), "--silent"])
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    shutil.rmtree(scratch, ignore_errors=True)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"pagefind failed with status {os.waitstatus_to_exitcode(status)}")
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
    stories = sorted(p.relative_to(output).as_posix() for p in output.glob("*/*/index.html")
                     if '"NewsArticle"' in p.read_text(encoding="utf-8"))
    count = shard_count(len(stories))
    shard = [p for p in stories if shard_of(p, count) == 0]
    shard_s, shard_cpu, shard_peak = pagefind_alone(indexer, output, shard,
                                                    args.work / "scratch")
    print(f"  one shard ({len(shard)} stories): {shard_s:.2f} s ({shard_cpu:.2f} s CPU), peak "
          f"{shard_peak / 2**20:.0f} MB", flush=True)
    whole_s, whole_cpu, whole_peak = pagefind_alone(indexer, output, stories,
                                                    args.work / "scratch")
    print(f"  one index of every story: {whole_s:.2f} s ({whole_cpu:.2f} s CPU), peak "
          f"{whole_peak / 2**20:.0f} MB", flush=True)
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
        "shards": count,
        "one_shard": {"stories": len(shard), "wall_s": round(shard_s, 2),
                      "cpu_s": round(shard_cpu, 2), "peak_mb": round(shard_peak / 2**20)},
        "one_index_of_every_story": {"wall_s": round(whole_s, 2), "cpu_s": round(whole_cpu, 2),
                                     "peak_mb": round(whole_peak / 2**20)},
        "index_files": files,
        "index_mb": round(size / 2**20, 1),
        "no_change_rebuild_s": round(unchanged, 2),
        "one_edit_rebuild_s": round(edited, 2),
        "one_edit_index_s": round(edit_index, 2),
    }
    (args.work / "search-results.json").write_text(json.dumps(report, indent=1) + "\n")
    rows = [
        (f"index, cold ({count} shards; median of {args.repeat})",
         f"{report['index_cold_median_s']} s"),
        (f"one shard, Pagefind alone ({len(shard)} stories): CPU; peak memory",
         f"{shard_s:.1f} s ({shard_cpu:.1f} s; {shard_peak / 2**20:.0f} MB)"),
        ("one index of every story instead: CPU; peak memory",
         f"{whole_s:.1f} s ({whole_cpu:.1f} s; {whole_peak / 2**20:.0f} MB)"),
        ("index size", f"{report['index_mb']} MB in {files:,} files"),
        ("rebuild, nothing changed (not re-indexed)", f"{report['no_change_rebuild_s']} s"),
        (f"rebuild after editing one article (one shard re-indexed in "
         f"{report['one_edit_index_s']} s)", f"{report['one_edit_rebuild_s']} s"),
    ]
    print(f"\n| {args.articles:,} articles | |\n|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
