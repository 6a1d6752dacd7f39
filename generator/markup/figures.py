"""Photos and videos in the body.

A photo alone in a paragraph becomes a figure; two or more photos on consecutive lines (one
paragraph of nothing but photos) become a gallery; others stay inline.  ``![Alt](clip.mp4)``
is a video.  Runs after ``attr_list`` (so ``{credit="…"}`` is already an attribute) and
replaces each ``<img>`` with a placeholder (``<byline-image>``, ``<byline-gallery>``,
``<byline-video>``), recording what the writer wrote: the render stage fills them in from
the theme, so the cached HTML depends on neither the image settings nor the theme.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from generator.markup.placeholders import GALLERY_TAG, PLACEHOLDER_TAG, VIDEO_TAG

# Files browsers play in a <video> element; Byline copies them as they are, never transcodes.
VIDEO_SUFFIXES = (".mp4", ".m4v", ".webm")
# Video files not every browser plays: recognised so the writer hears what to do with them.
OTHER_VIDEO_SUFFIXES = (".mov", ".avi", ".mkv", ".wmv", ".flv", ".ogv", ".3gp", ".mpg", ".mpeg")
IMAGE_KINDS = ("figure", "inline", "slide")


@dataclass(frozen=True, slots=True)
class RawImage:
    """A photo as written in Markdown; ``line`` is filled in by the caller.

    ``kind`` is "figure" (alone in its paragraph), "inline" or "slide" (in a gallery).
    """

    src: str
    alt: str | None
    caption: str | None
    credit: str | None
    kind: str
    line: int | None = None
    linked: bool = False  # all of a link: [![Alt](a.jpg)](https://…), shown inline


@dataclass(frozen=True, slots=True)
class RawVideo:
    """A video as written in Markdown (``![Alt](clip.mp4 "Caption"){credit="…"}``).

    ``poster``, ``width`` and ``height`` are the writer's attributes, unchecked; ``kind`` is
    "figure" or "inline" (inside a sentence).
    """

    src: str
    alt: str | None
    caption: str | None
    credit: str | None
    poster: str | None
    width: str | None
    height: str | None
    kind: str
    line: int | None = None


# A photo as written ("![alt](src "caption")", its caption set aside: see
# ``titles_set_aside``; the alt may hold a link's brackets), each part bounded so that hostile
# text ("![" thousands of times) costs a pass over it, not a square of it.
PHOTO = r"!\[(?:[^\[\]\n]|\[[^\[\]\n]{0,500}\]){0,2000}\]\([^)\n]{0,2000}\)"
# A photo's attribute list ("{credit=…}"), and the quoted values within one.
_PHOTO_ATTRIBUTES = re.compile("(" + PHOTO + r")[ \t]*\{([^{}\n]*)\}")
_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*')")
_SPACED_EQUALS = re.compile(r"[ \t]*=[ \t]*")
_CURLY_VALUE = re.compile(r'=[ \t]*[“”„]([^“”"\n]*)[“”]')
# Where a double-quoted value may start ('credit="'), and what may follow its closing quote:
# the end of the list, or another attribute (a key and "=", a .class or an #id).
_VALUE_START = re.compile(r'[\w-]+[ \t]*=[ \t]*"')
_AFTER_VALUE = re.compile(r'[ \t]*$|[ \t]+(?:[\w-]+[ \t]*=|[.#][\w-])')
_LONGEST_LIST = 2000  # characters; past it, a list is no writer's and is left as it is


def tidy_photo_attributes(text: str) -> str:
    """``text`` with photos' attribute lists as Python-Markdown reads them, where a writer
    plainly gave a credit it would read as none, or as text: spaces around "=" (outside
    quotes) or before the "{" taken out, a value in typographic quotes (``credit=“Ines
    Park”``, as Word and macOS type them) put in straight ones."""
    if "=" not in text or "{" not in text:
        return text

    def tidied(match: re.Match[str]) -> str:
        written = _CURLY_VALUE.sub(r'="\1"', match.group(2))
        parts = _QUOTED.split(_quotes_curled(written))
        inner = "".join(part if i % 2 else _SPACED_EQUALS.sub("=", part)
                        for i, part in enumerate(parts))
        return match.group(1) + "{" + inner + "}"

    return _PHOTO_ATTRIBUTES.sub(tidied, text)


def _quotes_curled(attributes: str) -> str:
    """``attributes`` with the double quotes inside a double-quoted value made typographic
    ({credit="Courtesy "The Bear"/FX"}): Python-Markdown ends the value at the first of
    them, and the credit was published cut to "Courtesy "."""
    if attributes.count('"') <= 2 or len(attributes) > _LONGEST_LIST:
        return attributes
    out, at = [], 0
    while start := _VALUE_START.search(attributes, at):
        opened = start.end()
        close = next((q for q in _quote_positions(attributes, opened)
                      if _AFTER_VALUE.match(attributes, q + 1)), -1)
        if close < 0:
            break  # never closed: left for the warning about it
        inner = attributes[opened:close].split('"')
        curled = inner[0] + "".join(("“" if n % 2 == 0 else "”") + part
                                    for n, part in enumerate(inner[1:]))
        out.append(attributes[at:opened] + curled + '"')
        at = close + 1
    return "".join(out) + attributes[at:]


def _quote_positions(text: str, start: int) -> Iterator[int]:
    """Where each double quote from ``start`` on is, found as they are asked for."""
    at = text.find('"', start)
    while at >= 0:
        yield at
        at = text.find('"', at + 1)


# A photo's title in quotes, which is its caption (the closing quote stands before the ")").
_TITLED_PHOTO = re.compile(
    r"""(!\[(?:[^\[\]\n]|\[[^\[\]\n]{0,500}\]){0,2000}\]\([ \t]*[^\s"'()<][^\s"']{0,2000}"""
    r"""[ \t]+)"""
    r"""("(?:[^"\\\n]|\\.){0,2000}"|'(?:[^'\\\n]|\\.){0,2000}')(?=[ \t]*\))""")
# What stands for a title set aside: private-use characters no Markdown pattern reads.
_TITLE_MARK = re.compile("\ue000(\\d+)\ue001")


# A photo in Markdown inside an HTML <figure> with its <figcaption>, as WordPress exporters
# (wordpress-export-to-markdown) write every captioned photo, and as editors that follow
# CommonMark preview it: a figure.  Python-Markdown takes the whole <figure> for HTML and
# would publish the Markdown as text, the photo lost.  Read line by line (a pattern over the
# whole shape backtracked for minutes on a caption of spaces); a caption with tags in it is
# left alone (the warning about Markdown inside HTML then says what to do).
_FIGURE_OPENS = re.compile(r" {0,3}<figure\b[^<>]{0,500}>\s*", re.IGNORECASE)
_FIGURE_CLOSES = re.compile(r"\s*</figure>\s*", re.IGNORECASE)
_CAPTION_OPENS = re.compile(r"\s*<figcaption\b[^<>]{0,500}>", re.IGNORECASE)
_CAPTION_CLOSES = re.compile(r"</figcaption>\s*$", re.IGNORECASE)
_PHOTO_LINE = re.compile(
    r" {0,3}(?P<alt>!\[(?:[^\[\]\n]|\[[^\[\]\n]{0,500}\]){0,2000}\]\()[ \t]*"
    r"(?P<src>[^\s\"'()<>][^\s\"'()]{0,2000})"
    r"(?:[ \t]+(?:\"[^\"\n]{0,2000}\"|'[^'\n]{0,2000}'))?[ \t]*\)"
    r"(?P<attributes>[ \t]*\{[^{}\n]{0,2000}\})?[ \t]*")
_MOST_BLANKS = 3  # blank lines between the parts, as the exporter writes them (one each)


def html_figures_unwrapped(text: str) -> str:
    """``text`` with each Markdown photo that an HTML ``<figure>`` holds (and its
    ``<figcaption>`` captions) written as Byline's figure: ``![alt](src "caption")``, on the
    photo's own line; the lines of the tags around it are left blank, so every line stays
    where it was."""
    if "![" not in text or "<figure" not in text.lower():
        return text
    lines = text.split("\n")
    at = 0
    while at < len(lines):
        found = _html_figure(lines, at) if _FIGURE_OPENS.fullmatch(lines[at]) else None
        if found is None:
            at += 1
            continue
        photo_at, end, photo = found
        lines[at:end] = ["" if n != photo_at else photo for n in range(at, end)]
        at = end
    return "\n".join(lines)


def _html_figure(lines: list[str], at: int) -> tuple[int, int, str] | None:
    """The figure whose ``<figure>`` line is ``at``: the line of its photo, the line after
    its ``</figure>``, and the photo as Byline writes it; None for another shape."""
    def past_blanks(n: int) -> int:
        end = min(n + _MOST_BLANKS, len(lines))
        while n < end and not lines[n].strip():
            n += 1
        return n

    photo_at = past_blanks(at + 1)
    photo = _PHOTO_LINE.fullmatch(lines[photo_at]) if photo_at < len(lines) else None
    if photo is None:
        return None
    n = past_blanks(photo_at + 1)
    caption = ""
    if n < len(lines) and (opens := _CAPTION_OPENS.match(lines[n])):
        words: list[str] = []
        rest = lines[n][opens.end():]
        while True:
            closes = _CAPTION_CLOSES.search(rest)
            words.append(rest[: closes.start()] if closes else rest)
            if closes or n + 1 >= len(lines) or len(words) > 2 * _MOST_BLANKS + 1:
                break
            n += 1
            rest = lines[n]
        caption = " ".join(w.strip() for w in words if w.strip())
        if closes is None or "<" in caption or ">" in caption:
            return None
        n = past_blanks(n + 1)
    if n >= len(lines) or not _FIGURE_CLOSES.fullmatch(lines[n]):
        return None
    written = photo.group(0).strip()
    if caption:
        quoted = caption.replace("\\", "\\\\").replace('"', '\\"')
        written = (f'{photo.group("alt")}{photo.group("src")} "{quoted}")'
                   f'{(photo.group("attributes") or "").strip()}')
    return photo_at, n + 1, written


def titles_set_aside(text: str) -> tuple[str, list[str]]:
    """``text`` with each photo's title (its caption) replaced by a mark, and the titles as
    written.  A caption is read as a caption (``captions.py``), not as part of the text: the
    text's links, code spans, escapes and footnote marks would otherwise take what they
    match out of it (a link's address was lost), and a ")" in a caption would hide the
    photo's ``{credit=…}`` from ``tidy_photo_attributes``.  Lines stay where they were."""
    if "![" not in text or "\ue000" in text or "\ue001" in text:
        return text, []
    titles: list[str] = []

    def aside(match: re.Match[str]) -> str:
        quoted = match.group(2)
        titles.append(quoted[1:-1])
        return f"{match.group(1)}{quoted[0]}\ue000{len(titles) - 1}\ue001{quoted[0]}"

    return _TITLED_PHOTO.sub(aside, text), titles


def titles_put_back(text: str, titles: Sequence[str]) -> str:
    """``text`` with each mark of ``titles_set_aside`` back to the title as written."""
    return _TITLE_MARK.sub(lambda m: titles[int(m.group(1))], text) if titles else text


# A reference-style link in a caption: "[words][id]", "[words][]" or "[id]".
_REFERENCE = re.compile(r"\[([^\[\]\n]{1,500})\](?:[ ]?\[([^\[\]\n]{0,500})\])?(?!\()")


def _references_resolved(caption: str, references: Mapping[str, tuple[str, str]]) -> str:
    """``caption`` with its reference-style links written out with their addresses (the
    definitions are the story's, which the caption's own reading does not see)."""
    if "[" not in caption or not references:
        return caption

    def written_out(match: re.Match[str]) -> str:
        words, name = match.group(1), match.group(2)
        found = references.get(" ".join((name or words).split()).lower())
        if found is None or words.startswith("^"):
            return match.group()
        url, title = found
        titled = f' "{title}"' if title else ""
        return f"[{words}](<{url}>{titled})"

    return _REFERENCE.sub(written_out, caption)


def is_video(src: str) -> bool:
    """Whether a path names a video file (by its suffix, as a browser would)."""
    path = src.split("#", 1)[0].split("?", 1)[0].lower()
    return path.endswith(VIDEO_SUFFIXES + OTHER_VIDEO_SUFFIXES)


class FigureTreeprocessor(Treeprocessor):
    """Swap every ``<img>`` for a placeholder and remember it in ``self.images``."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.images: list[RawImage] = []
        self.videos: list[RawVideo] = []
        self.titles: Sequence[str] = ()  # the document's, set aside (``titles_set_aside``)

    def run(self, root: etree.Element) -> None:
        """Walk the tree in document order, turning photo-only paragraphs into figures.

        With a stack, not recursion: a body of 5,000 ``*`` nests elements thousands deep.
        Each element's children are gone through before its next sibling, so the images are
        recorded in the order they are written (their lines are found in that order).
        """
        stack: list[tuple[etree.Element, int]] = [(root, 0)]
        while stack:
            parent, index = stack.pop()
            if index >= len(parent):
                continue
            stack.append((parent, index + 1))
            child = parent[index]
            if child.tag == "p":
                _unlink_photos_of_their_files(child)
            if child.tag == "p" and _is_lone_image(child):
                parent[index] = self._placeholder(child[0], "figure", tail=child.tail)
            elif child.tag == "p" and _is_gallery(child):
                parent[index] = self._gallery(child)
            elif child.tag == "img":
                linked = (parent.tag == "a" and len(parent) == 1
                          and not (parent.text or "").strip() and not (child.tail or "").strip())
                parent[index] = self._placeholder(child, "inline", tail=child.tail,
                                                  linked=linked)
            elif len(child):
                stack.append((child, 0))

    def _placeholder(self, img: etree.Element, kind: str, tail: str | None,
                     linked: bool = False) -> etree.Element:
        src = img.get("src", "")
        # No alt attribute at all means the writer forgot it; alt="" is a choice.
        alt = self._as_typed(img.get("alt"))
        caption = self._caption(img.get("title"))
        credit = self._as_typed(img.get("credit")) or None
        if is_video(src):
            self.videos.append(RawVideo(
                src, alt, caption, credit, poster=self._as_typed(img.get("poster")) or None,
                width=img.get("width"), height=img.get("height"),
                kind="inline" if kind == "inline" else "figure",
            ))
            tag, ref = VIDEO_TAG, len(self.videos) - 1
        else:
            self.images.append(RawImage(src, alt, caption, credit, kind, linked=linked))
            tag, ref = PLACEHOLDER_TAG, len(self.images) - 1
        element = etree.Element(tag, {"data-ref": str(ref), "data-kind": kind})
        element.tail = tail
        return element

    def _as_typed(self, value: str | None) -> str | None:
        """An attribute's text as the writer typed it: escapes undone, and any "<…>" in it
        (``{credit="Reuters <Pool>"}``) put back where Python-Markdown set it aside as HTML
        (its placeholder would be published); it is text, escaped where it is shown."""
        text = _unescaped(value)
        if text and "\x02" in text:
            stash = self.md.htmlStash.rawHtmlBlocks
            text = HTML_PLACEHOLDER_RE.sub(
                lambda m: str(stash[int(m.group(1))]) if int(m.group(1)) < len(stash) else "",
                text)
        return text

    def _caption(self, title: str | None) -> str | None:
        """The caption as written: a title set aside is the writer's Markdown; another
        (``![a][ref]``'s, from its definition) is plain text, its escapes undone."""
        if not title:
            return None
        if _TITLE_MARK.search(title):
            # A quote escaped to stand inside the quotes (the \"Signal\" tour) is a quote.
            written = _QUOTE_ESCAPE.sub(r"\1", titles_put_back(title, self.titles))
            return _references_resolved(written, self.md.references) or None
        # Python-Markdown leaves the escaped quotes of a title ("the \"Signal\" tour") escaped.
        return _TITLE_ESCAPE.sub(r"\1", _unescaped(title) or "") or None

    def _gallery(self, paragraph: etree.Element) -> etree.Element:
        """One placeholder naming the slides, in order; each slide is recorded as an image."""
        first = len(self.images)
        for img in paragraph:
            if img.tag == "img":
                self._placeholder(img, "slide", tail=None)
        refs = " ".join(str(i) for i in range(first, len(self.images)))
        element = etree.Element(GALLERY_TAG, {"data-refs": refs})
        element.tail = paragraph.tail
        return element


_ESCAPED = re.compile("\x02(\\d+)\x03")
_TITLE_ESCAPE = re.compile(r"\\([\\\"'])")
_QUOTE_ESCAPE = re.compile(r"\\([\"'])")


def _unescaped(text: str | None) -> str | None:
    """Undo Python-Markdown's backslash-escape placeholders (its own pass runs after ours)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1))), text) if text else text


def _is_gallery(paragraph: etree.Element) -> bool:
    """Two or more photos (no videos) and nothing else but line breaks between them."""
    if (paragraph.text or "").strip():
        return False
    photos = 0
    for child in paragraph:
        if (child.tail or "").strip() or child.tag not in ("img", "br"):
            return False
        if child.tag == "img":
            if is_video(child.get("src", "")):
                return False
            photos += 1
    return photos >= 2


def _is_lone_image(paragraph: etree.Element) -> bool:
    return (
        len(paragraph) == 1
        and paragraph[0].tag == "img"
        and not (paragraph.text or "").strip()
        and not (paragraph[0].tail or "").strip()
    )


# Where a photo links to a photo file (its full size, as WordPress's "Link to: Media file"
# exports it: [![Alt](crowd-1024x683.jpg)](…/crowd.jpg)), the query and fragment aside.
_PHOTO_FILE = re.compile(r"[^?#]*\.(?:jpe?g|png|webp|avif|gif|heic|tiff?)(?:[?#].*)?",
                         re.IGNORECASE)


def _unlink_photos_of_their_files(paragraph: etree.Element) -> None:
    """A paragraph of nothing but photos, some of them linked each to a photo file, without
    those links: one such photo is then a figure, several a gallery, which show each photo
    as large as the page does (linked, they were shown two lines high, inside the links)."""
    if (paragraph.text or "").strip() or not any(c.tag == "a" for c in paragraph):
        return
    for child in paragraph:
        if (child.tail or "").strip() or child.tag not in ("a", "img", "br") or (
                child.tag == "a" and not _links_its_own_file(child)):
            return
    for index, child in enumerate(list(paragraph)):
        if child.tag == "a":
            photo = child[0]
            photo.tail = child.tail
            paragraph[index] = photo


def _links_its_own_file(link: etree.Element) -> bool:
    """Whether ``link`` holds nothing but one photo and leads to that photo's own file (its
    full size: the same name, but for WordPress's "-1024x683", "-scaled" or "-rotated").  A link to
    another picture, or to a page about it (Wikimedia's "File:…jpg", the credit a licence
    asks for), stays a link."""
    return (len(link) == 1 and link[0].tag == "img" and not (link.text or "").strip()
            and not (link[0].tail or "").strip() and not is_video(link[0].get("src", ""))
            and _PHOTO_FILE.fullmatch(link.get("href", "")) is not None
            and _photo_name(link.get("href", "")) == _photo_name(link[0].get("src", "")))


# WordPress's names for one photo: a size, "-scaled" (over 2560 px), "-rotated" (turned
# upright), "-e1571234567890" (edited in its media library).
_SIZED = re.compile(r"(?:-(?:\d{2,5}x\d{2,5}|scaled|rotated|e\d{10,13}))+$", re.IGNORECASE)


def _photo_name(address: str) -> str:
    """The name of the photo at ``address``, without its folder, query, ending or size."""
    name = address.split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    return _SIZED.sub("", name.rsplit(".", 1)[0]).lower()


class _TitlesInText(Postprocessor):
    """A title set aside that is no photo's after all (inside a code span, say) is put back
    as the text it was."""

    def __init__(self, md: Markdown, figures: FigureTreeprocessor) -> None:
        super().__init__(md)
        self.figures = figures

    def run(self, text: str) -> str:
        titles = self.figures.titles
        if not titles or "\ue000" not in text:
            return text
        return _TITLE_MARK.sub(lambda m: html.escape(titles[int(m.group(1))]), text)


class FigureExtension(Extension):
    """Registers the figure tree processor after attr_list (8) and before smarty (6)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        self.processor = FigureTreeprocessor(md)
        md.treeprocessors.register(self.processor, "byline-figures", 7)
        md.postprocessors.register(_TitlesInText(md, self.processor), "byline-titles", 5)
        md.registerExtension(self)

    def reset(self) -> None:
        """Forget the previous document's images, videos and titles."""
        self.processor.images = []
        self.processor.videos = []
        self.processor.titles = ()
