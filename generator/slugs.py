"""Turning names into URL pieces."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

_NOT_WORD = re.compile(r"[^\w]+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@lru_cache(maxsize=65536)  # tag and category names repeat across thousands of articles
def slugify(text: str) -> str:
    """Lower-case, Latin accents folded, words joined by hyphens: "Beyoncé's Tour" →
    "beyonces-tour", "방탄소년단 컴백" → "방탄소년단-컴백".

    Only a Latin letter's marks are folded away.  In other scripts a mark is part of the
    letter (Japanese ド is not ト, Hindi's vowel signs are its vowels), and the slug is
    composed again (NFC), as a reader's keyboard types it: Korean decomposed into its letter
    pieces made an address no one could type, and a folder no one could name.
    """
    if text.isascii():
        return _NOT_WORD.sub("-", text.replace("'", "").lower()).strip("-_")
    kept: list[str] = []
    latin = False
    for char in unicodedata.normalize("NFKD", text):
        if not unicodedata.combining(char):
            latin = char.isascii() or unicodedata.name(char, "").startswith("LATIN")
            kept.append(char)
        elif not latin:
            kept.append(char)
    composed = unicodedata.normalize("NFC", "".join(kept)).replace("'", "").replace("’", "")
    spaced = "".join(char if char.isalnum() or char == "_"
                     or unicodedata.category(char).startswith("M") else " "
                     for char in composed.lower())
    return "-".join(spaced.split()).strip("-_")


def term_key(slug: str) -> str:
    """What two slugs of one section or tag have in common: the slug, but that Turkish's
    dotless ı (the small of I) is i, and Greek's accents, which its capitals drop
    ("ΜΟΥΣΙΚΗ" for "Μουσική"), are left out.  Marks of other scripts stay: in Japanese or
    Hindi they make another letter."""
    if slug.isascii():
        return slug
    kept: list[str] = []
    greek = False
    for char in unicodedata.normalize("NFD", slug.replace("ı", "i")):
        if not unicodedata.combining(char):
            greek = unicodedata.name(char, "").startswith("GREEK")
            kept.append(char)
        elif not greek:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def same_spelling(one: str, other: str) -> bool:
    """Whether two names are one spelling but for capitals (in any script, ``term_key``'s
    way) and how a Mac stores an accent: no warning is owed for them."""
    def folded(name: str) -> str:
        return term_key(unicodedata.normalize("NFC", name).casefold())
    return one == other or folded(one) == folded(other)


def title_order(title: str) -> tuple[str, str]:
    """A key sorting titles as a reader looks them up: capitals and accents aside ("À qui
    appartient ce site" among the A's, not after Z; an accent saved as a Mac saves it the
    same), then the title itself, so that the order never depends on the reading order."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)), title


def folder_url(path: str) -> str:
    """A site path as a page lives at it: ``/old/page`` → ``/old/page/``; files stay as they are."""
    last = path.rsplit("/", 1)[-1]
    return path if path.endswith("/") or "." in last else path + "/"


def date_in_filename(name: str) -> str | None:
    """The ``YYYY-MM-DD`` a file or bundle is named with (Jekyll's posts), if any."""
    match = _DATE_PREFIX.match(name)
    return match.group(0)[:10] if match else None


def slug_from_filename(name: str) -> str:
    """The default slug of a file or bundle: its name with a leading ``YYYY-MM-DD-`` dropped."""
    return slugify(_DATE_PREFIX.sub("", name))


# --- confinement: paths and links that come from what writers type ------------------------

# Longer than this in UTF-8 and a file system refuses the name (most allow 255 bytes).
_MAX_PART_BYTES = 200
_SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What a browser drops from a URL before reading it (so "java\tscript:" is "javascript:").
_URL_INVISIBLES = re.compile(r"[\t\n\r]")
_SPACE_AND_CONTROLS = "".join(map(chr, range(33)))


def site_path_problem(path: str, *, spaces: bool = False) -> str | None:
    """Why ``path`` is not a plain path on the site, one that stays inside the output folder.

    None for a path such as ``/music/old-slug/`` or ``/feed.xml``; otherwise the reason, worded
    to follow what the path is (``alias "/../x" leaves the site``).  Every address that comes
    from input (aliases, permalinks, the published-URL manifest, static file names) and every
    path written into hosting rules goes through this one check, so that none lands outside
    ``output/`` or splits a rule.  It checks the text, not the disk: with no ``..``, ``.`` or
    empty part, a path joined under the output folder cannot climb out of it.  ``spaces``
    allows plain spaces, for names of files that are copied but never put in a rule.
    """
    if not path.startswith("/"):
        return "is not a path on this site (it must start with /)"
    if _has_unprintable(path.replace(" ", "-") if spaces else path):
        return "has a space, line break or control character in it"
    if "\\" in path:
        return "has a backslash in it (\\): folders are separated by /"
    if "?" in path or "#" in path:
        return "has a ? or # in it, which a static site cannot tell apart"
    parts = path[1:].split("/")
    if path.endswith("/"):
        parts.pop()  # a folder: "/music/" is the page at music/index.html
    if ".." in parts:
        return "leaves the site"
    if path != "/" and any(part in ("", ".") for part in parts):
        return "has an empty or '.' folder in it (// or /./)"
    if any(len(part.encode("utf-8", "surrogatepass")) > _MAX_PART_BYTES for part in parts):
        return f"has a part longer than {_MAX_PART_BYTES} bytes, too long for a file name"
    return None


def slug_too_long(slug: str) -> bool:
    """Whether ``slug`` is too long to name the folder of its page (see site_path_problem)."""
    return len(slug.encode("utf-8", "surrogatepass")) > _MAX_PART_BYTES


def link_problem(url: str) -> str | None:
    """Why ``url`` must not become a link, or None for http(s), mailto and site paths.

    Checked the way a browser reads the link, so ``JavaScript:``, `` javascript:`` and
    ``java<TAB>script:`` are all the script link they look like to the browser.
    """
    seen = _as_browsers_read(url)
    scheme = _SCHEME.match(seen)
    if scheme:
        name = scheme.group(1).lower()
        if name not in _SAFE_SCHEMES:
            return f"uses {name}:, and only http:, https: and mailto: addresses become links"
        if name == "mailto" and len(seen) > len("mailto:") and not _has_unprintable(seen):
            return None
        if name != "mailto" and urlsplit(seen).netloc and not _has_unprintable(seen):
            return None
        return "is not a complete web address"
    if seen.startswith("/") and not seen.startswith("//") and "\\" not in seen \
            and not _has_unprintable(seen):
        return None
    return "is not a web address (http:// or https://), an email (mailto:) or a path on this site"


def is_script_link(text: str) -> bool:
    """Whether a browser given ``text`` as a link would run it (``javascript:``, ``data:…``).

    For free text that a theme might still print as a link: "Data: Nielsen" is a sentence,
    "data:text/html,…" is a program.
    """
    seen = _as_browsers_read(text)
    scheme = _SCHEME.match(seen)
    if not scheme:
        return False
    name = scheme.group(1).lower()
    rest = seen[scheme.end():]
    return name in ("javascript", "vbscript") or (name == "data" and rest[:1].strip() != "")


def script_link_problem(url: str) -> str | None:
    """The error for a link a writer made in Markdown (in a body or a caption) that a
    browser would run as a program (``is_script_link``); None for any other."""
    if not is_script_link(url):
        return None
    shown = url if len(url) <= 60 else f"{url[:57]}…"
    return (f"link {quoted(shown)} {link_problem(url)}: write an address such as "
            "https://example.com/ or mailto:jane@example.com")


def has_unsafe_scheme(url: str) -> bool:
    """Whether ``url``, read as a browser would, starts with a scheme other than http(s) or
    mailto (a relative path such as ``photo.jpg`` has none)."""
    scheme = _SCHEME.match(_as_browsers_read(url))
    return scheme is not None and scheme.group(1).lower() not in _SAFE_SCHEMES


def _as_browsers_read(url: str) -> str:
    """Entities decoded, tabs and line breaks dropped, spaces and controls trimmed."""
    return _URL_INVISIBLES.sub("", html.unescape(url)).strip(_SPACE_AND_CONTROLS)


def quoted(value: str) -> str:
    """A value as the writer typed it, with anything invisible shown (a line break as \\n)."""
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                    for c in value)
    return f'"{shown}"'


def _has_unprintable(text: str) -> bool:
    """Whether ``text`` has a space, a line break, a control or invisible formatting character.

    ``str.isprintable`` is false for all of these but the plain space (and for unassigned code
    points, which no path needs), and runs in C: this check runs on every path of every build.
    """
    return " " in text or not text.isprintable()
