"""Mappings made from a big one by a few changes, sharing it instead of copying it.

A preview save changes a handful of entries in tables that hold one row per story or per
output file (170,000 for 100,000 stories).  Copying such a table costs tens of
milliseconds: not the copy itself, but touching every key and value it holds, which at that
size is a cache miss each.  ``with_changes`` gives the new table as the old one plus its
changes, and folds the changes in (one real copy) only once they pile up, so a long
session's saves cost what they change.

The result reads like the dictionary it stands for, order included: the old entries in
their order, those changed in their place, new ones after.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, Mapping
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Changes are folded into a new base once they reach this share of it (or _FEW, if more).
_SHARE = 8
_FEW = 256


class Layered(Mapping[K, V]):
    """``base`` with ``changes`` over it and the keys ``gone`` taken out; never altered."""

    __slots__ = ("_base", "_changes", "_gone", "_length")

    def __init__(self, base: Mapping[K, V], changes: dict[K, V], gone: frozenset[K]) -> None:
        self._base = base
        self._changes = changes
        self._gone = gone  # keys of ``base`` that are no longer here (never in ``changes``)
        self._length = (len(base) - len(gone)
                        + sum(1 for key in changes if key not in base))

    def __getitem__(self, key: K) -> V:
        if key in self._changes:
            return self._changes[key]
        if key in self._gone:
            raise KeyError(key)
        return self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._changes or (key not in self._gone and key in self._base)

    def __iter__(self) -> Iterator[K]:
        gone = self._gone
        yield from (key for key in self._base if key not in gone)
        base = self._base
        yield from (key for key in self._changes if key not in base)

    def __len__(self) -> int:
        return self._length

    def items(self) -> ItemsView[K, V]:
        return _LayeredItems(self)

    def pairs(self) -> Iterator[tuple[K, V]]:
        """Every (key, value), in order, each read once (``items`` iterates this)."""
        changes, gone = self._changes, self._gone
        for key, value in self._base.items():
            if key in changes:
                yield key, changes[key]
            elif key not in gone:
                yield key, value
        base = self._base
        yield from ((key, value) for key, value in changes.items() if key not in base)

    def __repr__(self) -> str:
        return f"Layered({dict(self)!r})"


class _LayeredItems(ItemsView[K, V]):
    """A layered mapping's items, read without a lookup per key."""

    _mapping: Layered[K, V]

    def __iter__(self) -> Iterator[tuple[K, V]]:
        return self._mapping.pairs()


def with_changes(table: Mapping[K, V], changes: Mapping[K, V],
                 gone: Iterable[K] = ()) -> Mapping[K, V]:
    """``table`` with the keys ``gone`` removed (those missing are ignored), then
    ``changes`` made, as a new mapping; ``table`` is left as it was."""
    if isinstance(table, Layered):
        base, layer, removed = table._base, dict(table._changes), set(table._gone)
    else:
        base, layer, removed = table, {}, set()
    for key in gone:
        layer.pop(key, None)
        if key in base:
            removed.add(key)
    # A key of ``base`` removed and then set again goes last, as in a dictionary: the layer
    # cannot say so, so the changes are folded in.
    back = {key for key in changes if key in removed}
    layer.update(changes)
    if back or len(layer) + len(removed) > max(_FEW, len(base) // _SHARE):
        merged = {key: value for key, value in base.items() if key not in removed}
        merged.update(layer)  # in place where it was, else at the end: a dict's order
        return merged
    return Layered(base, layer, frozenset(removed))


def changes_over(
    table: Mapping[K, V], base: Mapping[K, V]
) -> tuple[Mapping[K, V], Iterable[K]] | None:
    """The changes and the keys gone that make ``table`` from ``base``, when ``with_changes``
    made it so and did not fold them in (or it is ``base``); None otherwise."""
    if table is base:
        return {}, ()
    if isinstance(table, Layered) and table._base is base:
        return table._changes, table._gone
    return None
