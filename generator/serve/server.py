"""The preview's HTTP side: files from the built site, the reload script and its event stream.

Only files inside the preview folder are ever served: the URL path is decoded, any ``..``
segment is refused, and the file it names is resolved (following symlinks) and must still be
inside the folder.

How connections are carried, so that no client can pin the server:

* the listen backlog is deep, so a burst of connections waits in the kernel, not in a retry;
* a connection between requests has no thread: it waits in ``IdleConnections`` (one thread
  for all of them) and is closed after ``idle_timeout`` seconds of silence;
* a request is answered by one of at most ``workers`` threads; requests beyond that wait in
  line for a free one (never an error), and a client that stalls mid-request is dropped after
  ``idle_timeout`` seconds;
* an event stream (one per open page) is long-lived by design: it leaves the workers for a
  thread of its own, up to ``streams`` of them; a page beyond that is asked to retry later.

So the threads are at most 2 + ``workers`` + ``streams``, whatever the clients do.  Malformed
requests get a 4xx; nothing is printed but a one-line note for a bug in the server itself.
"""

from __future__ import annotations

import contextlib
import errno
import io
import queue
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from generator.mediatypes import content_type
from generator.serve.client import RELOAD_JS
from generator.serve.connections import Connection, IdleConnections
from generator.serve.reload import EVENTS_PATH, SCRIPT_PATH, ReloadHub, inject_script, site_path

# An open page with nothing to report still gets a comment now and then, so a closed tab is
# noticed (the write fails) and its thread ends.
_KEEPALIVE_SECONDS = 15.0
_PORT_TRIES = 20

IDLE_TIMEOUT = 15.0  # seconds a connection may stay silent (browsers reconnect without a word)
WORKERS = 32  # threads answering requests: a handful of browsers' worth of connections
STREAMS = 64  # open pages with live reload (hidden tabs let go of theirs)
_BACKLOG = 1024  # the kernel caps it (net.core.somaxconn)
_STREAM_RETRY_MS = 10_000  # when every stream is taken, when a page should ask again
# Closing a socket with unread input makes the kernel reset the connection, which can destroy
# the answer (a 414, say) before the client reads it; so read what is left, within limits.
_LINGER_SECONDS = 1.0
_LINGER_BYTES = 1 << 20
_WRITE_CHUNK = 1 << 16

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


def split_target(target: str) -> tuple[str, str]:
    """The path and query of a request target (``/a?b``, or a proxy's ``http://host/a?b``)."""
    if not target.startswith("/"):
        try:
            parts = urlsplit(target)
        except ValueError as error:  # a malformed host, such as an unclosed "[" of IPv6
            raise BadPath(str(error)) from None
        if parts.scheme not in ("http", "https") or not parts.path.startswith("/"):
            raise BadPath("the path must start with /")
        return parts.path, parts.query
    path, _, query = target.partition("?")
    return path, query.partition("#")[0]


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
    # Any reason the file system gives for not looking (a name over 255 bytes, a path over
    # PATH_MAX, a symlink loop, no permission) means the same to a browser: no such page.
    try:
        resolved = candidate.resolve()
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
    except (OSError, RuntimeError):
        return None


class PreviewHTTPServer(HTTPServer):
    """The preview's server: a bounded set of threads, however many clients connect.

    ``idle_timeout`` may be changed while it runs (tests use a short one); ``workers`` and
    ``streams`` are fixed when it is made.
    """

    request_queue_size = _BACKLOG

    def __init__(self, address: tuple[str, int], root: Path, hub: ReloadHub, *,
                 workers: int = WORKERS, streams: int = STREAMS) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.root = root.resolve()
        self.hub = hub
        self.idle_timeout = IDLE_TIMEOUT
        # Asked for a file the build has not written (a photo not resized yet); may make it.
        self.make_missing: Callable[[str], Path | None] | None = None
        self.max_streams = streams
        # Made before binding: a failed bind calls server_close, which stops them.
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._streams: dict[threading.Thread, queue.SimpleQueue[bytes | None]] = {}
        self._idle = IdleConnections(ready=self._answer_soon, expired=self._close)
        self._workers = ThreadPoolExecutor(max_workers=workers,
                                           thread_name_prefix="byline-http")
        super().__init__(address, PreviewHandler)
        self._idle.start()

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup, which can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    @property
    def open_connections(self) -> int:
        """How many client connections are open (waiting, being answered, or streaming)."""
        with self._lock:
            return len(self._open)

    # -- the life of a connection ---------------------------------------------------------
    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept a connection; out of file descriptors, let the longest-idle one go first."""
        try:
            return super().get_request()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE):
                self._idle.shed_oldest()
                time.sleep(0.01)  # the listening socket stays readable: do not spin meanwhile
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        """Keep the new connection until its first request arrives."""
        with self._lock:
            self._open.add(request)
        self._idle.wait_for_request(Connection(request, client_address), self.idle_timeout)

    def _answer_soon(self, connection: Connection) -> None:
        try:
            self._workers.submit(self._answer, connection)
        except RuntimeError:  # shutting down
            self._close(connection)

    def _answer(self, connection: Connection) -> None:
        """Answer what the client sent, then keep, hand over or close the connection."""
        try:
            handler = PreviewHandler(connection.sock, connection.address, self)
        except (ConnectionError, TimeoutError):
            self._close(connection)  # the client went away or stalled: nothing to tell anyone
            return
        except Exception as error:  # a bug here: one line, not a traceback, and serve on
            report_failure("a request", error)
            self._close(connection)
            return
        if handler.handed_over:
            return
        if handler.close_connection:
            self._close(connection, linger=handler.answered)
        else:
            self._idle.wait_for_request(connection, self.idle_timeout)

    def _close(self, connection: Connection, linger: bool = False) -> None:
        if linger:
            _linger(connection.sock)
        self.shutdown_request(connection.sock)

    def shutdown_request(self, request: Any) -> None:
        """Close a connection and forget it."""
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    # -- event streams --------------------------------------------------------------------
    def start_stream(self, sock: socket.socket) -> bool:
        """Send this page the hub's events on a thread of its own; False if all are taken."""
        with self._lock:
            if len(self._streams) >= self.max_streams:
                return False
            stream = self.hub.subscribe()
            thread = threading.Thread(target=self._send_events, args=(sock, stream),
                                      name="byline-events", daemon=True)
            self._streams[thread] = stream
        thread.start()
        return True

    def _send_events(self, sock: socket.socket, stream: queue.SimpleQueue[bytes | None]) -> None:
        try:
            # A page that stops reading fills the socket; the write then times out.
            sock.settimeout(self.idle_timeout)
            sock.sendall(b"retry: 500\n\n")  # reconnect fast when the server restarts
            while True:
                try:
                    message = stream.get(timeout=_KEEPALIVE_SECONDS)
                except queue.Empty:
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                sock.sendall(message)
        except OSError:
            pass  # the page went away
        finally:
            self.hub.unsubscribe(stream)
            self.shutdown_request(sock)
            with self._lock:
                self._streams.pop(threading.current_thread(), None)

    # -- stopping -------------------------------------------------------------------------
    def close_connections(self) -> None:
        """Cut every open connection, so no thread is left waiting on a socket."""
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def server_close(self) -> None:
        """Stop listening, close what waits, and join every thread the server started."""
        super().server_close()
        self.close_connections()
        self._idle.close()
        self._workers.shutdown(wait=True)
        with self._lock:
            streams = dict(self._streams)
        for thread, stream in streams.items():
            stream.put(None)  # it may be waiting for an event rather than writing
            thread.join()


def _linger(sock: socket.socket) -> None:
    """Tell the client we are done, and read what it still sends until it hangs up too."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + _LINGER_SECONDS
        drained = 0
        while drained < _LINGER_BYTES and (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                break
            drained += len(chunk)


def report_failure(request: str, error: Exception) -> None:
    """One line on the terminal for a request the server failed on (a bug, not the client)."""
    print(f"byline: error: the preview could not answer {request}: "
          f"{type(error).__name__}: {error}", file=sys.stderr, flush=True)


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
    """GET and HEAD for the built site, plus the preview's own two URLs.

    One instance answers the requests a connection has already sent, then returns: the server
    keeps the connection (``close_connection`` false), closes it, or has taken it over for an
    event stream (``handed_over``).
    """

    server: PreviewHTTPServer
    server_version = "BylinePreview"
    protocol_version = "HTTP/1.1"
    # What an unparseable request is answered as: with a status line, never HTTP/0.9's bare body.
    default_request_version = "HTTP/1.0"

    handed_over = False
    answered = False  # something was sent, so closing should let the client read it first
    raw_requestline: bytes

    def setup(self) -> None:
        """Apply the server's timeout to every read and write of this connection."""
        self.request.settimeout(self.server.idle_timeout)
        super().setup()

    def handle(self) -> None:
        """Answer each request the client has sent; stop when it must wait for more."""
        self.close_connection = True
        if self._peek()[:1] == b"\x16":  # a TLS handshake: https:// to this http port
            return
        self.handle_one_request()
        while not self.close_connection and not self.handed_over and self._more_is_waiting():
            self.handle_one_request()

    def _more_is_waiting(self) -> bool:
        """Whether the next request is already here (it may be read ahead into our buffer)."""
        self.connection.setblocking(False)
        try:
            return bool(self._peek())
        except OSError:
            self.close_connection = True
            return False
        finally:
            self.connection.settimeout(self.server.idle_timeout)

    def _peek(self) -> bytes:
        """What the client sent and nobody has read yet (waits for one read if nothing)."""
        assert isinstance(self.rfile, io.BufferedReader)
        return self.rfile.peek(1)

    def parse_request(self) -> bool:
        """Parse as http.server does, refusing what it would let through or wait on."""
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if len(line.split()) == 2:  # split as http.server splits
            # HTTP/0.9 ("GET /"): no headers follow, and its answers have no status line.
            self.command, self.requestline = "", line
            self.request_version = self.default_request_version
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not supported")
            return False
        if not super().parse_request():
            return False
        if self.headers.defects:  # a line without a colon, a header without a name
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "Malformed header")
            return False
        if "Content-Length" in self.headers or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a body is never read, so it cannot be skipped
        return True

    def send_response(self, code: int, message: str | None = None) -> None:
        """Start an answer (and note that one was started)."""
        self.answered = True
        super().send_response(code, message)

    def do_GET(self) -> None:
        """Serve a file, the reload script or the event stream."""
        self._respond_or_report(head=False)

    def do_HEAD(self) -> None:
        """Like GET without the body."""
        self._respond_or_report(head=True)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the terminal is for build results and problems."""

    def _respond_or_report(self, head: bool) -> None:
        try:
            self._respond(head)
        except OSError:
            raise  # the connection failed: the server closes it quietly
        except Exception as error:  # a bug (or a photo that cannot be resized): serve on
            report_failure(f"{self.command} {self.path[:200]!r}", error)  # no raw escapes
            self.close_connection = True
            if not self.answered:
                self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR)

    def _respond(self, head: bool) -> None:
        try:
            url_path, query = split_target(self.path)
        except BadPath:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return
        if url_path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, RELOAD_JS.encode(), "application/javascript; charset=utf-8",
                       head, cache="no-store")
            return
        if url_path == EVENTS_PATH:
            self._stream_events(head)
            return
        try:
            found = locate(self.server.root, url_path)
        except (BadPath, UnicodeDecodeError):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return
        if isinstance(found, Redirect):
            suffix = f"?{query}" if query else ""
            self.send_response(HTTPStatus.FOUND)  # not 301: browsers would cache it for good
            self.send_header("Location", found.location + suffix)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        data = self._read(found)
        if (found is None or data is None) and self.server.make_missing is not None:
            found = self.server.make_missing(url_path)
            data = self._read(found)
        if found is None or data is None:
            self._not_found(url_path, head)
            return
        if found.suffix.lower() in (".html", ".htm") and found.is_relative_to(self.server.root):
            page = site_path(found.relative_to(self.server.root).as_posix())
            data = inject_script(data, page, self.server.hub.version)
            self._send(HTTPStatus.OK, data, content_type(found.name), head, cache="no-store")
        else:
            self._send(HTTPStatus.OK, data, content_type(found.name), head, cache="no-cache")

    def _not_found(self, url_path: str, head: bool) -> None:
        page = self._read(self.server.root / "404.html") or _FALLBACK_404
        # Named as the 404 page, so the tab reloads when a save changes that page; the script
        # also reloads it when a save creates the page at the address it asked for.
        data = inject_script(page, "/404.html", self.server.hub.version)
        self._send(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", head, cache="no-store")

    @staticmethod
    def _read(path: Path | None) -> bytes | None:
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None  # removed by a build between locating and reading, or unreadable

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool, cache: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if not head:
            # In pieces: a socket timeout bounds one whole write, and a large photo sent to a
            # phone over slow Wi-Fi may rightly take longer than that.
            view = memoryview(data)
            for start in range(0, len(view), _WRITE_CHUNK):
                self.wfile.write(view[start:start + _WRITE_CHUNK])

    def _stream_events(self, head: bool) -> None:
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        if self.server.start_stream(self.connection):
            self.handed_over = True
        else:
            # Every stream is taken: the browser reconnects by itself after this long.
            self.wfile.write(f"retry: {_STREAM_RETRY_MS}\n\n".encode())
