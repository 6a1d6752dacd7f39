"""The sample site passes an axe-core accessibility audit in Chromium, in light and dark mode,
on a desktop's width and a phone's (where a wide table scrolls in its own box)."""

from __future__ import annotations

import os
import shutil

import pytest

from .browser import launched_chromium, require_chromium, served
from .conftest import NOW, REPO, build
from .test_sample_site import copy_sample

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = REPO / "node_modules/axe-core/axe.min.js"
PAGES = ("/", "/page/2/", "/celebrity/imogen-asare-backyard-gala/",
         "/awards/lumen-awards-2026-winners/", "/music/", "/tags/sienna-halloway/",
         "/authors/karen-ruffini/", "/archive/", "/archive/2025/", "/about/", "/404.html",
         # The story formats: a gallery, captioned posts, a video.
         "/style/lumen-awards-2026-red-carpet-gallery/", "/celebrity/halloway-quint-wedding/",
         "/music/velvet-static-signal-tour-opener/", "/search/", "/search/?q=velvet",
         # A corrected story (an update and a correction box) and the corrections page.
         "/movies/starfall-protocol-box-office/", "/corrections/",
         # A live blog (its coverage ended before NOW).
         "/awards/harbor-sound-awards-2026-live/")


@pytest.fixture(scope="module")
def browser():
    require_chromium(AXE)
    with launched_chromium() as chromium:
        yield chromium


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]]


def test_the_audit_does_find_problems(browser):
    page = browser.new_page()
    page.set_content("<html><body><img src='x.png'><a href='/'></a></body></html>")
    assert violations(page), "axe must report an image without alt and an empty link"


# The preview's lists mark a draft (Music) and a scheduled story (Awards) on their cards.
PREVIEW_PAGES = ("/", "/music/", "/awards/", "/authors/karen-ruffini/",
                 "/music/jasper-quint-solo-album/", "/awards/lumen-awards-2027-nominations/")


@pytest.mark.parametrize("preview", [False, True], ids=["build", "preview"])
def test_sample_site_has_no_accessibility_violations(browser, tmp_path, preview):
    site = copy_sample(tmp_path / "site")
    output = site / ("preview" if preview else "output")
    build(site, now=NOW, output=output, drafts=preview, future=preview, preview=preview,
          search=not preview)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert ("card__status--draft" in home and "card__status--scheduled" in home) is preview
    found = []
    with served(output) as root:
        for scheme, width in (("light", 1280), ("dark", 1280), ("light", 375)):
            page = browser.new_page(color_scheme=scheme, viewport={"width": width, "height": 900})
            for path in PREVIEW_PAGES if preview else PAGES:
                response = page.goto(root + path)
                assert response is not None and response.ok, path
                if "?q=" in path:  # the results are the browser's to fetch and show
                    page.wait_for_function(
                        "document.getElementById('search-status').textContent !== ''")
                found += [f"{scheme} {width} px {path}: {v}" for v in violations(page)]
            page.close()
    assert found == []


def test_no_tool_is_silently_missing_in_ci():
    if os.environ.get("CI"):
        assert AXE.exists() and shutil.which("chromium")
