"""Parser events → plain values, within limits no honest file comes near.

Building from events (rather than composing a node tree and walking it) needs no recursion,
so no nesting can crash the loader, and it lets every limit stop the parser early: a
"billion laughs" alias bomb fails at its sixth line instead of filling memory.  An alias
shares the value it names, as PyYAML does, but counts as a full copy, so whatever later walks
the data (templates, the cache) is bounded too.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from generator.inputfiles import MERGE_CONFLICT, merge_conflict_line
from generator.sourceyaml.document import (
    KeyPath,
    Repeat,
    RepeatedKeys,
    YamlDocument,
    YamlSyntaxError,
)
from generator.sourceyaml.explain import explain, item_quote_hint, quote_hint

try:  # libyaml is ~10x faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    # Another class under the same name: both load the same documents.
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Values in one file, an alias counting as a copy of what it names: a long site.yaml holds
# a few hundred.
MAX_VALUES = 50_000
# Characters that aliases may repeat: a bomb of long strings stays small in values.
MAX_ALIAS_TEXT = 1_000_000
# Lists and mappings inside each other; a real file stays under five.
MAX_DEPTH = 64
# Digits of a number; Python refuses to print more than 4,300, and none is meant.
MAX_DIGITS = 1_000

_YAML_TAG = "tag:yaml.org,2002:"
_INT_TAG = _YAML_TAG + "int"
_FLOAT_TAG = _YAML_TAG + "float"
# What YAML 1.1 accepts as text, less the invisible line breaks (U+0085, U+2028, U+2029):
# pasted from the web, they split a line where no editor shows a break.
_NOT_TEXT = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                       "\U00010000-\U0010ffff]")
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {  # the rest (str, timestamp, binary...) stay the text as written
    _YAML_TAG + "null": yaml.constructor.SafeConstructor.construct_yaml_null,
    _YAML_TAG + "bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
    _INT_TAG: yaml.constructor.SafeConstructor.construct_yaml_int,
    _FLOAT_TAG: yaml.constructor.SafeConstructor.construct_yaml_float,
}
_BOOL_TAG = _YAML_TAG + "bool"
_KINDS = {"null": "empty", "bool": "true or false", "int": "a whole number", "float": "a number"}
# YAML 1.1 also reads yes, no, on, off, y and n as true or false.  They stay true or false
# (`draft: yes`, a theme's `exclusive: no`), but the word is remembered, for a field that is
# text (``YamlDocument.words``): the band Yes was a tag "True", and `title: Yes` no text.
_WORDS = frozenset({"yes", "y", "on", "no", "n", "off"})
# Text after a plain value that YAML takes for a comment, though no one writes a comment so:
# ` #1 song`, ` #TSwift` (a comment's `#` is followed by a space, or ends the line).
_CUT_BY_COMMENT = re.compile(r"[ \t]+#[^\s#]")



def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; ``first_line`` is where ``text`` starts in its file."""
    conflict = merge_conflict_line(text, first_line)
    if conflict is not None:  # else the YAML parser's advice, which leaves it in place
        raise YamlSyntaxError(MERGE_CONFLICT, conflict)
    odd = _NOT_TEXT.search(text)
    if odd:
        raise YamlSyntaxError(_odd_character(odd.group()),
                              text.count("\n", 0, odd.start()) + first_line)
    builder = _Builder(text, first_line)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(*explain(exc, text, first_line)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - the check above catches the reader's
        raise YamlSyntaxError(f"this is not YAML text ({exc})", first_line) from None
    builder.unused_anchor()
    document = YamlDocument(builder.root, builder.lines or {(): first_line}, builder.words)
    if builder.repeats:
        raise RepeatedKeys([_repeat(path, lines) for path, lines in builder.repeats.items()],
                           document)
    return document


def _repeat(path: KeyPath, lines: list[int]) -> Repeat:
    """One error for a key however many times it is given, at its first repeat."""
    times = "twice" if len(lines) == 2 else f"{len(lines)} times"
    listed = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    return Repeat(path, f"'{path[-1]}' is given {times} (lines {listed}): keep one", lines[1])


def _odd_character(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char in "\x85\u2028\u2029":
        return (f"this line holds an invisible line break ({code}), pasted from another "
                "program: delete it (retype the space around it)")
    return (f"this line holds an invisible control character ({code}), pasted from another "
            "program: delete it")


# The key of a value to leave out: the second of a key given twice.
_REPEATED = "\0repeated"


class _Open:
    """A mapping or list whose end has not been read yet."""

    __slots__ = ("anchor", "flow", "key", "key_lines", "line", "path", "size", "text", "value",
                 "within_key")

    def __init__(self, value: dict[str, Any] | list[Any], path: KeyPath, anchor: str | None,
                 line: int, within_key: bool, flow: bool = False) -> None:
        self.value = value
        self.flow = flow  # written on one line: [a, b] or {k: v}
        self.path = path
        self.anchor = anchor
        self.line = line
        self.within_key = within_key  # a mapping used as a key: no lines to record inside
        self.size = 1
        self.text = 0
        self.key: str | None = None  # a mapping's key whose value comes next
        self.key_lines: dict[str, int] = {}


class _Builder:
    """Takes the parser's events one by one and assembles the document's value."""

    def __init__(self, text: str, first_line: int) -> None:
        self.source = text
        self.first = first_line
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int, int, int]] = {}  # value, size, text, line
        self.lines: dict[KeyPath, int] = {}
        self.root: Any = None
        self.values = 0
        self.alias_text = 0
        self.aliased = False
        self.documents = 0
        # Anchors no alias has repeated yet, and whether each is an item of a one-line list.
        self.unused: dict[str, tuple[yaml.Event, bool]] = {}
        self.words: dict[KeyPath, str] = {}  # yes, no, on, off as written, read as booleans
        self.repeats: dict[KeyPath, list[int]] = {}  # keys given more than once: their lines

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._open(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self._close()
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self._error("a second document starts here ('---'): the file holds one "
                                  "set of values, so delete this line or what follows it",
                                  event)

    # --- one event each -----------------------------------------------------------------

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        self._count(1, event)
        line = self._start(event)
        value = self._construct(event)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1, len(event.value), line)
            self.unused[event.anchor] = (event, bool(self.stack and self.stack[-1].flow))
        if (type(value) is bool and not event.style and event.value.lower() in _WORDS
                and self.stack and not self.stack[-1].within_key and not self._at_key()):
            self.words[self._slot()] = event.value
        if (value is None or isinstance(value, str)) and not event.style and event.end_mark:
            self._comment_slip(event)
        self._place(value, 1, len(event.value), line)

    def _comment_slip(self, event: yaml.ScalarEvent) -> None:
        """A plain text value followed on its line by what YAML takes for a comment but no
        one writes as one: ``title: The #1 song`` would publish the headline "The"."""
        mark = event.end_mark
        assert mark is not None
        # Asked of every plain value: the text after it, from its end to the line's.
        end = self.source.find("\n", mark.index)
        if _CUT_BY_COMMENT.match(self.source[mark.index : end if end >= 0 else None]):
            raise self._error(self._hint(event, "#"), event)

    def unused_anchor(self) -> None:
        """An anchor no alias repeats names nothing: it is the first word of a value
        (``title: &Juliet star leaves``), which YAML took for the anchor's name and dropped."""
        for event, flow in self.unused.values():
            raise self._error(self._hint(event, "&", flow=flow), event)

    def _hint(self, event: yaml.Event, indicator: str, *, flow: bool | None = None) -> str:
        """The quoting advice for a value on its line: the item alone inside a list or
        mapping written on one line, else the whole value."""
        index = _index(event)
        line = self._line(index)
        top = self.stack[-1] if self.stack else None
        inside = flow if flow is not None else bool(top and top.flow)
        in_list = top is not None and isinstance(top.value, list) and flow is None
        if (inside or in_list) and event.start_mark is not None and (
                event.end_mark is None or event.end_mark.line == index):
            return item_quote_hint(line, event.start_mark.column, indicator, flow=inside)
        end = event.end_mark
        return quote_hint(line.rstrip() if end is None or end.line == index else "", indicator)

    def _open(self, event: yaml.CollectionStartEvent) -> None:
        self._count(1, event)
        if len(self.stack) >= MAX_DEPTH:
            raise self._error(f"lists and mappings are nested more than {MAX_DEPTH} levels "
                              "deep here: no setting needs that, so check the brackets and "
                              "indentation", event)
        if event.tag and event.tag != "!" and not event.tag.startswith(_YAML_TAG):
            raise self._error(self._quote_hint(event, "!"), event)
        line = self._start(event)
        within_key = bool(self.stack) and (self.stack[-1].within_key or self._at_key())
        path = () if within_key or not self.stack else self._slot()
        value: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else [])
        self.stack.append(_Open(value, path, event.anchor, line, within_key,
                                bool(event.flow_style)))
        if event.anchor:
            self.unused[event.anchor] = (event, False)

    def _close(self) -> None:
        done = self.stack.pop()
        if done.anchor:
            self.anchors[done.anchor] = (done.value, done.size, done.text, done.line)
        self._place(done.value, done.size, done.text, done.line)

    def _alias(self, event: yaml.AliasEvent) -> None:
        name = event.anchor
        if any(open_.anchor == name for open_ in self.stack):
            opened = next(o.line for o in self.stack if o.anchor == name)
            raise self._error(f"*{name} repeats &{name} (line {opened}) inside itself, which "
                              f"never ends: write the value out instead of *{name}", event)
        if name not in self.anchors:
            raise self._error(self._quote_hint(event, "*"), event)
        value, size, text, _ = self.anchors[name]
        self.unused.pop(name, None)
        self.aliased = True
        self.alias_text += text
        if self.alias_text > MAX_ALIAS_TEXT:
            raise self._error(f"the aliases (*name) here repeat more than "
                              f"{MAX_ALIAS_TEXT:,} characters: write the values out instead "
                              "of nesting aliases", event)
        self._count(size, event)
        self._place(value, size, text, self._start(event))

    # --- where a value goes ---------------------------------------------------------------

    def _at_key(self) -> bool:
        top = self.stack[-1]
        return isinstance(top.value, dict) and top.key is None

    def _slot(self) -> KeyPath:
        """The key path of the value starting now, inside the innermost open collection."""
        top = self.stack[-1]
        if isinstance(top.value, dict):
            assert top.key is not None
            return (*top.path, top.key)
        return (*top.path, str(len(top.value)))

    def _start(self, event: yaml.Event) -> int:
        """The line a value starts on, recorded for the root and for list items."""
        line = _index(event) + self.first
        if not self.stack:
            self.lines[()] = line
        elif not self.stack[-1].within_key and isinstance(self.stack[-1].value, list):
            self.lines[self._slot()] = line
        return line

    def _place(self, value: Any, size: int, text: int, line: int) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        top.text += text
        if isinstance(top.value, list):
            top.value.append(value)
        elif top.key is not None:
            if top.key is not _REPEATED:  # the first value of a key given twice stands
                top.value[top.key] = value
            top.key = None
        else:
            key = str(value)
            if key in top.key_lines:  # said once the whole text is read, with the rest
                self.repeats.setdefault((*top.path, key), [top.key_lines[key]]).append(line)
                top.key = _REPEATED
                return
            top.key_lines[key] = line
            top.key = key
            if not top.within_key:
                self.lines[(*top.path, key)] = line

    # --- values -------------------------------------------------------------------------

    def _construct(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            if ":" in event.value and tag in (_INT_TAG, _FLOAT_TAG):
                # YAML 1.1 reads 10:30 as a number in base 60 (630); a writer means a time,
                # and a message quoting 630 back would make no sense to them.
                return event.value
        elif not tag.startswith(_YAML_TAG):
            raise self._error(self._quote_hint(event, "!"), event)
        construct = _SCALARS.get(tag)
        if construct is None:
            return event.value
        if tag == _INT_TAG and sum(c.isdigit() for c in event.value) > MAX_DIGITS:
            raise self._error(self._too_long(), event)
        try:
            value = construct(_constructor, yaml.ScalarNode(tag, event.value))
        except (ValueError, KeyError, TypeError):
            kind = tag.removeprefix(_YAML_TAG)
            raise self._error(f"'{event.value}' is not {_KINDS[kind]}: remove the !!{kind} "
                              "before it", event) from None
        # Hex and sexagesimal (1:30:00) numbers grow faster than their digits.
        if isinstance(value, int) and value.bit_length() > MAX_DIGITS * 10 // 3:
            raise self._error(self._too_long(), event)
        return value

    def _too_long(self) -> str:
        return (f"this number is over {MAX_DIGITS:,} digits long: put it in quotes if it is "
                "text")

    def _count(self, size: int, event: yaml.Event) -> None:
        self.values += size
        if self.values > MAX_VALUES:
            if self.aliased:
                raise self._error(f"the aliases (*name) here expand to more than "
                                  f"{MAX_VALUES:,} values: write the values out instead of "
                                  "nesting aliases", event)
            raise self._error(f"the file holds more than {MAX_VALUES:,} values: keep long "
                              "data out of it", event)

    def _quote_hint(self, event: yaml.Event, indicator: str) -> str:
        return quote_hint(self._line(_index(event)), indicator)

    def _line(self, index: int) -> str:
        """The text of the 0-based line ``index`` ("" past the end)."""
        lines = self.source.split("\n")
        return lines[index] if index < len(lines) else ""

    def _error(self, message: str, event: yaml.Event) -> YamlSyntaxError:
        return YamlSyntaxError(message, _index(event) + self.first)


def _index(event: yaml.Event) -> int:
    """The 0-based line an event starts on (libyaml always marks events)."""
    return event.start_mark.line if event.start_mark else 0
