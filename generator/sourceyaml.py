"""YAML that remembers where each value came from.

PyYAML's composer gives nodes with line marks; we turn them into plain Python values and keep
a map from key path to line, so a later stage can say ``article.md:7: error: ...``.  Timestamps
stay strings: our date rules (naive times in the site's timezone, ``2018-10-26 09:30``) are not
YAML's, and we want one parser for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import LocatedError

try:  # libyaml is ~10x faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KeyPath = tuple[str, ...]
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class YamlSyntaxError(LocatedError):
    """The text is not valid YAML; ``line`` counts within the whole file."""


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data from a YAML document, with the line of every mapping key and list item."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, *path: str | int) -> int | None:
        """Line of the deepest known key along ``path`` (so a bad nested value still has a line)."""
        keys = tuple(str(p) for p in path)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.lines.get((), None)


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; ``first_line`` is where ``text`` starts in its file."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # An unclosed [ or { is noticed lines later; the line that opened it is the useful one.
        opened = exc.context and "flow" in exc.context
        mark = (exc.context_mark if opened else exc.problem_mark) or exc.context_mark
        line = mark.line + first_line if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if opened:
            problem += f" ({exc.context} that starts here)"
        raise YamlSyntaxError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"invalid YAML: {exc}", first_line) from None
    if node is None:
        return YamlDocument(None, {(): first_line})
    lines: dict[KeyPath, int] = {(): node.start_mark.line + first_line}
    try:
        data = _to_python(node, (), lines, first_line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark else first_line
        raise YamlSyntaxError(f"invalid YAML: {getattr(exc, 'problem', exc)}", line) from None
    return YamlDocument(data, lines)


_constructor = yaml.constructor.SafeConstructor()


def _to_python(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], first: int) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_to_python(key_node, path, lines, first))
            lines[(*path, key)] = key_node.start_mark.line + first
            result[key] = _to_python(value_node, (*path, key), lines, first)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*path, str(index))] = item.start_mark.line + first
            items.append(_to_python(item, (*path, str(index)), lines, first))
        return items
    if node.tag == _TIMESTAMP_TAG:
        return node.value
    construct = _constructor.yaml_constructors.get(node.tag)
    # Calling the scalar constructor directly keeps no per-document state alive between files.
    return construct(_constructor, node) if construct else node.value
