"""What survives between builds: inspection results, and pruning outputs no longer used.

The inspect cache is a SQLite file in the cache folder: a write is a transaction, so a
build killed mid-write leaves the previous state, never a half-written file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from generator.images.source import SourceImage

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    digest TEXT NOT NULL, fingerprint TEXT NOT NULL, fields TEXT NOT NULL,
    PRIMARY KEY (digest, fingerprint));
"""
FIELDS = ("width", "height", "format", "has_alpha", "animated", "credit", "placeholder")


class InspectCache:
    """Remembers each file's digest by (path, size, mtime) and each digest's inspection.

    A warm build then neither reads nor decodes an unchanged photo.  One instance per
    process: a connection is reopened when used from a forked child.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / "images-inspect.sqlite3"
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def digest_of(self, path: Path, stat: os.stat_result) -> str | None:
        """The digest recorded for this file, if it has not changed since."""
        row = (
            self._db()
            .execute(
                "SELECT digest FROM files WHERE path = ? AND size = ? AND mtime_ns = ?",
                (file_key(path), stat.st_size, stat.st_mtime_ns),
            )
            .fetchone()
        )
        return row[0] if row else None

    def remember_digest(self, path: Path, stat: os.stat_result, digest: str) -> None:
        """Record the digest of a file as it is now."""
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                (file_key(path), stat.st_size, stat.st_mtime_ns, digest),
            )

    def source_for(self, digest: str, fingerprint: str, path: Path) -> SourceImage | None:
        """The inspection of these bytes under these settings, as if read from ``path``."""
        row = (
            self._db()
            .execute(
                "SELECT fields FROM sources WHERE digest = ? AND fingerprint = ?",
                (digest, fingerprint),
            )
            .fetchone()
        )
        if not row:
            return None
        try:
            fields = json.loads(row[0])
            return SourceImage(path, digest, **{name: fields[name] for name in FIELDS})
        except (ValueError, KeyError, TypeError):
            return None  # written by another version: inspect again

    def remember_source(self, source: SourceImage, fingerprint: str) -> None:
        """Record an inspection, keyed by content and settings."""
        fields = json.dumps({name: getattr(source, name) for name in FIELDS})
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                (source.digest, fingerprint, fields),
            )

    def save(self) -> None:
        """Make sure everything learnt is on disk (each write is already its own commit)."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.commit()

    def close(self) -> None:
        """Close the database (it is reopened if used again)."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def __enter__(self) -> InspectCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self._connection = connect(self.path)
            self._pid = os.getpid()
        return self._connection


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the cache database; a damaged one is only a cache, so start afresh."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return open_database(path)
    except sqlite3.DatabaseError:
        for leftover in (
            path,
            path.with_name(f"{path.name}-wal"),
            path.with_name(f"{path.name}-shm"),
        ):
            leftover.unlink(missing_ok=True)
        return open_database(path)


def open_database(path: Path) -> sqlite3.Connection:
    """Connect and make sure the tables exist."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        # WAL lets a parallel build read while one writes; NORMAL sync is still crash-safe
        # in WAL mode, it may only lose the very last transactions on power loss.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.executescript(SCHEMA)
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def file_key(path: Path) -> str:
    """The same file, however the build spelled its path."""
    return os.path.abspath(path)


def prune_cache(cache_dir: Path, keep: Iterable[str]) -> int:
    """Delete cached outputs whose url_path is not in ``keep`` (and crash leftovers).

    Returns how many files were deleted.  Removing a photo from the site thus removes its
    outputs at the next build instead of leaving them to pile up.
    """
    images_dir = cache_dir / "images"
    if not images_dir.is_dir():
        return 0
    wanted = {url.rsplit("/", 1)[-1] for url in keep}
    deleted = 0
    for entry in images_dir.iterdir():
        if entry.name not in wanted and entry.is_file():
            entry.unlink(missing_ok=True)
            deleted += 1
    return deleted
