"""Telling open pages what a build changed: server-sent events, and the script tag that listens.

Each page served by the preview gets ``<script src="/__byline/reload.js">`` before ``</body>``;
the script opens ``/__byline/events``.  A stream starts with a ``state`` event (the current
version and any build errors, so a page opened while the site is broken shows them at once),
then gets a ``reload`` event after every build that changed something and an ``error`` event
after every build that failed.
"""

from __future__ import annotations

import html
import json
import queue
import re
import threading
from collections.abc import Iterable

from generator.cache import digest_bytes

SCRIPT_PATH = "/__byline/reload.js"
EVENTS_PATH = "/__byline/events"

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_LINK = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)


def site_path(output_path: str) -> str:
    """The URL path a built file is reached by: ``music/x/index.html`` → ``/music/x/``."""
    if output_path == "index.html" or output_path.endswith("/index.html"):
        output_path = output_path[: -len("index.html")]
    return "/" + output_path


def page_signature(page: bytes) -> str:
    """A hash of a page with its stylesheet links left out: equal when only CSS changed."""
    def drop_stylesheets(match: re.Match[bytes]) -> bytes:
        return b"" if b"stylesheet" in match.group(0).lower() else match.group(0)

    return digest_bytes(_LINK.sub(drop_stylesheets, page))[:16]


def inject_script(page: bytes, path: str, version: int) -> bytes:
    """The page with the reload script added before ``</body>`` (only ever as served)."""
    tag = (
        f'<script src="{SCRIPT_PATH}" data-page="{html.escape(path)}" data-version="{version}" '
        f'data-sig="{page_signature(page)}" defer></script>'
    ).encode()
    ends = list(_BODY_END.finditer(page))
    if not ends:  # a fragment or a page without </body>: browsers still run a trailing script
        return page + tag
    at = ends[-1].start()
    return page[:at] + tag + page[at:]


class ReloadHub:
    """The open event streams and the state each new one starts from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: set[queue.SimpleQueue[bytes | None]] = set()
        self._drained = threading.Condition(self._lock)
        self._closed = False
        self.version = 1  # counts builds that changed what pages show
        self.problems: list[str] = []
        # Whether a build has succeeded yet: if not, a failure has no last version to show.
        self.ever_built = False

    def subscribe(self) -> queue.SimpleQueue[bytes | None]:
        """A new stream, primed with the current state; None in it means "close"."""
        stream: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                stream.put(None)
                return stream
            stream.put(_event("state", {"version": self.version, "problems": self.problems,
                                        "built": self.ever_built}))
            self._streams.add(stream)
        return stream

    def unsubscribe(self, stream: queue.SimpleQueue[bytes | None]) -> None:
        """Forget a stream whose connection ended."""
        with self._lock:
            self._streams.discard(stream)
            self._drained.notify_all()

    def built(self, changed: Iterable[str]) -> None:
        """A build succeeded: tell pages which site paths changed (or that errors are gone)."""
        paths = sorted(site_path(p) for p in changed)
        with self._lock:
            self.ever_built = True
            if not paths and not self.problems:
                return  # a save that changed nothing visible: leave pages alone
            self.version += 1
            self.problems = []
            self._send(_event("reload", {"version": self.version, "changed": paths}))

    def failed(self, problems: list[str]) -> None:
        """A build failed: every page shows the problems until the next good build."""
        with self._lock:
            self.problems = list(problems)
            self._send(_event("error", {"version": self.version, "problems": self.problems,
                                        "built": self.ever_built}))

    def close(self, timeout: float = 5.0) -> None:
        """End every stream and wait (briefly) for their connections to let go."""
        with self._lock:
            self._closed = True
            self._send(None)
            self._drained.wait_for(lambda: not self._streams, timeout)

    @property
    def listeners(self) -> int:
        """How many pages are listening."""
        with self._lock:
            return len(self._streams)

    def _send(self, message: bytes | None) -> None:
        for stream in self._streams:
            stream.put(message)


def _event(name: str, data: object) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
