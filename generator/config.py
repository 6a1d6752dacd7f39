"""Stage 1: ``site.yaml`` → a frozen ``SiteConfig``.

The file is checked as a whole: every problem names ``site.yaml:LINE`` and says what is
allowed, and all of them are reported together.  Unknown keys are warnings that suggest the
closest known key, because a typo (``titel``) should never silently fall back to a default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from string import Formatter
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.errors import Report, SourceLocation
from generator.images import ImageSettings
from generator.inputfiles import CONFIG_NAME, UnreadableFile, line_not_utf8, read_input, shown
from generator.ownership import site_identity
from generator.slugs import quoted, site_path_problem, slugify
from generator.sourceyaml import RepeatedKeys, YamlDocument, YamlSyntaxError, parse_yaml
from generator.textmatch import closest

PERMALINK_FIELDS = ("category", "slug", "year", "month", "day")


@dataclass(frozen=True, slots=True)
class Hosting:
    """Files written for static hosts; each can be turned off."""

    headers: bool = True
    redirects: bool = True
    nojekyll: bool = True


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything ``site.yaml`` says, validated, with defaults filled in."""

    root: Path
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    permalink: str = "/{category}/{slug}/"
    per_page: int = 12
    feed_items: int = 20
    related_count: int = 4
    # A year of this many stories or more has a page per month (render/site_index.py).
    archive_month_pages_from: int = 500
    twitter: str | None = None
    publisher_name: str = ""
    publisher_logo: str | None = None
    categories: tuple[str, ...] = ()
    copyright: str | None = None
    theme: str = "default"
    images: ImageSettings = field(default_factory=ImageSettings)
    hosting: Hosting = field(default_factory=Hosting)
    deploy: Mapping[str, Any] = field(default_factory=dict)
    search: bool = True  # index the built site for its search page (needs byline[search])
    corrections_page: bool = False  # /corrections/: every correction on the site
    source: SourceLocation = field(default_factory=lambda: SourceLocation(CONFIG_NAME))

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``: ``/`` or ``/news/``."""
        return urlsplit(self.base_url).path or "/"

    @property
    def tz(self) -> ZoneInfo:
        """The site's timezone, for naive dates in front matter."""
        return ZoneInfo(self.timezone)

    @property
    def identity(self) -> str:
        """How the folders, branches and buckets this site writes to name it, to tell its
        files from another site's (``ownership.site_identity``)."""
        return site_identity(self.base_url, self.title, self.root)

    @property
    def content_dir(self) -> Path:
        """Where articles, pages and authors live."""
        return self.root / "content"

    @property
    def built_from(self) -> str:
        """The settings as the build sees them: all but where the site is published
        (``deploy``), which no page shows, so that adding a target (or a comment) to
        site.yaml makes no page again.  What the stages key their work on."""
        return repr(replace(self, deploy={}))


# --- the schema -------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns what is wrong, or None


# Every page carries the site's title, description and copyright in its head: a text of
# millions of characters (a paste gone wrong) would make every page megabytes.
_SETTING_CHARS = 2000


def _text(value: Any) -> str | None:
    if not (isinstance(value, str) and value.strip()):
        return "must be non-empty text"
    return _too_long(value)


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    return _too_long(value) if isinstance(value, str) else "must be text"


_HANDLE = re.compile(r"@?[A-Za-z0-9_]{1,15}")
_PROFILE = re.compile(r"(?:https?://)?(?:www\.|mobile\.)?(?:x|twitter)\.com/@?([A-Za-z0-9_]{1,15})"
                      r"/?(?:[?#].*)?", re.IGNORECASE)


def _handle(value: Any) -> str | None:
    """What is wrong with the site's handle on X, which every page's share card names."""
    if value is None or (isinstance(value, str) and (
            not value.strip() or _HANDLE.fullmatch(value.strip()))):
        return None  # blank: no handle, as with none
    if isinstance(value, str) and (profile := _PROFILE.fullmatch(value.strip())):
        return f'is a profile\'s address, not its handle: write twitter: "@{profile[1]}"'
    return ('must be the site\'s handle on X: an @ and up to 15 letters, digits or _, '
            'such as twitter: "@newsdesk"')


def _too_long(value: str) -> str | None:
    if len(value) <= _SETTING_CHARS:
        return None
    return (f"is {len(value):,} characters long, and every page carries it: keep it under "
            f"{_SETTING_CHARS:,} (a sentence or two)")


def _positive_int(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if ok else "must be a whole number above 0"


def _whole_number(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a whole number, 0 or more"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _base_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be an absolute URL such as https://example.com/"
    try:
        parts = urlsplit(value)  # a bracket left open ("https://[::1/") raises
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an absolute http(s) URL such as https://example.com/ (got {value!r})"
    if parts.username is not None or parts.password is not None:
        return ("must not hold a user name or password: every feed, sitemap and page would "
                "show them; write the address readers use, such as https://example.com/")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:  # out of range, or 0, which no server listens on
        return "has a port that is not a number from 1 to 65535: leave it out, or fix it"
    last = parts.path.rsplit("/", 1)[-1]  # "" when the path ends with /
    if "." in last:
        # Copied from the address bar on a page: every feed, sitemap and canonical link
        # would be made under it (https://example.com/index.html/music/…) and be missing.
        return (f"names a file ({last}), not the site's folder: write base_url: "
                f"{value[: value.rindex('/') + 1]}")
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    # Its path starts every rule in _redirects and _headers, where a space would split a rule.
    if " " in value or not value.isprintable():
        return (f"{quoted(value)} must be one address with no spaces or line breaks, such as "
                "https://example.com/news/")
    if problem := site_path_problem(parts.path or "/"):
        return f"has a path that {problem}: write it like https://example.com/news/"
    return None


def language_problem(value: Any) -> str | None:
    """What is wrong with a ``language`` (site.yaml's, or a story's), None if nothing."""
    # A language tag (BCP 47): every page's lang, the feeds' and the news sitemap's; a name
    # such as "English" made pages the HTML checker refuses.
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", value):
        return None
    return "must be a language code such as en, en-GB, fr or pt-BR"


def language_tag(value: str) -> str:
    """A language ``language_problem`` accepts, written as HTML and feeds need it: pt_BR (a
    locale's spelling, as other tools write it) is the tag pt-BR."""
    return value.replace("_", "-")


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a timezone name such as America/New_York or UTC"
    if value.upper() in _ABBREVIATED_ZONES:
        # The database keeps these for old systems: EST is UTC-5 all year, so a New York
        # summer story typed 10:00 would go out at 11:00 and say "10:00 AM EST".
        meant = _ABBREVIATED_ZONES[value.upper()]
        return (f"{value!r} is a zone's abbreviation, which keeps one offset all year (no "
                f"summer time); use the name of a place in the zone, such as {meant} "
                "(or Etc/GMT+5 style names for a fixed offset on purpose)")
    if value.lower() in _NOT_PLACES:
        return (f"{value!r} is no place's time: {_NOT_PLACES[value.lower()]}, so the same "
                "site would publish at other moments on other machines; use the name of the "
                "newsroom's zone, such as America/New_York or UTC")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        meant_zone = _zone_meant(value)
        advice = (f"did you mean {meant_zone}?" if meant_zone
                  else "use a name such as America/New_York or UTC")
        return f"unknown timezone {value!r}; {advice}"
    return None


# Abbreviations the time zone database keeps for old systems at one offset all year, and
# the place a desk typing them usually means (HST is Honolulu's all year, so it is not here).
_ABBREVIATED_ZONES = {
    "EST": "America/New_York",
    "MST": "America/Denver (America/Phoenix for Arizona, which keeps no summer time)",
}


# Names some systems' zone databases keep that say no place's time.
_NOT_PLACES = {
    "localtime": "it is whatever zone the computer building the site is set to",
    "posixrules": "it is a copy of another zone's rules, kept for old systems",
    "factory": "it is the zone of a computer not yet set up, shown as \"-00\"",
}


# Abbreviations a desk types for its zone that the database does not know.
_PLACES_OF = {
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "EDT": "America/New_York", "ET": "America/New_York", "MDT": "America/Denver",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "AEST": "Australia/Sydney",
    "BST": "Europe/London", "CEST": "Europe/Paris",
}


def _zone_meant(typed: str) -> str | None:
    """The zone name a mistyped one is closest to ("america/los_angeles", "Asia/Kolkatta")."""
    from zoneinfo import available_timezones

    key = typed.strip().replace(" ", "_").lower()
    if key.upper() in _PLACES_OF:
        return _PLACES_OF[key.upper()]
    names = {name.lower(): name for name in available_timezones()
             if name.lower() not in _NOT_PLACES}
    if key in names:
        return names[key]
    cities = {name.rsplit("/", 1)[-1].lower(): name for name in sorted(names.values())}
    if key in cities:  # "New York", "kolkata"
        return cities[key]
    close = closest(key, names, cutoff=0.8)
    return names[close] if close else None


def _permalink(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("/") or not value.endswith("/"):
        return "must start and end with '/', e.g. /{category}/{slug}/"
    if "{slug}" not in value:
        return "must contain {slug} so that every article gets its own URL"
    allowed = ", ".join("{" + n + "}" for n in PERMALINK_FIELDS)
    try:
        # Plain {name} only: a format spec or {slug.attr} would put other text in the path.
        plain = all(name is None or (name in PERMALINK_FIELDS and not spec and not conversion)
                    for _, name, spec, conversion in Formatter().parse(value))
    except ValueError:
        plain = False
    if not plain:
        return f"may only use {allowed}"
    # An article with no category drops that part; every other field is letters and digits.
    for category in ("x", ""):
        path = value.format_map({**dict.fromkeys(PERMALINK_FIELDS, "x"), "category": category})
        problem = site_path_problem(re.sub("/{2,}", "/", path))
        if problem:
            return f"{quoted(value)} {problem}: write a path on this site such as " \
                "/{category}/{slug}/"
    return None


def _theme(value: Any) -> str | None:
    if _text(value):
        return _text(value)
    # The name of a folder in themes/, never a path that could lead out of the site.
    if "/" in value or site_path_problem("/" + value):
        return f"{quoted(value)} must be the name of a folder in themes/, such as default"
    return None


def _text_list(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return None if ok else "must be a list of names"


def _mapping(value: Any) -> str | None:
    if value is None:  # every line under it commented out
        return "is empty: write its settings on the lines under it, indented, or delete it"
    return None if isinstance(value, dict) else (
        "must be settings on the lines under it, indented (key: value), not a value here")


def _optional_mapping(value: Any) -> str | None:
    return None if value is None else _mapping(value)


TOP_LEVEL: dict[str, Check] = {
    "title": _text,
    "base_url": _base_url,
    "description": _optional_text,
    "language": language_problem,
    "timezone": _timezone,
    "permalink": _permalink,
    "per_page": _positive_int,
    "feed_items": _positive_int,
    "related_count": _whole_number,  # 0: no related stories
    "archive_month_pages_from": _positive_int,
    "twitter": _handle,
    "publisher": _mapping,
    "categories": _text_list,
    "copyright": _optional_text,
    "theme": _theme,
    "images": _mapping,
    "hosting": _mapping,
    "deploy": _optional_mapping,
    "search": _bool,
    "corrections_page": _bool,
}
REQUIRED = ("title", "base_url")
PUBLISHER: dict[str, Check] = {"name": _text, "logo": _optional_text}
HOSTING: dict[str, Check] = {"headers": _bool, "redirects": _bool, "nojekyll": _bool}
# Each target's own settings are its kind's to check (publish/target.py), with the targets.
# Targets all commented out (the starter's, for a site published by a workflow) are none:
# `byline publish` says so, not every build.
DEPLOY: dict[str, Check] = {"default": _optional_text, "targets": _optional_mapping}
IMAGE_FORMATS = ("webp", "avif")


def _widths(value: Any) -> str | None:
    ok = isinstance(value, list) and value and all(
        isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8192 for w in value
    )
    return None if ok else "must be a list of pixel widths between 16 and 8192"


def _formats(value: Any) -> str | None:
    ok = isinstance(value, list) and all(v in IMAGE_FORMATS for v in value)
    return None if ok else f"must be a list drawn from {', '.join(IMAGE_FORMATS)}"


def _quality(value: Any) -> str | None:
    wrong = ("must map webp, jpeg and avif to a quality from 1 to 100, and png to a "
             "compression level from 0 to 9")
    if not isinstance(value, dict):
        return wrong
    for key, q in value.items():
        top, bottom = (9, 0) if key == "png" else (100, 1)
        if key not in ("webp", "jpeg", "png", "avif") or type(q) is not int \
                or not bottom <= q <= top:  # not `yes`, which YAML reads as True, that is 1
            return wrong
    return None


IMAGES: dict[str, Check] = {"widths": _widths, "formats": _formats, "quality": _quality,
                            "max_pixels": _positive_int}


def known_keys() -> dict[str, tuple[str, ...]]:
    """Every key ``site.yaml`` understands, by section (for the reference docs and their test)."""
    return {
        "": tuple(TOP_LEVEL),
        "publisher": tuple(PUBLISHER),
        "images": tuple(IMAGES),
        "hosting": tuple(HOSTING),
    }


# Settings that are text (or a list of texts), which YAML may have read as something else.
_TEXT_CHECKS: frozenset[Check] = frozenset({_text, _optional_text, _text_list, language_problem,
                                            _handle, _theme})


def _as_typed(doc: YamlDocument, path: tuple[str, ...], value: Any) -> Any:
    """A text setting as the editor typed it: the word YAML made true or false (the band
    Yes, no for Norwegian, a section named On) and the number it made of a year (1843)."""
    if isinstance(value, list):
        return [_as_typed(doc, (*path, str(index)), item) for index, item in enumerate(value)]
    value = doc.written(value, *path)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


# --- loading ----------------------------------------------------------------------------------


def load_config(root: Path, report: Report) -> SiteConfig | None:
    """Read and check ``root/site.yaml``; problems go to ``report``, None if it is unusable."""
    return _read_config(root, report, lenient=False)


def settings_for_checking(root: Path) -> SiteConfig | None:
    """What ``root/site.yaml`` says where it says it right, defaults for the rest (and for
    all of it if it is not YAML at all); None when there is no settings file to read.

    For checking the content when site.yaml has errors, so that the writer sees every
    problem of the build at once; its own are ``load_config``'s to report.  Nothing is
    built with it: a setting it defaulted could make other pages."""
    return _read_config(root, Report(), lenient=True)


def setting_at(root: Path, *path: str) -> SourceLocation:
    """Where site.yaml gives the setting at ``path`` (``"publisher", "logo"``), for a later
    stage that finds its value wrong; the file alone if it cannot tell.  Read again: only a
    message needs it, and a line kept in the settings would rebuild every page when a line
    above it moved."""
    where = SourceLocation(CONFIG_NAME)
    try:
        return where.at(parse_yaml(read_input(root / CONFIG_NAME, "a YAML file of settings")
                                   .decode("utf-8")).line_of(*path))
    except (UnreadableFile, UnicodeDecodeError, YamlSyntaxError):
        return where


def _without_last_setting(doc: YamlDocument) -> YamlDocument:
    """The settings read above a slip, but the last: the slip may be inside it (a list of
    categories cut short would make every story in the rest "not one of the categories")."""
    if not isinstance(doc.data, dict) or not doc.data:
        return doc
    last = max(doc.data, key=lambda key: doc.lines.get((str(key),), 0))
    return replace(doc, data={k: v for k, v in doc.data.items() if k != last})


def _misnamed_settings(root: Path) -> str | None:
    """A settings file saved under a name close to site.yaml (site.yml, Site.yaml, a
    site.yaml.txt an editor named), if the folder has one."""
    try:
        names = os.listdir(root)
    except OSError:
        return None
    stem = CONFIG_NAME.removesuffix(".yaml")
    near = (f"{stem}.yml", f"{stem}.yaml", f"{stem}.yaml.txt", f"{stem}.yml.txt")
    found = [name for name in sorted(names) if name.lower() in near
             and name != CONFIG_NAME and os.path.isfile(root / name)]
    return found[0] if found else None


# What a lenient reading puts in place of a required setting that is wrong or missing.
_CHECKING_ONLY = {"title": "", "base_url": "https://example.invalid/"}


def _read_config(root: Path, report: Report, *, lenient: bool) -> SiteConfig | None:
    path = root / CONFIG_NAME
    where = SourceLocation(CONFIG_NAME)
    try:
        data = read_input(path, "a YAML file of settings")
        text = data.decode("utf-8")
    except UnreadableFile as error:
        if os.path.lexists(path):
            report.error(str(error), where)
        elif misnamed := _misnamed_settings(root):
            report.error(f"the settings are in {misnamed}, which Byline does not read: rename "
                         f"it {CONFIG_NAME}", SourceLocation(misnamed))
        else:
            report.error(f"no {CONFIG_NAME} here: is {shown(root)} a Byline site? (`byline init` "
                         "makes one)")
        return None
    except UnicodeDecodeError as error:
        report.error("the file is not UTF-8 text: save it as UTF-8 in your editor",
                     where.at(line_not_utf8(data, error)))
        return None
    before = len(report.errors)
    try:
        doc = parse_yaml(text)
    except RepeatedKeys as exc:  # said with the other settings' mistakes, not before them
        for repeat in exc.repeats:
            report.error(repeat.message, where.at(repeat.line))
        doc = exc.document
    except YamlSyntaxError as exc:
        report.error(str(exc), where.at(exc.line))
        if not lenient:
            return None
        try:  # what the lines above the mistake say (a tab at the end hid every category)
            doc = _without_last_setting(parse_yaml(
                "\n".join(text.split("\n")[: max(0, (exc.line or 1) - 1)])))
        except YamlSyntaxError:
            return _settings(root, {}, {}, {}, {}, where)
    if not isinstance(doc.data, dict):
        report.error("must be a mapping of settings (key: value)", where.at(1))
        return _settings(root, {}, {}, {}, {}, where) if lenient else None
    values = _checked_section(doc, (), TOP_LEVEL, report, where)
    for key in REQUIRED:
        if key not in doc.data:
            report.error(f"missing required setting '{key}'", where.at(1))
    publisher = _checked_section(doc, ("publisher",), PUBLISHER, report, where)
    hosting = _checked_section(doc, ("hosting",), HOSTING, report, where)
    _checked_section(doc, ("deploy",), DEPLOY, report, where)  # kept whole: a typo is said
    images = _checked_section(doc, ("images",), IMAGES, report, where)
    if "categories" in values:
        values["categories"] = _sections(values["categories"], doc, report, where)
    if "theme" in values and not _theme_found(root, values["theme"]):
        report.error(_no_such_theme(root, values["theme"]), where.at(doc.line_of("theme")))
        values = {k: v for k, v in values.items() if k != "theme"}
    if len(report.errors) > before and not lenient:
        return None
    return _settings(root, values, publisher, hosting, images, where)


def _sections(names: list[str], doc: YamlDocument, report: Report,
              where: SourceLocation) -> tuple[str, ...]:
    """The sections listed, each once, as first spelled: "news" after "News" is one section,
    shown as "News" (warned about), and a name with nothing to make an address of is an
    error at its line."""
    kept: dict[str, str] = {}
    for index, name in enumerate(names):
        at = where.at(doc.line_of("categories", index) or 1)
        slug = slugify(name)
        if not slug:
            report.error(f"section {quoted(name)} has no letter or digit to make its address "
                         "from: write the section's name", at)
        elif slug in kept:
            report.warning(f"section {quoted(name)} is {quoted(kept[slug])} again (one "
                           f"address), shown as {quoted(kept[slug])}: take one of them out", at)
        else:
            kept[slug] = name
    return tuple(kept.values())


def _settings(root: Path, values: Mapping[str, Any], publisher: Mapping[str, Any],
              hosting: Mapping[str, Any], images: Mapping[str, Any],
              where: SourceLocation) -> SiteConfig:
    """The checked settings, with defaults filled in (``_CHECKING_ONLY`` for required ones
    missing: only a lenient reading gets this far without them)."""
    values = {**_CHECKING_ONLY, **values}
    base_url = values["base_url"].rstrip("/") + "/"
    return SiteConfig(
        root=root,
        title=values["title"].strip(),
        base_url=base_url,
        description=(values.get("description") or "").strip(),
        language=language_tag(values.get("language", "en")),
        timezone=values.get("timezone", "UTC"),
        permalink=values.get("permalink", "/{category}/{slug}/"),
        per_page=values.get("per_page", 12),
        feed_items=values.get("feed_items", 20),
        related_count=values.get("related_count", 4),
        archive_month_pages_from=values.get("archive_month_pages_from", 500),
        twitter=values.get("twitter"),
        publisher_name=publisher.get("name", values["title"]).strip(),
        publisher_logo=publisher.get("logo"),
        categories=tuple(values.get("categories", ())),
        copyright=values.get("copyright"),
        theme=values.get("theme", "default"),
        images=_image_settings(images),
        hosting=Hosting(**hosting),
        deploy=values.get("deploy", {}),
        search=values.get("search", True),
        corrections_page=values.get("corrections_page", False),
        source=where,
    )


def _checked_section(
    doc: YamlDocument, path: tuple[str, ...], schema: Mapping[str, Check], report: Report,
    where: SourceLocation,
) -> dict[str, Any]:
    section: Any = doc.data
    for key in path:
        section = section.get(key, {}) if isinstance(section, dict) else {}
    if not isinstance(section, dict):
        return {}
    prefix = ".".join(path) + "." if path else ""
    values: dict[str, Any] = {}
    for key, value in section.items():
        line = doc.line_of(*path, key)
        check = schema.get(key)
        if check in _TEXT_CHECKS:
            value = _as_typed(doc, (*path, key), value)
        if check is None:
            guess = closest(key, schema)
            hint = f"; did you mean '{prefix}{guess}'?" if guess else ""
            report.warning(f"unknown setting '{prefix}{key}' is ignored{hint}", where.at(line))
            continue
        wrong = check(value)
        if wrong:
            report.error(f"'{prefix}{key}' {wrong}", where.at(line))
            continue
        values[key] = value
    return values


def _theme_found(root: Path, name: str) -> bool:
    """Whether a theme of that name is there: the built-in one, or a folder in themes/."""
    return name == "default" or (root / "themes" / name).is_dir()


def _no_such_theme(root: Path, name: str) -> str:
    """Why a theme setting names no theme, and the fix: a misspelt name would otherwise
    build the whole site in the built-in theme without a word."""
    try:
        there = sorted(p.name for p in (root / "themes").iterdir() if p.is_dir())
    except OSError:
        there = []
    guess = closest(name, there)
    fix = (f"did you mean '{guess}'?" if guess
           else f"the themes there are {', '.join(there)}" if there
           else f"make the folder themes/{name}/, or take the setting out for the built-in "
                "theme")
    return f"'theme' {quoted(name)} is not a folder in themes/: {fix}"


def _image_settings(values: Mapping[str, Any]) -> ImageSettings:
    defaults = ImageSettings()
    quality = dict(defaults.quality)
    quality.update(values.get("quality", {}))
    return ImageSettings(
        widths=tuple(sorted(set(values.get("widths", defaults.widths)))),
        formats=tuple(values.get("formats", defaults.formats)),
        quality=quality,
        max_pixels=values.get("max_pixels", defaults.max_pixels),
    )
