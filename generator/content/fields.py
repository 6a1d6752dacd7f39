"""Reading typed values out of front matter, each problem located at its line."""

from __future__ import annotations

import html
import re
from datetime import tzinfo
from typing import Any
from urllib.parse import unquote

from generator.dates import ParsedDate, parse_date, skipped_hour_problem, why_not_a_date
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

from .imported import held_back_elsewhere, named_elsewhere

ARTICLE_KEYS = (
    "title", "date", "updated", "author", "authors", "category", "tags", "dek", "hero",
    "slug", "draft", "aliases", "updates", "corrections", "live", "language",
)
PAGE_KEYS = ("title", "description", "slug", "aliases", "draft", "footer")
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


# "&amp;", "&#8217;": as WordPress exports write a title's "&" and "’".  Only with their ";":
# a headline's "R&B" or "AT&T" is no reference.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def without_entities(text: str) -> str:
    """``text`` with its HTML character references as the characters they stand for (the
    page escapes what needs it): a front-matter value is text, not HTML."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


# What follows a name after a comma and is part of it: "Sammy Davis, Jr." is one person.
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md",
                            "m.d.", "esq", "esq."})


def _comma_list(text: str) -> list[str]:
    """Names written one after another with commas, a suffix kept with its name."""
    names: list[str] = []
    for part in text.split(","):
        if names and part.strip().lower() in _NAME_SUFFIXES:
            names[-1] = f"{names[-1].rstrip()}, {part.strip()}"
        else:
            names.append(part)
    return names


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
        """A non-empty string, or None.  Blank text (``dek: ""``, as a writer clearing a
        field or an imported archive writes it) is no value, as ``dek:`` with nothing is."""
        value = self.doc.written(self.data.get(key), key)
        if value is None:
            if required:
                self.error(f"missing required '{key}'")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # `title: 1989` is a fine headline
        if not isinstance(value, str):
            self.error(f"'{key}' must be text", key)
            return None
        if not value.strip():
            if required:
                self.error(f"'{key}' is empty: write it between the quotes", key)
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
        value = self.doc.written(self.data.get(key), key)
        if value is None:
            return ()
        if isinstance(value, list):  # the band Yes is a name, not true
            value = [self.doc.written(v, key, i) for i, v in enumerate(value)]
        if isinstance(value, str):
            value = _comma_list(value)
            if key in ("author", "authors") and len(value) > 1 and any(
                    len(part.split()) == 1 for part in value):
                # "O'Brien, Zoë" is one person written surname first, or two people.
                shown = " and ".join(part.strip() for part in value)
                self.report.warning(
                    f"'{key}: {self.data[key]}' is read as {len(value)} authors, {shown}: if it "
                    f"is one person, write the name as a list of one, {key}: "
                    f"[\"{self.data[key].strip()}\"]", self.at(key))
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

    def date(self, key: str, tz: tzinfo, *, required: bool = False,
             named: str | None = None) -> ParsedDate | None:
        """A date or date-time; naive values are taken in ``tz``. ``named``: the date the
        file's name gives (Jekyll's), offered when a required one is missing."""
        if key not in self.data or self.data[key] is None:
            if required and named:
                self.error(f"missing required '{key}': write {key}: {named}, the date in the "
                           "file's name (Byline reads dates from front matter only), with its "
                           f"time if you know it: {key}: {named} 09:30")
            elif required:
                self.error(f"missing required '{key}' (e.g. {key}: 2026-03-14 09:30)")
            return None
        parsed = parse_date(self.data[key], tz)
        if parsed is None:
            why = why_not_a_date(self.data[key])
            self.error(
                f"'{key}' is not a date: {self.data[key]!r}{f' ({why})' if why else ''}; "
                "write 2026-03-14, 2026-03-14 09:30 or 2026-03-14T09:30:00+01:00",
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
            # As copied from a browser's address bar or a CMS export: a server decodes the
            # address asked for before it looks for the file, so the folder is the decoded one.
            path, problem = _decoded_path(value)
            problem = problem or site_path_problem(path) or _hidden_part(path)
            if problem:  # at its own line: ``names`` drops blanks and repeats, so not by index
                self.report.error(f"alias {quoted(value)} {problem}: an alias is a path on this "
                                  "site such as /old-slug/",
                                  self.where.at(self.name_line("aliases", value)))
                continue
            good.append(path)
        return tuple(good)

    def warn_unknown_keys(self, known: tuple[str, ...]) -> dict[str, Any]:
        """Keys we do not know are kept as ``extra``; likely typos of known keys, and other
        tools' names for them, get a warning; other tools' ways of keeping a story unpublished
        are errors (Byline would publish it)."""
        extra = {}
        for key, value in self.data.items():
            if key in known:
                continue
            held = held_back_elsewhere(key, value, self.data.get("date"))
            if held:
                self.error(held, key)
                extra[key] = value
                continue
            ours = named_elsewhere(key, value, known, self._given())
            guess = None if ours else closest(key, known, cutoff=0.8)
            if ours:
                self.report.warning(ours, self.at(key))
            elif guess:
                self.report.warning(
                    f"unknown front-matter key '{key}': did you mean '{guess}'?", self.at(key)
                )
            self._check_links(value, key)
            extra[key] = value
        return extra

    def _given(self) -> set[str]:
        """The keys given a value (``dek:`` left blank in a template is none)."""
        return {k for k, v in self.data.items() if v is not None and v != "" and v != []}

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



# A %-escape as browsers write one (%C3%A9 for é).
_ESCAPED = re.compile(r"%[0-9A-Fa-f]{2}")


def _decoded_path(typed: str) -> tuple[str, str | None]:
    """The path a typed alias names, its %-escapes decoded; or why they name none."""
    if not _ESCAPED.search(typed):
        return typed, None
    try:
        return unquote(typed, errors="strict"), None
    except UnicodeDecodeError:
        return typed, "has a %-escape that is no UTF-8 text (copy the address again)"


def _hidden_part(alias: str) -> str | None:
    """Why an alias naming a hidden file or folder (``/.htaccess``, ``/.git/config``) is
    not one: a page was never there, and a server's or git's own files are (a redirect page
    written as ``.htaccess`` breaks every page of an Apache site)."""
    if any(part.startswith(".") for part in alias.split("/")):
        return ("names a file or folder starting with a dot, where web servers and git keep "
                "their own files, never a page")
    return None
