"""Running independent pieces of work on every core."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def worker_count() -> int:
    """How many processes to use: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_workers(
    function: Callable[[In], Out], items: Sequence[In], *, min_items: int = 2
) -> Iterator[Out]:
    """``map`` over ``items`` in worker processes, in order; in-process when not worth it.

    Workers are forked where the platform allows, so they inherit what the parent already
    built (the site model, the template environment) instead of receiving it by pickle.
    """
    workers = min(worker_count(), len(items))
    if workers < 2 or len(items) < min_items:
        yield from map(function, items)
        return
    # Frozen objects are never visited by the children's garbage collector, so the pages
    # they share with the parent stay shared instead of being copied into every worker.
    gc.freeze()
    try:
        with worker_pool(workers) as pool:
            yield from pool.map(function, items)
    finally:
        gc.unfreeze()


def worker_pool(
    workers: int, initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A process pool whose workers die with the process that made them, however it ends.

    Workers are forked where the platform allows (they start at once, sharing what the parent
    built).  ``initializer(*initargs)`` runs in each worker after it is tied to its parent.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` is gone (a build killed with kill -9 must not
    leave workers behind, each holding a copy of the site)."""
    if sys.platform.startswith("linux"):
        try:  # the kernel sends SIGKILL the moment the parent dies
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    # Everywhere (and as a second line on Linux): look every half second.
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def process_running(pid: int) -> bool:
    """Whether a process with this id exists (another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # not ours to signal, but there
        return True
    return True
