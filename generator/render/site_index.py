"""The site's groupings: categories, tags, authors and years, each with its articles.

Built once per build from ``Content``; pure, so every output can be planned from it.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain

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
    tag_positions: Mapping[str, tuple[int, ...]]  # tag slug → article indexes

    def related(self, article: Article, count: int) -> tuple[Article, ...]:
        """Articles sharing the most tags with ``article`` (newer first among equals)."""
        if not article.tags:
            return ()
        me = self.position[article.url]
        shared = Counter(
            chain.from_iterable(self.tag_positions[t.slug] for t in article.tags)
        )
        shared.pop(me, None)
        # One integer per candidate (more shared tags first, then newer) so heapq picks the
        # best in C: this runs for every article page, over hundreds of candidates each.
        scale = len(self.content.articles)
        ranked = heapq.nsmallest(count, [i - n * scale for i, n in shared.items()])
        return tuple(self.content.articles[r % scale] for r in ranked)


def build_index(content: Content, category_order: tuple[str, ...]) -> SiteIndex:
    """Group the content's articles by category, tag, author and year."""
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
    return SiteIndex(
        content=content,
        categories=tuple(Group(t, tuple(categories[t.slug])) for t in nav),
        tags={slug: Group(tag_terms[slug], tuple(arts)) for slug, arts in sorted(tags.items())},
        by_author={slug: tuple(by_author.get(slug, ())) for slug in content.authors},
        years={year: tuple(arts) for year, arts in sorted(years.items(), reverse=True)},
        position={a.url: i for i, a in enumerate(content.articles)},
        tag_positions={k: tuple(v) for k, v in tag_positions.items()},
    )


def authors_of(article: Article, authors: Mapping[str, Author]) -> tuple[Author, ...]:
    """The article's authors, in the order the writer listed them."""
    return tuple(authors[s] for s in article.author_slugs if s in authors)
