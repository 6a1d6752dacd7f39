"""Feeds, sitemaps and robots.txt, parsed as XML."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from generator.dates import later
from generator.render.xmlout import xml_text

from .conftest import article, build

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def site_with_three(make_site):
    return make_site({
        "content/articles/a.md": article(title="Alpha & Co", date="2026-11-19 10:00",
                                         category="Music", author="Kim Lee"),
        "content/articles/b.md": article(title="Beta", date="2026-11-10", category="TV"),
        "content/articles/c.md": article(title="Gamma", date="2025-01-01", category="Music"),
    })


def test_atom_and_rss_feeds(make_site):
    site = site_with_three(make_site)
    build(site)
    atom = ET.parse(site / "output/feed.xml").getroot()
    entries = atom.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Alpha & Co", "Beta", "Gamma"]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://news.example/music/a/"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Kim Lee"
    rss = ET.parse(site / "output/rss.xml").getroot()
    assert [i.find("title").text for i in rss.iter("item")] == ["Alpha & Co", "Beta", "Gamma"]
    music = ET.parse(site / "output/music/feed.xml").getroot()
    assert [e.find(f"{ATOM}title").text for e in music.findall(f"{ATOM}entry")] == [
        "Alpha & Co", "Gamma"]


def test_sitemaps_and_robots(make_site):
    site = site_with_three(make_site)
    build(site)
    urls = {u.find(f"{SM}loc").text for u in ET.parse(site / "output/sitemap.xml").getroot()}
    assert {"https://news.example/", "https://news.example/music/a/",
            "https://news.example/tv/b/", "https://news.example/music/"} <= urls
    news = ET.parse(site / "output/news-sitemap.xml").getroot()
    recent = [u.find(f"{SM}loc").text for u in news]
    assert recent == ["https://news.example/music/a/"], "only the last two days"
    assert news.find(f"{SM}url/{NEWS}news/{NEWS}title").text == "Alpha & Co"
    robots = (site / "output/robots.txt").read_text()
    assert "Sitemap: https://news.example/sitemap.xml" in robots


# --- text XML 1.0 cannot carry, and what RSS readers take for HTML ------------------------------

XML_OUTPUTS = ("feed.xml", "rss.xml", "music/feed.xml", "music/rss.xml", "sitemap.xml",
               "news-sitemap.xml")
# As pasted from Word: a manual line break (\v), a backspace (\b), and U+FFFE, which XML
# forbids as well, written as YAML escapes in the front matter and raw in the body.
PASTED = ('---\ntitle: "Line\\vbreak \\b and \\uFFFE <b>bold</b>"\ndate: 2026-11-19 10:00\n'
          'category: Music\ndek: "Tom & Jerry <3 \\b <em>not markup</em>"\n---\n\n'
          "Body \x0b with \x08 and \ufffe in it.\n")


def test_characters_xml_forbids_are_cleaned_from_every_xml_output(make_site):
    site = make_site({"content/articles/a.md": PASTED,
                      "content/articles/b.md": article("Plain", category="Music")})
    build(site)
    for name in XML_OUTPUTS:
        ET.fromstring((site / "output" / name).read_bytes())  # strict: raises if not well-formed
    atom = ET.parse(site / "output/feed.xml").getroot()
    titles = [e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")]
    assert titles[0] == "Line break  and  <b>bold</b>"
    news = ET.parse(site / "output/news-sitemap.xml").getroot()
    assert news.find(f"{SM}url/{NEWS}news/{NEWS}title").text == titles[0]


def test_a_body_pasted_from_word_gives_well_formed_feeds(make_site):
    site = make_site({"content/articles/a.md": article(category="Music",
                                                       body="Said \x0b so \x08 twice \ufffe.")})
    build(site)
    rss = ET.parse(site / "output/rss.xml").getroot()
    assert rss.find("channel/item/description").text == "Said so twice ."
    for name in XML_OUTPUTS:
        ET.fromstring((site / "output" / name).read_bytes())


def test_rss_description_carries_the_dek_as_text_not_html(make_site):
    site = make_site({"content/articles/a.md": PASTED})
    build(site)
    rss = ET.parse(site / "output/rss.xml").getroot()
    description = rss.find("channel/item/description").text
    # RSS readers read <description> as HTML: the dek must arrive HTML-escaped, so a reader
    # shows "Tom & Jerry <3 <em>not markup</em>" as written instead of italics and a broken tag.
    assert "<" not in description and "&lt;em&gt;" in description
    assert html.unescape(description) == "Tom & Jerry <3  <em>not markup</em>"
    atom = ET.parse(site / "output/feed.xml").getroot()
    assert atom.find(f"{ATOM}entry/{ATOM}summary").text == "Tom & Jerry <3  <em>not markup</em>"


def test_xml_text_removes_lone_surrogates_and_noncharacters():
    assert xml_text("a\ud800b\udfffc\ufffe\uffffd\x00e\x1ff\tg\n\U0001f600") == \
        "abcdef\tg\n\U0001f600"
    assert xml_text("page\x0cbreak\x0bline") == "page break line"


# --- any date Python accepts builds, or is an error before anything is written --------------------


@pytest.mark.parametrize("options", [{"future": True}, {"preview": True, "future": True,
                                                        "drafts": True}])
@pytest.mark.parametrize("date", ["9999-12-31", "9999-12-31 23:59",
                                  "9999-12-31T23:59:00-05:00", "0001-01-01",
                                  "0001-01-01T00:00:00+05:00"])
def test_extreme_dates_build_with_well_formed_feeds(make_site, date, options):
    site = make_site({
        "content/articles/far.md": article("Far", date=date, category="Music"),
        "content/articles/now.md": article("Now", category="Music"),
    })
    build(site, **options)
    for name in XML_OUTPUTS:
        ET.fromstring((site / "output" / name).read_bytes())
    atom = ET.parse(site / "output/feed.xml").getroot()
    published = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}published").text
                 for e in atom.findall(f"{ATOM}entry")}
    assert published["Far"].startswith(date[:10])


def test_the_far_future_never_expires_the_build(make_site):
    site = make_site({"content/articles/far.md": article("Far", date="9999-12-31 23:59",
                                                         category="Music")})
    first = build(site, future=True, reuse_current=True)
    assert first.content is not None
    again = build(site, future=True, reuse_current=True)
    assert again.content is None, "nothing changed: the second build stops early"


def test_later_stops_at_the_last_representable_moment():
    end = later(datetime(9999, 12, 31, 12, tzinfo=UTC), timedelta(days=2))
    assert end == datetime.max.replace(tzinfo=UTC)
    assert later(datetime(2026, 1, 1, tzinfo=UTC), timedelta(days=2)) == \
        datetime(2026, 1, 3, tzinfo=UTC)
