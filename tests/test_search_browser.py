"""The search box and page in Chromium, on the built files served as a static host would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import search_stage

from .browser import launched_chromium, served
from .conftest import NOW, SITE_YAML, article, build
from .test_sample_site import copy_sample
from .test_search import require_pagefind

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def headlines(page) -> list[str]:
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    return page.locator(".search-result__title").all_inner_texts()


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    require_pagefind()
    site = copy_sample(tmp_path_factory.mktemp("search") / "site")
    build(site, now=NOW, search=True)
    return site


def test_typing_in_the_header_box_finds_the_headline(browser, sample_site):
    with served(sample_site / "output") as root:
        page = browser.new_page()
        page.goto(root + "/")
        page.fill("#site-search-q", "Blanchard")
        page.press("#site-search-q", "Enter")
        page.wait_for_url("**/search/?q=Blanchard")
        found = headlines(page)
        assert found and "Rory Blanchard" in found[0], found
        assert page.inner_text("#search-status") == f"{len(found)} stories match “Blanchard”."
        # results follow the reader's typing on the search page itself, no submit needed
        page.fill("#search-q", "Velvet Static")
        page.wait_for_function(
            "document.getElementById('search-status').textContent.includes('Velvet Static')")
        assert any("Low Tide Radio" in h for h in headlines(page))
        assert page.url.endswith("?q=Velvet+Static")
        # a result opens its story
        page.click(".search-result__title a >> nth=0")
        assert page.locator("h1").inner_text() == headlines_first_title(page)
        page.close()


def headlines_first_title(page) -> str:
    return page.locator("meta[property='og:title']").get_attribute("content").split(" | ")[0]


def test_the_themes_own_words_are_not_searched_but_a_result_shows_section_and_date(
        browser, sample_site):
    """Found by a red-team pass: "min read", each story's date and its section label were
    indexed, so "read" found every story and excerpts began "By … 2 min read"."""
    with served(sample_site / "output") as root:
        page = browser.new_page()
        page.goto(root + "/search/?q=read")
        found = headlines(page)
        page.goto(root + "/search/?q=Blanchard")
        assert headlines(page)
        meta = page.locator(".search-result__meta").first.inner_text()
        excerpt = page.locator(".search-result__excerpt").first.inner_text()
        # Only the gallery's captions say this: its slide counters ("3 / 10") are not read.
        page.goto(root + "/search/?q=Fresno")
        assert headlines(page)
        gallery = page.locator(".search-result__excerpt").first.inner_text()
        page.close()
    assert "Fresno" in gallery and not re.search(r"\b\d+ / 10\b", gallery), gallery
    everything = len(list((sample_site / "content/articles").rglob("*.md")))
    assert len(found) < everything // 2, found
    assert meta.lower().startswith("tv") and "2026" in meta, meta
    assert "min read" not in excerpt, excerpt


def test_the_scheduled_story_is_not_found(browser, sample_site):
    with served(sample_site / "output") as root:
        page = browser.new_page()
        # Only the 2027 nominations story, scheduled in the sample, names her.
        assert "Teodora" in (sample_site / "content/articles/lumen-awards-2027-nominations"
                             / "index.md").read_text(encoding="utf-8")
        page.goto(root + "/search/?q=Teodora")
        assert headlines(page) == []
        assert page.inner_text("#search-status") == "No stories match “Teodora”."
        page.close()


def test_a_headline_ranks_above_a_body_that_repeats_the_word(browser, make_site):
    require_pagefind()
    repeated = " ".join(["The zephyr blew again."] * 8)
    site = make_site({
        "content/articles/body.md": article("A windy week", "2026-11-02 10:00", repeated,
                                            category="Music"),
        "content/articles/head.md": article("Zephyr sells out the Fillmore", "2026-11-01 10:00",
                                            "Tickets went in minutes.", category="Music"),
        "content/articles/dek.md": article("A quiet tour", "2026-11-03 10:00",
                                           "Nothing to say.", category="Music",
                                           dek="The zephyr of the season"),
    })
    build(site, search=True)
    with served(site / "output") as root:
        page = browser.new_page()
        page.goto(root + "/search/?q=zephyr")
        assert headlines(page) == ["Zephyr sells out the Fillmore", "A quiet tour",
                                   "A windy week"]
        page.close()


def test_a_japanese_site_is_searched_by_word(browser, make_site):
    """Found by a red-team pass: Pagefind's plain build takes each run of Japanese between
    punctuation as one word, so 東京ドーム found nothing; the extended build cuts words."""
    require_pagefind()
    assert search_stage.find_indexer().name.startswith("pagefind_extended")
    site = make_site({
        "site.yaml": SITE_YAML + "language: ja\n",
        "content/articles/tokyo.md": article(
            "人気グループが東京ドームでコンサート", "2026-11-02 10:00",
            "三日間の公演にファン十五万人が集まった。", category="Music"),
    })
    build(site, search=True)
    with served(site / "output") as root:
        page = browser.new_page()
        for word in ("東京ドーム", "コンサート", "ファン"):
            page.goto(root + f"/search/?q={word}")
            assert headlines(page) == ["人気グループが東京ドームでコンサート"], word
        page.close()


def test_results_come_from_every_shard(browser, make_site, monkeypatch):
    require_pagefind()
    monkeypatch.setattr(search_stage, "SHARD_SIZE", 1)  # four stories, four bundles
    site = make_site({f"content/articles/s{n}.md": article(
        f"Walrus sighting {n}", f"2026-11-0{n + 1} 10:00", "A walrus on the pier.",
        category="Music") for n in range(4)})
    build(site, search=True)
    assert len(list((site / "output/pagefind").glob("*/pagefind-entry.json"))) >= 2
    with served(site / "output") as root:
        page = browser.new_page()
        page.goto(root + "/search/?q=walrus")
        assert sorted(headlines(page)) == [f"Walrus sighting {n}" for n in range(4)]
        page.close()


def test_more_than_twenty_matches_are_counted_and_listed_on_request(browser, make_site):
    """Found by a red-team pass: 25 matches were announced as "20 stories match", and the
    last 5 could not be reached."""
    require_pagefind()
    site = make_site({f"content/articles/s{n:02}.md": article(
        f"Otter sighting {n}", f"2026-10-{n + 1:02} 10:00", "An otter in the harbour.",
        category="Music") for n in range(25)})
    build(site, search=True)
    with served(site / "output") as root:
        page = browser.new_page()
        page.goto(root + "/search/?q=otter")
        assert len(headlines(page)) == 20
        assert page.inner_text("#search-status") == (
            "25 stories match “otter”; the first 20 are listed.")
        page.click(".search__more")
        page.wait_for_function("document.querySelectorAll('.search-result').length === 25")
        assert page.inner_text("#search-status") == "25 stories match “otter”."
        assert page.locator(".search__more").is_hidden()
        # Focus goes on to the first story just listed.
        assert page.evaluate("document.activeElement.textContent") == headlines(page)[20]
        page.close()
