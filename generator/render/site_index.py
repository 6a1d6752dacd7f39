"""The site's groupings: categories, tags, authors and years, each with its articles.

Built once per build from ``Content``; pure, so every output can be planned from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from generator.model import Article, Author, Content, Term


@dataclass(frozen=True, slots=True)
class Group:
    """A term (or author) and its articles, newest first."""

    term: Term
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Articles grouped every way a reader can browse them."""

    content: Content
    categories: tuple[Group, ...]  # nav order
    tags: Mapping[str, Group]
    by_author: Mapping[str, tuple[Article, ...]]
    years: Mapping[int, tuple[Article, ...]]
    position: Mapping[str, int]  # article url → index in content.articles (newest first)
    tag_masks: Mapping[str, int]  # tag slug → its articles' positions, as the bits of an int
    # (position, count) → related positions; kept by reindex, which moves no article
    related_memo: dict[tuple[int, int], tuple[int, ...]] = field(
        default_factory=dict, compare=False, repr=False)
    cited_memo: dict[int, dict[int, list[int]]] = field(  # count → position → citing ones
        default_factory=dict, compare=False, repr=False)
    # What related stories are ranked from: each article's URL and tags, newest first.
    shape: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False,
                                                           repr=False)

    def related(self, article: Article, count: int) -> tuple[Article, ...]:
        """Articles sharing the most tags with ``article`` (newer first among equals)."""
        return tuple(self.content.articles[i] for i in self._related_positions(article, count))

    def citing(self, articles: Iterable[Article], count: int) -> list[Article]:
        """The articles whose related stories include any of ``articles``."""
        cited_by = self.cited_memo.get(count)
        if cited_by is None:
            cited_by = self.cited_memo[count] = defaultdict(list)
            for me, article in enumerate(self.content.articles):
                for other in self._related_positions(article, count):
                    cited_by[other].append(me)
        found = {me for a in articles for me in cited_by.get(self.position[a.url], ())}
        return [self.content.articles[me] for me in sorted(found)]

    def _related_positions(self, article: Article, count: int) -> tuple[int, ...]:
        me = self.position[article.url]
        found = self.related_memo.get((me, count))
        if found is None:
            found = self.related_memo[me, count] = _best_matches(
                [self.tag_masks[s] for s in dict.fromkeys(t.slug for t in article.tags)],
                me, count)
        return found


def _still_related(
    previous: SiteIndex | None, shape: tuple[tuple[str, tuple[str, ...]], ...],
    masks: Mapping[str, int],
) -> dict[tuple[int, int], tuple[int, ...]]:
    """The previous related-story rankings that still hold.

    When every article kept its position and only some changed tags, a story's ranking can
    change only if it shares a tag, old or new, with one of those: nobody else's shared-tag
    counts moved.  Any other change (a story added, removed or redated) starts afresh.
    """
    if previous is None or len(previous.shape) != len(shape):
        return {}
    touched = 0
    tags: set[str] = set()
    for position, (old, new) in enumerate(zip(previous.shape, shape, strict=True)):
        if old[0] != new[0]:
            return {}
        if old[1] != new[1]:
            touched |= 1 << position
            tags.update(old[1], new[1])
    for slug in tags:
        touched |= masks.get(slug, 0) | previous.tag_masks.get(slug, 0)
    return {key: found for key, found in previous.related_memo.items()
            if not (touched >> key[0]) & 1}


def _mask(positions: list[int]) -> int:
    """The set of ``positions`` as the bits of one integer."""
    bits = bytearray(positions[-1] // 8 + 1)  # positions ascend
    for position in positions:
        bits[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bits, "little")


def _best_matches(masks: list[int], me: int, count: int) -> tuple[int, ...]:
    """Positions sharing the most of ``masks`` (lowest position first among equals), not ``me``.

    Each mask is a set of article positions as the bits of one integer, so the work is a few
    dozen operations on 10,000-bit integers (done in C) per article, instead of counting tag
    members one by one: this runs for every article page.
    """
    # How many masks each position is in, as a binary number across ``digits`` (bit slices).
    digits: list[int] = []
    for mask in masks:
        carry = mask
        for i, digit in enumerate(digits):
            digits[i], carry = digit ^ carry, digit & carry
            if not carry:
                break
        else:
            digits.append(carry)
    anyone = 0
    for mask in masks:
        anyone |= mask
    anyone &= ~(1 << me)
    found: list[int] = []
    for shared in range(len(masks), 0, -1):
        members = anyone
        for i, digit in enumerate(digits):
            members = members & digit if (shared >> i) & 1 else members & ~digit
        while members and len(found) < count:
            lowest = members & -members
            found.append(lowest.bit_length() - 1)
            members ^= lowest
        if len(found) == count:
            break
    return tuple(found)


def build_index(
    content: Content, category_order: tuple[str, ...], previous: SiteIndex | None = None
) -> SiteIndex:
    """Group the content's articles by category, tag, author and year.

    With the ``previous`` build's index, its ranked related stories are kept where they cannot
    have changed: the preview rebuilds often, and ranking them all takes a few tenths of a
    second at 10,000 articles.
    """
    categories: dict[str, list[Article]] = defaultdict(list)
    category_terms: dict[str, Term] = {}
    tags: dict[str, list[Article]] = defaultdict(list)
    tag_terms: dict[str, Term] = {}
    by_author: dict[str, list[Article]] = defaultdict(list)
    years: dict[int, list[Article]] = defaultdict(list)
    tag_positions: dict[str, list[int]] = defaultdict(list)
    for position, article in enumerate(content.articles):
        if article.category:
            categories[article.category.slug].append(article)
            category_terms[article.category.slug] = article.category
        for tag in article.tags:
            tags[tag.slug].append(article)
            tag_terms[tag.slug] = tag
            tag_positions[tag.slug].append(position)
        for slug in article.author_slugs:
            by_author[slug].append(article)
        years[article.date.year].append(article)
    order = {name.lower(): i for i, name in enumerate(category_order)}
    nav = sorted(
        category_terms.values(),
        key=lambda t: (order.get(t.name.lower(), len(order)), -len(categories[t.slug]), t.slug),
    )
    shape = tuple((a.url, tuple(t.slug for t in a.tags)) for a in content.articles)
    masks = {slug: _mask(positions) for slug, positions in tag_positions.items()}
    same = previous is not None and previous.shape == shape
    return SiteIndex(
        related_memo=_still_related(previous, shape, masks),
        cited_memo=previous.cited_memo if previous and same else {},
        shape=shape,
        content=content,
        categories=tuple(Group(t, tuple(categories[t.slug])) for t in nav),
        tags={slug: Group(tag_terms[slug], tuple(arts)) for slug, arts in sorted(tags.items())},
        by_author={slug: tuple(by_author.get(slug, ())) for slug in content.authors},
        years={year: tuple(arts) for year, arts in sorted(years.items(), reverse=True)},
        position={a.url: i for i, a in enumerate(content.articles)},
        tag_masks=masks,
    )


def placement(article: Article) -> tuple[object, ...]:
    """Everything ``build_index`` reads of an article: where it sits in every grouping."""
    return (article.url, article.date, article.category, article.tags, article.author_slugs)


def reindex(index: SiteIndex, content: Content, edited: Iterable[Article]) -> SiteIndex:
    """The index of ``content``, in which ``edited`` articles replace those at their URLs.

    Only for edits that keep each article's ``placement``: every grouping and position stays,
    only the objects change.
    """
    new = {a.url: a for a in edited}
    if not new:
        return replace(index, content=content)

    def swap(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        return tuple(new.get(a.url, a) for a in articles)

    categories = {a.category.slug for a in new.values() if a.category}
    tags = {t.slug for a in new.values() for t in a.tags}
    authors = {s for a in new.values() for s in a.author_slugs}
    years = {a.date.year for a in new.values()}
    return replace(
        index,
        content=content,
        categories=tuple(Group(g.term, swap(g.articles)) if g.term.slug in categories else g
                         for g in index.categories),
        tags={slug: Group(g.term, swap(g.articles)) if slug in tags else g
              for slug, g in index.tags.items()},
        by_author={slug: swap(arts) if slug in authors else arts
                   for slug, arts in index.by_author.items()},
        years={year: swap(arts) if year in years else arts for year, arts in index.years.items()},
    )


def authors_of(article: Article, authors: Mapping[str, Author]) -> tuple[Author, ...]:
    """The article's authors, in the order the writer listed them."""
    return tuple(authors[s] for s in article.author_slugs if s in authors)
