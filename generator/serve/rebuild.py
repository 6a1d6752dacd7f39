"""Running builds one at a time on a background thread, one build per burst of file events
(for the preview and ``byline publish --watch``).

Editors save in odd ways (write a temporary file and rename it, write several times, delete
and recreate), each a handful of events within a few milliseconds.  A build starts only once
no event has arrived for ``quiet`` seconds, so one save is one build.  Events that arrive
during a build cause exactly one more build after it.  Each build is told which files the
events named since the last one (or None when some event could not say, such as a folder
moved), so it can patch the last build instead of running every stage.

The clock is a change too: when what the last build made goes stale by itself (a scheduled
story comes due, a live blog starts or ends, a story leaves the news sitemap), a build runs
as for a save of nothing, so the preview and ``publish --watch`` follow it alike.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

QUIET_SECONDS = 0.06
# A stream of events that never pauses (a big git checkout) still gets built now and then.
LONGEST_WAIT_SECONDS = 1.0
# How long the thread sleeps at most while a moment is due: the wall clock can be set.
CLOCK_POLL_SECONDS = 5.0


class Rebuilder:
    """Coalesces change notices and runs ``build`` serially, counting the builds run."""

    def __init__(self, build: Callable[[frozenset[str] | None], None],
                 quiet: float = QUIET_SECONDS,
                 longest: float = LONGEST_WAIT_SECONDS, *,
                 due: Callable[[], datetime | None] = lambda: None,
                 on_due: Callable[[], None] = lambda: None) -> None:
        """``due()``: when the last build's output goes stale by itself (asked after each
        build); ``on_due()`` is called as that moment's build is asked for."""
        self._build = build
        self._due = due
        self._on_due = on_due
        self._asked: datetime | None = None  # the moment last built for, once each
        self._quiet = quiet
        self._longest = longest
        self._cond = threading.Condition()
        self._first_event = 0.0
        self._last_event = 0.0
        self._pending = False
        self._changed: set[str] | None = set()
        self._building = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="byline-rebuild", daemon=True)
        self.builds = 0

    def start(self) -> None:
        """Start the build thread."""
        self._thread.start()

    def stop(self) -> None:
        """Finish the build under way, if any, and end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join()

    def request(self, paths: Iterable[str] | None = None) -> None:
        """Files at ``paths`` (None: somewhere) changed: build soon (from the watcher's thread)."""
        now = time.monotonic()
        with self._cond:
            if not self._pending:
                self._first_event = now
            if paths is None or self._changed is None:
                self._changed = None
            else:
                self._changed.update(paths)
            self._pending = True
            self._last_event = now
            self._cond.notify_all()

    def build_now(self) -> None:
        """Build on the calling thread (the first build, before the thread starts)."""
        with self._cond:
            self._building = True
        self._build_counted(None)

    def wait(self, after: int, timeout: float) -> int:
        """Wait until more than ``after`` builds ran and none is due; return the count."""
        with self._cond:
            done = self._cond.wait_for(
                lambda: self.builds > after and not self._pending and not self._building,
                timeout)
            if not done:
                raise TimeoutError(f"no build finished within {timeout} s")
            return self.builds

    def _wait_for_change(self) -> None:
        """Sleep until an event, a stop or the due moment, which is asked for like a save of
        nothing (once per moment, even if its build fails: else it would be built again and
        again)."""
        while not (self._pending or self._stopping):
            when = self._due()
            if when is None or when == self._asked:
                self._cond.wait()
                continue
            left = (when - datetime.now(UTC)).total_seconds()
            if left > 0:
                self._cond.wait(min(left + 0.01, CLOCK_POLL_SECONDS))
                continue
            self._asked = when
            self._on_due()
            self._first_event = self._last_event = time.monotonic() - self._quiet
            self._pending = True

    def _run(self) -> None:
        while True:
            with self._cond:
                self._wait_for_change()
                if self._stopping:
                    return
                while not self._stopping:
                    now = time.monotonic()
                    quiet_left = self._last_event + self._quiet - now
                    patience_left = self._first_event + self._longest - now
                    if quiet_left <= 0 or patience_left <= 0:
                        break
                    self._cond.wait(min(quiet_left, patience_left))
                if self._stopping:
                    return
                self._pending = False
                self._building = True
                changed = None if self._changed is None else frozenset(self._changed)
                self._changed = set()
            self._build_counted(changed)

    def _build_counted(self, changed: frozenset[str] | None) -> None:
        try:
            self._build(changed)
        finally:
            with self._cond:
                self._building = False
                self.builds += 1
                self._cond.notify_all()


def settle_heap() -> None:
    """Collect this build's garbage, then take what is left out of future collections.

    The preview and ``byline publish --watch`` hold a whole site in memory between saves
    (10,000 articles are millions of objects), and each full collection walked all of it:
    about a third of a rebuild's time.
    Frozen objects are still freed when unreferenced; only cycles among them would wait,
    and the site model has none (the build's cyclic garbage, such as its template
    environment, is collected just before).
    """
    gc.collect()
    gc.freeze()


def stop_on_termination() -> None:
    """Let a closed terminal or a process manager stop a watching command as cleanly as Ctrl-C.

    Called on the main thread before any other starts: the signals that stop the command are
    also unblocked there, for it and every thread it starts.  A process inherits its
    parent's blocked signals across exec (a launcher that blocked SIGINT while it started
    us, say), and a signal every thread blocks is never delivered: Ctrl-C would do nothing."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return
    stopping = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name)]
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)
