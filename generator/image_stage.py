"""Stage 3: every photo the content references → planned variants, processed into the cache.

Planning is pure and happens first, so the render stage knows every URL, width and height
before a single pixel is resized (the Zola way); processing runs on every core, or is left
for later when the preview server asks for an image on demand.

The processed files in ``.byline-cache/images`` are only trusted as far as they are checked:
each is recorded (size, modification time) when made, and one that no longer matches its
record, or whose bytes do not end where its format says, is deleted and made again.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from generator.cache import BuildCache
from generator.config import SiteConfig, setting_at
from generator.content.images import REMOTE_PREFIXES
from generator.errors import Problem, Report, Severity
from generator.google import DISCOVER_WIDTH, GOOGLE_MIN_PIXELS
from generator.images import (
    ImagePlan,
    ImageProblem,
    ImageSettings,
    InspectCache,
    SourceImage,
    Variant,
    inspect_image,
    inspect_images,
    is_variant_name,
    plan_discover_crops,
    plan_image,
    plan_social_card,
    process_images,
    smallest_discover_crop,
)
from generator.inputfiles import followed, is_regular, not_there, outside_message
from generator.model import Article, Content, ImageRef, Page, images_of, photos_of, videos_of
from generator.plaindata import flag, integer, items, maybe_text, number, text
from generator.video_stage import VideoPlan, plan_videos, video_digests, video_files


@dataclass(frozen=True, slots=True)
class PendingImage:
    """A variant the preview makes only when the browser asks for it."""

    source: SourceImage
    variant: Variant
    settings: ImageSettings
    # Every variant the site wants of the photo: made from all of them, as a build makes it.
    family: tuple[Variant, ...] = ()


@dataclass(frozen=True, slots=True)
class ImageIndex:
    """Planned outputs of every referenced image, keyed by ``ImageRef.key``."""

    plans: Mapping[str, ImagePlan] = field(default_factory=dict)
    cards: Mapping[str, Variant] = field(default_factory=dict)  # article url → social card
    card_sources: Mapping[str, str] = field(default_factory=dict)  # article url → digest
    # article url → the hero in 16:9, 4:3 and 1:1 (JSON-LD ``image``, for Google Discover)
    crops: Mapping[str, tuple[Variant, ...]] = field(default_factory=dict)
    logo: ImagePlan | None = None
    files: Mapping[str, Path] = field(default_factory=dict)  # url path → processed file
    # url path → bytes of its processed file, as made or checked (a feed's enclosure length):
    # known here, not asked of the file at render time, when another build of the site
    # (`byline build` beside `byline serve`) may have pruned it from the cache since.
    sizes: Mapping[str, int] = field(default_factory=dict)
    # Variants not made yet (preview only): file name → what to make it from.
    pending: Mapping[str, PendingImage] = field(default_factory=dict)
    made: int = 0
    reused: int = 0
    # Variants whose cached file was found damaged and made again: an older Byline
    # hard-linked output files to the cache, so their copies in output/ are placed again.
    repaired: frozenset[str] = frozenset()
    # Videos by ``VideoRef.key``: copied as they are, their files listed in ``files`` too.
    videos: Mapping[str, VideoPlan] = field(default_factory=dict)
    # Where each photo first appears (``ImageRef.key`` → ref), to report a failure there.
    refs: Mapping[str, ImageRef] = field(default_factory=dict)

    def plan(self, ref: ImageRef | None) -> ImagePlan | None:
        """The plan for a reference, None for remote or unusable images."""
        return self.plans.get(ref.key) if ref and ref.path else None

    def digest(self, ref: ImageRef | None) -> str:
        """The content hash of a referenced image ("" when none), for render keys."""
        plan = self.plan(ref)
        return plan.source.digest if plan else (ref.src if ref else "")

    def digests(self, item: Article | Page) -> list[str]:
        """The content hashes of every photo and video an article or page shows."""
        return ([self.digest(ref) for ref in images_of(item)]
                + video_digests(self.videos, videos_of(item)))


def all_image_refs(content: Content) -> Iterable[ImageRef]:
    """Every image the site shows: heroes, body photos, video posters, author avatars."""
    items: list[Article | Page] = [*content.articles, *content.pages]
    for item in items:
        yield from images_of(item)
    for author in content.authors.values():
        if author.avatar:
            yield author.avatar


class CachedInspections:
    """Photo digests and inspections kept in the build cache, as inspection asks for them."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache

    def digest_of(self, path: Path, stat: os.stat_result) -> str | None:
        """The digest recorded for this file, if it has not changed since."""
        return self.cache.digest_of(path, stat)

    def remember_digest(self, path: Path, stat: os.stat_result, digest: str) -> None:
        """Record the digest of a file as it is now."""
        self.cache.remember_digest(path, stat, digest)

    def source_for(self, digest: str, fingerprint: str, path: Path) -> SourceImage | None:
        """The inspection of these bytes under these settings, as if read from ``path``."""
        decode = partial(_source_from, path=path, digest=digest)
        return self.cache.inspection(_inspection_key(fingerprint, digest, path), decode)

    def remember_source(self, source: SourceImage, fingerprint: str) -> None:
        """Record an inspection, keyed by content and settings."""
        self.cache.remember_inspection(_inspection_key(fingerprint, source.digest, source.path),
                                       source, _source_data)


def _inspection_key(fingerprint: str, digest: str, path: Path) -> str:
    # A PNG's inspection also measures whether its data covers the picture (since December
    # 2026): PNGs are inspected again once, not every photo of the archive.
    png = ":png2" if path.suffix.lower() == ".png" else ""
    return f"{fingerprint}:{digest}{png}"


def _source_data(source: SourceImage) -> tuple[list[Any], bytes]:
    s = source
    return [s.width, s.height, s.format, s.has_alpha, s.animated, s.credit, s.placeholder,
            s.damaged], b""


def _source_from(data: object, _raw: bytes, path: Path, digest: str) -> SourceImage:
    width, height, file_format, has_alpha, animated, credit, placeholder, damaged = items(data)
    return SourceImage(path, digest, integer(width), integer(height), text(file_format),
                       flag(has_alpha), flag(animated), maybe_text(credit),
                       maybe_text(placeholder), number(damaged))


def plan_images(
    content: Content, config: SiteConfig, cache: BuildCache, report: Report
) -> ImageIndex:
    """Inspect each distinct source once and plan its variants and social cards."""
    settings = config.images
    inspect_cache = CachedInspections(cache)
    first: dict[str, ImageRef] = {}  # a problem is reported where the photo first appears
    for ref in all_image_refs(content):
        if ref.path is not None:
            first.setdefault(ref.key, ref)
    found = inspect_images([ref.path for ref in first.values() if ref.path], settings,
                           inspect_cache)
    plans: dict[str, ImagePlan] = {}
    for key, ref in first.items():
        assert ref.path is not None
        source = found[ref.path]
        if isinstance(source, ImageProblem):
            report.error(f"{ref.src}: {source}", ref.location)
        else:
            plans[key] = plan_image(source, settings)
    warn_missing_credits(content.articles, plans, report)
    warn_small_heroes(content.articles, plans, report)
    refuse_damaged_photos([*content.articles, *content.pages], plans, report)
    cards, card_sources, crops = {}, {}, {}
    for article in content.articles:
        hero = article.hero
        plan = plans.get(hero.key) if hero and hero.path else None
        if hero and plan:
            cards[article.url] = plan_social_card(plan.source, hero.focus, settings)
            crops[article.url] = plan_discover_crops(plan.source, hero.focus, settings)
            card_sources[article.url] = plan.source.digest
    logo = _plan_logo(config, settings, inspect_cache, report)
    videos = plan_videos(content, cache, report)
    return ImageIndex(plans=plans, cards=cards, card_sources=card_sources, crops=crops,
                      logo=logo, files=video_files(videos.values()), videos=videos, refs=first)


def _plan_logo(
    config: SiteConfig, settings: ImageSettings, cache: InspectCache, report: Report
) -> ImagePlan | None:
    if not config.publisher_logo:
        return None
    logo = config.publisher_logo
    path = config.content_dir / logo.lstrip("/")
    target = followed(path)
    if logo.startswith(REMOTE_PREFIXES):
        problem = ("is a web address: the logo is resized like every photo, so it must be a "
                   "file of the site: save it in content/ and give its path, e.g. /logo.png")
    elif target is None:
        problem = ("is a symbolic link that leads back to itself (a loop): remove the link, or "
                   "point it at the logo")
    elif not target.is_relative_to(config.root.resolve()):  # as for every other image
        given = Path(os.path.normpath(path))
        problem = (outside_message(str(target)) if given.is_relative_to(config.root)
                   else "leaves the site folder: put the logo in content/ and give its path "
                        "from there, e.g. /logo.png")
    elif not is_regular(target):
        problem = (not_there(target, "", "a logo").strip() or "is not there (looked for "
                   f"content/{logo.lstrip('/')}): give its path from content/, e.g. /logo.png")
    else:
        try:
            return plan_image(inspect_image(path, settings, cache), settings)
        except ImageProblem as found:
            problem = f"cannot be used: {found}"
    report.error(f"publisher.logo {logo} {problem}", setting_at(config.root, "publisher", "logo"))
    return None


def missing_credits(
    articles: Iterable[Article], recorded: Callable[[ImageRef], str | None]
) -> list[Problem]:
    """The one rule for "photo has no credit", for the build and ``byline check`` alike.

    A warning for each photo of these articles (``photos_of``: each reference once) with
    neither a credit written beside it nor one ``recorded`` in its file (IPTC, XMP or EXIF:
    the build asks its inspection, the check reads the file). A blank credit is none.
    """
    problems = []
    for item in articles:
        for ref in photos_of(item):
            if (ref.credit or "").strip() or (recorded(ref) or "").strip():
                continue
            typed = _TYPED_CREDIT.search(ref.caption or "")
            name = typed.group(1).strip() if typed else "Name/Agency"
            fix = (f"add credit: {name} to the hero" if ref.role == "hero"
                   else f'add credit="{name}"')
            why = ("and take it out of the caption, where it is shown as the caption's words"
                   if typed else "(agency photos usually carry it in their metadata)")
            problems.append(Problem(
                Severity.WARNING,
                f"{'hero photo' if ref.role == 'hero' else 'photo'} {ref.src} has no credit: "
                f"{fix} {why}",
                ref.location,
            ))
    return problems


# A credit typed at the end of a caption ("… premiere. Photo: Jerod Harris/Getty Images",
# "(Credit: AP)"): a writer used to a CMS's single caption box.
_TYPED_CREDIT = re.compile(
    r"(?:^|[.!?;,|—–][ \t]+|[(\[][ \t]*)"  # where a caption's sentence or bracket starts
    r"(?:photo(?:graph)?s?|credit|image|picture|courtesy)(?:[ \t]+by[ \t]*:?|[ \t]*:)[ \t]*"
    r"([^()\[\]:\n]{2,120}?)[)\]]?[ \t]*\.?[ \t]*$", re.IGNORECASE)


def warn_missing_credits(
    articles: Iterable[Article], plans: Mapping[str, ImagePlan], report: Report
) -> None:
    """Warn about every photo of these articles that has a credit neither written nor in it."""

    def recorded(ref: ImageRef) -> str | None:
        plan = plans.get(ref.key) if ref.path else None
        return plan.source.credit if plan else None

    report.extend(missing_credits(articles, recorded))


def warn_small_heroes(
    articles: Iterable[Article], plans: Mapping[str, ImagePlan], report: Report
) -> None:
    """Warn, at its hero line, about every story whose hero is too narrow for Discover, or
    so short that a crop of it for Google's article markup has fewer pixels than Google uses
    (the one rule for both: the markup's images are the hero's crops)."""
    for item in articles:
        hero = item.hero
        plan = plans.get(hero.key) if hero and hero.path else None
        if not (hero and plan):
            continue
        width, height = plan.source.width, plan.source.height
        crop = smallest_discover_crop(plan.source)
        if width < DISCOVER_WIDTH:
            report.warning(
                f"hero photo {hero.src} is {width} px wide: Discover will show a small "
                f"thumbnail; use a photo at least {DISCOVER_WIDTH} px wide", hero.location)
        elif crop[0] * crop[1] < GOOGLE_MIN_PIXELS:
            report.warning(
                f"hero photo {hero.src} is {width}×{height} px, too short for the square "
                f"crop Google's article markup needs ({crop[0]}×{crop[1]} px, under "
                f"{GOOGLE_MIN_PIXELS:,} pixels): use a photo at least "
                f"{DISCOVER_WIDTH}×{DISCOVER_WIDTH * 9 // 16} px",
                hero.location)


def refuse_damaged_photos(
    items: Iterable[Article | Page], plans: Mapping[str, ImagePlan], report: Report
) -> None:
    """An error, where it is shown, for every photo whose data stops early: readers would
    see part of it blank, grey or black (an incomplete copy or download, most often), and a
    build that published it with a warning let a half-grey hero go out."""
    for item in items:
        for ref in photos_of(item):
            plan = plans.get(ref.key) if ref.path else None
            if plan and plan.source.damaged:
                report.error(
                    f"photo {ref.src} is damaged: its data stops early, so readers would see "
                    f"{max(1, round(plan.source.damaged * 100))}% of it blank (an "
                    "incomplete copy or download?): copy or download it again", ref.location)


def _wanted(index: ImageIndex) -> dict[str, tuple[SourceImage, list[Variant]]]:
    """Every variant the site links to, grouped by source photo digest."""
    wanted: dict[str, tuple[SourceImage, list[Variant]]] = {}
    for plan in (*index.plans.values(), *([index.logo] if index.logo else [])):
        wanted.setdefault(plan.source.digest, (plan.source, []))[1].extend(plan.variants)
    for article_url, card in index.cards.items():
        digest = index.card_sources[article_url]
        wanted[digest][1].append(card)
        wanted[digest][1].extend(index.crops.get(article_url, ()))
    return wanted


def defer_images(index: ImageIndex, cache: BuildCache, settings: ImageSettings) -> ImageIndex:
    """Use the variants already cached; list the others as pending, to be made on request.

    The preview serves its first page without waiting for a photo-heavy site's resizing:
    the browser asks for each image, and the server makes that one then (``make_pending``).
    """
    folder = cache.folder / "images"
    jobs = [(source, tuple(dict.fromkeys(found))) for source, found in _wanted(index).values()]
    checked = check_processed([v for _, found in jobs for v in found], cache)
    files: dict[str, Path] = {}
    pending: dict[str, PendingImage] = {}
    for source, found in jobs:
        for variant in found:
            if variant.url_path in checked.whole:
                files[variant.url_path] = folder / variant.file_name
            else:
                pending[variant.file_name] = PendingImage(source, variant, settings, found)
    files.update(video_files(index.videos.values()))
    return replace(index, files=files, sizes=checked.whole, pending=pending,
                   repaired=checked.damaged)


def make_pending(image: PendingImage, cache_dir: Path) -> Path | None:
    """Make one deferred variant now; its file in the cache, or None if the photo failed."""
    report = process_images([(image.source, image.family or (image.variant,))], cache_dir,
                            image.settings, workers=1, progress=False,
                            only=frozenset({image.variant.url_path}))
    return report.files.get(image.variant.url_path)


def produce_images(
    index: ImageIndex, config: SiteConfig, cache: BuildCache, progress: bool | None = None,
    report: Report | None = None,
) -> ImageIndex:
    """Make every planned variant that the cache does not hold whole yet (on every core).

    A photo that could not be made is an error in ``report``, where it first appears: its
    pages would otherwise link to files that do not exist.
    """
    wanted = _wanted(index)
    jobs = [(source, tuple(dict.fromkeys(v))) for _, (source, v) in sorted(wanted.items())]
    variants = [v for _, found in jobs for v in found]
    checked = check_processed(variants, cache)
    done = process_images(jobs, cache.folder, config.images, progress=progress)
    made = [(url, path) for url, path in done.files.items() if url not in checked.whole]
    sizes = {**checked.whole, **_record_made(made, cache)}
    prune_processed(cache, [v.url_path for v in variants])
    for path, problem in sorted(done.failed.items()):
        ref = index.refs.get(str(path))  # None: the logo, which site.yaml names
        if report is not None:
            report.error(f"{ref.src if ref else path.name}: {problem}",
                         ref.location if ref else config.source)
    files = {**done.files, **video_files(index.videos.values())}
    return replace(index, files=files, sizes=sizes, made=done.made, reused=done.reused,
                   repaired=checked.damaged)


@dataclass(frozen=True, slots=True)
class CheckedFiles:
    """Which processed files the cache holds whole, and which it held damaged (now deleted)."""

    whole: Mapping[str, int]  # url path → the file's size
    damaged: frozenset[str]


def check_processed(variants: Sequence[Variant], cache: BuildCache) -> CheckedFiles:
    """Check the cached file of each variant; delete damaged ones so they are made again.

    A file matching the size and time recorded when it was made is whole; one not recorded
    (made by the preview, or the record lost with a damaged database) or touched since is
    whole if its bytes end where its format says; anything else is damaged.  Costs a stat
    per file, and a read of a few bytes for those the records do not vouch for.
    """
    folder = str(cache.folder / "images") + os.sep
    records = cache.made_files()
    whole: dict[str, int] = {}
    damaged: set[str] = set()
    seen: list[tuple[str, int, int]] = []
    missing = 0
    for variant in variants:
        name = variant.file_name
        try:
            stat = os.stat(folder + name)
        except OSError:
            missing += name in records
            continue
        known = records.get(name)
        if known == (stat.st_size, stat.st_mtime_ns):
            whole[variant.url_path] = stat.st_size
        elif (known is None or known[0] == stat.st_size) and looks_whole(
                folder + name, variant.format, stat.st_size):
            whole[variant.url_path] = stat.st_size
            seen.append((name, stat.st_size, stat.st_mtime_ns))
        else:
            damaged.add(variant.url_path)
            _remove(folder + name)
    if seen:
        cache.remember_made(seen)
    if damaged:
        cache.note(f"{_files(len(damaged))} in {folder} damaged (truncated or changed since "
                   "made): made again")
    if missing:
        cache.note(f"{_files(missing)} missing from {folder}: made again")
    return CheckedFiles(whole, frozenset(damaged))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except IsADirectoryError:  # a folder where a file was made: the cache folder is ours
        shutil.rmtree(path, ignore_errors=True)
    except FileNotFoundError:
        pass


def _files(count: int) -> str:
    return "1 processed image was" if count == 1 else f"{count} processed images were"


def _record_made(files: Iterable[tuple[str, Path]], cache: BuildCache) -> dict[str, int]:
    """Record the files just made in the cache; their sizes by url path."""
    rows = []
    sizes = {}
    for url, path in files:
        try:
            stat = path.stat()
        except OSError:  # removed already (another build pruning): nothing to vouch for
            continue
        rows.append((path.name, stat.st_size, stat.st_mtime_ns))
        sizes[url] = stat.st_size
    if rows:
        cache.remember_made(rows)
    return sizes


def prune_processed(cache: BuildCache, keep: Iterable[str]) -> int:
    """Delete cached outputs whose url_path is not in ``keep`` (and crash leftovers).

    Returns how many files were deleted.  Removing a photo from the site thus removes its
    outputs at the next build instead of leaving them to pile up.  Only files named as Byline
    names them are deleted (``is_variant_name``): anything else put in the folder stays.
    """
    images_dir = cache.folder / "images"
    if not images_dir.is_dir():
        return 0
    wanted = {url.rsplit("/", 1)[-1] for url in keep}
    gone = [e.name for e in images_dir.iterdir()
            if e.name not in wanted and is_variant_name(e.name) and e.is_file()]
    for name in gone:
        (images_dir / name).unlink(missing_ok=True)
    forgotten = [name for name in cache.made_files() if name not in wanted]
    if forgotten:
        cache.forget_made(forgotten)
    return len(gone)


# The first and last bytes of each format Byline writes: a cut-off file lacks its ending.
_ENDS = {
    "jpeg": (b"\xff\xd8", b"\xff\xd9"),
    "png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
    "gif": (b"GIF8", b";"),
}


def looks_whole(path: str, file_format: str, size: int) -> bool:
    """Whether a processed file is as long as its format says (a cheap check for truncation)."""
    try:
        with open(path, "rb") as file:
            head = file.read(16)
            if file_format == "webp":  # RIFF: the length of what follows is in the header
                return (head[:4] == b"RIFF" and head[8:12] == b"WEBP"
                        and int.from_bytes(head[4:8], "little") + 8 == size)
            if file_format == "avif":
                return head[4:8] == b"ftyp" and _boxes_fill(file, size)
            start, end = _ENDS[file_format]
            file.seek(max(0, size - len(end)))
            return head.startswith(start) and file.read() == end
    except (OSError, KeyError):
        return False


def _boxes_fill(file: BinaryIO, size: int) -> bool:
    """Whether the ISO media boxes of an AVIF file add up to exactly its size."""
    at = 0
    while at < size:
        file.seek(at)
        header = file.read(16)
        length = int.from_bytes(header[:4], "big") if len(header) >= 8 else 0
        if length == 1 and len(header) == 16:  # a 64-bit length follows the type
            length = int.from_bytes(header[8:16], "big")
        elif length == 0 and len(header) >= 8:  # the last box runs to the end of the file
            length = size - at
        if length < 8:
            return False
        at += length
    return at == size
