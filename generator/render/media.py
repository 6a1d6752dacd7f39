"""Galleries and videos for templates, and what an article's structured data says of them.

The body's placeholders (see ``markup/placeholders.py``) are filled here from the theme's
macros: ``figure`` and ``inline_image`` from ``macros.html``, ``gallery`` and ``video`` from
``media.html``, so a theme decides all of their markup and the cached body HTML never does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.dates import machine_time
from generator.image_stage import ImageIndex
from generator.markup import fill_image_placeholders
from generator.markup.captions import caption_text, shown_caption
from generator.model import Article, ImageRef, Page, VideoRef
from generator.video_stage import VideoPlan

# Readers pick a captions track by the name of its language, in that language.
LANGUAGE_NAMES = {
    "ar": "العربية", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά", "en": "English",
    "es": "Español", "fi": "Suomi", "fr": "Français", "he": "עברית", "hi": "हिन्दी",
    "id": "Bahasa Indonesia", "it": "Italiano", "ja": "日本語", "ko": "한국어", "nl": "Nederlands",
    "no": "Norsk", "pl": "Polski", "pt": "Português", "ru": "Русский", "sv": "Svenska",
    "th": "ไทย", "tr": "Türkçe", "uk": "Українська", "vi": "Tiếng Việt", "zh": "中文",
}
POSTER_WIDTH = 1600  # wide enough for the body column on a high-density screen


@dataclass(frozen=True, slots=True)
class CaptionsView:
    """One ``<track kind="captions">``."""

    src: str
    language: str
    label: str
    default: bool = False


@dataclass(frozen=True, slots=True)
class VideoView:
    """One video ready for ``<video>`` markup: every URL final."""

    src: str
    type: str
    width: int
    height: int
    alt: str
    caption: Markup | None = None  # as ImageView.caption
    credit: str | None = None
    poster: str | None = None
    captions: tuple[CaptionsView, ...] = ()


def video_view(
    video: VideoRef | None, index: ImageIndex, url: Callable[[str], str]
) -> VideoView | None:
    """The view of a video, or None when there is none (or it could not be planned)."""
    plan = index.videos.get(video.key) if video else None
    if video is None or plan is None:
        return None
    tracks = tuple(
        CaptionsView(url(c.url_path), c.language, language_name(c.language), default=i == 0)
        for i, c in enumerate(plan.captions)
    )
    return VideoView(
        src=url(plan.url_path), type=plan.mime, width=plan.width, height=plan.height,
        alt=video.alt or "", caption=shown_caption(video.caption), credit=video.credit,
        poster=_poster(video.poster, plan, index, url), captions=tracks,
    )


def _poster(
    still: ImageRef | None, plan: VideoPlan, index: ImageIndex, url: Callable[[str], str]
) -> str | None:
    """One size of the poster (a ``poster`` attribute takes no srcset), as wide as the video
    is shown, in the format every browser reads."""
    image = index.plan(still)
    if image is None:
        return still.src if still and still.path is None else None
    family = image.family(image.fallback.format) or (image.fallback,)
    wanted = min(plan.width, POSTER_WIDTH)
    chosen = next((v for v in family if v.width >= wanted), family[-1])
    return url(chosen.url_path)


def language_name(tag: str) -> str:
    """"English", "Español (MX)": a track's label, in its own language."""
    base, _, region = tag.partition("-")
    name = LANGUAGE_NAMES.get(base.lower(), tag)
    return f"{name} ({region})" if region and name != tag else name


def has_gallery(item: Article | Page) -> bool:
    """Whether the body holds a gallery (the page then needs ``js/gallery.js``)."""
    return any(ref.role == "slide" for ref in item.images)


def fill_body(
    html: str, images: Sequence[Any], videos: Sequence[VideoView | None], macros: Any,
    media: Any,
) -> str:
    """The body with every placeholder replaced by the theme's markup, from the views of the
    body's photos and videos (by their place in the body)."""

    def image_at(index: int) -> Any:
        return images[index] if index < len(images) else None

    def markup_for(index: int, kind: str) -> str:
        view = image_at(index)
        if view is None:
            return ""
        return str(macros.figure(view) if kind == "figure" else macros.inline_image(view))

    def gallery_for(indexes: Sequence[int]) -> str:
        slides = [view for i in indexes if (view := image_at(i)) is not None]
        return str(media.gallery(slides)) if slides else ""

    def video_for(index: int, kind: str) -> str:
        view = videos[index] if index < len(videos) else None
        return str(media.video(view, inline=kind == "inline")) if view else ""

    return fill_image_placeholders(html, markup_for, gallery_for, video_for)


def media_ld(
    article: Article, index: ImageIndex, absolute: Callable[[str], str]
) -> dict[str, Any]:
    """What ``NewsArticle`` structured data adds for galleries and videos: the gallery photos
    after the share card in ``image``, and a ``VideoObject`` per video."""
    found: dict[str, Any] = {}
    slides = [index.plan(ref) for ref in article.images if ref.role == "slide"]
    photos = [absolute(plan.fallback.url_path) for plan in slides if plan]
    if photos:
        found["image"] = list(dict.fromkeys(photos))
    videos = []
    for video in (article.hero_video, *article.videos):
        plan = index.videos.get(video.key) if video else None
        if video and plan:
            videos.append(_video_object(video, plan, index, absolute, article))
    if videos:
        found["video"] = videos
    return found


def _video_object(
    video: VideoRef, plan: VideoPlan, index: ImageIndex, absolute: Callable[[str], str],
    article: Article,
) -> dict[str, Any]:
    """schema.org ``VideoObject`` as Google's video guidelines describe it."""
    words = caption_text(video.caption) if video.caption else None
    name = video.alt or words or article.title
    data: dict[str, Any] = {
        "@type": "VideoObject",
        "name": name,
        "description": words or name,
        "contentUrl": absolute(plan.url_path),
        "encodingFormat": plan.mime,
        "uploadDate": machine_time(article.date),
    }
    poster = _poster(video.poster, plan, index, lambda path: path)
    if poster:
        data["thumbnailUrl"] = [absolute(poster) if poster.startswith("/") else poster]
    if plan.seconds:
        data["duration"] = iso_duration(plan.seconds)
    return data


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration: 83.4 → "PT1M23S"."""
    whole = max(1, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (
        f"{secs}S" if secs or whole < 60 else "")
