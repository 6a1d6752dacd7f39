"""Connections between requests: held without a thread until they speak, closed when idle.

A browser keeps a few connections open after each page (and often opens one ahead of need);
one thread per open connection would let a few hundred idle sockets pin as many threads.
Here every connection waiting for its next request sits in one selector, watched by one
thread; when bytes arrive it is handed to a worker, and when it has said nothing for the
idle timeout it is closed (browsers then simply open a new one).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple


class Connection(NamedTuple):
    """An accepted socket and the address it came from."""

    sock: socket.socket
    address: Any


class IdleConnections:
    """Connections with no request in progress, watched by one thread.

    ``ready`` is called (on that thread) with a connection that has bytes to read or has been
    closed by the client; ``expired`` with one that stayed silent past its deadline, or that is
    let go to free a file descriptor.
    """

    def __init__(self, ready: Callable[[Connection], None],
                 expired: Callable[[Connection], None]) -> None:
        self._ready = ready
        self._expired = expired
        self._selector = selectors.DefaultSelector()
        # Other threads hand connections over through a list and a byte on this pair, which
        # wakes the selector: it is not safe to register while another thread selects.
        self._wake_in, self._wake_out = socket.socketpair()
        for end in (self._wake_in, self._wake_out):
            end.setblocking(False)
        self._selector.register(self._wake_in, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._arrived: list[tuple[Connection, float]] = []
        self._shed = 0  # how many of the oldest to let go, asked for by another thread
        self._closed = False
        # Insertion order is deadline order while the timeout stays the same.
        self._deadlines: dict[socket.socket, tuple[Connection, float]] = {}
        self._thread = threading.Thread(target=self._run, name="byline-idle", daemon=True)
        self._started = False

    def start(self) -> None:
        """Start watching."""
        self._started = True
        self._thread.start()

    def wait_for_request(self, connection: Connection, timeout: float) -> None:
        """Watch ``connection`` until it sends something, for at most ``timeout`` seconds."""
        with self._lock:
            if not self._closed:
                self._arrived.append((connection, time.monotonic() + timeout))
                self._wake()
                return
        self._expired(connection)

    def shed_oldest(self, count: int = 1) -> None:
        """Let go of the connections idle the longest (the process ran out of descriptors)."""
        with self._lock:
            self._shed += count
            self._wake()

    def close(self) -> None:
        """Stop watching and close every connection still waiting."""
        with self._lock:
            self._closed = True
            self._wake()
        if self._started:
            self._thread.join()
        waiting = [connection for connection, _ in self._deadlines.values()]
        waiting += [connection for connection, _ in self._arrived]
        self._deadlines.clear()
        self._arrived.clear()
        for connection in waiting:
            self._expired(connection)
        self._selector.close()
        self._wake_in.close()
        self._wake_out.close()

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError):  # already full of wake-ups
            self._wake_out.send(b"\0")

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                arrived, self._arrived = self._arrived, []
                shed, self._shed = self._shed, 0
            for connection, deadline in arrived:
                self._watch(connection, deadline)
            for _ in range(min(shed, len(self._deadlines))):
                self._let_go(next(iter(self._deadlines)))
            for key, _ in self._selector.select(self._until_next_deadline()):
                if key.fileobj is self._wake_in:
                    with contextlib.suppress(BlockingIOError):
                        self._wake_in.recv(4096)
                    continue
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                connection = self._forget(sock)
                self._ready(connection)
            now = time.monotonic()
            for sock, (_, deadline) in list(self._deadlines.items()):
                if deadline > now:
                    break
                self._let_go(sock)

    def _watch(self, connection: Connection, deadline: float) -> None:
        try:
            self._selector.register(connection.sock, selectors.EVENT_READ)
        except (ValueError, OSError):  # closed meanwhile (the server is stopping)
            self._expired(connection)
            return
        self._deadlines[connection.sock] = (connection, deadline)

    def _forget(self, sock: socket.socket) -> Connection:
        self._selector.unregister(sock)
        return self._deadlines.pop(sock)[0]

    def _let_go(self, sock: socket.socket) -> None:
        self._expired(self._forget(sock))

    def _until_next_deadline(self) -> float | None:
        if not self._deadlines:
            return None
        _, deadline = next(iter(self._deadlines.values()))
        return max(0.0, deadline - time.monotonic())
