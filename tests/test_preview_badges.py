"""Issue 16, the preview: cards of drafts and scheduled stories say so in words on every list,
not only on the story's own page; a build for readers never does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildOptions, BuildState, build_site

from .conftest import NOW, SITE_YAML, article, build, page, photo_bytes
from .outcome import run_byline

LISTS = ("/", "/music/", "/tags/tours/", "/authors/karen-ruffini/")
DUE = "2030-01-01 09:00"  # after NOW and the clock: scheduled


@pytest.fixture
def newsroom(make_site) -> Path:
    """A published story, a draft and a scheduled one, on the same lists."""
    files: dict[str, str | bytes] = {
        "site.yaml": SITE_YAML.replace("per_page: 2", "per_page: 10"),
        "content/authors/karen-ruffini.yaml": "name: Karen Ruffini\n"}
    stories = {"out": ("Out now", "2026-11-10", ""), "draft": ("Not yet", "2026-11-12", "true"),
               "later": ("Coming soon", DUE, "")}
    for slug, (title, date, draft) in stories.items():
        fields = {"draft": draft} if draft else {}
        files[f"content/articles/{slug}/index.md"] = article(
            title=title, date=date, author="Karen Ruffini", category="Music", tags="[Tours]",
            hero=f"\n  image: {slug}.jpg\n  alt: A photo\n  credit: Wire", **fields)
        files[f"content/articles/{slug}/{slug}.jpg"] = photo_bytes((600, 400))
    return make_site(files)


def preview_options(site: Path, now: datetime = NOW) -> BuildOptions:
    """What `byline serve` asks of a build (generator/serve/preview.py)."""
    return BuildOptions(site=site, output=site / ".byline-cache" / "preview", drafts=True,
                        future=True, preview=True, now=now)


def badges(html: BeautifulSoup) -> dict[str, str | None]:
    """Each card's headline and the word above it, if any."""
    found = {}
    for card in html.select("main li.card"):
        status = card.select_one(".card__status")
        found[card.select_one(".card__title").get_text(strip=True)] = (
            status.get_text(strip=True) if status else None)
    return found


@pytest.mark.parametrize("path", LISTS)
def test_preview_cards_say_draft_and_scheduled_in_words(newsroom, path):
    build_site(preview_options(newsroom))
    html = page(newsroom, path, output=".byline-cache/preview")
    assert badges(html) == {"Coming soon": "Scheduled", "Not yet": "Draft", "Out now": None}
    card = html.find("a", string="Not yet").find_parent("li")
    # Read before the headline, as a word: not a colour, not a title attribute.
    words = card.select_one(".card__body").get_text(" ", strip=True)
    assert words.startswith("Draft Music Not yet")


def test_a_related_story_in_the_preview_carries_its_badge_too(newsroom):
    build_site(preview_options(newsroom))
    html = page(newsroom, "/music/out/", output=".byline-cache/preview")
    assert badges(html) == {"Coming soon": "Scheduled", "Not yet": "Draft"}


@pytest.mark.parametrize("path", LISTS)
def test_a_build_for_readers_has_no_badges(newsroom, path):
    assert run_byline(["build", "--site", str(newsroom), "--quiet"]).code == 0
    html = page(newsroom, path)
    assert badges(html) == {"Out now": None}
    assert "card__status" not in str(html)


def test_a_build_with_future_stories_does_not_call_them_scheduled(newsroom):
    build(newsroom, future=True)
    assert badges(page(newsroom, "/music/")) == {"Coming soon": None, "Out now": None}


def test_the_badge_goes_when_the_story_comes_due(newsroom):
    state = BuildState()
    build_site(preview_options(newsroom), state)
    due = datetime(2030, 1, 1, 9, 1, tzinfo=NOW.tzinfo)
    build_site(preview_options(newsroom, now=due), state)  # the preview's next build
    for path in LISTS:
        html = page(newsroom, path, output=".byline-cache/preview")
        assert badges(html)["Coming soon"] is None, path
    fresh = newsroom.parent / "fresh"
    build_site(BuildOptions(site=newsroom, output=fresh, drafts=True, future=True,
                            preview=True, now=due))
    for path in LISTS:
        name = path.lstrip("/") + "index.html"
        assert (fresh / name).read_bytes() == \
            (newsroom / ".byline-cache/preview" / name).read_bytes(), path


def test_a_draft_page_seen_in_the_preview_is_never_published(make_site):
    """A red-team pass: a page marked draft: true, once the preview had checked it (drafts
    shown), was published by the next `byline build` from the cache's copy, linked from
    every page's footer and listed in the sitemap; the preview did not say it was a draft."""
    site = make_site({
        "content/articles/out.md": article("Out now", category="Music"),
        "content/pages/statement.md": "---\ntitle: Our statement\ndraft: true\nlanguage: fr\n"
                                      "---\n\nSoon.\n",
    })
    build_site(preview_options(site))
    previewed = page(site, "/statement/", output=".byline-cache/preview")
    assert previewed.select_one(".status-banner--draft").get_text(" ", strip=True) == (
        "Draft — not published")
    assert previewed.find("article").get("data-pagefind-body") is None  # not indexed
    assert not build(site).warnings  # nor its warnings (a review: they were said still)
    assert not (site / "output/statement").exists()
    assert "/statement/" not in [a["href"] for a in page(site, "/").select("footer a")]
    assert "statement" not in (site / "output/sitemap.xml").read_text("utf-8")
