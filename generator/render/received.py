"""What one output is made from, and its key: a digest of exactly that.

The renderer describes each output as a ``Received``: a template (or the feed or sitemap
writer) and the values handed to it, the very objects it then renders.  ``Canon`` writes those
values in a canonical form and digests it: views projected on the fields the theme's templates
read (see reads.py), everything else whole.  A value of a type it does not know is an error,
never silently left out of a key.

Some views are *nodes*: an article's card, a category or tag, an author, a feed or sitemap
entry.  Each is digested once per build and reused wherever it appears (a card on ten list
pages, a tag on a thousand cards).  Keying an output notes the nodes it shows; keying a node
notes the nodes it embeds (a card its tags).  The preview's patch compares nodes before and
after a save and plans again only the outputs that show a changed one (see plan.py).
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from operator import attrgetter
from types import BuiltinFunctionType
from typing import Any

from markupsafe import Markup

from generator.cache import digest_bytes

from .feeds import FeedEntry, FeedInfo
from .media import CaptionsView, VideoView
from .meta import ArticleFacts, PageMeta
from .reads import Reads, view_fields, whole_read
from .sitemaps import NewsEntry, SitemapEntry
from .views import ArticleView, AuthorView, ImageView, TermView


@dataclass(frozen=True, slots=True)
class Body:
    """A body (its ``body_key``, whose HTML is read when the output renders, and the file it
    is the body of), and the image views that fill its placeholders."""

    key: str
    source: str
    images: tuple[ImageView | None, ...]
    videos: tuple[VideoView | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Later:
    """A value made only when the output renders, by ``make`` from ``source`` alone: the key
    holds ``source`` (``make`` is the same code in every build)."""

    make: Callable[[Any], Any]
    source: Any

    def __reduce__(self) -> Any:  # keyed by its source, never pickled whole
        raise TypeError("a Later value is keyed by Canon")


@dataclass(frozen=True, slots=True)
class Received:
    """What an output is made from: a template or writer, and the values it is given."""

    template: str  # "article.html"…, or a writer: "atom", "rss", "sitemap", "news", "robots"
    values: Mapping[str, Any]
    body: Body | None = None  # rendered when the output is, into ``values[body_of]``
    body_of: str = ""


# The views that are nodes, and the id of each: one per article, term, author or entry.
_NODE_IDS: dict[type, Callable[[Any], str | None]] = {
    ArticleView: lambda v: "card:" + v.url if v.body is None else None,
    TermView: lambda v: "term:" + v.url,
    AuthorView: lambda v: "author:" + v.url,
    FeedEntry: lambda v: "entry:" + v.url,
    SitemapEntry: lambda v: "dated:" + v.loc,
    NewsEntry: lambda v: "news:" + v.loc,
}
# Nodes whose fields are plain values (no views, no nodes), keyed by their repr.
_LEAVES = frozenset({FeedEntry, SitemapEntry, NewsEntry})
# Other values of plain fields (strings, numbers, dates, Markup, and lists, tuples and dicts
# of those), keyed by their repr: one string, where a pickle would ask about every field.
_RECORDS = frozenset({PageMeta, ArticleFacts, FeedInfo, VideoView, CaptionsView})


# Node ids, each once, in order: what an output shows, or what a card embeds.  A tuple, not a
# frozenset: a 100,000-story plan holds 270,000 of them until the build ends (a frozenset of
# seven ids takes 472 bytes, their tuple 96: 120 MB of the build's peak), and they are only
# ever gone through or tested against a set.
NodeSet = tuple[str, ...]
NO_NODES: NodeSet = ()


def node_set(*parts: Iterable[str]) -> NodeSet:
    """The node ids of ``parts``, each once, sorted (so equal sets are equal tuples)."""
    return tuple(sorted(set().union(*parts)))


def node_id(value: Any) -> str | None:
    """The node a value is, if it is one."""
    name = _NODE_IDS.get(type(value))
    return name(value) if name else None


class Canon:
    """Canonical bytes of received values, and the nodes met on the way, for one build.

    The bytes are a pickle (protocol 5, no memo, so they depend on values alone, never on
    which objects happen to be shared), written by the C pickler; each node goes as its
    digest, each view as its fields read, each other value by what it holds.
    """

    def __init__(self, reads: Reads,
                 memo: dict[int, tuple[object, str, str, NodeSet]] | None = None
                 ) -> None:
        self.reads = reads
        self.nodes: dict[str, str] = {}  # node id → digest, of the nodes digested here
        self.embeds: dict[str, NodeSet] = {}  # node id → nodes it embeds
        self._getters: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
        # id → (object, node, digest): the object keeps its id unique.  Given, it holds the
        # digests of nodes an earlier build made on the same reads (render/carried.py).
        self._memo = memo if memo is not None else {}
        self._shown: list[set[str]] = []
        self._picklers: list[tuple[_Pickler, io.BytesIO]] = []
        self._depth = 0

    def key(self, *parts: Any) -> tuple[str, NodeSet]:
        """The digest of ``parts``, and the nodes they show."""
        shown: set[str] = set()
        self._shown.append(shown)
        try:
            data = self._pickled(parts)
        finally:
            self._shown.pop()
        return digest_bytes(data), node_set(shown)

    def node(self, value: Any) -> str:
        """The digest of a node (recorded in ``nodes``)."""
        self._shown.append(set())
        try:
            return self._node(value, node_id(value) or "")
        finally:
            self._shown.pop()

    def _pickled(self, value: Any) -> bytes:
        if self._depth == len(self._picklers):  # one pickler per depth of nesting, reused
            buffer = io.BytesIO()
            self._picklers.append((_Pickler(buffer, self), buffer))
        pickler, buffer = self._picklers[self._depth]
        buffer.seek(0)
        buffer.truncate()
        self._depth += 1
        try:
            pickler.dump(value)
        finally:
            self._depth -= 1
        return buffer.getvalue()

    def show(self, name: str) -> None:
        """Note that what is being keyed shows this node."""
        self._shown[-1].add(name)

    def stand_in(self, value: Any) -> Any:
        """What to pickle instead of ``value``, or None to pickle it as it is."""
        kind = type(value)
        standing = _STAND_INS.get(kind)
        if standing is not None:
            return standing(value)
        memo = self._memo.get(id(value))
        if memo is not None:  # the common case: a card or term already digested
            return self.met(memo)
        name = node_id(value)
        if name:
            return self._node(value, name)
        if kind in _RECORDS:  # plain values only: their repr says it all, in one string
            return repr(self.fields(value))
        if dataclasses.is_dataclass(kind):  # a view by the fields read, others whole
            return self.fields(value)
        if isinstance(value, (type, BuiltinFunctionType)):
            return None  # classes and functions by name
        raise TypeError(f"a {kind.__name__} cannot be keyed: teach received.Canon about it")

    def _node(self, value: Any, name: str) -> str:
        memo = self._memo.get(id(value))
        if memo is None and type(value) in _LEAVES:
            # Plain fields only (strings, dates): their repr is canonical, and cheap enough
            # for the ten thousand entries of a sitemap.
            digest = repr(self.fields(value))
            self._memo[id(value)] = (value, name, digest, ())
            self.nodes[name] = digest
        elif memo is None:
            embeds: set[str] = set()
            self._shown.append(embeds)
            try:
                digest = digest_bytes(self._pickled(self.fields(value)))
            finally:
                self._shown.pop()
            met = node_set(embeds)
            self._memo[id(value)] = (value, name, digest, met)  # the object keeps its id unique
            self.nodes[name] = digest
            if met:
                self.embeds[name] = met
        else:
            return self.met(memo)
        self._shown[-1].add(name)
        return digest

    def met(self, memo: tuple[object, str, str, NodeSet]) -> str:
        """A node digested already, by this keyer or an earlier one sharing its memo (the
        last build's, kept for the preview's next one; a patch given up half-way): shown by
        what is being keyed, and recorded here as if digested here.  A record made from
        ``nodes`` and ``embeds`` then holds every node its outputs show."""
        _, name, digest, embeds = memo
        self._shown[-1].add(name)
        self.nodes[name] = digest
        if embeds:
            self.embeds[name] = embeds
        return digest

    def fields(self, value: Any) -> tuple[Any, ...]:
        """A value's type and the values of its fields that count (for views, those read)."""
        kind = type(value)
        values = self._getters.get(kind)
        if values is None:
            values = self._getter(kind)
        return (kind.__name__, *values(value))

    def _getter(self, kind: type) -> Callable[[Any], tuple[Any, ...]]:
        fields = self._fields_of(kind)
        if len(fields) > 1:
            getter: Callable[[Any], tuple[Any, ...]] = attrgetter(*fields)
        elif fields:
            getter = partial(_one, fields[0])
        else:
            getter = _none
        self._getters[kind] = getter
        return getter

    def _fields_of(self, kind: type) -> tuple[str, ...]:
        """The fields of a dataclass that count: for views, those templates read."""
        names = tuple(f.name for f in dataclasses.fields(kind))
        read = view_fields(kind)
        if read is not None and whole_read(kind) not in self.reads:
            names = tuple(n for n in names if read[n] in self.reads)
        return names


class _Pickler(pickle.Pickler):
    """Pickles received values for ``Canon``: what is not plain goes by its stand-in."""

    def __init__(self, file: io.BytesIO, canon: Canon) -> None:
        self._stand_in = canon.stand_in
        self._memo = canon._memo
        self._canon = canon
        super().__init__(file, protocol=5)
        self.fast = True  # no memo: equal values give equal bytes, shared or not

    def persistent_id(self, obj: Any) -> Any:
        """Called for every object: kept short, the commonest cases first."""
        if type(obj) in _PLAIN:
            return None
        memo = self._memo.get(id(obj))
        if memo is not None:  # a card or term already digested
            return self._canon.met(memo)
        return self._stand_in(obj)


_PLAIN = frozenset({str, int, float, bool, type(None), bytes, tuple, list, dict})
# Values kept by stand-ins that say what they hold (and never depend on object identity).
_STAND_INS: dict[type, Callable[[Any], Any]] = {
    datetime: lambda v: ("datetime", v.isoformat(), v.fold, repr(v.tzinfo)),
    date: lambda v: ("date", v.isoformat()),
    Markup: lambda v: ("Markup", str(v)),
    Later: lambda v: ("Later", getattr(v.make, "__name__", ""), v.source),
}


def _one(name: str, value: Any) -> tuple[Any, ...]:
    return (getattr(value, name),)


def _none(value: Any) -> tuple[Any, ...]:
    return ()
