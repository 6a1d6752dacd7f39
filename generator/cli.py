"""The ``byline`` command: parse arguments, run one command, print problems as one line each."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from generator import __version__
from generator.errors import BuildFailed, BylineError, Problem, Report, Severity
from generator.textmatch import closest

if TYPE_CHECKING:
    from generator.build import BuildResult
    from generator.config import SiteConfig
    from generator.model import Article

COMMANDS = ("init", "new", "build", "serve", "check", "publish")

_GREEN, _YELLOW, _RED, _BOLD = "32", "33", "31", "1"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["help"]:  # `byline help build` reads naturally; treat it as --help
        args = [*args[1:2], "--help"]
    try:
        options = _parse(args)
        if options is None:
            _parser().print_help()
            return 2
        return int(options.run(options, Console.for_options(options)) or 0)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except SystemExit as leaving:  # --help and --version end here
        return leaving.code if isinstance(leaving.code, int) else 0
    except BuildFailed as failed:
        console = Console(quiet=True)
        for problem in failed.problems:
            console.problem(problem)
        console.error(str(failed))
        return 1
    except BylineError as error:
        Console(quiet=True).error(str(error))
        return 1
    except KeyboardInterrupt:
        return 130


# --- output ------------------------------------------------------------------------------------


def wants_colour(stream: TextIO) -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(frozen=True, slots=True)
class Console:
    """Where a command's words go: news to stdout, problems to stderr, coloured on a terminal."""

    quiet: bool = False
    verbose: bool = False

    @classmethod
    def for_options(cls, options: argparse.Namespace) -> Console:
        """The console a command's --quiet/--verbose ask for."""
        return cls(quiet=options.quiet, verbose=options.verbose and not options.quiet)

    def say(self, text: str, colour: str | None = None) -> None:
        """News for the writer; silent under --quiet."""
        if not self.quiet:
            print(paint(text, colour, sys.stdout))

    def detail(self, text: str) -> None:
        """Only under --verbose."""
        if self.verbose:
            print(text)

    def problem(self, problem: Problem) -> None:
        """One problem, one line, always shown."""
        colour = _RED if problem.severity is Severity.ERROR else _YELLOW
        print(paint(str(problem), colour, sys.stderr), file=sys.stderr)

    def error(self, text: str) -> None:
        """Why the command failed, always shown."""
        print(paint(f"byline: error: {text}", _RED, sys.stderr), file=sys.stderr)


def paint(text: str, colour: str | None, stream: TextIO) -> str:
    """``text`` in an ANSI colour when ``stream`` is a terminal that wants colour."""
    if colour is None or not wants_colour(stream):
        return text
    return f"\033[{colour}m{text}\033[0m"


# --- arguments ---------------------------------------------------------------------------------


class UsageError(Exception):
    """The command line itself is wrong; the message says how to put it right."""


class _Parser(argparse.ArgumentParser):
    """argparse, with examples kept as written, no abbreviations and errors that suggest a fix."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        # Abbreviations would quietly take `--draft` for `--drafts`; a suggestion is clearer.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Raise instead of exiting, so that main() decides the exit status."""
        raise UsageError(f"{self.prog}: {message}\n(see `{self.prog} --help`)")

    def option_names(self) -> list[str]:
        """Every option this command accepts, long and short."""
        return [name for action in self._actions for name in action.option_strings]


def _parse(args: list[str]) -> argparse.Namespace | None:
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        guess = closest(args[0], COMMANDS, cutoff=0.5)
        hint = f" — did you mean `{guess}`?" if guess else f"; commands: {', '.join(COMMANDS)}"
        raise UsageError(f"byline: unknown command '{args[0]}'{hint}\n(see `byline --help`)")
    parser = _parser()
    options, extra = parser.parse_known_args(args)
    command = parser.commands.get(getattr(options, "command", ""), parser)
    if extra:
        raise UsageError(_unknown_argument(command, extra[0]))
    return options if getattr(options, "run", None) else None


def _unknown_argument(parser: _Parser, given: str) -> str:
    if not given.startswith("-"):
        return f"{parser.prog}: unexpected argument '{given}'\n(see `{parser.prog} --help`)"
    name = given.split("=", 1)[0]
    guess = closest(name, parser.option_names(), cutoff=0.6)
    hint = f" — did you mean {guess}?" if guess else ""
    return f"{parser.prog}: unknown option {name}{hint}\n(see `{parser.prog} --help`)"


class _TopParser(_Parser):
    commands: dict[str, _Parser]


def _parser() -> _TopParser:
    parser = _TopParser(
        prog="byline",
        description="Byline turns a folder of Markdown articles into a fast news site.",
        epilog="examples:\n"
               "  byline init mysite           start a new site in the folder mysite\n"
               "  byline serve --site mysite   see it in your browser as you write\n"
               "  byline COMMAND --help        what a command does and its options",
    )
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    group = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    parser.commands = {}
    for name, make in _COMMAND_PARSERS.items():
        command = make(group)
        command.set_defaults(command=name)
        parser.commands[name] = command
    return parser


Subparsers = Any  # argparse's _SubParsersAction, which has no public name


def _init_parser(group: Subparsers) -> _Parser:
    init = group.add_parser(
        "init", help="start a new site",
        description="Create a new site, ready to build: site.yaml with every setting explained,\n"
                    "an example article with a photo, an About page and a .gitignore.\n"
                    "It never overwrites: a folder that already has a site is left alone.",
        epilog="examples:\n"
               "  byline init mysite      a new site in the folder mysite (made if needed)\n"
               "  byline init             a new site in the current folder",
    )
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR",
                      help="where to create the site; default: the current folder")
    init.add_argument("--author", metavar="NAME",
                      help="your name, for the example article and your author profile; "
                           "default: your git user.name")
    _output_options(init)
    init.set_defaults(run=_run_init)
    return init


def _new_parser(group: Subparsers) -> _Parser:
    new = group.add_parser(
        "new", help="start a new article",
        description="Create content/articles/<slug>/index.md with its front matter filled in.\n"
                    "It starts as a draft: remove the `draft: true` line to publish it.",
        epilog="examples:\n"
               '  byline new "Mara Quell announces a world tour"\n'
               '  byline new "Lumen Awards: the winners" --author "Dana Reyes"',
    )
    new.add_argument("headline", help="the article's headline, in quotes")
    new.add_argument("--author", metavar="NAME",
                     help="your name as it appears in the byline; default: your git user.name")
    _site_option(new)
    _output_options(new)
    new.set_defaults(run=_run_new)
    return new


def _build_parser(group: Subparsers) -> _Parser:
    build = group.add_parser(
        "build", help="build the site into output/",
        description="Build the site into output/, ready to upload anywhere. Only files that\n"
                    "changed are rewritten. Drafts and articles dated in the future are left\n"
                    "out unless you ask for them.",
        epilog="examples:\n"
               "  byline build                    build the site in the current folder\n"
               "  byline build --site mysite      build the site in the folder mysite\n"
               "  byline build --drafts --future  include unfinished and scheduled stories",
    )
    _site_option(build)
    build.add_argument("--output", type=Path, metavar="DIR",
                       help="write the site here instead of SITE/output")
    build.add_argument("--drafts", action="store_true",
                       help="include articles marked `draft: true`")
    build.add_argument("--future", action="store_true",
                       help="include articles dated in the future (scheduled ones)")
    _output_options(build)
    build.set_defaults(run=_run_build)
    return build


def _serve_parser(group: Subparsers) -> _Parser:
    serve = group.add_parser(
        "serve", help="preview the site in your browser while you write",
        description="Build the site and show it at http://127.0.0.1:8000/. Every time you save\n"
                    "a file the site is rebuilt and the page reloads. Drafts are shown.\n"
                    "Stop it with Ctrl+C.",
        epilog="examples:\n"
               "  byline serve --open        preview, and open it in your browser\n"
               "  byline serve --port 8080   use another port if 8000 is taken",
    )
    _site_option(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on; 0.0.0.0 lets phones on your network "
                            "see it (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=int, default=8000,
                       help="the port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in your browser")
    _output_options(serve)
    serve.set_defaults(run=_run_serve)
    return serve


def _check_parser(group: Subparsers) -> _Parser:
    check = group.add_parser(
        "check", help="build the site and look for broken links and missing credits",
        description="Build the site as it would be published, then look for links and images\n"
                    "that lead nowhere, broken feeds, photos without a credit or alt text and\n"
                    "stories without a dek or hero photo. Errors make it exit with status 1.",
        epilog="examples:\n"
               "  byline check            check before you publish\n"
               "  byline check --strict   treat warnings (a missing credit) as errors too",
    )
    _site_option(check)
    check.add_argument("--output", type=Path, metavar="DIR",
                       help="build into this folder instead of SITE/output")
    check.add_argument("--strict", action="store_true",
                       help="fail on warnings too, e.g. in a CI job that guards the style guide")
    _output_options(check)
    check.set_defaults(run=_run_check)
    return check


def _publish_parser(group: Subparsers) -> _Parser:
    publish = group.add_parser(
        "publish", help="build, check and send the site to where readers find it",
        description="Build the site for readers (no drafts, no future articles), check it, and\n"
                    "send it to a deploy target from site.yaml (deploy: targets:). Only files\n"
                    "that changed are sent. Errors found by the check stop the publish.",
        epilog="examples:\n"
               "  byline publish --dry-run   show what would be sent, send nothing\n"
               "  byline publish             publish to the default target\n"
               "  byline publish github      publish to the target named github",
    )
    publish.add_argument("target", nargs="?", metavar="TARGET",
                         help="the name of a target under `deploy: targets:` in site.yaml; "
                              "default: the one `deploy: default:` names")
    _site_option(publish)
    publish.add_argument("--dry-run", action="store_true",
                         help="list what would be uploaded and deleted, change nothing")
    publish.add_argument("--force", action="store_true",
                         help="publish even if the check finds errors (broken links...)")
    _output_options(publish)
    publish.set_defaults(run=_run_publish)
    return publish


def _site_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                         help="the site folder (the one with site.yaml); default: here")


def _output_options(command: argparse.ArgumentParser) -> None:
    chatter = command.add_mutually_exclusive_group()
    chatter.add_argument("-q", "--quiet", action="store_true",
                         help="print only problems; nothing at all when all is well")
    chatter.add_argument("-v", "--verbose", action="store_true",
                         help="print more detail, such as each file written")


_COMMAND_PARSERS: dict[str, Callable[[Subparsers], _Parser]] = {
    "init": _init_parser,
    "new": _new_parser,
    "build": _build_parser,
    "serve": _serve_parser,
    "check": _check_parser,
    "publish": _publish_parser,
}


# --- commands ----------------------------------------------------------------------------------


def _run_init(options: argparse.Namespace, console: Console) -> int:
    from generator.scaffold import init_site

    folder: Path = options.folder
    written = init_site(folder, author=options.author)
    for path in written:
        console.detail(f"  wrote {folder / path}")
    here = folder.resolve() == Path.cwd().resolve()
    console.say(f"Created a new site in {_shown(folder)}/", _GREEN)
    console.say("Next:" + ("" if here else f"\n  cd {_shown(folder)}") +
                "\n  byline serve --open                  see it in your browser"
                '\n  byline new "Your first headline"     start writing'
                "\n  edit site.yaml                       name your site, set base_url")
    return 0


def _run_new(options: argparse.Namespace, console: Console) -> int:
    from generator.scaffold import default_author, new_article

    config = _load_config(options.site)
    path = new_article(config, options.headline, options.author or default_author(),
                       datetime.now(config.tz))
    console.say(f"Created {_shown(path)} (a draft: `byline serve` shows it while you write)",
                _GREEN)
    return 0


def _run_build(options: argparse.Namespace, console: Console) -> int:
    result = _build(options.site, console, output=options.output, drafts=options.drafts,
                    future=options.future)
    if result.next_scheduled:
        console.say(f"Next scheduled article is due {result.next_scheduled.isoformat()}: "
                    "build again then to publish it.")
    return 0


def _run_serve(options: argparse.Namespace, console: Console) -> int:
    serve_site = _optional("generator.serve", "serve_site", "serve")
    return int(serve_site(options.site, options.host, options.port, options.open,
                          options.quiet))


def _run_check(options: argparse.Namespace, console: Console) -> int:
    config = _load_config(options.site)
    result = _build(options.site, console, output=options.output)
    return 1 if _check(result, config, console, strict=options.strict) else 0


def _run_publish(options: argparse.Namespace, console: Console) -> int:
    make_target = _optional("generator.publish", "make_target", "publish")
    config = _load_config(options.site)
    name, spec = _deploy_target(config, options.target)
    target = make_target(name, spec, config.root)  # before building: a typo fails fast
    result = _build(options.site, console)
    if _check(result, config, console, strict=False):
        if not options.force:
            console.error("publish stopped: fix the errors above, or publish anyway with "
                          "--force")
            return 1
        console.say("Publishing despite the errors above (--force).", _YELLOW)
    summary = target.publish(result.output, dry_run=options.dry_run)
    console.say(str(summary), _GREEN)
    for line in summary.details:
        if options.dry_run:
            console.say(f"  {line}")
        else:
            console.detail(f"  {line}")
    if not options.dry_run:
        _record_published(config.root, result.content.articles)
    return 0


# --- helpers the commands share ----------------------------------------------------------------


def _load_config(site: Path) -> SiteConfig:
    from generator.config import load_config

    report = Report()
    config = load_config(site.resolve(), report)
    report.raise_if_errors()
    assert config is not None
    return config


def _build(site: Path, console: Console, **choices: Any) -> BuildResult:
    """Build, print its warnings and summary (and under --verbose, every file written)."""
    from generator.build import BuildOptions, build_site

    # The image progress bar draws itself only on a terminal; --quiet turns it off there too.
    progress = False if console.quiet else None
    result = build_site(BuildOptions(site=site, progress=progress, **choices))
    for problem in result.warnings:
        console.problem(problem)
    for path in result.changed:
        console.detail(f"  wrote {path}")
    console.detail(f"  {result.unchanged} files unchanged")
    console.say(_summary(result), _GREEN)
    return result


def _check(result: BuildResult, config: SiteConfig, console: Console, *, strict: bool) -> bool:
    """Check the built site and print its problems; True if it must not go out."""
    check_site = _optional("generator.check", "check_site", "check")
    started = time.perf_counter()
    problems = check_site(result.output, config.base_url, result.content.articles)
    console.detail(f"Checked {_shown(result.output)}/ in {time.perf_counter() - started:.2f} s")
    for problem in problems:
        console.problem(problem)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    failed = errors > 0 or (strict and warnings > 0)
    message = (f"Check: {errors} error{_s(errors)}, {warnings} warning{_s(warnings)}"
               + (" (--strict: warnings count as errors)" if strict and warnings else ""))
    if problems:  # the tally belongs with the problems, so it shows under --quiet too
        print(paint(message, _RED if failed else _YELLOW, sys.stderr), file=sys.stderr)
    else:
        console.say(message, _GREEN)
    return failed


def _deploy_target(config: SiteConfig, wanted: str | None) -> tuple[str, Mapping[str, Any]]:
    """The name and settings of the target to publish to."""
    targets = config.deploy.get("targets")
    if not isinstance(targets, Mapping) or not targets:
        raise BylineError("site.yaml has no deploy targets: add a `deploy:` section with "
                          "`targets:` (see the comments `byline init` writes in site.yaml)")
    name = wanted or config.deploy.get("default")
    if name is None and len(targets) == 1:
        name = next(iter(targets))
    if name is None:
        raise BylineError(f"name a target (one of {', '.join(map(str, targets))}) or set "
                          "`deploy: default:` in site.yaml")
    if name not in targets:
        guess = closest(str(name), [str(t) for t in targets], cutoff=0.5)
        hint = f"did you mean '{guess}'?" if guess else f"use one of {', '.join(targets)}"
        raise BylineError(f"no deploy target '{name}' in site.yaml: {hint}")
    return str(name), targets[name]


def _record_published(site_root: Path, articles: Sequence[Article]) -> None:
    """Remember every URL published, so a later rename can redirect it."""
    try:
        from generator.published import record_published
    except ImportError:
        return  # an installation without the manifest: nothing to remember
    urls = {}
    for article in articles:
        path = Path(article.source.path)
        key = path.relative_to("content") if path.parts[:1] == ("content",) else path
        urls[key.as_posix()] = [article.url]
    record_published(site_root, urls)


def _optional(module: str, name: str, command: str) -> Any:
    """``module.name``, imported only when the command runs; a clear error if it is missing."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        package = (error.name or "").partition(".")[0]
        if package and package != "generator":  # a third-party package is not installed
            raise BylineError(f"`byline {command}` needs the Python package '{package}' "
                              "(pip install it)") from error
        missing = error
    except (ImportError, AttributeError) as error:
        missing = error
    raise BylineError(f"`byline {command}` is not available in this installation of Byline "
                      f"({module}.{name} is missing: {missing})")


def _summary(result: BuildResult) -> str:
    warnings = len(result.warnings)
    return (
        f"Built {result.articles} article{_s(result.articles)}, "
        f"{result.pages} page{_s(result.pages)}, {result.images} image{_s(result.images)} "
        f"({result.images_made} processed), {warnings} warning{_s(warnings)} "
        f"in {result.seconds:.2f} s — {result.written} files written, "
        f"{result.removed} removed → {_shown(result.output)}/"
    )


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to here when that is shorter."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) <= len(str(path)) else str(path)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
