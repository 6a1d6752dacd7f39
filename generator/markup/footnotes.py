"""Python-Markdown's footnotes, without the scans it repeats for every reference.

The library numbers a reference by listing every definition and searching the list, checks
the order of references with a list search, and gives the n-th reference to one note its id
by trying the n-1 taken before it: each quadratic in notes or references.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any, cast

from markdown import Markdown
from markdown.extensions.footnotes import RE_REF_ID as _REF_ID
from markdown.extensions.footnotes import FootnoteExtension, FootnoteInlineProcessor

from generator.markup.slips import BodySlip, line_finder


class _IndexedOrder(list[str]):
    """The footnotes' order of reference, with membership and position looked up, not
    searched (the library asks both for every reference: quadratic in footnotes)."""

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, int] = {}

    def append(self, item: str) -> None:
        """Add a footnote id at the end."""
        self.positions.setdefault(item, len(self))
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self.positions

    def index(self, item: str, *args: Any) -> int:
        """Where a footnote id first appears."""
        if args:
            return super().index(item, *args)
        try:
            return self.positions[item]
        except KeyError:
            raise ValueError(f"{item!r} is not in the list") from None


class _FootnoteReferences(FootnoteInlineProcessor):
    """``[^id]``, numbered by looking the definition's position up, not listing them all."""

    # InlineProcessor's signature, which types-Markdown declares incompatible with Pattern's.
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str | None, int | None, int | None]:
        """The library's answer, with the definition-order number found in a dict."""
        notes = cast(Footnotes, self.footnotes)  # the library types it as its own class
        if m.group(1) not in notes.footnotes:
            notes.without_note.append(m.group(1))  # left as the text "[^x]"
            return super().handleMatch(m, data)
        if not notes.getConfig("USE_DEFINITION_ORDER"):
            return super().handleMatch(m, data)
        identifier = m.group(1)
        notes.addFootnoteRef(identifier)
        sup = etree.Element("sup")
        link = etree.SubElement(sup, "a")
        sup.set("id", notes.makeFootnoteRefId(identifier, found=True))
        link.set("href", "#" + notes.makeFootnoteId(identifier))
        link.set("class", "footnote-ref")
        link.text = notes.getConfig("SUPERSCRIPT_TEXT").format(notes.number_of(identifier))
        return sup, m.start(0), m.end(0)


class Footnotes(FootnoteExtension):
    """Python-Markdown's footnotes, without its two scans of every footnote per reference."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the library's processors, then the faster reference processor."""
        super().extendMarkdown(md)
        md.inlinePatterns.register(_FootnoteReferences(_FOOTNOTE_REFERENCE, self), "footnote",
                                   175)

    def reset(self) -> None:
        """Forget the previous document's footnotes."""
        super().reset()
        self.footnote_order = _IndexedOrder()
        self.latest_refs: dict[str, str] = {}
        self.without_note: list[str] = []  # labels referred to with no note, in order
        self.written_again: list[str] = []  # labels of notes written a second (third…) time
        # Each note's number by definition order, made at the first reference. It belongs
        # to this document's notes and is forgotten with them: once it was keyed by the
        # notes' address, which the next document's notes can be given (a KeyError in CI).
        self.numbers: dict[str, int] | None = None

    def number_of(self, label: str) -> int:
        """The number readers see for a note: its place among the definitions."""
        if self.numbers is None:
            self.numbers = {key: n for n, key in enumerate(self.footnotes, start=1)}
        return self.numbers[label]

    def setFootnote(self, id: str, text: str) -> None:
        """Keep a note, saying when it replaces one of the same label (the library keeps
        the last one without a word)."""
        if id in self.footnotes:
            self.written_again.append(id)
        self.numbers = None
        super().setFootnote(id, text)

    def makeFootnotesDiv(self, root: etree.Element) -> etree.Element | None:
        """The notes, each back link named by its title ("Jump back to footnote 2 in the
        text"): a screen reader names a link by its text, and every one reads "↩"."""
        div = super().makeFootnotesDiv(root)
        for link in div.iter("a") if div is not None else ():
            if link.get("class") == "footnote-backref" and link.get("title"):
                link.set("aria-label", link.get("title", ""))
        return div

    def makeFootnoteId(self, id: str) -> str:
        """The note's id: a label written with spaces (``[^box office]``) must not put them
        in an id or a link, which HTML forbids."""
        return super().makeFootnoteId("-".join(id.split()))

    def makeFootnoteRefId(self, id: str, found: bool = False) -> str:
        """The reference's id, spaces made safe as in ``makeFootnoteId``."""
        return super().makeFootnoteRefId("-".join(id.split()), found)

    def unique_ref(self, reference: str, found: bool = False) -> str:
        """The library's next free id for another reference to one note ("fnref3:1").

        The library counts up from the first id on every reference; every id it passes is
        taken for good, so counting on from the last one given is the same answer.
        """
        if not found:
            return reference
        original = reference
        reference = self.latest_refs.get(original, reference)
        separator = self.get_separator()
        while reference in self.used_refs:
            ref, rest = reference.split(separator, 1)
            numbered = _REF_ID.match(ref)
            if numbered:
                reference = f"{numbered.group(1)}{int(numbered.group(2)) + 1}{separator}{rest}"
            else:
                reference = f"{ref}2{separator}{rest}"
        self.latest_refs[original] = reference
        self.used_refs.add(reference)
        self.found_refs[original] = self.found_refs.get(original, 0) + 1
        return reference

    def slips(self, text: str, first_line: int) -> tuple[BodySlip, ...]:
        """What the document just converted got wrong with its footnotes, each at its line
        in ``text`` (which starts at ``first_line`` of its file)."""
        unreferred = [label for label in self.footnotes if label not in self.footnote_order]
        if not (self.without_note or self.written_again or unreferred):
            return ()
        referred, written = _footnote_lines(text, first_line)
        found = []
        for label in dict.fromkeys(self.without_note):
            found.append(BodySlip(
                f"footnote [^{label}] has no note, so readers see \"[^{label}]\" as text: "
                f"add a line \"[^{label}]: …\" at the end of the story, or remove it",
                referred.get(label)))
        for label in dict.fromkeys(self.written_again):
            lines = written.get(label, [None])
            found.append(BodySlip(
                f"footnote [^{label}] has {len(lines)} notes, and readers see only the last: "
                f"give each its own label ([^{label}], [^{label}b]) or merge them", lines[-1]))
        for label in unreferred:
            found.append(BodySlip(
                f"the note [^{label}] is never referred to: readers find it at the end with "
                f"a link back to nowhere; put [^{label}] where it belongs in the story, or "
                "remove the note", written.get(label, [None])[0]))
        return tuple(found)


# A label stops at a bracket or a line's end, so hostile text ("[^" thousands of times)
# costs a pass: a label with a bracket in it is then found at no line.
_WRITTEN = re.compile(r"^ {0,3}\[\^([^\][\n]*)\]:", re.MULTILINE)  # a note: "[^1]: …"
_REFERRED = re.compile(r"\[\^([^\][\n]*)\](?!:)")  # a reference: "…[^1]"


def _footnote_lines(
    text: str, first_line: int
) -> tuple[dict[str, int], dict[str, list[int | None]]]:
    """The line of each label's first reference, and of each of its notes: one pass each."""
    line_at = line_finder(text, first_line)
    referred: dict[str, int] = {}
    for m in _REFERRED.finditer(text):
        referred.setdefault(m.group(1), line_at(m.start()))
    written: dict[str, list[int | None]] = {}
    for m in _WRITTEN.finditer(text):
        written.setdefault(m.group(1), []).append(line_at(m.start()))
    return referred, written


_FOOTNOTE_REFERENCE = r"\[\^([^\]]*)\]"  # the library's pattern: [^1]
