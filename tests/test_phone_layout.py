"""What a reader on a phone sees, measured in Chromium: no page scrolls sideways, whatever the
writers typed (a long German word, a pasted web address, an Instagram handle, an indented
line) and with the text doubled (WCAG 1.4.4 and 1.4.10); a card's section link is big enough
to tap (WCAG 2.5.8).  Found by a red-team pass: the theme broke long words only in text
outside a flex or grid box, so a card, the byline or a list page's title grew to its longest
word and pushed the page sideways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import launched_chromium, require_chromium, served
from .conftest import NOW, SITE_YAML, article, build, photo_bytes, write_files
from .test_sample_site import copy_sample

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_WORD = "Fernsehpreisverleihungszeremonie"
URL = "https://www.example-press-office.com/statements/2026/11/lumen-awards-cancellation-notice"
HANDLE = "the.official.velvetstatic.band"  # Instagram's longest: 30 characters


def stress_files() -> dict[str, str | bytes]:
    return {
        # A section's name longer than a phone is wide widened every page (a red-team pass).
        "site.yaml": SITE_YAML.replace("categories: [Music, TV]",
                                       "categories: [Music, TV, Fernsehen und Streamingdienste]"
                                       "\nlanguage: de"),
        "content/articles/gala/index.md": article(
            f"{LONG_WORD} in Köln abgesagt", "2026-11-19 10:00",
            "Die Gala fällt aus.\n\n    setlist_2026_signal_tour_night_01.txt: Low Tide Radio / "
            "Signal / Glasshouse / Encore: Thrifted Gold / Another Song / And Another\n",
            category="TV", tags=f"[{LONG_WORD}, Bundesfilmförderungsgesetz]",
            author="Wolfeschlegelsteinhausenbergerdorff", dek=f"Die Erklärung steht unter {URL}",
            hero="{image: hero.jpg, alt: Die Bühne}"),
        "content/articles/gala/hero.jpg": photo_bytes((1600, 900)),
        "content/articles/serie.md": article("Neue Serie", "2026-11-17 10:00", "Text.",
                                             category="Fernsehen und Streamingdienste"),
        "content/articles/posts.md": article(
            "Velvet Static teases the tour", "2026-11-18 10:00",
            f"https://www.instagram.com/p/DEw2Lq8sHn1/\n@{HANDLE}, November 18, 2026: Tickets "
            f"at {URL}\n\n| Stadt | Datum | Halle | Karten | Preis | Vorband | Beginn | Ende |\n"
            "|---|---|---|---|---|---|---|---|\n| Köln | 1.12. | Arena | ja | 80 € | keine | "
            "20 Uhr | 23 Uhr |\n", category="Music"),
        # Embed code kept knowingly (a Facebook video is a frame 560 wide) widened the story:
        # the prose's measure outranked the theme's max-width on frames (a red-team pass).
        # The frame is one of the site's own: nothing may load from elsewhere in a test.
        "content/articles/clip.md": article(
            "The clip everyone is sharing", "2026-11-16 10:00",
            "The moment:\n\n<iframe src=\"/clip-frame/\" width=\"560\" height=\"314\" "
            "title=\"The festival's video\"></iframe>\n\nThe rest.\n", category="Music"),
    }


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    require_chromium()
    with launched_chromium() as browser:
        yield browser


# The element furthest past the window's right edge, if any (what scrolls the page sideways).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  let worst = null;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 1 && (!worst || box.right > worst.right)) {
      worst = {right: Math.round(box.right), what: element.tagName.toLowerCase() + '.' +
               element.className + ' ' + element.textContent.trim().slice(0, 40)};
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, worst};
}"""


def sideways(page: Any, root: str, path: str, width: int, text_size: str = "100%") -> list[str]:
    """What makes ``path`` scroll sideways at ``width`` px with the text at ``text_size``."""
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(root + path)
    assert response is not None and response.ok, path
    page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{text_size}'; }}")
    found = page.evaluate(OVERFLOW)
    if found["scroll"] > found["width"]:
        return [f"{path} at {width} px, text {text_size}: {found['scroll']} px wide, "
                f"{found['worst']}"]
    return []


def test_long_words_addresses_and_handles_never_widen_a_phone_page(chromium, tmp_path: Path):
    site = write_files(tmp_path / "site", stress_files())
    build(site)
    found: list[str] = []
    with served(site / "output") as root:
        page = chromium.new_page()
        for path in ("/", "/tv/gala/", "/music/posts/", "/music/clip/", "/archive/2026/", "/tv/",
                     "/tags/fernsehpreisverleihungszeremonie/",
                     "/authors/wolfeschlegelsteinhausenbergerdorff/"):
            for width in (320, 375):
                found += sideways(page, root, path, width)
        assert found == []
        # The wide table scrolls in its own box, which a keyboard can reach.
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(root + "/music/posts/")
        box = page.evaluate("""() => { const box = document.querySelector('.table-scroll');
            return {scrolls: box.scrollWidth > box.clientWidth, tab: box.tabIndex}; }""")
        assert box == {"scrolls": True, "tab": 0}
        page.close()


def test_the_sample_site_reflows_with_its_text_doubled_on_a_phone(chromium, tmp_path: Path):
    site = copy_sample(tmp_path / "site")
    build(site, now=NOW)
    found: list[str] = []
    with served(site / "output") as root:
        page = chromium.new_page()
        for path in ("/", "/awards/lumen-awards-2026-winners/", "/authors/karen-ruffini/",
                     "/awards/harbor-sound-awards-2026-live/", "/celebrity/halloway-quint-wedding/",
                     "/style/lumen-awards-2026-red-carpet-gallery/"):
            found += sideways(page, root, path, 375, "200%")
        # A card's headline keeps most of its row: the thumbnail does not double with the text.
        page.goto(root + "/")
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        narrowest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
            '.cards:not(.cards--lead) .card__title')].map(t => t.getBoundingClientRect().width))""")
        assert narrowest >= 150, narrowest  # 71 px when the thumbnail doubled
        # Each card's section link is at least 24 px tall: a tap on it is not a tap on the story.
        page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
        heights = page.evaluate("""() => [...document.querySelectorAll('.card__kicker')]
            .map(k => k.getBoundingClientRect().height)""")
        assert heights and min(heights) >= 24, heights
        page.close()
    assert found == []


def test_print_rtl_and_search_at_double_text(chromium, tmp_path: Path):
    """Found by a second red-team pass: printing gave footnotes and pasted addresses their
    address again; an Arabic story's bars and rails sat on the left; the search field shrank
    to one letter with the text doubled on a phone."""
    site = write_files(tmp_path / "site", {
        "site.yaml": SITE_YAML,
        "content/articles/live.md": article(
            "حفل توزيع الجوائز", "2026-11-19 18:00",
            "المقدمة[^1] و https://example.com/statement و [المصدر](https://example.org/).\n\n"
            "> اقتباس\n\n## 6:30 pm — الجائزة الأولى\n\nفازت الفرقة.\n\n[^1]: ملاحظة.\n",
            category="Music", language="ar", live="{end: 2026-11-19 23:00}"),
    })
    build(site)
    with served(site / "output") as root:
        page = chromium.new_page()
        page.goto(root + "/music/live/")
        sides = page.evaluate("""() => [document.querySelector('.live-update'),
            document.querySelector('.prose > blockquote')].map(e => {
              const s = getComputedStyle(e);
              return [s.borderRightWidth, s.borderLeftWidth]; })""")
        assert sides == [["3px", "0px"], ["3px", "0px"]]  # on the side the lines start
        page.emulate_media(media="print")
        after = page.evaluate("""() => [...document.querySelectorAll('.prose a')].map(a =>
            [a.getAttribute('href'), getComputedStyle(a, '::after').content])""")
        printed = {href: content for href, content in after}
        assert "attr(href)" in printed["https://example.org/"] or "example.org" in printed[
            "https://example.org/"]
        assert printed["https://example.com/statement"] == "none"
        assert all(content == "none" for href, content in after if href.startswith("#"))
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(root + "/search/")
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        width = page.evaluate("document.getElementById('search-q').getBoundingClientRect().width")
        assert width >= 150, width
        page.close()


# Each photo of the story's body and hero: the file the browser chose, and the width drawn.
# (Its pixels are in its name, "hero.8d85fbd921.800.webp": naturalWidth is in CSS pixels.)
CHOSEN = """() => [...document.querySelectorAll('main figure.photo img')].map(img => ({
  alt: img.alt, file: img.currentSrc, pixels: +img.currentSrc.match(/\\.(\\d+)\\.\\w+$/)[1],
  drawn: img.getBoundingClientRect().width}))"""


def test_a_tall_photo_is_fetched_at_the_width_it_is_drawn(chromium, tmp_path: Path):
    """A red-team pass on phones: a portrait photo stops at 80% of the window's height, so it
    is drawn far narrower than its column, but `sizes` said the column's width: a 1600×2400
    hero drawn 427 px wide fetched the 1200 px file at 1280×800, and every portrait the 1600 px
    one on a phone turned sideways (2.5–4× the pixels shown)."""
    site = write_files(tmp_path / "site", {
        "site.yaml": SITE_YAML,
        "content/articles/red-carpet/index.md": article(
            "On the red carpet", "2026-11-19 10:00",
            "The arrivals.\n\n![Imogen Asare in silver](asare.jpg)\n\n"
            "![The carpet from above](carpet.jpg)\n\nMore.\n",
            category="Music", hero="{image: hero.jpg, alt: Sienna Halloway}"),
        "content/articles/red-carpet/hero.jpg": photo_bytes((1600, 2400)),
        "content/articles/red-carpet/asare.jpg": photo_bytes((1600, 2400)),
        "content/articles/red-carpet/carpet.jpg": photo_bytes((2400, 1600)),
    })
    build(site)
    with served(site / "output") as root:
        for width, height, scale in ((1280, 800, 1), (844, 390, 3), (390, 844, 3)):
            context = chromium.new_context(viewport={"width": width, "height": height},
                                           device_scale_factor=scale)
            page = context.new_page()
            page.goto(root + "/music/red-carpet/")
            page.evaluate("async () => { for (const img of document.querySelectorAll('img')) {"
                          " img.loading = 'eager'; await img.decode().catch(() => {}); } }")
            for photo in page.evaluate(CHOSEN):
                needed = photo["drawn"] * scale
                assert photo["pixels"] <= max(2 * needed, 480), (width, height, photo)
                assert photo["pixels"] >= min(needed, 2400) * 0.99, (width, height, photo)
            context.close()


def test_a_see_through_chart_keeps_a_light_backdrop_in_dark_mode(chromium, tmp_path: Path):
    """A red-team pass on phones: a chart exported with a transparent background (black bars,
    made for a white page) sat on the dark theme's placeholder, 1.47:1, its bars all but
    gone.  A photo with no see-through parts keeps the placeholder."""
    import io

    from PIL import Image

    chart = Image.new("RGBA", (1200, 600), (0, 0, 0, 0))
    chart.paste((0, 0, 0, 255), (100, 200, 300, 550))
    data = io.BytesIO()
    chart.save(data, "PNG")
    site = write_files(tmp_path / "site", {
        "site.yaml": SITE_YAML,
        "content/articles/chart/index.md": article(
            "Opening weekends, charted", "2026-11-19 10:00",
            "The numbers:\n\n![Opening weekends in millions](chart.png)\n\n"
            "![The premiere](premiere.jpg)\n", category="Music"),
        "content/articles/chart/chart.png": data.getvalue(),
        "content/articles/chart/premiere.jpg": photo_bytes((1200, 800)),
    })
    build(site)
    with served(site / "output") as root:
        for scheme in ("dark", "light"):
            context = chromium.new_context(color_scheme=scheme)
            page = context.new_page()
            page.goto(root + "/music/chart/")
            backdrops = page.evaluate("""() => [...document.querySelectorAll('main .photo img')]
                .map(img => [img.alt, getComputedStyle(img).backgroundColor])""")
            assert backdrops[0] == ["Opening weekends in millions", "rgb(255, 255, 255)"], scheme
            assert backdrops[1][1] != "rgb(255, 255, 255)", scheme
            context.close()
