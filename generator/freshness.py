"""Whether the output folder is still what a build would write, so a rebuild can stop early.

Like ``make``: a build remembers a key over every input file's signature (path, size,
modification time), the settings, the theme and its options.  When the next build finds the
same key, every output it wrote still present, and no clock-dependent output expired (a
scheduled article falling due, a story ageing out of the two-day news sitemap), there is
nothing to do.  Anything else goes through the whole pipeline, whose caches are keyed by
content hashes.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cache import BuildCache, digest_bytes, digest_text
from generator.content.version import CHECKS_VERSION
from generator.errors import Problem, problem_data, problem_from
from generator.inputfiles import (
    CONFIG_NAME,
    INPUT_FOLDERS,
    UnreadableFile,
    change_stamp,
    racy,
    read_input,
)
from generator.markup import MARKUP_VERSION
from generator.outputdir import all_as_left, all_present
from generator.plaindata import datetime_data, datetime_from, integer, items, maybe, text
from generator.theme import builtin_themes_dir
from generator.version import code_digest

if TYPE_CHECKING:  # the up-to-date check reads stamps without loading the model
    from generator.model import Content

@dataclass(frozen=True)
class BuildStamp:
    """What the last successful build of an output folder was made from, and its summary."""

    key: str
    valid_until: datetime | None
    articles: int
    pages: int
    images: int
    warnings: tuple[Problem, ...]
    next_scheduled: datetime | None
    # The signature of the Pagefind that made the search index ("" when none was installed),
    # or "off" when the build made no index.  The key settles whether site.yaml asks for
    # one; which Pagefind is installed lies outside the site.
    search: str = "off"

    def current(self, key: str, now: datetime, search: Callable[[], str]) -> bool:
        """Whether a build with this input key, now, would write exactly the same files
        (``search`` gives the signature of the Pagefind installed now)."""
        return (key == self.key and (self.valid_until is None or now < self.valid_until)
                and (self.search == "off" or self.search == search()))


def stamp_data(stamp: BuildStamp) -> tuple[list[Any], bytes]:
    """A stamp as plain data, for the cache."""
    return [
        stamp.key, maybe(datetime_data, stamp.valid_until), stamp.articles, stamp.pages,
        stamp.images, [problem_data(p) for p in stamp.warnings],
        maybe(datetime_data, stamp.next_scheduled), stamp.search,
    ], b""


def stamp_from(data: object, _raw: bytes) -> BuildStamp:
    """The stamp ``stamp_data`` wrote."""
    key, until, articles, pages, images, warnings, scheduled, search = items(data)
    return BuildStamp(
        text(key), maybe(datetime_from, until), integer(articles), integer(pages),
        integer(images), tuple(problem_from(p) for p in items(warnings)),
        maybe(datetime_from, scheduled), text(search),
    )


def inputs_key(site: Path, settings: Iterable[str], also: Iterable[Path] = ()) -> str:
    """A hash of the signature of every input file under the site (and under the folders
    ``also``, such as the built-in theme), plus ``settings``.

    A file whose signature may survive its next edit (``inputfiles.racy``: changed a moment
    ago on a file system keeping whole seconds) makes a key no later call computes: the
    next build cannot prove the output current and goes through the pipeline, which reads
    the file again (see ``BuildCache.remember_files``)."""
    parts = list(settings)
    now_ns = time.time_ns()
    followed: set[str] = set()
    root = os.path.realpath(site) + os.sep
    for folder in INPUT_FOLDERS:
        _signatures(os.path.join(site, folder), folder, root, followed, parts, now_ns)
    for place, extra in enumerate(also):
        # Named by their place, not their path: reinstalling Byline elsewhere changes no page.
        _signatures(str(extra), f"<{place}>", os.path.realpath(extra) + os.sep, followed,
                    parts, now_ns)
    parts.sort()
    try:
        return digest_text(*parts)
    except UnicodeEncodeError:  # a file name that is not UTF-8 (the build reports it)
        return digest_text(*(p.encode("utf-8", "surrogateescape").decode("latin-1")
                             for p in parts))


def _signatures(top: str, shown: str, root: str, followed: set[str], parts: list[str],
                now_ns: int) -> None:
    """Add one part for each folder at or under ``top`` (named from ``shown`` on): its name,
    then "name:size:mtime" for each file in it and "name->target" for each link to a folder,
    sorted (the order the file system lists names in must not change the key).

    Links to folders are followed, as content discovery follows them, each target once (so a
    loop ends) and never out of ``root``.  This stats every source of the site on every
    `byline build`: where it can, it lists a folder through a descriptor and stats each name
    relative to it (one path component for the kernel to look up, not the whole path).
    """
    if not os.path.isdir(top):
        return  # a site without templates/, say
    folders = [(top, shown)]
    while folders:
        here, name = folders.pop()
        try:
            listed: int | str = os.open(here, os.O_RDONLY) if _BY_DESCRIPTOR else here
        except OSError:  # a folder that cannot be read: the build reports it
            parts.append(f"{name}:unreadable")
            continue
        signed: list[str] = []
        try:
            with os.scandir(listed) as entries:
                for entry in entries:
                    try:
                        is_folder = entry.is_dir()
                    except OSError:
                        is_folder = False
                    if not is_folder:
                        try:
                            st = entry.stat()
                        except OSError:  # a link to nothing or a loop: the build reports it
                            signed.append(f"{entry.name}:unreadable")
                        else:
                            stamp = (f"racy {now_ns} {os.getpid()}" if racy(st, now_ns)
                                     else change_stamp(st))
                            signed.append(f"{entry.name}:{st.st_size}:{stamp}")
                        continue
                    location = os.path.join(here, entry.name)
                    if entry.is_symlink():
                        target = os.path.realpath(location)
                        signed.append(f"{entry.name}->{target}")
                        if not target.startswith(root) or target in followed:
                            continue
                        followed.add(target)
                    folders.append((location, name + os.sep + entry.name))
        except OSError:
            signed.append(":unreadable")
        finally:
            if isinstance(listed, int):
                os.close(listed)
        signed.sort()
        parts.append(name + "\0" + "\0".join(signed))  # no name holds a NUL


# Listing a folder through a descriptor (POSIX) makes each stat a lookup of one name.
_BY_DESCRIPTOR = os.scandir in os.supports_fd


def valid_until(
    content: Content, now: datetime, news_window: timedelta, future_included: bool
) -> datetime | None:
    """When the output of this content stops being current although no file changed."""
    from generator.dates import instant, later  # only after a build: the check parses none

    ends = [later(a.date, news_window) for a in content.articles]
    # A live blog's badge changes when its coverage starts and when it ends.
    ends += [m for a in content.articles if a.live is not None for m in a.live.turns]
    moments = [end for end in ends if end > now]
    if content.next_scheduled and not future_included:
        moments.append(content.next_scheduled)
    return min(moments, key=instant, default=None)


def build_inputs_key(site: Path, choices: Iterable[str]) -> str:
    """The key of everything a build makes its output from: Byline's code and versions, the
    bytes of site.yaml, how it builds (``choices``: drafts, future, preview, search) and the
    signature of every input file (see ``inputs_key``); "" when site.yaml cannot be read
    (loading it then says why)."""
    try:
        config = read_input(site / CONFIG_NAME, "a YAML file of settings")
    except UnreadableFile:
        return ""
    settings = (code_digest(), MARKUP_VERSION, CHECKS_VERSION, digest_bytes(config), *choices)
    return inputs_key(site, settings, also=[builtin_themes_dir()])


def key_and_presence(
    site: Path, choices: tuple[str, ...], cache: BuildCache, output_dir: Path, marker: str,
    expected: str,
) -> tuple[str, bool]:
    """The key of the inputs (``build_inputs_key``), and whether every output the last build
    wrote is still there and the cache knows them (``marker``: the signature of the output
    folder's marker) (looked for only when the key is ``expected``).

    Each is a system call per file, most of the check's time (a quarter of a million calls at
    100,000 stories), so where forking is safe a child process computes the key while this one
    looks for the outputs: with a second core free, the check takes about half as long.
    """
    threads = sys.modules.get("threading")
    # Only on Linux (elsewhere system libraries may not survive a fork) and with no other
    # thread (one could hold a lock the child would then wait on forever).
    if (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1
            and (threads is None or threads.active_count() == 1)):
        from generator.lifeline import die_with_parent

        reader, writer = os.pipe()
        parent = os.getpid()
        try:
            child = os.fork()
        except OSError:  # refused (no memory, a process limit): as without a second core
            child = -1
        if child == 0:  # the child: the key through the pipe, then gone, running none of
            try:        # this process's exit handlers and flushing none of its output
                die_with_parent(parent)  # a build killed with kill -9 leaves no child
                os.write(writer, b"key:" + build_inputs_key(site, choices).encode())
            finally:
                os._exit(0)
        os.close(writer)
        try:
            present = child > 0 and outputs_present(cache, output_dir, marker)
            said = b""
            while chunk := os.read(reader, 4096):
                said += chunk
        finally:
            os.close(reader)
            if child > 0:
                os.waitpid(child, 0)
        if said.startswith(b"key:"):
            return said[4:].decode(), present
    key = build_inputs_key(site, choices)  # no child, or it failed: one after the other
    return key, key == expected and outputs_present(cache, output_dir, marker)


def installed_search() -> str:
    """The signature of the Pagefind installed now, for ``BuildStamp.current``."""
    from generator.search_stage import find_indexer, indexer_signature

    return indexer_signature(find_indexer())


def outputs_present(cache: BuildCache, output_dir: Path, marker: str) -> bool:
    """Whether every file the last build recorded writing there (its pages and its search
    index) is still there as it left them, recorded beside the signature of the folder's
    marker (``marker``)."""
    known = cache.output_paths(output_dir)
    return (known is not None and cache.outputs_settled(marker)
            and outputs_intact(cache, output_dir, known))


def outputs_intact(cache: BuildCache, output_dir: Path, outputs: Iterable[str]) -> bool:
    """Whether ``outputs`` and the search index's files (but its fragments) are all there,
    each as Byline left it (saved over, emptied, replaced: see ``outputdir.Stamp``)."""
    from generator.search_stage import index_files

    wanted = [*outputs, *index_files(output_dir, cache)]
    stamps = cache.output_stamps(output_dir)
    if stamps is None:  # a cache from before stamps: whether they exist
        return all_present(output_dir, wanted)
    return stamps.readable and all_as_left(output_dir, wanted, stamps.names, stamps.sizes,
                                           stamps.times)
