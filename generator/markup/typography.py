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

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_MARKS = re.compile(r"---|--|\.\.\.|['\"]")
_DASHES = {"---": "—", "--": "–", "...": "…"}
_OPENERS = frozenset(" \t\n([{—–“‘¡¿«‹„‚")
_WIDE = ("W", "F")  # East Asian wide and full-width characters
_DECADE = re.compile(r"\d\ds?\b")
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style"})


def smarten(text: str, *, after_element: bool = False) -> str:
    """Curly quotes, real dashes and ellipses in a plain string; ``after_element``: it
    follows an element's words (``*word*"``, ``<a>…</a>".``), so a quote it starts with
    closes them."""
    if "'" not in text and '"' not in text and "--" not in text and "..." not in text:
        return text
    if after_element and text[0] in "'\"":
        return smarten("x" + text)[1:]  # as after a word
    return _MARKS.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
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
            # up in turn, the first of each pair opening.
            opens = text.count('"', 0, at) % 2 == 0 and not after.isspace()
        return "“" if opens else "”"
    if before.isalnum() and after.isalnum():
        return "’"  # don't, Beyoncé's
    if opens and _DECADE.match(text, at + 1):
        return "’"  # the '90s
    return "‘" if opens else "’"


class SmartTextTreeprocessor(Treeprocessor):
    """Apply ``smarten`` to every text node outside code."""

    def run(self, root: etree.Element) -> None:
        """Walk the whole tree once, with a stack: bodies can nest thousands deep."""
        stack = [root]
        while stack:
            for child in stack.pop():
                # An address shown as it links (a bare one, see barelinks.py) is verbatim too.
                if child.tag not in _VERBATIM and not (
                        child.tag == "a" and child.text == child.get("href")):
                    if child.text:
                        child.text = smarten(child.text)
                    if len(child):
                        stack.append(child)
                if child.tail:
                    child.tail = smarten(child.tail, after_element=child.tag != "br")


class SmartTextExtension(Extension):
    """Registers the typography pass after inline processing, where smarty would run."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        md.treeprocessors.register(SmartTextTreeprocessor(md), "byline-typography", 6)
