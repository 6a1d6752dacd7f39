"""The live preview in a real browser: saves show up by themselves, broken saves show why."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.serve import PreviewServer
from tests.conftest import SiteFiles, article

from .browser import launched_chromium

pytestmark = pytest.mark.browser

SOURCE = "content/articles/tour.md"


def tour(body: str, title: str = "Mara Quell tours") -> str:
    """The article under test."""
    return article(title, category="Music", body=body)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium (never a downloaded one)."""
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def preview(make_site: Callable[[SiteFiles], Path]) -> Iterator[PreviewServer]:
    """A preview of a one-article site on a free port."""
    server = PreviewServer(make_site({SOURCE: tour("The band plays Tuesday.")}), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def open_page(browser: object, preview: PreviewServer, path: str) -> object:
    """A page of the preview whose event stream is already connected."""
    from playwright.sync_api import expect

    listening = preview.hub.listeners
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(preview.url + path.lstrip("/"))
    expect(page.locator("text=The band plays Tuesday.")).to_be_visible()
    deadline = time.monotonic() + 10
    while preview.hub.listeners <= listening:
        assert time.monotonic() < deadline, "the page never opened its event stream"
        time.sleep(0.02)
    return page


def test_saves_update_the_open_page_and_errors_show_in_an_overlay(
    browser: object, preview: PreviewServer
) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, preview, "/music/tour/")
    source = preview.site / SOURCE

    source.write_text(tour("The band plays Wednesday instead."), encoding="utf-8")
    expect(page.get_by_text("The band plays Wednesday instead.")).to_be_visible(timeout=10_000)

    source.write_text(tour("Broken.", title="[Mara Quell"), encoding="utf-8")
    overlay = page.get_by_role("alert")
    expect(overlay).to_be_visible(timeout=10_000)
    expect(overlay).to_contain_text(f"{SOURCE}:2: error:")
    expect(page.get_by_text("The band plays Wednesday instead.")).to_be_attached()

    # A page opened while the site is broken shows the problem too.
    second = browser.new_page()  # type: ignore[attr-defined]
    second.goto(preview.url + "music/tour/")
    expect(second.get_by_role("alert")).to_contain_text(f"{SOURCE}:2: error:", timeout=10_000)
    second.close()

    source.write_text(tour("The band plays Thursday, finally."), encoding="utf-8")
    expect(page.get_by_text("The band plays Thursday, finally.")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("alert")).to_have_count(0)
    page.close()


def test_other_pages_do_not_reload(browser: object, preview: PreviewServer) -> None:
    from playwright.sync_api import expect

    (preview.site / "content/pages").mkdir(parents=True, exist_ok=True)
    (preview.site / "content/pages/about.md").write_text(
        "---\ntitle: About us\n---\n\nWe write about music.\n", encoding="utf-8")
    preview.wait_for_build(after=1)
    page = open_page(browser, preview, "/music/tour/")
    page.evaluate("() => { window.stillHere = true; }")  # type: ignore[attr-defined]
    (preview.site / "content/pages/about.md").write_text(
        "---\ntitle: About us\n---\n\nWe write about film too.\n", encoding="utf-8")
    preview.wait_for_build(after=preview.builds)
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert page.evaluate("() => window.stillHere === true")  # type: ignore[attr-defined]
    expect(page.get_by_text("The band plays Tuesday.")).to_be_visible()
    page.close()


def test_stylesheet_change_swaps_the_link_without_reloading(
    browser: object, preview: PreviewServer
) -> None:
    from generator.theme import builtin_themes_dir

    css = builtin_themes_dir() / "default" / "static" / "css" / "site.css"
    site_css = preview.site / "themes" / "default" / "static" / "css" / "site.css"
    site_css.parent.mkdir(parents=True)
    site_css.write_text(css.read_text(encoding="utf-8"), encoding="utf-8")
    preview.wait_for_build(after=1)
    page = open_page(browser, preview, "/music/tour/")
    before = page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('link[rel=stylesheet]').href")
    page.evaluate("() => { window.stillHere = true; }")  # type: ignore[attr-defined]
    site_css.write_text(site_css.read_text(encoding="utf-8")
                        + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n", encoding="utf-8")
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'", timeout=10_000)
    after = page.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
    assert after != [before] and len(after) == 1
    assert page.evaluate("() => window.stillHere === true")  # type: ignore[attr-defined]
    page.close()


def test_a_tab_on_a_missing_page_follows_the_404_page_and_the_page_made_there(
    browser: object, preview: PreviewServer
) -> None:
    """Found by a red-team pass: a tab on the 404 page never reloaded when a save changed
    that page (the site's title here), since it listened only for the address it asked
    for."""
    from playwright.sync_api import expect

    listening = preview.hub.listeners
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(preview.url + "music/encore/")
    deadline = time.monotonic() + 10
    while preview.hub.listeners <= listening:
        assert time.monotonic() < deadline, "the page never opened its event stream"
        time.sleep(0.02)
    settings = preview.site / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "title: ", "title: The Encore ", 1), encoding="utf-8")
    expect(page).to_have_title(re.compile("The Encore"), timeout=10_000)
    (preview.site / "content/articles/encore.md").write_text(
        article("Encore", category="Music", body="One more song."), encoding="utf-8")
    expect(page.get_by_text("One more song.")).to_be_visible(timeout=10_000)
    page.close()


def test_an_old_address_in_the_preview_leads_to_the_previews_own_page(
    browser: object, make_site: Callable[[SiteFiles], Path]
) -> None:
    """Found by a red-team pass: a redirect page in the preview (an alias, a renamed story)
    sent the browser to the site's published address, out of the preview."""
    from playwright.sync_api import expect

    text = tour("The band plays Tuesday.").replace(
        "category: Music", "category: Music\naliases: [/old/tour/]")
    server = PreviewServer(make_site({SOURCE: text}), port=0)
    server.start()
    try:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(server.url + "old/tour/")
        expect(page.locator("text=The band plays Tuesday.")).to_be_visible(timeout=10_000)
        assert page.url == server.url + "music/tour/"  # type: ignore[attr-defined]
        page.close()
    finally:
        server.stop()


def test_a_first_build_that_fails_says_nothing_has_built_yet(
    browser: object, make_site: Callable[[SiteFiles], Path]
) -> None:
    """Found by a red-team pass: with a mistake there from the start, the overlay said the
    preview still showed "the last version that built", over a page that never had one."""
    from playwright.sync_api import expect

    server = PreviewServer(make_site({SOURCE: tour("Broken.", title="[Mara Quell")}), port=0)
    server.start()
    try:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(server.url + "music/tour/")
        overlay = page.get_by_role("alert")
        expect(overlay).to_contain_text("Byline could not build the site yet", timeout=10_000)
        expect(overlay).to_contain_text("Nothing has built since the preview started")
        expect(overlay).to_contain_text(f"{SOURCE}:2: error:")
        (server.site / SOURCE).write_text(tour("The band plays Tuesday."), encoding="utf-8")
        expect(page.get_by_text("The band plays Tuesday.")).to_be_visible(timeout=10_000)
        expect(page.get_by_role("alert")).to_have_count(0)
        page.close()
    finally:
        server.stop()
