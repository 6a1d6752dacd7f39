"""``byline publish --watch``: publish again after every save, for live coverage.

An awards night's live blog gains an update every few minutes.  A publish in a new process
first loads the whole site (10,000 stories: seconds) to learn that one page changed.  A
watching publish keeps what it loaded between saves, as the preview does, so each save
costs what it changed: the update is patched into the built site (see incremental.py),
only the pages rewritten are checked, and only the files that changed are sent.

    watcher (watchdog threads) ──saved files──▶ Rebuilder (one thread, debounced, serial)
                                                    │ publish(saved): build, check, send
                                                    ▼
                                           the deploy target

A save with errors publishes nothing and says why, one line each; the next save tries
again.  What the clock changes is published too, with no save: a scheduled story coming
due, a live blog's coverage starting or ending, a story leaving the news sitemap.
Ctrl-C (or a closed terminal) lets a publish under way finish, then stops.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from generator.cli.console import Console
from generator.cli.failures import BUG_STATUS, report_failure
from generator.inputfiles import MANIFEST_PATH
from generator.serve.rebuild import Rebuilder, settle_heap, stop_on_termination
from generator.serve.watcher import SourceWatcher
from generator.theme import builtin_themes_dir

Publish = Callable[[frozenset[str] | None], int]


def publish_on_save(site: Path, console: Console, publish: Publish, *,
                    due: Callable[[], datetime | None] = lambda: None,
                    dry_run: bool = False) -> int:
    """Run ``publish`` now, then after every save under ``site`` (with the files saved, or
    None when a folder changed), and when the clock reaches ``due()`` (when what the last
    publish sent goes stale by itself), until Ctrl-C; 0, or 130 if stopped during the
    first."""
    stop_on_termination()
    done = "shown, nothing sent (--dry-run)" if dry_run else "published"
    finished: list[int] = []  # each publish's exit status, once it has ended
    under_way = threading.Event()  # set while a publish runs, not while memory is tidied

    # Each publish records the addresses it sent in the site's manifest, which is watched
    # (a colleague's arrives by git pull): the manifest as the last publish left it is not
    # a save to publish again.
    manifest = site / MANIFEST_PATH
    recorded: list[tuple[int, int, int] | None] = [_identity(manifest)]

    def publish_and_tidy(saved: frozenset[str] | None) -> None:
        if saved and recorded[0] == _identity(manifest):  # (empty: the clock's publish)
            saved = frozenset(path for path in saved if Path(path) != manifest)
            if not saved:
                return
        under_way.set()
        try:
            finished.append(_publish_once(publish, saved, console.verbose))
            # Counted before it is said: a Ctrl-C right after the line is a stop after a
            # publish (0), not during the first (130).
            _say_outcome(finished[-1], console, done)
        finally:
            recorded[0] = _identity(manifest)
            under_way.clear()
            settle_heap()  # after the publish is out: tidying memory can follow

    def say_due() -> None:
        console.say(f"{_now()} a scheduled story or a live blog's start or end is due, or a "
                    "story leaves the news sitemap: publishing")

    rebuilder = Rebuilder(publish_and_tidy, due=due, on_due=say_due)
    watcher = SourceWatcher(site, rebuilder.request, extra=[builtin_themes_dir()])
    # Watching starts first, so a save during the first publish is published after it.
    watcher.start()
    try:
        rebuilder.build_now()  # the first publish, here: Ctrl-C stops it as it would any
        rebuilder.start()  # the next publishes run on its thread, each to its end
        while True:
            time.sleep(60)  # until Ctrl-C
    except KeyboardInterrupt:
        console.say("\nStopping" + (": the publish under way finishes first."
                                    if under_way.is_set() else "."))
        watcher.stop()
        rebuilder.stop()  # the publish under way ends, saying it was published
        # ...and its line says "watching": the last line says what is true now.
        console.say(f"{_now()} stopped watching: saves are no longer published")
        return 0 if finished else 130
    finally:
        watcher.stop()
        rebuilder.stop()


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What tells a file written since: its inode (a new one at each atomic write), size and
    time; None if there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _publish_once(publish: Publish, saved: frozenset[str] | None, verbose: bool) -> int:
    """One publish and its exit status; a failure is reported in one line, and the watch
    goes on."""
    try:
        return publish(saved)
    except Exception as error:
        status = report_failure(error, verbose=verbose)
        if status == BUG_STATUS and os.environ.get("BYLINE_TRACEBACK"):
            traceback.print_exc()
        return status


def _say_outcome(status: int, console: Console, done: str) -> None:
    """The line that ends each publish: what happened, and that the watch goes on."""
    if status == 0:
        console.say(f"{_now()} {done}; watching for the next save (Ctrl-C to stop)")
    else:
        console.say(f"{_now()} nothing published: fix the problems above and save again")


def _now() -> str:
    """The time of day, for the writer to match a line with a save."""
    return datetime.now().strftime("%H:%M:%S")
