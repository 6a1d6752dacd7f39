"""What the content says about a story: dek, hero and photo credits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.errors import Problem, Severity, SourceLocation
from generator.model import Article, ImageRef


def check_articles(articles: Iterable[Article]) -> list[Problem]:
    """Warnings for stories missing a dek, a hero image or photo credits, at their source."""
    problems: list[Problem] = []
    for article in articles:
        title = f"“{article.title}”"
        if not article.dek:
            problems.append(Problem(Severity.WARNING, f"{title} has no dek", article.source))
        if article.hero is None:
            problems.append(Problem(Severity.WARNING, f"{title} has no hero image", article.source))
        for image in _photos(article):
            if not _has_credit(image):
                role = "hero photo" if image.role == "hero" else "photo"
                problems.append(
                    Problem(
                        Severity.WARNING,
                        f"{role} {image.src} in {title} has no credit",
                        image.location,
                    )
                )
    return problems


def _has_credit(image: ImageRef) -> bool:
    """Whether the photo is credited in the Markdown or, as the build allows, in its metadata."""
    if image.credit and image.credit.strip():
        return True
    if image.path is None:
        return False
    # Imported here: Pillow is only needed for the few photos without a written credit.
    from PIL import Image

    from generator.images.credit import read_credit

    try:
        with Image.open(image.path) as opened:
            return bool(read_credit(opened))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False  # an unreadable image is reported by the image stage


def _photos(article: Article) -> Iterator[ImageRef]:
    """The hero and the body's photos (figures), each once; small inline images are not photos."""
    seen: set[tuple[str, SourceLocation]] = set()
    for image in (article.hero, *article.images):
        if image is None or image.role not in ("hero", "figure"):
            continue
        if (image.src, image.location) in seen:
            continue
        seen.add((image.src, image.location))
        yield image
