"""Every URL each article has been published under, so a renamed article never breaks a link.

``.byline/published.json`` in the site folder maps an article's source key (its path under
``content/``) to all its published URLs.  It only grows, it is written after a successful
publish, and it belongs in version control: it is the site's memory of what readers may have
bookmarked.  The build turns it into redirect pages with ``redirects_for_moved``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PublishError
from generator.inputfiles import MANIFEST_PATH, merge_conflict_line
from generator.slugs import quoted, site_path_problem

_FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class PublishedUrls:
    """Source key → every URL (site path, e.g. ``/music/slug/``) it was published under."""

    by_source: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def merged(self, urls: Mapping[str, Sequence[str]]) -> PublishedUrls:
        """These URLs plus newly published ones; nothing is ever forgotten."""
        combined = {key: set(values) for key, values in self.by_source.items()}
        for key, values in urls.items():
            combined.setdefault(key, set()).update(values)
        return PublishedUrls({key: tuple(sorted(combined[key])) for key in sorted(combined)})

    def renamed(self, renames: Mapping[str, str]) -> PublishedUrls:
        """These URLs with each renamed source's (``renames``: new key → old key) moved to its
        new key, so that they are its old addresses, claimed by it alone."""
        if not renames:
            return self
        moved = dict(self.by_source)
        for new, old in renames.items():
            moved[new] = tuple(sorted({*moved.get(new, ()), *moved.pop(old, ())}))
        return PublishedUrls({key: moved[key] for key in sorted(moved)})

    def to_json(self) -> str:
        """The manifest file's text: sorted, so it diffs cleanly in version control."""
        document = {"version": _FORMAT_VERSION, "articles": self.by_source}
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# The manifest last read and its file's (path, inode, size, time): a publish reads it twice
# (the build's redirects, then recording what went out), and checking 10,000 URLs is not free.
_last_read: tuple[tuple[str, int, int, int], PublishedUrls] | None = None


class ManifestError(PublishError):
    """The manifest cannot be read, at ``line`` when one is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load_published(site_root: Path) -> PublishedUrls:
    """Read the site's manifest; a site never published has an empty one."""
    global _last_read
    path = site_root / MANIFEST_PATH
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return PublishedUrls()
    except OSError:
        info = None
    seen = (str(path), info.st_ino, info.st_size, info.st_mtime_ns) if info else None
    if seen is not None and _last_read is not None and _last_read[0] == seen:
        return _last_read[1]
    try:
        written = path.read_text(encoding="utf-8")
        document = json.loads(written)
    except FileNotFoundError:
        return PublishedUrls()
    except (OSError, ValueError) as error:
        conflict = merge_conflict_line(written) if isinstance(error, json.JSONDecodeError) else None
        if conflict is not None:  # two desks published: each version lists its own stories
            raise ManifestError(
                f"{MANIFEST_PATH} has a merge conflict left in it: keep the lines of both "
                "versions between <<<<<<< and >>>>>>> (each lists addresses stories were "
                "published at, and a story keeps its redirects only while it is listed), "
                "delete the three marker lines, and put a comma between the entries",
                conflict) from error
        raise ManifestError(f"{MANIFEST_PATH} cannot be read ({error}); restore it from git",
                            getattr(error, "lineno", None)) from error
    articles = document.get("articles") if isinstance(document, dict) else None
    if not isinstance(articles, dict) or not all(
        isinstance(urls, list) and all(isinstance(url, str) for url in urls)
        for urls in articles.values()
    ):
        raise PublishError(
            f"{MANIFEST_PATH} is not a Byline URL manifest (expected "
            '{"articles": {"articles/foo/index.md": ["/music/foo/"]}}); restore it from git'
        )
    for urls in articles.values():
        for url in urls:
            # A redirect page is written at each old URL: one that leaves the site is refused.
            if problem := site_path_problem(url):
                raise PublishError(f"{MANIFEST_PATH} lists the URL {quoted(url)}, which "
                                   f"{problem}; restore the file from git")
    found = PublishedUrls({str(key): tuple(urls) for key, urls in articles.items()})
    if seen is not None:
        _last_read = (seen, found)
    return found


def record_published(site_root: Path, urls: Mapping[str, Sequence[str]],
                     renames: Mapping[str, str] | None = None) -> PublishedUrls:
    """Add the URLs just published to the manifest, atomically; return the updated manifest.
    ``renames`` (new key → old key, see ``renamed_sources``) move the old key's URLs to the
    new one."""
    known = load_published(site_root)
    path = site_root / MANIFEST_PATH
    renames = {new: old for new, old in (renames or {}).items() if old in known.by_source}
    if path.is_file() and not renames and all(
            set(values) <= set(known.by_source.get(key, ())) for key, values in urls.items()):
        return known  # nothing new (an update to a live blog): the file stays as it is
    published = known.renamed(renames).merged(urls)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".published.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(published.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return published


def renamed_sources(published: PublishedUrls, current: Mapping[str, str],
                    seen: Mapping[str, str]) -> dict[str, str]:
    """New key → old key of each published article whose file was renamed or moved (a typo
    in a file name fixed, a bundle's folder renamed): a file new to the manifest whose bytes
    are those its cache last saw (``seen``: key → content hash) under a published key that
    is gone.  ``current`` is key → content hash of the articles now.  Only exact matches,
    one to one: a story deleted while another one is written is never mistaken for it."""
    gone = Counter(seen[key] for key in published.by_source
                   if key not in current and key in seen)
    old_by_digest = {seen[key]: key for key in published.by_source
                     if key not in current and key in seen and gone[seen[key]] == 1}
    fresh = Counter(digest for key, digest in current.items() if key not in published.by_source)
    return {key: old_by_digest[digest] for key, digest in current.items()
            if key not in published.by_source and digest in old_by_digest
            and fresh[digest] == 1}


def redirects_for_moved(published: PublishedUrls, current: Mapping[str, str]) -> dict[str, str]:
    """Old URL → current URL for every article that has moved since it was published.

    An old URL now used by any article is left alone: the page there wins.  So is one that
    several articles (deleted ones included) have held in turn: there is no telling which of
    them a reader meant.
    """
    in_use = set(current.values())
    claims = Counter(url for urls in published.by_source.values() for url in set(urls))
    return {
        old: current[key]
        for key in sorted(current)
        for old in published.by_source.get(key, ())
        if old not in in_use and claims[old] == 1
    }
