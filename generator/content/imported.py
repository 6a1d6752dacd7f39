"""What other publishing tools write in front matter (WordPress exports, Jekyll, Hugo, Ghost):
their names for Byline's fields, said with ours, and their ways of keeping a story back,
which Byline does not read and so would publish the story: refused."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date
from typing import Any

from generator.dates import parse_date
from generator.textmatch import closest

# Other tools' names for Byline's keys (the first of those a kind of file has is named).
_OTHER_TOOLS_NAMES: dict[str, tuple[str, ...]] = {
    "categories": ("category",), "section": ("category",),
    "image": ("hero",), "images": ("hero",), "featured_image": ("hero",),
    "feature_image": ("hero",), "featuredimage": ("hero",), "cover_image": ("hero",),
    "coverimage": ("hero",), "hero_image": ("hero",), "heroimage": ("hero",),
    "cover": ("hero",), "thumbnail": ("hero",), "banner": ("hero",),
    "byline": ("author",), "writer": ("author",),
    "excerpt": ("dek", "description"), "summary": ("dek", "description"),
    "custom_excerpt": ("dek", "description"),
    "description": ("dek",), "subtitle": ("dek", "description"),
    "lastmod": ("updated",), "modified": ("updated",), "last_modified": ("updated",),
    "permalink": ("slug",), "url": ("slug",),
    "redirect_from": ("aliases",),  # Jekyll's jekyll-redirect-from: the old addresses
}


def _as_written(key: str, value: Any) -> str:
    """``key`` of Byline's, with the value the writer gave another tool's name for it when
    it is one short text (``categories: [Music]`` → ``category: Music``)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if key == "hero":
        shown = value if isinstance(value, str) and value.strip() else "photo.jpg"
        return f"hero: {{image: {shown}, credit: Name/Agency}}"
    if isinstance(value, (str, date)) and 0 < len(str(value)) <= 60 and "\n" not in str(value):
        return f"{key}: {value}"
    return f"{key}:"


# WordPress's statuses of a post readers do not see (a trashed one was often pulled on
# purpose; "inherit" is an attachment's or a revision's), and the keys of an embargo.
_UNPUBLISHED_STATUSES = frozenset({"draft", "pending", "private", "future", "scheduled",
                                   "unpublished", "embargoed", "trash", "trashed",
                                   "auto-draft", "inherit", "deleted", "withdrawn"})
_STATUS_KEYS = frozenset({"status", "post_status"})
_EMBARGO_KEYS = frozenset({"publishdate", "publish_date", "embargo", "embargo_until",
                           "embargoed_until", "release_date"})
# Hugo takes a story down at its expiry date; Byline keeps a story up until it is deleted.
_EXPIRY_KEYS = frozenset({"expirydate", "expiry_date", "expires", "unpublishdate",
                          "unpublish_date"})
_NO = frozenset({"false", "no", "off", "0", "n"})


def held_back_elsewhere(key: str, value: Any, date_value: Any) -> str | None:
    """The error of ``key: value`` when it keeps the story from readers: another tool's way
    (an embargo only when later than ``date_value``, the story's own date), or a misspelt
    ``draft:``."""
    name = key.lower().replace("-", "_")
    fix = "write draft: true to keep it back"
    if name == "published" and (value is False or _said_no(value)):
        meaning = (f"'published: {value if isinstance(value, str) else 'false'}' keeps a story "
                   "unpublished in Jekyll and WordPress exports")
    elif name in _STATUS_KEYS and isinstance(value, str) and value.strip().lower() in \
            _UNPUBLISHED_STATUSES:
        meaning = f"'{key}: {value.strip()}' keeps a story unpublished in WordPress"
    elif name in _EXPIRY_KEYS and value not in (None, ""):
        meaning = f"'{key}' takes a story down at that date in Hugo"
        fix = ("remove it, and delete the file (or write draft: true) when the story should "
               "come down; Byline keeps a story up until then")
    elif name in ("_build", "build") and _never_built(value):
        meaning = f"'{key}' with render or list 'never' keeps a story off the site in Hugo"
    elif closest(name, ("draft",), cutoff=0.8) and value not in (False, None, "false", "no"):
        meaning = f"'{key}' is not draft:, the key that keeps a story back"
    elif name in _EMBARGO_KEYS and value is not None and _later(value, date_value):
        meaning = f"'{key}' holds a story under embargo in Hugo and other tools"
        fix = "put the embargo's time in date: (Byline publishes a story at its date)"
    else:
        return None
    return f"{meaning}; Byline does not read it, and would publish this now: {fix}"


def _said_no(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in _NO


def _never_built(value: Any) -> bool:
    """Whether Hugo's build options (``_build: {render: never}``) keep the story off the site."""
    return isinstance(value, dict) and any(
        str(value.get(option)).strip().lower() in ("never", "false")
        for option in ("render", "list") if option in value)


# Byline's fields of a line of text: another tool's name for one, in a story that gives ours
# too (a dek and a subtitle), is the site's own field for its templates (article.extra).
_OWN_BESIDE_OURS = frozenset({"dek", "description", "author", "updated"})


def named_elsewhere(key: str, value: Any, known: tuple[str, ...],
                    given: Collection[str] = ()) -> str | None:
    """The warning for ``key``, another tool's name for one of Byline's ``known`` keys, in
    front matter giving the keys ``given``."""
    ours = next((k for k in _OTHER_TOOLS_NAMES.get(key.lower(), ()) if k in known), None)
    if ours is None or (ours in _OWN_BESIDE_OURS and ours in given):
        return None
    lead = f"'{key}' is another tool's name, which Byline does not read: write "
    if ours == "slug" and "aliases" in known and isinstance(value, str):
        # The story's address where it was: kept by redirecting it, not by a slug made of it.
        if old := _old_address(value):
            return (f"{lead}aliases: [{old}] instead, so the story's old address leads to its "
                    "new one (add slug: too to choose the new one's last part)")
        return (f"'{key}: {value.strip()}' is a pattern of addresses in another tool, which "
                "Byline does not read: take it out (site.yaml's permalink: makes every "
                "story's address)")
    if ours == "category" and (several := _several(value)):
        listed = (f"'{key}: {value}' is Jekyll's list of categories ({', '.join(several)})"
                  if isinstance(value, str) else f"'{key}' lists {', '.join(several)}")
        return (f"{listed}, which Byline does not read: write category: {several[0]} instead "
                "(a story has one), and the others as tags if you like")
    if ours == "aliases" and (addresses := _old_addresses(value)):
        return (f"{lead}aliases: [{', '.join(addresses)}] instead, so the story's old address "
                "leads to its new one")
    return f"{lead}{_as_written(ours, value)} instead"


def _several(value: Any) -> list[str]:
    """The names of a list of more than one category (Jekyll's "music news", or
    ``[Music, News]``), or []."""
    if isinstance(value, str) and "," not in value:
        names = value.split()
    elif isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        names = [v.strip() for v in value]
    else:
        return []
    return names if len(names) > 1 else []


def _old_addresses(value: Any) -> list[str]:
    """The site paths of the old addresses a list (or one text) gives, [] if any is not one."""
    given = value if isinstance(value, list) else [value]
    found = [_old_address(v) if isinstance(v, str) else None for v in given]
    return [f for f in found if f] if found and all(found) else []


def _old_address(value: str) -> str | None:
    """The site path of one story's own old address (/2024/my-story.html, or the path of
    https://old.example/2024/my-story/), None for a pattern (Jekyll's /:year/:title/)."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        value = "/" + value.split("://", 1)[1].partition("/")[2]
        value = value.split("?")[0].split("#")[0]
    if not value.startswith("/") or any(c in value for c in ":{}* \n"):
        return None
    return value


def _later(embargo: Any, story_date: Any) -> bool:
    """Whether an embargo is later than the story's date (or either cannot be read)."""
    until, published = parse_date(embargo, UTC), parse_date(story_date, UTC)
    return until is None or published is None or until.value > published.value
