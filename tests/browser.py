"""Debian's Chromium under Playwright, as every browser test starts it (never a downloaded one)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No network but loopback here: without these flags Chromium keeps calling home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def require_chromium(*also: Path) -> None:
    """Skip without Chromium (and the files in ``also``) on a developer's machine; fail in CI."""
    missing = [str(p) for p in (CHROMIUM, *also) if not p.exists()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests; missing {missing} (see .ci/run)")
        pytest.skip(f"missing {missing}: apt install chromium (npm install --ignore-scripts "
                    "axe-core for the audit); set CI to make this a failure")


@contextlib.contextmanager
def launched_chromium() -> Iterator[object]:
    """A headless Chromium for one test module."""
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1, as any static host serves it: no server logic."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
