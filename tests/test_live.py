"""Live blogs: timestamped updates under `live:` front matter, as readers and Google see them."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, BuildState, build_site
from generator.theme import builtin_themes_dir

from .conftest import NOW, SITE_YAML, article, build, page, write_files
from .outcome import assert_clean_failure, build_outcome, run_byline, snapshot

LIVE = "content/articles/awards.md"
URL = "/music/awards/"
UTC = ZoneInfo("UTC")
BODY = """\
The Lumen Awards begin at 8 pm; we follow every category.

## 7:58 pm — Red carpet wraps

Stars head inside.

## 9:42 pm — Best Actress goes to *Nadia Ferro*

A standing ovation.

## 11:50 pm — Best Picture

*Starfall* wins.

## 12:10 am — The after-party

Everyone heads to the Roxy.
"""


def live_site(make_site: Any, body: str = BODY, live: str = "{end: 2026-11-20 01:00}",
              **fields: str) -> Path:
    return make_site({LIVE: article("Lumen Awards live", "2026-11-19 19:30", body,
                                    category="Music", tags="[Awards]", live=live, **fields)})


def json_ld(site: Path, path: str = URL) -> dict[str, Any]:
    blocks = page(site, path).select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def update_ids(site: Path) -> list[str]:
    return [a["id"] for a in page(site, URL).select("article.live-update")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_updates_show_newest_first_with_their_anchor_and_time(make_site):
    site = live_site(make_site)
    build(site)
    doc = page(site, URL)
    assert update_ids(site) == ["update-2026-11-20-0010", "update-2026-11-19-2350",
                                "update-2026-11-19-2142", "update-2026-11-19-1958"]
    first = doc.select("article.live-update")[0]
    assert first.select_one("h2").get_text() == "The after-party"
    link = first.select_one("a.live-update__time")
    assert link["href"] == f"{URL}#update-2026-11-20-0010"
    assert link.select_one("time")["datetime"] == "2026-11-20T00:10:00+00:00"
    assert link.get_text(" ", strip=True).startswith("12:10 AM")
    actress = doc.select_one("#update-2026-11-19-2142")
    assert actress.select_one("h2 em").get_text() == "Nadia Ferro"
    assert actress.select_one(".live-update__body").get_text(strip=True) == "A standing ovation."
    # The intro stays above the updates, and the update headings are not repeated in it.
    intro = doc.select_one(".article__body")
    assert intro.get_text(strip=True) == "The Lumen Awards begin at 8 pm; we follow every category."


def test_order_oldest_shows_them_as_they_happened(make_site):
    site = live_site(make_site, live="{end: 2026-11-20 01:00, order: oldest}")
    build(site)
    assert update_ids(site) == ["update-2026-11-19-1958", "update-2026-11-19-2142",
                                "update-2026-11-19-2350", "update-2026-11-20-0010"]
    assert page(site, URL).select_one(".live-updates")["aria-label"] == "Updates, oldest first"


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_footnotes_come_after_every_update_on_the_page_and_in_the_feed(make_site, order):
    """Found by red-team passes: Markdown puts the notes at the end of the body, so they sat
    inside the update written last, at the top of a newest-first page; then inside the update
    shown last, where a screen reader moving by article heard them as that update's."""
    body = BODY.replace("every category.", "every category.[^a]") + "\n[^a]: From the organisers.\n"
    site = live_site(make_site, body, live=f"{{end: 2026-11-20 01:00, order: {order}}}")
    build(site)
    doc = page(site, URL)
    notes = doc.select_one("div.footnote")
    assert notes is not None and "From the organisers." in notes.get_text()
    assert notes.find_parent("article", class_="live-update") is None, "in no update"
    assert notes.find_parent("article") is doc.select_one("article.article"), "the story's"
    text = doc.get_text(" ")
    last = "Stars head inside." if order == "newest" else "Everyone heads to the Roxy."
    assert text.index(last) < text.index("From the organisers.")
    entry = json.loads((site / "output/feed.json").read_text())["items"][0]["content_html"]
    assert entry.index(last) < entry.index("From the organisers.")


def test_a_theme_made_before_live_notes_keeps_the_footnotes_in_the_update_shown_last(make_site):
    """A site's own article.html copied before ``live.notes`` existed does not show that
    field: the notes stay where it found them (in the update shown last), never lost."""
    body = BODY.replace("every category.", "every category.[^a]") + "\n[^a]: From the organisers.\n"
    site = live_site(make_site, body)
    template = (builtin_themes_dir() / "default/templates/article.html").read_text()
    start = template.index("  {%- if article.live.notes %}")
    end = template.index("{%- endif %}", start) + len("{%- endif %}\n")
    write_files(site, {"templates/article.html": template[:start] + template[end:]})
    build(site)
    doc = page(site, URL)
    notes = doc.select_one("div.footnote")
    assert notes is not None and "From the organisers." in notes.get_text()
    assert notes.find_parent("article", class_="live-update") is doc.select(
        "article.live-update")[-1]


@pytest.mark.parametrize(("times", "expected"), [
    # 12:10 am after 11:50 pm is the next day.
    (["11:50 pm", "12:10 am"], ["2026-11-19 23:50", "2026-11-20 00:10"]),
    # 24-hour times roll over the same way.
    (["23:59", "00:01", "01:30"], ["2026-11-19 23:59", "2026-11-20 00:01", "2026-11-20 01:30"]),
    # A time without am/pm is the next one after the update above it.
    (["8:50 pm", "9:42", "12:10", "1:05"],
     ["2026-11-19 20:50", "2026-11-19 21:42", "2026-11-20 00:10", "2026-11-20 01:05"]),
    # A full date may be given, and later times follow it.
    (["9 pm", "2026-11-21 10:00 am", "11:15 am"],
     ["2026-11-19 21:00", "2026-11-21 10:00", "2026-11-21 11:15"]),
    # Two updates in the same minute both get an anchor.
    (["9:42 p.m.", "21.42"], ["2026-11-19 21:42", "2026-11-19 21:42"]),
])
def test_update_times_roll_over_midnight(make_site, times, expected):
    body = "Intro.\n\n" + "".join(f"## {t} — Update {n}\n\nText {n}.\n\n"
                                  for n, t in enumerate(times))
    site = live_site(make_site, body, live="true")
    build(site)
    data = json_ld(site)
    published = sorted(u["datePublished"] for u in data["liveBlogUpdate"])
    assert published == [at(e).isoformat() for e in expected]
    ids = update_ids(site)
    assert len(set(ids)) == len(ids) == len(times)
    if expected[0] == expected[1]:
        assert set(ids) == {"update-2026-11-19-2142", "update-2026-11-19-2142-2"}


def test_times_are_in_the_sites_timezone(make_site):
    site = make_site({
        "site.yaml": SITE_YAML.replace("timezone: UTC", "timezone: America/Los_Angeles"),
        LIVE: article("Live", "2026-11-19 17:00", "Intro.\n\n## 11:50 pm — A\n\nA.\n\n"
                      "## 12:10 am — B\n\nB.\n", category="Music", live="true"),
    })
    build(site)
    times = [t["datetime"] for t in page(site, URL).select(".live-update__time time")]
    assert times == ["2026-11-20T00:10:00-08:00", "2026-11-19T23:50:00-08:00"]


def test_an_update_in_the_hour_clocks_skip_is_said_and_read_as_a_real_time(make_site):
    """Found by a red-team pass: '## 2:30 am' on the night clocks go forward was published as
    02:30-08:00 with no word, and the next, right update was said to be a day later."""
    from generator.errors import BuildFailed

    la = SITE_YAML.replace("timezone: UTC", "timezone: America/Los_Angeles")

    def site_with(first: str) -> Path:
        body = (f"Intro.\n\n## {first} — First\n\nA.\n\n## 2:30 am — Second\n\nB.\n\n"
                "## 3:10 am — Third\n\nC.\n")
        return make_site({"site.yaml": la, LIVE: article(
            "Live", "2026-03-08 01:00", body, category="Music", live="true")})

    # Read as the first moment after the update above it could mean: 1:30 am, before 3:10.
    site = site_with("1:20 am")
    result = build(site, now=datetime(2026, 3, 8, 12, tzinfo=UTC))
    assert [str(w) for w in result.warnings] == [
        f"{LIVE}:14: warning: '2:30 am' did not happen in America/Los_Angeles on March 8: the "
        "clocks went forward that night, so it is read as 1:30 am, March 8; write the time a "
        "clock there showed"]
    times = [t["datetime"] for t in page(site, URL).select(".live-update__time time")]
    assert times == ["2026-03-08T03:10:00-07:00", "2026-03-08T01:30:00-08:00",
                     "2026-03-08T01:20:00-08:00"]
    # After 1:50 it can only be 3:30, after which 3:10 is out of order: said where it is.
    with pytest.raises(BuildFailed) as failed:
        build(site_with("1:50 am"), now=datetime(2026, 3, 8, 12, tzinfo=UTC))
    assert str(failed.value.problems[-1]).endswith(
        "correct the time of the update above ('2:30 am', a time that did not happen, read as "
        "3:30 am)")


def test_update_times_in_the_hour_clocks_repeat_say_their_zone(make_site):
    """Found by a red-team pass: readers saw 1:50 AM, 1:10 AM, 1:40 AM in a row on the night
    clocks go back, with nothing to say the last two came after the first."""
    la = SITE_YAML.replace("timezone: UTC", "timezone: America/Los_Angeles")
    body = ("Intro.\n\n## 12:30 am — Zero\n\nZ.\n\n## 1:50 am — First\n\nA.\n\n"
            "## 1:10 am PST — Second\n\nB.\n\n## 2:20 am — Third\n\nC.\n")
    site = make_site({"site.yaml": la, LIVE: article(
        "Live", "2026-11-01 00:00", body, category="Music", live="true")})
    build(site, now=datetime(2026, 11, 1, 12, tzinfo=UTC))
    shown = [t.get_text(strip=True).split(",")[0]
             for t in page(site, URL).select(".live-update__time time")]
    assert shown == ["2:20 AM", "1:10 AM PST", "1:50 AM PDT", "12:30 AM"]


def test_json_ld_is_a_live_blog_posting_with_its_updates(make_site):
    site = live_site(make_site, author="Jo Lane")
    build(site)
    data = json_ld(site)
    assert data["@type"] == "LiveBlogPosting"
    # What Google requires and recommends of an article stays.
    for name in ("headline", "datePublished", "dateModified", "author", "publisher",
                 "description", "mainEntityOfPage"):
        assert data[name], name
    assert data["author"][0]["name"] == "Jo Lane"
    assert data["coverageStartTime"] == "2026-11-19T19:30:00+00:00"
    assert data["coverageEndTime"] == "2026-11-20T01:00:00+00:00"
    # The page changed last with its newest update.
    assert data["dateModified"] == "2026-11-20T00:10:00+00:00"
    updates = data["liveBlogUpdate"]
    assert [u["headline"] for u in updates] == [
        "The after-party", "Best Picture", "Best Actress goes to Nadia Ferro", "Red carpet wraps"]
    for update in updates:
        assert update["@type"] == "BlogPosting"
        assert set(update) == {"@type", "headline", "datePublished", "articleBody", "url"}
        anchor = update["url"].split("#")[1]
        assert update["url"] == f"https://news.example{URL}#{anchor}"
        assert page(site, URL).select_one(f"#{anchor}") is not None
    assert updates[1]["articleBody"] == "Starfall wins."


def test_an_updates_structured_text_is_what_a_reader_reads(make_site):
    """A red-team pass: an update's articleBody held an embed's "Load YouTube video" button
    and its cookie notice (which the feeds leave out), and a space before each stop that
    followed markup ("Fans are excited .")."""
    site = live_site(make_site, "Intro.\n\n## 9:42 pm — Trailer drop\n\n"
                     "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
                     "Fans are *excited*, and [the cast](https://example.org/cast) too.\n\n"
                     "- One\n- Two\n")
    build(site)
    [update] = json_ld(site)["liveBlogUpdate"]
    assert "Load" not in update["articleBody"] and "cookies" not in update["articleBody"]
    assert update["articleBody"].endswith("Fans are excited, and the cast too. One Two")


def test_an_update_without_a_headline_is_named_by_its_text(make_site):
    site = live_site(make_site, "Intro.\n\n## 9:42 pm\n\nNadia Ferro wins Best Actress.\n",
                     live="true")
    build(site)
    assert json_ld(site)["liveBlogUpdate"][0]["headline"] == "Nadia Ferro wins Best Actress."
    assert page(site, URL).select_one(".live-update h2").get_text() == "9:42 PM"


def _badges(site: Path) -> dict[str, str]:
    """Each page showing the live blog → the text of its badge."""
    found = {}
    for path in ("/", URL, "/music/", "/tags/awards/"):
        badge = page(site, path).select_one(".live-badge")
        found[path] = badge.get_text(" ", strip=True) if badge else ""
    return found


def test_the_badge_says_live_until_coverage_ends_on_the_page_and_its_cards(make_site):
    site = live_site(make_site, live="{end: 2026-11-20 13:00}")
    build(site)  # NOW is 12:00 on November 20
    assert set(_badges(site).values()) == {"Live"}
    assert page(site, "/").select_one(".card .live-badge--live") is not None
    result = build(site, now=NOW + timedelta(hours=2))
    assert set(_badges(site).values()) == {"Coverage ended"}
    assert URL.strip("/") + "/index.html" in result.changed
    ended = page(site, URL).select_one(".live-updates__ended time")
    assert ended["datetime"] == "2026-11-20T13:00:00+00:00"


def test_an_article_that_is_not_live_has_no_badge(make_site):
    site = make_site({LIVE: article("Plain", "2026-11-19 19:30", "## 9:42 pm — Not an update",
                                    category="Music", tags="[Awards]")})
    build(site)
    assert _badges(site)[URL] == ""
    assert page(site, URL).select_one(".article__body h2").get_text() == "9:42 pm — Not an update"
    assert json_ld(site)["@type"] == "NewsArticle"


def test_a_build_before_the_end_is_not_current_after_it(make_site):
    site = live_site(make_site, live="{end: 2026-11-20 13:00}")
    build(site)
    assert build(site, now=NOW + timedelta(minutes=30)).written == 0
    after = build(site, now=NOW + timedelta(hours=1))
    assert after.written > 0 and "Coverage ended" in _badges(site)[URL]


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "publish --watch"])
def test_an_end_a_save_brings_forward_ends_coverage_for_the_saves_after_it(
        make_site, tmp_path, preview):
    """A save that brings the end of coverage forward is patched into the last build; a
    save of another story after that end must show coverage ended, as a clean build does.
    (The patched build kept the moment it went stale from before the save, and the
    badge stayed "Live" at every later save.)"""
    site = live_site(make_site, live="{end: 2026-11-21 13:00}")
    other = site / "content/articles/other.md"
    other.write_text(article("Other news", "2026-10-01 09:00", "Quiet.", category="TV"),
                     encoding="utf-8")
    options = BuildOptions(site=site, output=tmp_path / "watched", preview=preview, now=NOW)
    state = BuildState()
    build_site(options, state)
    (site / LIVE).write_text((site / LIVE).read_text("utf-8").replace(
        "2026-11-21 13:00", "2026-11-20 13:00"), encoding="utf-8")
    saved = build_site(replace(options, saved=frozenset({str(site / LIVE)}),
                               now=NOW + timedelta(minutes=10)), state)
    assert saved.patched
    assert state.last is not None and state.last.valid_until == at("2026-11-20 13:00")
    other.write_text(other.read_text("utf-8") + "\nStill quiet.\n", encoding="utf-8")
    later = NOW + timedelta(hours=2)
    build_site(replace(options, saved=frozenset({str(other)}), now=later), state)
    state.close()
    assert page(site, URL, "../watched").select_one(".live-badge").get_text(strip=True) \
        == "Coverage ended"
    build_site(replace(options, output=tmp_path / "fresh", now=later))
    assert snapshot(tmp_path / "watched") == snapshot(tmp_path / "fresh")


def test_upcoming_coverage_says_when_it_starts(make_site):
    site = live_site(make_site, "Intro.", live="{start: 2026-11-20 19:00}")
    build(site)
    badge = page(site, URL).select_one(".live-badge--upcoming")
    assert badge.get_text(" ", strip=True) == "Live from November 20, 2026, 7:00 PM"


def test_feeds_and_sitemap_carry_the_newest_update(make_site):
    site = live_site(make_site)
    build(site)
    feed = json.loads((site / "output" / "feed.json").read_text("utf-8"))
    item = next(i for i in feed["items"] if i["url"].endswith(URL))
    assert item["date_modified"] == "2026-11-20T00:10:00+00:00"
    assert "Everyone heads to the Roxy." in item["content_html"]
    assert "byline:update" not in item["content_html"]
    sitemap = (site / "output" / "sitemap.xml").read_text("utf-8")
    assert f"<loc>https://news.example{URL}</loc><lastmod>2026-11-20T00:10:00+00:00</lastmod>" \
        in sitemap.replace("\n", "").replace(" ", "")


def test_a_new_update_rewrites_the_live_page_its_lists_and_feeds_only(make_site):
    site = live_site(make_site)
    other = "content/articles/other.md"
    (site / other).write_text(article("Other news", "2026-10-01 09:00", "Quiet.",
                                      category="TV"), encoding="utf-8")
    build(site)
    (site / LIVE).write_text((site / LIVE).read_text("utf-8")
                             + "\n## 12:40 am — Lights out\n\nGood night.\n", encoding="utf-8")
    result = build(site)
    changed = set(result.changed)
    assert "music/awards/index.html" in changed
    assert {"index.html", "music/index.html", "tags/awards/index.html", "feed.xml",
            "sitemap.xml"} <= changed
    assert not any(path.startswith("tv/") for path in changed)
    assert update_ids(site)[0] == "update-2026-11-20-0040"


def test_a_time_with_seconds_is_read_to_the_minute_not_into_the_headline(make_site):
    """Found by a red-team pass: "## 9:42:30 pm — Opening number" was an update at 9:42
    whose headline read "30 pm — Opening number"."""
    site = live_site(make_site, "Intro.\n\n## 9:30 pm — Doors open\n\nA.\n\n"
                                "## 9:42:30 pm — Opening number\n\nB.\n")
    build(site)
    headlines = [h.get_text(" ", strip=True) for h in
                 page(site, URL).select("article.live-update h2, article.live-update h3")]
    assert any(h.endswith("Opening number") and "30 pm" not in h for h in headlines), headlines
    assert update_ids(site) == ["update-2026-11-19-2142", "update-2026-11-19-2130"]


def test_a_heading_with_its_time_after_bold_or_an_emoji_is_warned_about(make_site):
    """Found by a red-team pass: "## **9:50 pm** — First award" and "## 🔴 10:05 pm — …"
    were not updates, folded into the update above as subheads under its time, and the
    build said nothing."""
    site = live_site(make_site, "Intro.\n\n## 9:30 pm — Doors open\n\nA.\n\n"
                                "## **9:50 pm** — First award\n\nB.\n\n"
                                "## 🔴 10:05 pm — Surprise duet\n\nC.\n\n"
                                "## #1: The best look\n\nD.\n\n"
                                "## “4:44” and the Jay-Z question\n\nE.\n")
    lines = (site / LIVE).read_text("utf-8").splitlines()
    at_line = {text: n for n, text in enumerate(lines, 1)}
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        f"{LIVE}:{at_line['## **9:50 pm** — First award']}: warning: this heading is not read "
        "as an update, because ** comes before its time: it shows inside the update above, as "
        "a subhead, under that update's time; start the heading with the time: ## 9:50 pm — "
        "First award",
        f"{LIVE}:{at_line['## 🔴 10:05 pm — Surprise duet']}: warning: this heading is not "
        "read as an update, because 🔴 comes before its time: it shows inside the update "
        "above, as a subhead, under that update's time; start the heading with the time: "
        "## 10:05 pm — Surprise duet",
    ]


def test_a_tag_left_open_in_an_updates_heading_is_an_error(make_site):
    """A review: an update's heading is cut out of the body before the body's tags were
    checked, so "<i>Paper Moons</i wins" put every later update and the footer in italics."""
    site = live_site(make_site, "Intro.\n\n## 8:00 pm — Doors\n\nA.\n\n"
                                "## 8:05 pm — <i>Paper Moons</i wins\n\nB.\n")
    line = next(n for n, text in enumerate((site / LIVE).read_text("utf-8").splitlines(), 1)
                if "Paper Moons" in text)
    run = build_outcome(site)
    assert f"{LIVE}:{line}: error: this <i> is never closed with </i>: the rest of the page, " \
           "the stories around it and the footer too, would be shown as inside it; close it " \
           "with </i> where it ends" in run.err.splitlines(), run.err


# -- mistakes: one line each, in the writer's words, with the fix ---------------------------
ERRORS = [
    ("## 25:10 — Late", "content/articles/awards.md:15: error: '25:10' is not a time: hours go "
     "up to 23; write it like 9:42 pm or 21:42"),
    ("## 9:72 pm — Late", "content/articles/awards.md:15: error: '9:72 pm' is not a time: "
     "minutes and seconds go up to 59; write it like 9:42 pm or 21:42"),
    ("## 13:10 pm — Late", "content/articles/awards.md:15: error: '13:10 pm' is not a time: "
     "with am or pm the hour goes from 1 to 12; write 1:10 pm or 13:10"),
    ("## 9:5 pm — Late", "content/articles/awards.md:15: error: '9:5 pm' is not a time: write "
     "the minutes with two digits, e.g. 9:05"),
    ("## 2026-11-31 9:00 pm — Late", "content/articles/awards.md:15: error: '2026-11-31' is "
     "not a date: write the date as 2026-03-02, then the time: ## 2026-03-02 9:42 pm"),
    ("## 2026-11-20 — Late", "content/articles/awards.md:15: error: the heading gives the date "
     "2026-11-20 but no time: write the time after it, e.g. ## 2026-11-20 9:42 pm — …"),
    ("## 9:30 pm — Out of order", "content/articles/awards.md:15: error: '9:30 pm' is earlier "
     "in the day than the update above it (10:15 pm, November 19), so it would be the next "
     "day, 23 hours later: put updates in the order they happened, the newest at the bottom, "
     "or give the date: ## 2026-11-20 9:30 pm"),
    ("## 2026-11-19 9:30 pm — Out of order", "content/articles/awards.md:15: error: "
     "'2026-11-19 9:30 pm' is earlier than the update above it (10:15 pm, November 19): put "
     "updates in the order they happened, the newest at the bottom"),
]


@pytest.mark.parametrize(("heading", "message"), ERRORS)
def test_a_malformed_update_time_is_one_line_with_the_fix(make_site, heading, message):
    site = live_site(make_site, f"Intro.\n\n## 10:15 pm — First\n\nText.\n\n{heading}\n\nMore.\n",
                     live="true")
    run = build_outcome(site)
    assert_clean_failure(run)
    assert message in run.err.splitlines()


FRONT_MATTER_ERRORS = [
    ("live: 42", "content/articles/awards.md:5: error: 'live' must be true, the time coverage "
     "starts (live: 2026-03-01 19:00), or start:, end: and order: lines under it, not '42'"),
    ("live: tonight", "content/articles/awards.md:5: error: 'live' is not a time: 'tonight'; "
     "write when coverage starts, e.g. start: 2026-03-01 19:00"),
    ("live: {start: soon}", "content/articles/awards.md:5: error: 'live.start' is not a time: "
     "'soon'; write when coverage starts, e.g. start: 2026-03-01 19:00"),
    ("live: {end: later}", "content/articles/awards.md:5: error: 'live.end' is not a time: "
     "'later'; write when coverage ended, e.g. end: 2026-03-02 01:30, or end: true for when "
     "the last update was posted"),
    ("live: {end: 2026-11-18 10:00}", "content/articles/awards.md:5: error: 'live.end' (10:00 "
     "am, November 18) is before coverage starts (7:30 pm, November 19): give an end after the "
     "start"),
    ("live: {order: sideways}", "content/articles/awards.md:5: error: 'live.order' must be "
     "newest or oldest, not 'sideways': newest first is the default; order: oldest shows the "
     "updates in the order they happened"),
]


@pytest.mark.parametrize(("line", "message"), FRONT_MATTER_ERRORS)
def test_a_bad_live_setting_is_one_line_with_the_fix(make_site, line, message):
    site = make_site({LIVE: f"---\ntitle: Live\ndate: 2026-11-19 19:30\ncategory: Music\n{line}\n"
                            "---\n\nIntro.\n\n## 9:42 pm — One\n\nText.\n"})
    previous = snapshot(site / "output")
    run = build_outcome(site, previous=previous)
    assert_clean_failure(run)
    assert message in run.err.splitlines()


def test_end_true_closes_coverage_at_the_last_update(make_site):
    site = live_site(make_site, live="{end: true}")
    build(site)
    assert json_ld(site)["coverageEndTime"] == "2026-11-20T00:10:00+00:00"
    assert _badges(site)[URL] == "Coverage ended"


def test_an_update_after_the_end_is_a_warning(make_site):
    site = live_site(make_site, live="{end: 2026-11-19 23:00}")
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        "content/articles/awards.md:19: warning: this update (11:50 pm, November 19) comes "
        "after coverage ended (11:00 pm, November 19): move 'end' under 'live:' later, or "
        "remove it while coverage goes on",
        "content/articles/awards.md:23: warning: this update (12:10 am, November 20) comes "
        "after coverage ended (11:00 pm, November 19): move 'end' under 'live:' later, or "
        "remove it while coverage goes on",
    ]


def test_a_page_cannot_be_live(make_site):
    site = make_site({"content/pages/about.md": "---\ntitle: About\nlive: true\n---\n\nUs.\n"})
    run = build_outcome(site)
    assert_clean_failure(run)
    assert ("content/pages/about.md:3: error: a page cannot be a live blog: 'live:' is for "
            "articles (in content/articles/); remove it here") in run.err.splitlines()


# -- publishing a new update quickly: only what changed is read again ----------------------
def _add_update(site: Path) -> None:
    (site / LIVE).write_text((site / LIVE).read_text("utf-8")
                             + "\n## 12:40 am — Lights out\n\nGood night.\n", encoding="utf-8")


def test_a_check_after_a_new_update_reads_only_the_pages_it_rewrote(make_site, monkeypatch):
    from generator.check import site as check_module

    site = live_site(make_site, "Intro links to [nowhere](/missing/).\n\n" + BODY)
    result = build(site)
    memo = check_module.CheckMemo()
    first = check_module.check_site(result.output, "https://news.example/", memo=memo)
    assert any("broken link to /missing/" in p.message for p in first)
    _add_update(site)
    result = build(site)
    read = _reads(monkeypatch)
    again = check_module.check_site(result.output, "https://news.example/", memo=memo)
    pages = {p for p in result.changed if p.endswith(".html")}
    assert "music/awards/index.html" in pages
    assert set(read) == pages
    # The same findings as a check that reads every page.
    assert again == check_module.check_site(result.output, "https://news.example/")


def test_a_check_after_a_new_update_parses_only_the_feeds_and_sitemaps_it_rewrote(
        make_site, monkeypatch):
    from generator.check import site as check_module

    site = live_site(make_site)
    (site / "content/articles/other.md").write_text(article("Another story", category="TV"),
                                                    encoding="utf-8")
    result = build(site)
    memo = check_module.CheckMemo()
    check_module.check_site(result.output, "https://news.example/", memo=memo)
    _add_update(site)
    result = build(site)
    parsed: list[str] = []
    real_check = check_module._check_xml
    monkeypatch.setattr(check_module, "_check_xml", lambda key, *rest: parsed.append(key)
                        or real_check(key, *rest))
    again = check_module.check_site(result.output, "https://news.example/", memo=memo)
    assert {"feed.xml", "sitemap.xml"} <= set(parsed)
    assert "tv/feed.xml" not in parsed  # the TV section's feed does not show the live blog
    assert set(parsed) <= set(result.changed) | {"news-sitemap.xml"}  # it keeps a clock
    assert again == check_module.check_site(result.output, "https://news.example/")
    # A page the sitemap lists goes: the memo's answers no longer hold, and it says so.
    (result.output / "tv/other/index.html").unlink()
    parsed.clear()
    gone = check_module.check_site(result.output, "https://news.example/", memo=memo)
    assert "sitemap.xml" in parsed
    assert any("sitemap /sitemap.xml lists https://news.example/tv/other/, but nothing is at"
               in p.message for p in gone)


def _walks_output(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from generator.check import site as check_module

    walked: list[Path] = []
    real_walk = check_module._site_files
    monkeypatch.setattr(check_module, "_site_files",
                        lambda out: walked.append(out) or real_walk(out))
    return walked


def test_a_check_given_the_builds_list_of_files_walks_the_folder_only_to_confirm_it(
        make_site, monkeypatch):
    from generator.check import site as check_module

    site = live_site(make_site, "Intro links to [nowhere](/missing/).\n\n" + BODY)
    result = build(site)
    memo = check_module.CheckMemo()
    walked = _walks_output(monkeypatch)
    check_module.check_site(result.output, "https://news.example/", memo=memo,
                            listing=result.versions)
    assert walked == [result.output]  # the first time, the folder is walked to compare
    _add_update(site)
    result = build(site)
    read = _reads(monkeypatch)
    again = check_module.check_site(result.output, "https://news.example/", memo=memo,
                                    listing=result.versions)
    assert walked == [result.output]  # then the build's list stands for the walk
    assert set(read) == {p for p in result.changed if p.endswith(".html")}
    assert any("broken link to /missing/" in p.message for p in again)
    assert again == check_module.check_site(result.output, "https://news.example/")


def test_a_file_put_in_the_output_by_hand_is_seen_by_the_next_walk(make_site, monkeypatch):
    from generator.check import site as check_module

    site = live_site(make_site)
    result = build(site)
    memo = check_module.CheckMemo()
    (result.output / "extra.html").write_text('<a href="/nowhere/">x</a>', encoding="utf-8")
    walked = _walks_output(monkeypatch)
    found = check_module.check_site(result.output, "https://news.example/", memo=memo,
                                    listing=result.versions)
    assert any("broken link to /nowhere/ on /extra.html" in p.message for p in found)
    # The walk found a file the build did not list: the list is not trusted after it.
    assert check_module.check_site(result.output, "https://news.example/", memo=memo,
                                   listing=result.versions) == found
    assert len(walked) == 2
    (result.output / "extra.html").unlink()
    check_module.check_site(result.output, "https://news.example/", memo=memo,
                            listing=result.versions)
    check_module.check_site(result.output, "https://news.example/", memo=memo,
                            listing=result.versions)
    assert len(walked) == 3  # the list matched the walk: trusted for the next check
    # Added again while the list is trusted: found by the walk an hour after the last.
    (result.output / "extra.html").write_text('<a href="/nowhere/">x</a>', encoding="utf-8")
    memo.walked -= check_module.FULL_WALK_SECONDS
    assert check_module.check_site(result.output, "https://news.example/", memo=memo,
                                   listing=result.versions) == found
    assert len(walked) == 4


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from generator.check import site as check_module

    read: list[str] = []
    real_read = check_module.read_page
    monkeypatch.setattr(check_module, "read_page",
                        lambda out, key: read.append(key) or real_read(out, key))
    return read


def test_a_file_no_page_asks_about_keeps_the_memo_but_a_removed_page_does_not(
        make_site, monkeypatch):
    from generator.check import site as check_module

    site = live_site(make_site)
    other = site / "content/articles/new.md"
    other.write_text(article("New", "2026-10-01 09:00", "Quiet.", category="TV"), "utf-8")
    result = build(site)
    memo = check_module.CheckMemo()
    check_module.check_site(result.output, "https://news.example/", memo=memo)
    read = _reads(monkeypatch)
    # A search index's new shard: no page links to it.
    (result.output / "pagefind").mkdir()
    (result.output / "pagefind" / "fragment-1a2b.pf").write_bytes(b"x")
    check_module.check_site(result.output, "https://news.example/", memo=memo)
    assert read == []
    other.unlink()  # lists linked to it: every page is read again
    result = build(site)
    check_module.check_site(result.output, "https://news.example/", memo=memo)
    assert len(read) == len(list(result.output.rglob("*.html")))


def test_byline_check_keeps_its_memo_in_the_sites_cache(make_site, monkeypatch):
    site = live_site(make_site)
    assert run_byline(["check", "--site", str(site), "--quiet"]).code == 0
    read = _reads(monkeypatch)
    _add_update(site)
    assert run_byline(["check", "--site", str(site), "--quiet"]).code == 0
    assert "music/awards/index.html" in read
    assert 0 < len(read) < len(list((site / "output").rglob("*.html")))


def test_publishing_a_new_update_hashes_only_the_files_it_changed(make_site, monkeypatch,
                                                                  tmp_path):
    from generator.publish import make_target, sync

    site = live_site(make_site)
    target = make_target("mirror", {"kind": "dir", "path": str(tmp_path / "www")}, site)
    result = build(site)
    target.publish(result.output, dry_run=False)
    target.publish(result.output, dry_run=False)  # the memo now knows both sides
    _add_update(site)
    result = build(site)
    hashed: list[str] = []
    real_md5 = sync.file_md5
    monkeypatch.setattr(sync, "file_md5", lambda path: hashed.append(str(path))
                        or real_md5(path))
    summary = target.publish(result.output, dry_run=False)
    changed = set(result.changed)
    # Lists re-rendered for the new update but showing the ended badge as before are the
    # same bytes: only the files that differ go out.
    uploaded = {line.split()[1] for line in summary.details if line.startswith("upload ")}
    assert {"music/awards/index.html", "feed.xml", "sitemap.xml"} <= uploaded <= changed
    assert summary.uploaded == len(uploaded)
    # Only files the build rewrote are read, in the output and (to compare) in the target.
    assert {Path(p).relative_to(result.output).as_posix() for p in hashed
            if p.startswith(str(result.output))} <= changed
    assert not [p for p in hashed if p.startswith(str(tmp_path / "www"))
                and Path(p).relative_to(tmp_path / "www").as_posix() not in changed]
    assert snapshot(tmp_path / "www").keys() - {".byline-output"} == \
        snapshot(result.output).keys() - {".byline-output"}
    for key, data in snapshot(result.output).items():
        if key != ".byline-output":
            assert (tmp_path / "www" / key).read_bytes() == data, key


# -- whatever a writer types as an update's heading: a page, or one line per mistake --------
_TIMEISH = st.from_regex(
    r"\A(20\d\d-[01]?\d-[0-3]?\d[ T,]{1,2})?\d{1,2}([:.h]\d{0,3})?( ?[aApP]\.?[mM]?\.?)?"
    r"( ?[—–|:-]{0,2} ?\w{0,6})?\Z")


@pytest.mark.fuzz
@settings(deadline=None)
@given(headings=st.lists(_TIMEISH | st.text(max_size=12), min_size=1, max_size=4),
       live=st.sampled_from(["true", "{end: true}", "{order: oldest}", "2026-11-19 23:00",
                             "{start: 2026-11-19 22:00, end: 2026-11-20 01:00}"]))
def test_any_update_headings_build_or_fail_cleanly(tmp_path_factory, headings, live):
    body = "Intro.\n\n" + "".join(f"## {h}\n\nText.\n\n" for h in headings)
    root = tmp_path_factory.mktemp("live")
    site = write_files(root, {"site.yaml": SITE_YAML, LIVE: article(
        "Live", "2026-11-19 19:30", body, category="Music", live=live)})
    run = build_outcome(site, seconds=30)
    if run.code == 0:
        html = (site / "output" / "music" / "awards" / "index.html").read_text("utf-8")
        assert "byline:update" not in html


# -- publishing an update: only what the build changed is compared and sent ----------------
def _publishing_site(make_site: Any, www: Path) -> Path:
    site = live_site(make_site)
    (site / "site.yaml").write_text(SITE_YAML + f"deploy:\n  targets:\n    mirror:\n      kind: dir"
                                    f"\n      path: {www}\n", encoding="utf-8")
    (site / "content/articles/other.md").write_text(article("Another story", category="TV"),
                                                    encoding="utf-8")
    return site


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders a publish walks file by file (the full comparison)."""
    from generator.publish import directory

    walked: list[str] = []
    real_scan, real_stored = directory.scan_site, directory.stored_files
    monkeypatch.setattr(directory, "scan_site", lambda folder, memo=None: walked.append(
        "site") or real_scan(folder, memo))
    monkeypatch.setattr(directory, "stored_files", lambda folder, site, memo=None: walked.append(
        "target") or real_stored(folder, site, memo))
    return walked


def _publishes_in_full(site: Path, www: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A publish that compares every file (walking the site and the target) and leaves the
    target a mirror of the output."""
    walked = _walks(monkeypatch)
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    assert walked == ["site", "target"]
    _mirrors(www, site / "output")


def _mirrors(www: Path, output: Path, *foreign: str) -> None:
    assert snapshot(www).keys() - {".byline-output", *foreign} == \
        snapshot(output).keys() - {".byline-output"}
    for key, data in snapshot(output).items():
        if key != ".byline-output":
            assert (www / key).read_bytes() == data, key


def test_publishing_an_update_sends_what_changed_without_walking_either_folder(
        make_site, monkeypatch, tmp_path):
    from generator.publish import directory

    www = tmp_path / "www"
    site = _publishing_site(make_site, www)
    (www / "notes").mkdir(parents=True)
    (www / "notes/todo.txt").write_text("the web team's own file")
    assert run_byline(["publish", "--site", str(site), "--force", "--quiet"]).code == 0
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    output = site / "output"
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    _add_update(site)
    (site / "content/articles/other.md").unlink()
    walked = _walks(monkeypatch)
    hashed: list[str] = []
    real_md5 = directory.file_md5
    monkeypatch.setattr(directory, "file_md5", lambda path: hashed.append(str(path))
                        or real_md5(path))
    run = run_byline(["publish", "--site", str(site), "--verbose"])
    assert run.code == 0, run.err
    assert walked == []
    _mirrors(www, output, "notes/todo.txt")
    assert not (www / "tv/other/index.html").exists()
    assert (www / "notes/todo.txt").read_text() == "the web team's own file"  # never Byline's
    assert "upload music/awards/index.html" in run.out
    # Only files the build rewrote are read, in the output and (to compare) in the target.
    rewritten = {p.relative_to(output).as_posix() for p in output.rglob("*")
                 if p.is_file() and before.get(p) != p.stat().st_mtime_ns}
    assert "music/awards/index.html" in rewritten
    assert rewritten < snapshot(output).keys()
    assert {Path(p).relative_to(output if p.startswith(str(output)) else www).as_posix()
            for p in hashed} <= rewritten
    assert (www / ".byline-output").read_text().startswith("byline-output 1 clean\n")


def test_a_target_someone_else_published_to_is_compared_in_full(make_site, monkeypatch,
                                                                   tmp_path):
    www = tmp_path / "www"
    site = _publishing_site(make_site, www)
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    # Another publish wrote the marker since (here: the same list, written anew), and
    # removed a page this site's record says the target holds.
    marker = www / ".byline-output"
    text = marker.read_text()
    marker.unlink()
    marker.write_text(text)
    (www / "music/awards/index.html").unlink()
    _add_update(site)
    _publishes_in_full(site, www, monkeypatch)


def test_a_full_comparison_at_least_hourly_puts_right_what_was_changed_by_hand(
        make_site, monkeypatch, tmp_path):
    from generator.publish import directory

    www = tmp_path / "www"
    site = _publishing_site(make_site, www)
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    (www / "tv/other/index.html").write_text("defaced")
    _add_update(site)
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    assert (www / "tv/other/index.html").read_text() == "defaced"  # not compared this time
    monkeypatch.setattr(directory, "FULL_COMPARE_SECONDS", 0.0)
    _publishes_in_full(site, www, monkeypatch)


def test_a_page_deleted_from_the_target_by_hand_is_put_back_at_the_next_publish(
        make_site, monkeypatch, tmp_path):
    www = tmp_path / "www"
    site = _publishing_site(make_site, www)
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    (www / "tv/other/index.html").unlink()  # not a page the next build changes
    _add_update(site)
    _publishes_in_full(site, www, monkeypatch)
    assert (www / "tv/other/index.html").is_file()


def test_a_file_put_in_the_output_folder_by_hand_is_never_published_and_costs_nothing(
        make_site, monkeypatch, tmp_path):
    """What goes out is what the site builds: a full comparison once sent such a file and a
    quick publish did not (a red-team pass); the build says where such files belong."""
    www = tmp_path / "www"
    site = _publishing_site(make_site, www)
    assert run_byline(["build", "--site", str(site), "--quiet"]).code == 0
    assert run_byline(["publish", "--site", str(site), "--quiet"]).code == 0
    (site / "output/verify-google.html").write_text("google-site-verification")
    _add_update(site)
    walked = _walks(monkeypatch)
    published = run_byline(["publish", "--site", str(site)])
    assert published.code == 0
    assert ("held 1 file Byline did not write; they are kept there, and never published (put "
            "files to publish in static/): verify-google.html") in published.err
    assert walked == []
    assert snapshot(www).keys() - {".byline-output"} == (
        snapshot(site / "output").keys() - {".byline-output", "verify-google.html"})
    assert (site / "output/verify-google.html").exists()


@pytest.mark.parametrize(("order", "expected"), [
    ("", ["12:10 AM — The after-party", "11:50 PM — Best Picture",
          "9:42 PM — Best Actress goes to Nadia Ferro", "7:58 PM — Red carpet wraps"]),
    (", order: oldest", ["7:58 PM — Red carpet wraps",
                               "9:42 PM — Best Actress goes to Nadia Ferro",
                               "11:50 PM — Best Picture", "12:10 AM — The after-party"]),
])
def test_the_feeds_carry_each_update_under_its_heading_in_the_pages_order(
    make_site, order: str, expected: list[str],
) -> None:
    """Found by a red-team pass: a live blog's feed entries carried the updates' text with
    neither their times nor their headlines, oldest first whatever the page's order."""
    site = live_site(make_site, live="{end: 2026-11-20 01:00" + order + "}")
    build(site)
    for name in ("feed.xml", "rss.xml", "feed.json"):
        raw = (site / "output" / name).read_text(encoding="utf-8")
        if name.endswith(".json"):
            content = json.loads(raw)["items"][0]["content_html"]
        else:
            content = html.unescape(re.search(
                r"<(?:content[^>]*|content:encoded)>(.*?)</(?:content|content:encoded)>",
                raw, re.S).group(1))
        soup = BeautifulSoup(content, "html.parser")
        assert [h.get_text() for h in soup.find_all("h2")] == expected, name
        assert soup.find("h2").find_next("p").get_text() == (
            "Everyone heads to the Roxy." if not order else "Stars head inside.")


def test_an_update_in_the_hour_the_clocks_go_back_follows_the_one_before(make_site) -> None:
    """Found by a red-team pass: on the night clocks go back, 1:10 am posted 25 minutes
    after 1:45 am (the first 1 am) was refused as "23 hours later", and the date the error
    asked for was refused as earlier: Python compares two times of one zone by the clock."""
    body = "Intro.\n\n## 1:15 am — B\n\nb\n\n## 1:45 am — C\n\nc\n\n## 1:10 am — D\n\nd\n"
    times, _ = fall_back_night(make_site, body)
    assert times == ["2026-11-01T01:10:00-08:00", "2026-11-01T01:45:00-07:00",
                     "2026-11-01T01:15:00-07:00"]  # newest first, 25 minutes apart


def fall_back_night(make_site, body: str) -> tuple[list[str], list[str]]:
    """A live blog in Los Angeles on the night clocks go back, built: its updates' times
    and headlines, newest first."""
    site = make_site({
        "site.yaml": SITE_YAML.replace("timezone: UTC", "timezone: America/Los_Angeles"),
        LIVE: article("Halloween night live", "2026-10-31 23:00", body, category="Music",
                      live="{start: 2026-10-31 23:00}")})
    build(site)  # raises on any error
    updates = page(site, URL).select("article.live-update")
    return ([u.select_one("time")["datetime"] for u in updates],
            [u.select_one("h2").get_text(strip=True) for u in updates])


@pytest.mark.parametrize("first, second, second_at", [
    ("1:30 am", "1:45 am PST", "2026-11-01T01:45:00-08:00"),  # 75 minutes later
    ("1:10 am", "1:30 am PST", "2026-11-01T01:30:00-08:00"),
    ("1:10 am PDT", "1:30 am PDT", "2026-11-01T01:30:00-07:00"),  # the first 1:30, as said
])
def test_a_zone_names_which_of_the_hour_the_clocks_go_back(make_site, first, second,
                                                           second_at) -> None:
    """Found by a red-team pass: '1:45 am PST' after '1:30 am' (PDT) was refused as another
    zone's time, and without "PST" it was published an hour early, at the first 1:45."""
    times, headlines = fall_back_night(
        make_site, f"Intro.\n\n## {first} — B\n\nb\n\n## {second} — C\n\nc\n")
    assert (times[0], headlines[0]) == (second_at, "C")  # the zone is not in the headline


def test_updates_out_of_order_by_their_zones_say_the_zones(make_site) -> None:
    # A review: refused rightly, but "'1:45 am' is earlier than … (1:30 am)" read as false.
    site = make_site({
        "site.yaml": SITE_YAML.replace("timezone: UTC", "timezone: America/Los_Angeles"),
        LIVE: article("Halloween night live", "2026-10-31 23:00",
                      "Intro.\n\n## 1:30 am PST — B\n\nb\n\n## 1:45 am PDT — C\n\nc\n",
                      category="Music", live="{start: 2026-10-31 23:00}")})
    run = build_outcome(site)
    assert run.err.splitlines()[0].endswith(
        "error: '1:45 am PDT' is earlier than the update above it (1:30 am PST, November 1): "
        "put updates in the order they happened, the newest at the bottom")


def test_a_later_time_the_same_day_and_the_21h42_form_are_updates(make_site) -> None:
    """Found by a red-team pass: '## 21h42 — …', a form the reference lists, was a plain
    heading, and 3:00 pm after 1:30 am the same day was refused as 'earlier in the day'."""
    site = live_site(make_site, "Intro.\n\n## 1:30 am — Early\n\nA.\n\n## 3:00 pm — Later\n\n"
                     "B.\n\n## 21h42 — Duet\n\nC.\n", live="true")
    build(site)
    assert update_ids(site) == ["update-2026-11-20-2142", "update-2026-11-20-1500",
                                "update-2026-11-20-0130"]


def test_a_zone_after_an_update_time_is_the_sites_or_an_error(make_site) -> None:
    """Found by a red-team pass: '## 10:15 pm ET — Red carpet opens' on a site in UTC was
    published at 22:15 UTC, five hours off, under the headline 'ET — Red carpet opens'."""
    site = live_site(make_site, "Intro.\n\n## 10:15 pm ET — Red carpet opens\n\nA.\n",
                     live="true")
    run = build_outcome(site)
    assert_clean_failure(run)
    assert run.err.splitlines()[0] == (
        "content/articles/awards.md:11: error: '10:15 pm ET' gives the time in ET, but this "
        "site's times are in UTC (site.yaml's timezone), and Byline would publish it as "
        "10:15 pm there: write the time as clocks in UTC showed it, without the zone")
    (site / "site.yaml").write_text(SITE_YAML.replace("timezone: UTC",
                                                      "timezone: America/New_York"))
    # The site's own zone, as an abbreviation or (found by a red-team pass) as an offset in
    # brackets, is taken out of the headline.
    for written in ("10:15 pm ET", "10:15 pm (-05:00)"):
        story = (site / LIVE).read_text("utf-8")
        (site / LIVE).write_text(re.sub(r"## .* — Red", f"## {written} — Red", story))
        build(site)
        update = page(site, URL).select_one("article.live-update")
        assert update["id"] == "update-2026-11-19-2215"
        assert update.select_one("h2").get_text() == "Red carpet opens"


def test_an_update_underlined_as_a_heading_keeps_the_lines_of_the_ones_after_it(
        make_site) -> None:
    """Found by a red-team pass: an update written as a setext heading (underlined with
    dashes) is an update, but was not counted when finding lines: the error below it was
    reported at the front matter."""
    body = ("Intro.\n\n## 9:15 pm — First\n\ntext\n\n9:30 pm — Second\n----------------\n\n"
            "text\n\n## 9:40 pm — Third\n\ntext\n\n## 9:35 pm — Misplaced\n\ntext\n")
    site = live_site(make_site, body, live="true")
    written = (site / LIVE).read_text("utf-8").splitlines()
    line = written.index("## 9:35 pm — Misplaced") + 1
    run = build_outcome(site)
    assert_clean_failure(run)
    assert run.err.splitlines()[0].startswith(
        f"content/articles/awards.md:{line}: error: '9:35 pm' is earlier"), run.err


@pytest.mark.parametrize(("written", "said"), [
    ("10:15 pm (UTC)", "10:15 pm UTC"), ("10:15 pm UTC+1", "10:15 pm UTC+01:00"),
    ("10:15 pm -08:00", "10:15 pm UTC-08:00"), ("10:15 pm (GMT−0530)", "10:15 pm UTC-05:30"),
])
def test_a_zone_in_brackets_or_as_an_offset_is_read_too(make_site, written, said) -> None:
    """Found by a red-team pass: these were published at 10:15 pm in the site's zone, hours
    off, with the zone left in the headline."""
    site = live_site(make_site, f"Intro.\n\n## {written} — Red carpet opens\n\nA.\n",
                     live="true")
    (site / "site.yaml").write_text(SITE_YAML.replace("timezone: UTC",
                                                      "timezone: America/New_York"))
    run = build_outcome(site)
    assert_clean_failure(run)
    zone = said.split()[-1]
    assert run.err.splitlines()[0] == (
        f"content/articles/awards.md:11: error: '{said}' gives the time in {zone}, but this "
        "site's times are in America/New_York (site.yaml's timezone), and Byline would "
        "publish it as 10:15 pm there: write the time as clocks in America/New_York showed "
        "it, without the zone")
