"""Split a Markdown file into its YAML front matter and its body, keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.errors import LocatedError
from generator.sourceyaml import Repeat, RepeatedKeys, YamlDocument, YamlSyntaxError, parse_yaml

FENCE = "---"


class FrontMatterError(LocatedError):
    """The file has no usable front matter."""


@dataclass(frozen=True, slots=True)
class SplitDocument:
    """Front matter (parsed) and the Markdown body with the line it starts on."""

    meta: YamlDocument
    body: str
    body_line: int
    repeats: tuple[Repeat, ...] = ()  # keys given more than once (see ``RepeatedKeys``)


def split_front_matter(text: str) -> SplitDocument:
    """Separate ``---`` YAML ``---`` from the body; raise FrontMatterError if it is missing."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise FrontMatterError(_not_yaml(lines[0].strip() if lines else ""), 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            repeats: tuple[Repeat, ...] = ()
            try:
                meta = parse_yaml("\n".join(lines[1:index]), first_line=2)
            except RepeatedKeys as exc:  # the rest is read, to be checked all the same
                meta, repeats = exc.document, exc.repeats
            except YamlSyntaxError:
                _check_closed(lines, index)  # the better explanation, when it is that
                raise
            body = "\n".join(lines[index + 1 :])
            return SplitDocument(meta, body, index + 2, repeats)
    raise FrontMatterError("front matter is not closed: add a '---' line after it", 1)


# A line of YAML at the left margin: a key (short, with no sentence in it), a list item, a
# comment, a quoted or bracketed key.
_YAML_LINE = re.compile(r"(?:(?P<key>[^\s:#][^:]{0,39})|[\"'\[{?].*?)[ \t]*:(?:\s|$)|-(?:\s|$)|#")
_SENTENCE_END = re.compile(r"[.!?] ")


def _looks_like_yaml(line: str) -> bool:
    found = _YAML_LINE.match(line)
    return found is not None and not _SENTENCE_END.search(found.group("key") or "")


def _check_closed(lines: list[str], closing: int) -> None:
    """Raise the "not closed" error when the ``---`` (or ``...``) at ``closing``, above
    which YAML failed, is a rule in the story, not the end of its front matter: after a
    blank line, a line at the left margin that no YAML starts (the story's first paragraph),
    which would otherwise be refused as a setting."""
    blank = False
    for number, line in enumerate(lines[1:closing], start=2):
        if not line.strip():
            blank = True
        elif blank and not line[0].isspace() and not _looks_like_yaml(line):
            raise FrontMatterError(
                f"front matter is not closed: add a '---' line after it (line {number} is "
                "the story's text, and the '---' read as its end is further down, at line "
                f"{closing + 1})", 1)


_NO_FRONT_MATTER = "no front matter: the file must start with a '---' line, then title: and date:"
# Front matter as other tools write it, by its first line: Hugo's TOML and JSON, and
# Pelican's (and MultiMarkdown's) "Title: …" lines.
_YAML_FORM = "---, then lines such as title: \"…\" and date: 2024-03-01 10:00, then ---"
# What a page is told instead (see ``said_of_a_page``).
_PAGE_WORDING = {_NO_FRONT_MATTER: _NO_FRONT_MATTER.removesuffix(" and date:"),
                 _YAML_FORM: "---, then lines such as title: \"…\", then ---"}


def said_of_a_page(problem: str) -> str:
    """A front-matter problem as said of a page, which has no date: a parse is kept by its
    file's bytes, and does not know whether the file is a story or a page."""
    for story, page in _PAGE_WORDING.items():
        problem = problem.replace(story, page)
    return problem


def _not_yaml(first: str) -> str:
    """The error for a file whose first line is not ``---``: naming another tool's front
    matter when it is one, since "no front matter" is untrue of it."""
    if first == "+++":
        return ("this front matter is TOML (Hugo's '+++'), which Byline does not read: write "
                f"it as YAML: {_YAML_FORM} (key: value, not key = value)")
    if first.startswith("{"):
        return ("this front matter is JSON (Hugo's '{…}'), which Byline does not read: write "
                f"it as YAML: {_YAML_FORM}")
    key, colon, _ = first.partition(":")
    if colon and key.strip() and key.strip().replace(" ", "").isalpha() and key[:1].isupper():
        return (f"'{first[:40]}' looks like Pelican's front matter, which Byline does not read "
                f"without its fences: write it as YAML: {_YAML_FORM} (keys in lower case)")
    return _NO_FRONT_MATTER
