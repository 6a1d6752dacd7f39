"""Related stories are ranked when first asked for, and ranked as an eager ranking would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.render import build_index

from .conftest import SiteFiles, article, build

TAGS = ["[Tour]", "[Tour, Vinyl]", "[Vinyl]", "[Tour, Vinyl, Awards]", "[Awards]", "[Tour]",
        "[]", "[Vinyl, Awards]"]


def _shared_first(tags: list[set[str]], me: int, count: int) -> tuple[int, ...]:
    """Positions sharing the most tags with ``me`` (lowest first among equals): by counting."""
    shared = [(len(tags[me] & theirs), at) for at, theirs in enumerate(tags) if at != me]
    return tuple(at for n, at in sorted(shared, key=lambda s: (-s[0], s[1])) if n)[:count]


def test_related_stories_are_ranked_on_demand_as_counting_would(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    site = make_site({
        f"content/articles/story-{n}.md": article(f"Story {n}", date=f"2026-10-{n + 1:02d} 09:00",
                                                  tags=tags)
        for n, tags in enumerate(TAGS)})
    content = build(site).content
    assert content is not None
    index = build_index(content, (), related_count=3)
    assert dict(index.ranked.known()) == {}  # nothing ranked until a page asks
    first = index.ranked[2]
    assert list(index.ranked.known()) == [2]
    assert index.ranked[2] is first  # asked again: the same ranking, not ranked again
    tags = [{t.slug for t in a.tags} for a in content.articles]
    assert [index.ranked[at] for at in range(len(TAGS))] == [
        _shared_first(tags, at, 3) for at in range(len(TAGS))]
    assert [a.title for a in index.related(content.articles[0])] == [
        content.articles[at].title for at in _shared_first(tags, 0, 3)]
