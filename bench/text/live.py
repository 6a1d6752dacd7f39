"""Fast re-publish of a live blog: an update saved → published to a `dir` target.

On a copy of the text benchmark's corpus (10,000 articles by default) with one live blog
added, publishes once (cold, untimed), then for each of ``--saves`` saves appends one update to
the live blog and times ``byline publish`` from the save to its exit, checking the update is
in the published folder.  Prints each save's wall time, the build and check times Byline
reports, and how many published files changed; writes WORK/live/live-results.json.

    python bench/text/live.py                   # 10,000 articles, 5 saves
    python bench/text/live.py --articles 1000 --saves 3
    python bench/text/live.py --reuse           # the site, caches and target of the last run
    python bench/text/live.py --watch           # each save published by `byline publish --watch`

With ``--watch``, one ``byline publish --watch`` runs throughout, and a save's time runs from
the write to the line saying it was published (the files are in the target by then); its CPU
is the watching process's, read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (the benchmark's own corpus generator, beside this file)

LIVE = "content/articles/live-awards-night.md"
LIVE_URL = "awards-night-live"
HEAD = """---
title: "Awards night, live"
date: 2024-12-31 18:00
category: Music
tags: [Awards]
slug: awards-night-live
live:
  start: 2024-12-31 18:00
---

Every winner as it happens.
"""


def update(n: int) -> str:
    """The ``n``-th update: one every seven minutes from 18:05, crossing midnight."""
    minutes = 18 * 60 + 5 + 7 * n
    hour, minute = divmod(minutes % (24 * 60), 60)
    return f"\n## {hour:02d}:{minute:02d} — Update number {n}\n\nWhat happened at update {n}.\n"


def prepare(work: Path, articles: int, seed: int) -> Path:
    """A Byline copy of the corpus with the live blog and a `dir` deploy target."""
    site = work / "live" / "site"
    if site.exists():
        shutil.rmtree(site)
    source = work / "byline" / "site" / "content" / "articles"
    stamp = work / "corpus.json"
    reuse = source.is_dir() and stamp.is_file() and \
        json.loads(stamp.read_text()).get("articles") == articles
    (site / "content" / "articles").mkdir(parents=True)
    if reuse:
        for path in source.iterdir():
            os.link(path, site / "content" / "articles" / path.name)  # read only: links do
    else:
        for a in corpus.generate(articles, seed):
            (site / "content" / "articles" / f"{a.slug}.md").write_text(
                corpus.byline_source(a), encoding="utf-8")
    (site / "site.yaml").write_text(
        'title: "Bench News"\nbase_url: https://bench.example/\ntimezone: UTC\nper_page: 10\n'
        "deploy:\n  targets:\n    mirror:\n      kind: dir\n"
        f"      path: {work / 'live' / 'published'}\n", encoding="utf-8")
    (site / LIVE).write_text(HEAD + "".join(update(n) for n in range(10)), encoding="utf-8")
    return site


def publish(site: Path) -> tuple[float, float, str]:
    """Wall and CPU (user + system, its processes' and their children's) seconds of one
    ``byline publish``, and what it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "generator", "publish", "--site", str(site),
                          "--verbose"], capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if run.returncode != 0:
        raise SystemExit(f"publish failed:\n{run.stdout}\n{run.stderr}")
    return seconds, cpu, run.stdout + run.stderr


class Watching:
    """A running ``byline publish --watch`` of ``site``, read line by line."""

    def __init__(self, site: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "publish", "--watch", "--site", str(site),
             "--verbose"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.next_publish()  # the first, on start

    def next_publish(self) -> str:
        """What the process printed up to the end of its next publish."""
        assert self.process.stdout is not None
        lines = []
        while line := self.process.stdout.readline():
            lines.append(line)
            if " published; watching" in line:
                return "".join(lines)
            if "nothing published" in line:
                raise SystemExit("publish failed:\n" + "".join(lines))
        raise SystemExit("byline publish --watch ended:\n" + "".join(lines))

    def cpu(self) -> float:
        """User and system seconds of the process and the children it waited for."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return sum(int(n) for n in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--work", type=Path, default=REPO / "bench" / ".work")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the last run's site, caches and published folder")
    parser.add_argument("--watch", action="store_true",
                        help="publish each save with one `byline publish --watch`")
    args = parser.parse_args()
    published = args.work / "live" / "published"
    site = args.work / "live" / "site"
    if args.reuse and site.is_dir():
        (site / LIVE).write_text(HEAD + "".join(update(n) for n in range(10)), encoding="utf-8")
    else:
        site = prepare(args.work, args.articles, args.seed)
        shutil.rmtree(published, ignore_errors=True)
        published.mkdir(parents=True)
    cold, _, _ = publish(site)
    print(f"first publish: {cold:.1f} s")
    publish(site)  # a second one settles the caches Byline fills after a first build
    watching = Watching(site) if args.watch else None
    runs = []
    for n in range(10, 10 + args.saves):
        mark = time.time_ns()
        if watching:
            used = watching.cpu()
        started = time.perf_counter()
        with (site / LIVE).open("a", encoding="utf-8") as f:
            f.write(update(n))
        if watching:
            output = watching.next_publish()
            seconds = time.perf_counter() - started
            time.sleep(1)  # its memory settled after the line: not part of the publish
            cpu = watching.cpu() - used
        else:
            seconds, cpu, output = publish(site)
        page = published / "music" / LIVE_URL / "index.html"
        assert f"What happened at update {n}." in page.read_text("utf-8"), "update not published"
        changed = sorted(str(p.relative_to(published)) for p in published.rglob("*")
                         if p.is_file() and p.stat().st_mtime_ns >= mark)
        built = re.search(r"warnings? in ([\d.]+) s — ", output)
        checked = re.search(r"Checked .* in ([\d.]+) s", output)
        runs.append({"output": output[-4000:],
                     "seconds": seconds, "cpu_seconds": cpu,
                     "build": float(built.group(1)) if built else None,
                     "check": float(checked.group(1)) if checked else None,
                     "published_changed": len(changed), "changed": changed[:40]})
        print(f"save {n}: {seconds:.2f} s, {cpu:.2f} s CPU (build {runs[-1]['build']} s, check "
              f"{runs[-1]['check']} s), {len(changed)} published files changed")
    if watching:
        watching.stop()
    median = statistics.median(r["seconds"] for r in runs)
    cpu_median = statistics.median(r["cpu_seconds"] for r in runs)
    command = "byline publish --watch" if args.watch else "byline publish"
    print(f"median save → published: {median:.2f} s ({cpu_median:.2f} s CPU) over {len(runs)} "
          f"saves ({args.articles} articles, {command}; target under 2 s: "
          f"{'met' if median < 2 else 'not met'})")
    (args.work / "live" / "live-results.json").write_text(json.dumps(
        {"articles": args.articles, "watch": args.watch, "median_seconds": median,
         "median_cpu_seconds": cpu_median, "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
