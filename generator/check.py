"""Checking a built site before it goes out.

Errors: internal links and asset references (HTML and CSS) that lead nowhere in the output,
feeds that are not well-formed or lack what feed readers need, sitemap entries pointing at
missing pages.  Warnings: ``#fragment`` links to ids the page lacks, images without ``alt``,
and, given the articles, stories without a dek, a hero image or photo credits.

Each HTML file is read and parsed once (stdlib ``html.parser``: no runtime dependency), and
every URL is looked up in one set of the output's files, so a 1,000-article site takes
seconds.  Large sites are parsed on all cores; parsing is the only slow part.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from generator.errors import Problem, Severity, SourceLocation
from generator.model import Article, ImageRef
from generator.parallel import worker_count

# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM_PAGES = 1500

_WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
# "#top" and "#" scroll to the top of any page without a matching id (HTML spec).
_IMPLICIT_FRAGMENTS = frozenset({"", "top"})
_FEED_TYPES = frozenset({"application/atom+xml", "application/rss+xml"})
_FEED_NAMES = frozenset({"feed.xml", "rss.xml"})
# rel values whose href names a host to warm up, not a resource.
_HOST_HINTS = frozenset({"preconnect", "dns-prefetch"})
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_SRCSET_DESCRIPTORS = re.compile(r"[^,]*,?")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")

_ATOM = "{http://www.w3.org/2005/Atom}"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


# --- Where the site lives ------------------------------------------------------------------


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
    if f"{path}/" == address.base_path:
        path = address.base_path
    if not path.startswith(address.base_path):
        # Written with a host, it may be another app on the same server; written as a
        # path, it is a link that forgot the base path, which breaks once deployed.
        return None if written.netloc else Located(path, fragment, outside=True)
    return Located("/" + path[len(address.base_path) :], fragment)


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


# --- Reading pages -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    """A URL on a page: what refers to it (``link``, ``image``…), and on which line."""

    url: str
    what: str
    line: int

    @property
    def is_link(self) -> bool:
        """Whether this is a link to a page rather than a resource the page loads."""
        return self.what in ("link", "redirect")


@dataclass(frozen=True, slots=True)
class PageScan:
    """Everything the checks need from one HTML file, small enough to send between processes."""

    key: str
    references: tuple[Reference, ...]
    ids: frozenset[str]
    feeds: tuple[str, ...]
    images_without_alt: tuple[Reference, ...]
    base_href: str | None


class _PageReader(HTMLParser):
    """Collects URLs, ids and alt-less images while the parser walks the page once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()
        self.feeds: list[str] = []
        self.images_without_alt: list[Reference] = []
        self.base_href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value for name, value in attrs if value is not None}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if "style" in attributes and "url(" in attributes["style"]:
            for url in css_urls(attributes["style"]):
                self._refer(url, "image")
        if tag == "img":
            self._read_image(attributes, attrs)
        elif tag in ("a", "area"):
            if tag == "a" and "name" in attributes:
                self.ids.add(attributes["name"])  # the old way to mark a fragment target
            self._refer(attributes.get("href"), "link")
        elif tag == "link":
            self._read_link(attributes)
        elif tag == "source":
            self._refer(attributes.get("src"), "media")
            self._refer_srcset(attributes.get("srcset"))
        elif tag in ("script", "iframe", "embed", "audio", "video", "track"):
            self._refer(attributes.get("src"), "script" if tag == "script" else "media")
            self._refer(attributes.get("poster"), "image")
        elif tag == "object":
            self._refer(attributes.get("data"), "media")
        elif tag == "input" and attributes.get("type", "").lower() == "image":
            self._refer(attributes.get("src"), "image")
        elif tag == "meta":
            self._read_meta(attributes)
        elif tag == "base" and self.base_href is None:
            self.base_href = attributes.get("href")

    def _read_image(self, attributes: dict[str, str], attrs: list[tuple[str, str | None]]) -> None:
        self._refer(attributes.get("src"), "image")
        self._refer_srcset(attributes.get("srcset"))
        # A bare ``alt`` attribute parses as None, and still marks the image decorative.
        if not any(name == "alt" for name, _value in attrs):
            url = attributes.get("src") or attributes.get("srcset") or "(no src)"
            self.images_without_alt.append(Reference(url, "image", self.getpos()[0]))

    def _read_link(self, attributes: dict[str, str]) -> None:
        rel = set(attributes.get("rel", "").lower().split())
        if rel & _HOST_HINTS:
            return
        href = attributes.get("href")
        if "alternate" in rel and attributes.get("type", "").lower() in _FEED_TYPES and href:
            self.feeds.append(href)
        self._refer(href, "stylesheet" if "stylesheet" in rel else "link")
        self._refer_srcset(attributes.get("imagesrcset"))

    def _read_meta(self, attributes: dict[str, str]) -> None:
        content = attributes.get("content")
        if not content:
            return
        if attributes.get("http-equiv", "").lower() == "refresh":
            _delay, _sep, target = content.partition(";")
            target = target.strip()
            if target[:4].lower() == "url=":
                self._refer(target[4:].strip().strip("'\""), "redirect")
            return
        kind = (attributes.get("property") or attributes.get("name") or "").lower()
        if kind in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image"):
            self._refer(content, "image")
        elif kind == "og:url":
            self._refer(content, "link")

    def _refer(self, url: str | None, what: str) -> None:
        if url:
            self.references.append(Reference(url, what, self.getpos()[0]))

    def _refer_srcset(self, srcset: str | None) -> None:
        if srcset:
            for url in srcset_urls(srcset):
                self._refer(url, "image")


def read_page(output_dir: Path, key: str) -> PageScan:
    """Parse one HTML file of the output."""
    reader = _PageReader()
    reader.feed((output_dir / key).read_text(encoding="utf-8", errors="replace"))
    reader.close()
    return PageScan(
        key=key,
        references=tuple(reader.references),
        ids=frozenset(reader.ids),
        feeds=tuple(reader.feeds),
        images_without_alt=tuple(reader.images_without_alt),
        base_href=reader.base_href,
    )


def srcset_urls(srcset: str) -> list[str]:
    """The URLs in a ``srcset`` value, parsed as the HTML spec does (URLs may hold commas)."""
    urls: list[str] = []
    position = 0
    while match := _SRCSET_URL.match(srcset, position):
        url, position = match.group(1), match.end()
        if url.endswith(","):
            url = url.rstrip(",")  # "a.jpg," ends the candidate: it has no descriptors
        else:
            position = _SRCSET_DESCRIPTORS.match(srcset, position).end()
        if url:
            urls.append(url)
    return urls


def css_urls(css: str) -> list[str]:
    """The URLs a stylesheet (or a ``style`` attribute) loads: ``url(…)`` and ``@import``."""
    return [
        (match.group(2) or match.group(4)).strip()
        for match in _CSS_URL.finditer(css)
        if not (match.group(2) or match.group(4)).strip().startswith("#")
    ]


# --- Checks --------------------------------------------------------------------------------


def check_site(
    output_dir: Path, base_url: str, articles: Sequence[Article] | None = None
) -> list[Problem]:
    """Every problem in a built site, each naming its file (and line, where known)."""
    if not output_dir.is_dir():
        return [Problem(Severity.ERROR, f"{output_dir} does not exist: build the site first")]
    address = SiteAddress.from_base_url(base_url)
    files = _output_files(output_dir)
    served = frozenset(files | _redirected_paths(output_dir, files, address))
    checker = _SiteChecker(output_dir, address, served, Path(output_dir.name))
    problems: list[Problem] = []
    expected_feeds = {key for key in files if PurePosixPath(key).name in _FEED_NAMES}
    pages = sorted(key for key in files if key.endswith((".html", ".htm")))
    for page_problems, feeds in _check_pages(checker, pages):
        problems.extend(page_problems)
        expected_feeds.update(feeds)
    for key in sorted(files):
        if key.endswith(".css"):
            problems.extend(_check_stylesheet(key, checker))
        elif key.endswith(".xml"):
            problems.extend(_check_xml(key, key in expected_feeds, checker))
    if "robots.txt" in files:
        problems.extend(_check_robots(checker))
    if articles is not None:
        problems.extend(check_articles(articles))
    return problems


def _check_pages(
    checker: _SiteChecker, keys: Sequence[str]
) -> Iterator[tuple[list[Problem], list[str]]]:
    """Check pages in order, on every core when there are enough of them to pay for it."""
    workers = worker_count()
    if len(keys) < PARALLEL_FROM_PAGES or workers < 2:
        yield from map(checker.page, keys)
        return
    # Like generator.parallel, fork where possible; the initializer also covers "spawn".
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(checker,)
    ) as pool:
        # Pages are small: hand them out in chunks, or messaging costs more than parsing.
        yield from pool.map(_check_in_worker, keys, chunksize=max(1, len(keys) // (workers * 8)))


_worker_checker: _SiteChecker | None = None


def _start_worker(checker: _SiteChecker) -> None:
    """Give a worker process the site's file set once, not with every page."""
    global _worker_checker
    _worker_checker = checker


def _check_in_worker(key: str) -> tuple[list[Problem], list[str]]:
    assert _worker_checker is not None, "worker started without _start_worker"
    return _worker_checker.page(key)


@dataclass(frozen=True, slots=True)
class _SiteChecker:
    """What checking any one output file needs: the site's address and the files it serves."""

    output_dir: Path
    address: SiteAddress
    served: frozenset[str]
    output_name: Path

    def where(self, key: str, line: int | None = None) -> SourceLocation:
        """Where a problem in an output file is: ``output/music/slug/index.html:12``."""
        return SourceLocation(self.output_name / key, line)

    def page(self, key: str) -> tuple[list[Problem], list[str]]:
        """Problems on one HTML page, and the output files it links to as feeds."""
        scan = read_page(self.output_dir, key)
        against = self.address.url_of(key)
        feeds = []
        for href in scan.feeds:
            located = self.address.locate(href, against)
            feed = file_for(located.site_path, self.served) if located else None
            if feed:
                feeds.append(feed)
        return list(_check_page(scan, self)), feeds

    def leads_nowhere(self, located: Located | None) -> bool:
        """Whether a URL of this site (None: not of this site) has no file behind it."""
        return located is not None and (
            located.outside or file_for(located.site_path, self.served) is None
        )


def _output_files(output_dir: Path) -> set[str]:
    files: set[str] = set()
    for folder, subfolders, names in os.walk(output_dir):
        subfolders[:] = [name for name in subfolders if name != ".git"]  # a gh-pages checkout
        prefix = Path(folder).relative_to(output_dir).as_posix()
        prefix = "" if prefix == "." else f"{prefix}/"
        files.update(prefix + name for name in names)
    return files


def _redirected_paths(output_dir: Path, files: Collection[str], address: SiteAddress) -> set[str]:
    """Paths a Netlify/Cloudflare ``_redirects`` file answers, as if they were files."""
    if "_redirects" not in files:
        return set()
    paths: set[str] = set()
    for line in (output_dir / "_redirects").read_text(encoding="utf-8").splitlines():
        source = line.split("#", 1)[0].split()[:1]
        if not source or any(char in source[0] for char in "*:"):
            continue  # a splat or placeholder rule matches many paths: nothing to add
        located = address.locate(source[0], address.root_url)
        if located and not located.outside:
            key = located.site_path.lstrip("/")
            paths.add(f"{key}index.html" if not key or key.endswith("/") else key)
    return paths


def _check_page(page: PageScan, site: _SiteChecker) -> Iterator[Problem]:
    """Broken links, missing assets, dangling ``#fragments`` and alt-less images on a page."""
    name = site_path_of(page.key)
    against = site.address.url_of(page.key)
    if page.base_href:
        against = urljoin(against, page.base_href)
    for ref in page.references:
        located = site.address.locate(ref.url, against)
        if located is None:
            continue
        if located.outside:
            yield Problem(
                Severity.ERROR,
                f"{ref.what} {ref.url} on {name} is outside the site's base path "
                f"{site.address.base_path}: site links must start with it",
                site.where(page.key, ref.line),
            )
            continue
        target = file_for(located.site_path, site.served)
        if target is None:
            label = "broken link to" if ref.is_link else f"missing {ref.what}"
            message = f"{label} {ref.url} on {name} (nothing at {located.site_path})"
            yield Problem(Severity.ERROR, message, site.where(page.key, ref.line))
        elif (
            target == page.key
            and located.fragment.lower() not in _IMPLICIT_FRAGMENTS
            and located.fragment not in page.ids
        ):
            message = f'link to {ref.url} on {name}: no element with id "{located.fragment}"'
            yield Problem(Severity.WARNING, message, site.where(page.key, ref.line))
    for image in page.images_without_alt:
        yield Problem(
            Severity.WARNING,
            f"image {image.url} on {name} has no alt attribute "
            '(describe it, or write alt="" if it is decorative)',
            site.where(page.key, image.line),
        )


def _check_stylesheet(key: str, site: _SiteChecker) -> Iterator[Problem]:
    """Fonts and images a stylesheet loads that are not in the output."""
    css = (site.output_dir / key).read_text(encoding="utf-8", errors="replace")
    for url in css_urls(css):
        located = site.address.locate(url, site.address.url_of(key))
        if site.leads_nowhere(located):
            assert located is not None
            yield Problem(
                Severity.ERROR,
                f"missing asset {url} in stylesheet {site_path_of(key)} "
                f"(nothing at {located.site_path})",
                site.where(key, css.count("\n", 0, css.find(url)) + 1),
            )


def _check_xml(key: str, must_be_feed: bool, site: _SiteChecker) -> list[Problem]:
    """A feed, a sitemap or another XML file of the output: well-formed and complete."""
    name = site_path_of(key)
    try:
        root = ElementTree.parse(site.output_dir / key).getroot()
    except ElementTree.ParseError as error:
        line = error.position[0] if error.position else None
        message = f"{name} is not well-formed XML: {error}"
        return [Problem(Severity.ERROR, message, site.where(key, line))]
    if root.tag == f"{_ATOM}feed":
        gaps, links = _atom_gaps(root)
    elif root.tag == "rss":
        gaps, links = _rss_gaps(root)
    elif root.tag in (f"{_SITEMAP}urlset", f"{_SITEMAP}sitemapindex"):
        return list(_check_sitemap(root, key, site))
    elif must_be_feed:
        message = f"{name} should be an Atom or RSS feed but its root element is <{root.tag}>"
        return [Problem(Severity.ERROR, message, site.where(key))]
    else:
        return []
    problems = [Problem(Severity.ERROR, f"feed {name}: {gap}", site.where(key)) for gap in gaps]
    problems.extend(
        Problem(Severity.ERROR, f"feed {name} links to missing page {url}", site.where(key))
        for url in links
        if site.leads_nowhere(site.address.locate(url, site.address.url_of(key)))
    )
    return problems


def _atom_gaps(feed: ElementTree.Element) -> tuple[list[str], list[str]]:
    """Elements RFC 4287 requires that the feed lacks, and the links it holds."""
    gaps = [f"no <{tag}>" for tag in ("id", "title", "updated") if feed.find(_ATOM + tag) is None]
    links = [link.get("href", "") for link in feed.findall(f"{_ATOM}link")]
    for number, entry in enumerate(feed.iter(f"{_ATOM}entry"), start=1):
        gaps.extend(
            f"entry {number} has no <{tag}>"
            for tag in ("id", "title", "updated")
            if entry.find(_ATOM + tag) is None
        )
        alternates = [
            link.get("href", "")
            for link in entry.findall(f"{_ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if not alternates and entry.find(f"{_ATOM}content") is None:
            gaps.append(f"entry {number} has neither a link nor content")
        links.extend(alternates)
    return gaps, [link for link in links if link]


def _rss_gaps(rss: ElementTree.Element) -> tuple[list[str], list[str]]:
    """Elements RSS 2.0 requires that the feed lacks, and the links it holds."""
    channel = rss.find("channel")
    if channel is None:
        return ["no <channel>"], []
    gaps = [
        f"channel has no <{tag}>"
        for tag in ("title", "link", "description")
        if channel.find(tag) is None
    ]
    links = [channel.findtext("link") or ""]
    for number, item in enumerate(channel.iter("item"), start=1):
        if item.find("title") is None and item.find("description") is None:
            gaps.append(f"item {number} has neither <title> nor <description>")
        links.append(item.findtext("link") or "")
    return gaps, [link.strip() for link in links if link.strip()]


def _check_sitemap(root: ElementTree.Element, key: str, site: _SiteChecker) -> Iterator[Problem]:
    """Every ``<loc>`` of a sitemap (or sitemap index) must be a file of this site."""
    name = site_path_of(key)
    # An empty sitemap is fine: the news sitemap lists only the last two days' stories.
    for loc in root.iter(f"{_SITEMAP}loc"):
        url = (loc.text or "").strip()
        located = site.address.locate(url, site.address.root_url) if url else None
        if located is None or located.outside or not urlsplit(url).netloc:
            yield Problem(
                Severity.ERROR,
                f"sitemap {name} lists {url or 'an empty <loc>'}, which is not an absolute "
                f"URL under {site.address.root_url}",
                site.where(key),
            )
        elif site.leads_nowhere(located):
            yield Problem(
                Severity.ERROR,
                f"sitemap {name} lists {url}, but nothing is at {located.site_path}",
                site.where(key),
            )


def _check_robots(site: _SiteChecker) -> Iterator[Problem]:
    """Sitemaps that robots.txt names must exist."""
    lines = (site.output_dir / "robots.txt").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        field, _sep, value = line.partition(":")
        if field.strip().lower() != "sitemap":
            continue
        url = value.strip()
        located = site.address.locate(url, site.address.root_url)
        if site.leads_nowhere(located):
            assert located is not None
            yield Problem(
                Severity.ERROR,
                f"robots.txt names sitemap {url}, but nothing is at {located.site_path}",
                site.where("robots.txt", number),
            )


def check_articles(articles: Iterable[Article]) -> list[Problem]:
    """Warnings for stories missing a dek, a hero image or photo credits, at their source."""
    problems: list[Problem] = []
    for article in articles:
        title = f"“{article.title}”"
        if not article.dek:
            problems.append(Problem(Severity.WARNING, f"{title} has no dek", article.source))
        if article.hero is None:
            problems.append(Problem(Severity.WARNING, f"{title} has no hero image", article.source))
        for image in _photos(article):
            if not _has_credit(image):
                role = "hero photo" if image.role == "hero" else "photo"
                problems.append(
                    Problem(
                        Severity.WARNING,
                        f"{role} {image.src} in {title} has no credit",
                        image.location,
                    )
                )
    return problems


def _has_credit(image: ImageRef) -> bool:
    """Whether the photo is credited in the Markdown or, as the build allows, in its metadata."""
    if image.credit and image.credit.strip():
        return True
    if image.path is None:
        return False
    # Imported here: Pillow is only needed for the few photos without a written credit.
    from PIL import Image

    from generator.images.credit import read_credit

    try:
        with Image.open(image.path) as opened:
            return bool(read_credit(opened))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False  # an unreadable image is reported by the image stage


def _photos(article: Article) -> Iterator[ImageRef]:
    """The hero and the body's photos (figures), each once; small inline images are not photos."""
    seen: set[tuple[str, SourceLocation]] = set()
    for image in (article.hero, *article.images):
        if image is None or image.role not in ("hero", "figure"):
            continue
        if (image.src, image.location) in seen:
            continue
        seen.add((image.src, image.location))
        yield image
