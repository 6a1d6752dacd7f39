"""How the command talks to the writer: colour on a terminal, plain text when piped."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from generator.errors import BuildFailed, BylineError, Problem, Severity

GREEN, YELLOW, RED, BOLD = "32", "33", "31", "1"


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
        self.problems((problem,))

    def problems(self, problems: Iterable[Problem]) -> None:
        """Problems, one a line, always shown: written at once (a site of 10,000 stories may
        have as many warnings, and a write each costs more than the rest of a small build).
        A warning said of many files is shown for a few, then counted (all under --verbose):
        an imported archive's thousand "another tool's name" must not hide the one broken
        photo. Errors are always each shown."""
        colour = wants_colour(sys.stderr)
        shown = list(problems) if self.verbose else grouped(problems)
        lines = [f"\033[{RED if p.severity is Severity.ERROR else YELLOW}m{p}\033[0m"
                 if colour else str(p) for p in shown]
        if lines:
            sys.stderr.write("\n".join(lines) + "\n")
            sys.stderr.flush()

    def error(self, text: str) -> None:
        """Why the command failed, always shown."""
        print(paint(f"byline: error: {text}", RED, sys.stderr), file=sys.stderr)

    def failure(self, error: BylineError) -> None:
        """A command that failed: each problem of a build on its line, then why, always shown."""
        if isinstance(error, BuildFailed):
            self.problems(error.problems)
        self.error(str(error))


GROUP_SHOWN = 3  # warnings of one kind shown before the rest are counted


def grouped(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with each kind of warning (see ``_kind``) said of more than
    ``GROUP_SHOWN`` + 2 places cut to its first ``GROUP_SHOWN``, then a line counting the
    rest; in order, errors all kept."""
    problems = list(problems)
    kinds: dict[str, int] = {}
    for problem in problems:
        if problem.severity is Severity.WARNING:
            kind = _kind(problem.message)
            kinds[kind] = kinds.get(kind, 0) + 1
    if all(count <= GROUP_SHOWN + 2 for count in kinds.values()):
        return problems
    shown: list[Problem] = []
    seen: dict[str, int] = {}
    for problem in problems:
        kind = _kind(problem.message)
        if problem.severity is not Severity.WARNING or kinds[kind] <= GROUP_SHOWN + 2:
            shown.append(problem)
            continue
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= GROUP_SHOWN:
            shown.append(problem)
        if seen[kind] == GROUP_SHOWN:
            shown.append(Problem(Severity.WARNING, f"{kinds[kind] - GROUP_SHOWN} more like "
                                 f"these: {kind} (--verbose lists each)"))
    return shown


# What a message quotes of the file it is about.  A headline Byline quotes in curly quotes
# may hold curly quotes of its own ("“Halloway on “Northbound”: I Cried” has no dek"): it
# ends at the closing quote that the sentence goes on from, in lower case.  A typed text in
# single quotes opens where no letter stands before it ("tool's" is no quote).
_HEADLINE = re.compile(r"“.*?”(?= [a-z]|,|$)")
_TYPED = re.compile(r"(?<!\w)'[^'\n]*'(?!\w)")
_WORD = re.compile(r"\S*[^\W\d_]\S*")  # the first run of text with a letter in it


def _kind(message: str) -> str:
    """The kind of warning ``message`` is: its words before the first ": " (such as
    "'excerpt' is another tool's name, which Byline does not read"), with what it quotes of
    its file cut short.  A headline is left out: "“…” has no dek".  Typed text keeps its first
    word, which names what it is and so its fix: "'[caption…' is a WordPress shortcode",
    "'{{< youtube…' is a Hugo shortcode".  A name in double quotes is kept whole: two
    misspelt bylines are two fixes."""
    # Quotes first: a headline's own ": " ("“Review: Starfall”") is not where the kind ends.
    return _TYPED.sub(_cut_short, _HEADLINE.sub("“…”", message)).partition(": ")[0]


def _cut_short(quoted: re.Match[str]) -> str:
    text = quoted.group(0)
    first = _WORD.search(text[1:-1])
    if first is None or first.end() == len(text) - 2:
        return text  # one word, or none: the whole of it
    return text[0] + text[1:1 + first.end()] + "…" + text[-1]


def paint(text: str, colour: str | None, stream: TextIO) -> str:
    """``text`` in an ANSI colour when ``stream`` is a terminal that wants colour."""
    if colour is None or not wants_colour(stream):
        return text
    return f"\033[{colour}m{text}\033[0m"
