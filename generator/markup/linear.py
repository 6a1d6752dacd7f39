"""Python-Markdown's scans that were quadratic on hostile input, made linear.

Each ``[`` started a scan for its closing ``]`` to the end of the paragraph and each backtick
run a scan for a run as long: on ordinary text these are short, on 30,000 ``[`` they made
one article take minutes.  Here the same processors answer from what an earlier scan of the
same text already found.  ``LinearExtension`` puts these, and the block-level ones of
``blockscans``, in the library's places under its names and priorities, so the HTML they
make is the same.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from markdown import Markdown, inlinepatterns
from markdown.blockparser import BlockParser
from markdown.extensions import Extension

from generator.markup.blockscans import (
    BoundedHtmlBlocks,
    LazyTables,
    LinearSetext,
    NoMatchInSuffixes,
)

_BACKTICKS = re.compile(r"`+")
LINK_SPAN = 2048  # the most characters a link's (url "title") may take when it has a title


class _Pairs:
    """Which closing mark matches each opening one (``]`` for ``[``, ``)`` for ``(``) in a text.

    A scan with a stack, begun at any opening mark at or before the one asked about, gives
    it the closing mark that the library's count from there finds: marks before it are
    either closed already or lie below it on the stack.  So one scan, begun at the first
    mark asked about and carried on only as far as questions need, answers all of them.
    """

    def __init__(self, opening: str, closing: str, text: str) -> None:
        self.opening_mark = opening
        self.pattern = re.compile(f"[{re.escape(opening)}{re.escape(closing)}]")
        self.text = text
        self.closing: dict[int, int | None] = {}  # opening → its match (None: never closed)
        self.open: list[int] = []  # openings the scan passed that are still open
        self.scan: Iterator[re.Match[str]] = iter(())
        self.scan_start = len(text) + 1  # no scan yet

    def match_of(self, opening: int) -> int | None:
        """Where the mark matching the opening mark at ``opening`` is, or None."""
        if opening in self.closing:
            return self.closing[opening]
        if opening < self.scan_start:  # asked about a mark before this scan began
            self.scan_start, self.open = opening, []
            self.scan = self.pattern.finditer(self.text, opening)
        while opening not in self.closing:
            found = next(self.scan, None)
            if found is None:  # the end: whatever is still open is never closed
                self.closing.update(dict.fromkeys(self.open))
                self.closing.setdefault(opening, None)
                self.open = []
                break
            if found.group() == self.opening_mark:
                self.open.append(found.start())
            elif self.open:
                self.closing[self.open.pop()] = found.start()
        return self.closing[opening]


class _TextMemo:
    """What scans of one text found, kept while processors keep asking about that text.

    The inline processor hands every pattern the same string object until a match replaces
    part of it, so the object itself is the key (held, so its id cannot be reused); after a
    replacement the new text's scans begin at the next question, not at its start.
    """

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.brackets = _Pairs("[", "]", text)
        self.parens = _Pairs("(", ")", text)
        self.quote_search = (len(text) + 1, len(text))  # (searched from, first quote found)
        self.exact_missing: dict[int, int] = {}  # run length → no such run after this start
        self.runs: tuple[list[int], list[int], list[int]] | None = None

    def of(self, text: str) -> _TextMemo:
        if text is not self.text:
            self.__init__(text)  # type: ignore[misc]  # mypy forbids calling __init__: a reset
        return self

    def next_quote(self, start: int) -> int:
        """Where the first ``'`` or ``"`` at or after ``start`` is (the text's length: none)."""
        searched_from, found = self.quote_search
        if not searched_from <= start <= found:
            single, double = self.text.find("'", start), self.text.find('"', start)
            found = min(p if p >= 0 else len(self.text) for p in (single, double))
            self.quote_search = (start, found)
        return found

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
            # A mixin: super() is the library's processor it is mixed into, unknown to mypy.
            return super().getText(data, index)  # type: ignore[misc]
        close = _MEMO.of(data).brackets.match_of(index - 1)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """The ``(url "title")`` after a link's text, at ``index`` (library signature).

        When a link's parentheses close before any quote, the library's walk stops there.
        Unclosed and without a quote after, it is "no" at once, not after a walk to the end
        of the paragraph.  With quotes (titles, whose rules are the library's) the walk is
        kept to LINK_SPAN characters: a link longer than that is not a link.  The library's
        fallback for an unclosed title can "succeed" with an end of -1, leaking its
        placeholders into the page: that is "no" here too.
        """
        memo = _MEMO.of(data)
        close = memo.parens.match_of(index) if data[index:index + 1] == "(" else None
        quote = memo.next_quote(index)
        if close is None and quote == len(data):
            return "", None, index, False
        if close is None or quote < close:
            data = data[:index + LINK_SPAN]
        # A mixin: super() is the library's processor it is mixed into, unknown to mypy.
        href, title, end, handled = super().getLink(data, index)  # type: ignore[misc]
        if end < index:
            return "", None, index, False
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

    # The library's own signature; types-Markdown says tuple[int, int] | None.
    def find_code_spans(  # type: ignore[override]
        self, start: int, text: str
    ) -> tuple[int, int | None]:
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
        blocks.register(LinearSetext(parser), "setextheader", 60)
        for name, attribute in (("hashheader", "RE"), ("hr", "SEARCH_RE"), ("quote", "RE")):
            processor = blocks[name]
            setattr(processor, attribute, NoMatchInSuffixes(getattr(processor, attribute)))
        if "table" in blocks:
            # TableProcessor.config is the library's, missing from types-Markdown.
            config = blocks["table"].config  # type: ignore[attr-defined]
            blocks.register(LazyTables(parser, config), "table", 75)
