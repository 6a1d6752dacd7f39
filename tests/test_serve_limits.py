"""The preview server under load and abuse: bounded threads, idle timeouts, 4xx for junk.

Real sockets on 127.0.0.1 against a ``PreviewHTTPServer`` serving a small folder; nothing
here asserts how long anything took, only that it happened.
"""

from __future__ import annotations

import contextlib
import http.client
import resource
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.serve.reload import ReloadHub
from generator.serve.server import WORKERS, PreviewHTTPServer

PAGE = "<!DOCTYPE html><html><body><h1>Mara Quell tours</h1></body></html>"
MISSING = "<!DOCTYPE html><html><body><h1>Lost page</h1></body></html>"

StartServer = Callable[..., PreviewHTTPServer]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Start a server on a free port over a two-page folder; stopped as the preview stops it."""
    root = tmp_path / "site"
    (root / "music/tour").mkdir(parents=True)
    (root / "music/tour/index.html").write_text(PAGE, encoding="utf-8")
    (root / "404.html").write_text(MISSING, encoding="utf-8")
    running: list[tuple[PreviewHTTPServer, threading.Thread]] = []

    def start(**caps: int) -> PreviewHTTPServer:
        server = PreviewHTTPServer(("127.0.0.1", 0), root, ReloadHub(), **caps)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        running.append((server, thread))
        return server

    yield start
    for server, thread in running:
        server.shutdown()
        thread.join()
        server.hub.close()
        server.close_connections()
        server.server_close()


@pytest.fixture
def server(start_server: StartServer) -> PreviewHTTPServer:
    """A server with the default limits."""
    return start_server()


def port_of(server: PreviewHTTPServer) -> int:
    return int(server.server_address[1])


def connect(server: PreviewHTTPServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port_of(server)), timeout=30)


def get(server: PreviewHTTPServer, path: str = "/music/tour/") -> tuple[int, str]:
    """A GET on a connection of its own: status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def status_for(server: PreviewHTTPServer, data: bytes, hang_up: bool = False) -> int | None:
    """Send raw bytes and read the status code of the answer (None: closed without one)."""
    with connect(server) as sock:
        sock.sendall(data)
        if hang_up:
            sock.shutdown(socket.SHUT_WR)
        line = sock.makefile("rb").readline()
    if not line:
        return None
    version, code, *_ = line.split(b" ", 2)
    assert version == b"HTTP/1.1", line
    return int(code)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server hangs up on this socket (read until it does, or 30 s pass)."""
    sock.settimeout(30)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def wait_until(condition: Callable[[], bool], within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@contextlib.contextmanager
def file_descriptors(needed: int) -> Iterator[None]:
    """Raise the soft limit on open files for a test with hundreds of sockets, or skip it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# -- load -------------------------------------------------------------------------------------

def test_100_concurrent_requests_beside_50_idle_connections_all_succeed(
    server: PreviewHTTPServer,
) -> None:
    idle = [connect(server) for _ in range(50)]
    try:
        assert wait_until(lambda: server.open_connections >= 50)
        start = threading.Barrier(100)

        def fetch(n: int) -> tuple[int, str]:
            start.wait()
            return get(server, "/music/tour/" if n % 2 else "/no/such/page/")

        with ThreadPoolExecutor(max_workers=100) as pool:
            answers = list(pool.map(fetch, range(100)))
        assert [status for status, _ in answers] == [404, 200] * 50
        assert all("Mara Quell tours" in body for status, body in answers if status == 200)
        assert all("Lost page" in body for status, body in answers if status == 404)
        assert all("/__byline/reload.js" in body for _, body in answers)
    finally:
        for sock in idle:
            sock.close()


def test_threads_stay_bounded_with_600_idle_clients(server: PreviewHTTPServer) -> None:
    before = threading.active_count()
    with file_descriptors(2 * 600 + 200):
        idle = []
        try:
            for _ in range(600):
                idle.append(connect(server))
            assert wait_until(lambda: server.open_connections == 600)
            assert threading.active_count() - before <= WORKERS
            # Waiting connections hold no thread at all, and a page still comes back.
            status, body = get(server)
            assert status == 200 and "Mara Quell tours" in body
            assert wait_until(lambda: server.open_connections == 600)  # none dropped
        finally:
            for sock in idle:
                sock.close()


def test_clients_stalled_mid_request_are_capped_at_the_workers(
    start_server: StartServer,
) -> None:
    server = start_server(workers=4)
    server.idle_timeout = 1.0
    before = threading.active_count()
    stalled = [connect(server) for _ in range(12)]
    for sock in stalled:
        sock.sendall(b"GET /music/tour/ HTTP/1.1\r\nHost: preview\r\n")  # no blank line, ever
    most = before
    try:
        assert wait_until(lambda: server.open_connections == 12)
        for sock in stalled:
            most = max(most, threading.active_count())
            assert closed_by_server(sock)
        assert most - before <= 4
        assert get(server)[0] == 200
    finally:
        for sock in stalled:
            sock.close()


# -- timeouts ---------------------------------------------------------------------------------

def test_a_silent_connection_is_closed_after_the_idle_timeout(server: PreviewHTTPServer) -> None:
    server.idle_timeout = 1.0
    with connect(server) as sock:
        assert closed_by_server(sock)
    assert wait_until(lambda: server.open_connections == 0)


def test_a_kept_alive_connection_is_closed_after_the_idle_timeout(
    server: PreviewHTTPServer,
) -> None:
    server.idle_timeout = 1.0
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=30)
    try:
        for _ in range(3):  # the same connection, kept alive between requests
            conn.request("GET", "/music/tour/")
            response = conn.getresponse()
            assert response.status == 200 and "Mara Quell tours" in response.read().decode()
        assert conn.sock is not None
        assert closed_by_server(conn.sock)
    finally:
        conn.close()


def test_pipelined_requests_are_all_answered(server: PreviewHTTPServer) -> None:
    request = b"GET /music/tour/ HTTP/1.1\r\nHost: preview\r\n\r\n"
    with connect(server) as sock:
        sock.sendall(request * 3 + b"GET /x HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 3
    assert received.count(b"HTTP/1.1 404 Not Found") == 1


def test_an_event_stream_outlives_the_idle_timeout(server: PreviewHTTPServer) -> None:
    server.idle_timeout = 0.5
    with connect(server) as sock:
        sock.sendall(b"GET /__byline/events HTTP/1.1\r\nHost: preview\r\n\r\n")
        stream = sock.makefile("rb")
        assert b" 200 " in stream.readline()
        while b"event: state" not in stream.readline():
            pass
        time.sleep(1.5)  # three idle timeouts without a byte either way
        server.hub.built(["music/tour/index.html"])
        while b"event: reload" not in (line := stream.readline()):
            assert line, "the stream was closed"
        assert b"/music/tour/" in stream.readline()


def test_event_streams_beyond_the_cap_are_asked_to_retry_later(
    start_server: StartServer,
) -> None:
    server = start_server(workers=2, streams=3)
    before = threading.active_count()
    streams = [connect(server) for _ in range(4)]
    try:
        for sock in streams:  # one after another, each open before the next asks
            sock.sendall(b"GET /__byline/events HTTP/1.1\r\nHost: preview\r\n\r\n")
            if sock is streams[-1]:
                break
            reader = sock.makefile("rb")
            while b"event: state" not in (line := reader.readline()):
                assert line, "the stream was closed"
        last = streams[-1].makefile("rb").read()  # the server closes this one
        assert b" 200 " in last and b"retry: 10000" in last and b"event:" not in last
        # Streams have threads of their own: the two workers still answer pages.
        assert [get(server)[0] for _ in range(5)] == [200] * 5
        assert threading.active_count() - before <= 3 + 2
    finally:
        for sock in streams:
            sock.close()


# -- malformed requests -----------------------------------------------------------------------

LONG_SEGMENT = b"a" * 300
LONG_PATH = b"/".join([b"b" * 200] * 30)

MALFORMED = {
    "segment over 255 characters": (b"GET /" + LONG_SEGMENT + b" HTTP/1.1\r\n\r\n", 404),
    "segment over 255 in a folder": (b"GET /music/" + LONG_SEGMENT + b"/ HTTP/1.1\r\n\r\n", 404),
    "path over PATH_MAX": (b"GET /" + LONG_PATH + b" HTTP/1.1\r\n\r\n", 404),
    "request line over the limit": (b"GET /" + b"c" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
    "NUL byte": (b"GET /music\x00/tour/ HTTP/1.1\r\n\r\n", 400),
    "encoded NUL": (b"GET /music%00/tour/ HTTP/1.1\r\n\r\n", 400),
    "invalid percent-encoding": (b"GET /music/%zz%4 HTTP/1.1\r\n\r\n", 404),
    "percent-encoded non-UTF-8": (b"GET /music/%ff%fe/ HTTP/1.1\r\n\r\n", 400),
    "encoded surrogate": (b"GET /%ed%a0%80 HTTP/1.1\r\n\r\n", 400),
    "raw non-UTF-8 bytes": (b"GET /music/\xff\xfe/ HTTP/1.1\r\n\r\n", 404),
    "header line over the limit": (b"GET / HTTP/1.1\r\nX-Junk: " + b"d" * 70_000 + b"\r\n\r\n",
                                   431),
    "too many headers": (b"GET / HTTP/1.1\r\n" + b"X-Junk: e\r\n" * 200 + b"\r\n", 431),
    "header without a colon": (b"GET / HTTP/1.1\r\nHost: preview\r\nnonsense\r\n\r\n", 400),
    "header without a name": (b"GET / HTTP/1.1\r\n: nameless\r\n\r\n", 400),
    "HTTP/0.9": (b"GET /music/tour/\r\n", 400),
    "binary junk": (b"\x00\x01\x02\xfe\xff junk \x7f\r\n\r\n", 400),
    "bad version": (b"GET / HTTP/one\r\n\r\n", 400),
    "too many words": (b"GET / / HTTP/1.1\r\n\r\n", 400),
    "unclosed IPv6 host": (b"GET http://[::1/music/ HTTP/1.1\r\n\r\n", 400),
    "not a path": (b"GET music/tour/ HTTP/1.1\r\n\r\n", 400),
    "dot segments": (b"GET /music/../../etc/passwd HTTP/1.1\r\n\r\n", 400),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_request_gets_a_4xx_and_prints_nothing(
    server: PreviewHTTPServer, name: str, capfd: pytest.CaptureFixture[str],
) -> None:
    data, expected = MALFORMED[name]
    assert status_for(server, data) == expected
    assert get(server)[0] == 200  # and the server serves on
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    assert (out, err) == ("", "")


def test_http2_preface_is_refused_with_a_status(server: PreviewHTTPServer) -> None:
    assert status_for(server, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == 505


@pytest.mark.parametrize("data", [b"", b"GE", b"GET / HTTP/1.1\r\nHost: pre"])
def test_a_request_cut_short_prints_nothing(
    server: PreviewHTTPServer, data: bytes, capfd: pytest.CaptureFixture[str],
) -> None:
    status = status_for(server, data, hang_up=True)
    assert status is None or 400 <= status < 500
    assert get(server)[0] == 200
    assert capfd.readouterr() == ("", "")


def test_tls_handshake_on_the_http_port_is_hung_up_on(
    server: PreviewHTTPServer, capfd: pytest.CaptureFixture[str],
) -> None:
    hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32)
    with connect(server) as sock:
        sock.sendall(hello)
        assert closed_by_server(sock)
    assert capfd.readouterr() == ("", "")


def test_a_request_with_a_body_is_answered_and_closed(server: PreviewHTTPServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /music/tour/ HTTP/1.1\r\nHost: p\r\nContent-Length: 11\r\n\r\n"
                     b"GET /x HTTP")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK") and b"Mara Quell tours" in received
    assert b"404" not in received  # the body was not taken for a second request


def test_a_failure_inside_the_server_is_a_500_and_one_line(
    server: PreviewHTTPServer, capfd: pytest.CaptureFixture[str],
) -> None:
    def cannot_resize(url_path: str) -> Path | None:
        raise ValueError("box offset can't be negative")

    server.make_missing = cannot_resize
    assert get(server, "/images/stage.1234abcd.800.webp")[0] == 500
    assert get(server)[0] == 200
    assert capfd.readouterr().err == (
        "byline: error: the preview could not answer GET '/images/stage.1234abcd.800.webp': "
        "ValueError: box offset can't be negative\n")
