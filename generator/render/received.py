"""What one output is made from, and its key: a digest of exactly that.

The renderer describes each output as a ``Received``: a template (or the feed or sitemap
writer) and the values handed to it, the very objects it then renders.  ``Canon`` writes those
values as canonical text and digests it: views projected on the fields the theme's templates
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from generator.cache import digest_text

from .feeds import FeedEntry
from .reads import Reads, view_fields, whole_read
from .sitemaps import NewsEntry, SitemapEntry
from .views import ArticleView, AuthorView, ImageView, TermView


@dataclass(frozen=True, slots=True)
class Body:
    """A body's HTML, image placeholders still in it, and the image views that fill them."""

    html: str
    images: tuple[ImageView | None, ...]


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
_PLAIN = frozenset({str, int, float, bool, type(None), datetime, date, Markup})


def node_id(value: Any) -> str | None:
    """The node a value is, if it is one."""
    name = _NODE_IDS.get(type(value))
    return name(value) if name else None


class Canon:
    """Canonical text of received values, and the nodes met on the way, for one build."""

    def __init__(self, reads: Reads) -> None:
        self.reads = reads
        self.nodes: dict[str, str] = {}  # node id → digest
        self.embeds: dict[str, frozenset[str]] = {}  # node id → nodes it embeds
        self._fields: dict[type, tuple[str, ...]] = {}
        self._memo: dict[int, tuple[object, str, str]] = {}  # id → (object, node, digest)
        self._shown: list[set[str]] = []

    def key(self, *parts: Any) -> tuple[str, frozenset[str]]:
        """The digest of ``parts``, and the nodes they show."""
        shown: set[str] = set()
        self._shown.append(shown)
        try:
            text = self._text(parts)
        finally:
            self._shown.pop()
        return digest_text(text), frozenset(shown)

    def node(self, value: Any) -> str:
        """The digest of a node (recorded in ``nodes``)."""
        self._shown.append(set())
        try:
            return self._node(value, node_id(value) or "")
        finally:
            self._shown.pop()

    def _text(self, value: Any) -> str:
        kind = type(value)
        if kind in _PLAIN:
            return repr(value)
        if kind is tuple or kind is list:
            inner = ",".join([self._text(v) for v in value])
            return f"({inner})" if kind is tuple else f"[{inner}]"
        if isinstance(value, Mapping):
            return "{" + ",".join([f"{self._text(k)}:{self._text(v)}"
                                   for k, v in value.items()]) + "}"
        name = node_id(value)
        if name:
            return "#" + self._node(value, name)
        fields = self._fields.get(kind)
        if fields is None:
            fields = self._fields_of(kind)
        return kind.__name__ + "(" + ",".join([self._text(getattr(value, f))
                                              for f in fields]) + ")"

    def _node(self, value: Any, name: str) -> str:
        memo = self._memo.get(id(value))
        if memo is None:
            embeds: set[str] = set()
            self._shown.append(embeds)
            try:
                fields = self._fields.get(type(value))
                if fields is None:
                    fields = self._fields_of(type(value))
                digest = digest_text(type(value).__name__, *[self._text(getattr(value, f))
                                                             for f in fields])
            finally:
                self._shown.pop()
            self._memo[id(value)] = (value, name, digest)  # the object keeps its id unique
            self.nodes[name] = digest
            self.embeds[name] = frozenset(embeds)
        else:
            digest = memo[2]
        self._shown[-1].add(name)
        return digest

    def _fields_of(self, kind: type) -> tuple[str, ...]:
        """The fields of a dataclass that count: for views, those templates read."""
        if not dataclasses.is_dataclass(kind):
            raise TypeError(f"a {kind.__name__} cannot be keyed: teach received.Canon its "
                            "canonical form")
        names = tuple(f.name for f in dataclasses.fields(kind))
        read = view_fields(kind)
        if read is not None and whole_read(kind) not in self.reads:
            names = tuple(n for n in names if read[n] in self.reads)
        self._fields[kind] = names
        return names
