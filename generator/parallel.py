"""Running independent pieces of work on every core."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

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
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Frozen objects are never visited by the children's garbage collector, so the pages
    # they share with the parent stay shared instead of being copied into every worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield from pool.map(function, items)
    finally:
        gc.unfreeze()
