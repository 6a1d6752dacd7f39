"""Child processes that end with the process that started them, however it ends.

A build killed with kill -9 (a closed laptop lid, a CI timeout, a newsroom's impatient
editor) must not leave its workers running, each holding a copy of the site, nor the child
that computes the up-to-date check's key.  Light on purpose: that check imports it, and it
runs on every ``byline build``.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


def die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` is gone (a build killed with kill -9 must not
    leave workers behind, each holding a copy of the site)."""
    # Forked and spawned workers are the build's children; under forkserver they are the
    # server's, which ends with the build, and the build is watched by its process id.
    direct = os.getppid() == parent
    if sys.platform.startswith("linux"):
        try:  # the kernel sends SIGKILL the moment the parent dies
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if not _alive(parent, direct):  # the parent died before the line above took effect
        os._exit(1)
    # Everywhere (and as a second line on Linux): look every half second.
    threading.Thread(target=_watch_parent, args=(parent, direct), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def ending_with_this_process() -> Callable[[], None] | None:
    """For ``subprocess``'s ``preexec_fn``: the program started ends when this process does,
    however it ends (Pagefind, run for the search index, would otherwise index on for
    minutes after a build killed with kill -9).  None where that cannot be asked (not Linux).

    The function runs in the child between fork and exec, where only what this process
    made ready before the fork is safe to use: ``prctl`` is looked up here, not there."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def end_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # gone before the line above took effect
            os._exit(1)

    return end_with_parent


def _alive(parent: int, direct: bool) -> bool:
    return os.getppid() == parent if direct else process_running(parent)


def _watch_parent(parent: int, direct: bool) -> None:
    while _alive(parent, direct):
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


def remove_abandoned(folder: Path, prefix: str) -> None:
    """Remove the scratch folders ``PREFIX-PID`` (or ``PREFIX-PID-anything``) in ``folder``
    whose process is gone: what a build or publish killed with kill -9 left behind."""
    for scratch in folder.glob(f"{prefix}-*"):
        pid = scratch.name.removeprefix(f"{prefix}-").partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not process_running(int(pid)):
            shutil.rmtree(scratch, ignore_errors=True)
