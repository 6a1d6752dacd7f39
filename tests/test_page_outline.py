"""What a writer types in a body never breaks the page around it: its ids, its outline of
headings, the words it shows.  Found by a red-team pass of every page through the Nu Html
Checker and axe: each of these made an invalid page, or lost the writer's words."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from generator.markup import render_markdown

from .conftest import article, build, page
from .outcome import build_outcome

STORY = "content/articles/tour.md"
URL = "/music/tour/"


def built(make_site, body: str, front: str = "") -> BeautifulSoup:
    text = article("Mara Quell tour", "2026-11-19 09:00", body, category="Music")
    site: Path = make_site({STORY: text.replace("\n---\n\n", "\n" + front + "---\n\n", 1)})
    build(site)
    return page(site, URL)


def test_a_subhead_never_takes_an_id_the_page_has(make_site) -> None:
    """"## Corrections" took the correction box's id: the byline's "Correction appended"
    link led to the subhead, and the page had the id twice."""
    html = built(make_site, "Intro.\n\n## Corrections\n\nA.\n\n## Main\n\nB.\n\n## Main\n\nC.\n",
                 "corrections:\n  - at: 2026-11-19 16:40\n    text: Seattle, not Portland.\n")
    ids = Counter(element["id"] for element in html.select("[id]"))
    assert [name for name, count in ids.items() if count > 1] == []
    assert html.select_one("aside#corrections") is not None
    assert [h["id"] for h in html.select(".article__body h2")] == [
        "corrections-2", "main-2", "main_1"]


def test_a_footnote_label_with_spaces_makes_ids_and_links_without_them() -> None:
    html = BeautifulSoup(render_markdown(
        "It opened big.[^box office]\n\n[^box office]: Studio figures.\n").html.decode(),
        "html.parser")
    reference, note = html.select_one("sup a"), html.select_one("div.footnote li")
    assert reference["href"] == "#fn:box-office" and note["id"] == "fn:box-office"
    assert all(not re.search(r"\s", e["id"]) for e in html.select("[id]"))


def test_words_in_angle_brackets_that_are_no_element_are_shown_as_typed(make_site) -> None:
    """"working title <Untitled>" was published as an <untitled> element: the words
    vanished from the page and its feeds."""
    html = built(make_site, "The drama, working title <Untitled>, films in May. It is "
                            "<b>bold</b>, with a <my-player></my-player>.\n")
    body = html.select_one(".article__body")
    assert "working title <Untitled>, films in May" in body.get_text()
    assert body.find("b").get_text() == "bold" and body.find("my-player") is not None


def test_subheads_start_under_the_headline_whichever_level_the_writer_used(make_site) -> None:
    html = built(make_site, "Intro.\n\n### The opener\n\nA.\n\n#### Backstage\n\nB.\n\n"
                            "### The encore\n\nC.\n")
    assert [h.name for h in html.select("h1, h2, h3, h4, h5, h6")
            if h.find_parent(class_="article__body")] == ["h2", "h3", "h2"]
    assert len(html.select("h1")) == 1
    one = BeautifulSoup(render_markdown("# Big\n\nx\n\n## Smaller\n").html.decode(),
                        "html.parser")
    assert [h.name for h in one.select("h2, h3")] == ["h2", "h3"]


def test_words_in_brackets_reach_the_feed_too(make_site, tmp_path) -> None:
    text = article("Mara Quell tour", "2026-11-19 09:00", "Working title <Untitled>.",
                   category="Music")
    site: Path = make_site({STORY: text})
    build(site)
    entry = json.loads((site / "output/feed.json").read_text())["items"][0]
    assert "Working title &lt;Untitled&gt;." in entry["content_html"]


def test_a_story_in_another_language_says_so_on_its_page_cards_feeds_and_sitemap(
        make_site) -> None:
    """Found by a red-team pass: an Arabic story on an English site was read out in an
    English voice and laid out left to right, and no field could say otherwise."""
    arabic = article("فاز فيلم النجوم", "2099-01-01 09:00", "فاز الفيلم بالجائزة.",
                     category="Music").replace("category:", "language: ar\ncategory:")
    site: Path = make_site({
        STORY: arabic.replace("2099-01-01 09:00", "2026-11-19 09:00"),
        "content/articles/other.md": article("An English one", "2026-11-18 09:00", "Hi.",
                                             category="Music").replace(
                                                 "category:", "language: EN\ncategory:")})
    build(site)
    story = page(site, URL)
    assert story.html["lang"] == "en" and not story.html.has_attr("dir")
    assert story.select_one("article.article")["lang"] == "ar"
    assert story.select_one("article.article")["dir"] == "rtl"
    data = json.loads(story.find("script", type="application/ld+json").string)
    assert data["inLanguage"] == "ar"
    cards = page(site, "/").select("li.card")
    assert [(c.get("lang"), c.get("dir")) for c in cards] == [("ar", "rtl"), (None, None)]
    items = json.loads((site / "output/feed.json").read_text())["items"]
    assert [item.get("language") for item in items] == ["ar", None]
    atom = (site / "output/feed.xml").read_text()
    assert atom.count('xml:lang="ar"') == 1


def test_a_language_that_is_no_code_is_an_error_at_its_line(make_site) -> None:
    site: Path = make_site({STORY: article("Tour", "2026-11-19 09:00", "Hi.", category="Music")
                            .replace("category:", "language: Arabic\ncategory:")})
    run = build_outcome(site)
    assert run.err.splitlines()[0] == (
        f"{STORY}:4: error: 'language' must be a language code such as en, en-GB, fr or "
        "pt-BR: the language this story is written in, when it is not the site's (en)")
