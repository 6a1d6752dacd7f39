"""A live blog's updates: the level-2 headings that start with a time, and what follows each.

In a live article (``live:`` in its front matter) every top-level ``## 9:42 pm — Headline``
starts an update that runs to the next one.  This stage only finds them: the heading's HTML,
its line, and the body cut into the intro and one part per update, joined by ``UPDATE_MARK``
so the render stage can fill photos in the whole body at once and cut it again.  What the
times mean (dates, the timezone, midnight) is the content stage's business.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from generator.dates import read_clock, starts_with_time
from generator.markup.slips import BodySlip

# Between the intro and each update in a live article's stored body (never in other bodies).
UPDATE_MARK = "<!--byline:update-->"
# Where the tree processor marks a heading: control characters never survive into the HTML,
# so the writer cannot type this.
_CUT = "\x02byline-update\x03"
_HEADING = re.compile(r"\s*<h2\b[^>]*>(.*?)</h2>\s*", re.DOTALL)
# "## 9:42 pm — …", or the same line underlined with dashes (a setext heading).
_HEADING_LINE = re.compile(r"^ {0,3}(?:##[ \t]+(.*)|(\S.*)\n {0,3}-+[ \t]*)$", re.MULTILINE)
# Marks and symbols a desk puts before an update's time: "**9:50 pm**", "🔴 10:05 pm"; not
# quotes or brackets, which make a title ("## “4:44” and the Jay-Z question").
_BEFORE_TIME = re.compile(r"(?:[^\w\s\"'“”‘’«»()\[\]{}]|_)+\s*")


@dataclass(frozen=True, slots=True)
class RawUpdate:
    """One update's heading as HTML ("9:42 pm — Best <em>Actress</em>") and its line."""

    heading_html: str
    line: int | None = None


class _MarkUpdates(Treeprocessor):
    """Put ``_CUT`` before each top-level ``<h2>`` that starts with a time."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.enabled = False

    def run(self, root: etree.Element) -> None:
        previous: etree.Element | None = None
        for child in root:
            if self.is_update(child):
                if previous is None:
                    root.text = (root.text or "") + _CUT
                else:
                    previous.tail = (previous.tail or "") + _CUT
            previous = child

    def is_update(self, child: etree.Element) -> bool:
        """Whether a top-level element of the body starts an update (never when off)."""
        return self.enabled and child.tag == "h2" and starts_with_time(child.text or "")

    def updates(self, root: etree.Element) -> list[etree.Element]:
        """The headings that start the updates of a live body (none in any other)."""
        return [child for child in root if self.is_update(child)] if self.enabled else []


class LiveUpdatesExtension(Extension):
    """Marks a live article's update headings (switched on per document by ``enabled``)."""

    def extendMarkdown(self, md: Markdown) -> None:
        self.processor = _MarkUpdates(md)
        # After the inline patterns (the heading's text is final) and the table of contents
        # (its ids), before nothing that reads tails.
        md.treeprocessors.register(self.processor, "byline-live-updates", 4)


def cut_updates(html: str) -> tuple[list[str], list[str]]:
    """The body's parts (intro first) and each update's heading HTML, from marked HTML.

    A part that does not start with a heading (only possible if the marks went astray) stays
    with the part before it.
    """
    pieces = html.split(_CUT)
    parts, headings = [pieces[0]], []
    for piece in pieces[1:]:
        match = _HEADING.match(piece)
        if match is None:
            parts[-1] += piece
            continue
        headings.append(match.group(1).strip())
        parts.append(piece[match.end():])
    return parts, headings


def heading_lines(text: str, first_line: int, count: int) -> list[int | None]:
    """The lines of the first ``count`` ``## <time>`` headings of the Markdown ``text``."""
    found: list[int | None] = []
    for match in _HEADING_LINE.finditer(text):
        atx, setext = match.groups()
        if starts_with_time(atx if atx is not None else setext):
            found.append(first_line + text.count("\n", 0, match.start()))
    found = found[:count]
    return found + [None] * (count - len(found))


def times_not_first(text: str, first_line: int) -> list[BodySlip]:
    """A warning at each ``##`` heading of a live body that would be an update but for what
    comes before its time (bold, an emoji): it is read as a subhead of the update above,
    under that update's time, which is not what the desk meant."""
    slips = []
    for match in _HEADING_LINE.finditer(text):
        atx, setext = match.groups()
        heading = atx if atx is not None else setext
        lead = _BEFORE_TIME.match(heading)
        if lead is None or starts_with_time(heading):
            continue
        rest = heading[lead.end():]
        if not starts_with_time(rest) or read_clock(rest)[2] is not None:
            continue
        before = lead.group(0).strip()
        slips.append(BodySlip(
            f"this heading is not read as an update, because {before} comes before its time: "
            "it shows inside the update above, as a subhead, under that update's time; start "
            f"the heading with the time: ## {rest.replace(before, '').strip()}",
            first_line + text.count("\n", 0, match.start())))
    return slips
