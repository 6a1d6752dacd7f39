"""Stage 6: the site's search index, made by Pagefind from the committed output folder.

Pagefind (``pip install 'byline[search]'``) reads the built pages and writes a static index
that the theme's search page queries in the browser, with no server.  It indexes only what
the templates mark with ``data-pagefind-body`` (published stories and pages), weighting
headlines and deks above body text as the templates say.

Pagefind reads the pages to index from a scratch folder in the cache (hard links to the
output's files) and writes its bundle there too, never into the output; its
files are then moved into ``output/pagefind/`` by the same commit as every other output, so
the folder's marker lists them as Byline's and a later build may replace or delete them.
The index is remade only when a page it reads changed (its key is a hash of those pages'
output keys), so a rebuild that changes no page does not re-index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import BuildCache, digest_text
from generator.outputdir import commit, present_files
from generator.ownership import read_ownership
from generator.parallel import process_running
from generator.plaindata import items, text

SEARCH_FOLDER = "pagefind"
HOW_TO_GET_SEARCH = ("site search is off: Pagefind is not installed. `pip install "
                     "'byline[search]'` (or set `search: false` in site.yaml to silence this)")
_RECORD = "search:"
# Pagefind names these files after a hash of their bytes: one already in place is the same.
_HASHED_FOLDERS = ("fragment/", "index/")
_TIMEOUT_SECONDS = 1800.0


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The index a build left in an output folder: what it was made from, and its files."""

    key: str
    files: tuple[str, ...]  # output paths, all under SEARCH_FOLDER/


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What the search stage did, for the build's summary."""

    indexed: bool = False  # the index was made again in this build
    pages: int = 0  # pages the index was made from
    seconds: float = 0.0
    message: str | None = None  # said once, when search could not be made


def find_indexer() -> Path | None:
    """The Pagefind program: the one ``pagefind[bin]`` ships, or one on the PATH."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
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


def search_files(owned: Iterable[str]) -> set[str]:
    """The files of a search index among the files Byline owns in an output folder."""
    return {path for path in owned if path.startswith(SEARCH_FOLDER + "/")}


def index_key(indexer: Path, outputs: Mapping[str, str], indexed: Iterable[str]) -> str:
    """A hash of the Pagefind version and the output keys of every page it reads."""
    pages = sorted(path for path in indexed if path in outputs)
    return digest_text(indexer_signature(indexer), *(f"{p}={outputs[p]}" for p in pages))


def update_search(
    output_dir: Path, cache: BuildCache, indexer: Path, outputs: Mapping[str, str],
    indexed: Iterable[str],
) -> SearchOutcome:
    """Make the search index of ``output_dir`` again if a page it reads changed."""
    indexed = list(indexed)
    clash = sorted(p for p in outputs if p.startswith(SEARCH_FOLDER + "/"))
    if clash:
        return SearchOutcome(message=f"site search is off: /{clash[0]} is where the search "
                             f"index goes; rename that page")
    key = index_key(indexer, outputs, indexed)
    previous = cache.stamp(output_dir, _record_from, kind=_RECORD)
    if (previous and previous.key == key
            and len(present_files(output_dir, previous.files)) == len(previous.files)):
        return SearchOutcome(pages=len(indexed))
    started = time.perf_counter()
    _remove_abandoned(cache.folder)
    scratch = cache.folder / f"search-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        pages = _gather(output_dir, indexed, scratch / "pages")
        problem = _run_indexer(indexer, pages, scratch / SEARCH_FOLDER)
        if problem:
            return SearchOutcome(message=f"site search was not updated: {problem}")
        made = _files_under(scratch / SEARCH_FOLDER)
        files = _place(output_dir, scratch, made)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    cache.set_stamp(output_dir, SearchIndex(key, tuple(sorted(files))), _record_data,
                    kind=_RECORD)
    return SearchOutcome(indexed=True, pages=len(indexed),
                         seconds=time.perf_counter() - started)


def forget_search(output_dir: Path, cache: BuildCache) -> None:
    """Forget the record of an index (the build did not keep its files)."""
    cache.set_stamp(output_dir, None, _record_data, kind=_RECORD)


def _gather(output_dir: Path, indexed: list[str], into: Path) -> Path:
    """The pages to index, linked into a folder of their own at the same paths: Pagefind
    then reads only these (not every list page), and a theme that marks no
    ``data-pagefind-body`` still gets only its stories indexed."""
    for page in present_files(output_dir, indexed):
        target = into / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output_dir / page, target)  # the cache is usually on the same disk
        except OSError:
            shutil.copyfile(output_dir / page, target)
    into.mkdir(parents=True, exist_ok=True)
    return into


def _run_indexer(indexer: Path, site: Path, into: Path) -> str | None:
    """Run Pagefind over ``site``, writing its bundle into ``into``; a problem, or None."""
    command = [str(indexer), "--site", str(site), "--output-path", str(into), "--silent"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False,
                             timeout=_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Pagefind could not run ({error})"
    if run.returncode != 0 or not (into / "pagefind.js").is_file():
        said = (run.stderr or run.stdout).strip().splitlines()
        return f"Pagefind failed ({said[-1] if said else f'exit status {run.returncode}'})"
    return None


def _files_under(folder: Path) -> list[str]:
    root = str(folder)
    found = []
    for here, _dirs, names in os.walk(root):
        prefix = os.path.relpath(here, root).replace(os.sep, "/")
        found += [name if prefix == "." else f"{prefix}/{name}" for name in names]
    return sorted(found)


def _place(output_dir: Path, scratch: Path, made: list[str]) -> set[str]:
    """Commit the new index into the output folder; the old one's leftovers go."""
    owned = set(read_ownership(output_dir).files) if read_ownership(output_dir) else set()
    new = {f"{SEARCH_FOLDER}/{name}" for name in made}
    already = present_files(output_dir, owned & new)
    copies = [(f"{SEARCH_FOLDER}/{name}", scratch / SEARCH_FOLDER / name) for name in made
              if not (name.startswith(_HASHED_FOLDERS) and f"{SEARCH_FOLDER}/{name}" in already)]
    keep = (owned - search_files(owned)) | new
    staging = scratch / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    commit(staging, output_dir, (), copies, keep, owned)
    return new


def _remove_abandoned(cache_dir: Path) -> None:
    """Scratch folders of builds that were killed while indexing."""
    for folder in cache_dir.glob("search-*"):
        pid = folder.name.removeprefix("search-")
        if pid.isdigit() and not process_running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _record_data(index: SearchIndex) -> tuple[list[Any], bytes]:
    return [index.key, list(index.files)], b""


def _record_from(data: object, _raw: bytes) -> SearchIndex:
    key, files = items(data)
    return SearchIndex(text(key), tuple(text(f) for f in items(files)))
