"""A one-line progress bar on stderr for long image runs: done/total and time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24
REDRAW_EVERY = 0.1  # seconds: often enough to look alive, rarely enough to cost nothing


class ProgressBar:
    """Draws ``images  12/300 [###.....]  4%  ETA 0:41`` over itself; silent when off."""

    def __init__(
        self, total: int, enabled: bool | None = None, stream: TextIO | None = None
    ) -> None:
        self.stream = stream or sys.stderr
        # Auto: only a person watching a terminal wants it; logs and CI do not.
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, count: int = 1) -> None:
        """Count finished images and redraw if it has been a moment."""
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self.drawn_at >= REDRAW_EVERY or self.done >= self.total):
            self.drawn_at = now
            self.draw(now)

    def draw(self, now: float) -> None:
        """Write the bar over the previous one."""
        total = max(self.total, 1)
        filled = BAR_WIDTH * self.done // total
        elapsed = now - self.started
        left = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        minutes, seconds = divmod(round(left), 60)
        self.stream.write(
            f"\rimages {self.done:>{len(str(total))}}/{total} "
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {100 * self.done // total:3d}%  "
            f"ETA {minutes}:{seconds:02d} "
        )
        self.stream.flush()

    def close(self) -> None:
        """End the line, so what is printed next starts on a fresh one."""
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()
