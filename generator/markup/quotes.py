"""Quotes with attribution: a blockquote whose last paragraph (or last line) starts with
a dash.

    > We were never going to stop at one album.
    >
    > — Mara Quinn

becomes ``<figure class="pullquote"><blockquote>…</blockquote><figcaption>…``.  It runs before
inline processing, while the writer's ``--`` is still two hyphens and not an en dash.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# An em dash (typed, or as "--" or "&mdash;") or an en dash, then who said it.
_DASH = r"(?:—|--|–|&mdash;|&ndash;)"
_ATTRIBUTION = re.compile(rf"^\s*{_DASH}\s*(?P<who>\S.*)$", re.DOTALL)


class _QuoteEndsAtBlankLine(BlockQuoteProcessor):
    """A blank line ends a quote, as in the editors writers preview in (CommonMark), but
    for a block that is nothing but a credit (``> — Mara Quell``), which can only be the
    quote's above it.

    The library joins a ``>`` block to a blockquote just before it, blank line or not: a
    label's statement followed by the star's reply (``— Mara Quell``) became one quote, the
    label's words credited to her.  A quote's paragraphs are joined by a line of ``>``.
    """

    _credit_only = False

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """Parse the block as the library does, into a quote of its own unless a credit."""
        self._credit_only = _CREDIT_BLOCK.fullmatch(blocks[0]) is not None
        super().run(parent, blocks)

    def lastChild(self, parent: etree.Element) -> etree.Element | None:
        """The library asks only to join this block to a blockquote just before it."""
        return super().lastChild(parent) if self._credit_only else None


# A ">" block of one line that is a credit: "> — Mara Quell".
_CREDIT_BLOCK = re.compile(rf"[ ]{{0,3}}>[ ]?[ \t]*{_DASH}[ \t]*\S[^\n]*\n?")


class QuoteTreeprocessor(Treeprocessor):
    """Wrap attributed blockquotes in a figure with a figcaption."""

    def run(self, root: etree.Element) -> None:
        """Rewrite every attributed blockquote in place."""
        for parent in list(root.iter()):
            if not any(child.tag == "blockquote" for child in parent):
                continue
            children: list[etree.Element] = []
            for child in list(parent):
                children += _split_quotes(child) if child.tag == "blockquote" else [child]
            parent[:] = children


def _split_quotes(quote: etree.Element) -> list[etree.Element]:
    """One figure per attribution line in ``quote``, or ``[quote]`` itself when it has none.

    Two quotes in a row joined by a line of ``>``, each with its speaker, arrive here as one:
    every attribution paragraph ends a quote.  Paragraphs after the last one stay a plain
    blockquote.
    """
    found: list[etree.Element] = []
    said: list[etree.Element] = []
    for child in list(quote):
        who = _speaker(child)
        if who is not None and said:
            found.append(_figure(said, who))
            said = []
            continue
        # "> I cried the whole way home." then "> — Fan A" on the next line: one paragraph
        # whose last line is the attribution (else the quote merged with the next one).
        words, _, last = (child.text or "").rpartition("\n")
        who = _speaker_line(last) if child.tag == "p" and not len(child) and words else None
        if who is not None:
            child.text = words
            found.append(_figure([*said, child], who))
            said = []
        else:
            said.append(child)
    if not found:
        return [quote]
    if said:
        rest = etree.Element("blockquote")
        rest.text = quote.text
        rest.extend(said)
        found.append(rest)
    found[-1].tail = quote.tail
    return found


def _speaker(element: etree.Element) -> str | None:
    """Who is speaking, if ``element`` is a paragraph like "— Mara Quell"."""
    if element.tag != "p" or len(element):
        return None
    return _speaker_line(element.text or "")


def _speaker_line(text: str) -> str | None:
    """Who is speaking, if ``text`` is an attribution line like "— Mara Quell"."""
    match = _ATTRIBUTION.match(text)
    return match.group("who").strip() if match else None


# Marks a quotation may open with, in the languages newsrooms write: a quote that starts with
# one has the writer's own marks, and the theme adds none around it.
_OPENING_MARKS = frozenset("\"'“‘”’«»„‚‹›「『〝")


def _figure(said: list[etree.Element], who: str) -> etree.Element:
    first = said[0].text if said and said[0].tag == "p" else None
    # Under emphasis (*"We were never…"*) or typed as an entity (&ldquo;), still the writer's.
    opening = html.unescape((first or "").lstrip().lstrip("*_").lstrip())
    marked = opening[:1] in _OPENING_MARKS
    figure = etree.Element("figure", {"class": "pullquote pullquote--marked" if marked
                                      else "pullquote"})
    figure.text = "\n"
    quote = etree.SubElement(figure, "blockquote")
    quote.text = "\n"
    quote.extend(said)
    quote.tail = "\n"
    caption = etree.SubElement(figure, "figcaption", {"class": "pullquote__source"})
    caption.text = "— " + who
    caption.tail = "\n"
    return figure


class QuoteExtension(Extension):
    """Registers the quote processor before inline processing (20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        md.treeprocessors.register(QuoteTreeprocessor(md), "byline-quotes", 25)
        md.parser.blockprocessors.register(_QuoteEndsAtBlankLine(md.parser), "quote", 20)
