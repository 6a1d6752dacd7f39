"""Scheduled stories: which articles are dated in the future, soonest first.

What ``byline next`` prints, so that cron, a CI schedule or ``at`` can build the site again
when a story falls due.  The same content stage as a build reads the articles (through the
build's cache, so a warm site answers at once), and the same rule holds them back: a story is
scheduled when it is not a draft and its date is after ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generator.cache import CACHE_DIR_NAME, BuildCache
from generator.config import SiteConfig
from generator.content import ContentOptions, ParseMemo, load_content
from generator.dates import in_zone, instant, utc_now
from generator.errors import Report


@dataclass(frozen=True, slots=True)
class Scheduled:
    """One story waiting for its time: when it falls due (in the site's timezone), and its
    file."""

    due: datetime
    source: str


def scheduled_articles(config: SiteConfig, now: datetime | None = None) -> list[Scheduled]:
    """Every story dated after ``now`` (default: the present), soonest first.

    Raises ``BuildFailed`` when the content has errors: a site that cannot build publishes
    nothing when its time comes, and saying so beats printing a time that will not happen.
    """
    now = utc_now(now)
    report = Report()
    cache = BuildCache(config.root / CACHE_DIR_NAME)
    try:
        content = load_content(config, ContentOptions(future=True, now=now), report,
                               ParseMemo(cache=cache))
    finally:
        cache.close()
    report.raise_if_errors()
    waiting = [Scheduled(in_zone(a.date, config.tz), a.source.path)
               for a in content.articles if a.date > now and not a.draft]
    return sorted(waiting, key=lambda s: (instant(s.due), s.source))
