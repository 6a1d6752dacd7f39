"""The inline stage that passes over patterns without their mark makes the library's HTML.

generator/markup/inlineskip.py saves a third of a parse by not trying a pattern on text
that lacks every mark the pattern needs.  That is only right if (1) each pattern really
cannot match without its marks, on the installed Markdown, and (2) the whole body renders to
the same HTML as with the library's own inline processor.  Both are fuzzed here.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown import treeprocessors

from generator.markup import document
from generator.markup.inlineskip import MARKS_NEEDED, SkippingInlineProcessor

from .test_fuzz_markdown import bodies

# Characters that matter to some inline pattern, and some that matter to none.
ALPHABET = "`\\[]^!()<>@:/&#;*_ \n\t\"'=.-xyzAB09é"


def renderer(skipping: bool) -> document._Renderer:
    """Byline's Markdown renderer, with the skipping inline stage or the library's."""
    made = document._Renderer()
    installed = made.md.treeprocessors["inline"]
    assert isinstance(installed, SkippingInlineProcessor)
    if not skipping:
        made.md.treeprocessors.register(treeprocessors.InlineProcessor(made.md), "inline", 20)
    return made


SKIPPING, LIBRARY = renderer(skipping=True), renderer(skipping=False)


def test_every_listed_pattern_is_registered_under_its_name() -> None:
    """A rename in the library would quietly turn the skip off (harmless) or on a different
    pattern (not): each name listed is one Byline's renderer registers, bar the old one."""
    registered = set(SKIPPING.md.inlinePatterns._data)
    assert set(MARKS_NEEDED) - registered == {"em_strong2"}


@pytest.mark.fuzz
@given(text=st.text(alphabet=ALPHABET, max_size=80))
def test_no_listed_pattern_matches_text_without_its_marks(text: str) -> None:
    for name, marks in MARKS_NEEDED.items():
        if name not in SKIPPING.md.inlinePatterns:
            continue
        without = text
        for mark in marks:
            without = without.replace(mark, "")
        if any(mark in without for mark in marks):  # removing one made another ("[[^^")
            continue
        pattern = SKIPPING.md.inlinePatterns[name]
        assert pattern.compiled_re.search(without) is None, (name, without)


@pytest.mark.fuzz
@given(body=bodies)
def test_bodies_render_as_with_the_library_inline_stage(body: str) -> None:
    # A lone surrogate (in the grammar) makes a file that is not UTF-8: refused before this.
    body = body.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert SKIPPING.render(body, 1).html == LIBRARY.render(body, 1).html


@pytest.mark.parametrize("body", [
    "Plain prose, nothing to find.",
    "A [link](https://example.com) and *emphasis* and __strong__ and `code`.",
    "Line with a break  \nand an &amp; entity, <b>bold</b>, <https://example.com>.",
    "A note[^1] and an escaped \\*star\\* and ![photo](x.jpg).\n\n[^1]: The note.",
    "[ref] and [text][ref] and ![img][ref]\n\n[ref]: https://example.com/r",
    "`a [link](x) in code` and a [link with `code`](y) and *[both](z)*",
])
def test_examples_render_as_with_the_library_inline_stage(body: str) -> None:
    html = SKIPPING.render(body, 1).html
    assert html == LIBRARY.render(body, 1).html
    assert b"klzzwxh" not in html and b"\x02" not in html
