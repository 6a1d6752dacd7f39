"""Tests for generator.check: small fake output trees stand in for a real build."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from generator.check import check_site
from generator.check.addresses import SiteAddress, _locate, file_for
from generator.check.pages import css_urls, srcset_urls
from generator.errors import Problem, Severity, SourceLocation
from generator.model import Article, ImageRef
from tests.conftest import write_files

BASE_URL = "https://example.com/"
SUB_PATH_URL = "https://example.com/news/"

ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>{base}</id><title>Byline</title><updated>2024-05-01T10:00:00Z</updated>
  <link rel="self" href="{base}feed.xml"/>
  {entries}
</feed>
"""
ATOM_ENTRY = """<entry><id>{url}</id><title>{title}</title><updated>2024-05-01T10:00:00Z</updated>
  <link rel="alternate" href="{url}"/></entry>"""
RSS_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Byline</title><link>{base}</link>
<description>News</description>{items}</channel></rss>
"""
RSS_ITEM = "<item><title>{title}</title><link>{url}</link></item>"
SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>
"""


def page(body: str, *, head: str = "", base: str = "/") -> str:
    """A minimal but complete page of the default theme's shape."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>T</title>
<link rel="stylesheet" href="{base}static/css/site.3f2a1b9c.css">
<link rel="alternate" type="application/atom+xml" title="Feed" href="{base}feed.xml">
{head}</head>
<body><header><a href="{base}">Home</a></header>
<main id="main">
{body}
</main></body></html>
"""


def small_site(tmp_path: Path, *, base: str = "/", base_url: str = BASE_URL) -> Path:
    """A clean little site: home, one article with a picture, 404, feeds, sitemap, assets."""
    article_body = f"""
<article><h1 id="title">Story</h1>
<picture>
  <source type="image/webp"
    srcset="{base}images/hero.1a2b3c4d.400.webp 400w, {base}images/hero.1a2b3c4d.800.webp 800w">
  <img src="{base}images/hero.1a2b3c4d.800.jpg" alt="A singer on stage"
    srcset="{base}images/hero.1a2b3c4d.400.jpg 400w,{base}images/hero.1a2b3c4d.800.jpg 800w">
</picture>
<img src="{base}images/rule.1a2b3c4d.10.png" alt="">
<p><a href="#title">top of story</a> <a href="../">Music</a>
<a href="mailto:tips@example.com">tip</a>
<a href="tel:+15555550100">call</a> <a href="https://other.example.org/x">elsewhere</a>
<a href="javascript:void(0)">js</a> <img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">
<a href="{base_url}music/">absolute to this site</a> <a href="?page=2#main">query</a></p>
</article>"""
    story = f"{base_url}music/story/"
    return write_files(
        tmp_path / "output",
        {
            "index.html": page(f'<a href="{base}music/story/">Story</a>', base=base),
            "music/index.html": page('<a href="story/">Story</a>', base=base),
            "music/story/index.html": page(
                article_body,
                base=base,
                head=f'<meta property="og:image" content="{base_url}images/hero.1a2b3c4d.800.jpg">',
            ),
            "old-story/index.html": (
                f'<meta http-equiv="refresh" content="0; url={base}music/story/">'
            ),
            "404.html": page("Not found", base=base),
            "static/css/site.3f2a1b9c.css": (
                f"body{{background:url('{base}images/rule.1a2b3c4d.10.png')}}"
            ),
            "images/hero.1a2b3c4d.400.webp": b"w",
            "images/hero.1a2b3c4d.800.webp": b"w",
            "images/hero.1a2b3c4d.400.jpg": b"j",
            "images/hero.1a2b3c4d.800.jpg": b"j",
            "images/rule.1a2b3c4d.10.png": b"p",
            "feed.xml": ATOM_FEED.format(
                base=base_url, entries=ATOM_ENTRY.format(url=story, title="Story")
            ),
            "rss.xml": RSS_FEED.format(
                base=base_url, items=RSS_ITEM.format(url=story, title="Story")
            ),
            "music/feed.xml": ATOM_FEED.format(base=base_url, entries=""),
            "sitemap.xml": SITEMAP.format(
                urls=f"<url><loc>{base_url}</loc></url><url><loc>{story}</loc></url>"
            ),
            "robots.txt": f"User-agent: *\nSitemap: {base_url}sitemap.xml\n",
        },
    )


def errors(problems: list[Problem]) -> list[Problem]:
    """Only error-level problems."""
    return [p for p in problems if p.severity is Severity.ERROR]


def warnings(problems: list[Problem]) -> list[Problem]:
    """Only warning-level problems."""
    return [p for p in problems if p.severity is Severity.WARNING]


# --- URL handling --------------------------------------------------------------------------


def test_srcset_urls_follow_the_html_parsing_rules() -> None:
    assert srcset_urls("a.jpg 400w, b.jpg 800w") == ["a.jpg", "b.jpg"]
    assert srcset_urls("a.jpg,b.jpg 2x") == ["a.jpg,b.jpg"]
    assert srcset_urls(" a.jpg, b.jpg 2x ,c.jpg") == ["a.jpg", "b.jpg", "c.jpg"]
    assert srcset_urls("data:image/png;base64,AAA= 1x, x.png 2x") == [
        "data:image/png;base64,AAA=",
        "x.png",
    ]


def test_css_urls_skip_fragment_references() -> None:
    css = "a{b:url(x.png)} c{d:url( 'y.woff2' )} @import \"z.css\"; e{f:url(#clip)}"
    assert css_urls(css) == ["x.png", "y.woff2", "z.css"]


def test_locate_strips_the_base_path_and_ignores_other_hosts() -> None:
    site = SiteAddress.from_base_url("https://Example.com:443/news")
    page = site.url_of("music/story/index.html")
    assert site.base_path == "/news/"
    assert site.locate("../", page).site_path == "/music/"
    assert site.locate("/news/a%20b/", page).site_path == "/a b/"
    assert site.locate("https://example.com/news/x/", page).site_path == "/x/"
    assert site.locate("https://example.com/shop/", page) is None  # another app on the host
    assert site.locate("/shop/", page).outside  # a site link missing its base path
    assert site.locate("//cdn.example.net/x.js", page) is None
    assert site.locate("#top", page).fragment == "top"


def test_a_base_path_copied_from_the_address_bar_is_the_same_path() -> None:
    """Found by a red-team pass: with base_url .../%C3%A9toile/ (what a browser copies for
    /étoile/) every link of the site was "outside the base path", and no publish passed."""
    site = SiteAddress.from_base_url("https://news.example/%C3%A9toile/")
    page = site.url_of("music/story/index.html")
    assert site.locate("/%C3%A9toile/music/", page).site_path == "/music/"
    assert site.locate("/étoile/music/", page).site_path == "/music/"
    assert site.locate("../", page).site_path == "/music/"
    assert site.locate("/music/", page).outside


def test_file_for_maps_clean_urls_to_index_files() -> None:
    files = {"index.html", "music/index.html", "feed.xml"}
    assert file_for("/", files) == "index.html"
    assert file_for("/music/", files) == "music/index.html"
    assert file_for("/music", files) == "music/index.html"
    assert file_for("/feed.xml", files) == "feed.xml"
    assert file_for("/film/", files) is None


# --- The checks ----------------------------------------------------------------------------


def test_a_clean_site_has_no_problems(tmp_path: Path) -> None:
    assert check_site(small_site(tmp_path), BASE_URL) == []


def test_links_under_a_sub_path_base_url_resolve(tmp_path: Path) -> None:
    output = small_site(tmp_path, base="/news/", base_url=SUB_PATH_URL)
    assert check_site(output, SUB_PATH_URL) == []


def test_a_root_link_missing_the_base_path_is_an_error(tmp_path: Path) -> None:
    output = small_site(tmp_path, base="/news/", base_url=SUB_PATH_URL)
    write_files(output, {"about/index.html": page('<a href="/music/">Music</a>', base="/news/")})
    [problem] = check_site(output, SUB_PATH_URL)
    assert problem.severity is Severity.ERROR
    assert "/music/" in problem.message and "/news/" in problem.message
    assert problem.location == SourceLocation(Path("output/about/index.html"), 8)


def test_broken_internal_link_names_page_and_url(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    write_files(output, {"music/index.html": page('<a href="/music/missing-story/">Gone</a>')})
    [problem] = check_site(output, BASE_URL)
    assert problem.severity is Severity.ERROR
    assert "/music/missing-story/" in problem.message
    assert "on /music/" in problem.message
    assert problem.location == SourceLocation(Path("output/music/index.html"), 8)


def test_absolute_links_to_the_site_itself_are_checked(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    write_files(output, {"music/index.html": page('<a href="https://example.com/film/">Film</a>')})
    [problem] = check_site(output, BASE_URL)
    assert "https://example.com/film/" in problem.message


def test_broken_image_src_and_srcset_candidates(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    (output / "images/hero.1a2b3c4d.400.webp").unlink()
    (output / "images/hero.1a2b3c4d.800.jpg").unlink()
    found = errors(check_site(output, BASE_URL))
    messages = "\n".join(p.message for p in found)
    assert "missing image /images/hero.1a2b3c4d.400.webp on /music/story/" in messages
    assert "missing image /images/hero.1a2b3c4d.800.jpg on /music/story/" in messages
    # img src, img srcset and og:image all name the missing JPEG.
    assert sum("hero.1a2b3c4d.800.jpg" in p.message for p in found) == 3
    assert all(p.location.path == "output/music/story/index.html" for p in found)


def test_missing_script_stylesheet_and_css_asset(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    write_files(
        output,
        {
            "index.html": page('<script src="/static/js/embeds.00ff00ff.js"></script>'),
            "static/css/site.3f2a1b9c.css": "@font-face{src:url(../fonts/a.woff2)}",
        },
    )
    messages = [p.message for p in errors(check_site(output, BASE_URL))]
    assert any("missing script /static/js/embeds.00ff00ff.js on /" in m for m in messages)
    assert any("../fonts/a.woff2" in m and "/static/fonts/a.woff2" in m for m in messages)


def test_redirect_page_target_is_checked(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    write_files(output, {"old/index.html": '<meta http-equiv="refresh" content="0;url=/gone/">'})
    [problem] = check_site(output, BASE_URL)
    assert "/gone/" in problem.message and "on /old/" in problem.message


def test_same_page_fragment_without_target_is_a_warning(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    write_files(output, {"music/index.html": page('<a href="#nowhere">x</a><a href="#main">y</a>')})
    [problem] = check_site(output, BASE_URL)
    assert problem.severity is Severity.WARNING
    assert "#nowhere" in problem.message


def test_img_without_alt_is_a_warning_but_empty_alt_is_fine(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    body = (
        '<img src="/images/rule.1a2b3c4d.10.png">'
        '<img src="/images/rule.1a2b3c4d.10.png" alt="">'
        '<img src="/images/rule.1a2b3c4d.10.png" alt>'
    )
    write_files(output, {"music/index.html": page(body)})
    [problem] = check_site(output, BASE_URL)
    assert problem.severity is Severity.WARNING
    assert "alt" in problem.message and "/images/rule.1a2b3c4d.10.png" in problem.message
    assert problem.location.path == "output/music/index.html"


@pytest.mark.parametrize(
    ("key", "content", "expected"),
    [
        ("feed.xml", "<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title>", "well-formed"),
        ("rss.xml", "<rss><channel><title>x</title></channel></rss>", "<link>"),
        (
            "music/feed.xml",
            ATOM_FEED.format(
                base=BASE_URL, entries="<entry><title>a</title><link href='/a/'/></entry>"
            ),
            "entry 1 has no <id>",
        ),
        ("feed.xml", "<html><body>oops</body></html>", "Atom or RSS"),
    ],
)
def test_bad_feeds_are_errors(tmp_path: Path, key: str, content: str, expected: str) -> None:
    output = small_site(tmp_path)
    write_files(output, {key: content})
    found = errors(check_site(output, BASE_URL))
    assert found, "the broken feed went unnoticed"
    assert any(expected in p.message for p in found), [p.message for p in found]
    assert all(p.location.path == str(Path("output", key)) for p in found)


def test_feed_referenced_from_a_page_must_be_a_feed(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    write_files(
        output,
        {
            "music/index.html": page(
                "", head='<link rel="alternate" type="application/rss+xml" href="/music/x.xml">'
            ),
            "music/x.xml": "<?xml version='1.0'?><notafeed/>",
        },
    )
    [problem] = check_site(output, BASE_URL)
    assert "/music/x.xml" in problem.message and "Atom or RSS" in problem.message


def test_feed_entry_pointing_at_a_missing_page(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    entry = ATOM_ENTRY.format(url=f"{BASE_URL}music/gone/", title="Gone")
    write_files(output, {"feed.xml": ATOM_FEED.format(base=BASE_URL, entries=entry)})
    [problem] = check_site(output, BASE_URL)
    assert "music/gone/" in problem.message


def test_sitemap_entry_for_a_missing_page(tmp_path: Path) -> None:
    output = small_site(tmp_path)
    urls = f"<url><loc>{BASE_URL}</loc></url><url><loc>{BASE_URL}film/gone/</loc></url>"
    write_files(output, {"news-sitemap.xml": SITEMAP.format(urls=urls)})
    [problem] = check_site(output, BASE_URL)
    assert problem.severity is Severity.ERROR
    assert f"{BASE_URL}film/gone/" in problem.message
    assert problem.location == SourceLocation(Path("output/news-sitemap.xml"))


def test_sitemap_entry_outside_the_site(tmp_path: Path) -> None:
    output = small_site(tmp_path, base="/news/", base_url=SUB_PATH_URL)
    write_files(output, {"sitemap.xml": SITEMAP.format(urls=f"<url><loc>{BASE_URL}</loc></url>")})
    [problem] = check_site(output, SUB_PATH_URL)
    assert "not an absolute URL under https://example.com/news/" in problem.message


# --- Article warnings ----------------------------------------------------------------------


def make_article(**changes: object) -> Article:
    """An article with a dek and a credited hero, changed as asked."""
    source = SourceLocation(Path("content/articles/story/index.md"), 1)
    fields: dict[str, object] = {
        "source": source,
        "digest": "d",
        "slug": "story",
        "url": "/music/story/",
        "title": "Story",
        "date": datetime(2024, 5, 1, tzinfo=UTC),
        "date_has_time": False,
        "body_key": "parse-of-story",
        "summary": "x",
        "word_count": 1,
        "dek": "The dek",
        "hero": ImageRef(
            "hero.jpg", Path("hero.jpg"), source.at(4), "hero", alt="A", credit="Jo Photo"
        ),
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def test_articles_without_dek_or_hero_are_warned_about(tmp_path: Path) -> None:
    source = SourceLocation(Path("content/articles/story/index.md"), 1)
    uncredited_hero = ImageRef("hero.jpg", Path("hero.jpg"), source.at(4), "hero", alt="A")
    inline = ImageRef("crowd.jpg", Path("crowd.jpg"), source.at(17), "figure", alt="Crowd")
    articles = [
        make_article(),
        make_article(dek=None, hero=None, title="Bare"),
        make_article(title="Photos", hero=uncredited_hero, images=(uncredited_hero, inline)),
    ]
    found = check_site(small_site(tmp_path), BASE_URL, articles)
    assert all(p.severity is Severity.WARNING for p in found)
    # Photos without a credit are the build's warning, which `byline check` counts as its own
    # (tests/test_first_week.py): one rule, said once.
    assert [str(p) for p in found] == [
        "content/articles/story/index.md:1: warning: “Bare” has no dek",
        "content/articles/story/index.md:1: warning: “Bare” has no hero image",
    ]


# --- Scale ---------------------------------------------------------------------------------

CATEGORIES = ("music", "film", "tv", "games", "books", "stage", "celebrity", "awards")


def fake_big_site(root: Path, articles: int = 1000) -> Path:
    """An output tree shaped like a real 1,000-article build: ~4,000 pages, 8,000 images."""
    files: dict[str, str | bytes] = {"static/css/site.3f2a1b9c.css": "body{}"}
    nav = "".join(f'<li><a href="/{c}/">{c}</a></li>' for c in CATEGORIES)

    def picture(name: str) -> str:
        webp = ", ".join(f"/images/{name}.ab12cd34.{w}.webp {w}w" for w in (400, 800, 1200, 1600))
        jpg = ", ".join(f"/images/{name}.ab12cd34.{w}.jpg {w}w" for w in (400, 800, 1200, 1600))
        return (
            f'<picture><source type="image/webp" srcset="{webp}" sizes="100vw">'
            f'<img src="/images/{name}.ab12cd34.800.jpg" srcset="{jpg}" alt="Photo {name}" '
            'width="1600" height="900" loading="lazy"></picture>'
        )

    def shell(title: str, body: str) -> str:
        return page(f"<nav><ul>{nav}</ul></nav><h1>{title}</h1>{body}<footer>© Byline</footer>")

    stories = []
    for number in range(articles):
        category = CATEGORIES[number % len(CATEGORIES)]
        slug = f"story-{number}"
        url = f"/{category}/{slug}/"
        stories.append((url, slug, category))
        for width in (400, 800, 1200, 1600):
            files[f"images/{slug}.ab12cd34.{width}.webp"] = b""
            files[f"images/{slug}.ab12cd34.{width}.jpg"] = b""
    for number, (url, slug, category) in enumerate(stories):
        related = "".join(
            f'<li><a href="{other}">{other_slug}</a>{picture(other_slug)}</li>'
            for other, other_slug, _ in stories[number + 1 : number + 5]
        )
        paragraphs = "".join(
            f"<p>Paragraph {i} of a story about {category}, with "
            f'<a href="/{category}/">a link</a> and <em>emphasis</em>. ' + "Words " * 60 + "</p>"
            for i in range(12)
        )
        tags = "".join(f'<a href="/tags/tag-{(number + t) % 1500}/">t</a>' for t in range(3))
        body = f'<article id="story">{picture(slug)}{paragraphs}{tags}</article><ul>{related}</ul>'
        files[f"{url[1:]}index.html"] = shell(slug, body)
        files[f"old/{slug}/index.html"] = f'<meta http-equiv="refresh" content="0; url={url}">'
    listing = "".join(f'<a href="{u}">{s}</a>{picture(s)}' for u, s, _ in stories[:10])
    for number in range(100):
        files["index.html" if number == 0 else f"page/{number + 1}/index.html"] = shell(
            "Home", listing
        )
        category = CATEGORIES[number % len(CATEGORIES)]
        files[f"{category}/page/{number + 2}/index.html"] = shell(category, listing)
    for category in CATEGORIES:
        files[f"{category}/index.html"] = shell(category, listing)
        files[f"{category}/feed.xml"] = ATOM_FEED.format(base=BASE_URL, entries="")
    for number in range(1500):
        files[f"tags/tag-{number}/index.html"] = shell(f"tag {number}", listing)
    for number in range(200):
        files[f"authors/writer-{number}/index.html"] = shell(f"writer {number}", listing)
    files["404.html"] = shell("Not found", "")
    entries = "".join(ATOM_ENTRY.format(url=BASE_URL + u[1:], title=s) for u, s, _ in stories)
    files["feed.xml"] = ATOM_FEED.format(base=BASE_URL, entries=entries)
    files["rss.xml"] = RSS_FEED.format(base=BASE_URL, items="")
    locs = "".join(f"<url><loc>{BASE_URL}{u[1:]}</loc></url>" for u, _, _ in stories)
    files["sitemap.xml"] = SITEMAP.format(urls=locs)
    # One planted mistake, to prove the big run still looks at everything.
    files["tags/tag-7/index.html"] = shell("tag 7", '<a href="/music/no-such-story/">x</a>')
    return write_files(root, files)


def test_a_thousand_article_site_is_checked_in_one_pass(tmp_path: Path) -> None:
    output = fake_big_site(tmp_path / "output")
    pages = list(output.rglob("*.html"))
    assert len(pages) >= 3800
    problems = check_site(output, BASE_URL)
    assert [p.message for p in problems] == [
        "broken link to /music/no-such-story/ on /tags/tag-7/ (nothing at /music/no-such-story/):"
        " correct the address, or take the link out"
    ]


def test_the_fake_pages_are_real_html() -> None:
    # The fixtures are only meaningful if a forgiving real parser sees the same links.
    soup = BeautifulSoup(page('<a href="/x/">x</a><img src="/y.png" alt="">'), "lxml")
    assert [a["href"] for a in soup.find_all("a")] == ["/", "/x/"]


@pytest.mark.fuzz
@given(rest=st.text(alphabet="ab./-_~%?#:@", max_size=12),
       base=st.sampled_from(["https://news.example/", "https://news.example/site/"]))
def test_a_url_under_the_site_s_address_leads_where_resolving_it_does(rest, base):
    # locate() skips resolving plain URLs the build wrote (a sitemap's thousands): it must
    # find what resolving them would, for any spelling, dots and slashes included.
    address = SiteAddress.from_base_url(base)
    url = address.root_url + rest
    assert address.locate(url, address.url_of("music/a/index.html")) == _locate(
        address, url, address.root_url)
