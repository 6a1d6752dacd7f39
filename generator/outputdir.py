"""The end of stage 5: putting files into the output folder without ever leaving it half-built.

Every rendered file is first written to a staging folder in the cache.  Only when the whole
build has succeeded are the staged files moved into place (each move atomic) and stale files
removed, so a build that fails leaves the previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CommitReport:
    """What a commit changed in the output folder."""

    written: int
    removed: int


def existing_files(output: Path) -> set[str]:
    """Every file already in the output folder, as "/"-separated relative paths."""
    found: set[str] = set()
    if not output.is_dir():
        return found
    root = str(output)
    cut = len(root) + 1
    # Plain strings, not Path objects: this runs over every file of a 10,000-article site.
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]  # a gh-pages checkout is not ours to delete
        prefix = folder[cut:].replace(os.sep, "/") + "/" if folder != root else ""
        found.update(prefix + name for name in files)
    return found


def present_files(output: Path, known: Iterable[str]) -> set[str]:
    """Those of ``known`` files that still exist in the output folder."""
    root = str(output) + os.sep
    return {path for path in known if os.path.isfile(root + path)}


def write_staged(staging: Path, path: str, data: bytes) -> None:
    """Write one rendered file into the staging folder."""
    (staging / _staged_name(path)).write_bytes(data)


def _staged_name(path: str) -> str:
    # Staged files sit side by side, not in a copy of the site's folder tree: creating and
    # removing thousands of folders costs more than rendering the pages on some filesystems.
    return hashlib.blake2b(path.encode(), digest_size=12).hexdigest()


def commit(
    staging: Path, output: Path, staged: Iterable[str], copies: Iterable[tuple[str, Path]],
    keep: set[str], existing: set[str],
) -> CommitReport:
    """Move staged files and copies into ``output``; delete files not in ``keep``."""
    output.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in staged:
        _move(staging / _staged_name(path), output / path)
        written += 1
    for path, source in copies:
        _place_copy(source, output / path)
        written += 1
    removed = 0
    emptied: set[Path] = set()
    for path in sorted(existing - keep):
        with contextlib.suppress(FileNotFoundError):
            (output / path).unlink()
            removed += 1
            emptied.add((output / path).parent)
    _remove_empty_folders(output, emptied)
    shutil.rmtree(staging, ignore_errors=True)
    return CommitReport(written, removed)


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        temporary = target.with_name(f".{target.name}.byline-tmp")
        shutil.copyfile(source, temporary)  # another disk: copy beside, then swap atomically
        os.replace(temporary, target)


def _place_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.byline-tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    try:
        os.link(source, temporary)  # processed images live in the cache: share, don't copy
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)
    temporary.unlink(missing_ok=True)  # left by rename() when target was already that file


def _remove_empty_folders(output: Path, folders: Iterable[Path]) -> None:
    """Remove these folders and their parents, up to ``output``, while they are empty."""
    # Only where files were deleted: walking the whole site costs more than a big build's
    # commit (a 10,000-article site has thousands of folders).
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        while folder != output and folder.is_relative_to(output):
            try:
                folder.rmdir()
            except OSError:  # not empty (or already gone with a deeper one)
                break
            folder = folder.parent
