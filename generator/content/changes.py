"""Front matter ``updates:`` and ``corrections:``: what changed after publication, and when.

Written in a hurry after a story is out, so several spellings are read:

    corrections:
      - at: 2026-11-19 14:05
        text: An earlier version misspelled Mara Quell's name.
      - 2026-11-20 09:00: The tour starts in Seattle, not Portland.

(``time:``/``when:``/``date:`` for ``at:``, ``note:`` for ``text:``; a single one may be
written without its dash.)  Times without a zone are in the site's timezone.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from generator.dates import ParsedDate, in_zone, instant, parse_date, why_not_a_date
from generator.markup import smarten
from generator.markup.captions import caption_links
from generator.model import Change
from generator.slugs import script_link_problem
from generator.textmatch import closest

from .fields import FieldReader

CHANGE_KEYS = ("updates", "corrections")
_NOUN = {"updates": "update", "corrections": "correction"}
_TIME_KEYS = ("at", "time", "when", "date")
_TEXT_KEYS = ("text", "note")
_WHAT = {"updates": "what changed", "corrections": "what was wrong and what is right"}
_EXAMPLE = "- at: 2026-11-19 14:05 and, under it, text: "


def read_changes(
    fields: FieldReader, key: str, tz: tzinfo, published: datetime | None
) -> tuple[Change, ...]:
    """The ``updates`` or ``corrections`` of one article, newest first; problems reported."""
    raw = fields.data.get(key)
    if raw is None:
        return ()
    noun = _NOUN[key]
    single = isinstance(raw, dict) and any(k in raw for k in (*_TIME_KEYS, *_TEXT_KEYS))
    if not isinstance(raw, list) and not single:
        fields.error(f"'{key}' must be a list with one {noun} per item: write {_EXAMPLE}"
                     f"{_WHAT[key]}", key)
        return ()
    entries = [raw] if single else raw
    found = []
    for index, entry in enumerate(entries):
        path: tuple[str | int, ...] = (key,) if single else (key, index)
        change = _change(fields, key, index + 1, path, entry, tz)
        if change is None:
            continue
        # Its text is shown as Markdown, as a caption is: a link there to a program
        # (javascript:) is refused as one in the body would be.
        for href in caption_links(change.text) if "[" in change.text else ():
            if problem := script_link_problem(href):
                fields.report.error(f"the {noun}'s {problem}", fields.at(*path))
        if published is not None and instant(change.at) < instant(published):
            if not change.has_time and change.at.date() == published.date():
                # A day with no time is its first minute: not a time the writer typed.
                said = (f"{noun} {index + 1} gives the story's own day ({change.at:%Y-%m-%d}) "
                        "without a time, so it reads as before the story: give the time of "
                        f"the change, e.g. at: {change.at:%Y-%m-%d} 15:30")
            else:
                said = (f"{noun} {index + 1} is dated {_shown(change.at)}, before the story's "
                        f"own date ({_shown(published)})")
            fields.report.warning(said, fields.at(*path))
        found.append(change)
    return tuple(sorted(found, key=lambda c: instant(c.at), reverse=True))


def _change(fields: FieldReader, key: str, number: int, path: tuple[str | int, ...],
            entry: Any, tz: tzinfo) -> Change | None:
    noun = _NOUN[key]
    named = f"{noun} {number}"
    if isinstance(entry, dict) and len(entry) == 1:
        ((first, value),) = entry.items()
        when = parse_date(first, tz)
        if when is not None:  # "- 2026-11-19 14:05: what changed"
            fields.warn_skipped_hour(when, tz, *path)
            words = _text(fields, value, named, (*path, str(first)))
            return _made(when, words, tz, fields.doc.line_of(*path))
    if not isinstance(entry, dict):
        fields.error(f"{named} needs a time and a text: write {_EXAMPLE}{_WHAT[key]}", *path)
        return None
    time_key = next((k for k in _TIME_KEYS if k in entry), None)
    text_key = next((k for k in _TEXT_KEYS if k in entry), None)
    for other in entry:
        if other not in (time_key, text_key):
            guess = closest(str(other), (*_TIME_KEYS, *_TEXT_KEYS), cutoff=0.6)
            hint = f"did you mean '{guess}'?" if guess else "write at: and text:"
            fields.report.warning(f"unknown key '{other}' in {named} is ignored: {hint}",
                                  fields.at(*path, str(other)))
    when = None
    if time_key is None:
        fields.error(f"{named} has no time: add at: 2026-11-19 14:05 (in the site's timezone)",
                     *path)
    else:
        when = parse_date(entry[time_key], tz)
        if when is None:
            why = why_not_a_date(entry[time_key])
            fields.error(f"{named}: '{time_key}' is not a date: {entry[time_key]!r}"
                         f"{f' ({why})' if why else ''}; write 2026-11-19 14:05 or "
                         "2026-11-19T14:05:00-05:00", *path, time_key)
        else:
            fields.warn_skipped_hour(when, tz, *path, time_key)
    words = None
    if text_key is None:
        fields.error(f"{named} has no text: add text: and say {_WHAT[key]}", *path)
    else:
        words = _text(fields, fields.doc.written(entry[text_key], *path, text_key), named,
                      (*path, text_key))
    return _made(when, words, tz, fields.doc.line_of(*path, time_key) if time_key else None)


def _text(fields: FieldReader, value: Any, named: str, path: tuple[str | int, ...]
          ) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        fields.error(f"the text of {named} must be words, e.g. text: An earlier version "
                     "gave the wrong date", *path)
        return None
    return smarten(" ".join(value.split()))


def _made(when: ParsedDate | None, words: str | None, tz: tzinfo, line: int | None
          ) -> Change | None:
    if when is None or words is None:
        return None
    # Shown with the site's zone ("2:05 PM EST"), whatever offset the writer typed.
    return Change(in_zone(when.value, tz), when.has_time, words, line)


def _shown(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
