"""Pointing a problem the check found in a built page at the line of Markdown that made it.

The check reads the built site (what readers get), so it finds a broken link at
``output/music/slug/index.html:61``; the writer fixes it in ``content/articles/slug.md``.
When the page was made from an article or page and the address the problem names is
written in that file, the problem is moved to that file and line.  An address the file
does not hold (a link in the theme's templates, a photo the build resized) stays where it
was found, in the built page.

This runs on the check's findings, not inside the check: those are remembered between
checks by page (``CheckMemo``), and a source file can move its lines without changing its
page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from generator.errors import Problem, SourceLocation
from generator.model import Article, Author, DraftAddress, Page
from generator.slugs import folder_url

# What may close an address quoted in a message: "(nothing at /x/)", "…/x/:", "/x/,".
_AROUND = "()[]<>\"'“”‘’,.:;"


def at_their_sources(
    problems: Sequence[Problem], made: Iterable[Article | Page], site: Path, output: Path,
    authors: Iterable[Author] = (), copied: Mapping[str, str] = {},
) -> list[Problem]:
    """``problems``, those in a page made from one of ``made`` (whose sources are under
    ``site``; the pages in ``output``), or in a file ``copied`` from another (output key →
    that file: a theme's stylesheet, published under a hashed name), located at the line of
    its source file that holds the address they name, where one does; else at the line of
    an author file of ``authors`` that holds it (said once, not once for each of the
    author's pages that shows it)."""
    by_page = {str(Path(output.name) / _output_key(item.url)): (item.source.path, item.url)
               for item in made}
    by_page.update({str(Path(output.name) / key): (source, "/" + key)
                    for key, source in copied.items()})
    author_files = [(a.location.path, a.url) for a in authors if a.location is not None]
    lines: dict[str, list[str] | None] = {}

    # How many problems with the same words each source has been given: the second of two
    # links alike (the same broken address, in an update and in the body) is at the second
    # line naming it.
    given: dict[tuple[str, str], int] = {}

    def line_in(source: str, problem: Problem, own: str) -> int | None:
        if source not in lines:
            lines[source] = _lines_of(site / source)
        earlier = given.get((source, problem.message), 0)
        line = _line_naming(problem.message, lines[source], own, earlier)
        if line is not None:
            given[source, problem.message] = earlier + 1
        return line

    found: list[Problem] = []
    said: set[tuple[object, ...]] = set()
    for problem in problems:
        if problem.location is None or not problem.location.path.startswith(output.name + "/"):
            found.append(problem)
            continue
        source, own = by_page.get(problem.location.path, ("", ""))
        if source and (line := line_in(source, problem, own)) is not None:
            found.append(Problem(problem.severity, problem.message,
                                 SourceLocation(source, line)))
            continue
        # A link in an author's file is on their page and under each of their stories.
        author = next(((source, line) for source, url in author_files
                       if (line := line_in(source, problem, url)) is not None), None)
        if author is None:
            found.append(problem)
            continue
        what = (author, problem.severity, problem.message.partition(" on ")[0])
        if what not in said:
            said.add(what)
            found.append(Problem(problem.severity, problem.message, SourceLocation(*author)))
    return found


# The end of a broken link's message (check/site.py), naming the address with no file.
_NOTHING_AT = re.compile(r" \(nothing at (?P<path>[^()]*)\): correct the address, or take the "
                         r"link out$")


def said_of_withheld(problems: Sequence[Problem], drafts: Iterable[DraftAddress],
                     scheduled: Iterable[Article]) -> list[Problem]:
    """``problems``, a broken link to the address of a story held back (one of ``drafts``,
    or of the stories ``scheduled`` for later) saying so, and when it is due, rather than
    sending the writer looking for a typo in an address that is right."""
    held: dict[str, tuple[str, datetime | None]] = {
        draft.url: (draft.source.path, None) for draft in drafts}
    held.update((story.url, (story.source.path, story.date)) for story in scheduled)
    if not held:
        return list(problems)
    found = []
    for problem in problems:
        match = _NOTHING_AT.search(problem.message)
        path = match and match["path"].removesuffix("index.html")
        item = held.get(folder_url(path)) if path else None
        if match is None or item is None:
            found.append(problem)
            continue
        source, due = item
        when = ("a draft, not published): publish it first (take out its draft: true), "
                "or take the link out" if due is None else
                f"not published until {due.strftime('%Y-%m-%d %H:%M')}): publish this "
                "story after it, or take the link out until then")
        message = problem.message[:match.start()] + f" ({source}, {when}"
        found.append(Problem(problem.severity, message, problem.location))
    return found


def _output_key(url: str) -> str:
    """The file a page's URL is written to: ``/music/slug/`` → ``music/slug/index.html``."""
    key = url.lstrip("/")
    return key + "index.html" if not key or key.endswith("/") else key


def _lines_of(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # gone or unreadable since the build: the built page is still a place
        return None


def _line_naming(message: str, lines: list[str] | None, own: str, earlier: int = 0
                 ) -> int | None:
    """The first line (1-based) holding an address the message names, the first named
    first, but for the page's own (``own``, which it names as where the problem is); None
    if none does.  With ``earlier`` problems alike located already, the line after theirs
    that names it, where there is one."""
    if not lines:
        return None
    for word in message.split():
        address = word.strip(_AROUND)
        if len(address) < 2 or address == own:
            continue
        # A word with no "/", "." or "#" could be any text: it is looked for only as a link's
        # target, as Markdown writes it (``[more](backstage)``).
        wanted = address if any(c in address for c in "/.#") else "](" + address
        found = [n for n, line in enumerate(lines, 1) if wanted in line]
        # Where the address is a link's or a photo's, before any other line that names it (a
        # WordPress export's featured_image:, repeating the photo of an <img> below).
        linked = [n for n in found if any(f"{mark}{address}" in lines[n - 1]
                                          for mark in _LINKING)]
        found = linked or found
        if found:
            return found[min(earlier, len(found) - 1)]
    return None


# What stands before an address that is a link's or a photo's, in Markdown or HTML.
_LINKING = ("](", '="', "='", "=", "<", "]: ")
