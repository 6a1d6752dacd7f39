"""The preview's HTTP side: files from the built site, the reload script and its event stream.

Only files inside the preview folder are ever served: the URL path is decoded, any ``..``
segment is refused, and the file it names is resolved (following symlinks) and must still be
inside the folder.
"""

from __future__ import annotations

import contextlib
import errno
import queue
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from generator.mediatypes import content_type
from generator.serve.client import RELOAD_JS
from generator.serve.reload import EVENTS_PATH, SCRIPT_PATH, ReloadHub, inject_script, site_path

# An open page with nothing to report still gets a comment now and then, so a closed tab is
# noticed (the write fails) and its thread ends.
_KEEPALIVE_SECONDS = 15.0
_PORT_TRIES = 20

_FALLBACK_404 = (
    b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>"
    b"</head><body><h1>Not found</h1><p>No page at this address in the preview.</p></body></html>"
)


class BadPath(ValueError):
    """A request path that can never name a file of the site."""


@dataclass(frozen=True, slots=True)
class Redirect:
    """The path names a folder: send the browser to it with a trailing slash."""

    location: str


def locate(root: Path, url_path: str) -> Path | Redirect | None:
    """The file a URL path names inside ``root`` (already resolved), a redirect, or None."""
    if not url_path.startswith("/"):
        raise BadPath("the path must start with /")
    path = unquote(url_path, errors="strict")
    if "\x00" in path or "\\" in path:
        raise BadPath("NUL or backslash in the path")
    segments = path.split("/")
    if any(segment in (".", "..") for segment in segments):
        raise BadPath("dot segments in the path")
    candidate = root.joinpath(*(s for s in segments if s))
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    # Checked after resolving, so a symlink inside the site cannot lead out of it.
    if not resolved.is_relative_to(root):
        return None
    if resolved.is_dir():
        if not path.endswith("/"):
            return Redirect(quote(path) + "/")
        resolved = resolved / "index.html"
    elif path.endswith("/"):
        return None
    return resolved if resolved.is_file() else None


class PreviewHTTPServer(ThreadingHTTPServer):
    """A threaded server that remembers its open connections so it can close them all."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path, hub: ReloadHub) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, PreviewHandler)
        self.root = root.resolve()
        self.hub = hub
        # Asked for a file the build has not written (a photo not resized yet); may make it.
        self.make_missing: Callable[[str], Path | None] | None = None
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):  # type: ignore[no-untyped-def]
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        # A browser closing a tab mid-response is normal, not worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Cut every open connection, so no handler thread is left waiting on a socket."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def bind(host: str, port: int, root: Path, hub: ReloadHub) -> PreviewHTTPServer:
    """A server listening on ``port``, or on the next free port after it if that one is taken."""
    last = port if port == 0 else min(port + _PORT_TRIES - 1, 65535)
    for candidate in range(port, last + 1):
        try:
            return PreviewHTTPServer((host, candidate), root, hub)
        except OSError as error:
            if error.errno != errno.EADDRINUSE or candidate == last:
                raise
    raise AssertionError("unreachable")


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the built site, plus the preview's own two URLs."""

    server: PreviewHTTPServer
    server_version = "BylinePreview"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Serve a file, the reload script or the event stream."""
        self._respond(head=False)

    def do_HEAD(self) -> None:
        """Like GET without the body."""
        self._respond(head=True)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the terminal is for build results and problems."""

    def _respond(self, head: bool) -> None:
        url = urlsplit(self.path)
        if url.path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, RELOAD_JS.encode(), "application/javascript; charset=utf-8",
                       head, cache="no-store")
            return
        if url.path == EVENTS_PATH:
            self._stream_events(head)
            return
        try:
            found = locate(self.server.root, url.path)
        except (BadPath, UnicodeDecodeError):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return
        if isinstance(found, Redirect):
            query = f"?{url.query}" if url.query else ""
            self.send_response(HTTPStatus.FOUND)  # not 301: browsers would cache it for good
            self.send_header("Location", found.location + query)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        data = self._read(found)
        if (found is None or data is None) and self.server.make_missing is not None:
            found = self.server.make_missing(url.path)
            data = self._read(found)
        if found is None or data is None:
            self._not_found(url.path, head)
            return
        if found.suffix.lower() in (".html", ".htm") and found.is_relative_to(self.server.root):
            page = site_path(found.relative_to(self.server.root).as_posix())
            data = inject_script(data, page, self.server.hub.version)
            self._send(HTTPStatus.OK, data, content_type(found.name), head, cache="no-store")
        else:
            self._send(HTTPStatus.OK, data, content_type(found.name), head, cache="no-cache")

    def _not_found(self, url_path: str, head: bool) -> None:
        page = self._read(self.server.root / "404.html") or _FALLBACK_404
        # The path asked for, so the page reloads when a save creates it.
        data = inject_script(page, url_path, self.server.hub.version)
        self._send(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", head, cache="no-store")

    @staticmethod
    def _read(path: Path | None) -> bytes | None:
        if path is None:
            return None
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None  # removed by a build between locating and reading

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool, cache: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _stream_events(self, head: bool) -> None:
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        hub = self.server.hub
        stream = hub.subscribe()
        try:
            self.wfile.write(b"retry: 500\n\n")  # reconnect fast when the server restarts
            while True:
                try:
                    message = stream.get(timeout=_KEEPALIVE_SECONDS)
                except queue.Empty:
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                self.wfile.write(message)
        except OSError:
            pass  # the page went away
        finally:
            hub.unsubscribe(stream)

