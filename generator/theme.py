"""The theme: where templates are looked up, and its static files with hashed names.

Lookup order, so a site can override one file and inherit the rest:
``<site>/templates/`` → ``<site>/themes/<name>/templates/`` → the built-in default theme.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2

from generator.cache import digest_bytes, digest_text
from generator.config import SiteConfig
from generator.content import is_ignored
from generator.errors import Report, SourceLocation
from generator.inputfiles import UnreadableFile, read_input, shown

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

    def asset_path(self, name: str) -> str:
        """The hashed site path of a static file."""
        try:
            return self.static_urls[name.lstrip("/")]
        except KeyError:
            raise jinja2.TemplateRuntimeError(f"no static file '{name}' in the theme") from None


def load_theme(config: SiteConfig) -> Theme:
    """Find the theme's folders and hash its static files."""
    roots = []
    site_theme = config.root / "themes" / config.theme
    if site_theme.is_dir():
        roots.append(site_theme)
    builtin = builtin_themes_dir() / DEFAULT_THEME
    if builtin.resolve() not in [r.resolve() for r in roots]:
        roots.append(builtin)
    template_dirs = [config.root / "templates"] + [r / "templates" for r in roots]
    template_dirs = [d for d in template_dirs if d.is_dir()]
    static_files: dict[str, Path] = {}
    for root in reversed(roots):  # earlier roots override later ones
        static_files.update(_files_under(root / "static"))
    static_urls = {}
    parts = []
    unreadable = Report()
    for name, path in sorted(static_files.items()):
        digest = _digest(path, "a file", config.root, unreadable)
        static_urls[name] = "/static/" + hashed_name(name, digest)
        parts.append(f"{name}={digest}")
    for folder in template_dirs:
        for name, path in sorted(_files_under(folder).items()):
            parts.append(f"{folder}:{name}={_digest(path, 'a template', config.root, unreadable)}")
    unreadable.raise_if_errors()
    return Theme(tuple(template_dirs), static_files, static_urls, digest_text(*parts))


def _digest(path: Path, wanted: str, site_root: Path, report: Report) -> str:
    """The content hash of a theme file; one that cannot be read is reported ("" instead)."""
    try:
        return digest_bytes(read_input(path, wanted))
    except UnreadableFile as error:
        shown_as = path.relative_to(site_root) if path.is_relative_to(site_root) else path
        report.error(str(error), SourceLocation(shown(shown_as)))
        return ""


def hashed_name(name: str, digest: str) -> str:
    """``css/site.css`` → ``css/site.<8 hex>.css``, so hosts may cache it forever."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest[:8]}{path.suffix}"))


def _files_under(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not is_ignored(d)]
        for name in files:
            if not is_ignored(name):
                path = Path(here) / name
                found[path.relative_to(folder).as_posix()] = path
    return found


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by template source.

    Each build makes a fresh environment (its globals change); without this the preview
    server would compile every template again on every save.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill the bucket from memory, if this source was compiled before."""
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Remember a freshly compiled template."""
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _MemoryBytecodeCache()


def make_environment(
    theme: Theme, globals_: Mapping[str, object], url: Callable[[str], str]
) -> jinja2.Environment:
    """A Jinja environment over the theme's folders with Byline's globals."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        bytecode_cache=_COMPILED,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals.update(globals_)
    env.globals["asset"] = lambda name: url(theme.asset_path(name))
    env.globals["url"] = url
    return env
