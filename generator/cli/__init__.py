"""The ``byline`` command: parse arguments, run one command, print problems as one line each."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from generator.cli.arguments import UsageError, parse_arguments, top_parser
from generator.cli.console import Console
from generator.cli.failures import BUG_STATUS, report_failure


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    console = Console()
    try:
        options = parse_arguments(args)
        if options is None:
            top_parser().print_help()
            return 2
        console = Console.for_options(options)
        return int(options.run(options, console) or 0)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except SystemExit as leaving:  # --help and --version end here
        return leaving.code if isinstance(leaving.code, int) else 0
    except KeyboardInterrupt:
        # Each command leaves what it had made as it was or for its next run to heal (the
        # output folder is swapped in whole); the writer is told it stopped, and what to do.
        print("byline: stopped (Ctrl-C) before it finished: run it again to finish",
              file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback for a writer; tests look for its line
        status = report_failure(error, verbose=console.verbose)
        if status == BUG_STATUS and os.environ.get("BYLINE_TRACEBACK"):
            raise
        return status
