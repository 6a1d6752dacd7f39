"""The theme: where templates are looked up, and its static files with hashed names.

Lookup order, so a site can override one file and inherit the rest:
``<site>/templates/`` → ``<site>/themes/<name>/templates/`` → the built-in default theme.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from generator.cache import digest_bytes, digest_text
from generator.content import is_editors_leftover, is_ignored, is_litter, is_set_aside
from generator.errors import Problem, Report, Severity, SourceLocation
from generator.inputfiles import (
    MERGE_CONFLICT,
    UnreadableFile,
    cannot_read,
    line_not_utf8,
    merge_conflict_line,
    open_problem,
    read_input,
    shown,
)
from generator.ownership import name_kept_for_byline
from generator.slugs import quoted, site_path_problem
from generator.stylesheets import STATIC_PREFIX, is_stylesheet, rewritten
from generator.textmatch import closest

if TYPE_CHECKING:  # the up-to-date check finds the built-in theme without reading site.yaml
    from generator.config import SiteConfig

DEFAULT_THEME = "default"


def builtin_themes_dir() -> Path:
    """The themes shipped with Byline (inside the package when installed from a wheel)."""
    package = Path(__file__).resolve().parent
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """The template folders in lookup order and the static files to publish."""

    template_dirs: tuple[Path, ...]
    static_files: Mapping[str, Path]  # "css/site.css" → file
    static_urls: Mapping[str, str]  # "css/site.css" → "/static/css/site.3f2a1b9c.css"
    fingerprint: str
    site_files: Mapping[str, Path] = field(default_factory=dict)  # the site's static/, as is
    # What a static file publishes when it is not its own bytes: a stylesheet pointed at the
    # hashed names of the files it refers to (see stylesheets.py).
    static_data: Mapping[str, bytes] = field(default_factory=dict)
    # The site's own rules for static hosts (static/_redirects, static/_headers): Byline's
    # rules are written after them, into one file (see plan.py's hosting files).
    site_rules: Mapping[str, bytes] = field(default_factory=dict)

    def asset_path(self, name: str) -> str:
        """The hashed site path of a static file."""
        try:
            return self.static_urls[name.lstrip("/")]
        except KeyError:
            import jinja2  # only templates call this: the up-to-date check does without jinja2

            raise jinja2.TemplateRuntimeError(self._missing(name.lstrip("/"))) from None

    def _missing(self, name: str) -> str:
        """Why ``asset(name)`` has no file, and what to do."""
        if name in self.site_files:
            return (f"'{name}' is in the site's static/ folder, whose files keep their names: "
                    f"link it with url('/{name}'), or move it into the theme's static/ folder "
                    "for asset()")
        guess = closest(name, list(self.static_urls), cutoff=0.6)
        hint = f"did you mean '{guess}'? " if guess else ""
        return (f"no static file '{name}' in the theme: {hint}asset() finds the files of "
                "the theme's static/ folder (themes/NAME/static/), by their path in it")


# Files static hosts read that a site may keep in static/ and Byline writes too.
HOST_RULES = ("_headers", "_redirects")


def load_theme(config: SiteConfig, report: Report) -> Theme:
    """Find the theme's folders and hash its static files.

    A symlink in ``templates/``, ``static/`` or the site's theme that leads out of the site
    folder (its target would be read, or published), and a file that cannot be read, are
    errors in ``report``, each named, for the build to say with the stories' own; the theme
    returned leaves them out.
    """
    builtin = builtin_themes_dir() / DEFAULT_THEME
    site = _SiteFiles(config.root, trusted=builtin)
    roots = []
    site_theme = config.root / "themes" / config.theme
    if site_theme.is_dir() and site.inside(site_theme):
        roots.append(site_theme)
    if builtin.resolve() not in [r.resolve() for r in roots]:
        roots.append(builtin)
    template_dirs = [config.root / "templates"] + [r / "templates" for r in roots]
    template_dirs = [d for d in template_dirs if d.is_dir() and site.inside(d)]
    static_files: dict[str, Path] = {}
    for root in reversed(roots):  # earlier roots override later ones
        static_files.update(site.files_under(root / "static"))
    template_files = {folder: site.files_under(folder, partials=True, follow=True)
                      for folder in template_dirs}
    # Copied only at the commit, unlike the theme's files, read below: checked now.
    site_static = site.files_under(config.root / "static", hidden=True, copied_later=True)
    report.extend(sorted(site.problems, key=lambda p: str(p.location)))
    published = _published_static(static_files, config.root, report)
    static_urls = {name: STATIC_PREFIX + hashed for name, (hashed, _) in published.items()}
    parts = [f"{name}={hashed}" for name, (hashed, _) in sorted(published.items())]
    # Folders by their place in the search order, not their path: moving the site or
    # reinstalling Byline elsewhere changes no page, so it should not rebuild every one.
    for place, files in enumerate(template_files.values()):
        for name, path in sorted(files.items()):
            parts.append(f"{place}:{name}={_digest(path, _TEMPLATE, config.root, report)}")
    rules = {name: data for name in HOST_RULES if name in site_static
             and (data := _read(site_static[name], "a file", config.root, report)) is not None}
    return Theme(tuple(template_dirs), static_files, static_urls, digest_text(*parts),
                 site_static, {name: data for name, (_, data) in published.items() if data},
                 rules)


def _published_static(files: Mapping[str, Path], site_root: Path, report: Report
                      ) -> dict[str, tuple[str, bytes | None]]:
    """Each theme static file's hashed name, and for a stylesheet whose references to the
    others were rewritten (see stylesheets.py), the bytes it publishes instead of its own.
    A stylesheet is hashed after the files it refers to."""
    done: dict[str, tuple[str, bytes | None]] = {}
    visiting: set[str] = set()

    def hashed(name: str) -> str | None:
        if name not in files:
            return None
        if name not in done:
            if name in visiting:  # two stylesheets naming each other: left as written
                return None
            visiting.add(name)
            data = _read(files[name], "a file", site_root, report)
            text = _text(data) if data is not None and is_stylesheet(name) else None
            out = None
            if text is not None:
                rewritten_css = rewritten(name, text, hashed).encode("utf-8")
                out = rewritten_css if rewritten_css != data else None
            published = out if out is not None else data
            done[name] = (hashed_name(name, digest_bytes(published) if published is not None
                                      else ""), out)
            visiting.discard(name)
        return done[name][0]

    for name in sorted(files):
        hashed(name)
    return done


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # a stylesheet in another encoding: published as it is
        return None


def _digest(path: Path, wanted: str, site_root: Path, report: Report) -> str:
    """The content hash of a theme file; one that cannot be read, or a template that is
    not UTF-8 text (Jinja reads templates as UTF-8), is reported ("" instead)."""
    data = _read(path, wanted, site_root, report)
    return digest_bytes(data) if data is not None else ""


def _read(path: Path, wanted: str, site_root: Path, report: Report) -> bytes | None:
    """A theme file's bytes; one that cannot be read, or a template that is not UTF-8 text,
    is reported (None instead)."""
    shown_as = path.relative_to(site_root) if path.is_relative_to(site_root) else path
    try:
        data = read_input(path, wanted)
    except UnreadableFile as error:
        report.error(str(error), SourceLocation(shown(shown_as)))
        return None
    if wanted == _TEMPLATE:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            report.error("the template is not UTF-8 text: save it as UTF-8 in your editor",
                         SourceLocation(shown(shown_as), line_not_utf8(data, error)))
            return None
        if (conflict := merge_conflict_line(text)) is not None:  # else on every page
            report.error(MERGE_CONFLICT, SourceLocation(shown(shown_as), conflict))
            return None
    return data


_TEMPLATE = "a template"


def hashed_name(name: str, digest: str) -> str:
    """``css/site.css`` → ``css/site.<8 hex>.css``, so hosts may cache it forever."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest[:8]}{path.suffix}"))


class _SiteFiles:
    """Lists files of the site's own folders, refusing links that lead out of the site.

    Byline's own theme (``trusted``) is read wherever it is installed.
    """

    def __init__(self, root: Path, trusted: Path) -> None:
        self.root = root
        self.resolved = root.resolve()
        self.trusted = trusted
        self.problems: list[Problem] = []

    def inside(self, path: Path) -> bool:
        """Whether ``path`` really is in the site folder; if a link leads it out, say so."""
        if path.is_relative_to(self.trusted):
            return True
        target = path.resolve()
        if target.is_relative_to(self.resolved) and (target.exists() or not path.is_symlink()):
            return True
        link = self._link_on_the_way(path)
        try:
            shown = os.readlink(link)
        except OSError:
            shown = str(target)
        where = SourceLocation(self._relative(link))
        if not target.exists():
            message = (f"this is a link to {shown}, which does not exist: remove the link, "
                       "or copy the file it meant here")
        else:
            message = (f"this is a link to {shown}, outside the site folder: Byline reads and "
                       "publishes only what is inside the site, so copy it here instead")
        self.problems.append(Problem(Severity.ERROR, message, where))
        return False

    def files_under(self, folder: Path, *, hidden: bool = False, partials: bool = False,
                    follow: bool = False, copied_later: bool = False) -> dict[str, Path]:
        """Every file below ``folder`` by "/"-separated relative name: file managers' litter
        and editors' leftovers left out, hidden files too unless ``hidden``, and ``_name``
        unless ``partials`` (templates such as ``_search_box.html`` are included by others).
        A folder that is a link to another in the site is entered when ``follow`` (Jinja
        reads templates through links: a shared partials folder), else refused, said.  With
        ``copied_later`` (files read only when the commit copies them), each file that cannot
        be read is said now instead."""
        found: dict[str, Path] = {}
        if not folder.is_dir() or not self.inside(folder):
            return found
        walked = os.path.realpath(folder)
        entered = {walked}

        def left_out(name: str) -> bool:
            # A git repository's own folder is its history, never the site's to publish.
            return is_litter(name) or is_editors_leftover(name) or name == ".git" or (
                not hidden and (is_ignored(name) or (not partials and is_set_aside(name))))

        def unreadable(error: OSError) -> None:  # else os.walk skips the folder unsaid
            self._refuse(Path(error.filename), open_problem(error, error.filename, folder=True))

        for here, dirs, files in os.walk(folder, onerror=unreadable, followlinks=follow):
            entering = []
            for name in dirs:
                link = Path(here, name)
                if left_out(name) or (link.is_symlink() and not self._followed(
                        link, follow, walked, entered)):
                    continue
                entering.append(name)
            dirs[:] = entering
            for name in files:
                if left_out(name):
                    continue
                path = Path(here) / name
                if path.is_symlink() and not self.inside(path):
                    continue
                if hidden and (kept := name_kept_for_byline(name)):
                    # Else copied (or written over by the marker) and never published.
                    self._refuse(path, f"Byline keeps this name for {kept}, so this file would "
                                 "never reach readers: rename it, or delete it if it was "
                                 "copied from an output folder")
                    continue
                # Found now, with the other problems, not while output/ is being replaced.
                if copied_later and (problem := cannot_read(path, "a file")):
                    self._refuse(path, problem)
                    continue
                # Published under the name as typed (NFC): a Mac may keep "é" as "e" and an
                # accent, and a writer's link to /press/Beyoncé-kit.pdf found nothing.
                relative = unicodedata.normalize("NFC", path.relative_to(folder).as_posix())
                if problem := site_path_problem("/" + relative, spaces=True):
                    self.problems.append(Problem(
                        Severity.ERROR, f"the file name {problem}: rename the file",
                        SourceLocation(self._relative(path)),
                    ))
                    continue
                if relative in found:
                    self.problems.append(Problem(
                        Severity.ERROR, f"this file and {self._relative(found[relative])} have "
                        "the same name, written in two ways a Mac and other systems tell apart "
                        "(an accent as one character or two): keep one of them",
                        SourceLocation(self._relative(path))))
                    continue
                found[relative] = path
        return found

    def _followed(self, link: Path, follow: bool, walked: str, entered: set[str]) -> bool:
        """Whether to enter ``link``, a link to a folder met walking ``walked``; a link out
        of the site, back up the walk, or where ``follow`` is off, is said instead."""
        if not self.inside(link):
            return False  # said
        if not follow:
            self._refuse(link, "is a link to a folder, which Byline does not follow here: "
                               "move or copy the folder itself here, or link each file")
            return False
        target = os.path.realpath(link)
        if Path(walked).is_relative_to(target):
            self._refuse(link, "is a link to a folder that contains it (a loop): remove "
                               "the link")
            return False
        if target in entered:
            return False  # two links to one folder: its files are found once
        entered.add(target)
        return True

    def _refuse(self, path: Path, message: str) -> None:
        self.problems.append(Problem(Severity.ERROR, message,
                                     SourceLocation(self._relative(path))))

    def _link_on_the_way(self, path: Path) -> Path:
        """The first symlink from the site folder down to ``path`` (``path`` if none is)."""
        here = self.root
        for part in path.relative_to(self.root).parts:
            here = here / part
            if here.is_symlink():
                return here
        return path

    def _relative(self, path: Path) -> str:
        """The path from the site folder, any line break in a name shown as \\n: one line."""
        return quoted(path.relative_to(self.root).as_posix())[1:-1]
