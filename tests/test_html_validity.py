"""The sample site's HTML passes the Nu Html Checker (vnu) with zero errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site

from .conftest import NOW, REPO

VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
# Pages whose markup only the story formats make: a gallery, captioned posts, a video.
STORY_FORMATS = ("style/lumen-awards-2026-red-carpet-gallery/index.html",
                 "celebrity/halloway-quint-wedding/index.html",
                 "music/velvet-static-signal-tour-opener/index.html",
                 "awards/harbor-sound-awards-2026-live/index.html")


def vnu_command() -> list[str] | None:
    jar = Path(os.environ.get("VNU_JAR", VNU))
    java = shutil.which("java")
    if not jar.is_file() or not java:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Nu Html Checker: .ci/run installs Java and vnu-jar")
        pytest.skip("Nu Html Checker not installed (npm install --ignore-scripts vnu-jar)")
    return [java, "-Xss8m", "-jar", str(jar)]


CORRECTED = ("movies/starfall-protocol-box-office/index.html", "corrections/index.html")


@pytest.mark.slow
def test_sample_site_html_has_no_validator_errors(tmp_path):
    command = vnu_command()
    site = tmp_path / "site"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns(
        "output", ".byline-cache", ".git", "node_modules", "tests", "bench", "*.egg-info"))
    build_site(BuildOptions(site=site, output=tmp_path / "out", now=NOW))
    pages = sorted(str(p) for p in (tmp_path / "out").rglob("*.html"))
    assert len(pages) > 20
    assert any(p.endswith("/search/index.html") for p in pages)  # the search page too
    assert {str(tmp_path / "out" / story) for story in STORY_FORMATS} <= set(pages)
    # A corrected story (one update, one correction) and the corrections page.
    assert {str(tmp_path / "out" / path) for path in CORRECTED} <= set(pages)
    assert validator_errors(command, pages, tmp_path / "out") == []


# The preview's own markup: cards marked Draft (a Music story) and Scheduled (an Awards one),
# and the banners on their pages.
PREVIEW_PAGES = ("index.html", "music/index.html", "awards/index.html",
                 "authors/karen-ruffini/index.html", "music/jasper-quint-solo-album/index.html",
                 "awards/lumen-awards-2027-nominations/index.html")


@pytest.mark.slow
def test_sample_site_preview_has_no_validator_errors(tmp_path):
    from .test_sample_site import copy_sample

    command = vnu_command()
    site = copy_sample(tmp_path / "site")
    out = tmp_path / "preview"
    build_site(BuildOptions(site=site, output=out, drafts=True, future=True, preview=True,
                            now=NOW))
    pages = [str(out / name) for name in PREVIEW_PAGES]
    marked = (out / "index.html").read_text(encoding="utf-8")
    assert 'card__status--draft">Draft<' in marked and 'card__status--scheduled">Sched' in marked
    assert validator_errors(command, pages, out) == []


def validator_errors(command: list[str], pages: list[str], root: Path) -> list[str]:
    """The Nu checker's errors for these pages, as ``page:line: message``."""
    run = subprocess.run([*command, "--errors-only", "--format", "json", *pages],
                         capture_output=True, text=True, check=False)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').split(root.name + '/')[-1]}:{m.get('lastLine')}: {m['message']}"
            for m in messages if m.get("type") == "error"]
