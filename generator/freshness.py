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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cache import digest_text
from generator.dates import later
from generator.errors import Problem, problem_data, problem_from
from generator.plaindata import datetime_data, datetime_from, integer, items, maybe, text

if TYPE_CHECKING:  # the up-to-date check reads stamps without loading the model
    from generator.model import Content

# Folders of a site whose files are inputs of a build.
INPUT_FOLDERS = ("content", "templates", "themes", "static", ".byline")


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

    def current(self, key: str, now: datetime) -> bool:
        """Whether a build with this input key, now, would write exactly the same files."""
        return key == self.key and (self.valid_until is None or now < self.valid_until)


def stamp_data(stamp: BuildStamp) -> tuple[list[Any], bytes]:
    """A stamp as plain data, for the cache."""
    return [
        stamp.key, maybe(datetime_data, stamp.valid_until), stamp.articles, stamp.pages,
        stamp.images, [problem_data(p) for p in stamp.warnings],
        maybe(datetime_data, stamp.next_scheduled),
    ], b""


def stamp_from(data: object, _raw: bytes) -> BuildStamp:
    """The stamp ``stamp_data`` wrote."""
    key, until, articles, pages, images, warnings, scheduled = items(data)
    return BuildStamp(
        text(key), maybe(datetime_from, until), integer(articles), integer(pages),
        integer(images), tuple(problem_from(p) for p in items(warnings)),
        maybe(datetime_from, scheduled),
    )


def inputs_key(site: Path, settings: Iterable[str]) -> str:
    """A hash of the signature of every input file under the site, plus ``settings``."""
    parts = list(settings)
    cut = len(str(site)) + 1
    root = os.path.realpath(site) + os.sep
    followed: set[str] = set()
    for folder in INPUT_FOLDERS:
        # Links to folders are followed, as content discovery follows them, each target once
        # (so a loop ends) and never out of the site.  os.walk looks at each folder to see if
        # it is a link anyway when it does not follow them, so this costs no more.
        for here, dirs, files in os.walk(site / folder, followlinks=True):
            dirs.sort()
            for name in [d for d in dirs if os.path.islink(os.path.join(here, d))]:
                target = os.path.realpath(os.path.join(here, name))
                parts.append(f"{os.path.join(here, name)[cut:]}->{target}")
                if not target.startswith(root) or target in followed:
                    dirs.remove(name)
                followed.add(target)
            for name in sorted(files):
                path = os.path.join(here, name)
                try:
                    st = os.stat(path)
                except OSError:  # a link to nothing or a loop: the build reports it
                    parts.append(f"{path[cut:]}:unreadable")
                    continue
                parts.append(f"{path[cut:]}:{st.st_size}:{st.st_mtime_ns}")
    try:
        return digest_text(*parts)
    except UnicodeEncodeError:  # a file name that is not UTF-8 (the build reports it)
        return digest_text(*(p.encode("utf-8", "surrogateescape").decode("latin-1")
                             for p in parts))


def valid_until(
    content: Content, now: datetime, news_window: timedelta, future_included: bool
) -> datetime | None:
    """When the output of this content stops being current although no file changed."""
    ends = [later(a.date, news_window) for a in content.articles]
    # A live blog's badge changes when its coverage starts and when it ends.
    ends += [m for a in content.articles if a.live is not None
             for m in (a.live.start, a.live.end) if m is not None]
    moments = [end for end in ends if end > now]
    if content.next_scheduled and not future_included:
        moments.append(content.next_scheduled)
    return min(moments, default=None)
