"""Files on a disk whose clock keeps whole seconds (ext3, HFS+, FAT, many network shares and
NAS folders): two saves of the same size within one second leave a file's size and times as
they were, and a copy that puts the old modification time back (``cp -p``, ``rsync -a``,
unzip) leaves only its change time.  What a build keeps of a file to skip reading it again
must not be trusted until that second has passed.

This machine's disk keeps nanoseconds, so the whole-second clock is simulated where Byline
reads it: ``change_stamp`` sees the modification time's second alone, as it would on such a
disk when the second save lands in the same second as the first (the change time with it).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

import generator.cache as cache_module
import generator.content.memo as memo_module
from generator.build import BuildOptions, BuildState, build_site
from generator.publish.sync import Md5Memo, file_md5

from .conftest import NOW, SITE_YAML, article, write_files

STORY = "content/articles/premiere.md"
FIRST = article("Premiere night", "2026-11-10 09:00", "The cast arrived at nine.",
                category="Music")
SECOND = FIRST.replace("at nine.", "at five.")  # the same size


@pytest.fixture
def whole_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    def coarse(info: os.stat_result) -> int:
        return hash((info.st_mtime_ns // 10**9,))

    monkeypatch.setattr(memo_module, "change_stamp", coarse)
    monkeypatch.setattr(cache_module, "change_stamp", coarse)


def _same_second(path: Path, text: str) -> None:
    """Write ``text`` over the file and give it the modification time it had."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before, before))


def _page(output: Path) -> str:
    return (output / "music" / "premiere" / "index.html").read_text(encoding="utf-8")


def test_a_second_same_size_save_in_the_same_second_reaches_the_preview(
        tmp_path: Path, whole_seconds: None) -> None:
    site = write_files(tmp_path / "site", {"site.yaml": SITE_YAML, STORY: FIRST})
    options = BuildOptions(site=site, output=tmp_path / "preview", preview=True, now=NOW)
    state = BuildState()
    build_site(options, state)
    saved = frozenset({str((site / STORY).resolve())})
    _same_second(site / STORY, FIRST.replace("nine", "noon"))
    build_site(replace(options, saved=saved), state)
    _same_second(site / STORY, SECOND)
    build_site(replace(options, saved=saved), state)
    assert "at five." in _page(tmp_path / "preview")


def test_a_copy_putting_the_old_time_back_twice_in_a_second_reaches_the_next_build(
        tmp_path: Path, whole_seconds: None) -> None:
    """``cp -p`` of the wire's version, a build, then ``cp -p`` of its correction within
    the same second: each build a new process, planning from what the cache kept."""
    site = write_files(tmp_path / "site", {"site.yaml": SITE_YAML, STORY: FIRST})
    os.utime(site / STORY, ns=(10**18, 10**18))  # the wire's time, long ago
    options = BuildOptions(site=site, output=tmp_path / "out", now=NOW)
    build_site(options)
    _same_second(site / STORY, SECOND)
    build_site(options)
    assert "at five." in _page(tmp_path / "out")


def test_a_publish_hashes_again_a_page_rebuilt_in_the_same_second(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text("<p>nine</p>", encoding="utf-8")
    second = page.stat().st_mtime_ns // 10**9 * 10**9  # as a disk keeping whole seconds
    os.utime(page, ns=(second, second))
    memo = Md5Memo()
    memo.md5(page, os.lstat(page))
    _same_second(page, "<p>ten!</p>")
    again = Md5Memo(known=memo.seen)
    assert again.md5(page, os.lstat(page)) == file_md5(page)
