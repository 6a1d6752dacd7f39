"""Python-Markdown's block-level scans that were quadratic on hostile input, made linear.

The raw-HTML scanner read every ``<a x=`` as a tag running to the end of the document; the
tables extension split the whole rest of a block into lines for every line the block parser
asked it about; header, rule and quote processors searched the rest of the block again for
every line taken off its front; the setext header split and joined it.  Each answer is the
library's, found without the repeated work.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator

from markdown.blockprocessors import SetextHeaderProcessor
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor


class _BoundedTags(HTMLExtractor):
    """The raw-HTML scanner, with a tag's scan ending at the next ``<``.

    The standard library's start-tag pattern lets attribute names and bare values contain
    ``<`` and run over line ends, so every ``<a x=`` scanned to the end of the document.
    No tag a writer means has a bare ``<`` inside it.
    """

    def check_for_whole_start_tag(self, i: int) -> int:
        """Where the start tag at ``i`` ends; -1 when it does not (library contract)."""
        rawdata = self.rawdata
        match = _START_TAG.match(rawdata, i)
        assert match is not None  # the pattern matches any "<letter"
        j = match.end()
        following = rawdata[j:j + 1]
        if following == ">":
            return j + 1
        if following == "/":
            if rawdata.startswith("/>", j):
                return j + 2
            return -1 if rawdata.startswith("/", j) else (j if j > i else i + 1)
        if following == "" or following in _LETTERS_EQ_SLASH:
            return -1
        return j if j > i else i + 1


_LETTERS_EQ_SLASH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=/")
# Python-Markdown's tolerant start-tag pattern with "<" excluded from names and bare values.
_START_TAG = re.compile(r"""
  <[a-zA-Z][^`\t\n\r\f />\x00<]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^`\s/><][^\s/=><]*
      (?:\s*=+\s*
        (?:'[^']*'
          |"[^"]*"
          |(?!['"])[^`>\s<]*
         )
         (?:\s*,)*
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*
""", re.VERBOSE)


class BoundedHtmlBlocks(HtmlBlockPreprocessor):
    """Raw HTML blocks, found with the bounded scanner."""

    def run(self, lines: list[str]) -> list[str]:
        """Stash raw HTML blocks (as the library does)."""
        parser = _BoundedTags(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class LazyTables(TableProcessor):
    """Tables, deciding from a block's first lines instead of splitting all of it each time.

    The block parser asks about a block once per line it takes off it; splitting the whole
    block every time made a 30,000-line block quadratic.
    """

    def test(self, parent: etree.Element, block: str) -> bool:
        """Whether the block starts with a header row and a separator row (as the library)."""
        rows = [row.strip(" ") for row in block.split("\n", 2)[:2]]
        if len(rows) < 2:
            return False
        header = rows[0]
        border = PIPE_NONE
        if header.startswith("|"):
            border |= PIPE_LEFT
        if self.RE_END_BORDER.search(header) is not None:
            border |= PIPE_RIGHT
        # The library keeps PIPE_* flags (int) here; types-Markdown says bool.
        self.border = border  # type: ignore[assignment]
        # _split_row is the library's, left out of types-Markdown (private).
        columns = len(self._split_row(header))  # type: ignore[attr-defined]
        is_table = columns > 1
        if not is_table and columns == 1 and border:
            # Each row of a one-column table needs a pipe: read rows until one has none.
            for row in _lines_after_first(block):
                row = row.strip(" ")
                is_table = row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                if not is_table:
                    break
        if is_table:
            separator = self._split_row(rows[1])  # type: ignore[attr-defined]
            is_table = len(separator) == columns and set("".join(separator)) <= set("|:- ")
            if is_table:
                self.separator = separator
        return is_table


def _lines_after_first(block: str) -> Iterator[str]:
    """The lines of ``block`` after its first, one at a time."""
    start = block.find("\n") + 1
    while start:
        end = block.find("\n", start)
        yield block[start:] if end < 0 else block[start:end]
        start = end + 1


class NoMatchInSuffixes:
    """A line-anchored block pattern that remembers the last block it found nothing in.

    Header, rule and quote processors search the whole block for their line; when a block
    parser takes lines off the front one by one, every question is about a suffix of the
    last block, where a pattern that matches only at line starts cannot match either.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.empty: str | None = None

    def search(self, block: str) -> re.Match[str] | None:
        """``pattern.search(block)``, answered at once for a line-start suffix of ``empty``."""
        empty = self.empty
        if empty is not None and len(block) <= len(empty) and empty.endswith(block):
            cut = len(empty) - len(block)
            if cut == 0 or empty[cut - 1] == "\n":
                return None
        found = self.pattern.search(block)
        if found is None:
            self.empty = block
        return found

    def __getattr__(self, name: str) -> object:
        return getattr(self.pattern, name)


class LinearSetext(SetextHeaderProcessor):
    """Setext headers, splitting off two lines instead of splitting and joining the block."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """The heading from the first two lines; the rest goes back as the next block."""
        lines = blocks.pop(0).split("\n", 2)
        heading = etree.SubElement(parent, "h1" if lines[1].startswith("=") else "h2")
        heading.text = lines[0].strip()
        if len(lines) > 2:
            blocks.insert(0, lines[2])
