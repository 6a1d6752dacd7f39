"""A one-shot build keeps the cyclic collector off its site model, and hands the heap back.

Every full collection walks every object in the heap; a 10,000-story model is a million of
them, and a command that builds once keeps it to the end. So a build with no state for a
later one freezes the model once it is loaded (``gc.freeze``), and thaws the heap again when
it returns, unless the caller had frozen it already: a program that embeds Byline, or this
test run, must not find its garbage kept forever.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.render as render
from generator import parallel, render_stage
from generator.build import BuildOptions, BuildState, build_site

from .conftest import SiteFiles, article


def _freezes_seen_at(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """How many objects were frozen each time the build called ``module.name``."""
    seen: list[int] = []
    function = getattr(module, name)

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_freeze_count())
        return function(*args, **kwargs)

    monkeypatch.setattr(module, name, watched)
    return seen


@pytest.fixture
def freezes_seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many objects were frozen when the build indexed the loaded site."""
    seen = _freezes_seen_at(monkeypatch, render, "build_index")
    gc.unfreeze()
    yield seen
    gc.unfreeze()


def _site(make_site: Callable[[SiteFiles], Path]) -> Path:
    return make_site({f"content/articles/story-{n}.md": article(f"Story {n}") for n in range(3)})


def test_a_one_shot_build_freezes_its_model_then_thaws_the_heap(
    make_site: Callable[[SiteFiles], Path], freezes_seen: list[int],
) -> None:
    build_site(BuildOptions(site=_site(make_site)))
    assert freezes_seen and freezes_seen[0] > 0  # frozen before the stages after loading
    assert gc.get_freeze_count() == 0  # and handed back as it was


def test_a_heap_the_caller_froze_stays_frozen(
    make_site: Callable[[SiteFiles], Path], freezes_seen: list[int],
) -> None:
    site = _site(make_site)
    gc.freeze()
    before = gc.get_freeze_count()
    build_site(BuildOptions(site=site))
    # Some frozen objects were freed since (freezing keeps nothing alive): most are left.
    assert gc.get_freeze_count() > before * 0.9 > 0
    # And the build froze nothing of its own: the caller would never see it thawed, and its
    # cyclic garbage would stay for good.
    assert freezes_seen and freezes_seen[0] <= before


def test_a_build_that_keeps_its_state_leaves_the_heap_alone(
    make_site: Callable[[SiteFiles], Path], freezes_seen: list[int],
) -> None:
    state = BuildState()  # the preview's case: it settles its heap itself after each build
    try:
        build_site(BuildOptions(site=_site(make_site)), state)
    finally:
        state.close()
    assert freezes_seen == [0]
    assert gc.get_freeze_count() == 0


def _frozen_count(_job: None, _item: int) -> int:
    return gc.get_freeze_count()


def test_a_map_thaws_the_heap_after_its_workers_unless_it_is_held_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    kept = [object() for _ in range(1000)]
    gc.unfreeze()
    try:
        list(parallel.map_with_job(_frozen_count, None, range(8)))
        assert gc.get_freeze_count() == 0  # the preview's case: it settles the heap itself
        with parallel.heap_held_frozen():
            list(parallel.map_with_job(_frozen_count, None, range(8)))
            assert gc.get_freeze_count() >= len(kept)
        list(parallel.map_with_job(_frozen_count, None, range(8)))
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_a_one_shot_build_keeps_its_model_frozen_through_rendering_on_every_core(
    make_site: Callable[[SiteFiles], Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rendering 240 pages runs in worker processes; the model stays frozen after it, so the
    collections while the files are committed and the record kept do not walk it."""
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    seen = _freezes_seen_at(monkeypatch, render_stage, "commit")
    gc.unfreeze()
    site = make_site({f"content/articles/story-{n}.md": article(f"Story {n}")
                      for n in range(240)})
    build_site(BuildOptions(site=site))
    assert seen and seen[0] > 10_000
    assert gc.get_freeze_count() == 0  # and handed back as it was
