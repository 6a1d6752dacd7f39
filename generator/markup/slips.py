"""Slips in a body's Markdown that publish without an error but not as the writer meant:
each said as a warning at its line (see content/assemble.py)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from generator.markup.figures import PHOTO


@dataclass(frozen=True, slots=True)
class BodySlip:
    """Something a reader would see wrong: its warning, and the line of the file it is on."""

    message: str
    line: int | None


def line_finder(text: str, first_line: int) -> Callable[[int], int]:
    """The line of the file at each offset into ``text`` (which starts at ``first_line``):
    its line breaks found once, each offset then by bisection."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    return lambda offset: first_line + bisect_left(breaks, offset)


# A photo or video whose attribute list opens and is never closed on its line: Markdown
# leaves the image inline and shows "{credit=…" as text, the credit and caption lost.
# Each part bounded, so hostile text ("![" thousands of times) costs a pass, not a square.
_UNCLOSED_ATTRIBUTES = re.compile(PHOTO + r"[ \t]*(\{[^{}\n]*)$", re.MULTILINE)


def unclosed_attribute_lists(text: str, first_line: int) -> list[BodySlip]:
    """Every photo line in ``text`` (starting at ``first_line`` of its file) whose ``{…}``
    is never closed."""
    found = list(_UNCLOSED_ATTRIBUTES.finditer(text)) if "{" in text else []
    if not found:
        return []
    line_at = line_finder(text, first_line)
    slips = []
    for match in found:
        written = match.group(1).rstrip()
        slips.append(BodySlip(
            f"this photo's {written} is never closed with }}: readers would see it as text, "
            f"and the photo would lose its caption and credit; close it: {written}}}",
            line_at(match.start())))
    return slips
