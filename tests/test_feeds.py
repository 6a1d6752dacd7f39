"""Feeds, sitemaps and robots.txt, parsed as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

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
