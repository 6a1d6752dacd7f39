"""Front-matter dates: ``2018-10-26``, ``2018-10-26 09:30`` or full ISO 8601."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """An aware datetime, and whether the writer gave a time of day."""

    value: datetime
    has_time: bool


def parse_date(raw: object, tz: tzinfo) -> ParsedDate | None:
    """Read a date as writers write it; naive values are in ``tz``; None if unreadable."""
    if isinstance(raw, datetime):
        value, has_time = raw, True
    elif isinstance(raw, date):
        value, has_time = datetime(raw.year, raw.month, raw.day), False
    elif isinstance(raw, str):
        text = raw.strip().replace("Z", "+00:00")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
        has_time = len(text) > 10
    else:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return ParsedDate(value, has_time)


def later(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, or the last moment a datetime can hold when that is past year 9999.

    Writers may date a story 9999-12-31; the arithmetic on it (when it leaves the news
    sitemap) must not overflow, and "never" is what the last representable moment means.
    """
    try:
        return moment + delta
    except OverflowError:
        return datetime.max.replace(tzinfo=moment.tzinfo)
