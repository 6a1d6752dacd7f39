"""What a body may ask of the Markdown parser: limits that no article comes near.

Python-Markdown parses nested lists and quotes by recursion, so 250 levels of list end in a
RecursionError (after half a minute of work that grows with the square of the depth); and
5,000 ``*`` nest emphasis thousands of elements deep, which its serializer and table of
contents walk by recursion too.  Nesting is checked on the text before parsing, as a
located error; inline nesting that deep is flattened to its text after parsing, since it
has no meaning a reader could see anyway.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from generator.errors import LocatedError

MAX_NESTING = 50  # lists and quotes inside each other; real articles use three or four
MAX_BODY_CHARS = 1_000_000  # about 170,000 words: ten long novels' worth of article
MAX_TREE_DEPTH = 200  # elements inside each other after parsing: lists, quotes, emphasis
# Text between two blank lines.  Python-Markdown rebuilds a paragraph's text for every link,
# tag, emphasis or line break it finds in it, so its time grows with length times markup: a
# paragraph of nothing but links takes about a second at 50,000 characters (four at twice
# that).  Long and dense is refused; long alone (a photo pasted as a data: URL) and dense
# alone are fine.
MAX_BLOCK_WORK = 1_000_000_000  # characters × marks that can start markup (50,000 × 20,000)

# A line can only nest MAX_NESTING deep if it starts with that many characters that open
# containers (4 columns of indentation, a ">", a list marker and its space): found in one
# pass, only those lines are measured.
_DEEP_CANDIDATE = re.compile(rf"^[ \t>*+\-\d.)]{{{MAX_NESTING + 1},}}", re.MULTILINE)
_INDENT = re.compile(r"[ \t]*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_TEXT = re.compile(r"\S")
# What can start markup, a line break (two spaces at a line's end) among them: a transcript
# of 100,000 short lines each ending in one took two minutes as one paragraph; so is a web
# address, which becomes a link (barelinks.py).
_MARKUP = re.compile(r"[\[<*_`&\\!]|  \n|://")
_MARKERS = re.compile(r"(?:(?:>|[*+-]|\d{1,9}[.)])[ \t]*)+")
_MARKER = re.compile(r">|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_RULE = re.compile(r"[ \t]*(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")


def check_limits(text: str, first_line: int) -> None:
    """Raise LocatedError (at the body's line) if ``text`` nests or weighs too much."""
    if len(text) > MAX_BODY_CHARS:
        raise LocatedError(
            f"the text is {len(text):,} characters long; Byline stops at {MAX_BODY_CHARS:,}: "
            "split it into several articles", first_line)
    for candidate in _DEEP_CANDIDATE.finditer(text):
        start = candidate.start()
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        depth = nesting_of(line)
        if depth > MAX_NESTING:
            line_number = first_line + text.count("\n", 0, start)
            raise LocatedError(
                f"this line nests lists and quotes {depth} levels deep; Byline stops at "
                f"{MAX_NESTING}: flatten the list or quote", line_number)
    if len(text) ** 2 > MAX_BLOCK_WORK:
        _check_blocks(text, first_line)


def _check_blocks(text: str, first_line: int) -> None:
    """Raise LocatedError at the first text between blank lines too long for its markup."""
    start = 0
    for blank in [*_BLANK_LINES.finditer(text), None]:
        end = blank.start() if blank else len(text)
        if (end - start) ** 2 > MAX_BLOCK_WORK:  # else even all marks would be fine
            markup = len(_MARKUP.findall(text, start, end))
            if (end - start) * markup > MAX_BLOCK_WORK:
                begins = _TEXT.search(text, start)
                at = begins.start() if begins else start
                raise LocatedError(
                    f"this paragraph is {end - at:,} characters long, with {markup:,} marks of "
                    "links, tags, emphasis or line breaks and no blank line: more than Byline "
                    "reads in one paragraph; break it up with blank lines",
                    first_line + text.count("\n", 0, at))
        if blank:
            start = blank.end()


def nesting_of(line: str) -> int:
    """How many lists and quotes a line opens: the most list markers and ``>`` in a row
    (``- - - x`` opens three lists), plus, when the line starts with one, its indentation in
    levels of four columns (an indented line without one is code, not nesting)."""
    if _RULE.fullmatch(line):
        return 0  # "* * * *" is a horizontal rule, not four lists
    indent = _INDENT.match(line)
    assert indent is not None
    levels = 0
    if _MARKER.match(line, indent.end()):
        levels = len(indent.group().expandtabs(4)) // 4
    markers = max((len(_MARKER.findall(run.group())) for run in _MARKERS.finditer(line)),
                  default=0)
    return levels + markers


class _FlattenDeepElements(Treeprocessor):
    """Elements nested deeper than MAX_TREE_DEPTH become the plain text they hold."""

    def run(self, root: etree.Element) -> None:
        """Walk with a stack, flattening what lies too deep for recursive walkers."""
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            for child in element:
                if depth + 1 >= MAX_TREE_DEPTH and len(child):
                    text = "".join(child.itertext())
                    for grandchild in list(child):
                        child.remove(grandchild)
                    child.text = text
                elif len(child):
                    stack.append((child, depth + 1))


class LimitsExtension(Extension):
    """Flattens over-deep inline nesting right after inline parsing (priority 20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the flattening on ``md``, before any later pass walks the tree."""
        md.treeprocessors.register(_FlattenDeepElements(md), "byline-flatten", 19.5)
