"""Crash tests at exact moments: a build killed at one named step of a commit is healed.

test_crash.py kills builds at random moments and so finds a narrow window only now and then.
Here the build runs in a child process in which one function of generator/outputdir.py is
wrapped to send the process SIGKILL just before or after its Nth call: the same moment every
run, with nothing in Byline itself to switch on.  The edit changes every page and the search
index; the inputs are then restored exactly (bytes and modification times), and the next
build must leave output/, marker included, byte for byte as a clean build does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import BuildOptions, BuildState, build_site
from generator.cache import BuildCache
from generator.ownership import MARKER_NAME, read_ownership
from generator.search_stage import MANIFEST, find_indexer

from .conftest import NOW, REPO, SITE_YAML, article, write_files
from .outcome import snapshot

# Runs `byline build`, killing itself at call number COUNT of generator.outputdir.NAME
# (counting only calls whose second argument ends with SUFFIX, when one is given).
DYING_BUILD = """
import os, signal, sys
import generator.outputdir as outputdir
from generator.cli import main

site, name, count, when, suffix = sys.argv[1:6]
original = getattr(outputdir, name)
calls = 0

def dying(*args, **kwargs):
    global calls
    counted = not suffix or str(args[1]).endswith(suffix)
    calls += counted
    if counted and calls == int(count) and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*args, **kwargs)
    if counted and calls == int(count) and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(outputdir, name, dying)
raise SystemExit(main(["build", "--site", site, "--quiet"]))
"""

SEARCHING = find_indexer() is not None
needs_search = pytest.mark.skipif(not SEARCHING, reason="Pagefind is not installed")


def run(site: Path, *kill_at: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = ["-c", DYING_BUILD, str(site), *kill_at] if kill_at else ["-m", "generator",
                                                                        "build", "--site",
                                                                        str(site), "--quiet"]
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def build_clean(site: Path) -> None:
    done = run(site)
    assert done.returncode == 0, done.stderr


class Site:
    """A small site, built clean, whose edit can be made and then undone exactly."""

    def __init__(self, root: Path, *, search: bool, adding: bool = False) -> None:
        self.adding = adding  # the edit adds a story (new pages) instead of retitling
        files = {"site.yaml": SITE_YAML + ("" if search else "search: false\n")}
        for n in range(12):
            files[f"content/articles/story-{n:02}.md"] = article(
                title=f"Story number {n}", date=f"2025-03-{1 + n:02} 10:00",
                category="Music" if n % 2 else "TV", tags="[Pop, Tour]",
                body=f"Paragraph one of story {n}.\n\nParagraph *two* of story {n}.")
        self.root = write_files(root, files)
        self.output = root / "output"
        build_clean(self.root)
        self.clean = snapshot(self.output)
        self.config = root / "site.yaml"
        self.story = root / "content/articles/story-07.md"
        self.kept = {path: (path.read_bytes(), path.stat()) for path in (self.config, self.story)}

        self.added = root / "content/articles/late-story.md"

    def edit(self) -> None:
        """Every page shows the site's title; story 7's own words change the search index.
        Or: a new story, with a tag no other story has (pages no clean build makes)."""
        if self.adding:
            self.added.write_text(article(title="A late story", date="2025-04-01 10:00",
                                          category="TV", tags="[Encore]", body="New."))
            return
        self.config.write_text(self.config.read_text().replace("The Test Times", "The Late"))
        self.story.write_text(self.story.read_text().replace("number 7", "number seven"))

    def restore(self) -> None:
        self.added.unlink(missing_ok=True)
        for path, (data, stat) in self.kept.items():
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def assert_healed(site: Site) -> None:
    build_clean(site.root)
    after = snapshot(site.output)
    listed = set(after.get(MARKER_NAME, b"").decode().splitlines()[1:])
    clean_listed = set(site.clean[MARKER_NAME].decode().splitlines()[1:])
    assert listed == clean_listed, (f"marker lists {sorted(listed - clean_listed)} more and "
                                    f"{sorted(clean_listed - listed)} fewer than a clean build")
    assert after.keys() == site.clean.keys()
    assert [p for p in after if after[p] != site.clean[p]] == []


def kill_then_heal(site: Site, *kill_at: str) -> None:
    site.edit()
    killed = run(site.root, *kill_at)
    assert killed.returncode == -signal.SIGKILL, f"never reached {kill_at}: {killed.stderr}"
    site.restore()
    assert_healed(site)


def test_killed_after_the_pages_commit_before_the_cache_records_it(tmp_path):
    # The files are in and the marker is clean, but the cache still holds the keys of the
    # pages they replaced: trusting those, the next build would keep the edited pages.
    site = Site(tmp_path / "site", search=False)
    kill_then_heal(site, "mark_clean", "1", "after", "")


@needs_search
def test_killed_after_the_search_commit_marked_the_folder_dirty(tmp_path):
    # The marker lists the new index's files, none of which has moved in yet: the next
    # build found the old index whole and kept it, marker and all (the flake seen once).
    site = Site(tmp_path / "site", search=True)
    site.edit()
    killed = run(site.root, "mark_dirty", "2", "after", "")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    marker = read_ownership(site.output)
    assert marker is not None and not marker.clean
    assert marker.files - snapshot(site.output).keys(), "the window: listed, not yet moved in"
    site.restore()
    assert_healed(site)


def test_killed_before_the_pages_of_a_new_story_moved_in(tmp_path):
    # The dirty marker lists the new story's pages before they move in; the next build does
    # not make them, and found nothing there to remove, so its marker kept listing them.
    site = Site(tmp_path / "site", search=False, adding=True)
    site.edit()
    killed = run(site.root, "mark_dirty", "1", "after", "")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    marker = read_ownership(site.output)
    assert marker is not None and not marker.clean
    assert "tags/encore/index.html" in marker.files - snapshot(site.output).keys()
    site.restore()
    assert_healed(site)


@needs_search
def test_killed_after_the_new_search_index_moved_in_before_the_old_one_went(tmp_path):
    site = Site(tmp_path / "site", search=True)
    kill_then_heal(site, "_move", "1", "after", MANIFEST)


@needs_search
@pytest.mark.parametrize("kill_at", [
    ("mark_dirty", "1", "after", ""),  # the pages' commit, before any file moved
    ("_move", "3", "after", ""),  # pages half moved in
    ("mark_clean", "1", "before", ""),  # pages in, the marker still dirty
    ("mark_clean", "2", "after", ""),  # the search index in, its record not yet saved
])
def test_killed_at_other_steps_of_a_commit(tmp_path, kill_at):
    kill_then_heal(Site(tmp_path / "site", search=True), *kill_at)


class Killed(BaseException):
    """The process dying at this call: nothing after it in the build runs."""


def test_a_patch_killed_before_the_cache_records_it_is_not_trusted_by_the_next_build(
    tmp_path, monkeypatch,
):
    # The preview's patch of one saved story (incremental.py) has the same gap between its
    # commit and the cache's record as a full build; the next process must not trust it.
    site = Site(tmp_path / "site", search=False)
    options = BuildOptions(site=site.root, now=NOW)
    state = BuildState()
    build_site(options, state)
    clean = snapshot(site.output)
    site.story.write_text(site.story.read_text().replace("number 7", "number seven"))

    def dies(*_args: object) -> None:
        raise Killed

    monkeypatch.setattr(BuildCache, "replace_output_keys", dies)
    with pytest.raises(Killed):
        build_site(replace(options, saved=frozenset({str(site.story.resolve())})), state)
    state.close()
    monkeypatch.undo()
    assert snapshot(site.output) != clean, "the patch's files moved in before it died"
    site.restore()
    build_site(options)
    assert snapshot(site.output) == clean
