"""Stage 3: every photo the content references → planned variants, processed into the cache.

Planning is pure and happens first, so the render stage knows every URL, width and height
before a single pixel is resized (the Zola way); processing runs on every core, or is left
for later when the preview server asks for an image on demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import Report
from generator.images import (
    ImagePlan,
    ImageProblem,
    ImageSettings,
    InspectCache,
    SourceImage,
    Variant,
    inspect_image,
    inspect_images,
    plan_image,
    plan_social_card,
    process_images,
    prune_cache,
)
from generator.model import Article, Content, ImageRef


@dataclass(frozen=True, slots=True)
class PendingImage:
    """A variant the preview makes only when the browser asks for it."""

    source: SourceImage
    variant: Variant
    settings: ImageSettings


@dataclass(frozen=True, slots=True)
class ImageIndex:
    """Planned outputs of every referenced image, keyed by ``ImageRef.key``."""

    plans: Mapping[str, ImagePlan] = field(default_factory=dict)
    cards: Mapping[str, Variant] = field(default_factory=dict)  # article url → social card
    card_sources: Mapping[str, str] = field(default_factory=dict)  # article url → digest
    logo: ImagePlan | None = None
    files: Mapping[str, Path] = field(default_factory=dict)  # url path → processed file
    # Variants not made yet (preview only): file name → what to make it from.
    pending: Mapping[str, PendingImage] = field(default_factory=dict)
    made: int = 0
    reused: int = 0
    # Where each photo first appears (``ImageRef.key`` → ref), to report a failure there.
    refs: Mapping[str, ImageRef] = field(default_factory=dict)

    def plan(self, ref: ImageRef | None) -> ImagePlan | None:
        """The plan for a reference, None for remote or unusable images."""
        return self.plans.get(ref.key) if ref and ref.path else None

    def digest(self, ref: ImageRef | None) -> str:
        """The content hash of a referenced image ("" when none), for render keys."""
        plan = self.plan(ref)
        return plan.source.digest if plan else (ref.src if ref else "")


def all_image_refs(content: Content) -> Iterable[ImageRef]:
    """Every image the site shows: heroes, body photos, author avatars."""
    for article in content.articles:
        if article.hero:
            yield article.hero
        yield from article.images
    for page in content.pages:
        yield from page.images
    for author in content.authors.values():
        if author.avatar:
            yield author.avatar


def plan_images(
    content: Content, config: SiteConfig, cache_dir: Path, report: Report
) -> ImageIndex:
    """Inspect each distinct source once and plan its variants and social cards."""
    settings = config.images
    inspect_cache = InspectCache(cache_dir)
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
    cards, card_sources = {}, {}
    for article in content.articles:
        hero = article.hero
        plan = plans.get(hero.key) if hero and hero.path else None
        if hero and plan:
            cards[article.url] = plan_social_card(plan.source, hero.focus, settings)
            card_sources[article.url] = plan.source.digest
    logo = _plan_logo(config, settings, inspect_cache, report)
    inspect_cache.save()
    return ImageIndex(plans=plans, cards=cards, card_sources=card_sources, logo=logo,
                      refs=first)


def _plan_logo(
    config: SiteConfig, settings: ImageSettings, cache: InspectCache, report: Report
) -> ImagePlan | None:
    if not config.publisher_logo:
        return None
    path = config.content_dir / config.publisher_logo.lstrip("/")
    try:
        return plan_image(inspect_image(path, settings, cache), settings)
    except ImageProblem as problem:
        report.error(f"publisher.logo {config.publisher_logo}: {problem}", config.source)
        return None


def warn_missing_credits(
    articles: Iterable[Article], plans: Mapping[str, ImagePlan], report: Report
) -> None:
    """Warn about every photo of these articles that has a credit neither written nor in it."""
    for item in articles:
        photos = [item.hero] if item.hero else []
        photos += [i for i in item.images if i.role == "figure"]
        for ref in photos:
            plan = plans.get(ref.key) if ref and ref.path else None
            if ref and not ref.credit and not (plan and plan.source.credit):
                report.warning(
                    f"photo {ref.src} has no credit: add credit=\"Name/Agency\" "
                    "(agency photos usually carry it in their metadata)",
                    ref.location,
                )


def _wanted(index: ImageIndex) -> dict[str, tuple[SourceImage, list[Variant]]]:
    """Every variant the site links to, grouped by source photo digest."""
    wanted: dict[str, tuple[SourceImage, list[Variant]]] = {}
    for plan in (*index.plans.values(), *([index.logo] if index.logo else [])):
        wanted.setdefault(plan.source.digest, (plan.source, []))[1].extend(plan.variants)
    for article_url, card in index.cards.items():
        digest = index.card_sources[article_url]
        wanted[digest][1].append(card)
    return wanted


def defer_images(index: ImageIndex, cache_dir: Path, settings: ImageSettings) -> ImageIndex:
    """Use the variants already cached; list the others as pending, to be made on request.

    The preview serves its first page without waiting for a photo-heavy site's resizing:
    the browser asks for each image, and the server makes that one then (``make_pending``).
    """
    folder = cache_dir / "images"
    files: dict[str, Path] = {}
    pending: dict[str, PendingImage] = {}
    for source, variants in _wanted(index).values():
        for variant in variants:
            path = folder / variant.file_name
            if path.is_file():
                files[variant.url_path] = path
            else:
                pending[variant.file_name] = PendingImage(source, variant, settings)
    return replace(index, files=files, pending=pending)


def make_pending(image: PendingImage, cache_dir: Path) -> Path | None:
    """Make one deferred variant now; its file in the cache, or None if the photo failed."""
    report = process_images([(image.source, [image.variant])], cache_dir, image.settings,
                            workers=1, progress=False)
    return report.files.get(image.variant.url_path)


def produce_images(
    index: ImageIndex, config: SiteConfig, cache_dir: Path, progress: bool | None = None,
    report: Report | None = None,
) -> ImageIndex:
    """Make every planned variant that the cache does not hold yet (on every core).

    A photo that could not be made is an error in ``report``, where it first appears: its
    pages would otherwise link to files that do not exist.
    """
    wanted = _wanted(index)
    jobs = [(source, tuple(dict.fromkeys(v))) for _, (source, v) in sorted(wanted.items())]
    done = process_images(jobs, cache_dir, config.images, progress=progress)
    prune_cache(cache_dir, [v.url_path for _, variants in jobs for v in variants])
    for path, problem in sorted(done.failed.items()):
        ref = index.refs.get(str(path))  # None: the logo, which site.yaml names
        if report is not None:
            report.error(f"{ref.src if ref else path.name}: {problem}",
                         ref.location if ref else config.source)
    return replace(index, files=done.files, made=done.made, reused=done.reused)
