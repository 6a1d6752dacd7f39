"""Reading typed values out of front matter, each problem located at its line."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, tzinfo
from typing import Any

from generator.dates import ParsedDate, parse_date, skipped_hour_problem
from generator.errors import Report, SourceLocation
from generator.slugs import (
    has_unsafe_scheme,
    is_script_link,
    link_problem,
    quoted,
    site_path_problem,
)
from generator.sourceyaml import YamlDocument
from generator.textmatch import closest

ARTICLE_KEYS = (
    "title", "date", "updated", "author", "authors", "category", "tags", "dek", "hero",
    "slug", "draft", "aliases", "updates", "corrections", "live",
)
PAGE_KEYS = ("title", "description", "slug", "aliases", "draft")
HERO_KEYS = ("image", "video", "alt", "caption", "credit", "focus")
# What each list-of-names field must be, with an example of its own: an author's example
# must be people, an alias's paths.
_NAMES_SHAPE = {
    "author": "a name, e.g. Dana Reyes",
    "authors": "a list of names, e.g. [Dana Reyes, Sam Ortiz]",
    "tags": "a list of names, e.g. [Oscars, Red carpet]",
    "aliases": "a list of paths on this site, e.g. [/old-slug/, /2019/old-slug/]",
}
# Extra fields whose name says they hold an address (url, source_url, link, links, href…).
_ADDRESS_NAME = re.compile(r"(?:^|_)(?:url|link|href|src|website|homepage)s?$", re.IGNORECASE)


# Keys other publishing tools (WordPress exports, Jekyll, Hugo, Ghost) give what Byline calls
# by its own name, and how to write each of Byline's.
_OTHER_TOOLS_NAMES: dict[str, tuple[str, ...]] = {
    "categories": ("category",), "section": ("category",),
    "image": ("hero",), "featured_image": ("hero",), "feature_image": ("hero",),
    "cover": ("hero",), "thumbnail": ("hero",), "banner": ("hero",),
    "byline": ("author",), "writer": ("author",),
    "excerpt": ("dek", "description"), "summary": ("dek", "description"),
    "description": ("dek",), "subtitle": ("dek", "description"),
    "lastmod": ("updated",), "modified": ("updated",), "last_modified": ("updated",),
    "permalink": ("slug",), "url": ("slug",),
}


def _as_written(key: str, value: Any) -> str:
    """``key`` of Byline's, with the value the writer gave another tool's name for it when
    it is one short text (``categories: [Music]`` → ``category: Music``)."""
    if key == "hero":
        shown = value if isinstance(value, str) and value.strip() else "photo.jpg"
        return f"hero: {{image: {shown}, credit: Name/Agency}}"
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, (str, date)) and 0 < len(str(value)) <= 60 and "\n" not in str(value):
        return f"{key}: {value}"
    return f"{key}:"
_UNPUBLISHED_STATUSES = frozenset({"draft", "pending", "private", "future", "scheduled",
                                   "unpublished", "embargoed"})
_EMBARGO_KEYS = frozenset({"publishdate", "publish_date", "embargo", "embargo_until",
                           "embargoed_until", "release_date"})


_EMBARGO_FIX = "put the embargo's time in date: (Byline publishes a story at its date)"


# "&amp;", "&#8217;": as WordPress exports write a title's "&" and "’".  Only with their ";":
# a headline's "R&B" or "AT&T" is no reference.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def without_entities(text: str) -> str:
    """``text`` with its HTML character references as the characters they stand for (the
    page escapes what needs it): a front-matter value is text, not HTML."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


def _held_back_elsewhere(key: str, value: Any, date_value: Any) -> str | None:
    """What ``key: value`` means where it keeps the story from readers: another tool's
    way (an embargo only when later than ``date_value``, the story's own date), or a
    misspelt ``draft:``."""
    name = key.lower().replace("-", "_")
    if name == "published" and value is False:
        return "'published: false' keeps a story unpublished in Jekyll and WordPress exports"
    if name == "status" and isinstance(value, str) and value.strip().lower() in \
            _UNPUBLISHED_STATUSES:
        return f"'status: {value.strip()}' keeps a story unpublished in WordPress"
    if closest(name, ("draft",), cutoff=0.8) and value not in (False, None, "false", "no"):
        return f"'{key}' is not draft:, the key that keeps a story back"
    if name in _EMBARGO_KEYS and value is not None:
        embargo, date = parse_date(value, UTC), parse_date(date_value, UTC)
        if embargo is None or date is None or embargo.value > date.value:
            return f"'{key}' holds a story under embargo in Hugo and other tools"
    return None


class FieldReader:
    """Typed access to one file's front matter; wrong values are reported, not raised."""

    def __init__(self, doc: YamlDocument, where: SourceLocation, report: Report) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.where = where
        self.report = report

    def at(self, *path: str | int) -> SourceLocation:
        """The location of a key (or the file's first line if it is absent)."""
        return self.where.at(self.doc.line_of(*path) or 1)

    def error(self, message: str, *path: str | int) -> None:
        """Record an error at the line of ``path``."""
        self.report.error(message, self.at(*path))

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A non-empty string, or None."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(f"missing required '{key}'")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # `title: 1989` is a fine headline
        if not isinstance(value, str) or not value.strip():
            self.error(f"'{key}' must be text", key)
            return None
        return without_entities(value).strip()

    def flag(self, key: str) -> bool:
        """A true/false value, false when absent."""
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.error(f"'{key}' must be true or false", key)
            return False
        return value

    def names(self, key: str) -> tuple[str, ...]:
        """A list of names; a single name or a comma-separated string is accepted too."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.error(f"'{key}' must be {_NAMES_SHAPE.get(key, 'a list of names')}", key)
            return ()
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))

    def name_line(self, key: str, name: str) -> int:
        """The line of ``name``, one of ``names(key)``: its own in a list written one item a
        line, else the key's (found by value: ``names`` drops blanks and repeats)."""
        value = self.data.get(key)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if str(item).strip() == name:
                    return self.doc.line_of(key, index) or 1
        return self.doc.line_of(key) or 1

    def date(self, key: str, tz: tzinfo, *, required: bool = False) -> ParsedDate | None:
        """A date or date-time; naive values are taken in ``tz``."""
        if key not in self.data or self.data[key] is None:
            if required:
                self.error(f"missing required '{key}' (e.g. {key}: 2026-03-14 09:30)")
            return None
        parsed = parse_date(self.data[key], tz)
        if parsed is None:
            self.error(
                f"'{key}' is not a date: {self.data[key]!r}; write 2026-03-14, "
                "2026-03-14 09:30 or 2026-03-14T09:30:00+01:00",
                key,
            )
        else:
            self.warn_skipped_hour(parsed, tz, key)
        return parsed

    def warn_skipped_hour(self, parsed: ParsedDate, tz: tzinfo, *path: str | int) -> None:
        """Warn at ``path`` of a time in the hour the clocks skip: it is read an hour on."""
        problem = skipped_hour_problem(parsed, tz)
        if problem:
            self.report.warning(problem, self.at(*path))

    def aliases(self) -> tuple[str, ...]:
        """The old site paths (``/old/url/``) that redirect here; any that leaves the site is an
        error, since a redirect page is written at each."""
        good = []
        for value in self.names("aliases"):
            problem = site_path_problem(value)
            if problem:  # at its own line: ``names`` drops blanks and repeats, so not by index
                self.report.error(f"alias {quoted(value)} {problem}: an alias is a path on this "
                                  "site such as /old-slug/",
                                  self.where.at(self.name_line("aliases", value)))
                continue
            good.append(value)
        return tuple(good)

    def warn_unknown_keys(self, known: tuple[str, ...]) -> dict[str, Any]:
        """Keys we do not know are kept as ``extra``; likely typos of known keys, and other
        tools' names for them, get a warning; other tools' ways of keeping a story unpublished
        are errors (Byline would publish it)."""
        extra = {}
        for key, value in self.data.items():
            if key in known:
                continue
            held = _held_back_elsewhere(key, value, self.data.get("date"))
            if held:
                self.error(f"{held}; Byline does not read it, and would publish this now: "
                           + (_EMBARGO_FIX if key.lower().replace("-", "_")
                              in _EMBARGO_KEYS else "write draft: true to keep it back"), key)
                extra[key] = value
                continue
            ours = next((k for k in _OTHER_TOOLS_NAMES.get(key.lower(), ()) if k in known), None)
            guess = None if ours else closest(key, known, cutoff=0.8)
            if ours:
                self.report.warning(
                    f"'{key}' is another tool's name, which Byline does not read: write "
                    f"{_as_written(ours, value)} instead", self.at(key))
            elif guess:
                self.report.warning(
                    f"unknown front-matter key '{key}': did you mean '{guess}'?", self.at(key)
                )
            self._check_links(value, key)
            extra[key] = value
        return extra

    def _check_links(self, value: Any, *path: str | int) -> None:
        """Refuse script links in fields templates may print as links (``source_url: …``).

        Byline cannot know which extra fields a theme links, so a field whose name says it is
        an address may not use a scheme other than http(s) or mailto (relative paths are
        fine), and no text at all may be a script link.
        """
        if isinstance(value, dict):
            for key, item in value.items():
                self._check_links(item, *path, key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._check_links(item, *path, index)
        elif isinstance(value, str):
            named = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
            risky = is_script_link(value) or (
                bool(_ADDRESS_NAME.search(named)) and has_unsafe_scheme(value))
            if risky and (problem := link_problem(value)):
                self.error(f"'{named}' {quoted(value)} {problem}: write an address such as "
                           "https://example.com/page or a path on this site such as /about/",
                           *path)

