"""Which folders Byline may write into, which files there are its own, and one build at a time.

The rule underneath: Byline writes and deletes only inside folders it owns, and only files it
wrote.  An output folder is Byline's when it is new, empty, carries Byline's marker file, or is
the folder the site's cache remembers building (sites built before the marker existed).  The
marker (``.byline-output``) lists every file Byline wrote there, so even with the cache gone a
build deletes only its own files.  Its first line says whether the folder is *clean*: it is
marked dirty before the first file of a build moves in and clean after the last one, so a
build interrupted at any moment is redone by the next one instead of trusted.  Its second
line names the build that wrote the files (a random token); the cache records that name and
the marker's size, time and inode beside the files' keys (``signature``).  A cache restored
from a backup, or one that lost its last writes, holds another signature than the marker's,
and is not trusted to know what the folder holds.

Folders that hold the writer's own work (the site folder, its sources, the home folder, ``/``)
are refused outright, before anything is read from or written to them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BylineError
from generator.inputfiles import CACHE_DIR_NAME

MARKER_NAME = ".byline-output"
_HEADER = "byline-output 1"
# The line naming the build: it starts with "/", so a Byline from before it takes it for no file.
_TOKEN_LINE = "/build "
# The line naming the site whose files they are (``site_identity``), after the build's.
_SITE_LINE = "/site "
_TOKEN_BYTES = 16
# The site's own folders: an output or publish folder may be none of these, nor inside one.
SOURCE_FOLDERS = ("content", "templates", "themes", "static", ".byline", ".git")
TEMPORARY_SUFFIX = ".byline-tmp"
# The object in which the S3 target records what it uploaded to a bucket (see publish/s3.py).
PUBLISHED_RECORD = ".byline-published"
# Never uploaded, and never deleted from a target: a web root may be a git checkout, and
# Byline's marker and record say what it wrote there.  Nor copied from the site's static/.
NEVER_PUBLISHED = frozenset({".git", MARKER_NAME, PUBLISHED_RECORD})
_SHOWN_NAMES = 5


class FolderRefused(BylineError):
    """A folder Byline must not write into (the site's sources, home, ``/``, someone else's)."""


@dataclass(frozen=True, slots=True)
class Ownership:
    """What Byline's marker in an output folder says: the files it wrote, and if it is whole."""

    files: frozenset[str]
    clean: bool
    token: str = ""  # the build that wrote them ("": a marker from before tokens)
    signature: str = ""  # this one write of the marker (see ``_signature``)
    # The site they are of (see ``site_identity``); "": a marker from before sites were named.
    site: str = ""


def site_identity(url: str, title: str, root: Path) -> str:
    """How a marker, a bucket's record or a publish commit names a site: by its address
    and title (site.yaml's base_url and title) and its folder, as a digest of its path:
    the record may be served with the site, and the path names the writer's machine."""
    return json.dumps([url, title, _FOLDER + _short_digest(str(_absolute(root)))])


_FOLDER = "folder:"


def _identity_parts(identity: str) -> tuple[str, str, str]:
    """The address, title and folder of a ``site_identity`` ("" for each part unknown)."""
    try:
        named = json.loads(identity)
    except ValueError:
        return "", "", ""
    if (isinstance(named, list) and len(named) == 3
            and all(isinstance(part, str) for part in named)):
        return named[0], named[1], named[2]
    return "", "", ""


def same_site(one: str, other: str) -> bool:
    """Whether two identities are of one site: the same address and title (another
    checkout of it, or its folder moved), or the same folder (its address or title
    changed).  Two sites differ in both.  The address every new site starts with
    (``PLACEHOLDER_HOSTS``) is no site's own: two new sites both titled after a folder
    named "news" are two sites, told apart by their folders.  An identity that does not
    read back names no site, and is taken as this one."""
    (url, title, folder), (other_url, other_title, other_folder) = (
        _identity_parts(one), _identity_parts(other))
    if not folder or not other_folder:
        return True
    return _one_site(_named(url, title), _named(other_url, other_title), folder, other_folder)


def _named(url: str, title: str) -> str:
    """What names a site wherever it is checked out: its address and title ("" at an example
    address, which is every new site's, not its own)."""
    return "" if is_placeholder(url) else f"{url}\0{title}"


def _one_site(named: str, other_named: str, folder: str, other_folder: str) -> bool:
    """The rule of ``same_site``, for identities and marks alike."""
    return (bool(named) and named == other_named) or folder == other_folder


# The addresses of examples (RFC 2606), which the starter's site.yaml has until the writer
# sets the site's own.
PLACEHOLDER_HOSTS = frozenset({"example.com", "example.net", "example.org", "www.example.com"})


def is_placeholder(url: str) -> bool:
    """Whether ``url`` is an example address, not a site's own."""
    host = url.partition("://")[2].partition("/")[0].partition(":")[0].lower()
    return host in PLACEHOLDER_HOSTS


def site_mark(identity: str) -> str:
    """A site as a short ASCII mark, for an object's metadata (a header, so no title's
    letters): a digest of its address and title, and one of its folder; "" if unknown."""
    url, title, folder = _identity_parts(identity)
    if not folder:
        return ""
    named = _named(url, title)
    return f"{_short_digest(named) if named else '-'}.{_short_digest(folder)}"


def same_site_mark(one: str, other: str) -> bool:
    """``same_site`` for two ``site_mark``s: one part the same.  A mark that does not read
    back names no site, and is taken as this one."""
    mine, theirs = one.split("."), other.split(".")
    if len(mine) != 2 or len(theirs) != 2:
        return True
    return _one_site(mine[0].strip("-"), theirs[0].strip("-"), mine[1], theirs[1])


def _short_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def site_address(identity: str) -> str:
    """The site as a refusal names it: its address, and its title where the address is not
    enough."""
    url, title, folder = _identity_parts(identity)
    return f"{url} (“{title}”)" if url else folder


def new_token() -> str:
    """A name for the files one commit leaves in an output folder, never given twice."""
    return os.urandom(_TOKEN_BYTES).hex()


def link_to_nothing(folder: Path, what: str) -> str | None:
    """Why ``folder`` cannot be made: it is, or lies inside, a link to a folder that does
    not exist (a drive not mounted), which making it would make on the local disk instead,
    where nobody serves it and the drive, once mounted, hides it; else None."""
    for on_the_way in (folder, *folder.parents):
        if on_the_way.is_symlink() and not on_the_way.exists():
            inside = "" if on_the_way == folder else f" is inside {on_the_way}, which"
            return (f"{what} {folder}{inside} is a link to {os.readlink(on_the_way)}, which "
                    "does not exist (a drive not mounted?): mount it or make that folder, or "
                    "remove the link")
        if on_the_way.exists():
            return None
    return None


def refuse_precious(folder: Path, site_root: Path, what: str, *, in_cache: bool = False
                    ) -> None:
    """Raise FolderRefused when ``folder`` is, contains or lies inside what the writer owns,
    or (unless ``in_cache``: the preview's own folder is there) lies in Byline's cache.

    ``what`` names the setting in the message ("--output", "deploy target 'mirror'").
    """
    if missing := link_to_nothing(Path(os.path.abspath(folder)), what):
        raise FolderRefused(missing)
    folder = _absolute(folder)
    site = _absolute(site_root)
    home = _absolute(Path.home())
    shown = str(folder)
    if folder.exists() and not folder.is_dir():
        raise FolderRefused(f"{what} {shown} is a file, not a folder: name a folder")
    if folder == Path(folder.anchor):
        raise FolderRefused(f"{what} {shown} is the root of the disk: name a folder of its own, "
                            "such as output/")
    if folder == home or home.is_relative_to(folder):
        raise FolderRefused(f"{what} {shown} holds your home folder: name a folder of its own, "
                            "such as output/")
    if folder == site or site.is_relative_to(folder):
        raise FolderRefused(f"{what} {shown} holds the site itself ({site}): Byline would "
                            "overwrite your articles; name a folder of its own, such as output/")
    for name in SOURCE_FOLDERS:
        source = site / name
        if folder == source or folder.is_relative_to(source):
            raise FolderRefused(f"{what} {shown} is inside the site's {name}/ folder, which "
                                "holds your own files: name a folder of its own, such as output/")
    cache = site / CACHE_DIR_NAME
    if not in_cache and (folder == cache or folder.is_relative_to(cache)):
        # Deleting the cache (the way to start afresh) would delete the site built there.
        raise FolderRefused(f"{what} {shown} is in {CACHE_DIR_NAME}/, Byline's cache, which is "
                            "deleted to start afresh: name a folder of its own, such as "
                            "output/")


def _absolute(path: Path) -> Path:
    """The path made absolute and normalised, symlinks resolved as far as they exist."""
    return Path(os.path.realpath(os.path.abspath(path)))


def read_ownership(folder: Path) -> Ownership | None:
    """The marker's record, or None when the folder has no (readable) marker."""
    try:
        with (folder / MARKER_NAME).open("rb") as marker:
            data, info = marker.read(), os.fstat(marker.fileno())
        # Line ends read as a text file reads them (a marker edited on another system).
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError):
        return None
    header, _, rest = text.partition("\n")
    version, _, state = header.rpartition(" ")
    if version != _HEADER or state not in ("clean", "dirty"):
        return None
    lines = rest.split("\n")
    files = frozenset(line for line in lines if line and is_inside(line))
    token = _token(lines[0])
    return Ownership(files, state == "clean", token, _signature(token, info),
                     _site_in(lines[:2]))


def _site_in(lines: Iterable[str]) -> str:
    """The site the first of ``lines`` naming one names (the lines after the marker's
    first: the build's, then the site's)."""
    return next((line[len(_SITE_LINE):] for line in lines if line.startswith(_SITE_LINE)), "")


def _token(line: str) -> str:
    return line[len(_TOKEN_LINE):] if line.startswith(_TOKEN_LINE) else ""


def _signature(token: str, info: os.stat_result) -> str:
    """What tells one write of the marker from every other: the token of the build that made
    it, and the marker's size, time and inode.  The token alone would not do: a Byline from
    before tokens flips the first line in place and leaves a later build's token standing
    over files it replaced.  A marker without a token has none ("", as a cache from before
    signatures holds: those stay trusted as they were)."""
    return f"{token} {info.st_size} {info.st_mtime_ns} {info.st_ino}" if token else ""


def is_inside(path: str) -> bool:
    """Whether a recorded "/"-separated path stays inside its folder (a marker edited by hand
    or a record from an older Byline must never make a build delete outside it)."""
    parts = path.split("/")
    return not path.startswith("/") and ".." not in parts and "" not in parts and "\\" not in path


def write_ownership(folder: Path, files: Iterable[str], *, clean: bool, scratch: Path,
                    token: str = "", site: str = "") -> None:
    """Record the files Byline owns in ``folder`` (atomically: written in ``scratch``, moved),
    the build that wrote them (``token``; "" for none) and the site they are of (``site``,
    see ``site_identity``; "" for none)."""
    named = [_SITE_LINE + site] if site and "\n" not in site else []
    text = "\n".join([_head(clean, token), *named, *sorted(files), ""])
    scratch.mkdir(parents=True, exist_ok=True)
    staged = scratch / f".{MARKER_NAME}.{os.getpid()}{TEMPORARY_SUFFIX}"
    try:
        staged.write_text(text, encoding="utf-8")
        place(staged, folder / MARKER_NAME)
    finally:
        staged.unlink(missing_ok=True)


def _head(clean: bool, token: str) -> str:
    """The marker's first line, and its second when a build is named."""
    state = f"{_HEADER} {'clean' if clean else 'dirty'}"
    return f"{state}\n{_TOKEN_LINE}{token}" if token else state


def marker_state(folder: Path) -> tuple[bool, str]:
    """Whether the folder's marker says its last build finished, and the marker's signature
    (see ``_signature``); reads the first two lines only."""
    try:
        with (folder / MARKER_NAME).open("rb") as marker:
            clean = marker.readline() == f"{_HEADER} clean\n".encode()
            named = marker.readline()
            info = os.fstat(marker.fileno())
    except OSError:
        return False, ""
    try:
        return clean, _signature(_token(named.decode().removesuffix("\n")), info)
    except UnicodeDecodeError:
        return clean, ""


def marker_site(folder: Path) -> str:
    """The site the folder's marker names ("" for none); reads its first lines only."""
    try:
        with (folder / MARKER_NAME).open("rb") as marker:
            head = [marker.readline(), marker.readline(), marker.readline()]
    except OSError:
        return ""
    return _site_in(line.decode("utf-8", "replace").removesuffix("\n") for line in head[1:])


def set_marker_state(folder: Path, *, clean: bool, token: str = "") -> bool:
    """Flip an existing marker between clean and dirty in place, naming the build ``token``;
    False if there is none, or its lines are not of the same lengths.

    "clean" and "dirty" have the same length, and so have all tokens, so this is one small
    write of the first lines, not a rewrite of a list of every file (which a preview save
    cannot afford).  Never through a link: a marker that is a symbolic link, or a hard link
    (a snapshot taken with ``cp -al``), is written whole instead, as a new file of its own.
    """
    head = (_head(clean, token) + "\n").encode()
    try:
        handle = os.open(folder / MARKER_NAME, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        if os.fstat(handle).st_nlink != 1:
            return False
        lines = os.pread(handle, len(head) + 64, 0).split(b"\n")
        if len(lines) < 3 or not lines[0].startswith(f"{_HEADER} ".encode()):
            return False
        named = lines[1].startswith(_TOKEN_LINE.encode())
        if (len(lines[0]) != len(f"{_HEADER} clean") or named != bool(token)
                or (named and len(lines[1]) != len(_TOKEN_LINE) + len(token))):
            return False
        os.pwrite(handle, head, 0)
        return True
    finally:
        os.close(handle)


def place(source: Path, target: Path) -> None:
    """Move ``source`` over ``target`` atomically; across disks, through a temporary beside it."""
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != 18:  # EXDEV: the cache and the output are on different disks
            raise
        temporary = target.with_name(f".{target.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
        try:
            with source.open("rb") as data, temporary.open("wb") as out:
                out.write(data.read())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        source.unlink(missing_ok=True)


def foreign_files(folder: Path, owned: Iterable[str]) -> list[str]:
    """Files in ``folder`` Byline did not write, and links to folders, git repositories and
    empty folders (a walk: only when adopting a folder)."""
    mine = set(owned) | {MARKER_NAME}
    found: list[str] = []
    root = str(folder)
    cut = len(root) + 1
    for here, dirs, files in os.walk(root):
        prefix = here[cut:].replace(os.sep, "/") + "/" if here != root else ""
        # Besides files, what would otherwise go unnamed in a message: a link to a folder
        # (never followed), a git repository (never walked), an empty folder.
        links = {name for name in dirs if os.path.islink(os.path.join(here, name))}
        found.extend(prefix + name + ("/" if name == ".git" else "") for name in dirs
                     if name == ".git" or name in links)
        if here != root and not dirs and not files:
            found.append(prefix)
        dirs[:] = sorted(d for d in dirs if d != ".git" and d not in links)
        found.extend(prefix + name for name in sorted(files)
                     if prefix + name not in mine and not is_temporary(name))
    return sorted(found)


def kept_unpublished(folder: Path, files: list[str]) -> str:
    """What to tell a writer of ``files`` in the output ``folder`` that Byline did not write:
    kept there, and sent by no publish (what goes out is what the site builds)."""
    count = len(files)
    return (f"{folder} held {count} file{'s' if count != 1 else ''} Byline did not write; they "
            "are kept there, and never published (put files to publish in static/): "
            f"{describe_files(files)}")


def describe_files(paths: list[str]) -> str:
    """A short list of file names for a message: the first few and how many more."""
    shown = ", ".join(paths[:_SHOWN_NAMES])
    more = len(paths) - _SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def claim_folder(folder: Path, *, remembered: Iterable[str] | None, force: bool,
                 what: str, site: str = "", take_over: bool = False,
                 recorded: Callable[[str], bool] | None = None,
                 ) -> tuple[Ownership, list[str]]:
    """What Byline owns in ``folder`` before writing there, and the foreign files it keeps.

    Raises FolderRefused for a non-empty folder that is not Byline's, unless ``force``, and
    for one holding another site's files (``site``: this one's ``site_identity``), unless
    ``take_over`` (a flag of its own: ``--force`` also publishes past a check's errors, and
    must not also empty another site's folder).  ``remembered`` is what the site's cache
    recorded writing there before Byline wrote markers (None: nothing, or a marker was
    written there since: its absence then means the folder was made again, and what is in
    it now is someone else's).  ``recorded`` tells the files the cache recorded writing there
    at any time: a folder whose marker was lost (a copy that skips hidden files) is taken
    over as those files alone, the writer's own kept.
    """
    marker = read_ownership(folder)
    if marker is not None:
        if not same_site(marker.site, site) and not take_over:
            raise FolderRefused(another_site(what, str(folder), marker.site, site))
        return marker, []
    if not folder.is_dir() or not any(os.scandir(folder)):
        return Ownership(frozenset(), True), []
    if remembered is not None:  # built by a Byline from before the marker: still ours
        files = frozenset(remembered)
        return Ownership(files, False), []
    foreign = foreign_files(folder, ())
    if take_over:  # this site's, as a Byline from before markers (or nothing known) left it
        taken = frozenset(name for name in foreign
                          if not name.endswith("/") and not (folder / name).is_symlink()
                          and not _kept_on_take_over(name)
                          and (recorded is None or recorded(name)))
        return Ownership(taken, False), [name for name in foreign if name not in taken]
    if not force:
        ours = 0 if recorded is None else sum(map(recorded, foreign))
        if ours:  # the folder made again since, or its marker lost: only the writer can tell
            raise FolderRefused(
                f"{what} {folder} holds files ({describe_files(foreign)}) but no marker "
                f"({MARKER_NAME}, the list of what Byline wrote there): if the folder was made "
                "again since, choose an empty folder, or add --force to write there anyway "
                "(its files are then kept, never deleted); if it lost its marker (a copy or "
                "a cleanup that skips hidden files), add --take-over: the "
                f"{ours} files this site's cache recorded writing there become this site's "
                "again, and the others are kept")
        raise FolderRefused(
            f"{what} {folder} already holds files Byline did not write "
            f"({describe_files(foreign)}): choose an empty folder, or add --force to write "
            "there anyway (those files are then kept, never deleted); if they are this "
            "site as a Byline from before December 2026 made it, add --take-over to make "
            "them this site's (those it does not have are then deleted, but for hidden "
            "files and folders)")
    return Ownership(frozenset(), False), foreign


def adopt_unmarked(folder: Path, files: Iterable[str], *, site: str, scratch: Path) -> None:
    """Give ``folder``, which a Byline from before markers built (``files``: what the site's
    cache recorded writing there), the marker it never got, before that record is replaced
    by a build elsewhere (the preview's, another ``--output``): else the folder would be
    taken for someone else's afterwards.  Marked as interrupted: the next build there makes
    every file again, and deletes those listed it no longer makes."""
    listed = [name for name in files if (folder / name).is_file()]
    if listed and folder.is_dir() and read_ownership(folder) is None:
        write_ownership(folder, listed, clean=False, scratch=scratch, site=site)


def _kept_on_take_over(name: str) -> bool:
    """A file a folder without a marker keeps when taken over: hidden files and folders
    (``.github/``, ``.well-known/``, a host's settings), which no Byline build made, but
    for the ``.nojekyll`` every build writes."""
    return name != ".nojekyll" and any(part.startswith(".") for part in name.split("/"))


def another_site(what: str, where: str, their_site: str, our_site: str) -> str:
    """The refusal of a folder or bucket holding the files of another site (identities,
    see ``site_identity``)."""
    theirs, ours = site_address(their_site), site_address(our_site)
    if theirs == ours:  # two sites at an example address, with one title
        return (f"{what} {where} holds the files of another site, made in another folder, "
                f"at the same example address as this one ({ours}): set base_url in "
                "site.yaml to this site's own address, or, if this is that site moved or "
                "checked out again, add --take-over to make them this site's (those it does "
                "not have are then deleted)")
    return (f"{what} {where} holds the files of the site at {theirs}, not of this one "
            f"({ours}): give each site a folder of its own, or, if this site was at {theirs} "
            "before, add --take-over to make them this site's (those it does not have are "
            "then deleted)")


class Busy(BylineError):
    """Another Byline process holds the lock."""


@contextlib.contextmanager
def hold_lock(
    path: Path, *, wait: float, busy: str, waiting: Callable[[str], None] | None = None,
    purpose: str = "", endless: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if missing), waiting up to ``wait`` s.

    ``busy`` is the message when another process keeps it; "{pid}" in it is replaced with
    the holder's process id.  ``waiting`` is told that id once, when the lock is not free at
    first.  ``purpose`` is written beside this process's id for the next one to read; a
    holder whose purpose is a key of ``endless`` holds the lock until someone stops it, so
    nobody waits for it: its message there is raised at once.  The lock goes with the
    process, however it ends.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; builds are not serialised
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except IsADirectoryError:
        raise BylineError(f"cannot use {path}: a folder is where Byline keeps its lock file; "
                          "move the folder away and build again") from None
    except OSError as error:
        raise BylineError(f"cannot use {path.parent} ({error.strerror or error}): it must be "
                          "a folder Byline can write in; move away what is there") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, holding = _holder(handle)
            if endless and holding in endless:
                raise Busy(endless[holding].replace("{pid}", pid or "unknown")) from None
            if waiting is not None and wait > 0:
                waiting(pid)
            try:
                _wait_for(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB), wait, busy)
            except Busy:  # named by the holder at the end, which may not be the first one
                raise Busy(busy.replace("{pid}", _holder(handle)[0] or "unknown")) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()} {purpose}".strip().encode("ascii", "replace"), 0)
        yield
    finally:
        os.close(handle)  # releases the lock


def _holder(handle: int) -> tuple[str, str]:
    """The process id and the purpose the lock's holder wrote (see ``hold_lock``)."""
    pid, _, purpose = os.pread(handle, 64, 0).decode("ascii", "replace").strip().partition(" ")
    return pid, purpose


@contextlib.contextmanager
def lock_folder(folder: Path, *, wait: float, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself (made if missing) while writing into it.

    A folder this made and left empty (the build failed) is removed again.
    """
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here; builds are not serialised
            yield
            return
        handle = os.open(folder, os.O_RDONLY)
        try:
            _wait_for(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB), wait, busy)
            yield
        finally:
            os.close(handle)
    finally:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds while it is still empty


def _wait_for(acquire: Callable[[], object], wait: float, busy: str) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            acquire()
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Busy(busy) from None
            time.sleep(0.05)


def sweep_temporaries(folder: Path) -> None:
    """Remove what an interrupted build may have left in ``folder``: only Byline's own
    temporary files (``.NAME.PID.byline-tmp``), never anything else."""
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            if is_temporary(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(here, name))


def is_temporary(name: str) -> bool:
    """Whether a file name is one of Byline's temporary names."""
    return name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)


def name_kept_for_byline(name: str) -> str | None:
    """What Byline keeps under a file's ``name`` in an output folder or a publish target (so
    a file of the site's so named would never reach readers), or None if nothing."""
    if name == MARKER_NAME:
        return f"its list of the files it wrote in the output folder ({MARKER_NAME})"
    if name == PUBLISHED_RECORD:
        return f"its record of what it uploaded to a bucket ({PUBLISHED_RECORD})"
    if is_temporary(name):
        return f"its temporary files (ending in {TEMPORARY_SUFFIX})"
    return None
