"""The ``byline`` command: parse arguments, run one command, print problems as one line each."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from generator.cli.arguments import UsageError, parse_arguments, top_parser
from generator.cli.commands import show_reference
from generator.cli.console import Console
from generator.errors import BylineError
from generator.inputfiles import shown


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:2] == ["help", "reference"]:
            return show_reference()
        if args[:1] == ["help"]:  # `byline help build` reads naturally; treat it as --help
            args = [*args[1:2], "--help"]
        options = parse_arguments(args)
        if options is None:
            top_parser().print_help()
            return 2
        return int(options.run(options, Console.for_options(options)) or 0)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except SystemExit as leaving:  # --help and --version end here
        return leaving.code if isinstance(leaving.code, int) else 0
    except BylineError as error:  # a build's problems, a refused folder, a failed publish
        Console(quiet=True).failure(error)
        return 1
    except OSError as error:  # the disk or the system said no (a full disk, /proc, a lost mount)
        where = f" {shown(error.filename)}" if error.filename else ""
        reason = (error.strerror or str(error)).lower()
        Console(quiet=True).error(f"cannot use{where}: {reason}")
        return 1
    except KeyboardInterrupt:
        return 130
    except MemoryError:
        Console(quiet=True).error("out of memory: close other programs and build again")
        return 1
    except Exception as bug:  # never a traceback for a writer; tests look for this line
        if _is_broken_pool(bug):
            Console(quiet=True).error("a worker process died (the machine may be out of "
                                      "memory): close other programs and build again")
            return 1
        Console(quiet=True).error(f"internal error, a bug in Byline: {type(bug).__name__}: "
                                  f"{bug} (set BYLINE_TRACEBACK=1 to see where)")
        if os.environ.get("BYLINE_TRACEBACK"):
            raise
        return 70


def _is_broken_pool(error: Exception) -> bool:
    """Whether a worker pool died under the build.  Asked of the module only if a pool was
    ever made: importing it (and multiprocessing) costs `byline build` with nothing to do
    a tenth of its time."""
    pools = sys.modules.get("concurrent.futures.process")
    return pools is not None and isinstance(error, pools.BrokenProcessPool)
