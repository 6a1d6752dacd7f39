"""The persistent build cache: a SQLite file beside the site, keyed by content hashes.

SQLite gives us crash safety for free: a build killed mid-write leaves the last committed
state, never a torn file.  A cache that cannot be opened (deleted, corrupted, from another
version) is thrown away and started again: it only ever makes builds faster.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from generator import __version__

CACHE_DIR_NAME = ".byline-cache"
_SCHEMA = f"byline-{__version__}-2"
# A file modified this recently may change again within the same mtime tick, so its stat
# signature is not trusted (the "racy git" problem).
_RACY_SECONDS = 2.0


def digest_bytes(data: bytes) -> str:
    """The content hash Byline uses everywhere (hex, 32 chars)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest_text(*parts: str) -> str:
    """A hash of several strings, unambiguous about where each one ends."""
    # One join and one hash: this runs for every output on every build.
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16).hexdigest()


class BuildCache:
    """File digests, parsed documents and the output manifest of the previous build."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "build.sqlite"
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None or row[0] != _SCHEMA:
            for table in ("files", "parsed", "outputs", "stamps"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (_SCHEMA,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS files "
            "(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, key TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS stamps (output TEXT PRIMARY KEY, value BLOB)")
        return db

    def close(self) -> None:
        """Release the database file."""
        self.db.close()

    # -- file digests --------------------------------------------------------------------
    def file_signatures(self) -> dict[str, tuple[int, int, str]]:
        """Every remembered file: path → (size, mtime_ns, digest)."""
        rows = self.db.execute("SELECT path, size, mtime_ns, digest FROM files")
        return {path: (size, mtime, digest) for path, size, mtime, digest in rows}

    def remember_files(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        """Store (path, size, mtime_ns, digest) rows, skipping files modified just now."""
        racy_after = (time.time() - _RACY_SECONDS) * 1e9
        safe = [row for row in rows if row[2] < racy_after]
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", safe)

    # -- parsed documents ----------------------------------------------------------------
    def parsed(self, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values for those keys that are present."""
        found: dict[str, Any] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), 900):  # SQLite's host-parameter limit
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key, value FROM parsed WHERE key IN ({marks})", chunk)
            for key, blob in rows:
                with contextlib.suppress(Exception):  # an unreadable entry is just a miss
                    found[key] = pickle.loads(blob)
        return found

    def store_parsed(self, values: Mapping[str, Any]) -> None:
        """Remember parsed values by key."""
        # A generator, not a list: holding every pickle at once doubled the build's peak memory.
        rows = ((k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)) for k, v in values.items())
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)", rows)

    def parsed_count(self) -> int:
        """How many values the cache holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM parsed").fetchone()[0])

    def forget_parsed_except(self, keep: Iterable[str]) -> None:
        """Drop cached documents no longer used, so the cache does not grow forever."""
        with self._transaction():
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM keep")
            self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keep))
            self.db.execute("DELETE FROM parsed WHERE key NOT IN (SELECT key FROM keep)")

    # -- output manifest -----------------------------------------------------------------
    def output_keys(self, output_dir: Path) -> dict[str, str] | None:
        """What the previous build wrote there: output path → key; None if it built elsewhere."""
        row = self.db.execute("SELECT value FROM meta WHERE key='output_dir'").fetchone()
        if row is None or row[0] != str(output_dir):
            return None
        return dict(self.db.execute("SELECT path, key FROM outputs"))

    def replace_output_keys(
        self, output_dir: Path, keys: Mapping[str, str], previous: Mapping[str, str] | None
    ) -> None:
        """Record what this build wrote, and where (writing only rows that changed)."""
        with self._transaction():
            if previous is None:
                self.db.execute("DELETE FROM outputs")
                previous = {}
            gone = [(path,) for path in previous if path not in keys]
            changed = [(p, k) for p, k in keys.items() if previous.get(p) != k]
            self.db.executemany("DELETE FROM outputs WHERE path = ?", gone)
            self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?)", changed)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('output_dir', ?)",
                            (str(output_dir),))

    # -- what templates read -------------------------------------------------------------
    def template_reads(self, theme: str) -> frozenset[str] | None:
        """The view fields this theme's templates were seen reading (see render/reads.py)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='template_reads'").fetchone()
        try:
            stored = json.loads(row[0]) if row else {}
        except ValueError:
            return None
        if stored.get("theme") != theme:
            return None
        return frozenset(stored.get("reads", ()))

    def set_template_reads(self, theme: str, reads: Iterable[str]) -> None:
        """Remember what this theme's templates read."""
        value = json.dumps({"theme": theme, "reads": sorted(reads)})
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('template_reads', ?)", (value,))

    # -- build stamps --------------------------------------------------------------------
    def stamp(self, output_dir: Path) -> Any:
        """What the last build that left a stamp on this output folder was made from."""
        row = self.db.execute("SELECT value FROM stamps WHERE output = ?",
                              (str(output_dir),)).fetchone()
        if row is None:
            return None
        try:
            return pickle.loads(row[0])
        except Exception:  # from another version: as if there were none
            return None

    def set_stamp(self, output_dir: Path, stamp: object | None) -> None:
        """Remember (or, with None, forget) what this output folder was built from."""
        with self._transaction():
            self.db.execute("DELETE FROM stamps WHERE output = ?", (str(output_dir),))
            if stamp is not None:
                self.db.execute("INSERT INTO stamps VALUES (?, ?)",
                                (str(output_dir), pickle.dumps(stamp)))

    @contextlib.contextmanager
    def _transaction(self):  # type: ignore[no-untyped-def]
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


def file_signature(path: Path) -> tuple[int, int]:
    """(size, mtime_ns) of a file, for the stat shortcut."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
