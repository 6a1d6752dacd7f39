"""Planning a file-by-file sync of a built site to a place that stores files by key.

The S3 and folder targets share this: they list what the target holds, hand both sides to
``plan_sync`` (pure), then carry the plan out in its order.  Order is what keeps a live site
whole while it changes: assets go up before the pages that use them, feeds and sitemaps after
the pages they list, and nothing is deleted until every upload is done, so a publish cut short
leaves the old site working and a rerun finishes the job.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.inputfiles import UNSETTLED, racy
from generator.ownership import NEVER_PUBLISHED, is_temporary, read_ownership
from generator.publish.media import is_page
from generator.publish.target import PublishSummary, format_size
from generator.search_stage import SEARCH_FOLDER

_READ_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class SiteFile:
    """A file of the built site: ``key`` is its path relative to the site folder, with ``/``."""

    key: str
    path: Path
    size: int
    md5: str


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the target already holds; ``md5`` is None when the target cannot tell cheaply."""

    key: str
    size: int
    md5: str | None


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What to upload (in upload order), what to delete (in delete order), what to leave."""

    uploads: tuple[SiteFile, ...]
    deletions: tuple[str, ...]
    unchanged: int

    @property
    def bytes_to_send(self) -> int:
        """Total size of the files to upload."""
        return sum(file.size for file in self.uploads)

    def summary(self, target: str, *, dry_run: bool) -> PublishSummary:
        """What carrying out (or, in a dry run, showing) this plan amounts to."""
        return PublishSummary(
            uploaded=len(self.uploads),
            deleted=len(self.deletions),
            unchanged=self.unchanged,
            bytes_sent=self.bytes_to_send,
            dry_run=dry_run,
            target=target,
            details=self.lines(),
        )

    def lines(self) -> tuple[str, ...]:
        """One line per action, in the order they happen: the dry-run listing."""
        uploads = (f"upload {file.key} ({format_size(file.size)})" for file in self.uploads)
        deletions = (f"delete {key}" for key in self.deletions)
        return (*uploads, *deletions)


def plan_sync(site: Mapping[str, SiteFile], stored: Mapping[str, StoredFile]) -> SyncPlan:
    """Compare the site with what the target holds and order the changes safely."""
    uploads = [
        file
        for key, file in site.items()
        if (held := stored.get(key)) is None or held.size != file.size or held.md5 != file.md5
    ]
    deletions = [key for key in stored if key not in site]
    return SyncPlan(
        uploads=upload_order(uploads, stored.keys()),
        deletions=tuple(sorted(deletions, key=delete_rank)),
        unchanged=len(site) - len(uploads),
    )


# Above this many new pages (a site's first publish) they are not read for their links: the
# site is not live yet, and reading them all would cost more than the upload order saves.
_LINKS_READ_UP_TO = 500


def upload_order(uploads: Collection[SiteFile], stored: Collection[str]) -> tuple[SiteFile, ...]:
    """Uploads in an order that never lets a reader follow a link to a page not sent yet:
    assets; then the new pages, each after the new pages it links to (a new story before
    the new tag page listing it); then the pages sent again (lists, other stories' related
    links, a renamed story's old address, now its redirect); then the search index; then
    what lists pages for machines: feeds, sitemaps, redirect rules and the search index's
    entry files."""
    new = [f for f in uploads if is_page(f.key) and not is_listing(f.key) and f.key not in stored]
    if len(new) <= _LINKS_READ_UP_TO:
        placed = {file.key: n for n, file in enumerate(_linked_first(new))}
    else:
        placed = {file.key: n for n, file in enumerate(sorted(new, key=_deepest_first))}

    def rank(file: SiteFile) -> tuple[int, int, str]:
        if is_listing(file.key):
            return (4, 0, file.key)
        if file.key.startswith(SEARCH_FILES):  # a story's search result, named by its bytes
            return (3, 0, file.key)
        if not is_page(file.key):
            return (0, 0, file.key)
        if file.key in placed:
            return (1, placed[file.key], "")
        return (2, *_deepest_first(file))

    return tuple(sorted(uploads, key=rank))


def _deepest_first(file: SiteFile) -> tuple[int, str]:
    # A section or home page links to the pages below it, so those go first.
    return (-len(PurePosixPath(file.key).parts), file.key)


# The search index's files: those of a new story's result go up after its page, those that
# name the others (its entry files, .json, listings above) after them.
SEARCH_FILES = SEARCH_FOLDER + "/"

_HREF = re.compile(rb"""\shref=["']?([^"' >#?]+)""")


def _linked_first(pages: list[SiteFile]) -> list[SiteFile]:
    """``pages`` ordered so that each comes after those of them it links to (a cycle, two
    new stories related to each other, is broken deepest first)."""
    by_key = {file.key: file for file in pages}
    links: dict[str, list[str]] = {}
    for file in sorted(pages, key=_deepest_first):
        try:
            data = file.path.read_bytes()
        except OSError:
            data = b""
        found = []
        for match in _HREF.finditer(data):
            target = _page_key(match.group(1).decode("utf-8", "replace"), by_key)
            if target is not None and target != file.key:
                found.append(target)
        links[file.key] = found
    ordered: list[SiteFile] = []
    state: dict[str, int] = {}  # 1: being placed, 2: placed
    for start in links:
        if state.get(start):
            continue
        state[start] = 1
        stack = [(start, iter(links[start]))]
        while stack:
            key, targets = stack[-1]
            target = next((t for t in targets if not state.get(t)), None)
            if target is not None:
                state[target] = 1
                stack.append((target, iter(links[target])))
                continue
            stack.pop()
            state[key] = 2
            ordered.append(by_key[key])
    return ordered


def _page_key(href: str, pages: Mapping[str, SiteFile]) -> str | None:
    """The page among ``pages`` an address leads to (absolute, or from the site's root, under
    any base path), if any."""
    path = unquote(urlsplit(href).path).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    while True:
        if path in pages:
            return path
        if "/" not in path:
            return None
        path = path.split("/", 1)[1]  # under a base path (/news/), or a host's name


def is_listing(key: str) -> bool:
    """Feeds (RSS, Atom, JSON Feed), sitemaps, redirect rules and the search index's entry
    files: readers, crawlers and the search page follow them straight to pages."""
    name = PurePosixPath(key).name
    return name.endswith((".xml", ".json")) or name in ("_redirects", "_headers")


def delete_rank(key: str) -> tuple[int, str]:
    """Sort key for deletions: pages first, so no remaining page points at a deleted asset."""
    return (0 if is_page(key) else 1, key)


@dataclass(eq=False)
class Md5Memo:
    """MD5s of files by path, size and modification time, so a publish after a small build
    reads only the files that build rewrote (as rsync trusts size and time).  ``seen`` is
    what this publish found and wrote: the next publish's ``known``."""

    known: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    seen: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    def md5(self, path: Path | str, info: os.stat_result) -> str:
        """The MD5 of the file at ``path``, whose ``lstat`` is ``info``."""
        kept = self.known.get(str(path))
        md5 = (kept[2] if kept is not None and kept[:2] == (info.st_size, info.st_mtime_ns)
               else file_md5(path))
        self._saw(path, info, md5)
        return md5

    def wrote(self, path: Path | str, md5: str) -> None:
        """Note a file just written with this content."""
        self._saw(path, os.lstat(path), md5)

    def _saw(self, path: Path | str, info: os.stat_result, md5: str) -> None:
        # A time that may come again with other bytes of the same size (a rebuild in the
        # same second, on a disk keeping whole seconds) is kept as one no file has: hashed
        # again next time.  Only there: a publish's files are many, and most just written.
        when = UNSETTLED if racy(info, time.time_ns()) else info.st_mtime_ns
        self.seen[str(path)] = (info.st_size, when, md5)


def md5_memo_data(memo: Md5Memo) -> tuple[list[object], bytes]:
    """What the next publish needs of a memo, as plain data (for the cache)."""
    return [[key, *value] for key, value in memo.seen.items()], b""


def md5_memo_from(data: object, _raw: bytes) -> Md5Memo:
    """The memo ``md5_memo_data`` wrote, as the next publish's ``known`` (other shapes raise)."""
    return Md5Memo({str(key): (int(size), int(mtime), str(md5))
                    for key, size, mtime, md5 in data})  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ScannedSite:
    """The output folder as a publish sends it: ``files``, the build's, by site-relative
    path (sorted), and ``hand_placed``, the files someone put there that it keeps back."""

    files: dict[str, SiteFile]
    hand_placed: tuple[str, ...]


def scan_site(site_dir: Path, memo: Md5Memo | None = None) -> ScannedSite:
    """Every file of the built site, with its size and MD5: the files Byline wrote there
    (``byline_files``), never one put there by hand; both found in one walk."""
    files: dict[str, SiteFile] = {}
    skipped: list[str] = []
    ours = byline_files(site_dir)
    for key, path in _walk(site_dir):
        if ours is None or key in ours:
            info = os.stat(path)
            md5 = memo.md5(path, info) if memo is not None else file_md5(path)
            files[key] = SiteFile(key, Path(path), info.st_size, md5)
        else:
            skipped.append(key)
    return ScannedSite(dict(sorted(files.items())), tuple(sorted(skipped)))


def byline_files(site_dir: Path) -> frozenset[str] | None:
    """The files of the output folder a publish sends: those its marker lists as the build's
    (None: no marker, every file).  One someone put there by hand is kept there, and
    published by no target: what goes out is what the site builds (static/ for the rest)."""
    marker = read_ownership(site_dir)
    return marker.files if marker is not None else None


def hand_placed_at_top(site_dir: Path, ours: Collection[str]) -> tuple[str, ...]:
    """The files in the output folder's top folder that are not among ``ours`` (the build's):
    where a verification file or a CNAME is put by hand.  A publish that sends only what
    the build changed looks no deeper: walking 100,000 pages to say so would cost seconds."""
    return tuple(sorted(entry.name for entry in os.scandir(site_dir)
                        if entry.name not in ours and entry.name not in NEVER_PUBLISHED
                        and not is_temporary(entry.name) and entry.is_file()))


def _walk(site_dir: Path) -> Iterator[tuple[str, str]]:
    """Each file of the output folder a publish may send (site path, file path)."""
    root = str(site_dir)
    cut = len(root) + 1
    # Plain strings while walking: this runs over every file of a 10,000-article site.
    for folder, subfolders, names in os.walk(root):
        # An output folder that is also a git checkout must not publish its repository.
        subfolders[:] = [name for name in subfolders if name not in NEVER_PUBLISHED]
        prefix = folder[cut:].replace(os.sep, "/") + "/" if folder != root else ""
        for name in names:
            if name not in NEVER_PUBLISHED and not is_temporary(name):
                yield prefix + name, os.path.join(folder, name)


def file_md5(path: Path | str) -> str:
    """Hex MD5 of a file: what S3 reports as the ETag of a single-part upload."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        while chunk := stream.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
