"""Crash tests: a build killed with kill -9 at any moment is healed by the next one.

Like SQLite's power-loss tests, in the small: a 500-article site is rebuilt after an edit that
changes every page, the build is killed at a random moment (half of them while it is moving
files into output/), the inputs are restored exactly as the last good build saw them (bytes and
modification times, the nastiest case for an up-to-date check), and the next build must leave
output/ identical to a clean build, with no temporary file and no worker process left over.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.ownership import MARKER_NAME

from .conftest import REPO, SITE_YAML, article, write_files
from .outcome import snapshot

pytestmark = pytest.mark.slow

ARTICLES = 500
KILLS = 20
SEED = 20261201
TAGS = ["Pop", "Drama", "Awards", "Tour", "Premiere", "Reality", "Streaming", "Festival"]


def corpus() -> dict[str, str]:
    files = {"site.yaml": SITE_YAML.replace("per_page: 2", "per_page: 20")}
    for n in range(ARTICLES):
        tags = f"[{TAGS[n % 8]}, {TAGS[(n * 3) % 8]}]"
        files[f"content/articles/story-{n:03}.md"] = article(
            title=f"Story number {n}", date=f"2025-{1 + n % 12:02}-{1 + n % 28:02} 10:00",
            category="Music" if n % 2 else "TV", tags=tags,
            body=f"Paragraph one of story {n}.\n\nParagraph *two*, with [a link](https://x.example/).")
    return files


def start_build(site: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site),
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)


def finish(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


def children_of(pid: int) -> list[tuple[int, str]]:
    """The processes ``pid`` started, each with its start time: with 32,768 process ids and
    a suite starting processes on every core, an id can be another process's a second later."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append((int(entry.name), fields[19]))
    return found


def alive(process: tuple[int, str]) -> bool:
    """Whether the process ``children_of`` found is still running (not the same id reused)."""
    pid, started = process
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] not in ("Z", "X")


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return f"process {pid}, ended since"


def marker_dirty(output: Path) -> bool:
    try:
        return (output / MARKER_NAME).read_bytes().startswith(b"byline-output 1 dirty")
    except OSError:
        return False


def differences(after: dict[str, bytes], clean: dict[str, bytes]) -> str:
    """How the healed output differs from a clean build's: files, and the marker's entries."""
    def listed(files: dict[str, bytes]) -> set[str]:
        return set(files.get(MARKER_NAME, b"").decode("utf-8", "replace").splitlines()[1:])

    said = [f"{what}: {sorted(paths)[:10]}" for what, paths in (
        ("extra files", after.keys() - clean.keys()),
        ("missing files", clean.keys() - after.keys()),
        ("files with other bytes", {p for p in after.keys() & clean.keys() - {MARKER_NAME}
                                    if after[p] != clean[p]}),
        ("the marker also lists", listed(after) - listed(clean)),
        ("the marker no longer lists", listed(clean) - listed(after))) if paths]
    header = after.get(MARKER_NAME, b"").split(b"\n", 1)[0].decode("utf-8", "replace")
    return "; ".join(said) + f"; marker header {header!r}"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc for workers")
def test_kill_9_at_random_moments_then_restored_inputs_build_like_a_clean_build(tmp_path):
    site = write_files(tmp_path / "site", corpus())
    finish(start_build(site))
    clean = snapshot(site / "output")
    config = site / "site.yaml"
    good_text, good_stat = config.read_bytes(), config.stat()
    story = site / "content/articles/story-007.md"
    good_story, story_stat = story.read_bytes(), story.stat()

    def edit() -> None:  # every page shows the site's title: every page changes
        config.write_bytes(good_text.replace(b"The Test Times", b"The Late Edition"))
        story.write_bytes(good_story.replace(b"Story number 7", b"Story number seven"))

    def restore() -> None:
        config.write_bytes(good_text)
        os.utime(config, ns=(good_stat.st_atime_ns, good_stat.st_mtime_ns))
        story.write_bytes(good_story)
        os.utime(story, ns=(story_stat.st_atime_ns, story_stat.st_mtime_ns))

    edit()
    started = time.monotonic()
    finish(start_build(site))
    duration = time.monotonic() - started
    restore()
    finish(start_build(site))
    assert snapshot(site / "output") == clean

    rng = random.Random(SEED)
    killed_in_commit = 0
    for round_ in range(KILLS):
        edit()
        process = start_build(site)
        launched = time.monotonic()
        if round_ % 2:  # while files move into output/
            deadline = time.monotonic() + duration * 3
            while not marker_dirty(site / "output") and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.03))
            killed_in_commit += marker_dirty(site / "output")
        else:
            time.sleep(rng.uniform(0, duration))
        moment = (f"round {round_} (seed {SEED}): killed {time.monotonic() - launched:.3f} s "
                  f"into a {duration:.3f} s build, "
                  f"{'after' if process.poll() is not None else 'before'} it ended, "
                  f"marker {'dirty' if marker_dirty(site / 'output') else 'clean'}")
        workers = children_of(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        gone_by = time.monotonic() + 1.0  # a second for its workers to notice and go
        while any(alive(worker) for worker in workers) and time.monotonic() < gone_by:
            time.sleep(0.02)
        left = [_command(pid) for pid, started in workers if alive((pid, started))]
        assert left == [], f"workers outlived their build: {left}"
        restore()
        finish(start_build(site))
        after = snapshot(site / "output")
        assert after == clean, f"{moment}; then {differences(after, clean)}"
    assert killed_in_commit >= KILLS // 4, "too few kills landed while files were moving"


def assert_none_outlive(process: subprocess.Popen[bytes], children: list[tuple[int, str]],
                        ) -> None:
    """Kill ``process`` with kill -9: none of ``children`` may still run ten seconds later."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    ends = time.monotonic() + 10
    while any(alive(child) for child in children) and time.monotonic() < ends:
        time.sleep(0.05)
    assert [_command(pid) for pid, started in children if alive((pid, started))] == []


# A build whose up-to-date check never ends: its key child (freshness.py, ``key_and_presence``)
# computes the key of the inputs, here slowed down to a minute.
_SLOW_CHECK = """
import sys, time
import generator.freshness
from generator.cli import main

def slow_key(site, choices):
    print("checking", flush=True)
    time.sleep(60)
    return ""

generator.freshness.build_inputs_key = slow_key
raise SystemExit(main(["build", "--site", sys.argv[1], "--quiet"]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check forks on Linux")
def test_a_build_killed_during_its_up_to_date_check_leaves_no_child(tmp_path):
    site = write_files(tmp_path / "site", {**corpus(), "content/articles/story-007.md": article(
        "Story number 7")})
    finish(start_build(site))
    process = subprocess.Popen([sys.executable, "-c", _SLOW_CHECK, str(site)],
                               stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout is not None
    assert process.stdout.readline() == b"checking\n"  # the child: the parent prints nothing
    children = children_of(process.pid)
    assert children, "the check ran in the build's own process"
    assert_none_outlive(process, children)


# A Pagefind that indexes for a minute, standing in for a big site's (found on the PATH).
_SLOW_INDEXER = """#!/bin/sh
echo indexing > "$(dirname "$0")/started"
exec sleep 60
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ending with the build: Linux")
def test_a_build_killed_while_indexing_for_search_leaves_no_indexer_running(tmp_path):
    site = write_files(tmp_path / "site", {**corpus(), "content/articles/story-007.md": article(
        "Story number 7")})
    tools = write_files(tmp_path / "tools", {"pagefind": _SLOW_INDEXER})
    (tools / "pagefind").chmod(0o755)
    # Only the PATH's Pagefind: the packages' binaries are hidden behind empty modules.
    hidden = write_files(tmp_path / "hidden", {"pagefind_bin/__init__.py": "",
                                               "pagefind_bin_extended/__init__.py": ""})
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": f"{REPO}{os.pathsep}{hidden}"}
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site),
                                "--quiet"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    ends = time.monotonic() + 60
    while not (tools / "started").exists() and process.poll() is None:
        assert time.monotonic() < ends, "the build never started indexing"
        time.sleep(0.02)
    assert process.poll() is None, "the build ended without indexing"
    children = children_of(process.pid)
    assert any(_command(pid).startswith("sleep 60") for pid, _ in children)  # the indexer
    assert_none_outlive(process, children)
