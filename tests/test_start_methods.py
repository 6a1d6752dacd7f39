"""Builds whose workers are spawned (Windows' only way, macOS's default) make what forked
workers make.

Each worker is handed its job when it starts (``parallel.map_with_job``); a spawned one gets it
by pickle, so everything a job holds must pickle, and nothing may rely on a module global the
build set before starting its workers.  ``BYLINE_START_METHOD`` picks the way; the pools are
made to run on two workers even on a one-core machine.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from generator import parallel, render_stage
from generator.build import BuildOptions, BuildState, build_site
from generator.check import site as check_module
from generator.check.site import check_site
from generator.images import process as image_process
from generator.render_stage import RenderJob

from .conftest import NOW, SITE_YAML, SiteFiles, article, build, photo_bytes, write_files
from .outcome import snapshot

ARTICLES = 220  # over the render stage's threshold for workers, as the report had it
PHOTOS = 5  # over the inspection's threshold for workers
TAGS = ("pop", "rock", "jazz", "drama", "comedy", "film", "tour", "award")


def newsroom() -> SiteFiles:
    """220 articles in two categories sharing tags (related stories), some with a photo, one
    with a broken link for ``byline check`` to find."""
    files: dict[str, str | bytes] = {"site.yaml": SITE_YAML}
    for i in range(ARTICLES):
        tags = ", ".join(dict.fromkeys((TAGS[i % 8], TAGS[(i * 3) % 8])))
        fields = {"category": "Music" if i % 2 else "TV", "tags": f"[{tags}]"}
        folder = f"content/articles/story-{i}"
        if i < PHOTOS:
            files[f"{folder}/photo.jpg"] = photo_bytes((900 + 10 * i, 600),
                                                       colour=(40 * i, 90, 200 - 30 * i))
            fields["hero"] = f'{{image: photo.jpg, alt: Photo {i}, credit: "Jo Lane"}}'
        body = f"Paragraph *{i}* about the [news](https://example.com/{i}).\n\nMore."
        if i == 7:
            body += "\n\nSee [the missing story](/music/nowhere/)."
        files[f"{folder}/index.md"] = article(
            f"Story {i}", date=f"2026-{1 + i % 10:02d}-{1 + i % 27:02d} 09:{i % 60:02d}",
            body=body, **fields)
    return files


Pools = list[tuple[str, str]]  # (start method, what the pool's workers run)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pools]:
    """Every worker pool made while the test runs, on two workers whatever the machine has."""
    made: Pools = []
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(image_process, "worker_count", lambda: 2)
    monkeypatch.setattr(check_module, "worker_count", lambda: 2)
    real_pool = parallel.worker_pool

    def spy(workers: int, initializer: Callable[..., object] | None = None,
            initargs: tuple[object, ...] = ()) -> object:
        made.append((parallel.start_method(), _what_runs(initargs)))
        return real_pool(workers, initializer, initargs)

    monkeypatch.setattr(parallel, "worker_pool", spy)
    monkeypatch.setattr(image_process, "worker_pool", spy)
    yield made


def _what_runs(initargs: tuple[object, ...]) -> str:
    if not initargs:
        return "images"  # the image pool submits each photo's variants as a task
    function, job = initargs
    if isinstance(job, RenderJob):
        return "render"
    if isinstance(job, partial):
        job = job.func
    return getattr(job, "__name__", None) or getattr(function, "__name__", "?")


def built_with(
    method: str, root: Path, monkeypatch: pytest.MonkeyPatch, pools: Pools
) -> tuple[dict[str, bytes], list[str]]:
    """A cold build of the newsroom with workers started by ``method``: its output, and which
    pools it ran."""
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    site = write_files(root, newsroom())
    start = len(pools)
    result = build(site, search=False)
    assert result.articles == ARTICLES
    ran = pools[start:]
    assert {m for m, _ in ran} == {method}
    return snapshot(site / "output"), sorted({what for _, what in ran})


def test_a_spawned_build_writes_what_a_forked_one_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pools: Pools
) -> None:
    forked, forked_pools = built_with("fork", tmp_path / "forked", monkeypatch, pools)
    spawned, spawned_pools = built_with("spawn", tmp_path / "spawned", monkeypatch, pools)
    # Markdown parsed, photos inspected and resized, pages rendered: each in workers.
    assert spawned_pools == forked_pools == sorted(
        ["_inspect_or_problem", "images", "read_and_parse", "render"])
    assert sorted(spawned) == sorted(forked)
    assert [p for p in forked if forked[p] != spawned[p]] == []
    assert sum(p.endswith(".jpg") for p in spawned) >= PHOTOS
    assert len([p for p in spawned if p.endswith("index.html")]) > ARTICLES


def test_byline_check_finds_the_same_problems_with_spawned_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pools: Pools
) -> None:
    site = write_files(tmp_path / "site", newsroom())
    build(site, search=False)
    monkeypatch.setattr(check_module, "PARALLEL_FROM_PAGES", 10)
    found = {}
    for method in ("fork", "spawn"):
        monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
        start = len(pools)
        found[method] = [str(p) for p in check_site(site / "output", "https://news.example/",
                                                    now=NOW)]
        assert pools[start:] == [(method, "page")]
    assert found["spawn"] == found["fork"]
    assert any("broken link to /music/nowhere/ on /" in p for p in found["spawn"])


def test_a_patch_renders_in_spawned_workers_what_a_full_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pools: Pools
) -> None:
    """The preview's patch hands workers outputs holding what they received (Later values
    and all), not outputs to receive again."""
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, "spawn")
    monkeypatch.setattr(render_stage, "_RENDER_BATCH", 1)
    monkeypatch.setattr(render_stage, "_PARALLEL_FROM", 2)
    site = write_files(tmp_path / "site", newsroom())
    state = BuildState()
    options = BuildOptions(site=site, output=tmp_path / "preview", preview=True, now=NOW)
    build_site(options, state)
    story = site / "content/articles/story-3/index.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Story 3", "Story three"),
                     encoding="utf-8")
    start = len(pools)
    result = build_site(replace(options, saved=frozenset({str(story.resolve())})), state)
    assert result.patched
    assert pools[start:] == [("spawn", "render")]
    assert result.written >= 2  # the story page (its meta made Later) and a list at least
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".byline-cache"))
    build_site(replace(options, site=fresh, output=fresh / "out"))
    assert snapshot(tmp_path / "preview") == snapshot(fresh / "out")


def _times_job(job: int, item: int) -> tuple[int, int]:
    return job * item, os.getpid()


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_each_worker_is_handed_its_job(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if method not in parallel.multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    results = list(parallel.map_with_job(_times_job, 3, range(40)))
    assert [product for product, _ in results] == [3 * i for i in range(40)]
    assert os.getpid() not in {pid for _, pid in results}


def test_an_unknown_start_method_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, "teleport")
    with pytest.raises(ValueError, match=r"BYLINE_START_METHOD='teleport' is not a way this "
                                         r"system starts processes: use one of .*spawn"):
        parallel.start_method()


def _slow_times_job(job: int, item: int) -> tuple[int, int]:
    time.sleep(0.002)
    if item == job:
        raise ValueError(f"item {item} refused")
    return 3 * item, os.getpid()


def _meeting_job(folder: str, item: int) -> tuple[int, int]:
    """3 × item, from a worker that waited until another one had started work (so the
    test below does not hang on how fast workers start: a spawned one takes seconds)."""
    Path(folder, str(os.getpid())).touch()
    deadline = time.monotonic() + 120  # a bug, not a slow machine, if ever reached
    while len(os.listdir(folder)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    return 3 * item, os.getpid()


@pytest.mark.parametrize("chunksize", [1, 4, 7])
def test_the_workers_share_the_items_and_the_results_stay_in_order(
    chunksize: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(parallel, "worker_count", lambda: 3)
    results = list(parallel.map_with_job(_meeting_job, str(tmp_path), range(103),
                                         chunksize=chunksize))
    assert [product for product, _ in results] == [3 * i for i in range(103)]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) >= 2


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("cores", [2, 3])
def test_a_map_working_here_too_shares_the_items_with_its_workers_in_order(
    method: str, cores: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if method not in parallel.multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    monkeypatch.setattr(parallel, "worker_count", lambda: cores)
    before = set(multiprocessing.active_children())
    results = list(parallel.map_with_job(_meeting_job, str(tmp_path), range(103),
                                         work_here=True))
    assert [product for product, _ in results] == [3 * i for i in range(103)]
    pids = {pid for _, pid in results}
    # This process took items, and so did a worker: one fewer than the cores.
    assert os.getpid() in pids and len(pids) >= 2
    assert len(os.listdir(tmp_path)) <= cores
    assert set(multiprocessing.active_children()) <= before


@pytest.mark.parametrize("work_here", [False, True])
@pytest.mark.parametrize("refused", [0, 57, 102])
def test_an_item_that_fails_fails_the_map_and_leaves_no_worker(
    refused: int, work_here: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    before = set(multiprocessing.active_children())
    with pytest.raises(ValueError, match=f"item {refused} refused"):
        list(parallel.map_with_job(_slow_times_job, refused, range(103), work_here=work_here))
    assert set(multiprocessing.active_children()) <= before


@pytest.mark.parametrize("work_here", [False, True])
def test_a_map_left_early_stops_its_workers(
    work_here: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    before = set(multiprocessing.active_children())
    results = parallel.map_with_job(_slow_times_job, -1, range(500), work_here=work_here)
    assert [next(results)[0] for _ in range(5)] == [0, 3, 6, 9, 12]
    results.close()  # the caller stopped (a render problem reported, Ctrl-C)
    assert set(multiprocessing.active_children()) <= before
