"""Files static hosts read: ``_headers`` and ``_redirects`` (Netlify, Cloudflare Pages) and
``.nojekyll`` (GitHub Pages, which would otherwise hide files starting with ``_``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generator.errors import BuildFailed, Problem, Severity, SourceLocation
from generator.mediatypes import IMMUTABLE, IMMUTABLE_FOLDERS, REVALIDATE
from generator.slugs import quoted, site_path_problem

_HEADERS, _REDIRECTS = "_headers", "_redirects"
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def headers_file(base_path: str, feed_paths: list[str], site_rules: bytes = b"") -> bytes:
    """Long caching for hashed assets, short for pages and feeds, security headers for all;
    none that the site's own ``_headers`` (``site_rules``) sets on the same path: a host
    joins two values of one header, and "DENY, SAMEORIGIN" is no X-Frame-Options at all."""
    set_by_site = _names_by_path(site_rules)
    prefix = base_path.rstrip("/")
    blocks = [(f"{prefix}/*", [*SECURITY_HEADERS])]
    # Pages are folders (clean URLs), so rules on "…/" never touch the hashed assets.
    blocks.append((f"{prefix}/", [("Cache-Control", REVALIDATE)]))
    blocks.append((f"{prefix}/*/", [("Cache-Control", REVALIDATE)]))
    blocks += [(f"{prefix}{p}", [("Cache-Control", REVALIDATE)]) for p in sorted(feed_paths)]
    blocks += [(f"{prefix}/{folder}*", [("Cache-Control", IMMUTABLE)])
               for folder in IMMUTABLE_FOLDERS]
    lines = []
    for path, headers in blocks:
        theirs = set_by_site.get(path, set())
        ours = [f"  {name}: {value}" for name, value in headers if name.lower() not in theirs]
        if ours:
            lines += [_rule_path(path, _HEADERS), *ours]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _names_by_path(rules: bytes) -> dict[str, set[str]]:
    """The header names (in lower case) a ``_headers`` file sets on each path: a path on a
    line of its own, its headers indented below it as ``Name: value``."""
    found: dict[str, set[str]] = {}
    names: set[str] = set()
    for line in rules.decode("utf-8", "replace").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            names.add(line.partition(":")[0].strip().lower())
        else:
            names = found.setdefault(line.strip(), set())
    return found


def long_kept_site_files(site_files: Mapping[str, Path]) -> list[Problem]:
    """A warning for each file of the site's ``static/`` (site path → file) that lands in a
    folder hosts keep for a year: a new version under the same name would not reach readers
    who have the old one (Byline's own files there change name when they change)."""
    return [Problem(Severity.WARNING,
                    f"this file is published in /{rel.split('/')[0]}/, where browsers and "
                    "hosts keep every file a year, so a new version under this name would not "
                    f"reach readers for a year; move it to another folder, such as "
                    f"static/files/{rel.partition('/')[2]}",
                    SourceLocation(f"static/{rel}"))
            for rel in sorted(site_files) if rel.startswith(IMMUTABLE_FOLDERS)]


def redirects_file(redirects: Mapping[str, str], base_path: str) -> bytes:
    """One ``from to 301`` line per old URL (site paths, base path added)."""
    prefix = base_path.rstrip("/")
    lines = [f"{_rule_path(prefix + old, _REDIRECTS)} {_rule_path(prefix + new, _REDIRECTS)} 301"
             for old, new in sorted(redirects.items())]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _rule_path(path: str, file: str) -> str:
    """``path``, if it is one plain site path; a space or line break in it would start a rule
    of the writer's making (``/* https://elsewhere/:splat 200!`` proxies the whole site).

    Paths are checked where they are typed (aliases, permalink, base_url); this is the last
    guard before a host reads them as rules.
    """
    problem = site_path_problem(path)
    if problem:
        message = (f"the path {quoted(path)} {problem}, so no rule is written with it: check "
                   "the aliases and site.yaml's base_url")
        raise BuildFailed([Problem(Severity.ERROR, message, SourceLocation(file))])
    return path
