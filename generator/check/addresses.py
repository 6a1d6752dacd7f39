"""Where a built site lives: which file of the output a URL on a page points at."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

_WEB_SCHEMES = frozenset({"http", "https"})
_PLAIN = re.compile(r"[A-Za-z0-9._~/-]*")
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


@dataclass(frozen=True, slots=True)
class SiteAddress:
    """The site's public address, split into what URL resolution needs."""

    root_url: str
    host: str
    base_path: str

    @classmethod
    def from_base_url(cls, base_url: str) -> SiteAddress:
        """Parse ``base_url`` (``https://example.com/news/``); the path always ends in ``/``."""
        parts = urlsplit(base_url.strip())
        scheme = parts.scheme.lower() or "https"
        base_path = parts.path if parts.path.endswith("/") else f"{parts.path}/"
        host = _normal_host(scheme, parts.netloc)
        return cls(f"{scheme}://{host}{base_path}", host, base_path)

    def url_of(self, key: str) -> str:
        """The public URL of an output file (``music/slug/index.html``)."""
        return self.root_url + key

    @property
    def origin(self) -> str:
        """Scheme and host with the slash after them: ``https://example.com/``."""
        return self.root_url[: len(self.root_url) - len(self.base_path) + 1]

    def locate(self, url: str, against: str) -> Located | None:
        """Where ``url`` (as written on the page at ``against``) leads, or None if not here."""
        if url.startswith(self.root_url):
            # The common case, and each different (a sitemap's 10,000 stories): a URL the
            # build wrote under the site's address, of letters, digits and -._~/ only, with
            # no "." or ".." segment, leads where it says without being resolved.
            rest = url[len(self.root_url):]
            if _PLAIN.fullmatch(rest) and "//" not in rest and not _DOT_SEGMENT.search(rest):
                return Located("/" + rest)
        # Most URLs are root-relative ("/images/…") or absolute, and mean the same on every
        # page: resolving them once per site instead of once per page is most of the speed.
        first_segment = url.lstrip().split("/", 1)[0]
        if (url.lstrip().startswith("/") or ":" in first_segment) and against.startswith(
            self.origin
        ):
            against = self.root_url
        return _locate(self, url, against)


@functools.lru_cache(maxsize=1 << 17)
def _locate(address: SiteAddress, url: str, against: str) -> Located | None:
    raw = url.strip()
    if not raw:
        return None
    written = urlsplit(raw)
    if written.scheme and written.scheme.lower() not in _WEB_SCHEMES:
        return None  # mailto:, tel:, data:, javascript: …
    absolute = urlsplit(urljoin(against, raw))
    if _normal_host(absolute.scheme, absolute.netloc) != address.host:
        return None
    path = unquote(absolute.path) or "/"
    fragment = unquote(absolute.fragment)
    # Both decoded: a base_url copied from the address bar says /%C3%A9toile/ for /étoile/
    # (every link was "outside the base path", and no publish could pass its check).
    base = unquote(address.base_path)
    if f"{path}/" == base:
        path = base
    if not path.startswith(base):
        # Written with a host, it may be another app on the same server; written as a
        # path, it is a link that forgot the base path, which breaks once deployed.
        return None if written.netloc else Located(path, fragment, outside=True)
    return Located("/" + path[len(base) :], fragment)


@dataclass(frozen=True, slots=True)
class Located:
    """A URL that belongs to the site: its site path (base path removed) and fragment."""

    site_path: str
    fragment: str = ""
    outside: bool = False


def _normal_host(scheme: str, netloc: str) -> str:
    """Host and port as compared: lowercase, no credentials, no default port."""
    host = netloc.lower().rpartition("@")[2]
    default_port = _DEFAULT_PORTS.get(scheme.lower())
    return host.removesuffix(default_port) if default_port else host


def file_for(site_path: str, files: Collection[str]) -> str | None:
    """The output file a site path is served from (``/x/`` → ``x/index.html``), if any."""
    key = site_path.lstrip("/")
    if not key or key.endswith("/"):
        index = f"{key}index.html"
        return index if index in files else None
    if key in files:
        return key
    # Servers answer "/x" with a redirect to "/x/" when x/index.html exists.
    index = f"{key}/index.html"
    return index if index in files else None


def site_path_of(key: str) -> str:
    """How people refer to an output file: ``music/slug/index.html`` → ``/music/slug/``."""
    if key == "index.html" or key.endswith("/index.html"):
        return "/" + key.removesuffix("index.html")
    return f"/{key}"
