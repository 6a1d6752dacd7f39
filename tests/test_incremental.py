"""The preview's rebuild after a save patches the last build: it must write what a full build
writes, byte for byte, whatever the writer changed, and patch whenever an edit allows it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import BuildOptions, BuildResult, BuildState, build_site
from generator.errors import BuildFailed

from .conftest import NOW, article, photo_bytes, write_files
from .test_story_formats import mp4_bytes

A = "content/articles/alpha/index.md"
B = "content/articles/bravo.md"
C = "content/articles/charlie.md"
ABOUT = "content/pages/about.md"


def starting_files() -> dict[str, str | bytes]:
    """Five stories sharing tags over two categories (two per page), a page, and photos."""
    return {
        "content/articles/alpha/hero.jpg": photo_bytes(),
        "content/articles/alpha/inside.jpg": photo_bytes(colour=(20, 120, 200)),
        A: article("Alpha opens the tour", "2026-11-05 10:00", "First.\n\n![Crowd](inside.jpg)",
                   category="Music", tags="[tour, pop]", author="Jo Lane",
                   hero='{image: hero.jpg, alt: The stage, credit: "Jo Lane/Agency"}',
                   dek="A big night"),
        B: article("Bravo renewed", "2026-11-04 10:00", "Season two.", category="TV",
                   tags="[streaming, pop]", author="Sam Reyes"),
        C: article("Charlie drops a single", "2026-11-03 10:00", "Out now.",
                   category="Music", tags="[pop]", author="Jo Lane"),
        "content/articles/delta.md": article("Delta on tour", "2026-11-02 10:00", "Dates.",
                                             category="Music", tags="[tour]"),
        "content/articles/echo.md": article("Echo streams", "2026-11-01 10:00", "More.",
                                            category="TV", tags="[streaming]"),
        ABOUT: "---\ntitle: About us\n---\n\nWe cover entertainment.\n",
    }


class Preview:
    """A site rebuilt the way ``byline serve`` does, checked against fresh full builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = write_files(root / "site", {"site.yaml": _SITE_YAML, **starting_files()})
        self.state = BuildState()
        self.options = BuildOptions(site=self.site, output=root / "preview", drafts=True,
                                    future=True, preview=True, now=NOW)
        build_site(self.options, self.state)

    def save(self, name: str, text: str | bytes) -> BuildResult:
        """Write one file and rebuild, telling the build which file changed."""
        write_files(self.site, {name: text})
        return self.rebuild(name)

    def save_all(self, files: dict[str, str]) -> BuildResult:
        """Write several files, then rebuild once (a git checkout, a search-and-replace)."""
        write_files(self.site, files)
        return self.rebuild(*files)

    def rebuild(self, *names: str) -> BuildResult:
        """Rebuild after changes to ``names`` (relative to the site)."""
        changed = frozenset(str(self.site.resolve() / n) for n in names)
        return build_site(replace(self.options, changed=changed), self.state)

    def text(self, name: str) -> str:
        """A source file's text."""
        return (self.site / name).read_text(encoding="utf-8")

    def assert_same_as_full_build(self) -> None:
        """The preview folder holds exactly what a fresh build of a copy of the site writes."""
        fresh = self.root / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(self.site, fresh, ignore=shutil.ignore_patterns(".byline-cache"))
        build_site(replace(self.options, site=fresh, output=fresh / "out"))
        assert _tree(self.root / "preview") == _tree(fresh / "out")


_SITE_YAML = """\
title: The Test Times
base_url: https://news.example/
timezone: UTC
per_page: 2
categories: [Music, TV]
feed_items: 3
"""


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    return Preview(tmp_path)


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (what the writer did, the edit, whether the build can patch the last one)
EDITS: list[tuple[str, Callable[[Preview], BuildResult], bool]] = [
    ("a sentence added to a body",
     lambda p: p.save(C, p.text(C) + "\nA new sentence.\n"), True),
    ("a headline rewritten",
     lambda p: p.save(C, _edit(p.text(C), "Charlie drops a single", "Charlie's new single")),
     True),
    ("a dek written", lambda p: p.save(B, _edit(p.text(B), "author:", "dek: Fans cheer\nauthor:")),
     True),
    ("the hero's alt text changed",
     lambda p: p.save(A, _edit(p.text(A), "The stage", "The main stage")), True),
    ("an update time added",
     lambda p: p.save(C, _edit(p.text(C), "author:", "updated: 2026-11-10 08:00\nauthor:")),
     True),
    ("a page edited", lambda p: p.save(ABOUT, p.text(ABOUT) + "\nSince 2026.\n"), True),
    ("saved without a change", lambda p: p.save(B, p.text(B)), True),
    ("three stories saved at once",
     lambda p: p.save_all({A: p.text(A) + "\nMore.\n",
                           B: _edit(p.text(B), "title: ", "title: Now "),
                           C: _edit(p.text(C), "title: ", "title: Also ")}), True),
    ("a tag added", lambda p: p.save(C, _edit(p.text(C), "[pop]", "[pop, tour]")), False),
    ("a tag respelled", lambda p: p.save(C, _edit(p.text(C), "[pop", "[Pop")), False),
    ("the category changed", lambda p: p.save(C, _edit(p.text(C), "Music", "TV")), False),
    ("the date changed",
     lambda p: p.save(B, _edit(p.text(B), "2026-11-04 10:00", "2026-10-01 10:00")), False),
    ("the byline changed", lambda p: p.save(B, _edit(p.text(B), "Sam Reyes", "Jo Lane")), False),
    ("a photo added to the body",
     lambda p: p.save(A, p.text(A) + "\n![Again](hero.jpg)\n"), False),
    ("two photos on consecutive lines: a gallery",
     lambda p: p.save(A, p.text(A) + "\n![One](hero.jpg)\n![Two](inside.jpg)\n"), False),
    ("a described post pasted",
     lambda p: p.save(C, p.text(C) + "\nhttps://www.instagram.com/p/DEw2Lq8sHn1/\n"
                      "@charlie, November 3, 2026: Out now.\n"), True),
    ("a video added beside its poster",
     lambda p: p.save_all({"content/articles/alpha/clip.mp4": mp4_bytes(),  # type: ignore[dict-item]
                           A: p.text(A) + "\n![The clip](clip.mp4)\n"}), False),
    ("an article added",
     lambda p: p.save("content/articles/foxtrot.md",
                      article("Foxtrot", "2026-11-06 10:00", "New.", category="TV")), False),
    ("an article deleted", lambda p: (p.site / C).unlink() or p.rebuild(C), False),
    ("made a draft",
     lambda p: p.save(B, _edit(p.text(B), "author:", "draft: true\nauthor:")), False),
    ("site.yaml changed",
     lambda p: p.save("site.yaml", _SITE_YAML.replace("per_page: 2", "per_page: 3")), False),
]


@pytest.mark.parametrize("what,edit,patches", EDITS, ids=[e[0] for e in EDITS])
def test_a_rebuild_after_a_save_writes_what_a_full_build_writes(preview, what, edit, patches):
    result = edit(preview)
    assert result.patched is patches, what
    preview.assert_same_as_full_build()


def test_every_edit_in_turn_stays_the_same_as_a_full_build(preview):
    for what, edit, _ in EDITS:
        edit(preview)
        preview.assert_same_as_full_build()
        preview.save(B, preview.text(B) + f"\nAfter {what}.\n")
        preview.assert_same_as_full_build()


def test_a_body_edit_renders_its_own_page_and_the_feeds_carrying_it(preview):
    result = preview.save(C, preview.text(C) + "\nOne more line.\n")
    assert result.patched
    # Feeds carry whole stories: the site's, its category's and its author's, in 3 formats.
    feeds = {f"{base}{name}" for base in ("", "music/", "authors/jo-lane/")
             for name in ("feed.xml", "rss.xml", "feed.json")}
    assert set(result.changed) == {"music/charlie/index.html", *feeds}
    assert "One more line." in (preview.root / "preview/music/feed.json").read_text()
    assert "One more line." in (preview.root / "preview/music/charlie/index.html").read_text()


def test_a_headline_edit_reaches_every_list_and_feed_that_shows_it(preview):
    result = preview.save(C, _edit(preview.text(C), "Charlie drops a single", "Charlie signs"))
    assert result.patched
    changed = set(result.changed)
    assert {"music/charlie/index.html", "feed.xml", "rss.xml", "music/feed.xml",
            "archive/2026/index.html", "authors/jo-lane/index.html"} <= changed
    assert "sitemap.xml" not in changed  # it lists addresses and dates, not headlines
    # the home page's second page and the tag page show it; the first home page does not
    assert "page/2/index.html" in changed and "index.html" not in changed
    assert "tags/pop/page/2/index.html" in changed and "tags/pop/index.html" not in changed
    # alpha and bravo show it among their related stories; delta (tagged tour only) does not
    assert {"music/alpha/index.html", "tv/bravo/index.html"} <= changed
    assert "music/delta/index.html" not in changed and "tv/echo/index.html" not in changed


def test_an_update_time_reaches_the_sitemap(preview):
    text = _edit(preview.text(C), "author:", "updated: 2026-11-10 08:00\nauthor:")
    result = preview.save(C, text)
    assert result.patched and "sitemap.xml" in result.changed
    assert "2026-11-10" in (preview.root / "preview/sitemap.xml").read_text()


def test_a_broken_save_fails_and_the_fix_patches_again(preview):
    good = preview.text(C)
    with pytest.raises(BuildFailed) as failed:
        preview.save(C, "---\ntitle: [unclosed\n---\nBody\n")
    assert any("charlie.md" in str(p) for p in failed.value.problems)
    result = preview.save(C, good + "\nFixed.\n")
    assert result.patched
    preview.assert_same_as_full_build()


def test_an_edit_during_a_failed_full_build_is_not_forgotten(preview):
    # The tags change and a missing photo fails the build; fixing only the photo must still
    # bring the new tags, although the second save by itself would look like a patchable one.
    text = preview.text(C)
    with pytest.raises(BuildFailed):
        preview.save(C, _edit(text, "[pop]", "[pop, tour]") + "\n![Gone](missing.jpg)\n")
    result = preview.save(C, _edit(text, "[pop]", "[pop, tour]"))
    assert not result.patched
    preview.assert_same_as_full_build()


def test_warnings_of_an_edited_file_are_replaced_and_others_kept(preview):
    first = preview.save(A, preview.text(A) + "\n![](inside.jpg)\n")
    assert not first.patched  # a new photo
    warned = [str(w) for w in first.warnings]
    assert any("alpha/index.md" in w and "inside.jpg has no alt" in w for w in warned)
    fixed = preview.save(A, preview.text(A).replace("![](", "![The crowd again]("))
    assert fixed.patched
    assert not any("alpha/index.md" in str(w) and "no alt" in str(w) for w in fixed.warnings)
    cold = build_site(replace(preview.options, output=preview.root / "again"))
    assert [str(w) for w in fixed.warnings] == [str(w) for w in cold.warnings]
