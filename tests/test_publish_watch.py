"""`byline publish --watch`: every save published, as a live blog's writer uses it.

Each test runs the real command in a process of its own, saves files as an editor does, and
reads what it prints and what reached the target folder.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from generator.search_stage import find_indexer

from .conftest import SITE_YAML, article, page
from .outcome import PROBLEM_LINE, run_byline, snapshot
from .test_live import LIVE, URL, live_site

REPO = Path(__file__).resolve().parent.parent
PUBLISHED = re.compile(r"^\d\d:\d\d:\d\d published; watching for the next save")
SHOWN = re.compile(r"^\d\d:\d\d:\d\d shown, nothing sent \(--dry-run\); watching for the next save")
REFUSED = re.compile(r"^\d\d:\d\d:\d\d nothing published: fix the problems above")


class Watching:
    """A running `byline publish --watch`, its lines read on a thread of their own."""

    def __init__(self, site: Path, *args: str, blocked: frozenset[int] = frozenset()) -> None:
        # PYTHONFAULTHANDLER: a command that hangs is ended with SIGABRT and prints where
        # each of its threads was (see stop).
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1",
               "PYTHONPATH": str(REPO)}
        # ``blocked``: signals the command starts with blocked, as a launcher may leave them
        # (a process inherits its parent's signal mask across exec).
        before = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "generator", "publish", "--watch", "--site", str(site),
                 *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_outcome(self, seconds: float = 60) -> list[str]:
        """The lines up to the end of the next publish (published or refused)."""
        ends = time.monotonic() + seconds
        lines: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, ends - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no publish within {seconds} s; it said: {self.said + lines}")
            if line is None:
                pytest.fail(f"the command ended: {self.said + lines}")
            lines.append(line)
            if PUBLISHED.match(line) or REFUSED.match(line) or SHOWN.match(line):
                self.said += lines
                return lines

    def stop(self, how: int = signal.SIGTERM) -> int:
        self.process.send_signal(how)
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            masks = _signal_masks(self.process.pid)  # a signal blocked or ignored everywhere?
            for child in _children(self.process.pid):  # its workers say where they are too
                os.kill(child, signal.SIGABRT)
            time.sleep(1)
            self.process.send_signal(signal.SIGABRT)
            self.process.wait(timeout=30)
            said = [line for line in iter(self.lines.get, None)]
            pytest.fail(f"still running 60 s after the signal ({masks}); it said:\n"
                        + "\n".join(self.said + said))
        self.said += [line for line in iter(self.lines.get, None)]
        return code

    def __enter__(self) -> Watching:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _signal_masks(pid: int) -> str:
    """Each thread's pending, blocked and ignored signals (hexadecimal masks, from /proc)."""
    shown = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            status = (task / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        shown.append(f"thread {task.name}: " + ", ".join(
            f"{key} {fields.get(key, '?').strip()}" for key in ("SigPnd", "ShdPnd", "SigBlk",
                                                               "SigIgn")))
    return "; ".join(shown)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux; none elsewhere)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    found = []
    for task in tasks:
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _site(make_site: Any, www: Path) -> Path:
    site = live_site(make_site, live="true")
    (site / "site.yaml").write_text(SITE_YAML + "deploy:\n  targets:\n    mirror:\n"
                                    f"      kind: dir\n      path: {www}\n", encoding="utf-8")
    (site / "content/articles/other.md").write_text(article("Another story", category="TV"),
                                                    encoding="utf-8")
    return site


def _save_update(site: Path, heading: str, text: str) -> None:
    """Append an update as an editor saves: the whole file written again."""
    source = site / LIVE
    source.write_text(source.read_text("utf-8") + f"\n## {heading}\n\n{text}\n",
                      encoding="utf-8")


def _published(www: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(www).items() if k != ".byline-output"}


def _clean_build(site: Path, into: Path) -> dict[str, bytes]:
    """What a build from nothing makes of the site as it is now (of a copy without its
    cache: the watch holds the site's lock while it runs)."""
    copy = into.with_name(into.name + "-site")
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".byline-cache", "output"))
    run = run_byline(["build", "--site", str(copy), "--output", str(into), "--quiet"])
    assert run.code == 0, run.err
    return _published(into)


def test_each_save_is_published_and_the_target_matches_a_clean_build(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        first = watching.next_outcome()
        assert "mirror" in "\n".join(first) and PUBLISHED.match(first[-1])
        _save_update(site, "12:40 am — Lights out", "Good night from the Roxy.")
        second = watching.next_outcome()
        assert PUBLISHED.match(second[-1]), second
        assert any(line.startswith("Built ") for line in second)
        shown = page(www.parent, URL, output=www.name)
        assert shown.select("article.live-update")[0].h2.get_text(" ", strip=True) \
            .endswith("Lights out")
        assert "Good night from the Roxy." in shown.get_text()
        if find_indexer() is not None:  # and readers' search finds it
            assert any(b"Good night from the Roxy." in gzip.decompress(f.read_bytes())
                       for f in www.glob("pagefind/*/fragment/*"))
        # A second edit in the same session: a new story, which lists and feeds show.
        (site / "content/articles/third.md").write_text(
            article("A third story", "2026-11-20 08:00", category="TV"), encoding="utf-8")
        assert PUBLISHED.match(watching.next_outcome()[-1])
        assert (www / "tv/third/index.html").is_file()
        assert watching.stop() == 0
    assert _published(www) == _clean_build(site, tmp_path / "clean")
    assert _published(site / "output") == _published(www)


def test_a_page_emptied_while_watching_is_made_again_at_the_next_save(make_site, tmp_path):
    """A red-team pass: each save's commit came after the hand change and hid it, so a page
    emptied by a sync tool during a live night was never made again, and went out."""
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        watching.next_outcome()
        emptied = site / "output/tv/other/index.html"
        emptied.write_bytes(b"")
        _save_update(site, "12:40 am — Lights out", "Good night from the Roxy.")
        assert PUBLISHED.match(watching.next_outcome()[-1])
        assert watching.stop() == 0
    assert _published(www) == _clean_build(site, tmp_path / "clean")
    assert _published(site / "output") == _published(www)


def test_a_story_marked_draft_while_watching_is_taken_down_at_that_save(make_site, tmp_path):
    """A review: once drafts were checked for their addresses, a save marking a published
    story draft: true was patched in, and its rewrite went out under a Draft banner."""
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        watching.next_outcome()
        assert (www / "tv/other/index.html").is_file()
        (site / "content/articles/other.md").write_text(
            article("Another story", category="TV", draft="true", body="Rewriting this."),
            encoding="utf-8")
        assert PUBLISHED.match(watching.next_outcome()[-1])
        assert watching.stop() == 0
    assert not (www / "tv/other").exists()
    assert _published(www) == _clean_build(site, tmp_path / "clean")


def test_a_save_with_errors_publishes_nothing_and_the_next_save_does(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        watching.next_outcome()
        before = snapshot(www)
        source = site / LIVE
        good = source.read_text("utf-8")
        source.write_text(good.replace("live: true", "live: {order: sideways}"),
                          encoding="utf-8")
        refused = watching.next_outcome()
        assert REFUSED.match(refused[-1]), refused
        problems = [line for line in refused if ": error: " in line]
        assert problems == [f"{LIVE}:6: error: 'live.order' must be newest or oldest, not "
                            "'sideways': newest first is the default; order: oldest shows the "
                            "updates in the order they happened",
                            "byline: error: build failed with 1 error"]
        assert all(PROBLEM_LINE.match(line) for line in refused if "error" in line)
        assert snapshot(www) == before  # nothing reached readers
        source.write_text(good, encoding="utf-8")
        _save_update(site, "12:40 am — Lights out", "Fixed and out.")
        assert PUBLISHED.match(watching.next_outcome()[-1])
        assert "Fixed and out." in (www / "music/awards/index.html").read_text("utf-8")
        assert watching.stop() == 0
    assert not any("Traceback" in line for line in watching.said)


def test_stopping_leaves_the_record_the_next_publish_plans_from(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        watching.next_outcome()
        _save_update(site, "12:40 am — Lights out", "Good night.")
        watching.next_outcome()
        code = watching.stop(signal.SIGINT)
        assert code == 0, watching.said
    # The signal comes right after the line saying the save was published: the publish may
    # not have returned yet, and then the watch says it lets it finish.
    assert ("Stopping." in watching.said
            or "Stopping: the publish under way finishes first." in watching.said), watching.said
    assert re.fullmatch(r"\d\d:\d\d:\d\d stopped watching: saves are no longer published",
                        watching.said[-1]), watching.said
    run = run_byline(["publish", "--site", str(site), "--verbose"])
    assert run.code == 0, run.err
    assert "planned from the last build's record" in run.out
    assert "0 files written" in run.out and "nothing to publish" in run.out


def test_ctrl_c_stops_it_even_if_it_was_started_with_the_signal_blocked(make_site, tmp_path):
    site = _site(make_site, tmp_path / "www")
    stopping = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    with Watching(site, blocked=stopping) as watching:
        watching.next_outcome()
        code = watching.stop(signal.SIGINT)
        assert code == 0, watching.said
    assert re.fullmatch(r"\d\d:\d\d:\d\d stopped watching: saves are no longer published",
                        watching.said[-1]), watching.said


@pytest.mark.parametrize("after", [0.05, 0.2, 0.5])
def test_killed_mid_session_the_next_publish_heals(make_site, tmp_path, after):
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        watching.next_outcome()
        _save_update(site, "12:40 am — Lights out", "Good night.")
        time.sleep(after)  # before, during or after the publish of the save
        watching.process.kill()
        watching.process.wait()
    _save_update(site, "12:50 am — Really out", "The last one.")
    run = run_byline(["publish", "--site", str(site), "--quiet"])
    assert run.code == 0, run.err
    assert _published(www) == _clean_build(site, tmp_path / "clean")


def test_a_second_command_is_told_at_once_that_the_watch_holds_the_site(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site) as watching:
        watching.next_outcome()
        for command in ("publish", "build", "check"):
            started = time.monotonic()
            run = run_byline([command, "--site", str(site)])  # the default --wait: 600 s
            assert run.code == 1
            assert run.err == (
                f"byline: error: `byline publish --watch` is running for this site (pid "
                f"{watching.process.pid}) and publishes every save already: stop it (Ctrl-C "
                "where it runs) before you build, check or publish from here\n"), run.err
            assert "Waiting" not in run.out
            assert time.monotonic() - started < 60  # not the 600 s of --wait
        assert watching.stop() == 0


def test_a_dry_run_watch_shows_each_save_and_sends_nothing(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    with Watching(site, "--dry-run") as watching:
        first = watching.next_outcome()
        assert any("upload music/awards/index.html" in line for line in first), first
        _save_update(site, "12:40 am — Lights out", "Good night.")
        shown = watching.next_outcome()
        assert SHOWN.match(shown[-1]), shown
        assert any("upload music/awards/index.html" in line for line in shown), shown
        assert watching.stop() == 0
    assert not www.exists() or not any(www.iterdir())


def test_warnings_show_once_not_at_every_save(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    hero = "has no hero image"
    # A file put in output/ by hand: its warning too shows once (a docs audit: it came at
    # every save).
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    (site / "output/notes.txt").write_text("put here by hand\n", encoding="utf-8")
    with Watching(site) as watching:
        first = watching.next_outcome()
        warned = [line for line in first if ": warning: " in line]
        assert len([line for line in warned if hero in line]) == 2, first
        assert len([line for line in first if "did not write" in line]) == 1, first
        _save_update(site, "12:40 am — Lights out", "Good night.")
        second = watching.next_outcome()
        assert not [line for line in second if ": warning: " in line], second
        assert not [line for line in second if "did not write" in line], second
        assert f"Check: 0 errors, {len(warned)} warnings ({len(warned)} shown at an earlier " \
               "save, not repeated)" in second
        # A new problem shows at once, and only it.
        (site / "content/articles/third.md").write_text(
            article("A third story", "2026-11-20 08:00", category="TV"), encoding="utf-8")
        third = watching.next_outcome()
        new = [line for line in third if ": warning: " in line]
        assert new and all(line.startswith("content/articles/third.md:2: warning: ")
                           for line in new), third
        assert any(hero in line for line in new)
        # A save that fails to build shows its error; the one that mends it repeats nothing
        # (found by a red-team pass: it printed every warning of the site again).
        source = site / LIVE
        good = source.read_text("utf-8")
        _save_update(site, "12:05 am — Out of order", "Oops.")
        failed = watching.next_outcome()
        assert REFUSED.match(failed[-1]) and any(": error: " in line for line in failed), failed
        source.write_text(good.replace("Good night.", "Good night, all."), encoding="utf-8")
        mended = watching.next_outcome()
        assert PUBLISHED.match(mended[-1]), mended
        assert not [line for line in mended if ": warning: " in line], mended
        assert watching.stop() == 0


def test_a_story_coming_due_is_published_without_a_save(make_site, tmp_path):
    www = tmp_path / "www"
    site = _site(make_site, www)
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    (site / "content/articles/soon.md").write_text(
        article("Embargoed until the minute", due.strftime("%Y-%m-%d %H:%M:%S"),
                category="TV"), encoding="utf-8")
    with Watching(site) as watching:
        first = watching.next_outcome()
        assert PUBLISHED.match(first[-1]) and not (www / "tv/soon/index.html").exists()
        second = watching.next_outcome(seconds=90)
        assert datetime.now(UTC) >= due
        assert any("a scheduled story or a live blog's start or end is due" in line
                   for line in second), second
        assert PUBLISHED.match(second[-1]), second
        assert "Embargoed until the minute" in (www / "tv/soon/index.html").read_text("utf-8")
        assert watching.stop() == 0
    assert _published(www) == _clean_build(site, tmp_path / "clean")


def test_site_yaml_edited_while_watching_is_read_again(make_site, tmp_path):
    www, moved = tmp_path / "www", tmp_path / "www2"
    site = _site(make_site, www)
    settings = (site / "site.yaml").read_text("utf-8")
    with Watching(site) as watching:
        watching.next_outcome()
        # A new base URL: the pages link under /news/, and the check checks against it.
        (site / "site.yaml").write_text(settings.replace(
            "https://news.example/", "https://news.example/news/"), encoding="utf-8")
        assert PUBLISHED.match(watching.next_outcome()[-1]), watching.said
        assert _published(www) == _clean_build(site, tmp_path / "clean")
        # A new target folder: the next publish goes there.
        (site / "site.yaml").write_text(settings.replace(str(www), str(moved)),
                                        encoding="utf-8")
        said = watching.next_outcome()
        assert PUBLISHED.match(said[-1]) and any(str(moved) in line for line in said), said
        assert watching.stop() == 0
    assert _published(moved) == _clean_build(site, tmp_path / "clean2")
