"""Google Discover: large previews allowed, the hero in three proportions, narrow heroes named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from generator.images import SourceImage
from generator.images.plan import crop_size
from generator.render.meta import news_language, og_locale, text_direction

from .conftest import NOW, SITE_YAML, article, build, page

RATIOS = [(16, 9), (4, 3), (1, 1)]


def two_colour_photo(size: tuple[int, int]) -> bytes:
    """Left fifth red, the rest blue: where a crop was taken from shows in its colours."""
    image = Image.new("RGB", size, (20, 40, 220))
    image.paste((220, 30, 30), (0, 0, size[0] // 5, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def hero_site(make_site, size: tuple[int, int], focus: str = "[0.5, 0.5]", **extra: str):
    front = {"category": "Music", "dek": "A dek.", "author": "Ann Writer",
             "hero": ("\n  image: hero.jpg\n  alt: The band on stage\n"
                      f"  credit: Ines Park/Wire\n  focus: {focus}"), **extra}
    return make_site({
        "content/articles/gig/index.md": article("A night at the Fillmore", **front),
        "content/articles/gig/hero.jpg": two_colour_photo(size),
    })


def json_ld(site: Path, path: str) -> dict:
    script = page(site, path).find("script", type="application/ld+json")
    assert script is not None, f"no JSON-LD on {path}"
    return json.loads(script.string)


def opened(site: Path, url: str) -> Image.Image:
    assert url.startswith("https://news.example/"), url
    image = Image.open(site / "output" / url.removeprefix("https://news.example/"))
    image.load()
    return image


def robots(site: Path, path: str) -> list[str]:
    return [m["content"] for m in page(site, path).find_all("meta", attrs={"name": "robots"})]


def test_json_ld_gives_the_hero_in_three_proportions_1200_wide(make_site):
    site = hero_site(make_site, (3000, 2000))
    result = build(site)
    images = json_ld(site, "/music/gig/")["image"]
    assert len(images) == 3
    for url, (across, down) in zip(images, RATIOS, strict=True):
        picture = opened(site, url)
        assert picture.format == "JPEG"
        assert picture.width == 1200, url
        assert picture.width * down == picture.height * across, (url, picture.size)
        assert picture.width * picture.height >= 50_000  # Google's minimum
    assert not [w for w in result.warnings if "Discover" in w.message]


def test_crops_are_cut_around_the_focus_point(make_site):
    site = hero_site(make_site, (3000, 2000), focus="[0.05, 0.5]")
    build(site)
    square = opened(site, json_ld(site, "/music/gig/")["image"][2]).convert("RGB")
    # The focus sits in the red fifth: the square starts at the photo's left edge, so its
    # left column is red and (2000 px of a 3000 px photo) its right column blue.
    left = square.getpixel((5, 600))
    right = square.getpixel((1194, 600))
    assert left[0] > 180 and left[2] < 80, left
    assert right[2] > 180 and right[0] < 80, right

    other = hero_site(make_site, (3000, 2000), focus="[0.95, 0.5]")
    build(other)
    far = opened(other, json_ld(other, "/music/gig/")["image"][2]).convert("RGB")
    assert far.getpixel((5, 600))[2] > 180, "focus on the right: no red at the left edge"


def test_narrow_hero_warns_at_its_line_and_crops_stay_in_proportion(make_site):
    site = hero_site(make_site, (1000, 700))
    result = build(site)
    warnings = [w for w in result.warnings if "Discover" in w.message]
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.message == ("hero photo hero.jpg is 1000 px wide: Discover will show a small "
                               "thumbnail; use a photo at least 1200 px wide")
    source = (site / "content/articles/gig/index.md").read_text().splitlines()
    assert warning.location is not None and warning.location.line is not None
    assert source[warning.location.line - 1].strip() == "image: hero.jpg", warning.location
    sizes = [opened(site, url).size for url in json_ld(site, "/music/gig/")["image"]]
    assert sizes == [(992, 558), (932, 699), (700, 700)]  # never enlarged, always exact


def test_a_hero_exactly_1200_wide_does_not_warn(make_site):
    site = hero_site(make_site, (1200, 800))
    result = build(site)
    assert not [w for w in result.warnings if "Discover" in w.message]


@pytest.mark.parametrize(("size", "ratio", "expected"), [
    ((4000, 3000), (16, 9), (1200, 675)),
    ((4000, 3000), (1, 1), (1200, 1200)),
    ((1200, 800), (4, 3), (1064, 798)),
    ((640, 1200), (16, 9), (640, 360)),
    ((10, 3), (16, 9), (16, 9)),  # smaller than the ratio: one unit, never zero
])
def test_crop_sizes(size, ratio, expected):
    source = SourceImage(Path("x.jpg"), "d", size[0], size[1], "JPEG", False, False, None, None)
    assert crop_size(source, ratio) == expected


def test_published_articles_allow_large_previews_and_nothing_else_does(make_site):
    site = hero_site(make_site, (1600, 900))
    draft = article("Not yet", draft="true", category="Music")
    (site / "content/articles/draft.md").write_text(draft)
    build(site, drafts=True)
    assert robots(site, "/music/gig/") == ["max-image-preview:large"]
    assert robots(site, "/music/draft/") == []  # a draft is not published
    assert robots(site, "/") == []
    assert robots(site, "/404.html") == ["noindex"]


def test_preview_pages_are_noindex_and_never_large_preview(make_site, tmp_path):
    site = hero_site(make_site, (1600, 900))
    build(site, preview=True, output=tmp_path / "preview")
    html = page(site, "/music/gig/", output=str(tmp_path / "preview"))
    assert [m["content"] for m in html.find_all("meta", attrs={"name": "robots"})] == ["noindex"]


def test_open_graph_names_the_site_and_its_locale(make_site):
    site = hero_site(make_site, (1600, 900))
    (site / "site.yaml").write_text(SITE_YAML + "language: en-GB\n")
    build(site)
    html = page(site, "/music/gig/")
    assert html.find("meta", property="og:locale")["content"] == "en_GB"
    assert html.find("meta", property="og:site_name")["content"] == "The Test Times"
    card = html.find("meta", property="og:image")["content"]
    assert html.find("meta", attrs={"name": "twitter:image"})["content"] == card


@pytest.mark.parametrize(("language", "locale"), [
    ("en", "en_US"), ("en-GB", "en_GB"), ("fr", "fr_FR"), ("pt-br", "pt_BR"), ("ja", "ja_JP"),
    ("zh-Hant-TW", "zh_TW"), ("zh-Hant", "zh_TW"),
])
def test_og_locale(language, locale):
    assert og_locale(language) == locale


@pytest.mark.parametrize(("language", "news", "direction"), [
    ("en-GB", "en", "ltr"), ("pt-BR", "pt", "ltr"), ("zh-CN", "zh-cn", "ltr"),
    ("zh-Hant-TW", "zh-tw", "ltr"), ("sr-Latn", "sr", "ltr"), ("ar", "ar", "rtl"),
    ("he-IL", "he", "rtl"), ("fa", "fa", "rtl"), ("az-Arab", "az", "rtl"),
    ("ku-Latn", "ku", "ltr"),
])
def test_the_news_sitemap_and_the_page_read_the_language_as_each_needs(
        language, news, direction):
    """Found by a red-team pass: Google's news sitemap takes an ISO 639 code (zh-cn and zh-tw
    aside), and got "en-GB"; a right-to-left language's pages were laid out left to right."""
    assert (news_language(language), text_direction(language)) == (news, direction)


def test_a_right_to_left_site_says_so_and_its_news_sitemap_names_the_language(make_site):
    site = hero_site(make_site, (1600, 900))
    (site / "site.yaml").write_text(SITE_YAML + "language: ar-EG\n")
    build(site, now=NOW.replace(day=1, hour=11))  # the story is an hour and a half old
    html = page(site, "/music/gig/")
    assert (html.html["lang"], html.html["dir"]) == ("ar-EG", "rtl")
    sitemap = (site / "output/news-sitemap.xml").read_text()
    assert "<news:language>ar</news:language>" in sitemap
