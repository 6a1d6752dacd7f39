"""What every build of any input must look like from outside: a correct site or clear lines.

Shared by the fuzz tests and the hostile-input tests.  A build of any input either exits 0
with well-formed HTML and XML, or exits non-zero printing only ``file:line: error: …`` style
lines (never a traceback), within a few seconds, leaving the previous output untouched.
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from generator.cli import main
from generator.ownership import MARKER_NAME

# A problem line, a summary line, or the command's own one-line error.
PROBLEM_LINE = re.compile(
    r"^(?:[^\n]+?(?::\d+)?: (?:error|warning): .+|byline: (?:error: )?.+|Check: .+)$"
)


@dataclass(frozen=True, slots=True)
class Run:
    """What one in-process run of the ``byline`` command did."""

    code: int
    out: str
    err: str


class TookTooLong(Exception):
    """A command ran past its time limit (a hang, or quadratic work on a small input)."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise TookTooLong in the main thread after ``seconds`` (Unix only)."""
    def stop(signum: int, frame: object) -> None:
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_byline(args: Sequence[str], *, seconds: int = 20) -> Run:
    """Run ``byline ARGS`` in this process; any exception escaping ``main`` fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with time_limit(seconds), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes (empty when the folder does not exist).

    The token naming the build in Byline's marker is random, different for every build:
    it shows as ``/build <token>``, and the site's folder it names as ``/site <site>``, so
    that two builds of the same site (or of its copy) compare equal."""
    if not folder.is_dir():
        return {}
    files = {p.relative_to(folder).as_posix(): p.read_bytes()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    if MARKER_NAME in files:
        files[MARKER_NAME] = re.sub(rb"(?m)^/site .*$", b"/site <site>", re.sub(
            rb"(?m)^/build [0-9a-f]{32}$", b"/build <token>", files[MARKER_NAME]))
    return files


def assert_well_formed(output: Path) -> None:
    """Every XML output parses strictly; every HTML page has a document and a title."""
    for path in output.rglob("*"):
        if path.suffix == ".xml":
            ET.fromstring(path.read_bytes())  # raises on anything not well-formed
        elif path.suffix == ".html":
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            assert soup.find("html") is not None, path
            assert soup.find("title") is not None, path


def assert_clean_failure(run: Run) -> None:
    """A failed run printed only one-line problems, never a traceback."""
    assert run.code != 0
    assert "Traceback" not in run.err, run.err
    assert "internal error, a bug in Byline" not in run.err, run.err
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert lines, "a failed build must say why"
    for line in lines:
        assert PROBLEM_LINE.match(line), f"not a one-line problem: {line!r}"
    assert any(": error: " in line or line.startswith("byline: error") for line in lines)


def build_outcome(site: Path, *, previous: dict[str, bytes] | None = None,
                  args: Sequence[str] = (), seconds: int = 20) -> Run:
    """Build ``site`` and check the outcome is one of the two allowed ones.

    ``previous`` is what output/ held before; on failure it must be unchanged.
    """
    run = run_byline(["build", "--site", str(site), "--quiet", *args], seconds=seconds)
    output = site / "output"
    if run.code == 0:
        assert "Traceback" not in run.err, run.err
        assert_well_formed(output)
    else:
        assert_clean_failure(run)
        if previous is not None:
            assert snapshot(output) == previous, "a failed build changed the previous output"
    return run
