"""Photos in the body: a photo alone in a paragraph becomes a figure, others stay inline.

Runs after ``attr_list`` (so ``{credit="…"}`` is already an attribute) and replaces each
``<img>`` with a ``<byline-image>`` placeholder, recording what the writer wrote.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from generator.markup.placeholders import PLACEHOLDER_TAG


@dataclass(frozen=True, slots=True)
class RawImage:
    """A photo as written in Markdown; ``line`` is filled in by the caller."""

    src: str
    alt: str | None
    caption: str | None
    credit: str | None
    kind: str  # "figure" or "inline"
    line: int | None = None


class FigureTreeprocessor(Treeprocessor):
    """Swap every ``<img>`` for a placeholder and remember it in ``self.images``."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.images: list[RawImage] = []

    def run(self, root: etree.Element) -> None:
        """Walk the tree in document order, turning photo-only paragraphs into figures.

        With a stack, not recursion: a body of 5,000 ``*`` nests elements thousands deep.
        """
        stack = [root]
        while stack:
            parent = stack.pop()
            descend = []
            for index, child in enumerate(list(parent)):
                if child.tag == "p" and _is_lone_image(child):
                    parent[index] = self._placeholder(child[0], "figure", tail=child.tail)
                elif child.tag == "img":
                    parent[index] = self._placeholder(child, "inline", tail=child.tail)
                elif len(child):
                    descend.append(child)
            stack.extend(reversed(descend))  # document order: first child on top

    def _placeholder(self, img: etree.Element, kind: str, tail: str | None) -> etree.Element:
        self.images.append(
            RawImage(
                src=img.get("src", ""),
                # No alt attribute at all means the writer forgot it; alt="" is a choice.
                alt=_unescaped(img.get("alt")),
                caption=_unescaped(img.get("title")) or None,
                credit=_unescaped(img.get("credit")) or None,
                kind=kind,
            )
        )
        element = etree.Element(
            PLACEHOLDER_TAG, {"data-ref": str(len(self.images) - 1), "data-kind": kind}
        )
        element.tail = tail
        return element


_ESCAPED = re.compile("\x02(\\d+)\x03")


def _unescaped(text: str | None) -> str | None:
    """Undo Python-Markdown's backslash-escape placeholders (its own pass runs after ours)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1))), text) if text else text


def _is_lone_image(paragraph: etree.Element) -> bool:
    return (
        len(paragraph) == 1
        and paragraph[0].tag == "img"
        and not (paragraph.text or "").strip()
        and not (paragraph[0].tail or "").strip()
    )


class FigureExtension(Extension):
    """Registers the figure tree processor after attr_list (8) and before smarty (6)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        self.processor = FigureTreeprocessor(md)
        md.treeprocessors.register(self.processor, "byline-figures", 7)
        md.registerExtension(self)

    def reset(self) -> None:
        """Forget the previous document's images."""
        self.processor.images = []
