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


@pytest.mark.slow
def test_embed_code_pasted_from_a_platform_is_published_valid_and_named(make_site):
    """A validity pass: Spotify's, Facebook's and SoundCloud's "Embed" code (width="100%",
    allowfullscreen="true", no title) made the page fail the Nu checker, and axe's
    frame-title: a screen reader heard only "frame".  The writer cannot mend the platform's
    code; Byline publishes it mended."""
    from bs4 import BeautifulSoup

    from .conftest import article, build

    command = vnu_command()
    body = (
        '<iframe style="border-radius:12px" src="https://open.spotify.com/embed/track/4u" '
        'width="100%" height="352" frameBorder="0" allowfullscreen="" allow="autoplay" '
        'loading="lazy"></iframe>\n\n'
        '<iframe src="https://www.facebook.com/plugins/post.php?href=x" width="500" '
        'height="498" style="border:none" scrolling="no" allowfullscreen="true"></iframe>\n\n'
        '<iframe width="100%" height="166px" src="https://w.soundcloud.com/player/?url=x" '
        'title=""></iframe>\n\n'
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="The trailer" '
        'width="560" height="315"></iframe>\n\n'
        # A review: a script's text and an attribute's value were rewritten too, breaking
        # the script, and a pasted style lost its closing quote or was outranked.
        '<div data-embed="<iframe width=100%>"><script>document.write("<iframe '
        "src='https://poll.example/' width='100%'>\")</script></div>\n\n"
        '<iframe src="https://poll.example/p" height="100%" title="Poll" '
        "style='height:400px;font-family:\"A B\"'></iframe>\n\n"
        # A third: a "copy this embed code" box's text, and an unquoted address's last "/".
        '<textarea aria-label="Embed code"><iframe src="https://e.example/x" width="100%">'
        "</iframe></textarea>\n\n"
        '<iframe title="Chart" src=https://datawrapper.dwcdn.net/AbCd1/1/></iframe>\n')
    site = make_site({"content/articles/a.md": article(title="Listen", category="Music",
                                                       body=body)})
    result = build(site)
    html = site / "output" / result.content.articles[0].url.strip("/") / "index.html"
    frames = [f for f in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select(
        "iframe") if f.find_parent("textarea") is None]
    assert [(f.get("title"), f.get("width"), f.get("height"), f.get("style")) for f in frames] == [
        ("Embedded from open.spotify.com", None, "352", "width:100%;border-radius:12px;"),
        ("Embedded from www.facebook.com", "500", "498", "border:none;"),
        ("Embedded from w.soundcloud.com", None, "166", "width:100%;"),
        ("The trailer", "560", "315", None),
        ("Poll", None, None, 'height:100%;height:400px;font-family:"A B";'),
        ("Chart", None, None, None)]
    assert frames[-1]["src"] == "https://datawrapper.dwcdn.net/AbCd1/1/"
    page_text = html.read_text(encoding="utf-8")
    assert '<div data-embed="<iframe width=100%>">' in page_text
    assert '<iframe src="https://e.example/x" width="100%"></iframe></textarea>' in page_text
    assert "document.write(\"<iframe src='https://poll.example/' width='100%'>\")" in page_text
    assert all(f.get("allowfullscreen") in ("", None) for f in frames)
    assert validator_errors(command, [str(html)], site / "output") == []
