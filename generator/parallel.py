"""Running independent pieces of work on every core."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from generator.lifeline import die_with_parent

In = TypeVar("In")
Out = TypeVar("Out")
Job = TypeVar("Job")


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

    ``function`` must be picklable (a module-level function, or a ``partial`` of one) for
    workers that are spawned rather than forked."""
    return map_with_job(_call, function, items, min_items=min_items)


def _call(function: Callable[[In], Out], item: In) -> Out:
    return function(item)


def map_with_job(
    function: Callable[[Job, In], Out], job: Job, items: Sequence[In], *,
    min_items: int = 2, chunksize: int = 1, work_here: bool = False,
) -> Iterator[Out]:
    """``function(job, item)`` for each of ``items``, in order, in worker processes (or in this
    one when fewer than ``min_items`` or one core).

    Each worker is handed ``job`` once, when it starts, and never again: a forked worker
    inherits it as it is in memory (nothing is copied: the site model stays shared); a spawned
    one receives it by pickle, so ``job`` and ``function`` must be picklable.  Items and
    results always cross by pickle, ``chunksize`` items at a time.

    With ``work_here``, this process takes items too, with one worker fewer: for work that
    reads much of what the workers share (the render stage reads cards from the whole site
    model).  Every page of it that either process writes, if only to count a reference,
    is copied, and a page both workers wrote was three pages where now it is two: 18% less
    memory at the peak of a 20,000-story build (443 → 362 MB), in the same time.  Items are
    sent one at a time (``chunksize`` is not used).
    """
    workers = min(worker_count(), len(items))
    if workers < 2 or len(items) < min_items:
        yield from (function(job, item) for item in items)
        return
    # Frozen objects are never visited by the children's garbage collector, so the pages
    # they share with the parent stay shared instead of being copied into every worker.
    gc.freeze()
    return_freed_memory()
    try:
        pooled = workers - 1 if work_here else workers
        with worker_pool(pooled, _receive_job, (function, job)) as pool:
            try:
                if work_here:
                    yield from _map_here_too(pool, pooled, function, job, items)
                else:
                    yield from pool.map(_run_job, items, chunksize=chunksize)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if not _heap_held:
            gc.unfreeze()


def _map_here_too(
    pool: ProcessPoolExecutor, workers: int, function: Callable[[Job, In], Out], job: Job,
    items: Sequence[In],
) -> Iterator[Out]:
    """``function(job, item)`` for each of ``items``, in order: sent to the ``workers`` of
    ``pool``, and done here, the next one not sent yet, whenever the result due next is not
    back."""
    ahead = 8 * workers  # items sent and not yet taken back: enough for a worker never to wait
    sent: dict[int, Future[Out]] = {}
    done: dict[int, Out] = {}
    started = 0  # items before this one are sent or done here
    for due in range(len(items)):
        while due not in done:
            while started < len(items) and len(sent) < ahead:
                sent[started] = pool.submit(_run_job, items[started])
                started += 1
            future = sent.get(due)
            if future is not None and (future.done() or started == len(items)):
                done[due] = future.result()
                del sent[due]
            else:  # not back yet, and there is work not sent
                done[started] = function(job, items[started])
                started += 1
        yield done.pop(due)


def return_freed_memory() -> None:
    """Hand the pages of freed memory back to the system, where the C library can.

    glibc keeps what Python frees (a cold build's parses, once stored) mapped for reuse, and
    gives back only the top of its heap on its own: the rest stays in the build's memory and,
    when workers are forked, in the memory every worker is counted for.  At 20,000 stories
    this is half of what the process holds once the content is loaded.  A no-op elsewhere."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _find_malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim


_malloc_trim = _find_malloc_trim()


# Whether a map leaves the heap frozen when it is done (see ``heap_held_frozen``):
# process-wide, as the collector's generations are.
_heap_held = False


@contextlib.contextmanager
def heap_held_frozen() -> Iterator[None]:
    """Within this block a map leaves frozen what it froze before starting its workers,
    instead of thawing the whole heap after them.  For a build that runs once and thaws the
    heap as it returns (``build_site``): its site model, frozen once loaded, would otherwise
    be walked again by every full collection after its first map (0.9 s of a 20,000-story
    cold build)."""
    global _heap_held
    before, _heap_held = _heap_held, True
    try:
        yield
    finally:
        _heap_held = before


# In a worker process only: what ``map_with_job`` started it with (the parent never sets it).
_worker_job: tuple[Callable[[Any, Any], Any], Any] | None = None


def in_worker() -> bool:
    """Whether this process is a worker of a pool started here (forked or spawned)."""
    return multiprocessing.parent_process() is not None


def _receive_job(function: Callable[[Any, Any], Any], job: object) -> None:
    global _worker_job
    _worker_job = (function, job)


def _run_job(item: Any) -> Any:
    if _worker_job is None:  # a pool made without _receive_job: a bug in this module
        raise RuntimeError("worker process started without its job")
    function, job = _worker_job
    return function(job, item)


def worker_pool(
    workers: int, initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A process pool whose workers die with the process that made them, however it ends.

    Workers start as ``start_method`` says.  ``initializer(*initargs)`` runs in each worker
    after it is tied to its parent (under spawn, ``initargs`` are pickled for each worker).
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=start_context(),
                               initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))


# Set to "spawn" (or "fork", "forkserver") to start workers that way; tests and CI use it
# to run on Linux the way Byline runs on Windows and macOS.
START_METHOD_VARIABLE = "BYLINE_START_METHOD"


def start_method() -> str:
    """How worker processes start: as ``BYLINE_START_METHOD`` says, else by fork on Linux
    (workers start at once and share what the build made, page for page), else by spawn.
    Not fork on macOS: its system libraries are not safe in a forked child (Python's own
    default there is spawn); Windows has only spawn.  Spawned workers start a fresh
    interpreter and receive their job by pickle (see ``map_with_job``)."""
    methods = multiprocessing.get_all_start_methods()
    chosen = os.environ.get(START_METHOD_VARIABLE, "").strip()
    if chosen:
        if chosen not in methods:
            raise ValueError(f"{START_METHOD_VARIABLE}={chosen!r} is not a way this system "
                             f"starts processes: use one of {', '.join(methods)}")
        return chosen
    return "fork" if sys.platform.startswith("linux") and "fork" in methods else "spawn"


def start_context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context every pool of Byline uses (see ``start_method``)."""
    return multiprocessing.get_context(start_method())


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)
