"""The ``byline`` command: parse arguments, run one command, print problems as one line each."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.errors import BuildFailed, BylineError, Problem, Report, Severity
from generator.textmatch import closest

if TYPE_CHECKING:
    from generator.build import BuildResult

COMMANDS = ("build", "serve", "new", "check", "publish", "init")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        guess = closest(args[0], COMMANDS, cutoff=0.5)
        hint = f" — did you mean `byline {guess}`?" if guess else ""
        print(f"byline: unknown command '{args[0]}'{hint}", file=sys.stderr)
        return 2
    parser = _parser()
    options = parser.parse_args(args)
    if not getattr(options, "run", None):
        parser.print_help()
        return 2
    try:
        return int(options.run(options) or 0)
    except BuildFailed as failed:
        _print_problems(failed.problems)
        print(f"byline: {failed}", file=sys.stderr)
        return 1
    except BylineError as error:
        print(f"byline: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="byline",
        description="Byline turns a folder of Markdown articles into a fast news site.",
    )
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser(
        "build", help="build the site into output/",
        description="Build the site into output/. Drafts and articles dated in the future "
                    "are left out unless you ask for them.",
        epilog="example: byline build --drafts",
    )
    _site_options(build)
    build.add_argument("--output", type=Path, metavar="DIR",
                       help="write the site here instead of SITE/output")
    build.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    build.add_argument("--future", action="store_true",
                       help="include articles dated in the future")
    build.set_defaults(run=_run_build)

    new = commands.add_parser(
        "new", help="start a new article",
        description="Create content/articles/<slug>/index.md with its front matter filled in "
                    "(as a draft).",
        epilog='example: byline new "Mara Quell announces a world tour"',
    )
    _site_options(new)
    new.add_argument("headline", help="the article's headline, in quotes")
    new.add_argument("--author", help="your name as it appears in the byline")
    new.set_defaults(run=_run_new)
    return parser


def _site_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                         help="the site folder (the one with site.yaml); default: here")
    command.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    command.add_argument("-v", "--verbose", action="store_true", help="print more detail")


def _run_build(options: argparse.Namespace) -> int:
    from generator.build import BuildOptions, build_site

    result = build_site(BuildOptions(site=options.site, output=options.output,
                                     drafts=options.drafts, future=options.future))
    _print_problems(result.warnings)
    if not options.quiet:
        print(_summary(result))
        if result.next_scheduled:
            print(f"Next scheduled article is due {result.next_scheduled.isoformat()}: "
                  "build again then to publish it.")
    return 0


def _summary(result: BuildResult) -> str:
    try:
        where = os.path.relpath(result.output)
    except ValueError:  # another drive on Windows
        where = str(result.output)
    warnings = len(result.warnings)
    return (
        f"Built {result.articles} article{_s(result.articles)}, "
        f"{result.pages} page{_s(result.pages)}, {result.images} image{_s(result.images)} "
        f"({result.images_made} processed), {warnings} warning{_s(warnings)} "
        f"in {result.seconds:.2f} s — {result.written} files written, "
        f"{result.removed} removed → {where}/"
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _run_new(options: argparse.Namespace) -> int:
    from generator.config import load_config
    from generator.scaffold import default_author, new_article

    report = Report()
    config = load_config(options.site.resolve(), report)
    report.raise_if_errors()
    assert config is not None
    path = new_article(config, options.headline, options.author or default_author(),
                       datetime.now(config.tz))
    print(f"Created {os.path.relpath(path)} (a draft: `byline serve` shows it while you write)")
    return 0


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        stream = sys.stderr
        print(_colour(str(problem), problem.severity, stream), file=stream)


def _colour(text: str, severity: Severity, stream: object) -> str:
    if os.environ.get("NO_COLOR") or not getattr(stream, "isatty", lambda: False)():
        return text
    code = "31" if severity is Severity.ERROR else "33"
    return f"\033[{code}m{text}\033[0m"
