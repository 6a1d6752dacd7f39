"""The checks over a whole built site."""

from __future__ import annotations

import os
import re
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from generator.check.addresses import Located, SiteAddress, file_for, site_path_of
from generator.check.articles import check_articles
from generator.check.google import (
    collapse_repeats,
    is_news_sitemap,
    news_sitemap_problems,
    structured_data_problems,
)
from generator.check.pages import PageScan, css_urls, read_page
from generator.errors import Problem, Severity, SourceLocation, problem_data, problem_from
from generator.google import SITEMAP_LIMIT
from generator.model import Article
from generator.ownership import MARKER_NAME, is_temporary
from generator.parallel import map_with_job, worker_count
from generator.plaindata import ShapeError, flag, integer, items, text, texts
from generator.plaindata import number as float_value

# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM_PAGES = 1500
# "#top" and "#" scroll to the top of any page without a matching id (HTML spec).
_IMPLICIT_FRAGMENTS = frozenset({"", "top"})
_FEED_NAMES = frozenset({"feed.xml", "rss.xml"})
_ATOM = "{http://www.w3.org/2005/Atom}"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The longest a check goes on trusting the build's list of the output folder's files (see
# ``CheckMemo``) without walking the folder itself; as long as a publish goes without
# comparing every file (publish/directory.py), so a file put there by hand is seen as soon.
FULL_WALK_SECONDS = 3600.0


@dataclass(eq=False)
class CheckMemo:
    """What the last check found on each page, for the next check to use again.

    A page's findings depend on its own bytes and on the answers to the questions it made
    the check ask about the site's files (is there a file behind this link, this image, this
    feed?).  While the base URL is the same and every file those questions found is still
    there and none they missed has appeared, a page whose size and modification time are
    unchanged would be found the same again.  A build that adds an update to a live blog
    rewrites a few pages of 17,000 (and Pagefind files no page links to): only those few
    are read.

    Walking the folder to learn what is there (17,000 folders) costs more than the rest.
    So when the last walk found exactly the files the build listed (``BuildResult.versions``,
    each with a key of its content), the next checks within ``FULL_WALK_SECONDS`` take the
    build's list instead, and a page whose key is unchanged is not read again; a walk that
    finds any other file, a check without the build's list, or an hour passed, walks again.
    """

    base_url: str = ""
    found: set[str] = field(default_factory=set)  # files the pages' questions found
    absent: set[str] = field(default_factory=set)  # and those they looked for in vain
    # Page → (size, time, the build's key of it or "", problems, feeds).
    pages: dict[str, tuple[int, int, str, list[Problem], list[str]]] = field(
        default_factory=dict)
    # Feeds and sitemaps likewise (size, time, whether it must be a feed, problems); never a
    # news sitemap, whose findings change with the clock.
    xml: dict[str, tuple[int, int, bool, list[Problem]]] = field(default_factory=dict)
    walked: float = 0.0  # when a check last walked the folder (``time.time()``)
    listed: bool = False  # whether that walk found exactly the files the build listed


# The wording of the findings a memo keeps: a memo of another is not used (its pages are
# read again), so a check never shows the last version's words for an unchanged page.
_FINDINGS = 3


def check_memo_data(memo: CheckMemo) -> tuple[list[object], bytes]:
    """A CheckMemo as plain data (for the cache)."""
    pages = [[key, size, mtime, version, [problem_data(p) for p in problems], feeds]
             for key, (size, mtime, version, problems, feeds) in memo.pages.items()]
    xml = [[key, size, mtime, feed, [problem_data(p) for p in problems]]
           for key, (size, mtime, feed, problems) in memo.xml.items()]
    return [_FINDINGS, memo.base_url, sorted(memo.found), sorted(memo.absent), pages, xml,
            memo.walked, memo.listed], b""


def check_memo_from(data: object, _raw: bytes) -> CheckMemo:
    """The CheckMemo ``check_memo_data`` wrote (any other shape raises)."""
    findings, base_url, found, absent, pages, xml, walked, listed = items(data)
    if findings != _FINDINGS:
        raise ShapeError("findings worded by another version of the check")
    memo = CheckMemo(text(base_url), set(texts(found)), set(texts(absent)),
                     walked=float_value(walked), listed=flag(listed))
    for key, size, mtime, version, problems, feeds in map(items, items(pages)):
        memo.pages[text(key)] = (integer(size), integer(mtime), text(version),
                                 [problem_from(p) for p in items(problems)], list(texts(feeds)))
    for key, size, mtime, feed, problems in map(items, items(xml)):
        memo.xml[text(key)] = (integer(size), integer(mtime), flag(feed),
                               [problem_from(p) for p in items(problems)])
    return memo


def check_site(
    output_dir: Path, base_url: str, articles: Sequence[Article] | None = None,
    now: datetime | None = None, memo: CheckMemo | None = None,
    listing: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem in a built site, each naming its file (and line, where known).

    With ``now``, the news sitemap's stories are checked against Google's two-day window.
    With ``memo``, pages unchanged since the check that filled it are not read again; the
    memo then holds this check's findings.  ``listing`` is the build's list of the folder's
    files with a key of each one's content (see ``CheckMemo`` for when it is trusted).
    """
    if not output_dir.is_dir():
        return [Problem(Severity.ERROR, f"{output_dir} does not exist: build the site first")]
    address = SiteAddress.from_base_url(base_url)
    signatures: dict[str, tuple[int, int]] | None
    if memo is not None and listing is not None and _listing_trusted(memo):
        files, signatures = set(listing), None
    else:
        files, signatures = _site_files(output_dir)
        if memo is not None:
            memo.walked, memo.listed = time.time(), listing is not None and files == listing.keys()
    served = frozenset(files | _redirected_paths(output_dir, files, address))
    checker = _SiteChecker(output_dir, address, served, Path(output_dir.name), now)
    problems: list[Problem] = []
    # Plain strings: this runs over every file of a 10,000-article site.
    expected_feeds = {key for key in files if key.rpartition("/")[2] in _FEED_NAMES}
    pages = sorted(key for key in files if key.endswith((".html", ".htm")))
    if memo is not None and not _memo_holds(memo, base_url, served):
        memo.base_url, memo.found, memo.absent, memo.pages, memo.xml = \
            base_url, set(), set(), {}, {}
    for page_problems, feeds in _pages_found(checker, pages, signatures, memo, listing or {}):
        problems.extend(page_problems)
        expected_feeds.update(feeds)
    problems = collapse_repeats(problems)
    xml_kept = memo.xml if memo is not None else {}
    xml_seen: dict[str, tuple[int, int, bool, list[Problem]]] = {}
    for key in sorted(files):
        if key.endswith(".css"):
            problems.extend(_check_stylesheet(key, checker))
        elif key.endswith(".xml"):
            found = _xml_found(key, key in expected_feeds, checker, xml_kept, memo)
            problems.extend(found[3])
            if memo is not None and found[0] >= 0:
                xml_seen[key] = found
    if memo is not None:
        memo.xml = xml_seen
    if "robots.txt" in files:
        problems.extend(_check_robots(checker))
    if articles is not None:
        problems.extend(check_articles(articles, now))
    return problems


def _listing_trusted(memo: CheckMemo) -> bool:
    """Whether the build's list of the folder's files can stand for a walk of it."""
    return memo.listed and 0 <= time.time() - memo.walked < FULL_WALK_SECONDS


def _memo_holds(memo: CheckMemo, base_url: str, served: Collection[str]) -> bool:
    """Whether the memo's findings still hold for files unchanged since: the same base URL,
    and the site's files answer the questions they asked as before."""
    return (memo.base_url == base_url and all(key in served for key in memo.found)
            and not any(key in served for key in memo.absent))


def _xml_found(
    key: str, must_be_feed: bool, checker: _SiteChecker,
    kept: dict[str, tuple[int, int, bool, list[Problem]]], memo: CheckMemo | None,
) -> tuple[int, int, bool, list[Problem]]:
    """A feed's or sitemap's problems with its size and time (-1: not to be memoized), from
    the memo where it is unchanged, else found by reading it."""
    info = os.stat(checker.output_dir / key)
    before = kept.get(key)
    if before is not None and before[:3] == (info.st_size, info.st_mtime_ns, must_be_feed):
        return before
    asking = _Asked(checker.served)
    timed: list[bool] = []
    problems = _check_xml(key, must_be_feed, replace(checker, served=asking), timed)
    if memo is None or timed:
        return (-1, -1, must_be_feed, problems)
    for file, there in asking.asked.items():
        (memo.found if there else memo.absent).add(file)
    return (info.st_size, info.st_mtime_ns, must_be_feed, problems)


def _site_files(output_dir: Path) -> tuple[set[str], dict[str, tuple[int, int]]]:
    """Every file of the output folder, as ``existing_files`` finds them, and the size and
    modification time of each page: one walk, for the memo to tell which pages changed."""
    files: set[str] = set()
    signatures: dict[str, tuple[int, int]] = {}

    def visit(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if entry.is_dir():
                    # A repository is not the site's; a symlinked folder is not walked into.
                    if name != ".git" and not entry.is_symlink():
                        visit(entry.path, f"{prefix}{name}/")
                elif name != MARKER_NAME and not is_temporary(name):
                    files.add(prefix + name)
                    if name.endswith((".html", ".htm")):
                        info = entry.stat()
                        signatures[prefix + name] = (info.st_size, info.st_mtime_ns)

    visit(str(output_dir), "")
    return files, signatures


def _pages_found(
    checker: _SiteChecker, pages: Sequence[str],
    signatures: Mapping[str, tuple[int, int]] | None, memo: CheckMemo | None,
    listing: Mapping[str, str],
) -> list[tuple[list[Problem], list[str]]]:
    """Each page's problems and feeds, in order: from the memo where the page is unchanged
    (its size and time in ``signatures`` as the memo has them or, without a walk, its key in
    ``listing``; and the memo one that still holds, see ``_memo_holds``), else found by
    checking it."""
    if memo is None:
        return [(problems, feeds) for problems, feeds, _ in _check_pages(checker, pages)]
    kept = memo.pages
    if signatures is None:  # the build's list: unchanged keys mean unchanged bytes
        stale = [key for key in pages if not listing[key] or listing[key] != kept.get(
            key, (0, 0, ""))[2]]
        signatures = {key: kept[key][:2] for key in pages if key in kept}
        for key in stale:
            info = os.stat(checker.output_dir / key)
            signatures[key] = (info.st_size, info.st_mtime_ns)
    else:
        stale = [key for key in pages if kept.get(key, (None, None))[:2] != signatures[key]]
    found: dict[str, tuple[list[Problem], list[str]]] = {}
    for key, (problems, feeds, asked) in zip(stale, _check_pages(checker, stale), strict=True):
        found[key] = (problems, feeds)
        for file, there in asked.items():
            (memo.found if there else memo.absent).add(file)
    results = [found[key] if key in found else (kept[key][3], kept[key][4]) for key in pages]
    memo.pages = {key: (*signatures[key], listing.get(key, ""), problems, feeds)
                  for key, (problems, feeds) in zip(pages, results, strict=True)}
    return results


def _check_pages(
    checker: _SiteChecker, keys: Sequence[str]
) -> Iterator[tuple[list[Problem], list[str], dict[str, bool]]]:
    """Check pages in order, on every core when there are enough of them to pay for it."""
    # Each worker is handed the checker (the site's file set) once, not with every page; pages
    # are small, so they go out in chunks, or messaging would cost more than parsing.
    chunk = max(1, len(keys) // (worker_count() * 8))
    yield from map_with_job(_SiteChecker.page, checker, keys, min_items=PARALLEL_FROM_PAGES,
                            chunksize=chunk)


@dataclass(frozen=True, slots=True)
class _SiteChecker:
    """What checking any one output file needs: the site's address and the files it serves."""

    output_dir: Path
    address: SiteAddress
    served: Collection[str]
    output_name: Path
    now: datetime | None = None

    def where(self, key: str, line: int | None = None) -> SourceLocation:
        """Where a problem in an output file is: ``output/music/slug/index.html:12``."""
        return SourceLocation(str(self.output_name / key), line)

    def page(self, key: str) -> tuple[list[Problem], list[str], dict[str, bool]]:
        """Problems on one HTML page, the output files it links to as feeds, and what the
        check asked about the site's files (file → whether it is there)."""
        asking = _Asked(self.served)
        checker = replace(self, served=asking)
        scan = read_page(self.output_dir, key)
        against = self.address.url_of(key)
        feeds = []
        for href in scan.feeds:
            located = self.address.locate(href, against)
            feed = file_for(located.site_path, asking) if located else None
            if feed:
                feeds.append(feed)
        return list(_check_page(scan, checker)), feeds, asking.asked

    def leads_nowhere(self, located: Located | None) -> bool:
        """Whether a URL of this site (None: not of this site) has no file behind it."""
        return located is not None and (
            located.outside or file_for(located.site_path, self.served) is None
        )


class _Asked(Collection[str]):
    """The site's files, noting each one asked about and the answer."""

    def __init__(self, files: Collection[str]) -> None:
        self.files = files
        self.asked: dict[str, bool] = {}

    def __contains__(self, key: object) -> bool:
        there = key in self.files
        if isinstance(key, str):
            self.asked[key] = there
        return there

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


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


# The start of another site's address, typed without https:// ("www.label.com/news"):
# "www." or a name under a common top-level domain (not a file: "kit.pdf").
_ANOTHER_SITE = re.compile(r"(?:www\.[^/]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|"
                           r"tv|fm|news|uk|de|fr|es|it|us|ca|au|me))(?:/|$)", re.IGNORECASE)


def _another_sites_address(site_path: str, page_path: str, href: str) -> str | None:
    """What a link (``href``) from the page at ``page_path`` to ``site_path`` was written
    as, its query and fragment too, when that reads as another site's address typed without
    https://; else None."""
    if not site_path.startswith(page_path):
        return None
    written = site_path[len(page_path):]
    if not _ANOTHER_SITE.match(written):
        return None
    parts = urlsplit(href)
    return (written + (f"?{parts.query}" if parts.query else "")
            + (f"#{parts.fragment}" if parts.fragment else ""))


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
            message = (f"{label} {ref.url} on {name} (nothing at {located.site_path}): "
                       f"correct the address, or take the {'link' if ref.is_link else ref.what}"
                       " out")
            if ref.is_link and (pasted := _another_sites_address(located.site_path, name,
                                                                 ref.url)):
                message = (f"broken link to {pasted} on {name}: that reads as an address on "
                           "this site; another site's address starts with https://: write "
                           f"https://{pasted}")
            yield Problem(Severity.ERROR, message, site.where(page.key, ref.line))
        elif (
            target == page.key
            and located.fragment.lower() not in _IMPLICIT_FRAGMENTS
            and located.fragment not in page.ids
        ):
            message = f'link to {ref.url} on {name}: no element with id "{located.fragment}"'
            yield Problem(Severity.WARNING, message, site.where(page.key, ref.line))
    yield from structured_data_problems(
        page.structured_data, partial(_local_image, site, against), partial(site.where, page.key))
    for image in page.images_without_alt:
        yield Problem(
            Severity.WARNING,
            f"image {image.url} on {name} has no alt attribute "
            '(describe it, or write alt="" if it is decorative)',
            site.where(page.key, image.line),
        )


def _local_image(site: _SiteChecker, against: str, url: str) -> Path | None:
    """The output file behind an image URL of this site, or None."""
    located = site.address.locate(url, against)
    if located is None or located.outside:
        return None
    key = file_for(located.site_path, site.served)
    return site.output_dir / key if key else None


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


def _check_xml(key: str, must_be_feed: bool, site: _SiteChecker,
               timed: list[bool] | None = None) -> list[Problem]:
    """A feed, a sitemap or another XML file of the output: well-formed and complete.
    ``timed`` is told (appended to) when the findings depend on the time of the check."""
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
        problems = list(_check_sitemap(root, key, site))
        if is_news_sitemap(root):
            problems += news_sitemap_problems(root, name, site.where(key), site.now)
            if timed is not None:
                timed.append(True)
        return problems
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
    """Every ``<loc>`` of a sitemap (or sitemap index) must be a file of this site, and a
    sitemap may list no more than search engines read from one."""
    name = site_path_of(key)
    listed = len(root) if root.tag == f"{_SITEMAP}urlset" else 0
    if listed > SITEMAP_LIMIT:
        yield Problem(Severity.WARNING, f"sitemap {name} lists {listed:,} URLs: search engines "
                      f"read none of a sitemap of more than {SITEMAP_LIMIT:,}; split it into "
                      "several under a sitemap index", site.where(key))
    root_url = site.address.root_url
    # A URL under an absolute root URL is absolute: asked once, not for each of 10,000.
    absolute_root = bool(urlsplit(root_url).netloc)
    # An empty sitemap is fine: the news sitemap lists only the last two days' stories.
    for loc in root.iter(f"{_SITEMAP}loc"):
        url = (loc.text or "").strip()
        located = site.address.locate(url, root_url) if url else None
        if located is None or located.outside or not (
                (absolute_root and url.startswith(root_url)) or urlsplit(url).netloc):
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
