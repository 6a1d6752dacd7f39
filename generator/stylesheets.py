"""A theme's stylesheets, pointed at the hashed names its other static files publish under.

Every theme static file is published as ``css/site.3f2a1b9c.css`` so hosts may cache it for
ever.  A stylesheet refers to its fonts and pictures as ``url(../fonts/brand.woff2)`` or
``url(/static/img/bg.png)``, names that are never published: each such reference to another
of the theme's static files is rewritten to that file's hashed name (relative to the
stylesheet, so it holds under a base path too), as Django's manifest storage does.  A
stylesheet's own hash is then of what it publishes: a new font gives its stylesheet a new
name as well, and no reader's cached stylesheet points at a font that is gone.

References to anything else (another site, ``data:``, a file the theme does not have) are
left as written; ``byline check`` reports the broken ones.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

# url(x), url('x'), url("x") (quoted, a name may have spaces), @import "x" (which needs no
# url()), and each quoted name in an image-set("a.png" 1x, "b.png" 2x).
_REFERENCE = re.compile(
    r"""(?P<head>\burl\(\s*(?P<q1>['"]))(?P<url>[^'"\n]+)(?P=q1)"""
    r"""|(?P<bhead>\burl\(\s*)(?P<burl>[^'")\s]+)"""
    r"""|(?P<ihead>@import\s+(?P<q2>['"]))(?P<iurl>[^'"\n]+)(?P=q2)""",
    re.IGNORECASE,
)
_IMAGE_SET = re.compile(r"\bimage-set\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)*)\)", re.IGNORECASE)
_QUOTED = re.compile(r"""(?P<q>['"])(?P<url>[^'"\n]+)(?P=q)""")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
STATIC_PREFIX = "/static/"


def is_stylesheet(name: str) -> bool:
    """Whether a theme static file is a stylesheet whose references are rewritten."""
    return name.lower().endswith(".css")


def rewritten(name: str, css: str, hashed: Callable[[str], str | None]) -> str:
    """``css`` (the stylesheet ``name``) with each reference to a theme static file pointed at
    its hashed name (``hashed``: a name → its hashed name, None if it is no theme file)."""
    folder = posixpath.dirname(name)

    def point(written: str) -> str | None:
        path, suffix = _split(written)
        target = _resolve(name, path)
        published = hashed(target) if target is not None else None
        if published is None:
            return None
        return posixpath.relpath(published, folder or ".") + suffix

    return _each_reference(css, point)


def _each_reference(css: str, change: Callable[[str], str | None]) -> str:
    """``css`` with each reference it makes replaced by ``change(reference)`` (kept as
    written where that is None)."""

    def in_url(match: re.Match[str]) -> str:
        group = next(g for g in ("url", "burl", "iurl") if match.group(g) is not None)
        new = change(match.group(group))
        if new is None:
            return match.group(0)
        start, end = match.span(group)
        return match.group(0)[: start - match.start()] + new + match.group(0)[end - match.start():]

    def in_image_set(match: re.Match[str]) -> str:
        def quoted(found: re.Match[str]) -> str:
            new = change(found.group("url"))
            return found.group(0) if new is None else f"{found['q']}{new}{found['q']}"

        inner = _QUOTED.sub(quoted, match.group("inner"))
        return match.group(0).replace(match.group("inner"), inner, 1)

    return _REFERENCE.sub(in_url, _IMAGE_SET.sub(in_image_set, css))


def _split(written: str) -> tuple[str, str]:
    """A reference's path and what follows it (``?v=2``, ``#iefix``: kept as written)."""
    cut = min((i for i in (written.find("?"), written.find("#")) if i >= 0), default=len(written))
    return written[:cut], written[cut:]


def _resolve(name: str, path: str) -> str | None:
    """The theme static file name a stylesheet's reference means: relative to the
    stylesheet, or ``/static/…``; None for other sites, ``data:`` and the like."""
    if not path or _SCHEME.match(path):
        return None
    if path.startswith("/"):
        if not path.startswith(STATIC_PREFIX):
            return None
        return posixpath.normpath(path[len(STATIC_PREFIX):])
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
    return None if joined.startswith("../") or joined == ".." else joined
