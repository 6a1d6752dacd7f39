"""Lists as writers type them, not as Python-Markdown's original rules want them.

Three habits of editors and of text pasted from Google Docs, GitHub or Obsidian broke lists
here, with nothing said:

- a list right under its lead-in line ("The big winners:" then "- Mara Quell" and more) was
  one paragraph with the dashes showing, as the library wants a blank line first;
- a sub-list indented two or three spaces under its item (how those editors indent) was
  flattened into the parent list, as the library nests only by four;
- a numbered list after a bulleted one was merged into it, shown as bullets.

The first is a block processor that cuts such a paragraph before its first item (a bullet,
or a number list starting at 1, as CommonMark lets one interrupt a paragraph, so that "in
1999. The band" stays prose).  The second re-indents a nested item to the library's four
spaces a level, line for line, so every line keeps its number.  The third is the library's
own ``sane_lists``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.preprocessors import Preprocessor

# A list item's start: indent, marker, the spaces after it (or the end of the line).
_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])(?: +|$)")
# The quote marks a line starts with ("> ", "> > ").
_QUOTE = re.compile(r"(?: {0,3}> ?)+")
# An item that may interrupt a paragraph: a bullet, or a number list starting at 1.
_INTERRUPTING = re.compile(r" {0,3}(?:[-*+]|1[.)]) +\S")


class _NestedIndents(Preprocessor):
    """A sub-list indented under its item's text (two or three spaces) gets four a level,
    in a quote (``> ``) as outside one."""

    def run(self, lines: list[str]) -> list[str]:
        # The open items: (indent typed, where its text starts, indent given).
        open_items: list[tuple[int, int, int]] = []
        after_blank = False
        quoted = ""  # the quote marks the lines of the list start with
        for number, whole in enumerate(lines):
            mark = _QUOTE.match(whole)
            prefix = mark.group() if mark else ""
            if prefix.replace(" ", "") != quoted.replace(" ", ""):
                open_items, after_blank = [], False  # into or out of a quote: another list
            quoted = prefix
            line = whole[len(prefix):]
            if not line.strip():
                after_blank = True
                continue
            item = _ITEM.match(line)
            typed = len(line) - len(line.lstrip(" "))
            if item is None or (not open_items and typed > 3):
                if after_blank and open_items and typed < open_items[0][1]:
                    open_items = []  # a paragraph after the list: it has ended
                after_blank = False
                continue
            after_blank = False
            while open_items and typed < open_items[-1][1]:
                open_items.pop()  # not under the text of the item above: a sibling or less
            given = open_items[-1][2] + 4 if open_items else typed
            open_items.append((typed, item.end(), given))
            if given != typed:
                lines[number] = prefix + " " * given + line[typed:]
        return lines


class _ListUnderItsLine(BlockProcessor):
    """A paragraph whose later line starts a list: the lines before it are the paragraph,
    the rest is parsed again (as the list it is)."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return self._first_item(block) > 0

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        block = blocks.pop(0)
        cut = self._first_item(block)
        lines = block.split("\n")
        blocks[0:0] = ["\n".join(lines[:cut]), "\n".join(lines[cut:])]
        return True

    @staticmethod
    def _first_item(block: str) -> int:
        """The line of the block's first list item after its first line (0: none), when a
        second item follows it: one line "- Jasper Quint" under a quote is its speaker, as
        writers type it, not a list of one."""
        if "\n" not in block or _ITEM.match(block):
            return 0
        lines = block.split("\n")
        for number, line in enumerate(lines[1:], 1):
            if _INTERRUPTING.match(line):
                more = any(_ITEM.match(rest) for rest in lines[number + 1:])
                return number if more else 0
        return 0


class WriterListsExtension(Extension):
    """Registers the processors above and ``sane_lists``."""

    def extendMarkdown(self, md: Markdown) -> None:
        SaneListExtension().extendMarkdown(md)
        md.preprocessors.register(_NestedIndents(md), "byline-nested-lists", 5)
        # Just above the paragraph (10): only a block no other processor took is cut.
        md.parser.blockprocessors.register(_ListUnderItsLine(md.parser), "byline-list-cut", 11)
