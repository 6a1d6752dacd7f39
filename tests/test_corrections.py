"""Updates and corrections: front matter lists with times, shown on the story, carried into
its structured data, feeds and sitemaps, and gathered on the corrections page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

import feedparser
import pytest

from .conftest import SITE_YAML, article, build, page
from .outcome import build_outcome, run_byline, snapshot

NEW_YORK = SITE_YAML.replace("timezone: UTC", "timezone: America/New_York")
STORY = "content/articles/tour.md"
CHANGES = """\
updates:
  - at: 2026-11-19 14:05
    text: Adds the label's statement.
corrections:
  - at: 2026-11-19 16:40
    text: An earlier version gave the first city as Portland. It is Seattle.
  - 2026-11-19 15:10: An earlier version misspelled "Quell".
"""


def story(front: str = CHANGES, date: str = "2026-11-19 09:00", **fields: str) -> str:
    text = article("Mara Quell tour", date, "The tour opens in Seattle.", category="Music",
                   **fields)
    return text.replace("\n---\n\n", "\n" + front.rstrip("\n") + "\n---\n\n", 1)


def news_article(soup) -> dict:
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle")


def test_the_story_shows_when_it_was_updated_with_time_and_zone(make_site):
    site = make_site({"site.yaml": NEW_YORK, STORY: story()})
    build(site)
    soup = page(site, "/music/tour/")
    meta = soup.select_one(".byline__meta")
    updated = next(s for s in meta.find_all("span") if s.get_text().startswith("Updated"))
    assert updated.get_text(" ", strip=True) == "Updated November 19, 2026, 4:40 PM EST"
    assert updated.time["datetime"] == "2026-11-19T16:40:00-05:00"
    assert meta.find("a", href="#corrections").get_text() == "Corrections appended"


def test_the_correction_box_is_a_labelled_aside_with_each_time(make_site):
    site = make_site({"site.yaml": NEW_YORK, STORY: story()})
    build(site)
    soup = page(site, "/music/tour/")
    box = soup.find("aside", id="corrections")
    heading = soup.find(id=box["aria-labelledby"])
    assert heading.name == "h2" and heading.get_text() == "Corrections"
    items = [(li.time["datetime"], li.time.get_text(), li.get_text(" ", strip=True))
             for li in box.find_all("li")]
    assert items == [
        ("2026-11-19T16:40:00-05:00", "November 19, 2026, 4:40 PM EST",
         "November 19, 2026, 4:40 PM EST An earlier version gave the first city as Portland. "
         "It is Seattle."),
        ("2026-11-19T15:10:00-05:00", "November 19, 2026, 3:10 PM EST",
         "November 19, 2026, 3:10 PM EST An earlier version misspelled \u201cQuell\u201d."),
    ]
    updates = soup.find("section", attrs={"aria-labelledby": "updates-heading"})
    assert updates.h2.get_text() == "Update"
    assert updates.li.get_text(" ", strip=True) == \
        "November 19, 2026, 2:05 PM EST Adds the label\u2019s statement."
    # No corrections page unless site.yaml asks: the box does not point at one.
    assert box.find("a") is None
    assert not (site / "output" / "corrections").exists()


def test_date_modified_feeds_and_sitemap_use_the_newest_change(make_site):
    site = make_site({"site.yaml": NEW_YORK, STORY: story()})
    build(site)
    ld = news_article(page(site, "/music/tour/"))
    assert ld["datePublished"] == "2026-11-19T09:00:00-05:00"
    assert ld["dateModified"] == "2026-11-19T16:40:00-05:00"
    atom = feedparser.parse((site / "output/feed.xml").read_bytes())
    assert not atom.bozo
    entry = atom.entries[0]
    assert entry.updated == "2026-11-19T16:40:00-05:00"
    assert datetime(*entry.updated_parsed[:6]) == datetime(2026, 11, 19, 21, 40)  # UTC
    assert datetime(*entry.published_parsed[:6]) == datetime(2026, 11, 19, 14, 0)
    assert datetime(*atom.feed.updated_parsed[:6]) == datetime(2026, 11, 19, 21, 40)
    rss = feedparser.parse((site / "output/rss.xml").read_bytes())
    assert not rss.bozo and rss.entries[0].link == "https://news.example/music/tour/"
    items = json.loads((site / "output/feed.json").read_text())["items"]
    assert items[0]["date_modified"] == "2026-11-19T16:40:00-05:00"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.parse(site / "output/sitemap.xml").getroot().findall("s:url", ns)
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
               for u in urls}
    assert lastmod["https://news.example/music/tour/"] == "2026-11-19T16:40:00-05:00"


def test_a_plain_updated_with_a_time_shows_it_with_the_zone(make_site):
    site = make_site({"site.yaml": NEW_YORK,
                      STORY: story("updated: 2026-07-04 08:30", date="2026-07-03 09:00"),
                      "content/articles/b.md": article("B", "2026-07-03 09:00",
                                                       updated="2026-07-04")})
    build(site)
    updated = page(site, "/music/tour/").select_one(".byline__meta").find_all("span")[0]
    assert updated.get_text(" ", strip=True) == "Updated July 4, 2026, 8:30 AM EDT"
    plain = page(site, "/b/").select_one(".byline__meta").find_all("span")[0]
    assert plain.get_text(" ", strip=True) == "Updated July 4, 2026"
    assert news_article(page(site, "/b/"))["dateModified"] == "2026-07-04T00:00:00-04:00"


def test_a_story_without_changes_has_no_updated_line_and_no_box(make_site):
    site = make_site({STORY: story("tags: [pop]")})
    build(site)
    soup = page(site, "/music/tour/")
    assert "Updated" not in soup.select_one(".byline__meta").get_text()
    assert soup.find(id="corrections") is None and soup.select(".changes") == []
    assert news_article(soup)["dateModified"] == news_article(soup)["datePublished"]


def test_forgiving_spellings_read_the_same(make_site):
    front = """\
updates: {time: 2026-11-19 14:05, note: Adds a quote.}
corrections:
  - when: 2026-11-19T20:00:00+01:00
    text: Fixes the venue.
  - date: 2026-11-20
    text: 1989
"""
    site = make_site({"site.yaml": NEW_YORK, STORY: story(front)})
    result = build(site)
    assert not result.warnings
    box = page(site, "/music/tour/").find(id="corrections")
    assert [li.get_text(" ", strip=True) for li in box.find_all("li")] == [
        "November 20, 2026 1989",  # a date alone shows no time
        "November 19, 2026, 2:00 PM EST Fixes the venue.",  # shown in the site's zone
    ]
    assert page(site, "/music/tour/").select_one(".changes--updates li").get_text(
        " ", strip=True) == "November 19, 2026, 2:05 PM EST Adds a quote."


@pytest.mark.parametrize(("front", "line", "message"), [
    ("corrections:\n  - text: Fixes the venue.\n", 6,
     "error: correction 1 has no time: add at: 2026-11-19 14:05 (in the site's timezone)"),
    ("corrections:\n  - at: 2026-11-19 14:05\n    text: Fixes it.\n  - at: Tuesday\n"
     "    text: Fixes the date.\n", 8,
     "error: correction 2: 'at' is not a date: 'Tuesday'; write 2026-11-19 14:05 or "
     "2026-11-19T14:05:00-05:00"),
    ("updates:\n  - at: 2026-11-19 14:05\n", 6,
     "error: update 1 has no text: add text: and say what changed"),
    ("corrections:\n  - at: 2026-11-19 14:05\n    text: [a, b]\n", 7,
     "error: the text of correction 1 must be words, e.g. text: An earlier version gave the "
     "wrong date"),
    ("corrections: An earlier version was wrong.\n", 5,
     "error: 'corrections' must be a list with one correction per item: write - at: "
     "2026-11-19 14:05 and, under it, text: what was wrong and what is right"),
    ("updates:\n  - Added a quote.\n", 6,
     "error: update 1 needs a time and a text: write - at: 2026-11-19 14:05 and, under it, "
     "text: what changed"),
])
def test_mistakes_name_the_line_in_a_writers_words(make_site, front, line, message):
    site = make_site({STORY: article()})
    build(site)
    previous = snapshot(site / "output")
    (site / "content/articles/bad.md").write_text(story(front), encoding="utf-8")
    run = build_outcome(site, previous=previous)
    assert run.code == 1
    assert f"content/articles/bad.md:{line}: {message}" in run.err.splitlines()


def test_doubtful_changes_are_warnings(make_site):
    front = ("corrections:\n  - at: 2026-11-18 10:00\n    txt: Fixes it.\n    text: Fixed.\n")
    site = make_site({STORY: story(front)})
    warnings = [str(w) for w in build(site).warnings]
    assert warnings == [
        "content/articles/tour.md:6: warning: correction 1 is dated 2026-11-18 10:00, before "
        "the story's own date (2026-11-19 09:00)",
        "content/articles/tour.md:7: warning: unknown key 'txt' in correction 1 is ignored: "
        "did you mean 'text'?",
    ]


def test_an_update_dated_the_storys_own_day_without_a_time_is_said_so(make_site):
    """Found by a red-team pass: its warning quoted a time of "00:00" the writer never typed,
    where the same slip in `updated:` was explained."""
    site = make_site({STORY: story("updates:\n  - at: 2026-11-19\n    text: Added a date.\n")})
    assert [str(w) for w in build(site).warnings] == [
        "content/articles/tour.md:6: warning: update 1 gives the story's own day (2026-11-19) "
        "without a time, so it reads as before the story: give the time of the change, e.g. "
        "at: 2026-11-19 15:30"]


def test_the_corrections_page_lists_every_correction_newest_first(make_site):
    other = article("Charts", "2026-11-10 10:00", "Numbers.", category="TV").replace(
        "\n---\n\n", "\ncorrections:\n  - at: 2026-11-19 15:30\n    text: Fixes a chart.\n"
        "---\n\n", 1)
    site = make_site({"site.yaml": NEW_YORK + "corrections_page: true\n", STORY: story(),
                      "content/articles/charts.md": other,
                      "content/articles/plain.md": article("Plain", "2026-11-11 10:00")})
    build(site)
    soup = page(site, "/corrections/")
    assert soup.h1.get_text() == "Corrections"
    rows = [(li.a["href"], li.a.get_text(), li.time["datetime"])
            for li in soup.select(".corrections-list li")]
    assert rows == [
        ("/music/tour/#corrections", "Mara Quell tour", "2026-11-19T16:40:00-05:00"),
        ("/tv/charts/#corrections", "Charts", "2026-11-19T15:30:00-05:00"),
        ("/music/tour/#corrections", "Mara Quell tour", "2026-11-19T15:10:00-05:00"),
    ]
    assert soup.find("footer").find("a", href="/corrections/").get_text() == "Corrections"
    story_page = page(site, "/music/tour/")
    assert story_page.find(id="corrections").find("a")["href"] == "/corrections/"
    sitemap = (site / "output/sitemap.xml").read_text()
    assert "<loc>https://news.example/corrections/</loc>" in sitemap


def test_an_empty_corrections_page_says_so(make_site):
    site = make_site({"site.yaml": SITE_YAML + "corrections_page: true\n", STORY: article()})
    build(site)
    assert page(site, "/corrections/").select_one(".empty").get_text() == \
        "No corrections so far."


def test_a_new_correction_reaches_the_story_feeds_and_corrections_page(make_site):
    site = make_site({"site.yaml": SITE_YAML + "corrections_page: true\n",
                      STORY: story("tags: [pop]")})
    build(site)
    assert page(site, "/corrections/").select(".corrections-list li") == []
    (site / STORY).write_text(story("corrections:\n  - 2026-11-19 18:00: Fixes a name.\n"),
                              encoding="utf-8")
    build(site)
    assert len(page(site, "/corrections/").select(".corrections-list li")) == 1
    assert page(site, "/music/tour/").find(id="corrections") is not None
    atom = feedparser.parse((site / "output/feed.xml").read_bytes())
    assert atom.entries[0].updated.startswith("2026-11-19T18:00:00")


def test_a_change_dated_in_the_future_is_a_warning_from_check_and_publish(make_site):
    """Found by a red-team pass: a correction typed with the year 2099 went into the page,
    the feeds, the sitemap and the article markup as the story's last change, with no word.
    Whether a date is still to come depends on the clock, so the check says it (as publish
    runs it), not the build, whose checks of a story are kept by its content."""
    site = make_site({
        STORY: story("corrections:\n  - at: 2099-01-05 10:00\n    text: Typo in the year.\n"),
        "content/articles/fine.md": story(updated="2026-11-20 10:00", slug="fine")})
    checked = run_byline(["check", "--site", str(site)])
    future = [line for line in checked.err.splitlines() if "in the future" in line]
    assert future == [
        f"{STORY}:6: warning: “Mara Quell tour” has a correction dated "
        "2099-01-05 10:00, in the future: its page, feeds and sitemap already show that as the "
        "story's last change; fix the date"]


@pytest.mark.parametrize(("front", "body", "line", "noun"), [
    ("updates:\n  - at: 2099-01-04 08:05\n    text: A year typed wrong.\n", "Body.", 6,
     "an update"),
    ("updates:\n  - 2099-01-04 08:05: A year typed wrong.\n", "Body.", 6, "an update"),
    ("updated: 2099-01-04 08:05\n", "Body.", 5, "'updated:'"),
    ("live: true\n", "Intro.\n\n## 9:00 am — On time\n\nA.\n\n"
     "## 2099-01-04 8:05 am — Typed a wrong year\n\nB.", 14, "a live update"),
])
def test_check_points_at_the_line_of_the_change_dated_in_the_future(
        make_site, front, body, line, noun):
    """Found by a red-team pass: a live update dated tomorrow got no word, and the others
    were reported at the headline's line."""
    text = article("Mara Quell tour", "2026-11-19 08:00", body, category="Music")
    site = make_site({STORY: text.replace("\n---\n\n", "\n" + front + "---\n\n", 1)})
    checked = run_byline(["check", "--site", str(site)])
    future = [line for line in checked.err.splitlines() if "in the future" in line]
    assert future == [
        f"{STORY}:{line}: warning: “Mara Quell tour” has {noun} dated 2099-01-04 08:05, in the "
        "future: its page, feeds and sitemap already show that as the story's last change; "
        "fix the date"], checked.err


def test_each_change_dated_in_the_future_is_said_at_its_line(make_site):
    """Found by a red-team pass: with two live updates typed with a wrong year, the check
    named only the later one; fixed, the next check found the other."""
    body = ("Intro.\n\n## 9:00 am — On time\n\nA.\n\n## 2099-01-04 8:05 am — Typed a wrong "
            "year\n\nB.\n\n## 2099-01-05 9:15 am — And again\n\nC.")
    text = article("Mara Quell tour", "2026-11-19 08:00", body, category="Music")
    site = make_site({STORY: text.replace("\n---\n\n", "\nlive: true\n---\n\n", 1)})
    checked = run_byline(["check", "--site", str(site)])
    future = [line for line in checked.err.splitlines() if "in the future" in line]
    assert future == [
        f"{STORY}:14: warning: “Mara Quell tour” has a live update dated 2099-01-04 08:05, in "
        "the future: its page already shows it with that date; fix the date",
        f"{STORY}:18: warning: “Mara Quell tour” has a live update dated 2099-01-05 09:15, in "
        "the future: its page, feeds and sitemap already show that as the story's last "
        "change; fix the date"], checked.err


def test_a_time_in_the_hour_the_clocks_skip_is_read_an_hour_on_and_said(make_site):
    """2:30 am on the night New York's clocks go from 2:00 to 3:00 was never on a clock: it
    was published with an offset that made it 3:30 while the page said 2:30, with no word."""
    changes = ("corrections:\n  - 2026-03-08 02:40: An earlier version gave the wrong city.\n"
               "updates:\n  - at: 2026-03-08 02:50\n    text: Adds the label's statement.\n")
    site = make_site({"site.yaml": NEW_YORK,
                      STORY: story(changes, date="2026-03-08 02:30")})
    warnings = [str(w) for w in build(site).warnings]
    new_york = "did not happen in America/New_York: the clocks went forward that night"
    assert warnings == [
        f"{STORY}:3: warning: 2026-03-08 02:30 {new_york}, so it is read as 03:30; write "
        "03:30, or 01:30 if you meant before the change",
        f"{STORY}:6: warning: 2026-03-08 02:40 {new_york}, so it is read as 03:40; write "
        "03:40, or 01:40 if you meant before the change",
        f"{STORY}:8: warning: 2026-03-08 02:50 {new_york}, so it is read as 03:50; write "
        "03:50, or 01:50 if you meant before the change",
    ]
    published = page(site, "/music/tour/").select_one(".byline__meta time")
    assert published["datetime"] == "2026-03-08T03:30:00-04:00"
    assert "3:30 AM EDT" in published.get_text(" ", strip=True)


def test_times_either_side_of_the_skipped_hour_and_a_date_alone_say_nothing(make_site):
    changes = "corrections:\n  - 2026-03-08 03:00: An earlier version gave the wrong city.\n"
    site = make_site({"site.yaml": NEW_YORK,
                      STORY: story(changes, date="2026-03-08 01:59"),
                      "content/articles/day.md": article("Day", "2026-03-08", category="Music")})
    assert build(site).warnings == ()


def test_a_corrections_title_in_italics_and_an_updates_link_are_shown_as_such(make_site):
    # A red-team pass: "*Paper Moons*" showed its asterisks in the correction box and on
    # /corrections/, and "[statement](…)" its brackets, where the hero's caption a few lines
    # above in the same front matter rendered both.
    front = ("updates:\n  - at: 2026-11-19 14:05\n    text: Adds the label's "
             "[statement](https://label.example/statement).\ncorrections:\n"
             "  - at: 2026-11-19 16:40\n    text: An earlier version misspelled *Paper Moons* "
             "& its <b>year</b>.\n")
    site = make_site({"site.yaml": SITE_YAML + "corrections_page: true\n",
                      STORY: story(front)})
    build(site)
    soup = page(site, "/music/tour/")
    correction = soup.select_one("#corrections li")
    assert correction.em.get_text() == "Paper Moons"
    assert "*" not in correction.get_text() and not correction.find("b")
    assert correction.get_text(" ", strip=True).endswith("misspelled Paper Moons & its "
                                                         "<b>year</b>.")
    update = soup.select_one(".changes--updates li")
    assert update.find("a", href="https://label.example/statement").get_text() == "statement"
    assert "[" not in update.get_text()
    listed = page(site, "/corrections/").select_one(".corrections-list__text")
    assert listed.em.get_text() == "Paper Moons" and "*" not in listed.get_text()


def test_a_link_in_a_correction_leads_to_its_page_from_the_story_and_the_corrections_page(
        make_site):
    # The review: "[follow-up](../two/)" worked on the story only, and a link from the site's
    # root lost the base path of a site under one.
    front = ("corrections:\n  - at: 2026-11-19 16:40\n    text: See the [follow-up](../two/) "
             "and the [section](/music/) and [the note](#corrections).\n")
    site = make_site({"site.yaml": SITE_YAML.replace("https://news.example/",
                                                     "https://news.example/ent/")
                      + "corrections_page: true\n", STORY: story(front),
                      "content/articles/two.md": article("Two", "2026-11-20 09:00", "More.",
                                                         category="Music")})
    build(site)
    on_story = page(site, "/music/tour/").select_one("#corrections li")
    listed = page(site, "/corrections/").select_one(".corrections-list__text")
    for shown in (on_story, listed):
        assert [a["href"] for a in shown.find_all("a")] == [
            "/ent/music/two/", "/ent/music/", "/ent/music/tour/#corrections"]
    assert run_byline(["check", "--site", str(site)]).code == 0
