"""Finding the writer's files under ``content/``.

Only what can be read as an article is taken: regular files (a named pipe called ``x.md``
would hang the build), in folders Byline may read (an unreadable bundle is an error, not a
silently missing story), with UTF-8 names, and through symbolic links only when they lead to
somewhere inside the site folder.  Everything else is named in the report, with the fix.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Literal

from generator.errors import Report, SourceLocation
from generator.inputfiles import (
    is_encodable,
    not_regular,
    open_problem,
    outside_message,
    points_outside,
    shown,
)

SourceKind = Literal["article", "page"]
SECTIONS: dict[str, SourceKind] = {"articles": "article", "pages": "page"}
# Editors' temporary and backup files are never content (emacs's "#story.md#" among them;
# a story named after a hashtag, "#MeToo-five-years-on.md", is one).
_IGNORED_PREFIXES = (".", "~")
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak")
MARKDOWN_FILE = "a Markdown file"


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
    return (name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)
            or (len(name) > 1 and name[0] == name[-1] == "#"))


# What editors leave beside a file while and after it is edited: vim's swap files
# (.story.md.swp, .swo…) and backups (story.md~), Emacs's autosaves (#story.md#) and locks
# (.#story.md, a link to nowhere), JetBrains' safe-write copies.
_LEFTOVER = re.compile(r"\..*\.sw[a-p]|.*~|#.*#|\.#.*|.*___jb_(?:tmp|old)___", re.DOTALL)


def is_editors_leftover(name: str) -> bool:
    """A file an editor keeps beside the one being edited: never a file of the site, even
    where hidden files are published (``static/``); a swap file holds the writer's unsaved
    text, user name and folder."""
    return _LEFTOVER.fullmatch(name) is not None


# What file managers leave in every folder they open: never a file of the site, even where
# hidden files are published (``static/.well-known/``).
_LITTER = frozenset({".DS_Store", "Thumbs.db", "ehthumbs.db", "desktop.ini", "Desktop.ini",
                     ".Spotlight-V100", ".Trashes", ".fseventsd", ".TemporaryItems", "Icon\r"})


def is_litter(name: str) -> bool:
    """A file or folder a Mac or Windows file manager wrote (``._name`` is a Mac's copy of
    another file's attributes, made on disks and in archives)."""
    return name in _LITTER or name.startswith("._")


# The copies file-sync tools make when a file was changed in two places at once: Dropbox's
# and Nextcloud's "story (Ryan's conflicted copy 2026-12-05).md", Syncthing's
# "story.sync-conflict-20261205-101010-ABCDEF1.md".  Their names say so.
_CONFLICT_COPY = re.compile(r"(.+?) \(.*conflicted copy.*\)|(.+?)\.sync-conflict-\d{8}-\d{6}.*",
                            re.DOTALL)
# Copies that say so only beside the file they copy: "story (1).md" (a second download,
# Google Drive, Windows: not a year, "review (1984).md"), "story copy.md" and "story -
# Copy.md" (file managers), and OneDrive's "story-DESKTOP-AB12CD.md" (the computer's name,
# capitals with a digit: not "eurovision-UK.md").
_DUPLICATE = re.compile(r"(.+?)(?: \(\d{1,2}\)| copy(?: \d{1,2})?| - Copy(?: \(\d{1,2}\))?"
                        r"|-(?=[A-Z-]*\d)[A-Z][A-Z0-9-]{5,})", re.DOTALL)


def sync_copy_of(name: str, siblings: Callable[[], Collection[str]]) -> str | None:
    """The file or folder a file or folder named ``name`` is a sync tool's or a file
    manager's copy of (``siblings``: the names beside it), or None: the two would publish
    one story, author or page twice, the older text under the same name."""
    stem, dot, extension = name.rpartition(".") if "." in name[1:] else (name, "", "")
    if ("(" not in stem and "copy" not in stem.lower() and "-sync-" not in stem.replace(
            ".", "-") and stem == stem.lower()):
        return None  # almost every name: no pattern tried
    found = _CONFLICT_COPY.fullmatch(stem)
    if found:
        return (found.group(1) or found.group(2)) + dot + extension
    found = _DUPLICATE.fullmatch(stem)
    if found and found.group(1) + dot + extension in siblings():
        return found.group(1) + dot + extension
    return None


def _names(entries: Iterable[os.DirEntry[str]]) -> set[str]:
    return {entry.name for entry in entries}


# What a copy of a file or folder of each section holds.
_WHAT: dict[SourceKind, str] = {"article": "story", "page": "page"}
_PLURAL: dict[SourceKind, str] = {"article": "stories", "page": "pages"}


def copy_message(original: str, kind: str) -> str:
    """The refusal of a sync tool's copy of ``original``, a ``kind`` (story, page, author)."""
    return (f"is a copy of {shown(original)}, made by a file-sync tool or a file manager (the "
            f"{kind} would be published twice): merge what you need of it into "
            f"{shown(original)} and delete it, or give it a name of its own if it is another "
            f"{kind}")


def is_set_aside(name: str) -> bool:
    """A name other tools keep out of the site: Jekyll's ``_drafts/`` and ``_posts/``, Hugo's
    ``_index.md``.  Content so named is left out with a warning, never silently."""
    return name.startswith("_")


def no_content_message(site_root: Path) -> str:
    """What to say when a site has no ``content/`` folder to read."""
    return (f"no content/ folder in {shown(site_root)}: create content/articles/ and put your "
            "first article there, or run `byline init`")


def discover_sources(site_root: Path, report: Report) -> list[SourceFile]:
    """Every article and page under ``content/``, in a stable order; refusals go to ``report``."""
    walk = _Walk(site_root, report)
    content = str(site_root / "content")
    if not walk.usable_folder(content, "content", no_content_message(site_root)):
        return []
    for section, kind in SECTIONS.items():
        base = os.path.join(content, section)
        shown_as = f"content/{section}"
        if os.path.lexists(base) and walk.usable_folder(
                base, shown_as, f"{shown_as} must be a folder of Markdown files"):
            walk.section(base, kind)
    return walk.without_twins()


# Endings editors give Markdown files that Byline does not read (compared in lower case).
_OTHER_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


def markdown_stem(name: str) -> str | None:
    """The name a file not read as Markdown was meant to have, without ".md", when its name
    says it was meant to be read: ``Story.MD``, ``story.markdown``, ``story.md.txt`` (as
    Notepad and TextEdit save it), ``story.md `` (a space typed after it); else None."""
    meant = name.rstrip(" .")
    if meant.lower().endswith(".txt"):
        meant = meant[:-4]
    if not meant.lower().endswith(_OTHER_MARKDOWN) or (meant == name and name.endswith(".md")):
        return None
    return meant[: meant.rindex(".")]


_HTML_ENDINGS = (".html", ".htm")


def _starts_a_story(path: str) -> bool:
    """Whether the file at ``path`` opens with front matter ("---" on its first line)."""
    try:
        with open(path, "rb") as file:
            first = file.read(8)
    except OSError:
        return False
    first = first.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as Windows tools save
    return first.startswith(b"---") and first[3:4] in (b"\n", b"\r", b" ", b"")


class _Walk:
    """One walk over ``content/``: what it found, and what it refused and why."""

    def __init__(self, site_root: Path, report: Report) -> None:
        self.report = report
        self.root = os.path.realpath(site_root)
        self.site_cut = len(str(site_root)) + 1
        self.content_cut = len(str(site_root / "content")) + 1
        self.found: list[SourceFile] = []
        self.real: list[str] = []  # the real path of each found file, in step with ``found``
        self.real_content = os.path.realpath(site_root / "content")

    def without_twins(self) -> list[SourceFile]:
        """The files found, less those that are another found file reached through a symbolic
        link (``old-name.md`` → ``real.md``): each would be the same story at a second
        address.  Each twin is left out with a warning naming the file it repeats."""
        first: dict[str, int] = {}
        for index, real in enumerate(self.real):
            if first.setdefault(real, index) != index and not self._through_link(index):
                first[real] = index  # the file itself, walked after a link to it
        if len(first) == len(self.found):
            return self.found
        for index, real in enumerate(self.real):
            kept = first[real]
            if kept != index:
                self.report.warning(
                    f"is {self.found[kept].display} again, through a symbolic link, so it is "
                    "not published (one story at two addresses splits its readers and its "
                    "search ranking): delete the link; to keep its address, add it to that "
                    "story's aliases", SourceLocation(self.found[index].display))
        return [f for index, f in enumerate(self.found) if first[self.real[index]] == index]

    def _through_link(self, index: int) -> bool:
        own = os.path.join(self.real_content, *self.found[index].key.split("/"))
        return self.real[index] != own

    def refuse(self, path: str, message: str) -> None:
        self.report.error(message, SourceLocation(shown(path[self.site_cut:])))

    def usable_folder(self, path: str, shown_as: str, not_folder: str) -> bool:
        """Whether ``path`` is a folder to walk (a link to one inside the site included)."""
        where = SourceLocation(shown_as)
        if os.path.islink(path):
            target = points_outside(path, self.root)
            if target is not None:
                self.report.error(outside_message(target), where)
                return False
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if os.path.islink(path):
                self.report.error(open_problem(FileNotFoundError(2, ""), path), where)
            else:
                self.report.error(not_folder, where)
            return False
        except OSError as error:
            self.report.error(open_problem(error, path, folder=True), where)
            return False
        if not stat.S_ISDIR(mode):
            self.report.error(not_folder, where)
            return False
        return True

    def section(self, base: str, kind: SourceKind) -> None:
        """Every Markdown file below ``base``: a folder's files in name order, then its folders."""
        # The real paths of the folders being walked: a link back to one of them is a loop.
        # Only links can lead back, so only their targets are resolved (a system call each).
        active: set[str] = set()
        # Strings rather than Path arithmetic: this runs for every file on every rebuild.
        stack: list[tuple[str, str, bool]] = [(base, os.path.realpath(base), True)]
        while stack:
            folder, real, entering = stack.pop()
            if not entering:
                active.discard(real)
                continue
            if real in active:
                self.refuse(folder, "is a symbolic link to a folder that contains it (a loop): "
                                    "remove the link")
                continue
            try:
                with os.scandir(folder) as scan:
                    entries = sorted(scan, key=lambda e: e.name)
            except OSError as error:
                self.refuse(folder, open_problem(error, folder, folder=True))
                continue
            active.add(real)
            stack.append((folder, real, False))
            folders: list[tuple[str, str]] = []
            # The folder's names, made once and only when a name needs its siblings.
            siblings = cache(partial(_names, entries))
            for entry in entries:
                name = entry.name
                if is_ignored(name):
                    continue
                if is_set_aside(name):
                    self._set_aside(entry)
                    continue
                if (original := sync_copy_of(name, siblings)
                        ) is not None and (name.endswith(".md") or entry.is_dir()):
                    self.refuse(entry.path, copy_message(original, _WHAT[kind]))
                elif entry.is_symlink():
                    self._link(entry, base, kind, folders)
                elif entry.is_dir(follow_symlinks=False):
                    if self._good_name(entry.path, name):
                        folders.append((entry.path, real + os.sep + name))
                elif name.endswith(".md"):
                    if entry.is_file(follow_symlinks=False):  # from the folder listing: no stat
                        self._markdown(entry.path, name, base, kind, real + os.sep + name)
                    else:
                        self._not_regular(entry.path)
                elif (stem := markdown_stem(name)) is not None \
                        and self._good_name(entry.path, name):
                    # A story saved as Story.MD, story.markdown or (by Notepad) story.md.txt
                    # would vanish without a word.
                    self.report.warning(
                        f"is not read: Byline reads Markdown files ending in .md (lower case): "
                        f"rename it to {shown(stem)}.md", SourceLocation(shown(
                            entry.path[self.site_cut:])))
                elif name.lower().endswith(_HTML_ENDINGS) and _starts_a_story(entry.path):
                    # Jekyll reads _posts/*.html (jekyll-import writes WordPress.com's so):
                    # a whole archive would vanish without a word.
                    stem, what = name[: name.rindex(".")], _WHAT[kind]
                    fix = (f"{shown(stem)}.md beside it is read: if this is an export left over, "
                           "delete it or move it out of content/"
                           if f"{stem}.md" in siblings() else
                           f"rename it to {shown(stem)}.md (HTML in it is published as written)")
                    self.report.warning(
                        f"is not read: it starts with front matter, as a {what} does, but "
                        f"Byline reads {_PLURAL[kind]} from files ending in .md: {fix}",
                        SourceLocation(shown(entry.path[self.site_cut:])))
            stack.extend((path, target, True) for path, target in reversed(folders))

    def _link(self, entry: os.DirEntry[str], base: str, kind: SourceKind,
              folders: list[tuple[str, str]]) -> None:
        """A symbolic link: followed when it leads inside the site, refused otherwise."""
        if not entry.name.endswith(".md"):
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if not is_folder:
                return  # a linked photo or note: the image stage checks what it uses
        target = points_outside(entry.path, self.root)
        if target is not None:
            self.refuse(entry.path, outside_message(target))
            return
        if not self._good_name(entry.path, entry.name):
            return
        try:
            mode = os.stat(entry.path).st_mode
        except OSError as error:  # a loop, or a link to nothing
            self.refuse(entry.path, open_problem(error, entry.path))
            return
        if stat.S_ISDIR(mode):
            folders.append((entry.path, os.path.realpath(entry.path)))
        elif stat.S_ISREG(mode):
            self._markdown(entry.path, entry.name, base, kind, os.path.realpath(entry.path))
        else:
            self.refuse(entry.path, not_regular(mode, MARKDOWN_FILE))

    def _set_aside(self, entry: os.DirEntry[str]) -> None:
        """A story or folder whose name starts with '_': said, so none is lost unseen."""
        try:
            folder = entry.is_dir()
        except OSError:
            folder = False
        if not folder and not entry.name.endswith(".md"):
            return
        where = SourceLocation(shown(entry.path[self.site_cut:]))
        if entry.name == "_index.md":  # Hugo's page of the folder's list, which Byline makes
            self.report.warning(
                "is not published: it is Hugo's page for the list of its folder, which Byline "
                "makes itself (a section's, a tag's): delete it, or move what it says to a "
                "page in content/pages/", where)
            return
        what = ("is not read, nor anything in it: a folder" if folder
                else "is not published: a file")
        self.report.warning(
            f"{what} whose name starts with '_' is set aside (other tools keep drafts and "
            f"section files so): rename it to {shown(entry.name.lstrip('_'))} to publish it; "
            "a draft is marked draft: true", where)

    def _not_regular(self, path: str) -> None:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return  # gone since the folder was listed
        self.refuse(path, not_regular(mode, MARKDOWN_FILE))

    def _markdown(self, path: str, name: str, base: str, kind: SourceKind, real: str) -> None:
        if not self._good_name(path, name):
            return
        self.real.append(real)
        folder = os.path.dirname(path)
        is_bundle = name == "index.md" and folder != base
        self.found.append(
            SourceFile(
                kind=kind,
                path=path,
                display=shown(path[self.site_cut:]),
                key=path[self.content_cut:].replace(os.sep, "/"),
                name=os.path.basename(folder) if is_bundle else name[:-3],
            )
        )

    def _good_name(self, path: str, name: str) -> bool:
        """Whether the name is UTF-8: URLs, messages and the cache are made from it."""
        if is_encodable(name):
            return True
        self.refuse(path, f"the name {shown(name)} is not UTF-8 text: rename it (a name your "
                          "computer shows correctly will do)")
        return False
