"""The site's groupings: categories, tags, authors and years, each with its articles, and
every article's related stories.

Built once per build from ``Content`` and never changed after: every output can be planned
from it, and a render worker (forked or spawned) reads the same index as the build.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    related_count: int  # how many related stories an article shows (site.yaml)
    # By position: the positions of each article's related stories.  A ranking an index
    # keeps from the previous one is the same tuple (``structure`` in plan.py relies on it).
    ranked: Rankings = field(compare=False, repr=False)
    # What related stories are ranked from: each article's URL and tags, newest first.
    shape: tuple[tuple[str, tuple[str, ...]], ...] = field(compare=False, repr=False)

    def related(self, article: Article) -> tuple[Article, ...]:
        """Articles sharing the most tags with ``article`` (newer first among equals)."""
        return tuple(self.content.articles[i] for i in self.related_positions(article))

    def related_positions(self, article: Article) -> tuple[int, ...]:
        """The positions of ``related(article)`` in ``content.articles``."""
        return self.ranked[self.position[article.url]]


def by_month(articles: Sequence[Article]) -> dict[int, list[Article]]:
    """One year's stories (newest first) by month, the newest month first."""
    months: dict[int, list[Article]] = {}
    for article in articles:
        months.setdefault(article.date.month, []).append(article)
    return months


def has_month_pages(articles: Sequence[Article], limit: int) -> bool:
    """Whether a year of these stories lists its months, each on a page of its own, rather
    than its stories: a big newsroom's year of headlines on one page weighs megabytes on a
    reader's phone (2.5 MB for 10,000 stories), a month of it a twelfth of that.  ``limit``
    is site.yaml's ``archive_month_pages_from``: from that many stories on (1: every year)."""
    return len(articles) >= limit


class Rankings:
    """Every article's related stories, by position, each ranked the first time it is asked
    for (a build that renders a dozen pages of 10,000 ranks a dozen); ``kept``, rankings an
    earlier index made that still hold, are used as they are.  Ranking is deterministic, so a
    worker that ranks one again finds what the build would."""

    def __init__(self, content: Content, masks: Mapping[str, int], count: int,
                 kept: dict[int, tuple[int, ...]]) -> None:
        self._articles = content.articles
        self._masks = masks
        self._count = count
        self._known = kept

    def __len__(self) -> int:
        return len(self._articles)

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        return (self[at] for at in range(len(self._articles)))

    def __getitem__(self, at: int) -> tuple[int, ...]:
        found = self._known.get(at)
        if found is None:
            tags = dict.fromkeys(t.slug for t in self._articles[at].tags)
            found = self._known[at] = _best_matches([self._masks[s] for s in tags], at,
                                                    self._count)
        return found

    def known(self) -> Mapping[int, tuple[int, ...]]:
        """The rankings made (or kept) so far."""
        return self._known


def _still_related(
    previous: SiteIndex | None, shape: tuple[tuple[str, tuple[str, ...]], ...],
    masks: Mapping[str, int], count: int,
) -> dict[int, tuple[int, ...]]:
    """The previous related-story rankings that still hold.

    When every article kept its position and only some changed tags, a story's ranking can
    change only if it has a tag one of those gained or lost (its shared-tag count with that
    one moved; nobody else's did), or is one of those.  Any other change (a story added,
    removed or redated) starts afresh.
    """
    if previous is None or len(previous.shape) != len(shape) or previous.related_count != count:
        return {}
    touched = 0
    tags: set[str] = set()
    for position, (old, new) in enumerate(zip(previous.shape, shape, strict=True)):
        if old[0] != new[0]:
            return {}
        if old[1] != new[1]:
            touched |= 1 << position
            tags.update(set(old[1]) ^ set(new[1]))
    for slug in tags:
        touched |= masks.get(slug, 0) | previous.tag_masks.get(slug, 0)
    return {me: found for me, found in previous.ranked.known().items()
            if not (touched >> me) & 1}


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
    content: Content, category_order: tuple[str, ...], previous: SiteIndex | None = None,
    *, related_count: int,
) -> SiteIndex:
    """Group the content's articles by category, tag, author and year, and rank each one's
    ``related_count`` related stories.

    With the ``previous`` build's index, its ranked related stories are kept where they cannot
    have changed: the preview rebuilds often, and ranking them all takes a few tenths of a
    second at 10,000 articles.  The others are ranked when first asked for (``Rankings``).
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
    nav = _nav(category_terms.values(), {s: len(a) for s, a in categories.items()},
               category_order)
    shape = tuple((a.url, tuple(t.slug for t in a.tags)) for a in content.articles)
    masks = {slug: _mask(positions) for slug, positions in tag_positions.items()}
    return SiteIndex(
        related_count=related_count,
        ranked=Rankings(content, masks, related_count,
                        _still_related(previous, shape, masks, related_count)),
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


def reindex(
    index: SiteIndex, content: Content, edits: Mapping[str, tuple[Article, Article]],
    category_order: tuple[str, ...],
) -> SiteIndex:
    """The index of ``content``, where each (old, new) pair in ``edits`` (by URL) took the
    old version's place, keeping its URL and date and so its position.

    Only the groupings an edit entered or left (a tag added, a byline changed) are made
    again; the others keep their objects, with the new versions swapped in, so what did not
    change is still the same object (``structure`` in plan.py relies on it).
    """
    if not edits:
        return replace(index, content=content)
    position = index.position
    new = {url: pair[1] for url, pair in edits.items()}

    def swap(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        # Groups keep the site's order: find each edited article by bisection, not a walk.
        copy: list[Article] | None = None
        for url, article in new.items():
            at = bisect_left(articles, position[url], key=lambda a: position[a.url])
            if at < len(articles) and articles[at].url == url and articles[at] is not article:
                copy = copy or list(articles)
                copy[at] = article
        return tuple(copy) if copy else articles

    def regroup(members: tuple[Article, ...], belongs: Callable[[Article], bool]
                ) -> tuple[Article, ...]:
        at = {position[a.url] for a in members if a.url not in new}
        at.update(position[url] for url, article in new.items() if belongs(article))
        return tuple(content.articles[p] for p in sorted(at))

    def moved(keys: Callable[[Article], Iterable[str]]) -> set[str]:
        return {k for old, edited in edits.values() for k in set(keys(old)) ^ set(keys(edited))}

    # The lambdas' defaults bind the loop's slug; mypy cannot infer a lambda with defaults.
    categories = {g.term.slug: g for g in index.categories}
    for slug in moved(_category_slugs):
        group = categories.pop(slug, None)
        arts = regroup(group.articles if group else (), lambda a, s=slug: _category_slugs(a) == [s])  # type: ignore[misc]
        if arts:
            term = next(a.category for a in arts if a.category)
            categories[slug] = Group(term, arts)
    tags = dict(index.tags)
    masks = dict(index.tag_masks)
    for slug in moved(_tag_slugs):
        group = tags.pop(slug, None)
        masks.pop(slug, None)
        arts = regroup(group.articles if group else (), lambda a, s=slug: s in _tag_slugs(a))  # type: ignore[misc]
        if arts:
            tags[slug] = Group(next(t for t in arts[0].tags if t.slug == slug), arts)
            masks[slug] = _mask([position[a.url] for a in arts])
    by_author = dict(index.by_author)
    for slug in moved(lambda a: a.author_slugs):
        if slug in by_author:
            by_author[slug] = regroup(by_author[slug], lambda a, s=slug: s in a.author_slugs)  # type: ignore[misc]
    # Copied only when an edit changed a story's tags: 100,000 entries otherwise.
    shaped = {position[url]: (url, tuple(t.slug for t in article.tags))
              for url, article in new.items()}
    same = all(index.shape[at] == entry for at, entry in shaped.items())
    reshaped = index.shape
    if not same:
        shape = list(index.shape)
        for at, entry in shaped.items():
            shape[at] = entry
        reshaped = tuple(shape)
    return replace(
        index,
        content=content,
        categories=tuple(_swapped(categories[t.slug], swap) for t in _nav(
            [g.term for g in categories.values()],
            {slug: len(g.articles) for slug, g in categories.items()}, category_order)),
        tags={slug: _swapped(tags[slug], swap) for slug in sorted(tags)},
        by_author={slug: swap(arts) for slug, arts in by_author.items()},
        years={year: swap(arts) for year, arts in index.years.items()},
        tag_masks=masks,
        shape=reshaped,
        ranked=index.ranked if same else Rankings(
            content, masks, index.related_count,
            _still_related(index, reshaped, masks, index.related_count)),
    )


def _swapped(group: Group, swap: Callable[[tuple[Article, ...]], tuple[Article, ...]]) -> Group:
    articles = swap(group.articles)
    return group if articles is group.articles else Group(group.term, articles)


def _category_slugs(article: Article) -> list[str]:
    return [article.category.slug] if article.category else []


def _tag_slugs(article: Article) -> list[str]:
    return [t.slug for t in article.tags]


def _nav(terms: Iterable[Term], sizes: Mapping[str, int], category_order: tuple[str, ...]
         ) -> list[Term]:
    """The categories in navigation order: as ``site.yaml`` lists them, then the biggest."""
    order = {name.lower(): i for i, name in enumerate(category_order)}
    return sorted(terms, key=lambda t: (order.get(t.name.lower(), len(order)), -sizes[t.slug],
                                        t.slug))


def authors_of(article: Article, authors: Mapping[str, Author]) -> tuple[Author, ...]:
    """The article's authors, in the order the writer listed them."""
    return tuple(authors[s] for s in article.author_slugs if s in authors)
