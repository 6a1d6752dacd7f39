"""docs/reference.md lists exactly the settings and fields the code reads: no more, no fewer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.config import known_keys
from generator.content.authors import AUTHOR_KEYS
from generator.content.fields import ARTICLE_KEYS, HERO_KEYS, PAGE_KEYS

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference.md"
_ROW_NAME = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def documented() -> dict[str, set[str]]:
    """The names in the first column of each ``## heading``'s tables."""
    sections: dict[str, set[str]] = {}
    heading = ""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            sections[heading] = set()
        elif heading and (match := _ROW_NAME.match(line)):
            sections[heading].add(match.group(1))
    return sections


def site_yaml_keys() -> set[str]:
    """Every site.yaml key, with its section as a prefix: ``images.widths``."""
    keys = set()
    for section, names in known_keys().items():
        keys.update(f"{section}.{name}" if section else name for name in names)
    return keys | {section for section in known_keys() if section}


@pytest.mark.parametrize(("heading", "expected"), [
    ("`site.yaml` settings", site_yaml_keys()),
    ("Article front matter", set(ARTICLE_KEYS)),
    ("Hero photo (`hero:`)", set(HERO_KEYS)),
    ("Page front matter", set(PAGE_KEYS)),
    ("Author files", set(AUTHOR_KEYS)),
])
def test_reference_matches_the_code(heading: str, expected: set[str]) -> None:
    sections = documented()
    assert heading in sections, f"docs/reference.md has no '## {heading}'"
    in_docs = sections[heading]
    assert not expected - in_docs, f"undocumented in '{heading}': {sorted(expected - in_docs)}"
    assert not in_docs - expected, f"documented but unknown: {sorted(in_docs - expected)}"
