"""Serialising feeds and sitemaps as XML 1.0 that every strict parser accepts.

ElementTree escapes ``<`` and ``&`` but writes any other character as it is, and XML 1.0
forbids most control characters (a vertical tab or backspace pasted from Word), lone
surrogates and U+FFFE/U+FFFF outright: one of them in a headline makes the whole feed
unreadable to every feed reader.  They are cleaned from the finished document in one pass:
no markup can contain them, so cleaning the text and cleaning the document are the same.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Word's manual line break and page break separate words; the rest are noise.
_SPACES = {"\x0b": " ", "\x0c": " "}
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return _SPACES.get(match.group(), "")


def serialise(root: ET.Element) -> bytes:
    """The document, indented, as UTF-8 bytes with an XML declaration."""
    ET.indent(root)
    return (_DECLARATION + xml_text(ET.tostring(root, encoding="unicode")) + "\n").encode()
