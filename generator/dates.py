"""Front-matter dates: ``2018-10-26``, ``2018-10-26 09:30`` or full ISO 8601."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """An aware datetime, and whether the writer gave a time of day."""

    value: datetime
    has_time: bool
    # The clock time as written, when no clock in the zone showed it: the hour skipped as
    # clocks go forward (2:30 am on a spring night in New York).  ``value`` is then the
    # moment the zone's rules give it, an hour on.
    skipped: datetime | None = None


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
    if value.tzinfo is not None:
        # The same moment on the site's clock: the day shown, the permalink's {day} and
        # the archive month are all read from it (an export's 07:30Z is the evening
        # before in Los Angeles, and was filed under the next month).
        try:
            return ParsedDate(value.astimezone(tz), has_time)
        except OverflowError:  # at the calendar's edge
            return ParsedDate(value, has_time)
    written, value = value, value.replace(tzinfo=tz)
    try:
        # Through UTC: Python converts nothing between two times of one zone.
        shown = value.astimezone(UTC).astimezone(tz)
    except OverflowError:  # year 1 or 9999 at the calendar's edge: no clock change there
        return ParsedDate(value, has_time)
    if shown.replace(tzinfo=None) == written:
        return ParsedDate(value, has_time)
    # Shown as the clocks showed that moment; said only of a time the writer typed (a
    # date alone means the day, whenever it began: midnight itself is skipped in some zones).
    return ParsedDate(shown, has_time, written if has_time else None)


_DATE_SHAPED = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def why_not_a_date(raw: object) -> str | None:
    """Why a value written like a date is none ("2025 has no February 29"), for the error
    that refuses it; None when it is not written like one or the reason is not known."""
    match = _DATE_SHAPED.match(str(raw))
    if match is None:
        return None
    year, month, day = (int(match.group(n)) for n in (1, 2, 3))
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        if month == 2 and day == 29:
            return f"{year} has no February 29"
        return f"{calendar.month_name[month]} has no day {day}"
    hour, minute, second = (int(match.group(n) or 0) for n in (4, 5, 6))
    if hour == 24 and minute == second == 0:
        return "midnight is written 00:00 on the next day"
    if hour > 23:
        return f"a day has no hour {hour}"
    if minute > 59 or second > 59:
        return "minutes and seconds go up to 59"
    return None


def skipped_hour_problem(parsed: ParsedDate, tz: tzinfo) -> str | None:
    """What to tell the writer of a time no clock showed (see ``ParsedDate.skipped``)."""
    if parsed.skipped is None:
        return None
    written = parsed.skipped
    read = parsed.value
    before = written - (read.replace(tzinfo=None) - written)
    return (f"{written:%Y-%m-%d %H:%M} did not happen in {tz}: the clocks went forward "
            f"that night, so it is read as {read:%H:%M}; write {read:%H:%M}, or "
            f"{before:%H:%M} if you meant before the change")


def later(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, or the last moment a datetime can hold when that is past year 9999.

    Writers may date a story 9999-12-31; the arithmetic on it (when it leaves the news
    sitemap) must not overflow, and "never" is what the last representable moment means.
    """
    try:  # in UTC: two days after a story in late October is 48 hours, clocks changed or not
        return moment.astimezone(UTC) + delta
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC)


def instant(moment: datetime) -> float:
    """Where ``moment`` falls in time, to compare or sort moments by.  Python compares two
    times of one zone by their clock readings alone, so in the hour the clocks repeat in
    autumn 01:40 (summer time) came after 01:20 (winter time, 40 minutes later): a story
    went out early, then off the site, and was listed out of order."""
    return moment.timestamp()


def in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC, to compare and subtract as ``instant`` does; as written at the
    calendar's edge (9999-12-31 23:00 -05:00 would be year 10000 in UTC)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return moment


def utc_now(given: datetime | None = None) -> datetime:
    """The present (or ``given``) in UTC: compared with a story's time in the site's zone,
    two zones are compared as moments, the repeated hour's included."""
    return given.astimezone(UTC) if given is not None else datetime.now(UTC)


def in_zone(moment: datetime, tz: tzinfo) -> datetime:
    """``moment`` as a clock in ``tz`` shows it; as given where that clock would leave the
    calendar (9999-12-31 23:59 -05:00 is already year 10000 in UTC)."""
    try:
        return moment.astimezone(tz)
    except OverflowError:
        return moment


def machine_moment(moment: datetime) -> datetime:
    """``moment`` as every machine format can write it: whole seconds, and an offset of whole
    minutes. A zone's old local mean time (Dublin's -00:25:21 before 1916) has an offset in
    seconds that no format allows (RFC 3339, HTML's <time>, RFC 822): such a moment is given
    in UTC, the same instant."""
    moment = moment.replace(microsecond=0)
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        return in_zone(moment, UTC)
    return moment


def machine_time(moment: datetime) -> str:
    """``moment`` in ISO 8601 as feeds, sitemaps, JSON-LD and ``<time datetime>`` read it."""
    return machine_moment(moment).isoformat()


# -- the times that start a live blog's updates: "9:42 pm", "21:42", "2026-03-02 0:10" --------
@dataclass(frozen=True, slots=True)
class ClockTime:
    """A time of day as a writer typed it at the start of an update's heading.

    ``hours`` holds the hours it may mean: one, or two when a 12-hour time has no am/pm
    ("9:42" is 9:42 or 21:42, whichever comes next); ``day`` the date when one was given.
    """

    hours: tuple[int, ...]
    minute: int
    day: date | None
    typed: str  # the time as written, for messages


_DATE_PART = r"(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:\s*,\s*|\s+|T)"
_CLOCK = re.compile(
    rf"^\s*(?:{_DATE_PART})?"
    r"(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{1,2})(?!\d)"
    # Seconds, copied from a clock or a feed ("9:42:30 pm"): read, and left out (an update's
    # time is to the minute), never taken for the start of the headline.
    r"(?::(?P<second>\d{2})(?!\d))?)?"
    r"(?:\s*(?P<half>[ap])\.?\s*m\b\.?)?",
    re.IGNORECASE,
)
# What makes a heading an attempt at a time (so a slip in one is an error, not a headline):
# a date, "9:42", "21.42", "21h42" or "9 pm" at its start.
_TIMELIKE = re.compile(
    r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}\b|\d{1,2}\s*:|\d{1,2}[.h]\d{2}\b|\d{1,2}\s*[ap]\.?\s*m\b)",
    re.IGNORECASE,
)
_AFTER_TIME = re.compile(r"\s*(?:[—–|·:]|-{1,2}(?=\s))?\s*")
_DATE_ONLY = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\b")
TIME_EXAMPLE = "9:42 pm or 21:42"


def starts_with_time(heading: str) -> bool:
    """Whether a heading begins with what is meant as a time (well written or not)."""
    return _TIMELIKE.match(heading) is not None


def read_clock(heading: str) -> tuple[ClockTime | None, int, str | None]:
    """The time a heading starts with, where the rest of the heading begins, and the problem
    in the writer's words when the time is not one (then the ClockTime is None)."""
    match = _CLOCK.match(heading)
    if match is None or (match.group("minute") is None and match.group("half") is None):
        dated = _DATE_ONLY.match(heading)
        if dated:
            return None, 0, (f"the heading gives the date {dated.group(1)} but no time: write "
                             f"the time after it, e.g. ## {dated.group(1)} 9:42 pm — …")
        shown = (heading.split() or [heading])[0]
        return None, 0, (f"'{shown}' is not a time Byline can read: start the heading with "
                         f"the time, e.g. ## {TIME_EXAMPLE}")
    typed = match.group(0).strip()
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    half = (match.group("half") or "").lower()
    if match.group("minute") is not None and len(match.group("minute")) != 2:
        return None, 0, (f"'{typed}' is not a time: write the minutes with two digits, e.g. "
                         f"{hour}:{minute:02d}")
    if minute > 59 or int(match.group("second") or 0) > 59:
        return None, 0, (f"'{typed}' is not a time: minutes and seconds go up to 59; write it "
                         f"like {TIME_EXAMPLE}")
    if hour > 23:
        return None, 0, (f"'{typed}' is not a time: hours go up to 23; write it like "
                         f"{TIME_EXAMPLE}")
    if half and not 1 <= hour <= 12:
        return None, 0, (f"'{typed}' is not a time: with am or pm the hour goes from 1 to 12; "
                         f"write {hour % 12 or 12}:{minute:02d} {'am' if hour < 12 else 'pm'} "
                         f"or {hour:02d}:{minute:02d}")
    day = None
    if match.group("date"):
        year, month, mday = match.group("date").split("-")
        try:
            day = date(int(year), int(month), int(mday))
        except ValueError:
            return None, 0, (f"'{match.group('date')}' is not a date: write the date as "
                             f"2026-03-02, then the time: ## 2026-03-02 9:42 pm")
    if half:
        hours: tuple[int, ...] = (hour % 12 + (12 if half == "p" else 0),)
    elif 1 <= hour <= 12 and not match.group("hour").startswith("0"):
        hours = (hour % 12, hour % 12 + 12)  # "9:42": whichever comes next
    else:
        hours = (hour,)
    after = _AFTER_TIME.match(heading, match.end())
    return ClockTime(hours, minute, day, typed), after.end() if after else match.end(), None


# Zone abbreviations writers put after a time ("10:15 pm ET"), and the zones each may name
# (the US generic ones stand for their zone in summer and winter alike).
# Only before the dash or colon that ends the time: "## 9:42 pm — ET Canada reports" is a
# headline that starts with a name.
# "ET", "(UTC)", "UTC+1", "GMT-05:00" or an offset alone ("-08:00"), in brackets or not.
_OFFSET = r"[+\-−]\d{1,2}(?::?\d{2})?"
_ZONE_WORD = re.compile(
    rf"(?P<open>\()?\s*(?:(?P<zone>[A-Z]{{2,5}})(?P<zone_offset>{_OFFSET})?|(?P<offset>{_OFFSET}))"
    r"\s*(?(open)\))(?=\s*(?:[—–|·:]|-{1,2}\s|$))")
_OFFSET_PARTS = re.compile(r"(?P<sign>[+\-−])(?P<hours>\d{1,2}):?(?P<minutes>\d{2})?")
_GENERIC_ZONES = {
    "ET": ("America/New_York", "America/Toronto", "America/Detroit", "US/Eastern"),
    "CT": ("America/Chicago", "America/Winnipeg", "US/Central"),
    "MT": ("America/Denver", "America/Edmonton", "America/Phoenix", "US/Mountain"),
    "PT": ("America/Los_Angeles", "America/Vancouver", "US/Pacific"),
}
_ZONE_ABBREVIATIONS = frozenset({
    *_GENERIC_ZONES, "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT",
    "HST", "GMT", "UTC", "BST", "IST", "CET", "CEST", "EET", "EEST", "WET", "WEST", "AEST",
    "AEDT", "ACST", "ACDT", "AWST", "NZST", "NZDT", "JST", "KST", "SGT", "HKT"})


def zone_after_time(heading: str, at: int) -> tuple[str, int] | None:
    """The zone abbreviation a heading gives right after its time (at ``at``), and where the
    rest of the heading then begins; None when it gives none."""
    match = _ZONE_WORD.match(heading, at)
    if match is None:
        return None
    zone, offset = match.group("zone"), match.group("zone_offset") or match.group("offset")
    if offset is not None and zone in (None, "UTC", "GMT"):
        parts = _OFFSET_PARTS.fullmatch(offset)
        assert parts is not None  # _OFFSET said so
        sign = "+" if parts["sign"] == "+" else "-"
        zone = f"UTC{sign}{int(parts['hours']):02d}:{parts['minutes'] or '00'}"
    elif offset is not None or zone not in _ZONE_ABBREVIATIONS:
        return None
    after = _AFTER_TIME.match(heading, match.end())
    return zone, after.end() if after else match.end()


def is_zone_of(abbreviation: str, tz: tzinfo, moment: datetime) -> bool:
    """Whether ``abbreviation`` names ``tz`` at ``moment`` ("EDT", or "ET" for New York, or
    "UTC-04:00" then)."""
    name = str(tz)
    if abbreviation.startswith("UTC") and len(abbreviation) > 3:
        sign = -1 if abbreviation[3] == "-" else 1
        hours, minutes = abbreviation[4:].split(":")
        offset = sign * timedelta(hours=int(hours), minutes=int(minutes))
        return moment.astimezone(tz).utcoffset() == offset
    return (abbreviation == moment.astimezone(tz).tzname()
            or name in _GENERIC_ZONES.get(abbreviation, ())
            or (abbreviation in ("UTC", "GMT") and moment.utcoffset() == timedelta(0)))
