"""Typographic punctuation: curly quotes, real dashes, ellipses.

Python-Markdown's smarty extension does this with a second full inline-pattern pass over the
document, which doubled the cost of rendering an article.  Here one small set of regexes runs
over each text node instead, and the same rules serve front-matter text (headlines, deks,
captions), which is not Markdown.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from functools import partial

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_MARKS = re.compile(r"---|--|\.\.\.|['\"]")
_DASHES = {"---": "—", "--": "–", "...": "…"}
_OPENERS = frozenset(" \t\n([{—–“‘¡¿«‹„‚")
_WIDE = ("W", "F")  # East Asian wide and full-width characters
_DECADE = re.compile(r"\d\ds?\b")
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style"})


def smarten(text: str, *, after_element: bool = False, quotes_before: int = 0) -> str:
    """Curly quotes, real dashes and ellipses in a plain string; ``after_element``: it
    follows an element's words (``*word*"``, ``<a>…</a>".``), so a quote it starts with
    closes them; ``quotes_before``: how many straight double quotes came before it in its
    paragraph (Chinese and Japanese quotes pair up in turn, see below)."""
    if "'" not in text and '"' not in text and "--" not in text and "..." not in text:
        return text
    if after_element and text[0] in "'\"":
        return smarten("x" + text, quotes_before=quotes_before)[1:]  # as after a word
    return _MARKS.sub(partial(_replacement, quotes_before=quotes_before), text)


def _replacement(match: re.Match[str], quotes_before: int = 0) -> str:
    mark = match.group()
    if mark in _DASHES:
        return _DASHES[mark]
    text, at = match.string, match.start()
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else ""
    # A quote after a space opens when text follows it, or when the text node ends there
    # (the quoted words are in the next element: "*word*").  Any space counts (a no-break
    # space before a French quote), and Spanish ¡ and ¿.
    starts = before in _OPENERS or before.isspace()
    opens = starts and (after == "" or not after.isspace())
    if mark == '"':
        if not starts and unicodedata.east_asian_width(before) in _WIDE:
            # Chinese and Japanese put no space before a quote (他说"你好"): the marks pair
            # up in turn through the paragraph, the first of each pair opening.
            opens = (quotes_before + text.count('"', 0, at)) % 2 == 0 and not after.isspace()
        return "“" if opens else "”"
    if before.isalnum() and after.isalnum():
        return "’"  # don't, Beyoncé's
    if opens and _DECADE.match(text, at + 1):
        return "’"  # the '90s
    return "‘" if opens else "’"


class SmartTextTreeprocessor(Treeprocessor):
    """Apply ``smarten`` to every text node outside code, in the order they are read."""

    def run(self, root: etree.Element) -> None:
        for block in root:
            self._block(block)

    def _block(self, block: etree.Element) -> None:
        """One block of the body (a paragraph, a list, a quote), its texts in reading order,
        counting its double quotes as it goes.  With a stack: bodies nest thousands deep."""
        seen = 0

        def smart(text: str, after_element: bool = False) -> str:
            nonlocal seen
            made = smarten(text, after_element=after_element, quotes_before=seen)
            seen += text.count('"')
            return made

        stack: list[tuple[etree.Element, Iterator[etree.Element]]] = []
        if not _verbatim(block):
            if block.text:
                block.text = smart(block.text)
            stack.append((block, iter(block)))
        while stack:
            parent, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if stack and parent.tail:
                    parent.tail = smart(parent.tail, after_element=parent.tag != "br")
                continue
            if _verbatim(child):
                if child.tail:
                    child.tail = smart(child.tail, after_element=child.tag != "br")
                continue
            if child.text:
                child.text = smart(child.text)
            stack.append((child, iter(child)))
        if block.tail:
            block.tail = smart(block.tail, after_element=block.tag != "br")


def _verbatim(element: etree.Element) -> bool:
    """Code, and an address shown as it links (a bare one, see barelinks.py)."""
    return element.tag in _VERBATIM or (element.tag == "a"
                                        and element.text == element.get("href"))


class SmartTextExtension(Extension):
    """Registers the typography pass after inline processing, where smarty would run."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        md.treeprocessors.register(SmartTextTreeprocessor(md), "byline-typography", 6)
