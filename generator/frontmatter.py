"""Split a Markdown file into its YAML front matter and its body, keeping line numbers."""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import LocatedError
from generator.sourceyaml import YamlDocument, parse_yaml

FENCE = "---"


class FrontMatterError(LocatedError):
    """The file has no usable front matter."""


@dataclass(frozen=True, slots=True)
class SplitDocument:
    """Front matter (parsed) and the Markdown body with the line it starts on."""

    meta: YamlDocument
    body: str
    body_line: int


def split_front_matter(text: str) -> SplitDocument:
    """Separate ``---`` YAML ``---`` from the body; raise FrontMatterError if it is missing."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise FrontMatterError(_not_yaml(lines[0].strip() if lines else ""), 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            meta = parse_yaml("\n".join(lines[1:index]), first_line=2)
            body = "\n".join(lines[index + 1 :])
            return SplitDocument(meta, body, index + 2)
    raise FrontMatterError("front matter is not closed: add a '---' line after it", 1)


# Front matter as other tools write it, by its first line: Hugo's TOML and JSON, and
# Pelican's (and MultiMarkdown's) "Title: …" lines.
_YAML_FORM = "---, then lines such as title: \"…\" and date: 2024-03-01 10:00, then ---"


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
    return "no front matter: the file must start with a '---' line, then title: and date:"
