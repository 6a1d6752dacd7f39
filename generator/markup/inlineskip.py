"""Python-Markdown's inline stage, without trying patterns whose mark is not in the text.

The library tries each of its fifteen inline patterns on every run of text, each try a
Python call and a regex search: a third of an ordinary article's parse, although a paragraph
of prose has no backtick, ``<``, ``&`` or ``\\`` for most of them to find.  Here a pattern is
passed over when the text it is tried on lacks every mark the pattern cannot match without,
which is exactly the library's outcome for it ("no match, go on with the next pattern"), so
the HTML is the same.  Patterns not listed below are always tried.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown import Markdown, inlinepatterns, treeprocessors, util
from markdown.extensions import Extension

from generator.markup import barelinks

# Each pattern (by the name it is registered under) and the marks one of which its regex
# needs.  tests/test_markup_inlineskip.py checks every entry against the installed library.
MARKS_NEEDED: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),  # Markdown < 3.6 registers underscores apart
    "bare_link": (barelinks.MARK,),  # Byline's own
}


class SkippingInlineProcessor(treeprocessors.InlineProcessor):
    """The library's inline processor, passing over patterns that cannot match."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        # Per run (extensions may register patterns after this is made): the patterns in
        # the order they are tried, and the marks each needs (None: always tried).
        self.patterns: list[inlinepatterns.Pattern] = []
        self.marks: list[tuple[str, ...] | None] = []

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        registry = self.md.inlinePatterns  # the same registry, typed right by the stubs
        self.marks = [None] * len(registry)
        for name, marks in MARKS_NEEDED.items():
            if name in registry:
                self.marks[registry.get_index_for_name(name)] = marks
        self.patterns = list(registry)  # the registry sorts itself on every index
        return super().run(tree, ancestors)

    # The library's private method, replaced under its mangled name so that its own calls
    # (from run and from nested matches) come here.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        while patternIndex < len(self.patterns):
            marks = self.marks[patternIndex]
            if marks is not None:
                for mark in marks:  # a loop, not any(): this runs 300 times an article
                    if mark in data:
                        break
                else:
                    patternIndex, start = patternIndex + 1, 0  # the library's "no match"
                    continue
            data, matched, start = apply(self.patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class InlineSkipExtension(Extension):
    """Installs the skipping inline processor in the library's place, when it can."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Replace the ``inline`` tree processor of ``md``."""
        if hasattr(treeprocessors.InlineProcessor, "_InlineProcessor__applyPattern"):
            md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)
