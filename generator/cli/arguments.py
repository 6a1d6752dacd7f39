"""The command line's grammar: each command's options, help texts and examples."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from generator import __version__
from generator.cli import commands
from generator.inputfiles import is_encodable, shown
from generator.ownership import link_to_nothing
from generator.textmatch import closest

COMMANDS = ("init", "new", "build", "serve", "check", "publish", "next", "help")
# What `byline help TOPIC` prints besides a command's help.
HELP_TOPICS = ("reference",)


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


def parse_arguments(args: list[str]) -> argparse.Namespace | None:
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        guess = closest(args[0], COMMANDS, cutoff=0.5)
        if args[0] in HELP_TOPICS:
            hint = f" — did you mean `byline help {args[0]}`?"
        elif guess:
            hint = f" — did you mean `{guess}`?"
        else:
            hint = f"; commands: {', '.join(COMMANDS)}"
        raise UsageError(f"byline: unknown command '{args[0]}'{hint}\n(see `byline --help`)")
    parser = top_parser()
    options, extra = parser.parse_known_args(args)
    command = parser.commands.get(getattr(options, "command", ""), parser)
    if extra:
        raise UsageError(_unknown_argument(command, extra[0]))
    return options if getattr(options, "run", None) else None


def _unknown_argument(parser: _Parser, given: str) -> str:
    if not given.startswith("-"):
        return f"{parser.prog}: unexpected argument '{given}'\n(see `{parser.prog} --help`)"
    name = given.split("=", 1)[0]
    if name in parser.option_names():  # known to the command, given before it
        return (f"byline: {name} goes after the command: {parser.prog} {given}\n"
                f"(see `{parser.prog} --help`)")
    if name == "--site" and parser.prog == "byline init":
        # Every other command takes --site; init is given the new site's folder itself.
        value = given.split("=", 1)[1] if "=" in given else "FOLDER"
        return (f"byline init: the new site's folder is given without --site: byline init "
                f"{value}\n(see `byline init --help`)")
    guess = closest(name, parser.option_names(), cutoff=0.6)
    hint = f" — did you mean {guess}?" if guess else ""
    return f"{parser.prog}: unknown option {name}{hint}\n(see `{parser.prog} --help`)"


class _TopParser(_Parser):
    commands: dict[str, _Parser]


def top_parser() -> _TopParser:
    parser = _TopParser(
        prog="byline",
        description="Byline turns a folder of Markdown articles into a fast news site.",
        epilog="examples:\n"
               "  byline init mysite           start a new site in the folder mysite\n"
               "  byline serve --site mysite   see it in your browser as you write\n"
               "  byline COMMAND --help        what a command does and its options\n"
               "  byline help reference        every site.yaml setting and front-matter field",
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
    init.add_argument("folder", nargs="?", type=new_folder_name, default=".", metavar="DIR",
                      help="where to create the site; default: the current folder")
    init.add_argument("--author", metavar="NAME",
                      help="your name, for the example article and your author profile; "
                           "default: your git user.name")
    _output_options(init)
    init.set_defaults(run=commands.run_init)
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
    new.set_defaults(run=commands.run_new)
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
    build.add_argument("--output", type=new_folder_name, metavar="DIR",
                       help="write the site here instead of SITE/output")
    build.add_argument("--drafts", action="store_true",
                       help="include articles marked `draft: true`")
    build.add_argument("--future", action="store_true",
                       help="include articles dated in the future (scheduled ones)")
    build.add_argument("--force", action="store_true",
                       help="build into a folder that holds files Byline did not write "
                            "(they are kept, never deleted)")
    build.add_argument("--take-over", action="store_true",
                       help="build into a folder holding another site's files (its "
                            "base_url, as this site's was before), or files with no marker "
                            "(an older Byline's): they become this site's")
    _wait_option(build)
    _output_options(build)
    build.set_defaults(run=commands.run_build)
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
    serve.add_argument("--port", type=port_number, default=8000,
                       help="the port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in your browser")
    _output_options(serve)
    serve.set_defaults(run=commands.run_serve)
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
    check.add_argument("--output", type=new_folder_name, metavar="DIR",
                       help="build into this folder instead of SITE/output")
    check.add_argument("--force", action="store_true",
                       help="build into a folder that holds files Byline did not write "
                            "(they are kept, never deleted)")
    check.add_argument("--strict", action="store_true",
                       help="fail on warnings too, e.g. in a CI job that guards the style guide")
    _wait_option(check)
    _output_options(check)
    check.set_defaults(run=commands.run_check)
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
               "  byline publish github      publish to the target named github\n"
               "  byline publish --watch     publish again after every save (live coverage)",
    )
    publish.add_argument("target", nargs="?", metavar="TARGET",
                         help="the name of a target under `deploy: targets:` in site.yaml; "
                              "default: the one `deploy: default:` names")
    _site_option(publish)
    publish.add_argument("--dry-run", action="store_true",
                         help="list what would be uploaded and deleted, change nothing")
    publish.add_argument("--force", action="store_true",
                         help="publish even if the check finds errors (broken links...), and "
                              "into a folder, bucket or branch holding files Byline did not "
                              "write (they are kept, never deleted)")
    publish.add_argument("--take-over", action="store_true",
                         help="publish into a folder or bucket holding another site's files "
                              "(its base_url, as this site's was before), or a folder of files "
                              "with no marker (an older Byline's): they become this site's, "
                              "and those it does not have are deleted")
    publish.add_argument("--watch", action="store_true",
                         help="keep running and publish again each time a file is saved, "
                              "in a second or two even with 10,000 stories: for a live blog; "
                              "a save with errors publishes nothing; Ctrl-C stops")
    _wait_option(publish)
    _output_options(publish)
    publish.set_defaults(run=commands.run_publish)
    return publish


def _next_parser(group: Subparsers) -> _Parser:
    upcoming = group.add_parser(
        "next", help="print when the next scheduled story falls due (for cron)",
        description="Print when the next scheduled story (dated in the future, not a draft)\n"
                    "falls due, as an ISO 8601 time in the site's timezone, and nothing when\n"
                    "none is. Exit status: 0 a story is scheduled, 1 none is, 2 the site has\n"
                    "errors (printed as for `byline build`).",
        epilog="examples:\n"
               "  byline next                       2027-01-15T09:00:00-08:00\n"
               "  byline next --all                 every scheduled story: TIME<tab>FILE\n"
               "  byline next --epoch               1800032400, for shell arithmetic\n"
               "  when=$(byline next) && echo \"byline publish\" | at -t \"$(date -d \"$when\" "
               "+%Y%m%d%H%M)\"",
    )
    _site_option(upcoming)
    upcoming.add_argument("--all", action="store_true",
                          help="every scheduled story, soonest first, one per line: the time, "
                               "a tab, the article's file")
    upcoming.add_argument("--epoch", action="store_true",
                          help="print times as seconds since 1970-01-01 UTC instead")
    _output_options(upcoming)
    upcoming.set_defaults(run=commands.run_next)
    return upcoming


def _wait_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--wait", type=seconds, default=600.0, metavar="SECONDS",
                         help="how long to wait for another build, check or publish of the "
                              "same site to finish (default: 600; 0 gives up at once)")


def _site_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", type=folder_name, default=".", metavar="DIR",
                         help="the site folder (the one with site.yaml); default: here")


# --- argument values: checked here, so a bad one is a usage error, never a traceback later ----


def port_number(text: str) -> int:
    """A TCP port: 1-65535 (0, any free port, is allowed for scripts)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{shown(text)}' is not a port number: use a whole "
                                         "number from 1 to 65535, such as 8080") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: use one from 1 to "
                                         "65535, such as 8080")
    return port


def seconds(text: str) -> float:
    """A duration in seconds: 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"'{shown(text)}' is not a number of seconds: use one "
                                         "from 0 to 86400, such as 60")
    return value


def folder_name(text: str) -> Path:
    """A folder path that can be named in messages, the cache and URLs."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name (`.` is the current folder)")
    if "\0" in text:
        raise argparse.ArgumentTypeError("a folder name cannot contain a NUL character")
    path = Path(text)
    try:
        absolute = path.absolute()
    except OSError:  # the current folder was deleted under us
        raise argparse.ArgumentTypeError("the current folder no longer exists: cd to a folder "
                                         "that does") from None
    if not is_encodable(str(absolute)):
        raise argparse.ArgumentTypeError(f"{shown(absolute)} is not a UTF-8 name: rename the "
                                         "folder, or use one whose name your computer shows "
                                         "correctly")
    return path


def new_folder_name(text: str) -> Path:
    """A folder Byline may create: one that is not a file, inside a folder that is not a file."""
    path = folder_name(text)
    if missing := link_to_nothing(path.absolute(), "the folder"):
        raise argparse.ArgumentTypeError(missing)
    for ancestor in (path, *path.absolute().parents):
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                what = (f"{shown(text)} is" if ancestor == path
                        else f"{shown(text)} is inside {shown(ancestor)}, which is")
                raise argparse.ArgumentTypeError(
                    f"{what} a file, not a folder: name a folder (Byline creates it if it does "
                    "not exist)")
            break
    return path


def _output_options(command: argparse.ArgumentParser) -> None:
    chatter = command.add_mutually_exclusive_group()
    chatter.add_argument("-q", "--quiet", action="store_true",
                         help="print only problems; nothing at all when all is well")
    chatter.add_argument("-v", "--verbose", action="store_true",
                         help="print more detail, such as each file written")


def _help_parser(group: Subparsers) -> _Parser:
    helping = group.add_parser(
        "help", help="what a command does, or every setting and field",
        description="Print what a command does and its options, or, with `reference`, every\n"
                    "site.yaml setting and front-matter field (paged on a terminal).",
        epilog="examples:\n"
               "  byline help build       the build command's options\n"
               "  byline help reference   every site.yaml setting and front-matter field",
    )
    helping.add_argument("topic", nargs="?", metavar="TOPIC",
                         help=f"a command ({', '.join(COMMANDS[:-1])}) or "
                              f"{' or '.join(HELP_TOPICS)}")
    helping.set_defaults(run=_run_help, quiet=False, verbose=False)
    return helping


def _run_help(options: argparse.Namespace, _console: object) -> int:
    """``byline help [TOPIC]``."""
    topic = options.topic
    if topic in HELP_TOPICS:
        return commands.show_reference()
    parser = top_parser()
    if topic is None:
        parser.print_help()
        return 0
    if topic not in parser.commands:
        guess = closest(topic, [*COMMANDS, *HELP_TOPICS], cutoff=0.5)
        hint = f" — did you mean `byline help {guess}`?" if guess else ""
        raise UsageError(f"byline help: no help on '{topic}'{hint}\n"
                         f"(topics: {', '.join((*COMMANDS, *HELP_TOPICS))})")
    parser.commands[topic].print_help()
    return 0


_COMMAND_PARSERS: dict[str, Callable[[Subparsers], _Parser]] = {
    "init": _init_parser,
    "new": _new_parser,
    "build": _build_parser,
    "serve": _serve_parser,
    "check": _check_parser,
    "publish": _publish_parser,
    "next": _next_parser,
    "help": _help_parser,
}
