"""Slips in a body's Markdown that publish without an error but not as the writer meant:
each said as a warning at its line (see content/assemble.py)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from generator.markup.figures import PHOTO


@dataclass(frozen=True, slots=True)
class BodySlip:
    """Something a reader would see wrong: its warning, and the line of the file it is on."""

    message: str
    line: int | None


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
    breaks = [m.start() for m in re.finditer("\n", text)]
    slips = []
    for match in found:
        written = match.group(1).rstrip()
        slips.append(BodySlip(
            f"this photo's {written} is never closed with }}: readers would see it as text, "
            f"and the photo would lose its caption and credit; close it: {written}}}",
            first_line + bisect_left(breaks, match.start())))
    return slips
