"""A web address pasted into a story as it is (``https://variety.com/…``) becomes a link.

Markdown links only ``<https://…>`` and ``[words](https://…)``, but writers paste addresses
bare, as every editor and CMS they know links them (GitHub, WordPress, Ghost): one left as
text is a source the reader cannot follow.  An address alone on its line that is a known
post (Instagram, X, YouTube, TikTok) is an embed before this runs (see ``embeds.py``).

The address ends as GitHub's ends one: at a space, ``<`` or a quote, less the punctuation
that closes the sentence around it (``.``, ``,``, ``)`` when it opens no ``(`` of its own…),
and at the punctuation of scripts written without spaces (``。``, ``）``…).  It runs before
emphasis (an underscore is part of an address), so it tells for itself where it must not
link: in a link's words (Markdown's or one written in HTML), in code or a form field written
in HTML, and in an attribute list (``{credit="… https://…"}``), which attr_list reads later.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

# Punctuation of scripts written without spaces, and dashes and ellipses set tight against
# a word: never part of an address.
_TIGHT = "。、，．：；！？）」』】〕》〉—–…"
# Never in the middle of a Latin word or of another address ("word:https://…"); after
# anything else (a space, a bracket, a quote, an emphasis mark, a line break, a word of a
# script written without spaces), or at the start.
# \x02…\x03 is what another pattern stashed: an escaped character is part of the address
# (``_cut``); code, a link or raw HTML ends it.
# A shortcode's closing tag pasted with an archive ("…watch?v=abc[/embed]") ends it too.
_BARE_ADDRESS = (r"(?<![A-Za-z0-9_/.:@%+=&?#\\-])https?://"
                 rf"(?:(?!\[/)[^\s<>\"\x02\x03{_TIGHT}]|\x02[^\x02\x03]*\x03)+")
_STASHED = re.compile(r"\x02([^\x02\x03]*)\x03")
_ESCAPED = re.compile(r"\d+")  # what the escape pattern stashes: the character's number
_INLINE_ID = util.INLINE_PLACEHOLDER_PREFIX[1:]  # "klzzwxh:", then the node's number
_RAW_HTML_ID = util.HTML_PLACEHOLDER[1:].split("%s")[0]  # "wzxhzdk:", then the raw HTML's
# Raw HTML elements whose words are no place for a link.
_NO_LINK_IN = re.compile(r"<(/?)(a|code|kbd|samp|pre|script|style|textarea|button)\b[^>]*?(/?)>",
                         re.IGNORECASE)
_CLOSING = ".,:;!?*_~'\"’”"
_EMPHASIS_MARKS = "_"  # in an address, or closing emphasis around it
_PAIRS = {")": "(", "]": "[", "}": "{"}
# The mark the inline stage needs in a text before trying this pattern (see inlineskip.py).
MARK = "://"


def address_end(address: str, before: str = "") -> str:
    """The address without what closes the sentence or the brackets around it (one pass:
    a run of thousands of brackets costs no more than thousands of letters).

    An ``_`` ends it only when ``before``, the text before the address, left emphasis
    open: ``https://x.com/_maraquell_`` is an account's address, ``_see https://x.com/a_``
    is emphasis around one.  A ``*`` or ``~`` always ends it: no account's name has one,
    and ``…/tour*`` is a footnote's mark after a ticket link."""
    unclosed = {close: address.count(open_) - address.count(close)
                for close, open_ in _PAIRS.items()}
    closing = "".join(c for c in _CLOSING if c not in _EMPHASIS_MARKS or (
        c in address and _left_open(before, c)))
    end = len(address)
    while end:
        last = address[end - 1]
        if last in _PAIRS and unclosed[last] < 0:
            unclosed[last] += 1
        elif last not in closing:
            break
        end -= 1
    return address[:end]


def _left_open(text: str, mark: str) -> bool:
    """Whether ``text`` leaves an emphasis of ``mark`` open: an odd number of runs of it
    that are not inside a word (``snake_case`` opens nothing)."""
    runs = re.findall(rf"(?<![^\W_]){re.escape(mark)}+|{re.escape(mark)}+(?![^\W_])", text)
    return len(runs) % 2 == 1


class BareLinkProcessor(InlineProcessor):
    """Links a bare ``http(s)://`` address, leaving what follows it as text."""

    ANCESTOR_EXCLUDES = ("a",)  # a Markdown link's own words are no second link

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        start = m.start(0)
        address, shown = self._cut(m.group(0))
        ended = address_end(shown, data[:start])
        for _ in range(len(shown) - len(ended)):  # as many as shown loses
            address = (address[: address.rindex("\x02")] if address.endswith("\x03")
                       else address[:-1])
        shown = ended
        host = shown.split("://", 1)[1].split("/", 1)[0]
        if ("." not in host or self._in_raw_element(data, start)
                or _in_attribute_list(data, start, start + len(address))):
            return None, None, None  # no host a reader could reach, or no place for a link
        # Marked, so a printed page does not give the address again after the address.
        link = etree.Element("a", {"href": shown, "class": "bare-link"})
        link.text = util.AtomicString(shown)
        return link, start, start + len(address)

    def _stashed(self, placeholder: str) -> str | None:
        """What another pattern stashed under ``placeholder`` (the inside of \x02…\x03), as
        text: an escaped character's number, or raw HTML's own placeholder; None for an
        element."""
        if placeholder.startswith(_RAW_HTML_ID):
            stash = self.md.htmlStash.rawHtmlBlocks
            index = int(placeholder[len(_RAW_HTML_ID):] or -1)
            raw = stash[index] if 0 <= index < len(stash) else None
            return raw if isinstance(raw, str) else None
        if not placeholder.startswith(_INLINE_ID):
            return placeholder  # an escape, as the library wrote it before stashing
        inline = self.md.treeprocessors["inline"]
        node = getattr(inline, "stashed_nodes", {}).get(placeholder[len(_INLINE_ID):])
        if isinstance(node, str):
            inner = _STASHED.fullmatch(node)
            return self._stashed(inner.group(1)) if inner else node
        return None

    def _cut(self, matched: str) -> tuple[str, str]:
        """The matched text up to the first thing stashed in it that is not an escaped
        character, and that address as shown (escapes as their characters)."""
        shown: list[str] = []
        end = 0
        for stashed in _STASHED.finditer(matched):
            inside = self._stashed(stashed.group(1))
            if inside is None or not _ESCAPED.fullmatch(inside):
                return matched[: stashed.start()], "".join(
                    [*shown, matched[end : stashed.start()]])
            shown += [matched[end : stashed.start()], chr(int(inside))]
            end = stashed.end()
        return matched, "".join([*shown, matched[end:]])

    def _in_raw_element(self, data: str, at: int) -> bool:
        """Whether ``at`` lies inside an ``<a>``, ``<code>``… the writer opened in HTML."""
        depth = 0
        for stashed in _STASHED.finditer(data, 0, at):
            raw = self._stashed(stashed.group(1))
            tag = _NO_LINK_IN.fullmatch(raw.strip()) if raw is not None else None
            if tag is not None and not tag.group(3):
                depth = max(0, depth - 1) if tag.group(1) else depth + 1
        return depth > 0


def _in_attribute_list(data: str, start: int, end: int) -> bool:
    """Whether the address is inside a ``{…}`` the text ends with: attr_list's, read once
    the inline patterns are done (a link there would hide it from attr_list)."""
    opened = data.rfind("{", 0, start)
    return opened > data.rfind("}", 0, start) and data[end:].rstrip().endswith("}")


class BareLinkExtension(Extension):
    """Registers the bare-address pattern after links and raw HTML, before emphasis."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the pattern to ``md``."""
        md.inlinePatterns.register(BareLinkProcessor(_BARE_ADDRESS, md), "bare_link", 75)
