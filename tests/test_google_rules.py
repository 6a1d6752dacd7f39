"""`byline check` knows Google's rules, and the build keeps the news sitemap within them."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest

import generator.render.plan
import generator.render.renderer
from generator.check import check_site
from generator.errors import Severity
from generator.mediatypes import REVALIDATE

from .conftest import NOW, SITE_YAML, article, build, photo_bytes
from .outcome import run_byline, snapshot
from .test_discover import two_colour_photo

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://news.example/"


def recent_site(make_site, count: int = 3, hero_size: tuple[int, int] = (2400, 1600)):
    files: dict[str, str | bytes] = {
        "site.yaml": SITE_YAML + "publisher: {name: Test Media, logo: /brand/logo.png}\n",
        "content/brand/logo.png": photo_bytes((600, 600), "PNG"),
        "content/articles/gig/index.md": article(
            "The big gig", "2026-11-20 08:00", category="Music", author="Kim Lee", dek="Loud.",
            hero="{image: hero.jpg, alt: The stage, credit: Ann Lens/Wire}"),
        "content/articles/gig/hero.jpg": two_colour_photo(hero_size),
    }
    for number in range(1, count):
        files[f"content/articles/s{number}.md"] = article(
            f"Story {number}", f"2026-11-19 {number:02d}:00", category="TV", dek="A dek.")
    return make_site(files)


def warnings(site, now=None) -> list[str]:
    return [p.message for p in check_site(site / "output", BASE, now=now)
            if p.severity is Severity.WARNING]


def errors(site) -> list[str]:
    return [p.message for p in check_site(site / "output", BASE)
            if p.severity is Severity.ERROR]


def test_a_clean_site_has_nothing_to_say(make_site):
    site = recent_site(make_site)
    build(site)
    assert warnings(site, now=NOW) == []
    assert errors(site) == []


def test_more_than_1000_recent_stories_split_the_news_sitemap(make_site, monkeypatch):
    # 1,000 articles in two days is the rule; three over a limit of two is the same code.
    for module in (generator.render.plan, generator.render.renderer):
        monkeypatch.setattr(module, "NEWS_LIMIT", 2)
    site = recent_site(make_site, count=5)
    build(site)
    index = ET.parse(site / "output/news-sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SM}loc")]
    assert parts == [f"{BASE}news-sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = []
    for number in (1, 2, 3):
        urlset = ET.parse(site / f"output/news-sitemap-{number}.xml").getroot()
        listed += [u.findtext(f"{SM}loc") for u in urlset.findall(f"{SM}url")]
        assert len(urlset.findall(f"{SM}url")) <= 2
    assert len(listed) == len(set(listed)) == 5
    assert errors(site) == []  # every part exists and lists pages that do
    assert {"/news-sitemap.xml", *(f"/news-sitemap-{n}.xml" for n in (1, 2, 3))} <= (
        short_cached(site / "output"))


def short_cached(output: Path) -> set[str]:
    """The paths ``_headers`` tells Netlify and Cloudflare Pages to keep five minutes at most
    (a sitemap or feed kept longer by a CDN hides the newest stories from search engines)."""
    rules: dict[str, list[str]] = {}
    headers: list[str] = []
    for line in (output / "_headers").read_text().splitlines():
        if line.startswith(" "):
            headers.append(line.strip())
        else:
            headers = rules[line] = []
    return {p for p, headers in rules.items() if f"Cache-Control: {REVALIDATE}" in headers}


def sitemap_urls(output: Path) -> list[str]:
    """Every page sitemap.xml lists, through its index when it has one."""
    root = ET.parse(output / "sitemap.xml").getroot()
    if root.tag == f"{SM}urlset":
        return [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]
    listed = []
    for loc in root.iter(f"{SM}loc"):
        part = ET.parse(output / loc.text.removeprefix(BASE)).getroot()
        assert part.tag == f"{SM}urlset" and len(part) <= 4
        listed += [u.findtext(f"{SM}loc") for u in part.findall(f"{SM}url")]
    return listed


def test_a_sitemap_over_the_limit_is_split_and_kept_right_as_stories_go(make_site, monkeypatch,
                                                                        tmp_path):
    """Found by a red-team pass at 50,000 stories: sitemap.xml listed every page in one
    file, and search engines read none of a sitemap of more than 50,000 URLs."""
    for module in (generator.render.plan, generator.render.renderer):
        monkeypatch.setattr(module, "SITEMAP_LIMIT", 4)  # 50,000 is the same code
    site = recent_site(make_site, count=5)
    build(site)
    out = site / "output"
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SM}loc")]
    assert parts == [f"{BASE}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    listed = sitemap_urls(out)
    assert len(listed) == len(set(listed)) == 11  # 3 parts
    assert {"/sitemap.xml", "/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml"} <= (
        short_cached(out))
    # Every page but the search page and a list's later pages (page/2/…).
    pages = {BASE + p.parent.relative_to(out).as_posix() + "/"
             for p in out.rglob("index.html") if "page" not in p.parts}
    assert set(listed) == pages - {BASE + "./", BASE + "search/"} | {BASE}
    assert errors(site) == []
    # Stories deleted: fewer parts, the last ones gone, as a clean build makes them.
    for number in (1, 2, 3, 4):
        (site / f"content/articles/s{number}.md").unlink()
    build(site)
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".byline-cache", "output"))
    build(fresh)
    assert snapshot(out) == snapshot(fresh / "output")
    assert len(sitemap_urls(out)) < len(listed)


def built_with_a_sitemap_grown(make_site, name: str, times: int) -> Path:
    """A site built, then its sitemap ``name`` made to list its first URL ``times`` times."""
    site = recent_site(make_site)
    build(site)
    path = site / "output" / name
    text = path.read_text()
    one = re.search(r"<url>.*?</url>", text, re.S).group(0)
    path.write_text(text.replace(one, one * times, 1))
    return site


def test_check_warns_about_a_sitemap_over_50000_urls(make_site):
    site = built_with_a_sitemap_grown(make_site, "sitemap.xml", 50_001)
    found = [w for w in warnings(site) if w.startswith("sitemap /sitemap.xml lists")]
    assert len(found) == 1 and found[0].endswith(
        "URLs: search engines read none of a sitemap of more than 50,000; split it into "
        "several under a sitemap index")


def test_check_warns_about_stale_stories_in_the_news_sitemap(make_site):
    site = recent_site(make_site)
    build(site)
    later = warnings(site, now=NOW + timedelta(days=3))
    assert len(later) == 1
    assert later[0].startswith("news sitemap /news-sitemap.xml lists 3 stories published more "
                               "than two days ago")
    assert "build again to leave them out" in later[0]


def test_check_warns_about_a_news_sitemap_over_1000_urls(make_site):
    site = built_with_a_sitemap_grown(make_site, "news-sitemap.xml", 1001)
    found = [w for w in warnings(site) if "1003 URLs" in w]
    assert found == ["news sitemap /news-sitemap.xml lists 1003 URLs: Google reads at most "
                     "1000; split it into several under a sitemap index"]


def rewrite_json_ld(site, path: str, change) -> None:
    page = site / "output" / path
    html = page.read_text()
    match = re.search(r'(<script type="application/ld\+json">)(.*?)(</script>)', html, re.S)
    data = json.loads(match.group(2))
    change(data)
    page.write_text(html.replace(match.group(2), json.dumps(data)))


def test_check_names_missing_required_and_recommended_properties(make_site):
    site = recent_site(make_site)
    build(site)

    def strip(data):
        del data["headline"]
        del data["dateModified"]
        data["author"] = [{"@type": "Person", "name": "Kim Lee"}]

    rewrite_json_ld(site, "music/gig/index.html", strip)
    found = [w for w in warnings(site) if "JSON-LD" in w]
    assert found == [
        "the article markup (JSON-LD) lacks headline, which Google needs for article results",
        "the article markup (JSON-LD) lacks dateModified, author.url, which Google recommends"]


def test_check_reads_the_crops_and_warns_about_missing_ratios(make_site):
    site = recent_site(make_site)
    build(site)
    rewrite_json_ld(site, "music/gig/index.html", lambda d: d.update(image=d["image"][:1]))
    found = [p.message for p in check_site(site / "output", BASE)
             if p.location and str(p.location.path) == "output/music/gig/index.html"]
    assert found == ["the article markup has no 4:3 or 1:1 image: Google asks "
                     "for the photo in 16:9, 4:3 and 1:1 (Byline makes them from the hero)"]


def test_a_narrow_hero_is_said_once_at_its_line_by_build_and_check(make_site):
    site = recent_site(make_site, hero_size=(1000, 700))
    expected = ["content/articles/gig/index.md:7: warning: hero photo hero.jpg is 1000 px wide: "
                "Discover will show a small thumbnail; use a photo at least 1200 px wide"]
    for command in ("build", "check"):
        run = run_byline([command, "--site", str(site)])
        assert run.code == 0
        assert [line for line in (run.out + run.err).splitlines()
                if "thumbnail" in line] == expected, command
    # The check of the built files has no width rule of its own to say it again differently.
    assert not [p for p in check_site(site / "output", BASE) if "thumbnail" in p.message]


@pytest.mark.parametrize(("size", "said"), [
    ((300, 200), "hero photo hero.jpg is 300 px wide: Discover will show a small thumbnail; "
                 "use a photo at least 1200 px wide"),
    ((1600, 200), "hero photo hero.jpg is 1600×200 px, too short for the square crop Google's "
                  "article markup needs (200×200 px, under 50,000 pixels): use a photo at "
                  "least 1200×675 px"),
])
def test_a_hero_too_small_for_googles_crops_is_one_warning_at_its_line(make_site, size, said):
    """Found by a red-team pass: a 300 px hero was said twice by `byline check`, once at its
    line and once at the built page, naming a crop file the writer never made."""
    site = recent_site(make_site, hero_size=size)
    for command in ("build", "check"):
        run = run_byline([command, "--site", str(site)])
        assert run.code == 0
        assert [line for line in run.err.splitlines() if "hero.jpg" in line or "pixels" in line
                ] == [f"content/articles/gig/index.md:7: warning: {said}"], command


def test_json_ld_that_is_not_json_is_named(make_site):
    site = make_site({"content/articles/a.md": article("A", category="Music"),
                      "content/a.jpg": photo_bytes()})
    build(site)
    page = site / "output/music/a/index.html"
    page.write_text(re.sub(r'(<script type="application/ld\+json">)', r"\1{oops", page.read_text()))
    found = [w for w in warnings(site) if "not valid JSON" in w]
    assert len(found) == 1 and found[0].startswith("the JSON-LD is not valid JSON")


def test_a_gap_on_every_page_is_said_once(make_site):
    site = recent_site(make_site, count=4)
    build(site)
    for path in ("tv/s1/index.html", "tv/s2/index.html", "tv/s3/index.html"):
        rewrite_json_ld(site, path, lambda d: d.pop("mainEntityOfPage"))
    found = [w for w in warnings(site) if "mainEntityOfPage" in w]
    assert found == ["the article markup (JSON-LD) lacks mainEntityOfPage, which Google "
                     "recommends (and on 2 more pages)"]


def test_a_long_headline_is_cut_at_a_word_in_the_article_markup(make_site):
    """Found by a red-team pass: the markup cut a 140-character headline at exactly 110
    characters, mid-word and without an ellipsis ("…about an aw")."""
    title = ("Mara Quell announces a world tour, a new album and a documentary about the "
             "making of it, all on the same night, in a long headline about an award")
    site = make_site({"content/articles/a.md": article(f'"{title}"', category="Music")})
    build(site)
    html = (site / "output/music/a/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))
    headline = data["headline"]
    assert len(headline) <= 110 and headline.endswith("…")
    assert title.startswith(headline[:-1]) and title[len(headline) - 1] == " "
