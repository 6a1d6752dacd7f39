"""Stage 6: the site's search index, made by Pagefind from the committed output folder.

Pagefind (``pip install 'byline[search]'``) reads built pages and writes a static index that
the theme's search page queries in the browser, with no server.  It is given only the pages
to index (published stories and static pages), and indexes what the templates mark with
``data-pagefind-body``, weighting headlines and deks above body text as the templates say.

Shards: Pagefind has no incremental mode and holds a whole index in memory (2.6 GB and half a
minute of CPU for 10,000 stories here), so pages are spread by a hash of their path over
shards of about ``SHARD_SIZE`` pages, each a Pagefind bundle of its own under
``output/pagefind/<n>/``; the search page merges them (``mergeIndex``), listed in
``output/pagefind/shards.json``.  A shard is made again only when a page in it changed: an
edited story re-indexes one shard, and memory stays that of one shard.  Pages that change
every few minutes (a live blog whose coverage is open) are kept apart in one more, small
shard after the others, so that an update re-indexes a handful of pages (hundredths of a
second) rather than a shard of hundreds (seconds); when coverage ends, the page goes back to
the shard its path hashes to.  Either way every page is in exactly one shard.

Ownership: Pagefind reads hard links to the pages in a scratch folder of the cache and writes
its bundle there, never into the output; the files are then moved into ``output/pagefind/``
by the same commit as every other output, so the folder's marker lists them as Byline's and
a later build may replace or delete them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import BuildCache, digest_bytes, digest_text
from generator.inputfiles import shown
from generator.outputdir import blocked_paths, commit, present_files
from generator.ownership import Ownership, read_ownership
from generator.plaindata import items, text

SEARCH_FOLDER = "pagefind"
MANIFEST = f"{SEARCH_FOLDER}/shards.json"
SHARD_SIZE = 1000
HOW_TO_GET_SEARCH = ("site search is off: Pagefind is not installed. `pip install "
                     "'byline[search]'` (or set `search: false` in site.yaml to silence this)")
_RECORD = "search:"
# What a shard's bundle cannot be read without (``index_files``).
_FRAGMENTS = "fragment/"
# Pagefind names these files after a hash of their bytes: one already in place is the same.
_HASHED_FOLDERS = ("fragment/", "index/")
# Pagefind's ready-made interfaces: the theme has its own search page, so they are not kept.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
           "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-highlight.js")
_TIMEOUT_SECONDS = 1800.0


@dataclass(frozen=True, slots=True)
class Shard:
    """One Pagefind bundle of the index: what it was made from, and its files."""

    key: str
    files: tuple[str, ...]  # output paths, under SEARCH_FOLDER/<n>/


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The index a build left in an output folder, shard by shard."""

    shards: tuple[Shard, ...]


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What the search stage did, for the build's summary."""

    indexed: bool = False  # some shard was made again in this build
    pages: int = 0  # pages in the index
    shards: int = 0  # shards made again
    seconds: float = 0.0
    message: str | None = None  # said once, when search could not be made
    # Each file of the index and a key of its content (None: not known), for a publish to
    # tell what changed without reading them (see publish/directory.py).
    files: Mapping[str, str] | None = None


def find_indexer() -> Path | None:
    """The Pagefind program: the extended one ``pagefind[extended]`` ships (it cuts Chinese
    and Japanese text into words, which have no spaces between them: without it a search
    for 東京ドーム finds nothing), else the one ``pagefind[bin]`` ships, or one on the PATH."""
    # Looked for beside the package as its get_executable() does, without importing it:
    # the import loads logging and platform, a tenth of an up-to-date `byline build`.
    suffix = ".exe" if os.name == "nt" else ""
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for name in ("pagefind_extended", "pagefind"):
                program = Path(folder) / (name + suffix)
                if program.is_file():
                    return program
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


def indexer_signature(indexer: Path | None) -> str:
    """What identifies the installed Pagefind (a new version re-indexes), "" if none."""
    if indexer is None:
        return ""
    try:
        stat = indexer.stat()
    except OSError:
        return ""
    return f"{indexer}:{stat.st_size}:{stat.st_mtime_ns}"


def is_search_file(path: str) -> bool:
    """Whether ``path``, in an output folder, is a file of the search index."""
    return path.startswith(SEARCH_FOLDER + "/")


def search_files(owned: set[str] | frozenset[str]) -> set[str]:
    """The files of a search index among the files Byline owns in an output folder."""
    return set(filter(is_search_file, owned))


def shard_count(pages: int) -> int:
    """How many shards ``pages`` pages are spread over: a power of two, so that a growing
    site re-shards (and re-indexes everything) only when it doubles."""
    count = 1
    while count * SHARD_SIZE < pages:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    """The shard a page belongs to: by a hash of its path, so it stays there."""
    digest = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def shard_groups(pages: Set[str], changing: Set[str]) -> list[list[str]]:
    """The pages of each shard, in order: the shards pages are hashed to, then one of the
    pages in ``changing`` (empty when there are none)."""
    count = shard_count(len(pages))
    groups: list[list[str]] = [[] for _ in range(count + 1)]
    for path in sorted(pages):
        groups[count if path in changing else shard_of(path, count)].append(path)
    return groups


def update_search(
    output_dir: Path, cache: BuildCache, indexer: Path, pages: Mapping[str, str],
    outputs: Mapping[str, str], base_path: str, changing: Set[str] = frozenset(),
    altered: Set[str] = frozenset(),
) -> SearchOutcome:
    """Make again the shards of ``output_dir``'s index in which a page changed.

    ``pages`` maps each page to index (an output path) to a key of what the index shows of
    it; ``outputs`` is every output of the build (a page where the index goes turns search
    off); ``base_path`` is the site's, for the shard list the search page reads;
    ``changing`` are the pages likely to change again soon, indexed in a shard of their own;
    ``altered``, files of the index changed since the build that wrote them (made again).
    """
    clash = sorted(p for p in outputs if p.startswith(SEARCH_FOLDER + "/"))
    if clash:
        return SearchOutcome(message=f"site search is off: /{clash[0]} is where the search "
                             f"index goes; rename that page")
    groups = shard_groups(pages.keys(), changing)
    count = len(groups)
    signature = indexer_signature(indexer)
    # Keyed on the number of hashed shards, as before the shard of changing pages existed:
    # a site's first build with it re-indexes only the pages that move into it.
    keys = [digest_text(signature, str(count - 1), *(f"{p}={pages[p]}" for p in group))
            for group in groups]
    previous = cache.stamp(output_dir, _record_from, kind=_RECORD)
    kept = previous.shards if previous else ()
    if len(kept) == count - 1:
        kept = (*kept, Shard("", ()))
    if len(kept) != count:
        kept = ()
    stale = [n for n in range(count)
             if not kept or kept[n].key != keys[n]
             or len(present_files(output_dir, kept[n].files)) != len(kept[n].files)
             or not altered.isdisjoint(kept[n].files)]
    manifest = _manifest(groups, base_path)
    if not stale and _holds(output_dir / MANIFEST, manifest):
        return SearchOutcome(pages=len(pages), files=_versions(kept, manifest))
    started = time.perf_counter()
    # Here, not at the top: an up-to-date `byline build` imports this module, never this.
    from generator.lifeline import remove_abandoned

    remove_abandoned(cache.folder, "search")  # of builds killed while indexing
    scratch = cache.folder / f"search-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        shards = list(kept) or [Shard("", ()) for _ in range(count)]
        made: list[str] = []
        for number in stale:
            bundle = scratch / SEARCH_FOLDER / str(number)
            if groups[number]:
                folder = gather_pages(output_dir, groups[number], scratch / f"pages-{number}")
                problem = _run_indexer(indexer, folder, bundle)
                shutil.rmtree(folder, ignore_errors=True)  # done with: not held to the end
                if problem:
                    _drop_index(output_dir, cache, scratch)
                    return SearchOutcome(message=f"site search is off until the next build: "
                                                 f"{problem}")
                _drop_unused(bundle)
            files = [f"{SEARCH_FOLDER}/{number}/{name}" for name in _files_under(bundle)]
            shards[number] = Shard(keys[number], tuple(files))
            made += files
        (scratch / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        (scratch / MANIFEST).write_bytes(manifest)
        in_way = _in_the_way(output_dir, [*made, MANIFEST])
        if in_way:
            _drop_index(output_dir, cache, scratch)
            return SearchOutcome(message=in_way)
        # Forgotten until the new files are in: a build killed in between would leave the
        # next one finding the old index whole and keeping it, beside (or in the marker's
        # list, without) the files of the new one; with no record it makes every shard again.
        forget_search(output_dir, cache)
        cache.remember_marker(_place(output_dir, cache, scratch, made,
                                     {f for s in shards for f in s.files}, altered))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    cache.set_stamp(output_dir, SearchIndex(tuple(shards)), _record_data, kind=_RECORD)
    return SearchOutcome(indexed=True, pages=len(pages),
                         shards=sum(1 for n in stale if groups[n]),
                         seconds=time.perf_counter() - started,
                         files=_versions(shards, manifest))


def _versions(shards: Sequence[Shard], manifest: bytes) -> dict[str, str]:
    """Each file of the index and a key of its content: its shard's key and file names (a
    shard's files are made together; Pagefind names most after a hash of their bytes, and
    its entry file lists those names) and, for the shard list, its bytes."""
    versions: dict[str, str] = {}
    for shard in shards:
        made = digest_text(shard.key, *shard.files)
        versions.update((path, made) for path in shard.files)
    versions[MANIFEST] = digest_bytes(manifest)
    return versions


def index_files(output_dir: Path, cache: BuildCache) -> list[str]:
    """The files of the index the last build made there but its fragments ([] for none):
    the shard list, and each shard's entry, scripts, metadata and word index, for the
    up-to-date check to look for as it looks for the pages.  (Not the fragments: one per
    story, 100,000 more system calls for a check that must stay well under a second.)"""
    index = cache.stamp(output_dir, _record_from, kind=_RECORD)
    if index is None:
        return []
    return [MANIFEST, *(path for shard in index.shards for path in shard.files
                        if not path.split("/", 2)[2].startswith(_FRAGMENTS))]


def forget_search(output_dir: Path, cache: BuildCache) -> None:
    """Forget the record of an index (the build did not keep its files)."""
    cache.set_stamp(output_dir, None, _record_data, kind=_RECORD)


def gather_pages(output_dir: Path, indexed: list[str], into: Path) -> Path:
    """The pages to index, linked into a folder of their own at the same paths: Pagefind
    then reads only these (not every list page), and a theme that marks no
    ``data-pagefind-body`` still gets only its stories indexed.  (A link changes no page's
    stamp: see ``outputdir.Stamp``.)"""
    # In name order: the folder lists them in the order they were made on some disks (tmpfs),
    # and Pagefind numbers the pages in the order it finds them.
    for page in sorted(present_files(output_dir, indexed)):
        target = into / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output_dir / page, target)  # the cache is usually on the same disk
        except OSError:
            shutil.copyfile(output_dir / page, target)
    into.mkdir(parents=True, exist_ok=True)
    return into


def _manifest(groups: list[list[str]], base_path: str) -> bytes:
    """``shards.json``: the bundles the search page loads, the first one's script merging
    the others (absolute paths, with the site's base path)."""
    base = base_path.rstrip("/")
    bundles = [f"{base}/{SEARCH_FOLDER}/{n}/" for n, group in enumerate(groups) if group]
    return (json.dumps({"bundles": bundles}, indent=1) + "\n").encode()


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _run_indexer(indexer: Path, site: Path, into: Path) -> str | None:
    """Run Pagefind over ``site``, writing its bundle into ``into``; a problem, or None."""
    from generator.lifeline import ending_with_this_process

    command = [str(indexer), "--site", str(site), "--output-path", str(into), "--silent"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False,
                             timeout=_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL,
                             preexec_fn=ending_with_this_process())
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Pagefind could not run ({error})"
    if run.returncode != 0 or not (into / "pagefind-entry.json").is_file():
        said = (run.stderr or run.stdout).strip().splitlines()
        return f"Pagefind failed ({said[-1] if said else f'exit status {run.returncode}'})"
    return None


def _drop_unused(bundle: Path) -> None:
    # Every shard keeps its pagefind.js: whichever is listed first runs and merges the rest.
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)


def _files_under(folder: Path) -> list[str]:
    root = str(folder)
    found: list[str] = []
    for here, _dirs, names in os.walk(root):
        prefix = os.path.relpath(here, root).replace(os.sep, "/")
        found += [name if prefix == "." else f"{prefix}/{name}" for name in names]
    return sorted(found)


def _in_the_way(output_dir: Path, paths: list[str]) -> str | None:
    """Why the index's files cannot go where they belong, if anything stands there that is
    not Byline's (a folder built into with --force may hold an older site's index): a file
    Byline did not write, a link, or a file where a folder goes (see
    ``outputdir.blocked_paths``).  The pages' files were refused the same way before them."""
    marker = read_ownership(output_dir)
    blocked = blocked_paths(output_dir, paths, marker.files if marker else frozenset())
    if not blocked:
        return None
    entry = blocked[0]
    what = {"link": "is a link", "file": "is a file where the index needs a folder"}.get(
        entry.why, "was not written by Byline")
    return (f"site search was not updated: {shown(output_dir / entry.path)} {what}, and the "
            f"search index goes there: move it out of {shown(output_dir)}, then build again")


def _place(output_dir: Path, cache: BuildCache, scratch: Path, made: list[str],
           index: set[str], altered: Set[str]) -> str:
    """Commit the shards made again and the shard list; what the index no longer holds goes.
    Returns the signature of the marker the commit left (see ownership.py).

    ``index`` is every file of the index after this build (kept shards' and new ones');
    ``altered``, files changed since they were written, replaced even if named alike."""
    marker = read_ownership(output_dir)
    owned = set(marker.files) if marker else set()
    already = present_files(output_dir, owned & set(made)) - altered
    copies = [(path, scratch / path) for path in made
              if not (path.split("/", 2)[2].startswith(_HASHED_FOLDERS) and path in already)]
    copies.append((MANIFEST, scratch / MANIFEST))
    # Only files of the old index go: every other file is the pages' stage's.
    removing = search_files(owned) - index - {MANIFEST}
    return _commit_index(output_dir, cache, scratch, marker, copies, removing)


def _drop_index(output_dir: Path, cache: BuildCache, scratch: Path) -> None:
    """Delete the index Byline wrote there before, when a new one could not be made: the old
    one would find stories since pulled, deleted or changed, and lead readers to them (the
    search page then says search is not available, until a build makes it again)."""
    marker = read_ownership(output_dir)
    owned = set(marker.files) if marker else set()
    removing = search_files(owned)
    forget_search(output_dir, cache)
    if not removing:
        return
    cache.remember_marker(_commit_index(output_dir, cache, scratch, marker, [], removing))


def _commit_index(output_dir: Path, cache: BuildCache, scratch: Path, marker: Ownership | None,
                  copies: list[tuple[str, Path]], removing: set[str]) -> str:
    """Move ``copies`` in and delete ``removing`` (files of the index, of those ``marker``
    lists), recording the files as left; the signature of the marker the commit left (see
    ownership.py)."""
    owned = marker.files if marker else frozenset()
    staging = scratch / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    # The pages' build named the folder's files; the index joins them under that name.
    done = commit(staging, output_dir, (), copies, owned=owned, removing=removing,
                  token=marker.token if marker else "", site=marker.site if marker else "")
    cache.change_output_stamps(output_dir, done.placed, done.gone)
    return done.marker


def _record_data(index: SearchIndex) -> tuple[list[Any], bytes]:
    return [[[shard.key, list(shard.files)] for shard in index.shards]], b""


def _record_from(data: object, _raw: bytes) -> SearchIndex:
    (shards,) = items(data)
    found = []
    for shard in items(shards):
        key, files = items(shard)
        found.append(Shard(text(key), tuple(text(f) for f in items(files))))
    return SearchIndex(tuple(found))
