"""Every date a machine reads (``<time datetime>``, JSON-LD, Atom, RSS, JSON Feed, sitemaps)
is valid for its format and names the instant the story page shows, whatever the writer
typed: milliseconds from an export, an archive story from before a zone's standard time."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup

from .conftest import SITE_YAML, article, build

# RFC 3339 as HTML's <time>, the sitemap protocol and Atom read it: an offset in whole minutes,
# and at most three digits of a second.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?([+-]\d\d:\d\d|Z)")
RFC822_ZONE = re.compile(r" [+-]\d{4}$")  # RSS's pubDate: "+0000", never "-002521"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def machine_dates(output, page: str) -> dict[str, str]:
    """Each machine-readable date of the one story on the site, by where it is written."""
    html = BeautifulSoup((output / page / "index.html").read_text("utf-8"), "html.parser")
    data = json.loads(html.find("script", type="application/ld+json").string)
    data = next(d for d in data.get("@graph", [data]) if "datePublished" in d)
    atom = ET.parse(output / "feed.xml").getroot().find(f"{ATOM}entry")
    feed = json.loads((output / "feed.json").read_text("utf-8"))["items"][0]
    lastmods = [e.text for e in ET.parse(output / "sitemap.xml").getroot().iter(f"{SM}lastmod")]
    return {"<time>": html.select_one("article time")["datetime"],
            "datePublished": data["datePublished"],
            "atom": atom.findtext(f"{ATOM}published"),
            "json feed": feed["date_published"],
            "sitemap": max(lastmods),
            "rss": ET.parse(output / "rss.xml").getroot().findtext("channel/item/pubDate")}


def test_every_machine_date_is_valid_and_one_instant(make_site):
    cases = {
        # Dublin Mean Time, -00:25:21 until 1916: no format can write that offset.
        ("Europe/Dublin", "1914-06-01 10:00", "1914-06-01T10:25:21+00:00"),
        # Milliseconds, as a JavaScript export writes them: HTML's <time> allows three digits.
        ("America/Los_Angeles", '"2026-03-08T10:30:00.123Z"', "2026-03-08T10:30:00+00:00"),
        ("Asia/Kolkata", "2025-12-31 23:30", "2025-12-31T18:00:00+00:00"),
    }
    for zone, typed, instant in cases:
        site = make_site({
            "site.yaml": SITE_YAML.replace("timezone: UTC", f"timezone: {zone}"),
            "content/articles/story.md": article("From the archive", typed, category="Music"),
        })
        build(site)
        found = machine_dates(site / "output", "music/story")
        rss = found.pop("rss")
        assert RFC822_ZONE.search(rss), rss
        moments = {parsedate_to_datetime(rss)}
        for where, text in found.items():
            assert RFC3339.fullmatch(text), (zone, where, text)
            moments.add(datetime.fromisoformat(text))
        assert moments == {datetime.fromisoformat(instant)}, (zone, found)


def test_an_updated_time_before_the_story_is_not_shown_and_says_so(make_site):
    # The page said "Updated April 9" while every feed, the sitemap and JSON-LD gave the
    # publication time: two instants for one field (a red-team pass on dates).
    site = make_site({
        "content/articles/before.md": article("Before", "2026-04-10 10:00", category="Music",
                                              updated="2026-04-09 10:00"),
        "content/articles/same.md": article("Same day", "2026-04-12 10:00", category="Music",
                                            updated="2026-04-12"),
    })
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        "content/articles/before.md:5: warning: 'updated' (2026-04-09 10:00) is earlier than "
        "'date' (2026-04-10 10:00), so readers, feeds and search engines are not told of an "
        "update: correct it, or remove it",
        "content/articles/same.md:5: warning: 'updated' gives the story's own day (2026-04-12) "
        "without a time, so it is not shown as an update: give the time of the change, e.g. "
        "updated: 2026-04-12 15:30"]
    for slug in ("before", "same"):
        html = (site / f"output/music/{slug}/index.html").read_text("utf-8")
        assert "Updated" not in BeautifulSoup(html, "html.parser").select_one("article").text
        data = json.loads(BeautifulSoup(html, "html.parser").find(
            "script", type="application/ld+json").string)
        data = next(d for d in data.get("@graph", [data]) if "datePublished" in d)
        assert data["dateModified"] == data["datePublished"]
