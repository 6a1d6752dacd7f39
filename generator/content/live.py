"""A live blog's front matter (``live:``) and the times of its updates, checked.

Updates carry only a time of day ("9:42 pm"), as a writer types it under pressure; each is
the first such moment at or after the one before it (the first: at or after coverage
starts), so an update at 12:10 am after one at 11:50 pm is the next day.  A time that would
jump most of a day ahead is far likelier an update put in the wrong place, so it is an error
unless it gives its date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from generator.dates import (
    ClockTime,
    ParsedDate,
    in_utc,
    in_zone,
    is_zone_of,
    parse_date,
    read_clock,
    zone_after_time,
)
from generator.errors import Report, SourceLocation
from generator.markup import RawUpdate
from generator.model import LiveCoverage, LiveUpdate
from generator.textmatch import closest

from .fields import FieldReader

LIVE_KEYS = ("start", "end", "order")
ORDERS = {"newest": False, "oldest": True}
# An update read as more than this after the one above it was most likely put out of order.
LONGEST_GAP = timedelta(hours=12)
_SHAPE = ("'live' must be true, the time coverage starts (live: 2026-03-01 19:00), or "
          "start:, end: and order: lines under it")


def read_live(
    fields: FieldReader, updates: Sequence[RawUpdate], date: ParsedDate | None, tz: tzinfo,
    where: SourceLocation, report: Report,
) -> LiveCoverage | None:
    """The article's live coverage, or None when it is not a live blog (or has errors,
    which are reported)."""
    raw = fields.data.get("live")
    if raw is None or raw is False:
        return None
    before = len(report.errors)
    settings: dict[str, Any] = {}
    if isinstance(raw, dict):
        settings = raw
        for key in raw:
            if key not in LIVE_KEYS:
                guess = closest(str(key), LIVE_KEYS)
                hint = f": did you mean '{guess}'?" if guess else \
                    f": use {', '.join(LIVE_KEYS)}"
                report.warning(f"unknown live key '{key}'{hint}", fields.at("live", key))
    elif raw is not True:
        settings = {"start": raw}
    start = _moment(fields, settings, "start", tz,
                    "write when coverage starts, e.g. start: 2026-03-01 19:00")
    if "start" not in settings or settings.get("start") is None:
        start = date.value if date else None
    end_given = settings.get("end")
    end = None if end_given is True else _moment(
        fields, settings, "end", tz, "write when coverage ended, e.g. end: 2026-03-02 01:30, "
        "or end: true for when the last update was posted")
    order = settings.get("order", "newest")
    oldest_first = ORDERS.get(str(order).lower().replace("-", " ").removesuffix(" first").strip())
    if oldest_first is None:
        fields.error(f"'live.order' must be newest or oldest, not {order!r}: newest first is "
                     "the default; order: oldest shows the updates in the order they happened",
                     "live", "order")
    if len(report.errors) > before or start is None or oldest_first is None:
        return None
    timed = _timed_updates(updates, start, tz, where, fields, report)
    if timed is None:
        return None
    if end_given is True:
        end = timed[-1].time if timed else start
    if end is not None and end < start:
        fields.error(f"'live.end' ({_shown(end, tz)}) is before coverage starts "
                     f"({_shown(start, tz)}): give an end after the start", "live", "end")
        return None
    if end is not None and end_given is not True:
        for update in timed:
            if in_utc(update.time) > in_utc(end):
                report.warning(f"this update ({_shown(update.time, tz)}) comes after coverage "
                               f"ended ({_shown(end, tz)}): move 'end' under 'live:' later, or "
                               "remove it while coverage goes on", _at(update.line, where, fields))
    return LiveCoverage(start, end, oldest_first, tuple(timed))


def _moment(fields: FieldReader, settings: dict[str, Any], key: str, tz: tzinfo,
            fix: str) -> datetime | None:
    value = settings.get(key)
    if value is None:
        return None
    parsed = parse_date(value, tz)
    path = ("live", key) if isinstance(fields.data.get("live"), dict) else ("live",)
    if parsed is None or isinstance(value, bool):
        name = "live" if len(path) == 1 else f"live.{key}"
        shown = value if isinstance(value, str) else repr(value)
        if len(path) == 1 and not isinstance(value, (str, date)):
            fields.error(f"{_SHAPE}, not {shown!r}", *path)
        else:
            fields.error(f"'{name}' is not a time: {shown!r}; {fix}", *path)
        return None
    fields.warn_skipped_hour(parsed, tz, *path)
    return parsed.value


def _timed_updates(
    updates: Sequence[RawUpdate], start: datetime, tz: tzinfo, where: SourceLocation,
    fields: FieldReader, report: Report,
) -> list[LiveUpdate] | None:
    timed: list[LiveUpdate] = []
    anchors: set[str] = set()
    failed = False
    after = start
    above_skipped = ""  # said when the update above is a time no clock showed
    for raw in updates:
        location = _at(raw.line, where, fields)
        clock, rest, problem = read_clock(raw.heading_html)
        if clock is None:
            report.error(problem or "", location)
            failed = True
            continue
        zone = zone_after_time(raw.heading_html, rest)
        moment = _when(clock, after, tz, zone[0] if zone else None)
        if zone is not None:
            if not is_zone_of(zone[0], tz, moment):
                report.error(f"'{clock.typed} {zone[0]}' gives the time in {zone[0]}, but this "
                             f"site's times are in {tz} (site.yaml's timezone), and Byline "
                             f"would publish it as {clock.typed} there: write the time as "
                             f"clocks in {tz} showed it, without the zone", location)
                failed = True
                continue
            rest = zone[1]  # the site's own zone, said: not part of the headline
        shown = in_utc(moment).astimezone(tz)
        if shown.replace(tzinfo=None) != moment.replace(tzinfo=None):
            # A time in the hour the clocks skip in spring: no clock showed it.  Read as the
            # first moment after the update above that it could mean, and said.
            report.warning(
                f"'{clock.typed}' did not happen in {tz} on {moment:%B} {moment.day}: the "
                f"clocks went forward that night, so it is read as {_shown(shown, tz)}; write "
                "the time a clock there showed", location)
            moment = shown
            read_as = _shown(shown, tz).partition(",")[0]
            skipped = f" ('{clock.typed}', a time that did not happen, read as {read_as})"
        else:
            skipped = ""
        if in_utc(moment) < in_utc(after):
            above = "coverage starts" if not timed else "the update above it"
            fix = ("make the start under 'live:' earlier" if not timed else
                   "put updates in the order they happened, the newest at the bottom")
            # With a zone given, the zones say why (1:45 am PDT is before 1:30 am PST).
            typed = f"{clock.typed} {zone[0]}" if zone else clock.typed
            then = _shown(after, tz)
            if zone:
                clock_time, _, day = then.partition(", ")
                then = f"{clock_time} {in_zone(after, tz).tzname()}, {day}"
            report.error(f"'{typed}' is earlier than {above} ({then}): {fix}", location)
            failed = True
            continue
        gap = in_utc(moment) - in_utc(after)
        # Later the same day is as written; a time earlier in the day than the update above
        # it is the next day, which after a long gap is more likely updates out of order.
        if (timed and clock.day is None and gap >= LONGEST_GAP
                and in_zone(moment, tz).date() != in_zone(after, tz).date()):
            hours = round(gap.total_seconds() / 3600)
            fix = (f"correct the time of the update above{above_skipped}" if above_skipped
                   else "put updates in the order they happened, the newest at the bottom, or "
                        f"give the date: ## {moment.date().isoformat()} {clock.typed}")
            report.error(
                f"'{clock.typed}' is earlier in the day than the update above it "
                f"({_shown(after, tz)}), so it would be the next day, {hours} hours later: "
                f"{fix}", location)
            failed = True
            continue
        anchor = _anchor(moment, anchors)
        timed.append(LiveUpdate(anchor, moment, raw.heading_html[rest:].strip(), raw.line))
        after, above_skipped = moment, skipped
    return None if failed else timed


def _when(clock: ClockTime, after: datetime, tz: tzinfo, zone: str | None = None) -> datetime:
    """The first moment at or after ``after`` that the clock time names (on its date, if it
    gives one: then the earliest there when none is after); of those ``zone`` ("PST") names,
    if any, so the hour the clocks go back can be told from its first time."""
    local = in_zone(after, tz)
    days = [clock.day] if clock.day else [local.date()]
    if not clock.day and local.date() < date.max:  # no day after 9999-12-31
        days.append(local.date() + timedelta(days=1))
    # The hour the clocks go back comes twice: a time in it may be either (fold 0 or 1).
    found: dict[datetime, datetime] = {}  # by instant: the two folds of most times are one
    for d in days:
        for hour in clock.hours:
            for fold in (0, 1):
                moment = datetime(d.year, d.month, d.day, hour, clock.minute, tzinfo=tz,
                                  fold=fold)
                found.setdefault(in_utc(moment), moment)
    candidates = [found[instant] for instant in sorted(found)]
    if zone is not None:
        candidates = [c for c in candidates if is_zone_of(zone, tz, c)] or candidates
    return next((c for c in candidates if in_utc(c) >= in_utc(after)), candidates[0])


def _anchor(moment: datetime, taken: set[str]) -> str:
    base = f"update-{moment:%Y-%m-%d-%H%M}"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def _at(line: int | None, where: SourceLocation, fields: FieldReader) -> SourceLocation:
    return where.at(line) if line else fields.at("live")


def _shown(moment: datetime, tz: tzinfo) -> str:
    """"9:42 pm, March 1", in the site's timezone."""
    local = in_zone(moment, tz)
    hour = local.hour % 12 or 12
    return (f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}, "
            f"{local:%B} {local.day}")
