"""Galleries, videos and embeds in a real browser (Debian's Chromium, driven by Playwright).

A reader walks a gallery with the keyboard and hears where they are; without JavaScript every
slide is still reached; nothing moves as the page loads; nothing is fetched from a social
network, nor a video downloaded, before the reader asks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.browser import launched_chromium
from tests.browser import served as serving
from tests.conftest import SiteFiles, article, build, photo_bytes
from tests.test_story_formats import CAPTIONS, mp4_bytes

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
BODY = """\
Intro paragraph.

![Sienna Halloway in red](one.jpg "Sienna Halloway in Cassian Vey."){credit="Ines Park/Wire"}
![Imogen Asare in silver](two.jpg "Imogen Asare in Maison Albreux."){credit="Ines Park/Wire"}
![Jasper Quint in green](three.jpg "Jasper Quint in Hollis & Wray."){credit="Ines Park/Wire"}
![Rory Blanchard in blue](four.jpg "Rory Blanchard in velvet."){credit="Ines Park/Wire"}

![The trailer](clip.mp4 "Season 3 arrives April 18."){credit="Vireo+"}

https://www.instagram.com/p/DEw2Lq8sHn1/
@jasperquint, September 11, 2026: Ninety chairs, one long table.

https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC
"""


def site_files() -> SiteFiles:
    folder = "content/articles/gala/"
    files: SiteFiles = {
        folder + "index.md": article("The gala", category="Music", body=BODY),
        folder + "clip.mp4": mp4_bytes(1280, 720),
        folder + "clip.jpg": photo_bytes((1280, 720)),
        folder + "clip.vtt": CAPTIONS,
    }
    shapes = [("one", (600, 900)), ("two", (600, 900)), ("three", (900, 600)),
              ("four", (600, 900))]
    for number, (name, size) in enumerate(shapes):
        files[f"{folder}{name}.jpg"] = photo_bytes(size, colour=(40 * number, 90, 160))
    return files


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium (never a downloaded one)."""
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site over HTTP: the URL of the story."""
    from tests.conftest import SITE_YAML, write_files

    site = write_files(tmp_path_factory.mktemp("formats") / "site",
                       {"site.yaml": SITE_YAML, **site_files()})
    build(site)
    with serving(site / "output") as root:
        yield root + "/music/gala/"


# The slide whose left edge lines up with the track's: the one a reader sees.
SHOWN = """() => {
  const track = document.querySelector('.gallery__track').getBoundingClientRect();
  return [...document.querySelectorAll('.gallery__slide')]
    .findIndex(s => Math.abs(s.getBoundingClientRect().left - track.left) < 2);
}"""


def wait_until_shown(page: object, index: int) -> None:
    """Wait for a smooth scroll to end on slide ``index`` (0-based); polled from here, since
    a page without JavaScript runs no script of Playwright's own either.  The deadline only
    guards against a scroll that never ends there: a loaded CI machine took over 5 s.  On a
    loaded machine a key pressed while the last scroll still settled was lost: the slide must
    stay in view for three polls in a row."""
    deadline = time.monotonic() + 30
    settled = 0  # polls in a row that found it: a scroll passing by is not one ended there
    while settled < 3:
        settled = settled + 1 if page.evaluate(SHOWN) == index else 0  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"slide {index + 1} never came into view"
        time.sleep(0.05)


# The page's timers, kept so a test can run them early: as a busy phone's would fire.
KEEP_TIMERS = """(() => {
  const start = window.setTimeout, stop = window.clearTimeout;
  window.pendingTimers = new Map();
  window.setTimeout = (run, ms, ...args) => {
    const id = start(() => { window.pendingTimers.delete(id); run(...args); }, ms);
    window.pendingTimers.set(id, () => run(...args));
    return id;
  };
  window.clearTimeout = id => { window.pendingTimers.delete(id); stop(id); };
})();"""

# At the first scroll event part of the way to slide 2, every waiting timer runs at once, as
# if the phone had drawn no frame for a while; resolves with what the reader hears then.
PAUSE_PART_WAY = """() => new Promise(done => {
  const track = document.querySelector('.gallery__track');
  track.addEventListener('scroll', function once() {
    if (track.scrollLeft > 5 && track.scrollLeft < track.clientWidth / 2) {
      track.removeEventListener('scroll', once);
      for (const [id, run] of [...window.pendingTimers]) { window.clearTimeout(id); run(); }
      done(document.querySelector('.gallery__position .visually-hidden').textContent);
    }
  });
})"""


def test_a_pause_in_the_scroll_on_a_busy_phone_does_not_undo_a_press(
    browser: object, served: str,
) -> None:
    """A busy phone draws few frames, so the scroll events a button press starts can pause
    for longer than the wait that reads where the reader stopped.  Read there, the slide part
    of the way was announced and the next press lost (CI caught it once in thousands of
    runs)."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.add_init_script(KEEP_TIMERS)
    page.goto(served)
    spoken = page.locator(".gallery__position .visually-hidden")
    page.get_by_role("button", name="Next photo").focus()
    heard = page.evaluate(f"() => {{ const paused = ({PAUSE_PART_WAY})(); "
                          "document.activeElement.click(); return paused; }")
    assert heard == "Photo 2 of 4"
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Photo 3 of 4")
    wait_until_shown(page, 2)
    expect(spoken).to_have_text("Photo 3 of 4")
    page.close()

def test_a_reader_walks_the_gallery_with_the_keyboard_and_hears_the_position(
    browser: object, served: str,
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(served)
    gallery = page.locator(".gallery")
    spoken = gallery.locator(".gallery__position .visually-hidden")
    live = gallery.locator("[aria-live=polite]")
    expect(live).to_be_visible()
    expect(spoken).to_have_text("Photo 1 of 4")
    expect(gallery.locator(".gallery__position [aria-hidden=true]")).to_have_text("1 / 4")
    previous = page.get_by_role("button", name="Previous photo")
    expect(previous).to_have_attribute("aria-disabled", "true")

    # From the scrollable track, Tab reaches the buttons; Enter and Space press them.
    gallery.locator(".gallery__track").focus()
    page.keyboard.press("Tab")
    expect(previous).to_be_focused()
    page.keyboard.press("Tab")
    following = page.get_by_role("button", name="Next photo")
    expect(following).to_be_focused()
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Photo 2 of 4")
    wait_until_shown(page, 1)
    page.keyboard.press("Space")
    expect(spoken).to_have_text("Photo 3 of 4")
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Photo 4 of 4")
    expect(following).to_have_attribute("aria-disabled", "true")
    expect(following).to_be_focused()  # focus never drops to the page at the end
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Photo 4 of 4")
    page.keyboard.press("Shift+Tab")
    expect(previous).to_be_focused()
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Photo 3 of 4")
    wait_until_shown(page, 2)

    # Arrow keys on the track scroll it; the position follows once it settles.
    gallery.locator(".gallery__track").focus()
    page.keyboard.press("ArrowLeft")
    expect(spoken).to_have_text("Photo 2 of 4")
    page.close()


def test_without_javascript_every_slide_is_reached_by_scrolling(
    browser: object, served: str,
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served)
    gallery = page.locator(".gallery")
    expect(gallery.get_by_role("button")).to_have_count(0)  # inert without the script
    expect(gallery.get_by_text("Swipe or scroll sideways for all 4 photos")).to_be_visible()
    expect(gallery.locator(".gallery__count").first).to_have_text("1 / 4")
    slides = gallery.locator(".gallery__slide")
    wait_until_shown(page, 0)
    track = gallery.locator(".gallery__track")
    track.focus()
    for index in range(1, 4):
        page.keyboard.press("ArrowRight")  # the browser's own scrolling, snapped to slides
        wait_until_shown(page, index)
        expect(slides.nth(index).locator(".photo__credit")).to_have_text("Photo: Ines Park/Wire")
    context.close()


def test_nothing_moves_as_the_page_loads(browser: object, served: str) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.add_init_script("""
        window.shifts = 0;
        new PerformanceObserver(list => {
          for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) window.shifts += entry.value;
          }
        }).observe({type: 'layout-shift', buffered: true});
    """)
    page.goto(served)
    page.locator(".gallery").scroll_into_view_if_needed()
    page.locator(".video").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert page.evaluate("window.shifts") < 0.01
    sizes = page.evaluate("""() => [...document.querySelectorAll('main img, main video')]
        .filter(e => !e.getAttribute('width') || !e.getAttribute('height')).length""")
    assert sizes == 0
    page.close()


def test_no_provider_nor_video_is_fetched_before_the_reader_asks(
    browser: object, served: str,
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    elsewhere: list[str] = []
    videos: list[str] = []

    def watch(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if not url.startswith("http://127.0.0.1"):
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]
            return
        if "/media/" in url and url.endswith(".mp4"):
            videos.append(url)
        route.continue_()  # type: ignore[attr-defined]

    page.route("**/*", watch)
    page.goto(served)
    page.mouse.wheel(0, 4000)
    page.wait_for_timeout(500)
    assert elsewhere == [] and videos == []
    card = page.locator("figure.embed--instagram")
    expect(card.locator(".embed__provider")).to_have_text("@jasperquint on Instagram")
    card.get_by_role("button", name="Load Instagram post by @jasperquint").click()
    expect(card.locator("iframe")).to_have_attribute(
        "src", "https://www.instagram.com/p/DEw2Lq8sHn1/embed/")
    page.wait_for_timeout(300)
    assert any(u.startswith("https://www.instagram.com/") for u in elsewhere)
    player = page.locator("figure.embed--spotify")
    player.get_by_role("button", name="Load Spotify track").click()
    expect(player.locator("iframe")).to_have_attribute("height", "152")
    page.close()
