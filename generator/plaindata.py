"""Values as plain JSON data and back: what the cache stores instead of pickles.

Decoding JSON runs no code, and each ``*_from`` function here and beside the model checks
the shape it is given, raising ``ShapeError`` for anything else.  An entry written by another
version, damaged on disk or copied from another site is then a cache miss, never an object
that is not what it claims to be.  Types JSON lacks (tuples, bytes, dates, non-text keys) are
tagged objects; a value of any other type cannot be stored (``ShapeError`` when encoding).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

# The key of a JSON object that stands for a value JSON has no type for.  A writer's mapping
# with this key is itself tagged, so no YAML value can pass for a tagged one.
TAG = "\x00"
_MICROSECOND = timedelta(microseconds=1)


class ShapeError(ValueError):
    """Data that is not of the shape expected (a miss), or a value that cannot be stored."""


# -- checked leaves ------------------------------------------------------------------------
def text(value: object) -> str:
    """``value`` if it is a string."""
    if type(value) is str:
        return value
    raise ShapeError(f"expected text, found {type(value).__name__}")


def all_text(*values: object) -> None:
    """Check that every one of ``values`` is a string (one call for many fields)."""
    for value in values:
        if type(value) is not str:
            raise ShapeError(f"expected text, found {type(value).__name__}")


def maybe_text(value: object) -> str | None:
    """``value`` if it is a string or None."""
    if value is None or type(value) is str:
        return value
    raise ShapeError(f"expected text or null, found {type(value).__name__}")


def integer(value: object) -> int:
    """``value`` if it is an integer (not a boolean)."""
    if type(value) is int:
        return value
    raise ShapeError(f"expected an integer, found {type(value).__name__}")


def maybe_integer(value: object) -> int | None:
    """``value`` if it is an integer or None."""
    return None if value is None else integer(value)


def number(value: object) -> float:
    """``value`` if it is a float."""
    if type(value) is float:
        return value
    raise ShapeError(f"expected a number, found {type(value).__name__}")


def flag(value: object) -> bool:
    """``value`` if it is a boolean."""
    if type(value) is bool:
        return value
    raise ShapeError(f"expected true or false, found {type(value).__name__}")


def items(value: object) -> list[Any]:
    """``value`` if it is a JSON array."""
    if type(value) is list:
        return value
    raise ShapeError(f"expected a list, found {type(value).__name__}")


def texts(value: object) -> tuple[str, ...]:
    """A list of strings, as a tuple."""
    return tuple(text(v) for v in items(value))


def maybe(decode: Callable[[Any], T], value: object) -> T | None:
    """``decode(value)``, or None for null."""
    return None if value is None else decode(value)


# -- long lists as lines -------------------------------------------------------------------
# How many values a line of a long list holds: an edit that changes one value rewrites that
# line of the cache, not the list (see ``BuildCache.set_record_lines``).
LINE_VALUES = 2048


def json_line(value: Any) -> bytes:
    """``value`` as one line of compact ASCII JSON."""
    return json.dumps(value, separators=(",", ":"), check_circular=False).encode("ascii")


def json_lines(values: list[Any]) -> list[bytes]:
    """A long list as lines of JSON of ``LINE_VALUES`` values each (none for an empty list):
    a value changed in place changes one line, and the others are the same bytes."""
    return [json_line(values[at : at + LINE_VALUES]) for at in range(0, len(values), LINE_VALUES)]


def from_json_lines(lines: list[bytes]) -> list[Any]:
    """The list ``json_lines`` wrote."""
    found: list[Any] = []
    for line in lines:
        found.extend(items(json.loads(line)))
    return found


# -- dates ---------------------------------------------------------------------------------
def datetime_data(moment: datetime) -> list[Any]:
    """Wall time, zone and fold: the zone itself, not only its offset, survives the trip."""
    zone = moment.tzinfo
    label: str | int | None
    if zone is None:
        label = None
    elif type(zone) is ZoneInfo and zone.key and ZoneInfo(zone.key) is zone:
        label = zone.key
    elif type(zone) is timezone:
        offset = zone.utcoffset(None)
        if timezone(offset).tzname(None) != zone.tzname(None):  # a named fixed zone
            raise ShapeError(f"cannot store the time zone {zone!r}")
        label = offset // _MICROSECOND
    else:
        raise ShapeError(f"cannot store the time zone {zone!r}")
    return [moment.replace(tzinfo=None).isoformat(), label, moment.fold]


def datetime_from(data: object) -> datetime:
    """The datetime ``datetime_data`` wrote."""
    wall, label, fold = items(data)
    moment = datetime.fromisoformat(text(wall))
    if moment.tzinfo is not None or integer(fold) not in (0, 1):
        raise ShapeError("not a wall time")
    zone: tzinfo | None
    if label is None:
        zone = None
    elif type(label) is str:
        zone = ZoneInfo(label)  # ZoneInfo refuses keys that are not zone names
    else:
        zone = timezone(timedelta(microseconds=integer(label)))
    return moment.replace(tzinfo=zone, fold=fold)


# -- any plain value (YAML data, front matter kept as ``extra``) ---------------------------
def value_data(value: Any) -> Any:
    """Any YAML-like value as JSON data; ShapeError for a type that cannot be stored."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is list:
        return [value_data(v) for v in value]
    if kind is dict:
        if all(type(k) is str and k != TAG for k in value):
            return {k: value_data(v) for k, v in value.items()}
        return {TAG: "dict", "items": [[value_data(k), value_data(v)] for k, v in value.items()]}
    if kind is tuple:
        return {TAG: "tuple", "items": [value_data(v) for v in value]}
    if kind is bytes:
        return {TAG: "bytes", "base64": base64.b64encode(value).decode("ascii")}
    if kind is datetime:
        return {TAG: "datetime", "value": datetime_data(value)}
    if kind is date:
        return {TAG: "date", "value": value.isoformat()}
    raise ShapeError(f"cannot store a {kind.__name__}")


def value_from(data: Any) -> Any:
    """The value ``value_data`` wrote."""
    kind = type(data)
    if kind is list:
        return [value_from(v) for v in data]
    if kind is not dict:
        return data  # JSON's own scalars
    if TAG not in data:
        return {k: value_from(v) for k, v in data.items()}
    tag = data[TAG]
    if tag == "dict":
        return {value_from(k): value_from(v) for k, v in _pairs(data["items"])}
    if tag == "tuple":
        return tuple(value_from(v) for v in items(data["items"]))
    if tag == "bytes":
        return base64.b64decode(text(data["base64"]), validate=True)
    if tag == "datetime":
        return datetime_from(data["value"])
    if tag == "date":
        return date.fromisoformat(text(data["value"]))
    raise ShapeError(f"unknown tag {tag!r}")


def _pairs(data: object) -> list[tuple[Any, Any]]:
    pairs = []
    for pair in items(data):
        key, value = items(pair)
        pairs.append((key, value))
    return pairs
