"""Finding the writer's files under ``content/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SourceKind = Literal["article", "page"]
SECTIONS: dict[str, SourceKind] = {"articles": "article", "pages": "page"}
# Editors' temporary and backup files are never content.
_IGNORED_PREFIXES = (".", "_", "#", "~")
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Markdown file: an article or page, ``name.md`` or a bundle ``name/index.md``."""

    kind: SourceKind
    path: Path
    display: Path  # relative to the site folder, as shown in messages
    key: str  # relative to content/, stable across machines: "articles/foo/index.md"
    name: str  # the file or bundle name the default slug comes from

    @property
    def folder(self) -> Path:
        """Where relative image paths in this file start from."""
        return self.path.parent


def is_ignored(name: str) -> bool:
    """Hidden, temporary and backup files that editors leave around."""
    return name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)


def discover_sources(site_root: Path) -> list[SourceFile]:
    """Every article and page under ``content/``, in a stable order."""
    content = site_root / "content"
    found: list[SourceFile] = []
    for section, kind in SECTIONS.items():
        base = content / section
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not is_ignored(d))
            here = Path(folder)
            for name in sorted(files):
                if not name.endswith(".md") or is_ignored(name):
                    continue
                path = here / name
                is_bundle = name == "index.md" and here != base
                found.append(
                    SourceFile(
                        kind=kind,
                        path=path,
                        display=path.relative_to(site_root),
                        key=path.relative_to(content).as_posix(),
                        name=here.name if is_bundle else path.stem,
                    )
                )
    return found
