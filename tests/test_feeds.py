"""Feeds (read back with feedparser), sitemaps and robots.txt, parsed as XML."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from generator.dates import later
from generator.render.xmlout import xml_text

from .conftest import SITE_YAML, article, build, page, photo_bytes
from .outcome import run_byline

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


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_updates_corrections_and_live_coverage_at_the_calendars_edges_build(make_site, moment):
    """Times the site's zone cannot show, and a live update on the calendar's last day,
    build as their dates do (they stopped the build as an internal error, hiding every
    other problem of the site); ``byline next`` reads a story due then."""
    site = make_site({
        "content/articles/edges.md": article(
            "Edges", category="Music",
            updates=f"\n  - at: {moment}\n    text: Adds a statement.",
            corrections=f"\n  - at: {moment}\n    text: An earlier version erred."),
        "content/articles/live.md": article("Live", "9999-12-31 22:00", "## 10:30 pm — x\n\nhi",
                                            category="Music", live="true"),
        "content/articles/opening.md": article("Opening", "2026-11-01 09:00", "Soon.",
                                               category="Music", live=moment),
        "content/articles/due.md": article("Due", moment, category="Music"),
    })
    result = build(site, future=True)
    assert {a.title for a in result.content.articles} >= {"Edges", "Live", "Opening"}
    assert run_byline(["next", "--site", str(site)]).code in (0, 1)


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
# --- whole stories, photos and per-author feeds, read back as a feed reader would ------------

FEEDS = ("feed.xml", "rss.xml", "feed.json")


def story_site(make_site, **yaml: str):
    body = ("The band played [two encores](/music/older/).\n\n"
            '![The crowd](crowd.jpg "Fans at the gate"){credit="Ann Lens/Wire"}\n\n'
            "It was *loud*.")
    hero = ('\n  image: hero.jpg\n  alt: The band on stage\n  caption: Opening night.\n'
            '  credit: Ines Park/Marquee Wire')
    extra = "".join(f"{key}: {value}\n" for key, value in yaml.items())
    return make_site({
        "site.yaml": SITE_YAML + extra,
        "content/articles/gig/index.md": article(
            "A night at the Fillmore", "2026-11-19 10:00", body, category="Music",
            author="Kim Lee", tags="[Live, Fillmore]", dek="Two encores.", hero=hero),
        "content/articles/gig/hero.jpg": photo_bytes((2400, 1600)),
        "content/articles/gig/crowd.jpg": photo_bytes((1600, 1000), colour=(20, 90, 160)),
        "content/articles/older.md": article("An older story", "2026-10-01 10:00",
                                             "Before.", category="Music", author="Sam Reyes"),
        "content/articles/tv.md": article("A TV story", "2026-11-10 10:00", "Screens.",
                                          category="TV", author="Kim Lee"),
    })


def test_rss_and_atom_carry_the_whole_story_with_absolute_urls(make_site):
    site = story_site(make_site)
    build(site)
    for name in ("rss.xml", "feed.xml"):
        parsed = feedparser.parse(site / "output" / name)
        assert not parsed.bozo, (name, parsed.bozo_exception)
        entry = parsed.entries[0]
        assert entry.title == "A night at the Fillmore"
        html = entry.content[0]
        assert html.type == "text/html", name
        soup = BeautifulSoup(html.value, "html.parser")
        assert "It was" in soup.get_text() and soup.find("em").get_text() == "loud"
        assert soup.find("a")["href"] == "https://news.example/music/older/"
        img = soup.find("img")
        assert img["src"].startswith("https://news.example/images/crowd."), img
        assert "Ann Lens/Wire" in soup.get_text()
        assert entry.summary == "Two encores."
    # feedparser drops srcset while sanitising: read the raw <content:encoded> for it.
    raw = ET.parse(site / "output/rss.xml").getroot().find(
        "channel/item/{http://purl.org/rss/1.0/modules/content/}encoded").text
    sets = [s["srcset"] for s in BeautifulSoup(raw, "html.parser").select("[srcset]")]
    assert sets
    for candidate in ",".join(sets).split(","):
        assert candidate.strip().startswith("https://news.example/images/"), candidate


def test_links_and_photos_typed_in_html_any_way_are_absolute_in_every_feed(make_site):
    # A red-team pass: only href="…" was made absolute, so a link typed href='/about/',
    # href=/about/ or HREF="/about/" (and a photo likewise) reached feed readers relative:
    # dead links and missing photos, with no base address for them to be read against.
    body = ("<p>See <a href='/about/'>our page</a>, <a href=/about/>again</a>, "
            "<A HREF=\"/about/\">once more</A> and <a href='/q?a=1&amp;b=\"2\"'>this</a>."
            "</p>\n\n<p><IMG SRC='/logo.png' alt='Logo'> <img src=/logo.png alt=Logo>"
            # The review: a ">" in a quoted value, and "src=" in another attribute's words.
            " <img alt=\"A fan's sign: src=love\" title=\"Top 10 > the rest\" src=/logo.png>"
            "</p>\n\n"
            "Text that says href=/not-a-link/ stays as typed.\n")
    site = make_site({"content/articles/raw.md": article("Raw HTML", "2026-11-19 10:00", body,
                                                         category="Music")})
    build(site)
    out = site / "output"
    bodies = {
        "feed.json": json.loads((out / "feed.json").read_text())["items"][0]["content_html"],
        "rss.xml": ET.parse(out / "rss.xml").getroot().find(
            "channel/item/{http://purl.org/rss/1.0/modules/content/}encoded").text,
        "feed.xml": ET.parse(out / "feed.xml").getroot().find(
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content").text,
    }
    for name, content in bodies.items():
        soup = BeautifulSoup(content, "html.parser")
        assert [a["href"] for a in soup.find_all("a")] == [
            "https://news.example/about/"] * 3 + ['https://news.example/q?a=1&b="2"'], name
        assert [i["src"] for i in soup.find_all("img")] == [
            "https://news.example/logo.png"] * 3, name
        assert soup.find_all("img")[2]["alt"] == "A fan's sign: src=love", name
        assert "href=/not-a-link/ stays" in soup.get_text(), name


def test_the_hero_is_media_content_thumbnail_credit_and_enclosure(make_site):
    site = story_site(make_site)
    build(site)
    for name in ("rss.xml", "feed.xml"):
        entry = feedparser.parse(site / "output" / name).entries[0]
        content = entry.media_content[0]
        assert content["medium"] == "image" and content["type"] == "image/jpeg"
        assert content["width"] == "1200"
        photo = site / "output" / content["url"].removeprefix("https://news.example/")
        with Image.open(photo) as opened:
            assert opened.size == (1200, 800) and opened.format == "JPEG"
        thumbnail = entry.media_thumbnail[0]
        with Image.open(site / "output" / thumbnail["url"].removeprefix(
                "https://news.example/")) as opened:
            assert opened.width == int(thumbnail["width"]) == 480
        assert entry.media_credit[0]["content"] == "Ines Park/Marquee Wire"
        enclosure = entry.enclosures[0]
        assert enclosure["href"] == content["url"] and enclosure["type"] == "image/jpeg"
        assert int(enclosure["length"]) == photo.stat().st_size
        # a story without a hero has no photo tags
        bare = next(e for e in feedparser.parse(site / "output" / name).entries
                if e.title == "A TV story")
        assert "media_content" not in bare and not bare.enclosures


def test_json_feed_1_1_sits_beside_atom_and_rss(make_site):
    site = story_site(make_site)
    build(site)
    feed = json.loads((site / "output/feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://news.example/feed.json"
    assert [i["title"] for i in feed["items"]] == ["A night at the Fillmore", "A TV story",
                                                   "An older story"]
    item = feed["items"][0]
    assert item["id"] == item["url"] == "https://news.example/music/gig/"
    assert "https://news.example/music/older/" in item["content_html"]
    assert item["image"].startswith("https://news.example/images/hero.")
    assert item["authors"] == [{"name": "Kim Lee", "url": "https://news.example/authors/kim-lee/"}]
    assert item["tags"] == ["Music", "Live", "Fillmore"]
    links = page(site, "/").find_all("link", rel="alternate")
    assert {link["type"] for link in links} >= {"application/atom+xml", "application/rss+xml",
                                                "application/feed+json"}


def test_each_author_has_feeds_of_their_own_stories(make_site):
    site = story_site(make_site)
    build(site)
    for name in ("feed.xml", "rss.xml"):
        parsed = feedparser.parse(site / "output/authors/kim-lee" / name)
        assert not parsed.bozo
        assert [e.title for e in parsed.entries] == ["A night at the Fillmore", "A TV story"]
    feed = json.loads((site / "output/authors/sam-reyes/feed.json").read_text())
    assert [i["title"] for i in feed["items"]] == ["An older story"]
    # Each list page advertises all three of its own feeds, then the site's (a reader
    # that takes only RSS or JSON Feed found only the Atom one).
    for path in ("/authors/kim-lee/", "/music/"):
        heads = [(link["type"], link["href"], link["title"])
                 for link in page(site, path).find_all("link", rel="alternate")]
        name = "Kim Lee" if "authors" in path else "Music"
        assert heads[:3] == [
            ("application/atom+xml", f"{path}feed.xml", f"{name} — The Test Times (Atom)"),
            ("application/rss+xml", f"{path}rss.xml", f"{name} — The Test Times (RSS)"),
            ("application/feed+json", f"{path}feed.json", f"{name} — The Test Times (JSON Feed)")]
        assert [href for _, href, _ in heads[3:]] == ["/feed.xml", "/rss.xml", "/feed.json"]


def test_feed_items_caps_every_feed(make_site):
    site = story_site(make_site, feed_items="1")
    build(site)
    for base in ("", "music/", "authors/kim-lee/"):
        assert len(feedparser.parse(site / "output" / base / "rss.xml").entries) == 1
        assert len(feedparser.parse(site / "output" / base / "feed.xml").entries) == 1
        assert len(json.loads((site / "output" / base / "feed.json").read_text())["items"]) == 1


def test_feed_urls_under_a_sub_path_carry_it_once(make_site):
    site = story_site(make_site)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("https://news.example/",
                                                 "https://news.example/culture/"))
    build(site)
    entry = feedparser.parse(site / "output/rss.xml").entries[0]
    soup = BeautifulSoup(entry.content[0].value, "html.parser")
    assert soup.find("a")["href"] == "https://news.example/culture/music/older/"
    assert soup.find("img")["src"].startswith("https://news.example/culture/images/")
    assert entry.media_content[0]["url"].startswith("https://news.example/culture/images/")


def test_links_relative_to_the_story_are_made_absolute_on_the_storys_address(make_site):
    """Found by a red-team pass: footnote links ("#fn:1"), "../other/" and "?a=1" stayed
    relative in feeds, which readers resolve against the feed's own address."""
    body = ("See [the other story](../older/), [this one](?a=1&b=2), [mail](mailto:desk@x.example)"
            " and [the site](https://elsewhere.example/x).[^1]\n\n[^1]: A note.")
    site = make_site({"content/articles/gig.md": article(
        "A night at the Fillmore", "2026-11-18 21:00", body, category="Music")})
    build(site)
    story = "https://news.example/music/gig/"
    for name in ("rss.xml", "feed.xml"):
        entry = feedparser.parse(site / "output" / name).entries[0]
        hrefs = [a["href"] for a in BeautifulSoup(entry.content[0].value, "html.parser")
                 .find_all("a")]
        assert hrefs == [
            "https://news.example/music/older/", f"{story}?a=1&b=2", "mailto:desk@x.example",
            "https://elsewhere.example/x", f"{story}#fn:1", f"{story}#fnref:1"], name


def test_an_address_in_any_script_is_percent_encoded_where_it_is_written_whole(make_site):
    """Found by a red-team pass: a slug like "über straße" (kept as "uber-straße") or a
    folder named in Arabic went raw into sitemaps, feeds, canonical links and og:url, which
    the sitemap protocol and search engines require percent-encoded."""
    site = make_site({
        "content/articles/explicit.md": article("Explicit", category="Music",
                                                slug='"über straße"'),
        "content/articles/مرحبا/index.md": article("Arabic", category="Music"),
    })
    build(site)
    output = site / "output"
    locs = [loc.text for loc in ET.parse(output / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://news.example/music/uber-stra%C3%9Fe/" in locs
    assert "https://news.example/music/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7/" in locs
    assert all(loc.isascii() for loc in locs)
    links = [e.link for e in feedparser.parse(output / "rss.xml").entries]
    assert "https://news.example/music/uber-stra%C3%9Fe/" in links
    page = BeautifulSoup((output / "music/uber-straße/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert page.find("link", rel="canonical")["href"] == (
        "https://news.example/music/uber-stra%C3%9Fe/")
    checked = run_byline(["check", "--site", str(site)])
    assert ": error: " not in checked.err
