"""Making every missing output of a build, one worker process per core.

Each job is one source photo with all of its variants, so a photo is decoded once; photos
are spread over processes because resizing and encoding are CPU-bound C code that threads
would serialise.  Outputs already in the cache are reused: their names change whenever the
source bytes or the settings that shape them do.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import BylineError
from generator.images.plan import Variant, encoder_available
from generator.images.progress import ProgressBar
from generator.images.settings import ImageSettings
from generator.images.source import SourceImage
from generator.images.variants import Outcome, produce_variants
from generator.inputfiles import shown
from generator.parallel import worker_count, worker_pool

AVIF_MISSING = (
    "AVIF skipped: this Pillow cannot encode AVIF (needs Pillow 11.2+ built with"
    " libavif); pages get WebP and the fallback only"
)


@dataclass(frozen=True, slots=True)
class ProcessReport:
    """What ``process_images`` did; ``files`` maps each available url_path to its file."""

    made: int
    reused: int
    seconds: float
    files: Mapping[str, Path]
    warnings: tuple[str, ...] = ()
    failed: Mapping[Path, str] = field(default_factory=dict)  # source path -> problem


@dataclass(frozen=True, slots=True)
class Task:
    """One source photo, every variant wanted of it, and which of those are not cached."""

    source: SourceImage
    variants: tuple[Variant, ...]
    missing: frozenset[str]


def process_images(
    jobs: Sequence[tuple[SourceImage, Sequence[Variant]]],
    cache_dir: Path,
    settings: ImageSettings,
    workers: int | None = None,
    progress: bool | None = None,
    only: frozenset[str] | None = None,
) -> ProcessReport:
    """Ensure every variant exists as ``cache_dir/images/<file name>``; make what is missing.

    A photo that cannot be processed is listed in ``failed`` and the others go on.
    ``progress`` None shows a bar only when stderr is a terminal.  ``only``: make just the
    variants with these URL paths (the preview's photo asked for), from every variant of the
    photo, as a build makes them: a width is shrunk from the next wider one, so the same
    file name always holds the same bytes.
    """
    started = time.perf_counter()
    images_dir = cache_dir / "images"
    try:
        images_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # Not Byline's to delete: a file put there by someone else.
        raise BylineError(f"cannot use {shown(images_dir)}: a file is where Byline keeps "
                          "resized photos; move it away and build again") from None
    wanted, skipped_avif = merge_jobs(jobs)
    warnings = (
        (AVIF_MISSING,)
        if skipped_avif or ("avif" in settings.formats and not encoder_available("avif"))
        else ()
    )

    files: dict[str, Path] = {}
    tasks: list[Task] = []
    for source, variants in wanted.values():
        asked = [v for v in variants if only is None or v.url_path in only]
        missing = frozenset(v.url_path for v in asked if not (images_dir / v.file_name).is_file())
        files.update(
            (v.url_path, images_dir / v.file_name) for v in asked if v.url_path not in missing
        )
        if missing:
            tasks.append(Task(source, tuple(variants), missing))
    reused = len(files)
    # Biggest first, so that no worker is left with a huge photo while the others idle.
    tasks.sort(key=lambda t: t.source.width * t.source.height * len(t.missing), reverse=True)

    made = 0
    failed: dict[Path, str] = {}
    bar = ProgressBar(len(tasks), progress)
    try:
        for outcome in run_tasks(tasks, images_dir, settings, workers):
            bar.advance()
            if outcome.problem:
                failed[outcome.source.path] = outcome.problem
            made += len(outcome.written)
            files.update(
                (url, images_dir / url.rsplit("/", 1)[-1]) for url, _size in outcome.written
            )
    finally:
        bar.close()
    return ProcessReport(made, reused, time.perf_counter() - started, files, warnings, failed)


def merge_jobs(
    jobs: Sequence[tuple[SourceImage, Sequence[Variant]]],
) -> tuple[dict[str, tuple[SourceImage, list[Variant]]], bool]:
    """One entry per distinct source (by content), its variants deduplicated.

    A photo used as a hero and for a social card, or copied under two names, is then
    decoded once.  Also says whether AVIF variants had to be dropped.
    """
    merged: dict[str, tuple[SourceImage, list[Variant]]] = {}
    seen: set[str] = set()
    skipped_avif = False
    for source, variants in jobs:
        _source, kept = merged.setdefault(source.digest, (source, []))
        for variant in variants:
            if not encoder_available(variant.format):
                skipped_avif = True
            elif variant.url_path not in seen:
                seen.add(variant.url_path)
                kept.append(variant)
    return merged, skipped_avif


def run_tasks(
    tasks: Sequence[Task], images_dir: Path, settings: ImageSettings, workers: int | None
) -> Iterator[Outcome]:
    """Run each task in a worker process (in this one for a single task or worker)."""
    count = min(workers or worker_count(), len(tasks))
    if count <= 1:
        for task in tasks:
            yield produce_variants(task.source, task.variants, task.missing, settings, images_dir)
        return
    # Forked workers start at once with Pillow already imported; they die with the build.
    with worker_pool(count) as pool:
        futures = [
            pool.submit(
                produce_variants, task.source, task.variants, task.missing, settings, images_dir
            )
            for task in tasks
        ]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
