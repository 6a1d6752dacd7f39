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
        raise FrontMatterError(
            "no front matter: the file must start with a '---' line, then title: and date:", 1
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            meta = parse_yaml("\n".join(lines[1:index]), first_line=2)
            body = "\n".join(lines[index + 1 :])
            return SplitDocument(meta, body, index + 2)
    raise FrontMatterError("front matter is not closed: add a '---' line after it", 1)
