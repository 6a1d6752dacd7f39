"""Where problems come from and how they are reported.

Every value read from a file carries a ``SourceLocation`` so that any problem can name
``file:line``.  Stages never print: they collect ``Problem``s in a ``Report`` and the CLI
prints them all at the end, one line each.  A stage that cannot go on raises ``BuildFailed``
with everything found so far.

    BylineError                 anything the CLI turns into a clean message (no traceback)
    ├── BuildFailed             one or more error-level problems stopped a build
    └── PublishError            a deploy target refused or failed
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from generator.plaindata import items, maybe, maybe_integer, text


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A file (relative to the site folder where possible) and a 1-based line, if known."""

    path: str
    line: int | None = None

    def __post_init__(self) -> None:
        # Kept as text: locations are read back from the cache by the thousand, and Path
        # objects are slow to rebuild on loading. Typed str (mypy holds callers to it); a Path
        # passed all the same is still turned to text.
        if not isinstance(self.path, str):
            object.__setattr__(self, "path", str(self.path))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def at(self, line: int | None) -> SourceLocation:
        """The same file at another line."""
        return SourceLocation(self.path, line)


# Everything str.splitlines() breaks at, written as its escape instead.
_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said in one line."""

    severity: Severity
    message: str
    location: SourceLocation | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        # One problem, one line: a key or value quoted in the message may hold a line break.
        return f"{where}{self.severity.value}: {self.message.translate(_LINE_BREAKS)}"


@dataclass(slots=True)
class Report:
    """The problems a stage found, in the order found."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, location: SourceLocation | None = None) -> None:
        """Record an error: the build will fail after this stage."""
        self.problems.append(Problem(Severity.ERROR, message, location))

    def warning(self, message: str, location: SourceLocation | None = None) -> None:
        """Record a warning: the build goes on."""
        self.problems.append(Problem(Severity.WARNING, message, location))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere (another process, another stage)."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """Only the error-level problems."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Only the warning-level problems."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def raise_if_errors(self, what: str = "build") -> None:
        """Stop the build (or ``what`` else: "reading site.yaml") if any error was recorded."""
        if self.errors:
            raise BuildFailed(self.sorted(), what)

    def sorted(self) -> list[Problem]:
        """Problems ordered by file and line, so output is stable across runs, each once: a
        template's mistake met by every page it renders is one problem, not one per page."""
        return sorted(dict.fromkeys(self.problems), key=_problem_order)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    loc = problem.location
    return (loc.path if loc else "", (loc.line or 0) if loc else 0, problem.message)


class LocatedError(ValueError):
    """A parser's complaint about its input; ``line`` is 1-based, when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class BylineError(Exception):
    """Base of every error the CLI reports without a traceback."""


class BuildFailed(BylineError):
    """A build stopped; ``problems`` holds every problem found, warnings included."""

    def __init__(self, problems: list[Problem], what: str = "build", then: str = "") -> None:
        self.problems = problems
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        super().__init__(f"{what} failed with {errors} error{'s' if errors != 1 else ''}"
                         + (f"; {then}" if then else ""))


class PublishError(BylineError):
    """Publishing to a target failed."""


def location_data(where: SourceLocation) -> list[Any]:
    """A SourceLocation as plain data."""
    return [where.path, where.line]


def location_from(data: object) -> SourceLocation:
    """The SourceLocation ``location_data`` wrote."""
    path, line = items(data)
    return SourceLocation(text(path), maybe_integer(line))


def problem_data(problem: Problem) -> list[Any]:
    """A Problem as plain data."""
    where = problem.location
    return [problem.severity.value, problem.message, where and location_data(where)]


def problem_from(data: object) -> Problem:
    """The Problem ``problem_data`` wrote."""
    severity, message, where = items(data)
    return Problem(Severity(text(severity)), text(message), maybe(location_from, where))
