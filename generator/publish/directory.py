"""Publishing by mirroring the built site into a folder (a web server's document root).

Each file is written to a temporary name beside its destination and renamed over it, so the
server never serves half a file.  Deletion is confined to the target folder: paths are checked
component by component, and a symlink is never followed.  A symlink, or a file Byline did not
write, where the site needs a folder stops the publish, as it stops a build (see
``outputdir.blocked_paths``): removing it would lose what someone put there.

Comparing both folders file by file costs seconds on a 10,000-story site (a walk of 28,000
files on each side), too slow to publish a live blog's update.  So a publish remembers what
it sent (each file with the build's key of its content, see ``BuildResult.versions``) and
the state of the target's marker after it; the next publish, when handed the build's keys,
compares and sends only the files whose key changed and deletes only those the build no
longer makes.  Everything else is compared in full, as before: the first publish, another
output folder, a marker someone else wrote since (another site or a Byline elsewhere
published there), a dry run, ``--force``, a site folder holding files the build did not
make, a file missing from the target (deleted by hand), and at least every
``FULL_COMPARE_SECONDS``, so a file changed in the target by hand is put right within the
hour.  The few files the quick way touches are checked in the
target as the full comparison checks them: never followed through a symlink, deleted only
if the marker says Byline wrote them.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.cache import CACHE_DIR_NAME, BuildCache
from generator.errors import PublishError
from generator.inputfiles import shown
from generator.outputdir import Blocked, all_present, blocked_paths, plainly_inside
from generator.ownership import (
    MARKER_NAME,
    NEVER_PUBLISHED,
    Busy,
    FolderRefused,
    Ownership,
    claim_folder,
    describe_files,
    foreign_files,
    is_temporary,
    lock_folder,
    refuse_precious,
    write_ownership,
)
from generator.plaindata import integer, items, number, text
from generator.publish.sync import (
    Md5Memo,
    SiteFile,
    StoredFile,
    SyncPlan,
    delete_rank,
    file_md5,
    hand_placed_at_top,
    md5_memo_data,
    md5_memo_from,
    plan_sync,
    scan_site,
)
from generator.publish.target import PublishSummary, TargetSpec, require_built_site


def from_spec(name: str, spec: Mapping[str, Any], site_root: Path,
              site: str = "") -> DirTarget:
    """A folder target from its site.yaml settings; a relative path is taken from the site."""
    settings = TargetSpec(name, "dir", spec)
    settings.allow_only(("path",))
    written = settings.required_text("path")
    named = site_root / Path(written or ".").expanduser()
    folder = named.resolve()
    if written:
        try:  # as named: a link to a drive not mounted is refused, not made locally
            refuse_precious(named, site_root, "`path`")
        except FolderRefused as refused:
            settings.fail(str(refused), "path")
    settings.finish()
    return DirTarget(name=name, folder=folder, cache=site_root / CACHE_DIR_NAME,
                     site=site)


# The longest a folder target goes without a publish comparing every file of both sides.
FULL_COMPARE_SECONDS = 3600.0
_SENT = "sent:"  # the kind of record (see ``BuildCache.stamp``) of what a publish sent


@dataclass(frozen=True, slots=True)
class Sent:
    """What a publish left in a folder target, for the next one to send only what changed."""

    source: str  # the built site folder it mirrored
    marker: tuple[int, int, int]  # size, modification time and inode of the target's marker
    compared: float  # when every file of both sides was last compared (``time.time()``)
    versions: Mapping[str, str]  # each file of the site, and the build's key of its content


def sent_data(sent: Sent) -> tuple[list[Any], bytes]:
    """A Sent record as plain data (for the cache)."""
    return [sent.source, list(sent.marker), sent.compared, list(sent.versions),
            list(sent.versions.values())], b""


def sent_from(data: object, _raw: bytes) -> Sent:
    """The Sent record ``sent_data`` wrote (any other shape raises)."""
    source, marker, compared, keys, values = items(data)
    size, mtime, inode = (integer(n) for n in items(marker))
    keys, values = items(keys), items(values)
    if len(keys) != len(values):
        raise ValueError("a record of what was sent with keys and values apart")
    return Sent(text(source), (size, mtime, inode), number(compared),
                {text(k): text(v) for k, v in zip(keys, values, strict=True)})


# How long a publish waits for another one writing into the same folder.
PUBLISH_WAIT_SECONDS = 600.0

def publishable(versions: Mapping[str, str]) -> dict[str, str]:
    """The files of ``versions`` a publish sends: as ``scan_site`` finds them, never the
    marker, a repository or a temporary file."""
    return {key: value for key, value in versions.items()
            if not NEVER_PUBLISHED.intersection(key.split("/"))
            and not is_temporary(key.rpartition("/")[2])}


def _staging_left(folder: Path) -> bool:
    """Whether a publish was stopped while it staged the marker beside it, in the target's
    top folder: the marker is then still the one the last publish left, and only the full
    comparison, which removes temporary files, cleans up after it."""
    try:
        return any(is_temporary(name) for name in os.listdir(folder))
    except OSError:
        return True


@dataclass(frozen=True, slots=True)
class DirTarget:
    """Keeps ``folder`` identical to the built site."""

    name: str
    folder: Path
    # The site's cache, where the MD5s of both sides are kept between publishes.
    cache: Path | None = None
    # The site publishing there (see ``ownership.site_identity``; "": not known): another
    # site's folder is refused.
    site: str = ""

    @property
    def description(self) -> str:
        """The target's name and where it points, for messages."""
        return f"{self.name} ({self.folder})"

    def publish(self, site_dir: Path, *, dry_run: bool, force: bool = False,
                versions: Mapping[str, str] | None = None,
                take_over: bool = False, wait: float = PUBLISH_WAIT_SECONDS) -> PublishSummary:
        """Copy changed files (pages last), then delete the files an earlier publish wrote
        that are no longer in the site.  Files Byline never wrote there are left alone; a
        non-empty folder that is not Byline's is refused unless ``force``.  ``versions``, the
        build's key of each file's content (see the module's docstring), lets a publish
        after a small build compare only the files whose key changed."""
        source = require_built_site(site_dir)
        if self.folder == source or self.folder.is_relative_to(source):
            raise PublishError(
                f"deploy target '{self.name}': {self.folder} is inside the site's output "
                f"folder {source}; the next build would wipe it"
            )
        if source.is_relative_to(self.folder):
            raise PublishError(
                f"deploy target '{self.name}': {self.folder} contains the site's output folder "
                f"{source}; mirroring into it would delete the output"
            )
        if self.folder.exists() and not self.folder.is_dir():
            raise PublishError(f"deploy target '{self.name}': {self.folder} is not a folder")
        if dry_run:  # reads only: nothing to keep another publish out of
            return self._publish(source, dry_run=True, force=force, versions=versions,
                                 take_over=take_over)
        # Two checkouts publishing into one web root at once (a cron job and an editor)
        # each read the folder's list of Byline's files before the other wrote it, and the
        # last list written lacked the other's new files: refused as someone else's from
        # then on.  One at a time, then.
        try:
            with lock_folder(self.folder, wait=wait,
                             busy=f"deploy target '{self.name}': another publish is writing "
                                  f"into {self.folder}: wait for it to finish, then publish "
                                  "again"):
                return self._publish(source, dry_run=False, force=force, versions=versions,
                                     take_over=take_over)
        except Busy as busy:
            raise PublishError(str(busy)) from None

    def _publish(self, source: Path, *, dry_run: bool, force: bool,
                 versions: Mapping[str, str] | None, take_over: bool) -> PublishSummary:
        cache = BuildCache(self.cache) if self.cache is not None and not dry_run else None
        # What the last publish sent there: a target that lost its marker is taken over as
        # those files alone, the files others put there kept.
        last = cache.stamp(self.folder, sent_from, kind=_SENT) if cache is not None else None
        try:
            owned, foreign = claim_folder(
                self.folder, remembered=None, force=force,
                what=f"deploy target '{self.name}':", site=self.site, take_over=take_over,
                recorded=None if last is None else last.versions.__contains__)
        except FolderRefused as refused:
            if cache is not None:
                cache.close()
            raise PublishError(str(refused)) from None
        wanted = publishable(versions) if versions is not None else None
        try:
            if (cache is not None and wanted is not None and not force and not take_over
                    and not foreign):
                quick = self._send_changes(source, owned, cache, wanted)
                if quick is not None:
                    return quick
            return self._sync(source, owned, foreign, cache, dry_run=dry_run, versions=wanted)
        finally:
            if cache is not None:
                cache.close()

    def _send_changes(self, source: Path, owned: Ownership, cache: BuildCache,
                      versions: Mapping[str, str]) -> PublishSummary | None:
        """Send the files whose key changed since the last publish, and delete those the
        site no longer has; None when only a full comparison can tell (see the docstring)."""
        last = cache.stamp(self.folder, sent_from, kind=_SENT)
        if (last is None or last.source != str(source) or not owned.clean
                or not 0 <= time.time() - last.compared < FULL_COMPARE_SECONDS
                or _marker_state(self.folder) != last.marker or _staging_left(self.folder)
                # A file deleted there by hand (one access() each: 1 s at 100,000 stories):
                or not all_present(self.folder, last.versions.keys() & versions.keys())):
            return None
        site: dict[str, SiteFile] = {}
        for key, version in versions.items():
            if last.versions.get(key) != version:
                path = source / key
                try:
                    info = os.stat(path)
                except OSError:
                    return None  # the build's record and its folder disagree: look at all
                site[key] = SiteFile(key, path, info.st_size, file_md5(path))
        stored = {key: held for key in site if (held := _stored_file(self.folder, key, site))}
        uploads = plan_sync(site, stored).uploads
        self._refuse_replacing(uploads, site.keys(), stored.keys(), owned.files)
        deletions = sorted((key for key in last.versions.keys() - versions.keys()
                            if key in owned.files and _stored_file(self.folder, key, site)),
                           key=delete_rank)
        plan = SyncPlan(uploads, tuple(deletions), len(versions) - len(uploads))
        if uploads or deletions:
            try:
                write_ownership(self.folder, owned.files | versions.keys(), clean=False,
                                scratch=self.folder, site=self.site)
                for file in uploads:
                    copy_into(self.folder, file)
                for key in deletions:
                    delete_from(self.folder, key)
                write_ownership(self.folder, versions.keys(), clean=True, scratch=self.folder,
                                site=self.site)
            except OSError as error:
                raise PublishError(f"deploy target '{self.name}': {error}") from error
        cache.set_stamp(self.folder, Sent(str(source), _marker_state(self.folder),
                                          last.compared, versions), sent_data, kind=_SENT)
        return replace(plan.summary(self.description, dry_run=False),
                       hand_placed=hand_placed_at_top(source, versions))

    def _sync(self, source: Path, owned: Any, foreign: Any, cache: BuildCache | None, *,
              dry_run: bool, versions: Mapping[str, str] | None = None) -> PublishSummary:
        memo = (cache.stamp(self.folder, md5_memo_from, kind="md5:") if cache else None) \
            or Md5Memo()
        scanned = scan_site(source, memo)
        site = scanned.files
        stored = stored_files(self.folder, site, memo)
        mine = owned.files | {key for key in stored if is_temporary(key.rpartition("/")[2])}
        plan = plan_sync(site, {k: v for k, v in stored.items() if k in mine or k in site})
        self._refuse_replacing(plan.uploads, site.keys(), stored.keys(), mine)
        details = tuple(f"keep {key} (not written by Byline)" for key in foreign)
        if not dry_run:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                write_ownership(self.folder, owned.files | site.keys(), clean=False,
                                scratch=self.folder, site=self.site)
                for file in plan.uploads:
                    copy_into(self.folder, file)
                    memo.wrote(self.folder / file.key, file.md5)
                for key in plan.deletions:
                    delete_from(self.folder, key)
                write_ownership(self.folder, site.keys(), clean=True, scratch=self.folder,
                                site=self.site)
            except OSError as error:
                raise PublishError(f"deploy target '{self.name}': {error}") from error
            if cache is not None:
                cache.set_stamp(self.folder, memo, md5_memo_data, kind="md5:")
                # The next publish may send only what changed when the build's keys name
                # exactly the files sent (no file put in the site folder by hand).
                sent = (Sent(str(source), _marker_state(self.folder), time.time(), versions)
                        if versions is not None and versions.keys() == site.keys() else None)
                cache.set_stamp(self.folder, sent, sent_data, kind=_SENT)
        summary = plan.summary(self.description, dry_run=dry_run)
        return replace(summary, details=summary.details + details,
                       hand_placed=scanned.hand_placed)

    def _refuse_replacing(self, uploads: tuple[SiteFile, ...], arriving: Set[str],
                          stored: Set[str], mine: Set[str]) -> None:
        """A file Byline did not write is kept, never replaced, and a link is never removed
        nor followed, as in a build (``outputdir.blocked_paths``): a site file (of
        ``arriving``) at the place of a foreign file, even one with the same bytes (listed
        as Byline's, a later publish would delete it), or below a link or a foreign file
        where the site needs a folder, stops the publish before anything is sent, naming
        each.  A file Byline wrote where the site now has a folder is its own to replace
        (``_clear_path``)."""
        in_way = [entry for entry in blocked_paths(self.folder, (f.key for f in uploads), mine)
                  if entry.why == "link" or (entry.why == "file" and entry.path not in mine)]
        foreign = sorted(key for key in arriving if key in stored and key not in mine)
        reasons = self._in_the_way(in_way)
        for key, kept in self._folders_in_the_way(uploads, mine):
            reasons.append(f"{shown(key)} is a folder where the site now has a file, and holds "
                           f"{describe_files(kept)}, which Byline did not write: move "
                           f"{'it' if len(kept) == 1 else 'them'} out of {self.folder}")
        if foreign:
            were, them = ("was", "it") if len(foreign) == 1 else ("were", "them")
            reasons.append(f"{describe_files(foreign)} {were} not written by Byline, and the "
                           f"site has a file there: move {them} out of {self.folder}")
        if reasons:
            raise PublishError(f"deploy target '{self.name}': {'; '.join(reasons)}, then "
                               "publish again")

    def _folders_in_the_way(self, uploads: tuple[SiteFile, ...],
                            mine: Set[str]) -> list[tuple[str, list[str]]]:
        """Each real folder where the site now has a file, with what in it Byline did not
        write: replacing the folder (``copy_into``) deletes everything in it."""
        found = []
        for file in uploads:
            path = self.folder / file.key
            try:
                if not stat.S_ISDIR(os.lstat(path).st_mode):  # one call: every upload pays it
                    continue
            except OSError:  # not there (the common case), or not ours to look into
                continue
            inside = file.key + "/"
            kept = foreign_files(path, (k.removeprefix(inside) for k in mine
                                        if k.startswith(inside)))
            if kept:
                found.append((file.key, [inside + name for name in kept]))
        return found

    def _in_the_way(self, entries: list[Blocked]) -> list[str]:
        """What a writer reads about links and files where the site needs folders."""
        reasons = []
        links = [(shown(e.path), shown(os.readlink(self.folder / e.path)))
                 for e in entries if e.why == "link"]
        if len(links) == 1:
            reasons.append(f"{links[0][0]} is a link (to {links[0][1]}); Byline writes only "
                           f"into real folders inside {self.folder}: remove the link (what it "
                           "leads to is not touched)")
        elif links:
            named = describe_files([f"{path} (to {target})" for path, target in links])
            reasons.append(f"{named} are links; Byline writes only into real folders inside "
                           f"{self.folder}: remove them (what they lead to is not touched)")
        files = [shown(e.path) for e in entries if e.why == "file"]
        if files:
            are, them = ("is a file", "it") if len(files) == 1 else ("are files", "them")
            reasons.append(f"{describe_files(files)} {are} Byline did not write, where the site "
                           f"needs a folder: move {them} out of {self.folder}")
        return reasons


def stored_files(folder: Path, site: Mapping[str, SiteFile], memo: Md5Memo | None = None
                 ) -> dict[str, StoredFile]:
    """What the folder holds; files are hashed only when their size matches the site's copy
    (and, with a memo, only when changed since the last publish hashed or wrote them)."""
    stored: dict[str, StoredFile] = {}
    if not folder.is_dir():
        return stored
    root = str(folder)
    cut = len(root) + 1
    for parent, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in NEVER_PUBLISHED]
        # A symlink to a folder is an entry to replace or delete, never a place to descend into.
        links = [name for name in subfolders if os.path.islink(os.path.join(parent, name))]
        prefix = parent[cut:].replace(os.sep, "/") + "/" if parent != root else ""
        for name in (*names, *links):
            if name in NEVER_PUBLISHED:
                continue
            path = os.path.join(parent, name)
            key = prefix + name
            info = os.lstat(path)
            local = site.get(key)
            hashed = (local is not None and local.size == info.st_size
                      and not stat.S_ISLNK(info.st_mode))
            md5 = (memo.md5(path, info) if memo else file_md5(path)) if hashed else None
            stored[key] = StoredFile(key, info.st_size, md5)
    return stored


def _stored_file(folder: Path, key: str, site: Mapping[str, SiteFile]) -> StoredFile | None:
    """The file ``key`` in the folder as ``stored_files`` would find it, or None: not there,
    a folder, or reached through a symlink (never followed)."""
    path = folder / key
    if not _is_plain_folder_inside(folder, key):
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISDIR(info.st_mode):
        return None
    local = site.get(key)
    hashed = local is not None and local.size == info.st_size and not stat.S_ISLNK(info.st_mode)
    return StoredFile(key, info.st_size, file_md5(path) if hashed else None)


def _marker_state(folder: Path) -> tuple[int, int, int]:
    """What tells whether anyone wrote the folder's marker since: its size, time, inode."""
    try:
        info = os.stat(folder / MARKER_NAME)
    except OSError:
        return (-1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def copy_into(folder: Path, file: SiteFile) -> None:
    """Write one site file into the folder through a temporary file and an atomic rename."""
    destination = _clear_path(folder, file.key)
    if destination.is_dir() and not destination.is_symlink():
        # The site now has a file where the old one had a folder, which holds only files
        # Byline wrote (``DirTarget._refuse_replacing`` looked before anything was sent).
        shutil.rmtree(destination)
    handle, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".byline-tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out, file.path.open("rb") as source:
            shutil.copyfileobj(source, out)
        # mkstemp makes the file private; the web server must be able to read it.
        shutil.copymode(file.path, temporary)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def delete_from(folder: Path, key: str) -> None:
    """Delete one file (or symlink) from the folder, then any folders it leaves empty."""
    path = folder / key
    parent = path.parent
    if not _is_plain_folder_inside(folder, key):
        return  # reached through a symlink or gone already: not ours to touch
    if path.is_dir() and not path.is_symlink():
        return  # only files are listed for deletion; a folder here appeared since the scan
    path.unlink(missing_ok=True)
    while parent != folder and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _clear_path(folder: Path, key: str) -> Path:
    """Make every folder on the way to ``key`` a real folder inside ``folder``; return the path."""
    current = folder
    current.mkdir(parents=True, exist_ok=True)
    *parents, name = key.split("/")
    for part in parents:
        current = current / part
        if current.is_symlink():
            # Refused before anything was sent (``_refuse_replacing``): this one came since.
            raise FileExistsError(f"{shown(current)} is a link: Byline writes only into real "
                                  "folders; remove the link (what it leads to is not touched)")
        if current.exists() and not current.is_dir():
            current.unlink()  # a file Byline wrote where the site now has a folder
        current.mkdir(exist_ok=True)
    return current / name


def _is_plain_folder_inside(folder: Path, key: str) -> bool:
    """Whether the folder of the file ``key`` is a real folder inside ``folder``: reached
    through no link or file, the build's own test (``outputdir.plainly_inside``), and there.
    The build counts a folder not there yet as real, since it makes it; a publish only reads
    and deletes through this one, and nothing is there to read or delete."""
    return plainly_inside(str(folder), key, {""}) and (folder / key).parent.is_dir()
