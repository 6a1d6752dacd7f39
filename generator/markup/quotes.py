"""Quotes with attribution: a blockquote whose last paragraph starts with a dash.

    > We were never going to stop at one album.
    >
    > — Mara Quinn

becomes ``<figure class="pullquote"><blockquote>…</blockquote><figcaption>…``.  It runs before
inline processing, while the writer's ``--`` is still two hyphens and not an en dash.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_ATTRIBUTION = re.compile(r"^\s*(?:—|--|&mdash;)\s*(?P<who>\S.*)$", re.DOTALL)


class QuoteTreeprocessor(Treeprocessor):
    """Wrap attributed blockquotes in a figure with a figcaption."""

    def run(self, root: etree.Element) -> None:
        """Rewrite every attributed blockquote in place."""
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote":
                    figure = _attributed(child)
                    if figure is not None:
                        parent[index] = figure


def _attributed(quote: etree.Element) -> etree.Element | None:
    if len(quote) < 2 or quote[-1].tag != "p" or len(quote[-1]):
        return None
    match = _ATTRIBUTION.match(quote[-1].text or "")
    if not match:
        return None
    quote.remove(quote[-1])
    figure = etree.Element("figure", {"class": "pullquote"})
    figure.tail = quote.tail
    quote.tail = None
    figure.append(quote)
    caption = etree.SubElement(figure, "figcaption", {"class": "pullquote__source"})
    caption.text = "— " + match.group("who").strip()
    return figure


class QuoteExtension(Extension):
    """Registers the quote processor before inline processing (20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        md.treeprocessors.register(QuoteTreeprocessor(md), "byline-quotes", 25)
