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
from collections.abc import Callable, Mapping

# url(x), url('x'), url("x"), and @import "x" (which needs no url()).
_REFERENCE = re.compile(
    r"""(?P<head>\burl\(\s*(?P<q1>['"]?))(?P<url>[^'")\s]+)(?P=q1)"""
    r"""|(?P<ihead>@import\s+(?P<q2>['"]))(?P<iurl>[^'"\s]+)(?P=q2)""",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
STATIC_PREFIX = "/static/"


def is_stylesheet(name: str) -> bool:
    """Whether a theme static file is a stylesheet whose references are rewritten."""
    return name.lower().endswith(".css")


def referenced_names(name: str, css: str, names: Mapping[str, object]) -> set[str]:
    """The theme static files (of ``names``) the stylesheet ``name`` refers to."""
    found = set()
    for match in _REFERENCE.finditer(css):
        target = _target(name, match.group("url") or match.group("iurl"), names)
        if target is not None:
            found.add(target)
    return found


def rewritten(name: str, css: str, hashed: Callable[[str], str | None]) -> str:
    """``css`` (the stylesheet ``name``) with each reference to a theme static file pointed at
    its hashed name (``hashed``: a name → its hashed name, None if it is no theme file)."""
    folder = posixpath.dirname(name)

    def point(match: re.Match[str]) -> str:
        written = match.group("url") or match.group("iurl")
        path, suffix = _split(written)
        target = _resolve(name, path)
        published = hashed(target) if target is not None else None
        if published is None:
            return match.group(0)
        relative = posixpath.relpath(published, folder or ".")
        head = match.group("head") or match.group("ihead")
        quote = match.group("q1") if match.group("head") else match.group("q2")
        return f"{head}{relative}{suffix}{quote}"

    return _REFERENCE.sub(point, css)


def _target(name: str, written: str, names: Mapping[str, object]) -> str | None:
    target = _resolve(name, _split(written)[0])
    return target if target is not None and target in names else None


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
