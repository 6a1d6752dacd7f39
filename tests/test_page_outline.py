"""What a writer types in a body never breaks the page around it: its ids, its outline of
headings, the words it shows.  Found by a red-team pass of every page through the Nu Html
Checker and axe: each of these made an invalid page, or lost the writer's words."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("typed", ["<Untitled: Part 2>", "<Encore!>", "<tel:+15551234567>",
                                   "<Act I/II>", "<b!>",
                                   # A review: titles whose first word names an element,
                                   # or with a hyphen, vanished or stopped the build.
                                   "<A Business Proposal>", "<I Am>", "<Big Mouth>",
                                   "<K-Pop Demon Hunters>", "<Spider-Man 2>", "<X-Men>",
                                   # A red-team pass: one word that names an element, in a
                                   # title's capitals, hid the rest of the page or vanished.
                                   "<Time>", "<Search>", "<Select>", "<Title>", "<Big>"])
def test_words_in_angle_brackets_are_shown_as_typed_whatever_follows_the_word(typed) -> None:
    """Found by a red-team pass: only "<Untitled>" and "<Untitled Part 2>" were the writer's
    words; "<Untitled: Part 2>" and "<Encore!>" were published as elements no browser knows,
    and the words vanished."""
    html = BeautifulSoup(render_markdown(f"The crowd yelled {typed} twice.\n").html.decode(),
                         "html.parser")
    assert html.get_text() == f"The crowd yelled {typed} twice."
    assert [tag.name for tag in html.find_all(True)] == ["p"]


@pytest.mark.parametrize("typed", ["<Table for Two> is back.", "<Main Street> opens.",
                                   "<Map of the Soul: 7> tops the chart.",
                                   "<Search> (2020) is back.", "<Header> wins."])
def test_words_in_brackets_starting_a_paragraph_are_shown_as_typed(typed) -> None:
    """A review: a title whose first word names a block element ("<Table for Two>") made
    the paragraph raw HTML, and the build stopped with "this <table> is never closed"."""
    rendered = render_markdown(f"{typed}\n\nNext.\n")
    html = BeautifulSoup(rendered.html.decode(), "html.parser")
    assert [p.get_text() for p in html.find_all("p")] == [typed, "Next."]
    assert rendered.slips == ()


def test_html_a_writer_types_is_still_html() -> None:
    text = ('Real: <a href="https://x.example/">x</a>, <I>old</I>, <b class="x">b</b>, '
            '<video controls muted src="v.mp4"></video>, <my-player></my-player>, line<br/>'
            'break, <span data-x>s</span>, <abbr title="t">T</abbr>, Word<o:p></o:p>.\n'
            '\n<table border>\n<tr><td nowrap>x</td></tr>\n</table>\n\nOld <B>caps</B>.\n')
    html = BeautifulSoup(render_markdown(text).html.decode(), "html.parser")
    assert [tag.name for tag in html.find_all(True)] == [
        "p", "a", "i", "b", "video", "my-player", "br", "span", "abbr", "o:p", "table", "tr",
        "td", "p", "b"]


def test_subheads_start_under_the_headline_whichever_level_the_writer_used(make_site) -> None:
    html = built(make_site, "Intro.\n\n### The opener\n\nA.\n\n#### Backstage\n\nB.\n\n"
                            "### The encore\n\nC.\n")
    assert [h.name for h in html.select("h1, h2, h3, h4, h5, h6")
            if h.find_parent(class_="article__body")] == ["h2", "h3", "h2"]
    assert len(html.select("h1")) == 1
    one = BeautifulSoup(render_markdown("# Big\n\nx\n\n## Smaller\n").html.decode(),
                        "html.parser")
    assert [h.name for h in one.select("h2, h3")] == ["h2", "h3"]


@pytest.mark.parametrize(("typed", "given"), [
    # Found by a red-team pass: one shift for the whole body left h1 -> h4 and h2 -> h4.
    (["###", "#", "###"], ["h2", "h2", "h3"]),
    (["#", "###", "##", "######"], ["h2", "h3", "h3", "h4"]),
    (["##", "####", "###", "#"], ["h2", "h3", "h3", "h2"]),
])
def test_subheads_never_skip_a_level(typed: list[str], given: list[str]) -> None:
    body = "\n\n".join(f"{marks} Part {n}\n\nText." for n, marks in enumerate(typed))
    html = BeautifulSoup(render_markdown(body).html.decode(), "html.parser")
    assert [h.name for h in html.select("h1, h2, h3, h4, h5, h6")] == given


def test_a_live_blogs_intro_heading_is_no_second_headline() -> None:
    """Found by a red-team pass: a live blog's headings were left as typed, so the intro's
    ``# How to follow`` was a second <h1>."""
    body = ("# How to follow tonight\n\nRefresh.\n\n## 7:05 pm — The carpet opens\n\n"
            "First.\n\n#### Who wore what\n\nGold.\n\n## 7:30 pm\n\nSpeeches.\n")
    html = BeautifulSoup(render_markdown(body, live=True).html.decode(), "html.parser")
    # The updates' headings are cut out, for the page to show in each update's <h2>.
    assert [(h.name, h.get_text()) for h in html.select("h1, h2, h3, h4, h5, h6")] == [
        ("h2", "How to follow tonight"), ("h3", "Who wore what")]


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
                     category="Music", tags="[gala]").replace("category:",
                                                              "language: ar\ncategory:")
    site: Path = make_site({
        STORY: arabic.replace("2099-01-01 09:00", "2026-11-19 09:00"),
        "content/articles/other.md": article("An English one", "2026-11-18 09:00", "Hi.",
                                             category="Music", tags="[gala]").replace(
                                                 "category:", "language: EN\ncategory:")})
    build(site)
    story = page(site, URL)
    assert story.html["lang"] == "en" and not story.html.has_attr("dir")
    assert story.select_one("article.article")["lang"] == "ar"
    assert story.select_one("article.article")["dir"] == "rtl"
    # The theme's words and the English stories shown with it are the site's language, not
    # the story's (a red-team pass: read in the story's voice): section, related stories.
    for part in ("article .kicker", "aside.related"):
        found = story.select_one(part)
        assert (found["lang"], found["dir"]) == ("en", "ltr"), part
    data = json.loads(story.find("script", type="application/ld+json").string)
    assert data["inLanguage"] == "ar"
    # What a share card's text is in (a red-team pass: the Arabic title said en_US).
    assert story.find("meta", property="og:locale")["content"] == "ar_AR"
    assert page(site, "/music/other/").find("meta", property="og:locale")["content"] == "en_US"
    cards = page(site, "/").select("li.card")
    assert [(c.get("lang"), c.get("dir")) for c in cards] == [("ar", "rtl"), (None, None)]
    # Its "By … / date" line and its section are the site's words (a red-team pass: read in
    # an Arabic voice, laid out right to left).
    assert [(p.get("lang"), p.get("dir")) for p in cards[0].select(".card__meta, .kicker")
            ] == [("en", "ltr"), ("en", "ltr")]
    items = json.loads((site / "output/feed.json").read_text())["items"]
    assert [item.get("language") for item in items] == ["ar", None]
    atom = (site / "output/feed.xml").read_text()
    assert atom.count('xml:lang="ar"') == 1
    # The RSS item too (a docs audit: only the channel's <language>en</language> said it).
    rss = ET.parse(site / "output/rss.xml").getroot()
    dc = "{http://purl.org/dc/elements/1.1/}language"
    assert [item.findtext(dc) for item in rss.iter("item")] == ["ar", None]


def test_a_language_that_is_no_code_is_an_error_at_its_line(make_site) -> None:
    site: Path = make_site({STORY: article("Tour", "2026-11-19 09:00", "Hi.", category="Music")
                            .replace("category:", "language: Arabic\ncategory:")})
    run = build_outcome(site)
    assert run.err.splitlines()[0] == (
        f"{STORY}:4: error: 'language' must be a language code such as en, en-GB, fr or "
        "pt-BR: the language this story is written in, when it is not the site's (en)")


def test_a_subheads_own_anchor_that_is_the_pages_is_renamed_with_the_links_to_it() -> None:
    """Found by a red-team pass of the renaming above: "{#main}" became main-2 while the
    story's link to it still said #main, the page's <main>."""
    html = BeautifulSoup(render_markdown(
        "Jump to [the main event](#main).\n\n## The main event {#main}\n\nMore.\n"
    ).html.decode(), "html.parser")
    assert html.find("h2")["id"] == "main-2" and html.find("a")["href"] == "#main-2"


def test_svg_mathml_and_ruby_a_writer_pastes_stay_markup() -> None:
    body = ('A chart <svg width="10" height="10"><filter id="s"><feDropShadow dx="1"/>'
            '</filter><set attributeName="x" to="1"/></svg>, a formula '
            "<math><mover><mi>x</mi><mo>^</mo></mover><mspace/></math> and "
            "<ruby><rb>漢</rb><rtc>kan</rtc></ruby>.\n")
    html = render_markdown(body).html.decode()
    assert "&lt;" not in html
    assert html.startswith("<p>A chart <svg") and html.rstrip().endswith("</ruby>.</p>")


def test_a_footnote_number_is_not_part_of_the_summary() -> None:
    parsed = render_markdown("The tour grossed $2 billion[^1] this year.\n\n[^1]: Pollstar.\n")
    assert parsed.first_paragraph == "The tour grossed $2 billion this year."


def test_a_page_with_a_language_is_told_pages_take_none(make_site) -> None:
    about = "---\ntitle: About\nlanguage: fr\n---\n\nHi.\n"
    site: Path = make_site({"content/pages/about.md": about,
                            STORY: article("Tour", "2026-11-19 09:00", "Hi.", category="Music")})
    warnings = [str(w) for w in build(site).warnings if "language" in str(w)]
    assert warnings == ["content/pages/about.md:3: warning: a page takes no 'language' (a "
                        "story's does): the page is published in the site's (en); remove the "
                        "line"]
