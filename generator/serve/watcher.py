"""Watching the site's sources with watchdog, and telling real edits from editor noise.

Only the folders a build reads are watched (recursively), plus the site folder itself without
recursion, for ``site.yaml`` and for watched folders that appear later.  ``output/`` and
``.byline-cache/`` (where the preview writes) are never watched, so a build cannot wake itself.
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import watchdog.events
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from generator.content import is_editors_leftover, is_ignored
from generator.inputfiles import CONFIG_NAME, INPUT_FOLDERS, MANIFEST_PATH

# Opened/closed-without-writing events are left out: the build itself reads every source.
_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent,
           FileClosedEvent, DirCreatedEvent, DirMovedEvent, DirDeletedEvent]
# A file made readable (`chmod u+r`, the fix an unreadable story is given) changes no byte:
# watchdog 5 and later say so as its own kind of event (before, as a modification).
if (_ATTRIB := getattr(watchdog.events, "FileAttribEvent", None)) is not None:
    _EVENTS.append(_ATTRIB)
# Beyond what content discovery ignores: vim's write test file ("4913"), JetBrains' safe-write
# copies, browsers' partial downloads.
_NOISE_SUFFIXES = (".swo", ".swn", ".part", ".crdownload", "___jb_tmp___", "___jb_old___")
_NEVER_WATCHED = frozenset({"output", ".byline-cache", ".git", "node_modules", "__pycache__"})

# watchdog's inotify backend can add a just-created folder twice (once from its creation
# event, once from the walk of its parent) and says so on stderr; the watch works either way,
# and a writer creating a theme folder should not see a Python warning.
warnings.filterwarnings("ignore", message="Callback with id .* already exists",
                        category=RuntimeWarning, module="watchdog")


def is_editor_noise(name: str) -> bool:
    """Temporary, swap and backup files that editors write around a save."""
    return is_ignored(name) or name.isdigit() or name.endswith(_NOISE_SUFFIXES)


def matters(site: Path, path: str, folder: bool = False) -> bool:
    """Whether a change at ``path`` (a ``folder``, or a file) can change what the site builds
    into.  Folders are left out by the rule of content discovery, files by the editors'
    noise too: a folder named "2026" holds a year's stories, a file named "4913" is vim's."""
    noise = is_ignored if folder else is_editor_noise
    try:
        parts = Path(path).relative_to(site).parts
    except ValueError:  # a watched folder outside the site (the built-in theme)
        return not noise(Path(path).name)
    if not parts or parts[0] in _NEVER_WATCHED:
        return False
    if len(parts) == 1 and parts[0] not in (CONFIG_NAME, *INPUT_FOLDERS):
        return False
    if parts[0] == MANIFEST_PATH.parts[0]:  # hidden, and holding only the manifest (and its
        return parts == MANIFEST_PATH.parts[: len(parts)]  # temporary copy while written)
    if parts[0] == "static":  # copied as it is, hidden files and all (Theme.files_under)
        return not is_editors_leftover(parts[-1])
    *folders, name = parts
    return not any(map(is_ignored, folders)) and not noise(name)


def _files_named(site: Path, folders: list[str]) -> list[str] | None:
    """The files a folder event names: none known (None), but for the manifest's folder,
    which holds the manifest alone."""
    manifest = site / MANIFEST_PATH
    return [str(manifest)] if all(Path(f) == manifest.parent for f in folders) else None


class SourceWatcher(FileSystemEventHandler):
    """Calls ``changed`` for every event that touches a source file (often several per save),
    with the files it names, or None for a folder event, whose files it cannot name."""

    def __init__(self, site: Path, changed: Callable[[list[str] | None], None],
                 extra: Iterable[Path] = ()) -> None:
        self.site = site.resolve()
        self.changed = changed
        self.extra = [p.resolve() for p in extra if p.is_dir()]
        self._observer = Observer()
        self._observer.name = "byline-watcher"
        self._watches: dict[Path, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start watching."""
        self._observer.schedule(self, str(self.site), recursive=False, event_filter=_EVENTS)
        for name in INPUT_FOLDERS:
            self._watch(self.site / name)
        for folder in self.extra:
            if not folder.is_relative_to(self.site):
                self._watch(folder)
        for name in INPUT_FOLDERS:
            self._watch_linked(self.site / name)
        self._observer.start()

    def stop(self) -> None:
        """Stop watching and wait for the watchdog threads to end."""
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join()

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Pass on changes that matter; start watching a source folder that just appeared."""
        paths = [os.fsdecode(event.src_path)]
        if event.event_type == "moved":
            paths.append(os.fsdecode(event.dest_path))
        relevant = [p for p in paths if matters(self.site, p, event.is_directory)]
        if not relevant:
            return
        if event.event_type in ("created", "moved"):
            for path in relevant:
                folder = Path(path)
                if event.is_directory and folder.parent == self.site and (
                        folder.name in INPUT_FOLDERS):
                    self._watch(folder)
                elif folder.is_symlink():
                    self._watch_link(folder)
        if event.event_type == "moved" and event.is_directory:
            self._watch_again_around(Path(os.fsdecode(event.dest_path)))
        self.changed(_files_named(self.site, relevant) if event.is_directory else relevant)

    def _watch_again_around(self, moved: Path) -> None:
        """Watch afresh the source folder holding ``moved``, a folder moved in that holds
        folders of its own.  A folder replaced by a copy (moved aside, the copy moved into its
        place, the old one deleted: a restore, a sync tool) left watchdog's watches of the
        folders inside it mixed up, and saves to a story folder there went unseen until the
        preview restarted (a red-team pass).  A story's own folder moved (no folders in it)
        needs none of this."""
        try:
            parts = moved.relative_to(self.site).parts
            nested = any(entry.is_dir(follow_symlinks=False) for entry in os.scandir(moved))
        except (ValueError, OSError):
            return
        if len(parts) > 1 and parts[0] in INPUT_FOLDERS and nested:
            self._watch(self.site / parts[0])

    def _watch_linked(self, folder: Path) -> None:
        """Watch where the links below ``folder`` lead: the build follows a link to a story
        elsewhere in the site, whose saves inotify reports there, not through the link."""
        for here, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not is_ignored(d) and d not in _NEVER_WATCHED]
            for name in (*dirs, *files):
                if os.path.islink(os.path.join(here, name)):
                    self._watch_link(Path(here, name))

    def _watch_link(self, link: Path) -> None:
        """Watch the folder ``link`` leads to (a file's folder), when it is inside the site
        and not watched already; the build refuses a link out of the site."""
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            return
        folder = target if target.is_dir() else target.parent
        watched = (*(self.site / name for name in INPUT_FOLDERS), *self._watches)
        if (folder == self.site or not folder.is_relative_to(self.site)
                or any(folder.is_relative_to(w) for w in watched)):
            return
        self._watch(folder)

    def _watch(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        with self._lock:
            old = self._watches.pop(folder, None)
            if old is not None:  # the folder was replaced (a git checkout): watch the new one
                with contextlib.suppress(KeyError, OSError):
                    self._observer.unschedule(old)
            with contextlib.suppress(OSError):  # vanished again already
                self._watches[folder] = self._observer.schedule(
                    self, str(folder), recursive=True, event_filter=_EVENTS)
