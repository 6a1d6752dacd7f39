"""The cache is only a cache: damaged in any way, the next build still equals a clean one.

Each damage test does to ``.byline-cache/`` what a crash, a full disk, a second process or a
careless hand would, builds the way a writer does (``byline build --verbose``), and compares
the whole output folder, byte for byte, with a fresh build of a copy of the same site.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

import generator.cache as cache_module
import generator.content.memo as memo_module
import generator.freshness as freshness_module
from generator.cache import BuildCache, digest_bytes
from generator.cli import main as cli_main
from generator.config import load_config
from generator.content import ContentOptions, ParseMemo, load_content
from generator.content.bodies import CachedBodies
from generator.content.parse import parse_key, parse_source, parsed_data, parsed_from
from generator.errors import BylineError, Report
from generator.inputfiles import change_stamp
from generator.model import Content
from generator.ownership import MARKER_NAME, read_ownership
from generator.plaindata import TAG, ShapeError, value_data, value_from

from .conftest import NOW, SITE_YAML, article, photo_bytes, write_files
from .outcome import Run, run_byline, snapshot

HERO = """
  image: hero.jpg
  alt: The band on stage
  credit: Ana Ruiz/Reuters
  focus: [0.3, 0.4]"""

SITE = {
    "content/authors/karen-ruffini.yaml": (
        "name: Karen Ruffini\nbio: Covers music.\navatar: karen.png\n"
        "links:\n  - {label: Mastodon, url: 'https://social.example/@karen'}\n"),
    "content/authors/karen.png": photo_bytes((300, 300), "PNG", (10, 20, 30, 128)),
    "content/articles/tour/index.md": article(
        title="Mara Quell goes big", date="2026-11-10 09:30", author="Karen Ruffini",
        category="Music", tags="[Tours, Pop]", dek="The biggest tour of the year.", hero=HERO,
        updated="2026-11-12T08:00:00+05:30", aliases="[/old/tour/]",
        updates="\n  - at: 2026-11-11\n    text: Adds the dates.",
        corrections="\n  - 2026-11-12 10:15: Fixes the venue.",
        mood="{stage: [1, 2.5, true, null], 'key': {nested: yes}}",
        body="""
        She said it's "huge".

        ![Crowd at the show](crowd.jpg "Fans waiting"){credit="Jo Lens/AFP"}

        A small ![icon](crowd.jpg) inline.
        """),
    "content/articles/tour/hero.jpg": photo_bytes((1600, 1000)),
    "content/articles/tour/crowd.jpg": photo_bytes((900, 600), colour=(20, 90, 160)),
    "content/articles/older.md": article(title="Older news", date="2025-01-02",
                                         author="Sam Doe", category="TV", tags="[Tours]"),
    "content/pages/about.md": "---\ntitle: About us\ndescription: Who we are.\n---\n\nHello.\n",
}


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    """A small site with photos, built once so that its cache is warm."""
    made = make_site(SITE)
    _age_sources(made)
    assert byline(made).code == 0
    return made


def _age_sources(site: Path) -> None:
    """Date every input a minute back, so the cache trusts their times (see cache.py)."""
    past = (datetime.now().timestamp() - 60) * 1e9
    for path in site.rglob("*"):
        if path.is_file() and ".byline-cache" not in path.parts:
            os.utime(path, ns=(int(past), int(past)))


def byline(site: Path, *args: str) -> Run:
    """``byline build --verbose`` of ``site``, as a writer runs it."""
    return run_byline(["build", "--site", str(site), "--verbose", *args])


def clean_build(site: Path) -> dict[str, bytes]:
    """The output of a fresh build of a copy of ``site``'s inputs (no cache, no output)."""
    fresh = Path(tempfile.mkdtemp(dir=site.parent)) / "site"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("output", ".byline-cache"))
    assert byline(fresh).code == 0
    return snapshot(fresh / "output")


def edit(site: Path) -> None:
    """A writer's edit, so the build goes through every stage (not only the up-to-date check)."""
    path = site / "content/articles/older.md"
    path.write_text(path.read_text() + "\nOne more line.\n")


def notes(run: Run) -> list[str]:
    return [line.strip() for line in run.out.splitlines() if "cache" in line]


def cached_images(site: Path) -> list[Path]:
    return sorted((site / ".byline-cache/images").iterdir())


def rows(site: Path, table: str) -> int:
    db = sqlite3.connect(site / ".byline-cache/build.sqlite")
    try:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        db.close()


# -- (a) truncated processed images ---------------------------------------------------------
def test_truncated_processed_images_are_made_again(site: Path) -> None:
    whole = {path.name: path.read_bytes() for path in cached_images(site)}
    for path in cached_images(site):
        with open(path, "r+b") as file:  # in place, as a crash or a full disk leaves it
            file.truncate(path.stat().st_size // 2)
    edit(site)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    assert {path.name: path.read_bytes() for path in cached_images(site)} == whole
    said = [n for n in notes(run) if "damaged" in n]
    assert len(said) == 1 and said[0].startswith(f"{len(whole)} processed images were")


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp", "gif", "avif"])
def test_a_cut_off_file_without_a_record_is_noticed(tmp_path: Path, kind: str) -> None:
    from generator.image_stage import looks_whole
    if kind == "avif" and "AVIF" not in Image.registered_extensions().values():
        pytest.skip("this Pillow cannot write AVIF")
    mode = "RGBA" if kind in ("png", "webp") else "RGB"
    path = tmp_path / f"a.{kind}"
    Image.new(mode, (64, 48), (200, 100, 50)).save(path, kind.upper())
    size = path.stat().st_size
    assert looks_whole(str(path), kind, size)
    data = path.read_bytes()
    for cut in (size - 1, size // 2, 12):
        path.write_bytes(data[:cut])
        assert not looks_whole(str(path), kind, cut), cut


# -- (b) a database replaced by garbage -----------------------------------------------------
@pytest.mark.parametrize("garbage", [b"", b"\x00" * 4096, b"not a database at all " * 500])
def test_a_garbage_database_is_started_afresh(site: Path, garbage: bytes) -> None:
    (site / ".byline-cache/build.sqlite").write_bytes(garbage)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    if garbage:
        assert len([n for n in notes(run) if "was damaged" in n]) == 1, run.out
    assert rows(site, "parsed") > 0, "the new cache is filled again"
    assert not byline(site).out.count("damaged"), "said once, then healed"


# -- (c) missing files and folders ----------------------------------------------------------
def test_deleted_processed_images_are_made_again(site: Path) -> None:
    for path in cached_images(site):
        path.unlink()
    edit(site)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    assert cached_images(site)
    assert len([n for n in notes(run) if "missing from" in n]) == 1


def test_a_deleted_database_keeps_the_processed_images(site: Path) -> None:
    before = {path.name: path.stat().st_mtime_ns for path in cached_images(site)}
    for leftover in (site / ".byline-cache").glob("build.sqlite*"):
        leftover.unlink()
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    # Checked by their bytes, not made again.
    assert {path.name: path.stat().st_mtime_ns for path in cached_images(site)} == before
    assert "0 processed" in run.out


def test_a_deleted_cache_folder(site: Path) -> None:
    shutil.rmtree(site / ".byline-cache")
    assert byline(site).code == 0
    assert snapshot(site / "output") == clean_build(site)


def test_a_cache_copied_from_another_site_is_harmless(site: Path, tmp_path: Path) -> None:
    other = write_files(tmp_path / "other", {
        "site.yaml": SITE_YAML,
        "content/articles/older.md": article(title="Another site's story", date="2025-01-02"),
    })
    shutil.copytree(site / ".byline-cache", other / ".byline-cache")
    assert byline(other).code == 0
    assert snapshot(other / "output") == clean_build(other)


def _cache_files(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (site / ".byline-cache").glob("build.sqlite*")}


def _put_back(site: Path, saved: dict[str, bytes]) -> None:
    for path in (site / ".byline-cache").glob("build.sqlite*"):
        path.unlink()
    for name, data in saved.items():
        (site / ".byline-cache" / name).write_bytes(data)


@pytest.mark.parametrize("change", ["story moved away", "story edited",
                                    "story edited, built by a Byline from before tokens"])
def test_a_cache_restored_from_a_backup_is_not_trusted_about_the_output(
    site: Path, tmp_path: Path, change: str
) -> None:
    """A writer restores .byline-cache/ from last night's backup (or its -wal is lost): the
    output holds pages of later builds the restored cache knows nothing of."""
    backup = _cache_files(site)
    marker = site / "output" / MARKER_NAME
    named = marker.read_bytes().split(b"\n")[1]
    story = site / "content/articles/older.md"
    kept, stat = story.read_bytes(), story.stat()
    if change == "story moved away":
        story.rename(tmp_path / "older.md")
    else:
        story.write_text(story.read_text().replace("Older news", "Newer news"))
    assert byline(site).code == 0
    assert (b"Newer news" in (site / "output/index.html").read_bytes()) == (
        change != "story moved away")
    if "before tokens" in change:
        # Such a Byline flips the marker's first line in place and leaves the second, the
        # token of the last build this Byline made, standing over the files it replaced.
        with marker.open("r+b") as file:
            file.seek(len(b"byline-output 1 clean\n"))
            file.write(named)
    # The inputs and the cache as they were before that build, the output as it left it.
    (tmp_path / "older.md").unlink(missing_ok=True)
    story.write_bytes(kept)
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _put_back(site, backup)
    run = byline(site)
    assert run.code == 0, run.err
    assert "Up to date" not in run.out, run.out
    assert snapshot(site / "output") == clean_build(site)
    assert "Up to date" in byline(site).out


def test_a_marker_and_cache_from_before_build_names_are_trusted(site: Path) -> None:
    """An output folder built by a Byline from before the marker named its build stays up
    to date after the upgrade (no site-wide rebuild for it)."""
    marker = site / "output" / MARKER_NAME
    marker.write_text("\n".join(line for line in marker.read_text().split("\n")
                                if not line.startswith("/build ")))
    db = sqlite3.connect(site / ".byline-cache/build.sqlite")
    with db:
        db.execute("DELETE FROM meta WHERE key = 'outputs_marker'")
    db.close()
    assert "Up to date" in byline(site).out
    edit(site)
    assert byline(site).code == 0
    assert snapshot(site / "output") == clean_build(site)
    assert read_ownership(site / "output").token  # the build named itself from then on


# -- (d) a database locked by another process -----------------------------------------------
@pytest.mark.parametrize("lock", ["BEGIN EXCLUSIVE", "locking_mode"])
def test_a_locked_database_is_built_without_and_kept(
    site: Path, lock: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT_SECONDS", 0.2)
    kept = rows(site, "parsed")
    other = sqlite3.connect(site / ".byline-cache/build.sqlite", isolation_level=None)
    if lock == "locking_mode":  # nobody else may even read
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("DELETE FROM meta WHERE key = 'nothing'")
    else:  # nobody else may write
        other.execute("BEGIN EXCLUSIVE")
    try:
        edit(site)
        run = byline(site)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    assert len([n for n in notes(run) if "in use by another process" in n]) == 1, run.out
    assert rows(site, "parsed") >= kept, "a locked cache is never wiped"


# -- (e) a cache that cannot be written -------------------------------------------------------
# Tests run as root, whom file modes do not stop: the cases below use what stops root too (a
# folder where the database should be, a file where the cache folder should be) and SQLite's
# own read-only mode, which is what it falls back to for a file it may not write.
def test_a_folder_in_place_of_the_database(site: Path) -> None:
    database = site / ".byline-cache/build.sqlite"
    for leftover in (site / ".byline-cache").glob("build.sqlite*"):
        leftover.unlink()
    database.mkdir()
    edit(site)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    assert len([n for n in notes(run) if "cannot be used" in n]) == 1, run.out
    assert database.is_dir(), "left as it is"


def test_a_file_in_place_of_the_cache_folder_is_one_clear_line(site: Path) -> None:
    shutil.rmtree(site / ".byline-cache")
    (site / ".byline-cache").write_text("not a folder")
    before = snapshot(site / "output")
    run = byline(site)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert f"{site / '.byline-cache'}" in run.err and "move away" in run.err
    assert (site / ".byline-cache").read_text() == "not a folder"
    assert snapshot(site / "output") == before


def test_an_unwritable_cache_folder_is_one_clear_line_and_nothing_written_elsewhere(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tempfile.TemporaryFile

    def refused(*args: object, dir: object = None, **kwargs: object) -> object:
        if dir is not None and str(dir).endswith(".byline-cache"):
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    before = set(Path(tempfile.gettempdir()).iterdir())
    run = byline(site)
    assert run.code == 1 and "Traceback" not in run.err
    assert "cannot be written: make it writable, or delete it" in run.err
    assert set(Path(tempfile.gettempdir()).iterdir()) == before


def test_a_read_only_database_is_built_without_and_kept(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = cache_module._open

    def read_only(path: Path | str) -> sqlite3.Connection:
        if path == ":memory:":
            return real_open(path)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False)

    kept = rows(site, "parsed")
    monkeypatch.setattr(cache_module, "_open", read_only)
    edit(site)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)
    said = [n for n in notes(run) if "cannot be used" in n]
    assert len(said) == 1 and "readonly" in said[0], run.out
    assert rows(site, "parsed") == kept


# -- a full disk ------------------------------------------------------------------------------
def test_a_full_disk_writing_a_page_is_said_so(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = snapshot(site / "output")

    def no_space(staging: Path, path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "x"))

    monkeypatch.setattr("generator.render_stage.write_staged", no_space)
    edit(site)
    run = byline(site)
    assert run.code == 1
    staging = site / ".byline-cache" / f"staging-{os.getpid()}" / "x"
    assert run.err.strip() == (f"byline: error: the disk is full writing {staging}: free some "
                               "space and build again")
    assert (site / ".byline-cache/build.sqlite").exists()
    assert rows(site, "parsed") > 0, "not wiped as if corrupt"
    assert snapshot(site / "output") == previous


def test_a_full_disk_writing_the_cache_is_said_so_and_the_cache_kept(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = cache_module._open

    def small(path: Path | str) -> sqlite3.Connection:
        db = real_open(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
        return db

    kept = rows(site, "parsed")
    monkeypatch.setattr(cache_module, "_open", small)
    (site / "content/articles/new.md").write_text(article(title="New", body="Words. " * 3000))
    run = byline(site)
    assert run.code == 1
    database = site / ".byline-cache/build.sqlite"
    assert run.err.strip() == (f"byline: error: the disk is full writing {database}: free some "
                               "space and build again")
    assert rows(site, "parsed") == kept, "not wiped as if corrupt"


def test_no_space_in_a_worker_has_no_file_name_and_names_the_output(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(staging: Path, path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("generator.render_stage.write_staged", no_space)
    edit(site)
    run = byline(site)
    assert run.err.strip() == (f"byline: error: the disk is full writing {site / 'output'}: "
                               "free some space and build again")


# -- entries are data: nothing runs, anything odd is a miss ----------------------------------
class Boom:
    def __reduce__(self) -> tuple[object, ...]:
        return (Path.write_text, (Path(tempfile.gettempdir()) / "byline-pwned", "ran"))


def _rewrite_entries(site: Path, value: Callable[[str, bytes], bytes]) -> None:
    """Replace every entry's value, with a checksum that matches (as a forger would)."""
    db = sqlite3.connect(site / ".byline-cache/build.sqlite", isolation_level=None)
    try:
        for table in ("parsed", "inspections", "stamps"):
            for key, blob in db.execute(f"SELECT key, value FROM {table}").fetchall():
                new = value(key, blob)
                crc = zlib.crc32(new, zlib.crc32(key.encode()))
                db.execute(f"UPDATE {table} SET value = ?, crc = ? WHERE key = ?",
                           (new, crc, key))
    finally:
        db.close()


def test_a_pickle_in_the_cache_runs_nothing(site: Path) -> None:
    import pickle

    marker = Path(tempfile.gettempdir()) / "byline-pwned"
    marker.unlink(missing_ok=True)
    _rewrite_entries(site, lambda key, blob: pickle.dumps(Boom()))
    edit(site)
    assert byline(site).code == 0
    assert not marker.exists()
    assert snapshot(site / "output") == clean_build(site)


def _misshapen(key: str, blob: bytes) -> bytes:
    head, _, raw = blob.partition(b"\n")
    data = json.loads(head)
    # Every string becomes a number, every list loses its last item: right JSON, wrong shape.
    def warp(value: object) -> object:
        if isinstance(value, str):
            return 7
        if isinstance(value, list):
            return [warp(v) for v in value[:-1]]
        return value
    return json.dumps(warp(data)).encode() + b"\n" + raw


@pytest.mark.parametrize("damage", [
    _misshapen,
    lambda key, blob: b'{"\\u0000": "tuple", "items": 5}\n',
    lambda key, blob: b"[" * 100_000 + b"\n",
    lambda key, blob: blob[: len(blob) // 2],
    lambda key, blob: b"\xff\xfe\n",
])
def test_an_entry_of_the_wrong_shape_is_a_miss(site: Path, damage) -> None:
    _rewrite_entries(site, damage)
    edit(site)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)


def test_a_changed_byte_in_an_entry_is_a_miss(site: Path) -> None:
    db = sqlite3.connect(site / ".byline-cache/build.sqlite", isolation_level=None)
    # A headline changed on disk, checksum untouched: SQLite alone would not notice.
    db.execute("UPDATE parsed SET value = CAST(replace(CAST(value AS TEXT), 'goes big', "
               "'goes bug') AS BLOB)")
    db.close()
    edit(site)
    assert byline(site).code == 0
    assert snapshot(site / "output") == clean_build(site)


# -- the bodies, read from the parse cache where each page is rendered ------------------------
def _parse_rows(site: Path) -> list[str]:
    """The keys of the sources' parses (their bodies'), as the site's files are now."""
    return [parse_key(digest_bytes(path.read_bytes()))
            for path in sorted((site / "content/articles").rglob("*.md"))]


@pytest.mark.parametrize("damage", ["deleted", "changed"])
def test_a_body_gone_from_the_cache_is_parsed_again(site: Path, damage: str) -> None:
    # The checked articles stay cached, so the build trusts them; their bodies, read only
    # when each page is rendered, are not there (or not intact) any more.
    db = sqlite3.connect(site / ".byline-cache/build.sqlite", isolation_level=None)
    for key in _parse_rows(site):
        if damage == "deleted":
            db.execute("DELETE FROM parsed WHERE key = ?", (key,))
        else:
            db.execute("UPDATE parsed SET value = CAST(replace(CAST(value AS TEXT), 'the', "
                       "'teh') AS BLOB) WHERE key = ?", (key,))
    db.close()
    shutil.rmtree(site / "output")
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)


def test_a_body_whose_file_changed_since_is_one_clear_line(site: Path) -> None:
    path = site / "content/articles/older.md"
    key = parse_key(digest_bytes(path.read_bytes()))
    # Nothing cached: parsed from the file (a process that read it once keeps it).
    assert b"<p>" in CachedBodies(site, None).html(key, "content/articles/older.md")
    path.write_text(path.read_text() + "\nSaved during the build.\n")
    with pytest.raises(BylineError) as raised:
        CachedBodies(site, None).html(key, "content/articles/older.md")
    assert str(raised.value) == ("content/articles/older.md changed while the site was being "
                                 "built: build again")


@pytest.fixture
def restore(site: Path) -> Callable[[], dict[str, bytes]]:
    """Put the warm cache and output of ``site`` back; returns the clean build's output."""
    clean = clean_build(site)
    saved = site.parent / "saved"
    for name in (".byline-cache", "output"):
        shutil.copytree(site / name, saved / name)

    def put_back() -> dict[str, bytes]:
        for name in (".byline-cache", "output"):
            shutil.rmtree(site / name)
            shutil.copytree(saved / name, site / name)
        return clean

    return put_back


@pytest.mark.fuzz
@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                min_size=1, max_size=4))
def test_any_changed_bytes_in_the_database_still_build_a_clean_site(
    site: Path, restore: Callable[[], dict[str, bytes]], changes: list[tuple[float, int]]
) -> None:
    clean = restore()
    database = site / ".byline-cache/build.sqlite"
    data = bytearray(database.read_bytes())
    for where, byte in changes:
        data[int(where * len(data))] = byte
    database.write_bytes(bytes(data))
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean


# -- plain data round trips ---------------------------------------------------------------
def test_content_read_back_from_the_cache_is_the_content_written(site: Path) -> None:
    config = load_config(site, Report())
    assert config is not None

    def load() -> object:
        cache = BuildCache(site / ".byline-cache")
        try:
            return load_content(config, ContentOptions(now=NOW), Report(), ParseMemo(cache=cache))
        finally:
            cache.close()

    shutil.rmtree(site / ".byline-cache")
    first, second = load(), load()  # the first parses, the second decodes
    assert second == first
    # The bodies are read where a page is rendered: from the parse cache, by each one's key.
    assert isinstance(first, Content) and isinstance(second, Content)
    for one, other in zip(first.articles, second.articles, strict=True):
        assert second.bodies.html(other.body_key, other.source.path) == \
            first.bodies.html(one.body_key, one.source.path) != b""
    assert [a.date.tzinfo for a in second.articles] == [a.date.tzinfo for a in first.articles]
    tour = next(a for a in second.articles if a.slug == "tour")
    assert tour.extra == {"mood": {"stage": [1, 2.5, True, None], "key": {"nested": True}}}
    assert tour.hero and tour.hero.focus == (0.3, 0.4) and tour.hero.path
    assert tour.updated == datetime(2026, 11, 12, 8, tzinfo=timezone(timedelta(hours=5.5)))
    assert tour.updated_has_time
    assert [(c.at, c.has_time, c.text) for c in (*tour.updates, *tour.corrections)] == [
        (datetime(2026, 11, 11, tzinfo=ZoneInfo("UTC")), False, "Adds the dates."),
        (datetime(2026, 11, 12, 10, 15, tzinfo=ZoneInfo("UTC")), True, "Fixes the venue.")]
    assert tour.corrections[0].at.tzinfo is ZoneInfo("UTC")  # the zone itself, not an offset


def test_a_parse_read_back_is_the_parse_written() -> None:
    text = ("---\ntitle: A\nbinary: !!binary aGVsbG8=\nn: .inf\nnested: {1: [a, {b: null}]}\n"
            "\"\\0\": odd key\n---\n\n# Head\n\n![x](a.jpg){credit=\"C\"}\n")
    for source in (text.encode(), b"\xff\xfe", b"---\n[unclosed\n---\n"):
        parsed = parse_source(source)
        assert parsed_from(*parsed_data(parsed)) == parsed


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    | st.binary(max_size=8) | st.dates()
    | st.datetimes(timezones=st.none() | st.just(ZoneInfo("Europe/Paris"))
                   | st.timedeltas(timedelta(hours=-23), timedelta(hours=23)).map(timezone)),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=3) | st.just(TAG), inner, max_size=3)
    | st.dictionaries(st.integers() | st.booleans(), inner, max_size=2),
    max_leaves=12,
)


@pytest.mark.fuzz
@given(values)
def test_plain_values_survive_the_trip(value: object) -> None:
    back = value_from(json.loads(json.dumps(value_data(value))))
    assert back == value and repr(back) == repr(value)


def test_values_of_other_types_are_not_stored() -> None:
    for odd in ({1, 2}, object(), Path("x"), datetime(2026, 1, 1, tzinfo=ZoneInfo.no_cache("UTC"))):
        with pytest.raises(ShapeError):
            value_data(odd)
    assert value_from({TAG: "date", "value": "2026-01-02"}) == date(2026, 1, 2)
    with pytest.raises(ShapeError):
        value_from({TAG: "code", "value": "print(1)"})


def test_text_sqlite_cannot_store_is_a_miss_not_a_crash(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    later = time.time_ns() + 10**10  # the file's change time settled too
    monkeypatch.setattr(cache_module.time, "time_ns", lambda: later)
    cache = BuildCache(tmp_path / "cache")
    try:
        odd = Path("/site/\udcff/output")  # a folder name that is not UTF-8
        cache.replace_output_keys(odd, {"index.html": "key"}, None, "")
        cache.set_stamp(odd, 1, lambda value: ([value], b""))
        (tmp_path / "ok.md").write_text("1")
        info = os.stat(tmp_path / "ok.md")
        os.utime(tmp_path / "ok.md", ns=(0, 0))  # long ago: trusted
        old = os.stat(tmp_path / "ok.md")
        cache.remember_files([("articles/\udcff.md", info, "d1"), ("articles/ok.md", old, "d2")])
        assert cache.output_keys(odd) is None
        assert cache.stamp(odd, lambda data, raw: data) is None
        assert cache.file_signatures() == {"articles/ok.md": (1, change_stamp(old), "d2")}
        assert cache.notes == []
    finally:
        cache.close()


@pytest.mark.parametrize("what", ["story", "static file"])
def test_an_edit_that_puts_the_old_size_and_time_back_is_built(site: Path, what: str) -> None:
    """cp -p, rsync -t, touch -d and unzip restore a file's modification time: an edit that
    keeps the size too must still reach the page (it once left it stale, "Up to date")."""
    path = site / ("content/articles/older.md" if what == "story" else "static/notes.txt")
    if what == "static file":
        write_files(site, {"static/notes.txt": "Older news"})
        _age_sources(site)
        assert byline(site).code == 0
    before = os.stat(path)
    path.write_text(path.read_text().replace("Older news", "Newer news"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    run = byline(site)
    assert run.code == 0, run.err
    assert "Up to date" not in run.out
    assert snapshot(site / "output") == clean_build(site)
    if what == "story":
        assert b"Newer news" in (site / "output/index.html").read_bytes()
    else:
        assert (site / "output/notes.txt").read_text() == "Newer news"
    assert "Up to date" in byline(site).out


def test_a_save_in_the_current_second_of_a_coarse_clock_is_no_proof_the_output_is_current(
        site: Path) -> None:
    """A file system keeping whole seconds (ext3, HFS+, FAT) gives a second same-size save
    within the second of the first one the same size and times: a build between the two must
    leave no key the next build trusts (it said "Up to date" over the second save)."""
    path = site / "content/articles/older.md"
    path.write_text(path.read_text().replace("Older news", "Newer news"))
    tick = (int(time.time()) + 1) * 1_000_000_000  # a time in whole seconds, as such disks keep
    os.utime(path, ns=(tick, tick))
    assert "Up to date" not in byline(site).out
    again = byline(site)
    assert again.code == 0, again.err
    assert "Up to date" not in again.out and "0 files written" in again.out
    assert snapshot(site / "output") == clean_build(site)
    _age_sources(site)  # the second long past: a build proves the output current again
    assert "Up to date" not in byline(site).out
    assert "Up to date" in byline(site).out


@pytest.fixture
def whole_second_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a real file system that keeps whole seconds (ext2 with 128-byte inodes),
    mounted from an image; skipped where this process may not mount one."""
    if os.geteuid() != 0 or not shutil.which("mkfs.ext2") or not shutil.which("mount"):
        pytest.skip("mounting a file system keeping whole seconds needs root and mkfs.ext2")
    image, folder = tmp_path / "disk.img", tmp_path / "disk"
    folder.mkdir()
    with image.open("wb") as file:
        file.truncate(64 * 1024 * 1024)
    made = subprocess.run(["mkfs.ext2", "-q", "-F", "-I", "128", str(image)],
                          capture_output=True, text=True)
    mounted = made.returncode == 0 and subprocess.run(
        ["mount", "-o", "loop", str(image), str(folder)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip(f"could not mount an ext2 image here: {made.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_second_save_within_the_same_second_on_a_whole_second_disk_is_built(
        whole_second_disk: Path) -> None:
    """The race itself, on a disk that keeps whole seconds: save, build, save again the same
    number of bytes within the same second, build: the page shows the second save."""
    site = write_files(whole_second_disk / "site", {"site.yaml": SITE_YAML, **SITE})
    assert byline(site).code == 0
    path = site / "content/articles/older.md"
    text = path.read_text()
    for attempt in range(5):  # each try needs the first save and the build in one second
        while time.time() % 1 > 0.1:
            time.sleep(0.01)
        second = int(time.time())
        path.write_text(text.replace("Older news", f"Older new{attempt}"))
        assert cli_main(["build", "--site", str(site), "--quiet"]) == 0  # here: no start-up
        path.write_text(text.replace("Older news", f"Newer new{attempt}"))
        if int(time.time()) == second == int(path.stat().st_mtime):
            break
    else:
        pytest.skip("five builds of a small site each took more than a second")
    run = byline(site)
    assert run.code == 0, run.err
    assert "Up to date" not in run.out
    assert f"Newer new{attempt}".encode() in (site / "output/index.html").read_bytes()


def test_a_file_changed_just_now_is_remembered_but_not_trusted(tmp_path, monkeypatch):
    """Its digest is kept (what was built from it), its size and time are not taken as
    proof that it is unchanged: it may change again within the same tick of the clock.
    Putting its old modification time back is a change too (``cp -p``): trusted only once
    its change time is old as well."""
    import os

    from generator.cache import BuildCache

    source = tmp_path / "a.md"
    source.write_text("one", encoding="utf-8")
    cache = BuildCache(tmp_path / "cache")
    stat = os.stat(source)
    cache.remember_files([("articles/a.md", stat, "digest-one")])
    assert cache.file_signatures()["articles/a.md"][2] == "digest-one"
    cache.remember_digest(source, stat, "digest-one")
    assert cache.digest_of(source, stat) is None  # too new to trust
    past = stat.st_mtime_ns - 60 * 10**9
    os.utime(source, ns=(past, past))
    old = os.stat(source)
    cache.remember_digest(source, old, "digest-one")
    assert cache.digest_of(source, old) is None  # its change time is now
    later = old.st_ctime_ns + 3 * 10**9
    monkeypatch.setattr(cache_module.time, "time_ns", lambda: later)
    cache.remember_digest(source, old, "digest-one")
    assert cache.digest_of(source, old) == "digest-one"
    cache.close()


_OUTPUT_NAMES = st.sampled_from(["index.html", "feed.xml", "music/a/index.html", "tags/pop/",
                                 "tags/pop/page/2/index.html", "static/café.css"])


@given(st.lists(st.tuples(st.sampled_from(["full build", "patch", "an older Byline"]),
                          st.dictionaries(_OUTPUT_NAMES, st.sampled_from("kl"))),
                max_size=6))
def test_the_names_the_up_to_date_check_reads_are_those_the_keys_are_kept_for(steps):
    # The check reads every output's name from one row kept beside the table of keys; a
    # patch passes only what it touched, a full build everything, and an older Byline, which
    # knows nothing of the row, writes the table as it always did.
    with tempfile.TemporaryDirectory() as folder:
        cache = BuildCache(Path(folder))
        output = Path(folder) / "output"
        try:
            for writer, keys in steps:
                known = cache.output_keys(output)
                if writer == "full build" or known is None:
                    cache.replace_output_keys(output, keys, known, "")
                elif writer == "patch":  # what it wrote and removed, nothing else
                    touched = {*keys, *list(known)[:1]}
                    after = {**known, **keys}
                    after.pop(next(iter(known), ""), None)
                    cache.replace_output_keys(
                        output, {p: after[p] for p in touched if p in after},
                        {p: known[p] for p in touched if p in known}, "")
                else:  # the statements of Byline 43b72e4's replace_output_keys
                    with cache._transaction() as db:
                        db.executemany("DELETE FROM outputs WHERE path = ?",
                                       [(p,) for p in known if p not in keys])
                        db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?)",
                                       [(p, k) for p, k in keys.items() if known.get(p) != k])
                expected = cache.output_keys(output)
                assert expected is not None
                paths = cache.output_paths(output)
                assert paths is not None
                assert sorted(paths) == sorted(expected), writer
        finally:
            cache.close()


def test_an_edit_that_changes_keys_only_leaves_the_row_of_names_standing(tmp_path: Path):
    # Rewriting the row costs a tenth of a second at 100,000 stories: a save must not.
    cache = BuildCache(tmp_path / "cache")
    output = tmp_path / "output"
    try:
        cache.replace_output_keys(output, {"index.html": "k", "a/index.html": "k"}, None, "")
        with cache._transaction() as db:  # marked, to see whether it is written again
            db.execute("UPDATE meta SET value = 'index.html' || char(0) || 'a/index.html' "
                       "|| char(0) || 'marked' WHERE key = 'output_names'")
        cache.replace_output_keys(output, {"a/index.html": "l"}, {"a/index.html": "k"}, "")
        assert sorted(cache.output_paths(output) or []) == ["a/index.html", "index.html",
                                                             "marked"]
        cache.replace_output_keys(output, {"b/index.html": "k"}, {}, "")  # a new page
        assert sorted(cache.output_paths(output) or []) == ["a/index.html", "b/index.html",
                                                             "index.html"]
    finally:
        cache.close()


# -- records kept a line per row (the saved plan a new process plans from) ------------------
def _line_rows(cache: BuildCache) -> dict[int, tuple[int, bytes]]:
    """Line number → (the row's id, its value): a row written again gets a new id."""
    rows = cache.db.execute("SELECT n, rowid, value FROM lines WHERE n >= 0").fetchall()
    return {n: (rowid, value) for n, rowid, value in rows}


def test_a_record_kept_as_lines_reads_back_and_only_changed_lines_are_written(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    output = tmp_path / "output"
    try:
        assert cache.record_lines(output, "plan:") is None
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"b", b"c", b"d"])
        first = cache.record_lines(output, "plan:")
        assert first is not None and first.lines == [b"head", b"a", b"b", b"c", b"d"]
        before = _line_rows(cache)
        # What a build planning from it writes back: one line changed, one more at the end.
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"B", b"c", b"d", b"e"], first)
        second = cache.record_lines(output, "plan:")
        assert second is not None and second.lines == [b"head", b"a", b"B", b"c", b"d", b"e"]
        assert second.generation != first.generation
        after = _line_rows(cache)
        assert [n for n in after if before.get(n, (None,))[0] == after[n][0]] == [0, 1, 3, 4]
        # Fewer lines: those past the end go.
        cache.set_record_lines(output, "plan:", [b"head", b"a"], second)
        assert cache.record_lines(output, "plan:").lines == [b"head", b"a"]  # type: ignore
        assert sorted(_line_rows(cache)) == [0, 1]
    finally:
        cache.close()


def test_lines_compared_with_an_older_read_are_all_written(tmp_path):
    """``since`` read before another write: what it holds says nothing of the rows now, so
    every line is written (never one left as that other write had it)."""
    cache = BuildCache(tmp_path / "cache")
    output = tmp_path / "output"
    try:
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"b"])
        old = cache.record_lines(output, "plan:")
        cache.set_record_lines(output, "plan:", [b"head", b"x", b"y"])  # another build's
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"b2"], old)
        assert cache.record_lines(output, "plan:").lines == [b"head", b"a", b"b2"]  # type: ignore
    finally:
        cache.close()


def test_a_forgotten_record_is_none_and_its_lines_serve_the_next_write(tmp_path):
    """A build forgets the saved plan until it has moved its files in; its lines stay, and
    writing the plan back then still writes only the lines that changed."""
    cache = BuildCache(tmp_path / "cache")
    output = tmp_path / "output"
    try:
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"b"])
        read = cache.record_lines(output, "plan:")
        before = _line_rows(cache)
        cache.set_record_lines(output, "plan:", None)
        assert cache.record_lines(output, "plan:") is None
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"c"], read)
        assert cache.record_lines(output, "plan:").lines == [b"head", b"a", b"c"]  # type: ignore
        after = _line_rows(cache)
        assert before[1] == after[1] and before[2] != after[2]
        assert cache.record_lines(tmp_path / "elsewhere", "plan:") is None
    finally:
        cache.close()


@pytest.mark.parametrize("damage", [
    "UPDATE lines SET value = CAST('x' AS BLOB) || value WHERE n = 3",  # checksum left as is
    "DELETE FROM lines WHERE n = 2",
    "DELETE FROM lines WHERE n = -1",
    "UPDATE lines SET value = CAST('0123' AS BLOB) WHERE n = -1",
    "INSERT INTO lines VALUES ('plan:elsewhere', 7, CAST('x' AS BLOB), 0)",
])
def test_a_damaged_or_missing_line_is_a_miss(tmp_path, damage: str):
    cache = BuildCache(tmp_path / "cache")
    output = tmp_path / "output"
    try:
        cache.set_record_lines(output, "plan:", [b"head", b"a", b"b", b"c"])
        cache.db.execute(damage)
        found = cache.record_lines(output, "plan:")
        if "elsewhere" in damage:  # another folder's line: none of this record's business
            assert found is not None and found.lines == [b"head", b"a", b"b", b"c"]
        else:
            assert found is None
    finally:
        cache.close()


def _damage_plan_lines(site: Path, value: Callable[[int, bytes], bytes]) -> int:
    """Replace every line of the saved plan, with a checksum that matches."""
    db = sqlite3.connect(site / ".byline-cache/build.sqlite", isolation_level=None)
    try:
        rows = db.execute("SELECT key, n, value FROM lines WHERE n >= 0").fetchall()
        for key, n, blob in rows:
            new = value(n, blob)
            crc = zlib.crc32(new, zlib.crc32(f"{key}\0{n}".encode()))
            db.execute("UPDATE lines SET value = ?, crc = ? WHERE key = ? AND n = ?",
                       (new, crc, key, n))
        return len(rows)
    finally:
        db.close()


@pytest.mark.parametrize("damage", [
    lambda n, line: line[: len(line) // 2],
    lambda n, line: b"[]",
    lambda n, line: b"\xff\xfe",
    lambda n, line: line if n else b'[["x"],"y",[1,2,3,4,5,6]]',  # counts of another plan
    lambda n, line: line.replace(b'"', b"7", 2),
])
def test_a_saved_plan_of_the_wrong_shape_is_a_miss(site: Path, damage) -> None:
    """Every line of the saved plan rewritten with a checksum that matches: the next build
    plans the whole site, and equals a clean one."""
    assert _damage_plan_lines(site, damage) > 10
    edit(site)
    run = byline(site)
    assert run.code == 0, run.err
    assert snapshot(site / "output") == clean_build(site)


def test_a_file_saved_again_while_it_is_parsed_is_not_kept_as_the_version_hashed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build hashed one version of a file and then read the next one, saved in between,
    to parse it: kept under the first version's hash, that parse would be published again
    the day the writer went back to the first version."""
    path = site / "content/articles/older.md"
    first = path.read_text() + "\nThe first version.\n"
    second = path.read_text() + "\nThe second version.\n"
    path.write_text(first)
    real_read = memo_module._read

    def saved_right_after_hashing(name: str) -> bytes:
        data = real_read(name)
        if Path(name) == path and data == first.encode():
            path.write_text(second)
        return data

    monkeypatch.setattr(memo_module, "_read", saved_right_after_hashing)
    run = byline(site)
    assert run.code == 1
    assert "content/articles/older.md: error: changed while the site was being built: " \
        "build again" in run.err.splitlines()
    monkeypatch.undo()
    path.write_text(first)  # the writer goes back to the first version
    assert byline(site).code == 0
    shown = (site / "output/tv/older/index.html").read_text()
    assert "The first version." in shown and "The second version." not in shown
    assert snapshot(site / "output") == clean_build(site)



def test_parses_stored_as_the_workers_send_them_are_all_kept(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build stores parses a few at a time as they arrive (it never holds them all):
    every one must be in the cache at the end, and the site the same as built at once."""
    monkeypatch.setattr(memo_module, "_PARSE_BATCH", 1)  # one file per worker task
    monkeypatch.setattr(memo_module, "_CACHE_CHUNK", 2)  # stored two at a time
    files = {**SITE, **{f"content/articles/extra-{n}.md": article(title=f"Extra {n}")
                        for n in range(4)}}
    site = make_site(files)
    assert byline(site).code == 0
    sources = sorted(site.glob("content/**/*.md"))
    db = sqlite3.connect(site / ".byline-cache/build.sqlite")
    try:
        kept = {key for (key,) in db.execute("SELECT key FROM parsed")}
    finally:
        db.close()
    assert len(sources) == 7  # the last two-at-a-time store holds one
    assert [s.name for s in sources if parse_key(digest_bytes(s.read_bytes())) not in kept] == []
    monkeypatch.undo()
    assert snapshot(site / "output") == clean_build(site)


def test_a_byline_whose_checks_changed_does_not_take_the_site_as_up_to_date(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer Byline that checks stories otherwise (and so may show them otherwise) must go
    through the pipeline, not stop at the up-to-date check: which of its caches still hold
    is for the pipeline to say."""
    assert "Up to date" in byline(site).out
    monkeypatch.setattr(freshness_module, "CHECKS_VERSION", "a later one")
    run = byline(site)
    assert run.code == 0
    assert "Up to date" not in run.out
    assert "Up to date" in byline(site).out
