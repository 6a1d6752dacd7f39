"""Python-Markdown's scans that were quadratic on hostile input, made linear.

Each ``[`` starts a scan for its closing ``]`` to the end of the paragraph, each backtick run
a scan for a run as long, each ``<`` a scan for the end of a tag that may run across every
later line, and the tables extension splits the whole rest of a block into lines for every
line it is asked about.  On ordinary text these scans are short; on 30,000 ``[`` they made
one article take minutes.  Here the same processors answer from what an earlier scan of the
same text already found, or stop where the answer can no longer change.  Registered under
the library's own names and priorities, so the HTML they make is the same.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from markdown import Markdown, inlinepatterns
from markdown.blockparser import BlockParser
from markdown.blockprocessors import SetextHeaderProcessor
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension, FootnoteInlineProcessor
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor

_BRACKET = re.compile(r"[\[\]]")
_BACKTICKS = re.compile(r"`+")


class _TextMemo:
    """What scans of one text found, kept while processors keep asking about that text.

    The inline processor hands every pattern the same string object until a match replaces
    part of it, so the object itself is the key (held, so its id cannot be reused).
    """

    def __init__(self) -> None:
        self.text: str | None = None
        # Square brackets, matched by one scan over the text that goes only as far as a
        # question needs: "[" position → its "]" (None: never closed), the "[" still open.
        self.closing: dict[int, int | None] = {}
        self.open: list[int] = []
        self.scan: Iterator[re.Match[str]] = iter(())
        self.last_paren = -1
        self.exact_missing: dict[int, int] = {}  # run length → no such run after this start
        self.runs: tuple[list[int], list[int], list[int]] | None = None

    def of(self, text: str) -> _TextMemo:
        if text is not self.text:
            self.__init__()  # type: ignore[misc]
            self.text = text
            self.scan = _BRACKET.finditer(text)
            self.last_paren = text.rfind(")")
        return self

    # -- square brackets ----------------------------------------------------------------
    def closing_bracket(self, opening: int) -> int | None:
        """Where the ``]`` matching the ``[`` at ``opening`` is, or None.

        Matching with one stack from the start of the text gives every ``[`` the ``]`` that
        the library's count from that ``[`` would find: the brackets before it are either
        closed already or lie below it on the stack.
        """
        while opening not in self.closing:
            found = next(self.scan, None)
            if found is None:  # the end: whatever is still open is never closed
                self.closing.update(dict.fromkeys(self.open))
                self.closing.setdefault(opening, None)
                self.open = []
                break
            if found.group() == "[":
                self.open.append(found.start())
            elif self.open:
                self.closing[self.open.pop()] = found.start()
        return self.closing[opening]

    # -- backtick runs --------------------------------------------------------------------
    def exact_run(self, start: int, length: int) -> re.Match[str] | None:
        """The first run of exactly ``length`` backticks at or after ``start``."""
        missing_from = self.exact_missing.get(length)
        if missing_from is not None and start >= missing_from:
            return None
        assert self.text is not None
        found = _exact_run(length).search(self.text, start)
        if found is None:
            self.exact_missing[length] = min(start, missing_from if missing_from is not None
                                             else start)
        return found

    def longest_run_after(self, start: int) -> tuple[int, int]:
        """The longest backtick run starting at or after ``start`` (the first of equals):
        (its length, where it ends); (0, 0) when there is none."""
        if self.runs is None:
            assert self.text is not None
            found = [(m.start(), m.end()) for m in _BACKTICKS.finditer(self.text)]
            starts = [s for s, _ in found]
            best_length, best_end = [0] * (len(found) + 1), [0] * (len(found) + 1)
            for i in range(len(found) - 1, -1, -1):  # suffix maxima, first occurrence wins
                length = found[i][1] - found[i][0]
                if length >= best_length[i + 1]:
                    best_length[i], best_end[i] = length, found[i][1]
                else:
                    best_length[i], best_end[i] = best_length[i + 1], best_end[i + 1]
            self.runs = (starts, best_length, best_end)
        starts, best_length, best_end = self.runs
        i = bisect_left(starts, start)
        return best_length[i], best_end[i]


_MEMO = _TextMemo()
_EXACT: dict[int, re.Pattern[str]] = {}


def _exact_run(length: int) -> re.Pattern[str]:
    if length not in _EXACT:
        _EXACT[length] = re.compile(f"(?<!`)`{{{length}}}(?!`)")
    return _EXACT[length]


class _Brackets:
    """``getText`` and ``getLink`` answered from one scan per text, not one per ``[``."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """The text between the ``[`` before ``index`` and its ``]`` (library signature)."""
        if index < 1 or data[index - 1] != "[":
            return super().getText(data, index)  # type: ignore[misc, no-any-return]
        close = _MEMO.of(data).closing_bracket(index - 1)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """The ``(url "title")`` after a link's text; at once "no" with no ``)`` after it.

        The library's scan for an unclosed title can also "succeed" with no ``)`` and an
        end of -1, which leaks its placeholders into the page: that is "no" here too.
        """
        if _MEMO.of(data).last_paren < index:
            return "", None, index, False
        href, title, end, handled = super().getLink(data, index)  # type: ignore[misc]
        if end < index:  # the library's fallback for an unclosed title can end at -1,
            return "", None, index, False  # leaking its placeholders into the page
        return href, title, end, handled


class LinkProcessor(_Brackets, inlinepatterns.LinkInlineProcessor):
    """``[text](url)``."""


class ImageProcessor(_Brackets, inlinepatterns.ImageInlineProcessor):
    """``![alt](src)``."""


class ReferenceProcessor(_Brackets, inlinepatterns.ReferenceInlineProcessor):
    """``[text][id]``."""


class ShortReferenceProcessor(_Brackets, inlinepatterns.ShortReferenceInlineProcessor):
    """``[id]``."""


class ImageReferenceProcessor(_Brackets, inlinepatterns.ImageReferenceInlineProcessor):
    """``![alt][id]``."""


class ShortImageReferenceProcessor(_Brackets,
                                   inlinepatterns.ShortImageReferenceInlineProcessor):
    """``![id]``."""


class BacktickProcessor(inlinepatterns.BacktickInlineProcessor):
    """Code spans, finding each closing run by a search, not a walk per opening run."""

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        """Same answers as the library's: an exact closing run, else the longest shorter one."""
        opening = _BACKTICKS.match(text, start)
        if opening is None:
            return start, None
        ticks = opening.end() - start
        start = opening.end()
        memo = _MEMO.of(text)
        exact = memo.exact_run(start, ticks)
        if exact is not None:
            return start, exact.start()
        longest, end = memo.longest_run_after(start)
        if 0 < longest < ticks:
            return start - (ticks - longest), end - longest
        return start + ticks, None  # as the library does: past the run and as far again


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
        self.border = PIPE_NONE
        if header.startswith("|"):
            self.border |= PIPE_LEFT
        if self.RE_END_BORDER.search(header) is not None:
            self.border |= PIPE_RIGHT
        columns = len(self._split_row(header))
        is_table = columns > 1
        if not is_table and columns == 1 and self.border:
            # Each row of a one-column table needs a pipe: read rows until one has none.
            for row in _lines_after_first(block):
                row = row.strip(" ")
                is_table = row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                if not is_table:
                    break
        if is_table:
            separator = self._split_row(rows[1])
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


class _NoMatchInSuffixes:
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


class _IndexedOrder(list[str]):
    """The footnotes' order of reference, with membership and position looked up, not
    searched (the library asks both for every reference: quadratic in footnotes)."""

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, int] = {}

    def append(self, item: str) -> None:
        """Add a footnote id at the end."""
        self.positions.setdefault(item, len(self))
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self.positions

    def index(self, item: str, *args: Any) -> int:  # type: ignore[override]
        """Where a footnote id first appears."""
        if args:
            return super().index(item, *args)
        try:
            return self.positions[item]
        except KeyError:
            raise ValueError(f"{item!r} is not in the list") from None


class _FootnoteReferences(FootnoteInlineProcessor):
    """``[^id]``, numbered by looking the definition's position up, not listing them all."""

    def __init__(self, pattern: str, footnotes: Footnotes) -> None:
        super().__init__(pattern, footnotes)
        # The numbers by definition order, for the definitions (by identity and count) seen.
        self.numbered: tuple[tuple[int, int], dict[str, int]] = ((0, -1), {})

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """The library's answer, with the definition-order number found in a dict."""
        notes = self.footnotes
        if not notes.getConfig("USE_DEFINITION_ORDER") or m.group(1) not in notes.footnotes:
            return super().handleMatch(m, data)
        identifier = m.group(1)
        notes.addFootnoteRef(identifier)
        seen = (id(notes.footnotes), len(notes.footnotes))
        if self.numbered[0] != seen:
            self.numbered = (seen, {key: n for n, key in enumerate(notes.footnotes, start=1)})
        sup = etree.Element("sup")
        link = etree.SubElement(sup, "a")
        sup.set("id", notes.makeFootnoteRefId(identifier, found=True))
        link.set("href", "#" + notes.makeFootnoteId(identifier))
        link.set("class", "footnote-ref")
        link.text = notes.getConfig("SUPERSCRIPT_TEXT").format(self.numbered[1][identifier])
        return sup, m.start(0), m.end(0)


class Footnotes(FootnoteExtension):
    """Python-Markdown's footnotes, without its two scans of every footnote per reference."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the library's processors, then the faster reference processor."""
        super().extendMarkdown(md)
        md.inlinePatterns.register(_FootnoteReferences(_FOOTNOTE_REFERENCE, self), "footnote",
                                   175)

    def reset(self) -> None:
        """Forget the previous document's footnotes."""
        super().reset()
        self.footnote_order = _IndexedOrder()


_FOOTNOTE_REFERENCE = r"\[\^([^\]]*)\]"  # the library's pattern: [^1]


class LinearExtension(Extension):
    """Puts the linear processors in the library's places."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Replace the quadratic processors on ``md`` (after the tables extension)."""
        patterns = md.inlinePatterns
        patterns.register(BacktickProcessor(inlinepatterns.BACKTICK_RE), "backtick", 190)
        patterns.register(ReferenceProcessor(inlinepatterns.REFERENCE_RE, md), "reference", 170)
        patterns.register(LinkProcessor(inlinepatterns.LINK_RE, md), "link", 160)
        patterns.register(ImageProcessor(inlinepatterns.IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(ImageReferenceProcessor(inlinepatterns.IMAGE_REFERENCE_RE, md),
                          "image_reference", 140)
        patterns.register(ShortReferenceProcessor(inlinepatterns.REFERENCE_RE, md),
                          "short_reference", 130)
        patterns.register(ShortImageReferenceProcessor(inlinepatterns.IMAGE_REFERENCE_RE, md),
                          "short_image_ref", 125)
        md.preprocessors.register(BoundedHtmlBlocks(md), "html_block", 20)
        parser: BlockParser = md.parser
        blocks = parser.blockprocessors
        parser.blockprocessors.register(LinearSetext(parser), "setextheader", 60)
        for name, attribute in (("hashheader", "RE"), ("hr", "SEARCH_RE"), ("quote", "RE")):
            processor = blocks[name]
            setattr(processor, attribute, _NoMatchInSuffixes(getattr(processor, attribute)))
        if "table" in parser.blockprocessors:
            old = parser.blockprocessors["table"]
            parser.blockprocessors.register(LazyTables(parser, old.config), "table", 75)
