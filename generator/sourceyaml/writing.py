"""Writing a writer's text into a YAML file so that it reads back exactly as typed."""

from __future__ import annotations

import re
import sys

import yaml

from generator.sourceyaml.document import YamlSyntaxError
from generator.sourceyaml.reading import parse_yaml


def yaml_scalar(text: str, *, quote: bool = False) -> str:
    """``text`` as a one-line YAML value: bare when YAML would read it back unchanged
    (``Dana Reyes``), else in double quotes with YAML's own escapes (``"Dana: Reyes"``,
    ``"yes"``, ``"@dana"``, ``"two\\nlines"``); always quoted with ``quote``."""
    if not quote:
        bare = yaml.safe_dump(text, allow_unicode=True, width=float("inf"))
        bare = bare.removesuffix("\n").removesuffix("\n...")
        if "\n" not in bare and bare[:1] not in ("'", '"') and _reads_back(bare, text):
            return bare
    quoted = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    quoted = quoted.removesuffix("\n").removesuffix("\n...")
    # PyYAML escapes every character beyond the first 65,536 (an emoji in a headline
    # becomes \U0001F389 in the writer's file); YAML itself reads them as they are.
    kept = _WIDE_ESCAPE.sub(_unescaped, quoted)
    return kept if _reads_back(kept, text) else quoted


# An escape \UXXXXXXXX, not itself escaped (preceded by an even number of backslashes).
_WIDE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\U([0-9A-Fa-f]{8})")


def _unescaped(match: re.Match[str]) -> str:
    code = int(match[2], 16)
    character = chr(code) if code <= sys.maxunicode else ""
    return match[1] + character if character.isprintable() and character else match[0]


def _reads_back(value: str, text: str) -> bool:
    try:
        return bool(parse_yaml(f"value: {value}\n").data == {"value": text})
    except YamlSyntaxError:
        return False
