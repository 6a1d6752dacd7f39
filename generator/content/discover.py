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
    path: str  # text, not Path: discovery runs over every file on every preview rebuild
    display: str  # relative to the site folder, as shown in messages
    key: str  # relative to content/, stable across machines: "articles/foo/index.md"
    name: str  # the file or bundle name the default slug comes from

    @property
    def folder(self) -> Path:
        """Where relative image paths in this file start from."""
        return Path(os.path.dirname(self.path))


def is_ignored(name: str) -> bool:
    """Hidden, temporary and backup files that editors leave around."""
    return name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)


def discover_sources(site_root: Path) -> list[SourceFile]:
    """Every article and page under ``content/``, in a stable order."""
    content = site_root / "content"
    found: list[SourceFile] = []
    site_cut = len(str(site_root)) + 1
    content_cut = len(str(content)) + 1
    for section, kind in SECTIONS.items():
        base = str(content / section)
        if not os.path.isdir(base):
            continue
        # Strings rather than Path arithmetic: this runs for every file on every rebuild.
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not is_ignored(d))
            for name in sorted(files):
                if not name.endswith(".md") or is_ignored(name):
                    continue
                path = os.path.join(folder, name)
                is_bundle = name == "index.md" and folder != base
                found.append(
                    SourceFile(
                        kind=kind,
                        path=path,
                        display=path[site_cut:],
                        key=path[content_cut:].replace(os.sep, "/"),
                        name=os.path.basename(folder) if is_bundle else name[:-3],
                    )
                )
    return found
