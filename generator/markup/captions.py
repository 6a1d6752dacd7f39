"""A caption's Markdown: emphasis, links and code spans within its line, nothing more.

Writers italicise a film's title in a caption ("Zendaya at the *Challengers* premiere") and
credit a source with a link ("via [the studio](https://…)"), as in the story's text.  A
caption is one line under a photo: headings, lists, quotes, raw HTML and images inside it
are not caption markup, and are shown as typed.  The caption is kept as written in the
model; the render stage shows it as HTML on the page and as plain words where only text
goes (a feed's ``media:description``, a video's structured data).
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

from markdown import Markdown
from markupsafe import Markup

from generator.markup.document import allow_every_escape, without_controls
from generator.markup.linear import LinearExtension
from generator.markup.typography import SmartTextExtension, smarten

# A caption with none of these is plain words (almost all): no Markdown pass is needed.
_MARKDOWN_MARKS = re.compile(r"[*_\[`\\<&]")
_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"')
# The library's block processors but the paragraph's: a caption is one paragraph.
_BLOCKS_DROPPED = ("empty", "indent", "code", "hashheader", "setextheader", "hr", "olist",
                   "ulist", "quote", "reference")
# Inline patterns a caption has no use for: raw HTML (a caption's "<" is a character), and
# images inside a photo's caption.
_INLINE_DROPPED = ("html", "entity", "image_link", "image_reference", "short_image_ref")


class _ThreadConverter(threading.local):
    markdown: Markdown | None = None


_this_thread = _ThreadConverter()


def _converter() -> Markdown:
    """This thread's Markdown instance for captions (made once: a few milliseconds)."""
    md = _this_thread.markdown
    if md is None:
        md = Markdown(extensions=[SmartTextExtension(), LinearExtension()],
                      output_format="html")
        allow_every_escape(md)
        for name in _BLOCKS_DROPPED:
            md.parser.blockprocessors.deregister(name, strict=False)
        md.preprocessors.deregister("html_block", strict=False)
        for name in _INLINE_DROPPED:
            md.inlinePatterns.deregister(name, strict=False)
        _this_thread.markdown = md
    return md


@lru_cache(maxsize=1 << 12)
def caption_html(caption: str) -> Markup:
    """The caption as HTML to print: its emphasis, links and code spans made elements, its
    quotes and dashes typographic, everything else escaped."""
    one_line = " ".join(caption.split())
    as_typed = Markup(html.escape(smarten(one_line), quote=False))
    if not _MARKDOWN_MARKS.search(one_line):
        return as_typed
    md = _converter()
    md.reset()
    # Raw HTML is not read (its patterns are gone): a "<" is the writer's character.
    made = without_controls(md.convert(one_line))
    inner = made.removeprefix("<p>").removesuffix("</p>")
    # Not one paragraph after all: as typed.
    return as_typed if "<p>" in inner or "</p>" in inner else Markup(inner)


def caption_links(caption: str) -> list[str]:
    """The addresses of the links a caption's Markdown makes, in order."""
    return [html.unescape(href) for href in _HREF.findall(caption_html(caption))]


def shown_caption(caption: str | None) -> Markup | None:
    """``caption_html`` of a caption, None for none (a view's field)."""
    return caption_html(caption) if caption else None


def caption_text(caption: str) -> str:
    """The caption's words alone, as a reader sees them (emphasis and links gone)."""
    return html.unescape(_TAG.sub("", caption_html(caption)))
