"""What the loader hands on: plain data with a line for every key, or a located complaint."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from generator.errors import LocatedError

KeyPath = tuple[str, ...]


class YamlSyntaxError(LocatedError):
    """The text is not YAML we accept; ``line`` counts within the whole file."""


class Repeat(NamedTuple):
    """A key given more than once: where it is (its key path), what to say, at which line."""

    path: KeyPath
    message: str
    line: int


class RepeatedKeys(YamlSyntaxError):
    """Keys given more than once: the first is the error's message and line, ``repeats``
    holds each, and ``document`` the rest of the text read as if each key were given once
    (its first value), so that its other mistakes are said in the same build."""

    def __init__(self, repeats: list[Repeat], document: YamlDocument) -> None:
        super().__init__(repeats[0].message, repeats[0].line)
        self.repeats = tuple(repeats)
        self.document = document


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data from a YAML document, with the line of every mapping key and list item."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    # Values YAML 1.1 read as true or false from a word (yes, no, on, off), by key path, as
    # written: a field that is text takes the word (see ``FieldReader``).
    words: dict[KeyPath, str] = field(default_factory=dict)

    def written(self, value: Any, *path: str | int) -> Any:
        """``value``, found at ``path``, as the writer wrote it when YAML made a boolean of a
        word (the band Yes), else as it is."""
        if type(value) is bool:
            return self.words.get(tuple(str(p) for p in path), value)
        return value

    def line_of(self, *path: str | int) -> int | None:
        """Line of the deepest known key along ``path`` (so a bad nested value still has a line)."""
        keys = tuple(str(p) for p in path)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.lines.get((), None)
