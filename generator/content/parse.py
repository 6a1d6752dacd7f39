"""Parsing one source file: bytes in, front matter and body HTML out.

Pure and deterministic, so its result is cached by the file's content hash and computed in
worker processes.  Problems that stop a file from being read at all are returned, not raised,
so one bad file never hides the problems of the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import LocatedError
from generator.frontmatter import FrontMatterError, split_front_matter
from generator.markup import RenderedMarkdown, render_markdown
from generator.sourceyaml import YamlDocument, YamlSyntaxError


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """Front matter and rendered body, or the one reason the file could not be read."""

    meta: YamlDocument | None = None
    body: RenderedMarkdown | None = None
    problem: str | None = None
    problem_line: int | None = None


def parse_source(data: bytes) -> ParsedSource:
    """Decode, split and render one Markdown file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ParsedSource(
            problem="the file is not UTF-8 text: save it as UTF-8 in your editor",
            problem_line=line,
        )
    text = text.replace("\r\n", "\n")
    try:
        split = split_front_matter(text)
    except (FrontMatterError, YamlSyntaxError) as exc:
        return ParsedSource(problem=str(exc), problem_line=exc.line)
    if not isinstance(split.meta.data, dict):
        return ParsedSource(problem="front matter must be key: value lines", problem_line=2)
    try:
        body = render_markdown(split.body, split.body_line)
    except LocatedError as exc:  # a body nested or sized beyond what Byline renders
        return ParsedSource(problem=str(exc), problem_line=exc.line)
    return ParsedSource(meta=split.meta, body=body)


def parse_many(items: list[tuple[str, bytes]]) -> list[tuple[str, ParsedSource]]:
    """Parse a batch (the unit of work sent to a worker process)."""
    return [(key, parse_source(data)) for key, data in items]
