"""Site search: Pagefind's index as a stage of the build, owned like every other output."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from generator import search_stage
from generator.cli import main
from generator.ownership import read_ownership
from generator.search_stage import HOW_TO_GET_SEARCH, find_indexer
from generator.theme import builtin_themes_dir

from .conftest import NOW, SITE_YAML, article, build, page, photo_bytes
from .outcome import run_byline, snapshot


def require_pagefind() -> None:
    if find_indexer() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test site search: pip install -e '.[test]' brings pagefind[bin]")
        pytest.skip("Pagefind not installed (pip install 'byline[search]')")


def indexed_urls(output: Path) -> set[str]:
    """The pages Pagefind indexed, read back from its fragments."""
    return {fragment_url(fragment) for fragment in output.glob("pagefind/*/fragment/*")}


def fragment_url(fragment: Path) -> str:
    """The address of the page a fragment of Pagefind's index is of."""
    data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
    return str(json.loads(data)["url"])


def news_site(make_site):
    return make_site({
        "content/articles/gig.md": article("Zephyr plays the Fillmore", category="Music",
                                           body="A long night."),
        "content/articles/show.md": article("A TV story", category="TV", body="Screens."),
        "content/articles/draft.md": article("Secret draft", category="TV", draft="true"),
        "content/articles/later.md": article("Scheduled story", "2027-01-01 10:00",
                                             category="TV"),
        "content/pages/about.md": "---\ntitle: About us\n---\n\nWe cover entertainment.\n",
    })


def test_the_build_indexes_published_stories_and_pages_only(make_site):
    require_pagefind()
    site = news_site(make_site)
    result = build(site, search=True)
    assert result.search is not None and result.search.indexed
    output = site / "output"
    assert (output / "pagefind/0/pagefind.js").is_file()
    assert not (output / "pagefind/0/pagefind-ui.js").exists()  # the theme has its own
    assert json.loads((output / "pagefind/shards.json").read_text()) == {
        "bundles": ["/pagefind/0/"]}
    assert indexed_urls(output) == {"/music/gig/", "/tv/show/", "/about/"}
    # the search page itself, lists and the 404 page carry nothing to index
    search = page(site, "/search/")
    assert search.find("section", attrs={"data-search-index": "/pagefind/shards.json"})
    assert search.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert not search.select("[data-pagefind-body]")
    story = page(site, "/music/gig/")
    assert story.find("h1")["data-pagefind-weight"] == "10"


def test_drafts_and_scheduled_stories_are_never_indexed(make_site):
    require_pagefind()
    site = news_site(make_site)
    build(site, search=True)
    before = indexed_urls(site / "output")
    result = build(site, search=True, drafts=True, future=True)
    assert result.search is not None and not result.search.indexed
    assert (site / "output/tv/draft/index.html").is_file()  # built, but not indexed
    assert indexed_urls(site / "output") == before


def test_index_files_are_byline_s_own(make_site):
    require_pagefind()
    site = news_site(make_site)
    build(site, search=True)
    owned = read_ownership(site / "output")
    assert owned is not None and owned.clean
    on_disk = {p.relative_to(site / "output").as_posix()
               for p in (site / "output/pagefind").rglob("*") if p.is_file()}
    assert on_disk and on_disk <= owned.files
    # search turned off: Byline deletes the index it wrote, and only that
    (site / "site.yaml").write_text(SITE_YAML + "search: false\n")
    foreign = site / "output/pagefind/mine.txt"
    foreign.write_text("not Byline's")
    result = build(site, search=True)
    assert result.search is None
    left = {p.name for p in (site / "output/pagefind").rglob("*") if p.is_file()}
    assert left == {"mine.txt"}
    assert not any(f.startswith("pagefind/") for f in read_ownership(site / "output").files)
    assert not (site / "output/search").exists()
    assert not page(site, "/music/gig/").find("form", class_="site-search")


def test_a_rebuild_that_changes_no_page_does_not_index_again(make_site):
    require_pagefind()
    site = news_site(make_site)
    build(site, search=True)
    entry = site / "output/pagefind/0/pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    again = build(site, search=True)
    assert again.search is not None and not again.search.indexed
    assert entry.stat().st_mtime_ns == first
    build(site, search=True, reuse_current=True)
    stopped = build(site, search=True, reuse_current=True)  # `byline build`'s early stop
    assert stopped.content is None and stopped.search is None
    assert entry.stat().st_mtime_ns == first
    story = site / "content/articles/gig.md"
    story.write_text(story.read_text() + "\nThe encore was a cover of Quokka Blues.\n")
    edited = build(site, search=True)
    assert edited.search is not None and edited.search.indexed
    fragments = [gzip.decompress(f.read_bytes()) for f in
                 (site / "output").glob("pagefind/*/fragment/*")]
    assert any(b"Quokka Blues" in f for f in fragments)
    # the old index's fragments went with it: only the current ones are left
    assert len(fragments) == 3


def test_indexing_leaves_the_pages_as_the_build_wrote_them(make_site):
    """Pagefind reads the pages through links, which change no page's stamp (see
    ``outputdir.Stamp``): no page looks changed since its build, and the next `byline
    build` stops early instead of making every indexed page again."""
    require_pagefind()
    site = news_site(make_site)
    first = build(site, search=True, reuse_current=True)
    assert first.search is not None and first.search.indexed
    assert build(site, search=True, reuse_current=True).content is None


def test_an_index_not_put_in_place_leaves_the_pages_untouched(make_site):
    """A red-team pass: Pagefind read the pages through links, made and removed, which
    changed their change times; with no index then put in place (a file of the writer's in
    its way), every later build took every indexed page for one changed by hand, and made
    it again."""
    require_pagefind()
    site = news_site(make_site)
    build(site, search=False)
    (site / "output/pagefind").mkdir()
    (site / "output/pagefind/shards.json").write_text("{}\n")  # the writer's own file
    blocked = build(site, search=True)
    assert blocked.search is not None and "shards.json" in (blocked.search.message or "")
    again = build(site, search=True)
    assert again.written == 0 and again.notes == ()


def test_when_pagefind_fails_the_old_index_goes_rather_than_find_a_pulled_story(
        make_site, tmp_path, monkeypatch):
    """Found by a red-team pass: a build whose Pagefind failed kept the last index, which
    still found a story made a draft since (pulled), its headline and text, and a publish
    sent it out."""
    require_pagefind()
    site = news_site(make_site)
    build(site, search=True)
    assert "/tv/show/" in indexed_urls(site / "output")
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search_stage, "find_indexer", lambda: failing)
    (site / "content/articles/show.md").write_text(
        article("A TV story", category="TV", body="Screens.", draft="true"))
    result = build(site, search=True)
    assert result.search is not None and result.search.message == (
        "site search is off until the next build: Pagefind failed (Error: out of memory)")
    assert not (site / "output/pagefind").exists()
    assert not {p for p in read_ownership(site / "output").files if p.startswith("pagefind/")}
    monkeypatch.undo()
    build(site, search=True)  # Pagefind works again: the index is made whole
    assert indexed_urls(site / "output") == {"/music/gig/", "/about/"}


@pytest.mark.parametrize("deleted", ["pagefind", "pagefind/shards.json",
                                     "pagefind/0/pagefind-entry.json"])
def test_index_files_deleted_by_hand_are_made_again(make_site, deleted):
    """Found by a red-team pass: the up-to-date check looked only for the pages, so a build
    said "nothing changed" and the search page stayed broken."""
    require_pagefind()
    site = news_site(make_site)
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    before = snapshot(site / "output/pagefind")
    assert "shards.json" in before and "0/pagefind-entry.json" in before
    target = site / "output" / deleted
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    assert snapshot(site / "output/pagefind") == before


@pytest.mark.parametrize("emptied", ["shards.json", "0/pagefind-entry.json", "0/*.pf_meta",
                                     "0/pagefind-worker.js", "0/index/*"])
def test_index_files_emptied_are_made_again(make_site, emptied):
    """A red-team pass: the up-to-date check looked at the entry files only, so an emptied
    word index or worker left search broken, and the build said "Up to date"."""
    require_pagefind()
    site = news_site(make_site)
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    before = snapshot(site / "output/pagefind")
    [target] = (site / "output/pagefind").glob(emptied)
    target.write_bytes(b"")
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    assert snapshot(site / "output/pagefind") == before


def test_a_fragment_emptied_is_made_again_by_the_next_build_that_changes_anything(make_site):
    """A red-team pass: the shard holding an emptied fragment was indexed again, but the
    fragment, named after a hash of its bytes, was taken for one already in place and kept
    empty (and published)."""
    require_pagefind()
    site = news_site(make_site)
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    fragments = {fragment_url(f): f for f in (site / "output").glob("pagefind/*/fragment/*")}
    gig = fragments["/music/gig/"]
    before = gig.read_bytes()
    gig.write_bytes(b"")
    story = site / "content/articles/show.md"  # another story: the gig's fragment is kept
    story.write_text(story.read_text() + "\nOne more line.\n")
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    assert gig.read_bytes() == before


def test_index_files_are_watched_after_a_build_that_failed(make_site):
    """A review: the build after one that failed as it rendered remade every page but
    recorded only those, so an emptied file of the search index was taken as found from
    then on, and the site went out with search broken."""
    require_pagefind()
    site = news_site(make_site)
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    before = snapshot(site / "output/pagefind")
    slip = (builtin_themes_dir() / "default/templates/list.html").read_text()
    (site / "templates").mkdir()
    (site / "templates/list.html").write_text(
        slip.replace("{%- block main %}", "{%- block main %}{{ site.title + 5 }}", 1))
    assert run_byline(["build", "--site", str(site), "-q"]).code == 1
    shutil.rmtree(site / "templates")
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    [script] = (site / "output/pagefind").glob("0/pagefind.js")
    script.write_bytes(b"")
    assert run_byline(["build", "--site", str(site), "-q"]).code == 0
    assert snapshot(site / "output/pagefind") == before


def test_the_preview_never_indexes(make_site, tmp_path):
    require_pagefind()
    site = news_site(make_site)
    result = build(site, search=True, preview=True, drafts=True, future=True,
                   output=tmp_path / "preview")
    assert result.search is None
    assert not (tmp_path / "preview/pagefind").exists()


def test_without_pagefind_the_build_says_once_how_to_get_search(make_site, monkeypatch,
                                                                 capsys):
    site = news_site(make_site)
    monkeypatch.setattr(search_stage, "find_indexer", lambda: None)
    assert main(["build", "--site", str(site)]) == 0
    said = capsys.readouterr().out
    assert said.count(HOW_TO_GET_SEARCH) == 1
    assert "pip install 'byline[search]'" in HOW_TO_GET_SEARCH
    assert (site / "output/music/gig/index.html").is_file()
    assert main(["build", "--site", str(site)]) == 0  # nothing changed: nothing to say
    assert HOW_TO_GET_SEARCH not in capsys.readouterr().out
    # Built as with search: false: no search box or search page with no index behind it
    # (a red-team pass found both on every page, readers told search was unavailable).
    assert not (site / "output/search").exists()
    assert not any('action="/search/"' in p.read_text("utf-8")
                   for p in (site / "output").rglob("*.html"))


def test_pagefind_installed_after_a_build_without_it_ends_the_early_stop(make_site,
                                                                          monkeypatch):
    require_pagefind()
    site = news_site(make_site)
    with monkeypatch.context() as missing:
        missing.setattr(search_stage, "find_indexer", lambda: None)
        assert build(site, search=True, reuse_current=True).search is not None
        assert build(site, search=True, reuse_current=True).content is None  # up to date
    installed = build(site, search=True, reuse_current=True)
    assert installed.search is not None and installed.search.indexed
    assert (site / "output/search/index.html").is_file()  # the box and page come back
    assert indexed_urls(site / "output") == {"/music/gig/", "/tv/show/", "/about/"}
    assert build(site, search=True, reuse_current=True).content is None


def test_an_older_sites_index_in_a_folder_built_with_force_is_kept_and_named(make_site,
                                                                            tmp_path):
    require_pagefind()
    site = news_site(make_site)
    folder = tmp_path / "www"
    theirs = {"pagefind/shards.json": b'{"bundles": ["/old/"]}',
              "pagefind/0/pagefind-worker.js": b"// the old site's"}
    for name, data in theirs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    run = run_byline(["build", "--site", str(site), "--output", str(folder), "--force"])
    assert (f"site search was not updated: {folder}/pagefind/0/pagefind-worker.js was not "
            "written by Byline, and the search index goes there: move it out of "
            f"{folder}, then build again") in run.out + run.err
    assert {name: (folder / name).read_bytes() for name in theirs} == theirs
    assert (folder / "music/gig/index.html").is_file()  # the pages are built all the same
    assert not any(f.startswith("pagefind/") for f in read_ownership(folder).files)


def test_the_index_is_never_written_through_a_link(make_site, tmp_path):
    require_pagefind()
    site = news_site(make_site)
    build(site, search=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "output/pagefind/0").rename(tmp_path / "old-shard")
    (site / "output/pagefind/0").symlink_to(elsewhere, target_is_directory=True)
    (site / "content/articles/gig.md").write_text(article("Zephyr plays two nights",
                                                          category="Music"))
    result = build(site, search=True)
    assert result.search is not None and result.search.message is not None
    assert f"{site}/output/pagefind/0 is a link" in result.search.message
    assert list(elsewhere.iterdir()) == []


def test_shard_count_doubles_as_the_site_grows():
    assert [search_stage.shard_count(n) for n in (0, 1, 1000, 1001, 2500, 10_000)] == [
        1, 1, 1, 2, 4, 16]


def test_an_edit_indexes_only_its_own_shard(make_site, monkeypatch):
    require_pagefind()
    monkeypatch.setattr(search_stage, "SHARD_SIZE", 2)
    site = make_site({f"content/articles/s{n}.md": article(f"Story number {n}", category="Music",
                                                           body=f"Body {n}.")
                      for n in range(7)})
    first = build(site, search=True)
    assert first.search is not None and first.search.shards == 4
    output = site / "output"
    bundles = json.loads((output / "pagefind/shards.json").read_text())["bundles"]
    assert 2 <= len(bundles) <= 4
    assert indexed_urls(output) == {f"/music/s{n}/" for n in range(7)}
    entries = {p: p.stat().st_mtime_ns for p in output.glob("pagefind/*/pagefind-entry.json")}
    story = site / "content/articles/s3.md"
    story.write_text(story.read_text() + "\nA walrus appears.\n")
    edited = build(site, search=True)
    assert edited.search is not None and edited.search.shards == 1
    changed = [p for p, mtime in entries.items() if p.stat().st_mtime_ns != mtime]
    home = search_stage.shard_of("music/s3/index.html", 4)
    assert changed == [output / f"pagefind/{home}/pagefind-entry.json"]
    assert indexed_urls(output) == {f"/music/s{n}/" for n in range(7)}  # old fragments gone
    owned = read_ownership(output).files
    on_disk = {p.relative_to(output).as_posix() for p in output.glob("pagefind/**/*")
               if p.is_file()}
    assert on_disk == {f for f in owned if f.startswith("pagefind/")}


def test_an_open_live_blog_has_a_shard_of_its_own_until_coverage_ends(make_site, monkeypatch):
    require_pagefind()
    monkeypatch.setattr(search_stage, "SHARD_SIZE", 2)
    live = "content/articles/live.md"
    head = article("Awards night live", "2026-11-19 19:00", "Every winner.\n\n## 8:00 pm — Doors",
                   category="Music", live="2026-11-19 19:00")
    site = make_site({live: head, **{f"content/articles/s{n}.md": article(
        f"Story number {n}", category="Music", body=f"Body {n}.") for n in range(6)}})
    first = build(site, search=True)
    output = site / "output"
    everyone = {"/music/live/", *(f"/music/s{n}/" for n in range(6))}
    assert first.search is not None and first.search.shards == 5
    assert json.loads((output / "pagefind/shards.json").read_text())["bundles"][-1] == \
        "/pagefind/4/"
    assert indexed_urls(output) == everyone
    entries = {p: p.stat().st_mtime_ns for p in output.glob("pagefind/*/pagefind-entry.json")}
    (site / live).write_text(head + "\n## 8:05 pm — A walrus wins\n\nApplause.\n")
    updated = build(site, search=True)
    assert updated.search is not None and updated.search.shards == 1
    assert [p for p, t in entries.items() if p.stat().st_mtime_ns != t] == [
        output / "pagefind/4/pagefind-entry.json"]
    fragments = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
                 for f in output.glob("pagefind/4/fragment/*")]
    assert [f["url"] for f in fragments] == ["/music/live/"]
    assert "walrus" in fragments[0]["content"]
    # Coverage ended: the page goes back to the shard its path hashes to, and the small
    # shard leaves the list the search page loads.
    (site / live).write_text(head.replace("live: 2026-11-19 19:00", "live: {end: true}")
                             + "\n## 8:05 pm — A walrus wins\n\nApplause.\n")
    ended = build(site, search=True)
    assert ended.search is not None and ended.search.shards == 1
    assert "/pagefind/4/" not in json.loads((output / "pagefind/shards.json").read_text())[
        "bundles"]
    assert not (output / "pagefind/4").exists()
    assert indexed_urls(output) == everyone


def _indexed(output: Path, url: str) -> dict:
    """What Pagefind's index holds of the page at ``url``."""
    for fragment in output.glob("pagefind/*/fragment/*"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        if data["url"] == url:
            return data
    raise AssertionError(f"{url} is not indexed")


def test_a_live_blog_is_indexed_again_when_its_coverage_starts(make_site):
    """Upcoming, the page says when coverage starts; started, it says "Live".  No file
    changes in between, but the page does, and the index must follow it (it kept the
    upcoming text: the page's key held nothing of the clock)."""
    require_pagefind()
    site = make_site({"content/articles/live.md": article(
        "Awards night live", "2026-11-19 19:00", "Every winner.", category="Music",
        live="{start: 2026-11-20 13:00}")})
    build(site, search=True, reuse_current=True)
    assert "Live from" in _indexed(site / "output", "/music/live/")["content"]
    started = build(site, search=True, reuse_current=True, now=NOW + timedelta(hours=2))
    assert started.search is not None and started.search.indexed
    assert "Live from" not in _indexed(site / "output", "/music/live/")["content"]


def test_a_page_whose_photo_is_replaced_is_indexed_again(make_site):
    """The index shows a page's photo by its address, which names its content: a photo
    replaced under the same name must not leave the index pointing at the old file (which
    the build deletes)."""
    require_pagefind()
    site = make_site({"content/pages/contact/index.md":
                      "---\ntitle: Contact\n---\n\n![Our office](office.jpg)\n",
                      "content/pages/contact/office.jpg": photo_bytes()})
    build(site, search=True)
    before = _indexed(site / "output", "/contact/")["meta"]["image"]
    (site / "content/pages/contact/office.jpg").write_bytes(photo_bytes(colour=(20, 90, 200)))
    build(site, search=True)
    after = _indexed(site / "output", "/contact/")["meta"]["image"]
    assert after != before
    assert (site / "output" / after.lstrip("/")).is_file()


def test_a_page_where_the_search_index_goes_is_an_error_at_its_line(make_site):
    """Found by a red-team pass: a page at /pagefind/ turned search off with a line naming
    no file, and left the last index in place, listing a story at its old address."""
    require_pagefind()
    site = news_site(make_site)
    assert build(site, search=True).search.indexed
    before = snapshot(site / "output")
    (site / "content/pages/about.md").write_text("---\ntitle: About us\nslug: pagefind\n---\n\n"
                                                 "We cover entertainment.\n", encoding="utf-8")
    run = run_byline(["build", "--site", str(site)])
    assert (run.code, run.err.splitlines()[0]) == (1, (
        "content/pages/about.md:3: error: /pagefind/ is where the site's search index goes, "
        "and the address set here would put /pagefind/index.html in it: choose another "
        "address (another slug:, file name or section name), or set search: false"))
    assert snapshot(site / "output") == before  # the previous site, its index with it
