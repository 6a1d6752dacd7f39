"""Reading the writer's files: regular files only, and every refusal said in a writer's words.

A named pipe called ``x.md`` blocks ``open`` forever, a folder called ``site.yaml`` raises
deep inside a stage, a file the user may not read raises PermissionError, a symbolic link may
point at itself or outside the site.  Every input file goes through ``read_input``, which
opens without blocking, looks at what it opened, and says what is wrong and how to fix it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from pathlib import Path


def change_stamp(info: os.stat_result) -> int:
    """What tells that an input file may have changed since it was read, with its size: its
    modification time and the time its entry last changed, folded into one number.  The
    first alone misses an edit whose tool puts the old time back (``cp -p``, ``rsync -t``,
    ``touch -d``, unzip); nothing but a change can set the second.  (On Windows that one is
    the creation time, and the modification time does the work.)"""
    return hash((info.st_mtime_ns, info.st_ctime_ns))


# A file modified this recently may be modified again within the same tick of its file
# system's clock (the "racy git" problem): a whole second on ext2, ext3 and HFS+, two on
# FAT, and a same-size edit in that tick leaves its size and change stamp as they were.
RACY_SECONDS = 2.0
_RACY_NS = int(RACY_SECONDS * 1_000_000_000)


# The change stamp kept for a file whose stamp proves nothing yet (see ``settled``): never a
# file's own, since ``hash`` never gives -1.
UNSETTLED = -1


def settled(info: os.stat_result, now_ns: int) -> bool:
    """Whether the file's size and times, read at ``now_ns``, may be kept as proof of its
    bytes for a later read: neither time changed within ``RACY_SECONDS``.  Within that, a
    same-size edit on a file system with a coarse clock leaves both as they were, and a copy
    that puts the old modification time back (``cp -p``, ``rsync -a``, unzip) leaves the
    change time as its only sign.  What is kept instead is ``UNSETTLED``: read again."""
    recent = now_ns - _RACY_NS
    return info.st_mtime_ns < recent and info.st_ctime_ns < recent


def kept_stamp(info: os.stat_result, now_ns: int) -> int:
    """The ``change_stamp`` to keep for a file read at ``now_ns``: its own once ``settled``."""
    return change_stamp(info) if settled(info, now_ns) else UNSETTLED


def racy(info: os.stat_result, now_ns: int) -> bool:
    """Whether the file's size and ``change_stamp``, read at ``now_ns``, may not change
    with its next edit: it changed within ``RACY_SECONDS`` on a file system that keeps
    coarse times (whole hundredths of a second or coarser).  Where times are kept to the
    nanosecond (ext4, XFS, btrfs, APFS, NTFS), every change moves them."""
    # Asked of every source at every up-to-date check: no generator, and the cheap test
    # that almost every file fails (changed in the last two seconds) first.
    recent = now_ns - _RACY_NS
    changed, entry = info.st_mtime_ns, info.st_ctime_ns
    return ((changed >= recent and changed % 10_000_000 == 0)
            or (entry >= recent and entry % 10_000_000 == 0))


# The site's settings file, the one input outside its folders (see config.py).
CONFIG_NAME = "site.yaml"
# The addresses each article was published at, kept in the site for version control (see
# published.py): an input, since a build writes a redirect from each old one.
MANIFEST_PATH = Path(".byline", "published.json")
# Folders of a site whose files are inputs of a build: what the up-to-date check signs and
# the preview watches.
INPUT_FOLDERS = ("content", "templates", "themes", "static", MANIFEST_PATH.parts[0])
# The folder in the site where Byline keeps its cache (see cache.py): never an input, and
# never where a site is built for readers (see ownership.py).
CACHE_DIR_NAME = ".byline-cache"

_NOT_REGULAR = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFLNK: "a symbolic link",
}
# O_NONBLOCK: opening a named pipe for reading waits for a writer; with it, open returns at
# once and fstat says what it is.  It changes nothing for regular files.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class UnreadableFile(OSError):
    """An input file Byline will not or cannot read; ``str()`` is the writer's message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in plain words ("a named pipe")."""
    return _NOT_REGULAR.get(stat.S_IFMT(mode), "not an ordinary file")


def not_regular(mode: int, wanted: str) -> str:
    """The message for a name that is something other than a regular file."""
    return f"not a regular file ({kind_of(mode)}): remove it or replace it with {wanted}"


def _windows_punctuation() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:  # five codes Windows-1252 leaves empty
            table[code] = ""
    return table


# U+0080 to U+009F are control characters HTML forbids; in a writer's text they are Windows
# punctuation read as Latin-1 somewhere on the way (an old archive, an email): U+0092 where
# ’ was, U+0085 for …  Each becomes what it stood for, as a browser reads &#x92;.
_WINDOWS_PUNCTUATION = _windows_punctuation()
_C1 = re.compile("[\x80-\x9f]")


def as_written(text: str) -> str:
    """A source file's decoded text with Windows punctuation put back (see above)."""
    return text.translate(_WINDOWS_PUNCTUATION) if _C1.search(text) else text


# What git (and Mercurial, and most merge tools) leave where two people changed the same
# lines: the one version, a line of =, the other.  All three, in order, so that a Markdown
# heading underlined with ======= or a quote nested seven deep is not taken for one.
_MERGE_CONFLICT = re.compile(
    r"^<{7}(?:[ \t].*)?\n(?:.*\n)*?={7}[ \t]*\n(?:.*\n)*?>{7}(?:[ \t].*)?$", re.MULTILINE)
MERGE_CONFLICT = ("a merge conflict is left here: keep one of the two versions between "
                  "<<<<<<< and >>>>>>>, and delete the other and the three marker lines")


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def merge_conflict_line(text: str, first_line: int = 1, *, markdown: bool = False
                        ) -> int | None:
    """The line of the first merge conflict left in ``text`` (its <<<<<<< line), if any;
    ``first_line`` is where ``text`` starts in its file.  In ``markdown``, lines in fenced
    code blocks are not looked at: a story about git may show the markers as an example."""
    if "<<<<<<<" not in text:  # almost every file: no regular expression run
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if markdown:
        fence = ""
        for n, line in enumerate(lines):
            opening = _FENCE.match(line)
            if fence:
                if opening and opening.group(1).startswith(fence) and not line[
                        opening.end():].strip():
                    fence = ""
                lines[n] = ""
            elif opening:
                fence, lines[n] = opening.group(1), ""
    plain = "\n".join(lines)
    found = _MERGE_CONFLICT.search(plain)
    return None if found is None else plain.count("\n", 0, found.start()) + first_line


def line_not_utf8(data: bytes, error: UnicodeDecodeError) -> int:
    """The line (1-based) of the first bytes of ``data`` that are not UTF-8, for the message
    about a file that is not UTF-8 text."""
    return data[:error.start].count(b"\n") + 1


def followed(path: Path) -> Path | None:
    """``path`` absolute, with every symbolic link in it followed; None when links lead back
    to themselves (a loop), which no file is behind."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # RuntimeError before Python 3.13, OSError (ELOOP) after
        return None


def is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (after links); False for a name the system refuses
    (too long), where ``Path.is_file`` raises."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def written_otherwise(path: Path) -> tuple[Path | None, str]:
    """For a name with no file behind it: the file meant, when ``path``'s folder holds the
    name in another Unicode form (a Mac stores "é" as "e" and an accent, a writer types it
    whole: the same name to anyone reading it); else None, and a hint naming a file whose
    name differs only in capitals ("" when there is none)."""
    wanted = unicodedata.normalize("NFC", path.name)
    try:
        names = os.listdir(path.parent)
    except (OSError, ValueError):
        return None, ""
    hint = ""
    for name in sorted(names):
        written = unicodedata.normalize("NFC", name)
        if written == wanted and is_regular(path.parent / name):
            return path.parent / name, ""
        if not hint and written.casefold() == wanted.casefold():
            hint = f": the folder has {name}, which differs in capitals; write it as it is"
    return None, hint


def not_there(path: Path, src: str, wanted: str) -> str:
    """Why nothing usable is at ``path`` (the file ``src`` names), with the fix: something
    other than a file, named for what it is ("a folder"), or a name the system refuses;
    "" when there is simply nothing there."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return ""
    except OSError as error:
        return f"{src} {open_problem(error, path)}"
    if stat.S_ISREG(mode):
        return ""
    return f"{src} is {kind_of(mode)}, not {wanted}: name the file itself"


def _open_regular(path: str | os.PathLike[str], wanted: str) -> int:
    """A descriptor of the regular file at ``path``; UnreadableFile saying why not."""
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise UnreadableFile(open_problem(error, path)) from None
    try:
        mode = os.fstat(handle).st_mode
    except OSError as error:
        os.close(handle)
        raise UnreadableFile(open_problem(error, path)) from None
    if not stat.S_ISREG(mode):
        os.close(handle)
        raise UnreadableFile(not_regular(mode, wanted))
    return handle


def read_input(path: str | os.PathLike[str], wanted: str) -> bytes:
    """The bytes of the regular file at ``path``; UnreadableFile saying why not.

    ``wanted`` names what belongs there ("a Markdown file"), for the message's fix.
    """
    handle = _open_regular(path, wanted)
    try:
        with open(handle, "rb", closefd=False) as file:
            return file.read()
    except OSError as error:
        raise UnreadableFile(open_problem(error, path)) from None
    finally:
        os.close(handle)


def cannot_read(path: str | os.PathLike[str], wanted: str) -> str | None:
    """Why the file at ``path`` could not be read (``read_input``'s message), or None; for a
    file copied later, so that a named pipe or a file its user may not read is said with the
    other problems instead of failing the copy."""
    try:
        os.close(_open_regular(path, wanted))
    except UnreadableFile as refused:
        return str(refused)
    return None


def open_problem(error: OSError, path: str | os.PathLike[str], *, folder: bool = False) -> str:
    """Why ``path`` could not be opened or read, and what to do about it."""
    code = error.errno
    if code in (errno.EACCES, errno.EPERM):
        if folder:
            return ("cannot be read (permission denied): make the folder readable, e.g. "
                    "`chmod u+rx` it")
        return "cannot be read (permission denied): make it readable, e.g. `chmod u+r` it"
    if code == errno.ELOOP:
        return ("is a symbolic link that leads back to itself (a loop): remove the link or "
                "point it at a real file")
    if code == errno.ENOENT:
        if os.path.islink(path):
            return (f"is a symbolic link to {shown(os.readlink(path))}, which does not exist: "
                    "remove the link or point it at a file")
        return "disappeared while Byline was reading it: build again"
    if code == errno.EISDIR:
        return "is a folder, not a file"
    if code == errno.ENAMETOOLONG:
        return "has a name too long for this system: rename it"
    reason = (error.strerror or str(error)).rstrip(".").lower()
    return f"cannot be read ({reason})"


def points_outside(path: str, root: str) -> str | None:
    """Where the symbolic link at ``path`` leads when that is outside ``root``, else None.

    ``root`` must already be a resolved path.  Links that lead nowhere, or in a loop, are
    not "outside": reading them reports that.
    """
    try:
        target = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        return None
    if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return target


def outside_message(target: str) -> str:
    """The refusal of a link that leads out of the site folder."""
    return (f"is a link to {shown(target)}, outside the site folder: Byline reads only files "
            "inside the site; move or copy it in instead")


def leaves_site(what: str, src: str, written: Path, target: Path, site_root: Path) -> str:
    """The refusal of a file a story names (``what``: "image", "video") that is outside the
    site folder: through a link (``written``, the path as given, is inside; ``target`` is
    where it leads), or by a path that climbs out."""
    given = Path(os.path.normpath(written))
    if given.is_relative_to(site_root) or given.is_relative_to(site_root.resolve()):
        return f"{what} {src} {outside_message(str(target))}"
    return (f"{what} path {src} leaves the site folder: Byline publishes only what is inside "
            f"the site; copy the {what} into the story's folder and write its name instead")


def shown(text: str | os.PathLike[str]) -> str:
    """A file name fit for a one-line message.

    Bytes that are not UTF-8 (kept by Python as lone surrogates) become ``\\xNN`` and control
    characters (a newline in a name) become escapes, so the message stays one printable line.
    """
    text = os.fspath(text)
    if text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system decoding made
        raw = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in raw)


def is_encodable(name: str) -> bool:
    """Whether a file name decoded from the file system is valid UTF-8 (no lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
