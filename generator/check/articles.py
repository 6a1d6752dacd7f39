"""What the content says about a story: dek, hero, videos and embeds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from generator.errors import Problem, Severity
from generator.markup import PROVIDERS, match_embed
from generator.model import Article, videos_of

# More embeds than this in one article, and readers need to be told which post is which.
BARE_EMBEDS_ALLOWED = 2
_PROVIDER_NAMES = {p.key: p.name for p in PROVIDERS}


def check_articles(articles: Iterable[Article], now: datetime | None = None) -> list[Problem]:
    """Warnings for stories missing a dek or a hero image, videos without a poster or
    captions, posts no reader can tell apart, and (with ``now``) a change dated in the
    future, each at its source.

    A photo without a credit is not among them: the build warns about it (with the credit
    read from the photo file too), and ``byline check`` counts the build's warnings.
    """
    problems: list[Problem] = []
    for article in articles:
        title = f"“{article.title}”"
        if not article.dek:
            problems.append(Problem(Severity.WARNING, f"{title} has no dek", article.source))
        if article.hero is None:
            problems.append(Problem(Severity.WARNING, f"{title} has no hero image", article.source))
        problems += _video_problems(article, title)
        problems += _embed_problems(article, title)
        if now is not None:
            problems += _future_changes(article, title, now)
    return problems


def _future_changes(article: Article, title: str, now: datetime) -> Iterator[Problem]:
    """Each change dated after ``now`` (a typo in its year, most often), at its own line: the
    latest is what every page, feed and sitemap already shows as the story's last change."""
    dated = [(c.at, noun, c.line) for changes, noun in ((article.updates, "an update"),
                                                        (article.corrections, "a correction"))
             for c in changes]
    if article.updated is not None:
        dated.append((article.updated, "'updated:'", article.updated_line))
    if article.live is not None:
        dated += [(u.time, "a live update", u.line) for u in article.live.updates]
    later = [(at, noun, line) for at, noun, line in dated if at > now]
    latest = max((at for at, _, _ in later), default=None)
    for at, noun, line in sorted(later, key=lambda found: found[2] or 0):
        shown = ("its page, feeds and sitemap already show that as the story's last change"
                 if at == latest else "its page already shows it with that date")
        yield Problem(Severity.WARNING,
                      f"{title} has {noun} dated {at:%Y-%m-%d %H:%M}, in the future: {shown}; "
                      "fix the date", article.source.at(line) if line else article.source)


def _video_problems(article: Article, title: str) -> Iterator[Problem]:
    for video in videos_of(article):
        stem = video.path.stem
        if video.poster is None:
            yield Problem(Severity.WARNING,
                          f"video {video.src} in {title} has no poster, so readers see an empty "
                          f"box until they press play: put a still named {stem}.jpg beside it, "
                          'or add {poster="still.jpg"}', video.location)
        if not video.captions:
            yield Problem(Severity.WARNING,
                          f"video {video.src} in {title} has no captions, for readers who "
                          f"cannot hear it: put a WebVTT file named {stem}.vtt beside it",
                          video.location)


def _embed_problems(article: Article, title: str) -> Iterator[Problem]:
    if len(article.embeds) <= BARE_EMBEDS_ALLOWED:
        return
    for embed in article.embeds:
        if not embed.described and not _names_its_account(embed.url):
            name = _PROVIDER_NAMES.get(embed.provider, embed.provider)
            yield Problem(Severity.WARNING,
                          f"the {name} link {embed.url} is one of {len(article.embeds)} embeds "
                          f"in {title}, and its card looks like the others: on the line after "
                          "the link, write whose post it is and what it says, e.g. "
                          "@account, March 3, 2026: the post's text", embed.location)


def _names_its_account(url: str) -> bool:
    """Whether the link itself names whose post it is (X, Threads, Bluesky, TikTok): its card
    says "by @account" without a description."""
    found = match_embed(url)
    return found is not None and found[0].account(found[1]) is not None
