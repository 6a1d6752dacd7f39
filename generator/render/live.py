"""A live blog as templates and structured data see it: its state at the build's ``now``,
its updates in reading order, each with its anchor, time and (on its page) body."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from markupsafe import Markup

from generator.dates import machine_time
from generator.google import HEADLINE_LIMIT
from generator.markup import UPDATE_MARK, shorten
from generator.markup.placeholders import reader_text
from generator.model import Article, LiveCoverage

from .reads import watched

LiveState = Literal["upcoming", "live", "ended"]
_NOTES = '<div class="footnote">'  # Python-Markdown's footnotes, at the end of a body


@watched
@dataclass(frozen=True, slots=True)
class LiveUpdateView:
    """One update: its anchor, headline, time and, on the article's own page, its body."""

    id: str
    url: str
    headline: Markup
    time: datetime
    time_iso: str
    time_display: str
    date_display: str
    body: Markup | None = None


@watched
@dataclass(frozen=True, slots=True)
class LiveView:
    """A live blog's coverage: "upcoming", "live" or "ended" at the time of the build."""

    state: LiveState
    start: datetime
    start_iso: str
    start_display: str  # "March 1, 2026, 7:00 PM"
    end: datetime | None
    end_iso: str | None
    end_display: str | None
    oldest_first: bool
    updates: tuple[LiveUpdateView, ...]  # in the order the page shows them
    latest: LiveUpdateView | None  # the newest update
    # On the article's page, the story's footnotes, shown after every update (outside each
    # update's <article>, so a screen reader does not hear them as one update's).
    notes: Markup | None = None


def live_state(live: LiveCoverage, now: datetime) -> LiveState:
    """Where coverage stands at ``now``."""
    if now < live.start:
        return "upcoming"
    if live.end is not None and now >= live.end:
        return "ended"
    return "live"


def live_view(
    article: Article, now: datetime, url: Callable[[str], str],
    date_display: Callable[[datetime], str], time_display: Callable[[datetime], str],
) -> LiveView | None:
    """The view of an article's coverage at ``now``; None for an article that is not live."""
    live = article.live
    if live is None:
        return None
    page = url(article.url)
    updates = tuple(
        LiveUpdateView(
            id=u.anchor, url=f"{page}#{u.anchor}", headline=Markup(u.headline_html),
            time=u.time, time_iso=machine_time(u.time), time_display=time_display(u.time),
            date_display=date_display(u.time))
        for u in live.updates)
    shown = updates if live.oldest_first else tuple(reversed(updates))
    return LiveView(
        state=live_state(live, now), start=live.start, start_iso=machine_time(live.start),
        start_display=f"{date_display(live.start)}, {time_display(live.start)}",
        end=live.end, end_iso=machine_time(live.end) if live.end else None,
        end_display=f"{date_display(live.end)}, {time_display(live.end)}" if live.end else None,
        oldest_first=live.oldest_first, updates=shown,
        latest=updates[-1] if updates else None)


def with_update_bodies(view: Any, body: Markup, *, notes_apart: bool) -> Any:
    """An article's view for its own page: the intro as ``body``, each update with its
    part of the filled body, and the story's footnotes as ``live.notes`` (``notes_apart``
    false, for a theme that does not show that field: after the update shown last)."""
    live: LiveView = view.live
    intro, *written = str(body).split(UPDATE_MARK)
    parts, notes = _notes_apart(written)
    by_time = live.updates if live.oldest_first else tuple(reversed(live.updates))
    bodies = dict(zip((u.id for u in by_time), parts, strict=False))
    if not notes_apart and live.updates and notes:
        last = live.updates[-1].id
        bodies[last] = bodies.get(last, "") + notes
        notes = ""
    updates = tuple(replace(u, body=Markup(bodies.get(u.id, ""))) for u in live.updates)
    latest = next((u for u in updates if live.latest and u.id == live.latest.id), None)
    return replace(view, body=Markup(intro),
                   live=replace(live, updates=updates, latest=latest,
                                notes=Markup(notes) if notes else None))


def with_update_headings(body: str, headings: Sequence[str], newest_first: bool) -> str:
    """A live article's body in one piece (for feeds), each update under its heading
    (``headings``, oldest first) and in the order its page shows them."""
    intro, *written = body.split(UPDATE_MARK)
    parts, notes = _notes_apart(written)
    updates = [f"<h2>{heading}</h2>{part}"
               for heading, part in zip(headings, parts, strict=False)]
    return intro + "".join(reversed(updates) if newest_first else updates) + notes


def _notes_apart(parts: list[str]) -> tuple[list[str], str]:
    """A live body's updates (as written, after the intro) without the story's footnotes,
    and the footnotes.  Markdown puts them at the end of the body, so in the update written
    last: they belong after every update, whichever the page shows first."""
    at = parts[-1].rfind(_NOTES) if parts else -1
    if at < 0:
        return parts, ""
    return [*parts[:-1], parts[-1][:at]], parts[-1][at:]


def live_facts(article: Article, body_html: str, absolute: Callable[[str], str]
               ) -> tuple[str, str | None, tuple[tuple[str, str, str, str], ...]] | None:
    """What structured data says of a live blog (its body HTML ``body_html``): start, end,
    and per update its headline, time, text and address; None when the article is not live."""
    live = article.live
    if live is None:
        return None
    parts, _ = _notes_apart(body_html.split(UPDATE_MARK)[1:])
    texts = [reader_text(part) for part in parts]
    page = absolute(article.url)
    updates = tuple(
        (reader_text(u.headline_html) or shorten(body, HEADLINE_LIMIT) or machine_time(u.time),
         machine_time(u.time), body, f"{page}#{u.anchor}")
        for u, body in zip(live.updates, texts, strict=False))
    return (machine_time(live.start), machine_time(live.end) if live.end else None, updates)


def live_blog_ld(data: dict[str, Any],
                 facts: tuple[str, str | None, tuple[tuple[str, str, str, str], ...]]
                 ) -> dict[str, Any]:
    """``NewsArticle`` data made a ``LiveBlogPosting``, its updates newest first."""
    start, end, updates = facts
    data = {**data, "@type": "LiveBlogPosting", "coverageStartTime": start}
    if end:
        data["coverageEndTime"] = end
    data["liveBlogUpdate"] = [
        {"@type": "BlogPosting", "headline": shorten(headline, HEADLINE_LIMIT),
         "datePublished": when, "articleBody": body, "url": address}
        for headline, when, body, address in reversed(updates)]
    return data


