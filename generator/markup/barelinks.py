"""A web address pasted into a story as it is (``https://variety.com/…``) becomes a link.

Markdown links only ``<https://…>`` and ``[words](https://…)``, but writers paste addresses
bare, as every editor and CMS they know links them (GitHub, WordPress, Ghost): one left as
text is a source the reader cannot follow.  An address alone on its line that is a known
post (Instagram, X, YouTube, TikTok) is an embed before this runs (see ``embeds.py``).

The address ends as GitHub's ends one: at a space or ``<``, less the punctuation that closes
the sentence around it (``.``, ``,``, ``)`` when it opens no ``(`` of its own…).  Inside a
link's words, code, or raw HTML, nothing is linked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

# After a space, an opening bracket or quote, an emphasis mark, or at the start: never in
# the middle of a word or of another address.  \x02 and \x03 delimit what other patterns
# stashed (code, links, raw HTML), so an address never runs into one.
_BARE_ADDRESS = r"(?<![^\s(\[{*_~\"'“‘])https?://[^\s<>\"\x02\x03]+"
_CLOSING = ".,:;!?*_~'\"’”"
_PAIRS = {")": "(", "]": "[", "}": "{"}
# The mark the inline stage needs in a text before trying this pattern (see inlineskip.py).
MARK = "://"


def address_end(address: str) -> str:
    """The address without what closes the sentence or the brackets around it."""
    while address:
        last = address[-1]
        unopened = last in _PAIRS and address.count(last) > address.count(_PAIRS[last])
        if last in _CLOSING or unopened:
            address = address[:-1]
        else:
            break
    return address


class BareLinkProcessor(InlineProcessor):
    """Links a bare ``http(s)://`` address, leaving what follows it as text."""

    ANCESTOR_EXCLUDES = ("a",)  # a link's own words are no second link

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        address = address_end(m.group(0))
        if "." not in address.split("://", 1)[1].split("/", 1)[0]:
            return None, None, None  # "https://" alone, or no host a reader could reach
        link = etree.Element("a", {"href": address})
        link.text = util.AtomicString(address)
        return link, m.start(0), m.start(0) + len(address)


class BareLinkExtension(Extension):
    """Registers the bare-address pattern after links and raw HTML, before emphasis (an
    underscore in an address is part of it, not emphasis)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the pattern to ``md``."""
        md.inlinePatterns.register(BareLinkProcessor(_BARE_ADDRESS, md), "bare_link", 75)
