"""One line for a command that failed, never a traceback: what each kind of failure says.

``main`` reports the failure that ends a command this way; ``byline publish --watch``
reports each failed publish the same way and goes on watching.
"""

from __future__ import annotations

import sys

from generator.cli.console import Console
from generator.errors import BylineError
from generator.inputfiles import shown

# The exit status of a bug in Byline (sysexits' EX_SOFTWARE); other failures exit 1.
BUG_STATUS = 70


def report_failure(error: Exception, *, verbose: bool = False) -> int:
    """Print ``error`` as one line for a writer and return the exit status it gives; with
    ``verbose``, a failed build's warnings each (as --verbose promises), not counted."""
    console = Console(quiet=True, verbose=verbose)
    if isinstance(error, BylineError):  # a build's problems, a refused folder, a failed publish
        console.failure(error)
        return 1
    if isinstance(error, OSError):  # the disk or the system said no (a full disk, a lost mount)
        where = f" {shown(error.filename)}" if error.filename else ""
        reason = (error.strerror or str(error)).lower()
        console.error(f"cannot use{where}: {reason}")
        return 1
    if isinstance(error, MemoryError):
        console.error("out of memory: close other programs and build again")
        return 1
    if _is_broken_pool(error):
        console.error("a worker process died (the machine may be out of memory): close other "
                      "programs and build again")
        return 1
    console.error(f"internal error, a bug in Byline: {type(error).__name__}: {error} "
                  "(set BYLINE_TRACEBACK=1 to see where)")
    return BUG_STATUS


def _is_broken_pool(error: Exception) -> bool:
    """Whether a worker pool died under the build.  Asked of the module only if a pool was
    ever made: importing it (and multiprocessing) costs `byline build` with nothing to do
    a tenth of its time."""
    pools = sys.modules.get("concurrent.futures.process")
    return pools is not None and isinstance(error, pools.BrokenProcessPool)
