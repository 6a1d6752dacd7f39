"""One Markdown body → HTML plus what the later stages need to know about it."""

from __future__ import annotations

import html
import re
import string
import threading
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor

from generator.errors import LocatedError
from generator.markup.barelinks import BareLinkExtension
from generator.markup.embeds import EmbedExtension, RawEmbed
from generator.markup.figures import (
    FigureExtension,
    RawImage,
    RawVideo,
    html_figures_unwrapped,
    tidy_photo_attributes,
    titles_put_back,
    titles_set_aside,
)
from generator.markup.footnotes import Footnotes
from generator.markup.inlineskip import InlineSkipExtension
from generator.markup.limits import LimitsExtension, check_limits
from generator.markup.linear import LinearExtension
from generator.markup.lists import WriterListsExtension
from generator.markup.liveupdates import (
    UPDATE_MARK,
    LiveUpdatesExtension,
    RawUpdate,
    cut_updates,
    heading_lines,
    times_not_first,
)
from generator.markup.pastedframes import mended_frames
from generator.markup.quotes import QuoteExtension
from generator.markup.rawtags import WordsInBracketsExtension
from generator.markup.slips import (
    BodySlip,
    line_finder,
    other_tools_markup,
    raw_html_slips,
    unbalanced_tags,
    unclosed_attribute_lists,
)
from generator.markup.typography import SmartTextExtension
from generator.slugs import is_script_link, script_link_problem

# When the HTML this module produces changes, bump MARKUP_VERSION in version.py so cached
# bodies are rendered again.
SUMMARY_CHARS = 280

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A paragraph, and the boxes whose paragraphs are not the writer's running text.
_BLOCK_TAG = re.compile(r"<(?P<close>/?)(?P<name>p|figure|blockquote|aside|details|table|div"
                        r"|section|nav|header|footer)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
# A footnote's number in the text: not part of a summary ("$2 billion1 this year").
_NOTE_MARK = re.compile(r"<sup\b[^>]*>\s*<a\b[^>]*\bfootnote-ref\b[^>]*>[^<]*</a>\s*</sup>")


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """The body as UTF-8 HTML with image placeholders, and facts about it."""

    html: bytes  # bytes: this crosses from worker processes by the thousand
    images: tuple[RawImage, ...]
    has_embeds: bool
    word_count: int
    first_paragraph: str
    videos: tuple[RawVideo, ...] = ()
    embeds: tuple[RawEmbed, ...] = ()
    # A live article's updates; its ``html`` then holds the intro and each update's part
    # (without its heading) joined by UPDATE_MARK.
    updates: tuple[RawUpdate, ...] = ()
    slips: tuple[BodySlip, ...] = ()  # each said as a warning at its line


class _Renderer:
    """A Markdown instance with our extensions, reused across documents in one process."""

    def __init__(self) -> None:
        self.figures = FigureExtension()
        self.embeds = EmbedExtension()
        self.live = LiveUpdatesExtension()
        self.footnotes = Footnotes()
        # Extensions as objects, not by name: a name makes Markdown look through every
        # installed package's entry points, a tenth of a second of a small build.
        self.md = Markdown(
            extensions=[
                TableExtension(), self.footnotes, AttrListExtension(),
                TocExtension(slugify=slugify_unicode, permalink=False),
                QuoteExtension(), SmartTextExtension(), BareLinkExtension(), self.figures,
                self.embeds, self.live, WriterListsExtension(),
                LimitsExtension(), InlineSkipExtension(), WordsInBracketsExtension(),
                LinearExtension(),  # last: it replaces processors the others registered
            ],
            output_format="html",
        )
        allow_every_escape(self.md)
        self.references = self.md.references = _FirstDefinitions()
        # After attr_list (8) and before toc (5): an empty ``{#}`` is no id (HTML forbids
        # id=""), so a heading given one gets its usual id from toc instead.
        self.md.treeprocessors.register(_NoEmptyIds(self.md), "no_empty_ids", 7)
        # MathML is phrasing content: "x is <math>…</math> here" is one paragraph, not a
        # block the library sets aside unclosed.
        if "math" in self.md.block_level_elements:
            self.md.block_level_elements.remove("math")
        # After toc (5): a heading's id is never one the page around the story has.
        self.md.treeprocessors.register(_NotThePagesIds(self.md), "not_the_pages_ids", 4)
        self.md.treeprocessors.register(_SubheadsUnderTheHeadline(self.md, self.live), "subheads",
                                        3)
        self.md.treeprocessors.register(_TablesInScrollBoxes(self.md), "tables_scroll", 2)
        self.script_links = _ScriptLinks(self.md)
        self.md.treeprocessors.register(self.script_links, "script_links", 1)

    def render(self, text: str, first_line: int, titles: Sequence[str] = ()
               ) -> RenderedMarkdown:
        """Render one body whose photos' ``titles`` are set aside (``titles_set_aside``); a
        live one (``live.processor.enabled``, set by the caller) is cut into its updates."""
        self.md.reset()
        self.figures.processor.titles = titles
        updates: tuple[RawUpdate, ...] = ()
        if self.live.processor.enabled:
            parts, headings = cut_updates(self.md.convert(text))
            lines = heading_lines(text, first_line, len(headings))
            updates = tuple(RawUpdate(without_controls(h), line)
                            for h, line in zip(headings, lines, strict=True))
            # A mark the writer typed in raw HTML must not cut the body.
            body = UPDATE_MARK.join(without_controls(p).replace(UPDATE_MARK, "<!-- -->")
                                    for p in parts)
        else:
            body = without_controls(self.md.convert(text))
        body = mended_frames(body)
        stashed = [b for b in self.md.htmlStash.rawHtmlBlocks if isinstance(b, str)]
        embeds = _with_lines(self.embeds.embeds, text, first_line, "url")
        # Lines are found in document order, so each kind is searched on its own.
        return RenderedMarkdown(
            html=body.encode("utf-8"),
            images=_with_lines(self.figures.processor.images, text, first_line),
            has_embeds=self.embeds.count > 0,
            word_count=word_count(titles_put_back(text, titles)),
            first_paragraph=_first_paragraph(body),
            videos=_with_lines(self.figures.processor.videos, text, first_line),
            embeds=embeds,
            updates=updates,
            slips=(*unclosed_attribute_lists(text, first_line),
                   *other_tools_markup(text, first_line),
                   *self.footnotes.slips(text, first_line),
                   *raw_html_slips(stashed, self.md.block_level_elements, text, first_line),
                   # An update's heading is cut out of the body: checked with it.
                   *(unbalanced_tags(body + "".join(u.heading_html for u in updates), text,
                                     first_line) if stashed else ()),
                   *_definitions_again(self.references.repeated, text, first_line),
                   *_script_link_slips(self.script_links.found, text, first_line),
                   *(times_not_first(text, first_line) if self.live.processor.enabled else ()),
                   *(BodySlip(f"the line under this post gives the date {typed!r}, which is not "
                              "one: write the day the post was made, e.g. November 18, 2026",
                              embeds[index].line) for index, typed in self.embeds.undated)),
        )


class _FirstDefinitions(dict[str, tuple[str, str]]):
    """Link references by label, each as first defined, as CommonMark and most editors'
    previews take them (Python-Markdown kept the last: a paragraph pasted with its own
    ``[1]: …`` sent the story's earlier [1] links there).  A label defined again with another
    address is remembered, for a warning."""

    def __init__(self) -> None:
        super().__init__()
        self.repeated: list[str] = []

    def __setitem__(self, label: str, value: tuple[str, str]) -> None:
        if label not in self:
            super().__setitem__(label, value)
        elif self[label][0] != value[0] and label not in self.repeated:
            self.repeated.append(label)

    def clear(self) -> None:
        super().clear()
        self.repeated = []


def _definitions_again(labels: Sequence[str], text: str, first_line: int
                       ) -> Iterator[BodySlip]:
    """A warning at the second definition of each label in ``labels``."""
    for label in labels:
        found = re.finditer(rf"^ {{0,3}}\[{re.escape(label)}\]:", text,
                            re.MULTILINE | re.IGNORECASE)
        lines = [first_line + text.count("\n", 0, m.start()) for m in found][:2]
        if len(lines) == 2:
            yield BodySlip(f"[{label}] is defined again here, with another address than on "
                           f"line {lines[0]}: links to [{label}] go to the first, as in most "
                           "editors' previews; give this one a label of its own", lines[1])


class _NoEmptyIds(Treeprocessor):
    """Drop the ``id=""`` an attribute list like ``{#}`` leaves."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.get("id") == "":
                del element.attrib["id"]


# The ids the default theme gives parts of a story's page (docs/templates.md lists them for
# theme writers): a subhead "## Corrections" must not take the correction box's, or the
# byline's "Correction appended" link leads to the subhead and the page is invalid HTML.
PAGE_IDS = frozenset({"main", "corrections", "corrections-heading", "updates-heading",
                      "related-stories-heading", "search-heading", "search-q", "search-results",
                      "search-status", "site-search-q"})


class _NotThePagesIds(Treeprocessor):
    """An id in the body (a heading's, or one an attribute list gives) that is one of
    ``PAGE_IDS``, made ``corrections-2``, and the body's links to it with it."""

    def run(self, root: Element) -> None:
        taken = {element.get("id") for element in root.iter()}
        renamed: dict[str, str] = {}
        for element in root.iter():
            given = element.get("id")
            if given in PAGE_IDS:
                number = 2
                while f"{given}-{number}" in taken:
                    number += 1
                renamed[f"#{given}"] = f"#{given}-{number}"
                element.set("id", f"{given}-{number}")
                taken.add(f"{given}-{number}")
        if renamed:  # the story's own links to its heading ("{#main}") follow it
            for element in root.iter("a"):
                if (href := element.get("href")) in renamed:
                    element.set("href", renamed[href])


class _ScriptLinks(Treeprocessor):
    """The addresses of the links the body's Markdown makes that a browser would run as a
    program (``javascript:``, ``data:text/html``), each an error: a pasted link is meant to
    lead somewhere.  (Raw HTML is not in this tree: it is the writer's own, published as
    written.)"""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.found: list[str] = []

    def run(self, root: Element) -> None:
        self.found = [href for element in root.iter("a")
                      if (href := element.get("href")) and is_script_link(href)]


def _script_link_slips(hrefs: Sequence[str], text: str, first_line: int) -> Iterator[BodySlip]:
    """An error for each of ``hrefs``, at the line its address is typed on."""
    line_of = line_finder(text, first_line)
    for href in hrefs:
        at = text.find(href)
        if at < 0:  # written with escapes or entities: the scheme, then
            at = text.lower().find(href.split(":", 1)[0].strip().lower())
        problem = script_link_problem(href)
        if problem:
            yield BodySlip(problem, line_of(at) if at >= 0 else None, stops=True)


class _TablesInScrollBoxes(Treeprocessor):
    """Each table in a box of its own, ``<div class="table-scroll" tabindex="0">``: a table
    wider than a phone's column scrolls there, not the page, and a reader with a keyboard can
    focus the box to scroll it (WCAG 2.1.1; axe's scrollable-region-focusable)."""

    def run(self, root: Element) -> None:
        for parent in [e for e in root.iter() if any(child.tag == "table" for child in e)]:
            for at, child in enumerate(parent):
                if child.tag == "table":
                    box = Element("div", {"class": "table-scroll", "tabindex": "0"})
                    box.tail, child.tail = child.tail, None
                    box.append(child)
                    parent[at] = box


class _SubheadsUnderTheHeadline(Treeprocessor):
    """A story's subheads start at ``<h2>``, under the page's ``<h1>`` headline, and never
    skip a level: a writer who uses ``###`` for them (as many editors suggest), ``#``, or
    both in one story had a page whose outline skipped levels or had two headlines, which
    screen readers list and the HTML checker refuses.

    Each heading goes one level under the nearest heading before it that the writer typed
    at a higher level (``#`` above ``##``), and to ``<h2>`` when there is none: the order the
    writer gave stays, the gaps close.  A live blog's updates (``## 9:42 pm``) stay ``<h2>``,
    and a subhead in an update sits under it."""

    def __init__(self, md: Markdown, live: LiveUpdatesExtension) -> None:
        super().__init__(md)
        self.live = live

    def run(self, root: Element) -> None:
        updates = set(map(id, self.live.processor.updates(root)))
        above: list[tuple[int, int]] = []  # the open headings: (level typed, level given)
        for heading in [e for e in root.iter() if e.tag in _HEADINGS]:
            typed = int(heading.tag[1])
            if id(heading) in updates:
                above = [(typed, 2)]
                continue
            while above and above[-1][0] >= typed:
                above.pop()
            level = min(6, above[-1][1] + 1 if above else 2)
            above.append((typed, level))
            heading.tag = f"h{level}"


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _ThreadRenderer(threading.local):
    """The renderer of the running thread, made the first time it renders a body.

    A Markdown instance holds the document it is converting, so no two threads share one;
    each process (a forked or spawned parse worker) makes its own, once, not one per body.
    """

    renderer: _Renderer | None = None


_this_thread = _ThreadRenderer()


def render_markdown(text: str, first_line: int = 1, live: bool = False) -> RenderedMarkdown:
    """Render one Markdown body; ``first_line`` is the body's first line in its file; a
    ``live`` body is cut into its updates (see liveupdates.py).

    Raises LocatedError (at a line of the file) for a body beyond what Byline renders.  A
    note for editors never closed is a slip that stops the build, said with the file's other
    problems.
    """
    text, unclosed = _notes_taken_out(text, first_line)
    text = pasted_photo_data_taken_out(text)
    check_limits(text, first_line)
    text = html_figures_unwrapped(text)  # keeps every line where it was
    text, titles = titles_set_aside(text)  # captions are read as captions (figures.py)
    text = tidy_photo_attributes(text)  # keeps every line where it was
    renderer = _this_thread.renderer
    if renderer is None:
        renderer = _this_thread.renderer = _Renderer()
    try:
        renderer.live.processor.enabled = live
        rendered = renderer.render(text, first_line, titles)
        return replace(rendered, slips=(unclosed, *rendered.slips)) if unclosed else rendered
    except RecursionError:
        # The limits are meant to make this unreachable; if a new shape of nesting gets
        # past them, the writer still gets a line, and the next body a fresh parser.
        _this_thread.renderer = None
        raise LocatedError("this text nests lists, quotes or emphasis too deeply for Byline "
                           "to read: flatten it", first_line) from None


_NOTE_OPENS, _NOTE_CLOSES = "<!--", "-->"
_BACKTICKS = re.compile(r"`+")


def without_notes(text: str, first_line: int) -> str:
    """``text`` without its HTML comments: writers leave notes for editors in them, which no
    reader (nor a feed, nor the page's source) should get.  Each keeps its line breaks, so
    every line below it keeps its number.  One never closed would show as text with all
    that follows it: it is taken out to the end, and ``render_markdown`` says so.  A ``<!--``
    in a code span is the writer's text, shown as it is.  Linear: hostile text (thousands of
    ``<!--``) costs one pass."""
    return _notes_taken_out(text, first_line)[0]


# A photo pasted into the text as data, as Google Docs' Markdown export writes each one
# (``[image1]: <data:image/png;base64,…>``), its base64 wrapped over lines or not.
# Only where Markdown names an image's address (``](…`` or ``]: …``): data in raw HTML or
# in code is the writer's to publish as written.
_PHOTO_DATA = re.compile(r"(\]\([ \t]*<?|\]:[ \t]*<?)(data:image/[\w.+-]+;base64,)"
                         r"[A-Za-z0-9+/=]+(?:[ \t]*\n[ \t]*[A-Za-z0-9+/=]+)*")


def pasted_photo_data_taken_out(text: str) -> str:
    """The text with each pasted photo's data taken out, its ``data:image/…;base64,`` left
    for the image check to name (a megabyte of it would otherwise be refused as a story too
    long to read, or quoted whole in a message), and every line where it was."""
    if "data:image/" not in text:
        return text
    return _PHOTO_DATA.sub(lambda m: m.group(1) + m.group(2) + "\n" * m.group().count("\n"),
                           text)


def _notes_taken_out(text: str, first_line: int) -> tuple[str, BodySlip | None]:
    """``without_notes``, and the error of a note never closed, if there is one."""
    if _NOTE_OPENS not in text:
        return text, None
    code = _code_spans(text)
    at = 0  # the first code span not wholly before ``done``
    kept: list[str] = []
    done = 0
    while (opens := text.find(_NOTE_OPENS, done)) >= 0:
        while at < len(code) and code[at][1] <= opens:
            at += 1
        if at < len(code) and code[at][0] <= opens:  # inside `code`: the writer's text
            kept.append(text[done:code[at][1]])
            done = code[at][1]
            continue
        closes = text.find(_NOTE_CLOSES, opens + len(_NOTE_OPENS))
        if closes < 0:  # the rest is the note: kept from readers, its lines still counted
            kept += [text[done:opens], "\n" * text.count("\n", opens)]
            return "".join(kept), BodySlip(
                "this <!-- starts a note for editors that is never closed: readers would see "
                "it and the rest of the story as text; end the note with -->",
                first_line + text.count("\n", 0, opens), stops=True)
        kept += [text[done:opens], "\n" * text.count("\n", opens, closes)]
        done = closes + len(_NOTE_CLOSES)
    kept.append(text[done:])
    return "".join(kept), None


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text``'s code spans are, as (start, end) in order: a run of backticks up to
    the next run as long on its line (a run with none is plain text).  Linear: each run's
    next of its length is found once, from the end, and lines are told by bisection."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    if not runs:
        return []
    breaks = [m.start() for m in re.finditer("\n", text)]
    after: list[int | None] = [None] * len(runs)
    latest: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        after[i] = latest.get(length)
        latest[length] = i
    spans = []
    i = 0
    while i < len(runs):
        j = after[i]
        if j is not None and bisect_left(breaks, runs[i][1]) == bisect_left(breaks, runs[j][0]):
            spans.append((runs[i][0], runs[j][1]))
            i = j + 1
        else:
            i += 1
    return spans


_Located = TypeVar("_Located", RawImage, RawVideo, RawEmbed)


def _with_lines(
    found_in_order: list[_Located], text: str, first_line: int, field: str = "src"
) -> tuple[_Located, ...]:
    """Give each image the line its ``](src`` stands on (each embed its URL's), searching
    forward in document order."""
    found = []
    position = 0
    for image in found_in_order:
        target = getattr(image, field)
        at = _written_at(text, target, position) if field == "src" else _alone(text, target,
                                                                                position)
        in_order = at >= 0 or field != "src"
        if at < 0:  # reference-style or raw HTML: fall back to any mention of the path
            at = text.find(target, position)
        if at >= 0:
            # A reference's definition may stand anywhere, often at the end: searching on
            # from there would lose the line of every image after it.
            if in_order:
                position = at + 1
            line = first_line + text.count("\n", 0, at)
        else:
            line = None
        found.append(replace(image, line=line))
    return tuple(found)


def _written_at(text: str, src: str, start: int) -> int:
    """Where ``](src`` stands from ``start`` on, the path in angle brackets or not (Typora
    and Obsidian write ``](<red carpet.jpg>``); -1 if nowhere."""
    found = re.compile(rf"\]\(<?{re.escape(src)}").search(text, start)
    return found.start() if found else -1


def _alone(text: str, url: str, start: int) -> int:
    """Where ``url`` stands alone on its line (an embed's), in a list or a quote or not, from
    ``start`` on; -1 if nowhere (a mention of it in a sentence is not the embed)."""
    found = re.compile(rf"^[ \t>*+\-\d.]*<?{re.escape(url)}>?[ \t]*$", re.MULTILINE).search(
        text, start)
    return found.start() + found.group().index(url) if found else -1


# Python-Markdown marks what it set aside with STX/ETX placeholders; on some tangles of
# emphasis and escapes a few are never put back, and writers paste control characters (a
# vertical tab from Word).  Neither belongs in a page: HTML forbids them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STRAY = re.compile(r"\x02(\d+)\x03"  # a backslash escape, by its code point
                    r"|\x02(?:klzzwxh|wzxhzdk):\d+\x03?|(?:klzzwxh|wzxhzdk):\d+\x03"
                    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def allow_every_escape(md: Markdown) -> None:
    """A backslash before any ASCII punctuation is an escape, as in CommonMark: converters
    (pandoc, Word add-ins) write ``\\$20 million`` and ``It\\'s``, and Python-Markdown's own
    short list left readers the backslashes."""
    md.ESCAPED_CHARS = list(dict.fromkeys([*md.ESCAPED_CHARS, *string.punctuation]))


def without_controls(body: str) -> str:
    """``body`` without control characters or Python-Markdown placeholders left over; a
    stray escaped character becomes itself."""
    if _CONTROLS.search(body) is None:
        return body
    return _STRAY.sub(_stray, body)


def _stray(match: re.Match[str]) -> str:
    if match.group(1):  # a backslash escape: the character, as HTML
        return html.escape(chr(int(match.group(1))), quote=False)
    return " " if match.group() in ("\x0b", "\x0c") else ""


def _first_paragraph(body: str) -> str:
    """The story's first paragraph of its own writing, as text: not one inside a post's card,
    a photo's caption, a quote or a box ("View this video on YouTube" would otherwise
    describe a story that opens with a pasted link)."""
    depth = 0
    for tag in _BLOCK_TAG.finditer(body):
        if tag["name"] == "p":
            if depth == 0 and not tag["close"]:
                end = body.find("</p>", tag.end())
                inside = _NOTE_MARK.sub("", body[tag.end() : end if end >= 0 else len(body)])
                text = " ".join(html.unescape(_TAG.sub("", inside)).split())
                if text:
                    return shorten(text, SUMMARY_CHARS)
        else:
            depth = max(0, depth + (-1 if tag["close"] else 1))
    return ""


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary so it fits ``limit`` characters, adding an ellipsis.

    Chinese and Japanese put no spaces between words: where no space is near the limit, the
    cut is after the last of their commas and stops near it, else at the limit itself (a
    Japanese paragraph's last space can be its first words, around a Latin name)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    near = limit * 3 // 5
    space = cut.rfind(" ")
    if space >= near:
        cut = cut[:space]
    else:
        stop = max(cut.rfind(mark) for mark in _EAST_ASIAN_STOPS)
        cut = cut[:stop] if stop >= near else cut
    return cut.rstrip(",;:—- ") + "…"


# Where a sentence or clause ends in Chinese and Japanese text.
_EAST_ASIAN_STOPS = "。、，；：！？"
# Characters of scripts written without spaces between words: kana and Han ideographs.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                       "\uff66-\uff9f]")
# A reader reads about 500 of them a minute (Hugo's figure) against WORDS_PER_MINUTE words:
# each counts as this share of a word, so word counts and reading times agree.
_WORDS_PER_UNSPACED = 230 / 500


def word_count(text: str) -> int:
    """The words of ``text``; in Chinese and Japanese, which have no spaces to count by, each
    character is a share of a word (see above)."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + round(unspaced * _WORDS_PER_UNSPACED)
