"""The repository's own sample site builds cleanly, and works when hosted under a sub-path."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import NOW, REPO, build, page

pytestmark = pytest.mark.slow
SAMPLE_PARTS = ("site.yaml", "content")


def copy_sample(target: Path, base_url: str | None = None) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy(source, target / part)
    if base_url:
        config = target / "site.yaml"
        text = re.sub(r"(?m)^base_url:.*$", f"base_url: {base_url}", config.read_text())
        config.write_text(text)
    return target


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    site = copy_sample(tmp_path_factory.mktemp("sample"))
    return site, build(site, now=NOW)


def test_sample_site_builds_without_warnings(sample):
    site, result = sample
    assert result.warnings == ()
    assert result.articles >= 10 and result.pages == 1
    assert result.next_scheduled is not None  # the sample has one scheduled article
    home = page(site, "/")
    assert len(home.select("main article, main li")) >= 1
    assert page(site, "/about/").find("h1")


def test_the_sample_corrected_story_and_the_corrections_page(sample):
    site, _ = sample
    story = page(site, "/movies/starfall-protocol-box-office/")
    updated = story.select_one(".byline__meta").find("time", attrs={"datetime": True})
    assert updated.find_next("time").get_text() == "July 22, 2025, 9:15 AM PDT"
    box = story.find("aside", id="corrections")
    assert story.find(id=box["aria-labelledby"]).get_text() == "Correction"
    assert box.time["datetime"] == "2025-07-22T09:15:00-07:00"
    assert len(story.select(".changes--updates li")) == 1
    data = json.loads(story.find("script", type="application/ld+json").string)
    assert (data["@type"], data["dateModified"]) == ("NewsArticle", "2025-07-22T09:15:00-07:00")
    listed = page(site, "/corrections/").select(".corrections-list a")
    assert [a["href"] for a in listed] == ["/movies/starfall-protocol-box-office/#corrections"]


def test_sample_site_credit_comes_from_photo_metadata(sample):
    site, _ = sample
    html = page(site, "/awards/lumen-awards-2026-winners/")
    credits = [c.get_text(strip=True) for c in html.select(".photo__credit")]
    assert any("Odette Lindqvist" in c for c in credits), credits


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])  # type: ignore[arg-type]
        for name in ("srcset",):
            if values.get(name):
                self.urls += [c.strip().split(" ")[0] for c in values[name].split(",")]  # type: ignore[union-attr]


def test_site_under_a_sub_path_has_no_broken_link(tmp_path):
    site = copy_sample(tmp_path / "site", base_url="https://example.com/news/")
    build(site, output=tmp_path / "www" / "news")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(tmp_path / "www"))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        broken, seen = _crawl(root, root + "/news/")
    finally:
        server.shutdown()
    assert broken == []
    assert len(seen) > 100, "the crawl reached the whole site"


def _crawl(root: str, start: str) -> tuple[list[str], set[str]]:
    queue, seen, broken = [(start, "(start)")], {start}, []
    while queue:
        url, found_on = queue.pop()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read()
        except urllib.error.HTTPError as error:
            broken.append(f"{url} ({error.code}) linked from {found_on}")
            continue
        if "html" not in kind:
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.urls:
            absolute = urljoin(url, link.replace("https://example.com", root)).split("#")[0]
            if absolute.startswith(root) and absolute not in seen:
                if not urlsplit(absolute).path.startswith("/news/"):
                    broken.append(f"{absolute} is outside the sub-path, linked from {url}")
                    continue
                seen.add(absolute)
                queue.append((absolute, url))
    return broken, seen
