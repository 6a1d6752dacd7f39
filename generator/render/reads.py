"""Which fields of the views templates actually read, recorded while they render.

An output's key holds what its template received (see ``received.py``), but only the view
fields some template of the theme reads: the default theme never prints a tag's ``count``, so
a new story in a tag need not re-render every page showing that tag, while a theme that does
print it gets every such page re-rendered.  Reads are recorded per view type, as
``"TermView.count"``; ``"TermView.*"`` means the whole object was used (printed, compared,
hashed), so every field counts.

Every way a template can reach a field goes through ``ReadingEnvironment.getattr``/``getitem``
(``a.b``, ``a['b']``, and the ``attribute=`` of filters such as ``map``, ``sort``,
``selectattr``), or through the view's ``__repr__``/``__eq__``/``__hash__``, which ``watched``
instruments.  Recording is on only while an output renders (``recording``); the reads of a
process are collected with ``take_reads`` (render workers send theirs back that way).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

import jinja2

from generator.theme import Theme

Reads = frozenset[str]
NO_READS: Reads = frozenset()
READS_FILE = "reads.json"  # in a theme's folder: what its templates read

_Class = TypeVar("_Class", bound=type)

_ACTIVE: ContextVar[bool] = ContextVar("byline_recording_reads", default=False)
# Every view field read while rendering in this process since the last take_reads().
_SEEN: set[str] = set()
# View class → {field name: "Class.field"}, filled by ``watched``.
_FIELDS: dict[type, dict[str, str]] = {}
_WHOLE: dict[type, str] = {}


def watched(cls: _Class) -> _Class:
    """Record reads of this view class: each field, and uses of the whole object."""
    slots = getattr(cls, "__dataclass_fields__", {})
    _FIELDS[cls] = {name: f"{cls.__name__}.{name}" for name in slots}
    whole = _WHOLE[cls] = f"{cls.__name__}.*"
    for dunder in ("__repr__", "__eq__", "__hash__"):
        setattr(cls, dunder, _noting(whole, getattr(cls, dunder)))
    return cls


def _noting(whole: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def noted(self: Any, *args: Any) -> Any:
        if _ACTIVE.get():
            _SEEN.add(whole)
        return method(self, *args)

    noted.__name__ = method.__name__
    return noted


def view_fields(cls: type) -> dict[str, str] | None:
    """The recorded names of a watched class's fields; None for other classes."""
    return _FIELDS.get(cls)


def whole_read(cls: type) -> str:
    """The name recorded when a whole object of this watched class is used."""
    return _WHOLE[cls]


class ReadingEnvironment(jinja2.Environment):
    """A Jinja environment that notes each view field a template looks up."""

    # Templates render only inside ``recording()``, so these note every view lookup.
    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` in a template."""
        fields = _FIELDS.get(type(obj))
        if fields is not None:
            name = fields.get(attribute)
            if name is not None:
                _SEEN.add(name)
                return getattr(obj, attribute)
            # Anything that is not a field (a method, a dunder) may expose every field.
            _SEEN.add(_WHOLE[type(obj)])
        # Jinja's own lookup, written out: this runs for every dot in every template, and
        # one more call per lookup cost a 10,000-article build seconds.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``obj[argument]`` in a template, and the ``attribute=`` of filters."""
        fields = _FIELDS.get(type(obj))
        if fields is not None:
            name = fields.get(argument) if isinstance(argument, str) else None
            _SEEN.add(name or _WHOLE[type(obj)])
        return jinja2.Environment.getitem(self, obj, argument)


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """Record the view fields read while this block runs (one output being rendered)."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def theme_reads(theme: Theme) -> Reads | None:
    """What the theme's templates read, as its folders ship it (``reads.json`` beside each
    ``templates/``, as the built-in theme has); None if a folder has none (a site's own
    ``templates/``).  Only a starting point: a build checks what its templates really read,
    and keys the site again if they read more."""
    found: set[str] = set()
    for folder in theme.template_dirs:
        try:
            shipped = json.loads((folder.parent / READS_FILE).read_text(encoding="utf-8"))
            found.update(str(name) for name in shipped["reads"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
    return frozenset(found)


def take_reads() -> Reads:
    """The fields read while rendering in this process since the last call."""
    found = frozenset(_SEEN)
    _SEEN.clear()
    return found
