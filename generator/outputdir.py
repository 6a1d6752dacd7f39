"""The end of stage 5: putting files into the output folder without ever leaving it half-built.

Every rendered file is first written to a staging folder in the cache.  Only when the whole
build has succeeded are the staged files moved into place (each move atomic) and stale files
removed, so a build that fails leaves the previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from stat import S_IFDIR, S_ISDIR, S_ISLNK, S_ISREG

from generator.cache import digest_text
from generator.errors import BuildFailed, Problem, Severity, SourceLocation
from generator.inputfiles import shown
from generator.ownership import (
    MARKER_NAME,
    is_inside,
    is_temporary,
    marker_site,
    marker_state,
    place,
    set_marker_state,
    write_ownership,
)


@dataclass(frozen=True, slots=True)
class CommitReport:
    """What a commit changed in the output folder."""

    removed: int
    marker: str  # the signature of the marker it left (see ownership.py)
    placed: Mapping[str, Stamp]  # the files moved in, as left there
    gone: frozenset[str]  # the files deleted


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
        found.update(prefix + name for name in files
                     if name != MARKER_NAME and not is_temporary(name))
    return found


@dataclass(frozen=True, slots=True)
class Blocked:
    """A path of the output folder a build would have to write through or over, and why."""

    path: str  # "/"-separated, relative to the output folder
    why: str  # "link" (a symbolic link), "file" (a file where a folder must be), "foreign"


def blocked_paths(output: Path, paths: Iterable[str], owned: Set[str]) -> list[Blocked]:
    """What stands in the way of writing ``paths`` into ``output`` without harm: a symbolic
    link on the way (a file written through it would land outside the folder), a file where a
    folder must be, or a file Byline did not write (not in ``owned``) that one would replace.
    Each once, in path order.  A stat per new path and per folder on the way."""
    root = str(output)
    if not os.path.isdir(root):
        return []
    found: dict[str, Blocked] = {}
    plain: set[str] = {""}  # folders known to be real folders (or not there yet)
    for path in paths:
        folder, _, _ = path.rpartition("/")
        blocked = _blocked_folder(root, folder, plain)
        if blocked is not None:
            found.setdefault(blocked.path, blocked)
        elif path not in owned and os.path.lexists(os.path.join(root, path)):
            found[path] = Blocked(path, "foreign")
    return [found[path] for path in sorted(found)]


def plainly_inside(root: str, path: str, plain: set[str]) -> bool:
    """Whether the file ``path`` ("/"-separated) stays inside the folder ``root`` and is
    reached through real folders only: no ``..``, no symbolic link and no file on the way (a
    folder not there yet counts as real: whoever writes there makes it).  ``plain`` holds the
    folders found real so far (``{""}`` to start), shared between calls on one folder."""
    return is_inside(path) and _blocked_folder(root, path.rpartition("/")[0], plain) is None


def _blocked_folder(root: str, folder: str, plain: set[str]) -> Blocked | None:
    """The first entry on the way to ``folder`` that is not a real folder, if any."""
    if folder in plain:
        return None
    parent, _, _ = folder.rpartition("/")
    blocked = _blocked_folder(root, parent, plain)
    if blocked is not None:
        return blocked
    try:
        mode = os.lstat(os.path.join(root, folder)).st_mode
    except FileNotFoundError:
        mode = S_IFDIR  # made by the commit, as a real folder
    if S_ISLNK(mode):
        return Blocked(folder, "link")
    if not S_ISDIR(mode):
        return Blocked(folder, "file")
    plain.add(folder)
    return None


# A file as Byline left it in the output folder: its size and modification time.  A file
# saved over, emptied, put back from an older copy (even moved in, keeping its time) or
# changed as a build ran has another; a hard link made to it (`cp -al`), or its mode or
# owner set (a deploy's `chmod -R`), changes neither.  A link put in its place is no file.
Stamp = tuple[int, int]


def stamp_of(info: os.stat_result) -> Stamp:
    """The stamp of a file, from what ``lstat`` said of it."""
    return info.st_size, info.st_mtime_ns


@dataclass(frozen=True, slots=True)
class FoundFiles:
    """Which of a list of files are in the output folder (as files), which of those are no
    longer as Byline left them, and the stamps of those it holds none for."""

    present: set[str]
    altered: set[str]
    unstamped: dict[str, Stamp]


def present_files(output: Path, known: Iterable[str]) -> set[str]:
    """Those of ``known`` files that still exist in the output folder (as files)."""
    return look_for(output, known, None).present


def look_for(output: Path, known: Iterable[str], left: Mapping[str, Stamp] | None
             ) -> FoundFiles:
    """Which of ``known`` files are in the output folder, and which of those are not as
    ``left`` records Byline left them (None: not asked), one ``lstat`` each."""
    present: set[str] = set()
    altered: set[str] = set()
    unstamped: dict[str, Stamp] = {}
    with _opened(output) as folder:
        root = str(output) + os.sep
        for path in known:  # each looked up from the folder, not from "/", where it can be
            try:  # a link put in a file's place is no file of Byline's: never followed
                info = (os.lstat(root + path) if folder is None
                        else os.stat(path.lstrip("/"), dir_fd=folder, follow_symlinks=False))
            except (OSError, ValueError):  # missing, or a name no file system takes
                continue
            if not S_ISREG(info.st_mode):
                continue
            present.add(path)
            if left is not None:
                stamp = left.get(path)
                if stamp is None:
                    unstamped[path] = stamp_of(info)
                elif stamp != stamp_of(info):
                    altered.add(path)
    return FoundFiles(present, altered, unstamped)


def all_present(output: Path, known: Iterable[str]) -> bool:
    """Whether every one of ``known`` files still exists in the output folder.

    The up-to-date check asks this of every file of the site it holds no stamp of, so it
    asks the cheapest question: existence (``access``, no stat result to build), each path
    looked up from the folder's descriptor rather than from ``/``, stopping at the first
    file missing.
    """
    with _opened(output) as folder:
        if folder is None:  # Windows, or a folder that cannot be opened
            root = str(output) + os.sep
            return output.is_dir() and all(os.path.isfile(root + path) for path in known)
        # (A path that starts with "/", from a cache edited by hand, is still inside.)
        return all(os.access(path.lstrip("/"), os.F_OK, dir_fd=folder) for path in known)


def all_as_left(output: Path, wanted: Iterable[str], names: Sequence[str],
                sizes: Sequence[int], times: Sequence[int]) -> bool:
    """Whether each of the files ``wanted`` is in the output folder as Byline left it, as
    recorded by ``names`` with the size and modification time side by side with each (see
    ``Stamp``); one not recorded, whether it exists.  The up-to-date check asks this of
    every file of the site (170,000 for 100,000 stories): the record is walked in one pass,
    with no lookup of a name, and stops at the first file missing or changed."""
    unseen = set(wanted)
    with _opened(output) as folder:
        root = str(output) + os.sep
        for path, size, time in zip(names, sizes, times, strict=True):
            if path not in unseen:
                continue
            unseen.discard(path)
            try:
                info = (os.lstat(root + path) if folder is None
                        else os.stat(path.lstrip("/"), dir_fd=folder, follow_symlinks=False))
            except (OSError, ValueError):
                return False
            if info.st_mtime_ns != time or info.st_size != size or not S_ISREG(info.st_mode):
                return False
    return not unseen or all_present(output, unseen)


@contextlib.contextmanager
def _opened(output: Path) -> Iterator[int | None]:
    """A descriptor of the output folder to look paths up from, or None where the system
    cannot (Windows) or the folder cannot be opened."""
    if os.stat not in os.supports_dir_fd or os.access not in os.supports_dir_fd:
        yield None
        return
    try:
        folder = os.open(output, os.O_RDONLY)
    except OSError:
        yield None
        return
    try:
        yield folder
    finally:
        os.close(folder)


def write_staged(staging: Path, path: str, data: bytes) -> None:
    """Write one rendered file into the staging folder."""
    (staging / _staged_name(path)).write_bytes(data)


def _staged_name(path: str) -> str:
    # Staged files sit side by side, not in a copy of the site's folder tree: creating and
    # removing thousands of folders costs more than rendering the pages on some filesystems.
    return digest_text(path)


def commit(
    staging: Path, output: Path, staged: Iterable[str], copies: Iterable[tuple[str, Path]],
    *, owned: Set[str], removing: Set[str], token: str, site: str,
) -> CommitReport:
    """Move staged files and copies into ``output``, then delete ``removing``: files of
    ``owned`` (what Byline wrote there before) that are no longer outputs.  Nothing else is
    ever deleted.

    The folder's marker says "dirty" from before the first file moves until after the last
    deletion, so a commit cut short at any moment is redone by the next build; then it names
    the build ``token`` and the ``site`` (``ownership.site_identity``), and the report
    carries the marker's signature (see ownership.py) for the cache to record beside the
    outputs' keys.
    """
    output.mkdir(parents=True, exist_ok=True)
    staged = list(staged)
    copies = list(copies)
    arriving = set(staged).union(path for path, _ in copies)
    scratch = staging / "marker"
    with _placing(output / MARKER_NAME):
        mark_dirty(output, owned, arriving, scratch, token, site)
    placed: dict[str, Stamp] = {}
    for path in staged:
        placed[path] = _move(staging / _staged_name(path), output / path)
    for path, source in copies:
        # Copied, never linked: a file in output/ must not change when the cache does.
        copy = staging / _staged_name(path)
        shutil.copyfile(source, copy)
        placed[path] = _move(copy, output / path)
    removed = 0
    emptied: set[Path] = set()
    # Never outside output/, nor through a link someone made there since Byline wrote the
    # file (deleting output/about/index.html would delete the file the link leads to).
    plain: set[str] = {""}
    gone = {path for path in removing & owned if plainly_inside(str(output), path, plain)}
    for path in sorted(gone):
        # Its folder is looked at even when the file is gone already: a build killed after
        # deleting it and before removing the emptied folder left that folder behind.
        emptied.add((output / path).parent)
        with contextlib.suppress(FileNotFoundError):
            (output / path).unlink()
            removed += 1
    _remove_empty_folders(output, emptied)
    with _placing(output / MARKER_NAME):
        mark_clean(output, owned, arriving, gone, scratch, token, site)
    shutil.rmtree(staging, ignore_errors=True)
    return CommitReport(removed, marker_state(output)[1], placed, frozenset(gone))


def mark_dirty(output: Path, owned: Set[str], arriving: Set[str], scratch: Path,
               token: str, site: str) -> None:
    """Before anything moves: the marker lists every file this commit may leave, as dirty."""
    if (arriving <= owned and _names_site(output, site)
            and set_marker_state(output, clean=False, token=token)):
        return
    write_ownership(output, owned | arriving, clean=False, scratch=scratch, token=token,
                    site=site)


def _names_site(output: Path, site: str) -> bool:
    """Whether the marker names ``site`` already (else it is written whole, naming it)."""
    return not site or marker_site(output) == site


def mark_clean(output: Path, owned: Set[str], arriving: Set[str], gone: Set[str],
               scratch: Path, token: str, site: str) -> None:
    """After the last deletion: the marker lists exactly the files Byline now owns there,
    ``owned`` with ``arriving`` and without ``gone``."""
    # mark_dirty listed owned and arriving: with nothing gone that list stands, and only its
    # state is written (no set of every file of the site is made for a one-page save).
    if not gone and set_marker_state(output, clean=True, token=token):
        return
    write_ownership(output, (owned - gone) | arriving, clean=True, scratch=scratch, token=token,
                    site=site)


def _move(source: Path, target: Path) -> Stamp:
    """Move a staged file into place; its stamp there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _placing(target):
        place(source, target)
        return stamp_of(os.lstat(target))


@contextlib.contextmanager
def _placing(target: Path) -> Iterator[None]:
    """A failure to put a file at ``target`` named as that file in the output folder, not as
    the staged file in the cache it came from (a folder the writer must fix, not ours)."""
    try:
        yield
    except OSError as error:
        raise BuildFailed([Problem(Severity.ERROR, _not_placed(error, target),
                                   SourceLocation(shown(target)))]) from None


def _not_placed(error: OSError, target: Path) -> str:
    """Why a built file could not take its place in the output folder, and what to do."""
    if error.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
        return ("a folder is where Byline writes this file: move the folder out of the "
                "output folder and build again")
    if error.errno == errno.ENOSPC:
        return "the disk is full: free some space and build again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"Byline may not write here ({(error.strerror or '').lower()}): make "
                f"{shown(target.parent)} writable, e.g. `chmod u+w` it, and build again")
    return f"cannot be written ({(error.strerror or str(error)).lower()})"


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
