"""Reading one built page: every URL it references, its ids, its feed links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

_FEED_TYPES = frozenset({"application/atom+xml", "application/rss+xml"})
# rel values whose href names a host to warm up, not a resource.
_HOST_HINTS = frozenset({"preconnect", "dns-prefetch"})
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_SRCSET_DESCRIPTORS = re.compile(r"[^,]*,?")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


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
    structured_data: tuple[tuple[str, int], ...] = ()  # JSON-LD scripts: (text, line)


class _PageReader(HTMLParser):
    """Collects URLs, ids and alt-less images while the parser walks the page once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()
        self.feeds: list[str] = []
        self.images_without_alt: list[Reference] = []
        self.base_href: str | None = None
        self.structured_data: list[tuple[str, int]] = []
        self._json_ld: list[str] | None = None  # inside a JSON-LD script: its text so far
        self._json_ld_line = 0

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
            if tag == "script" and attributes.get("type", "").lower() == "application/ld+json":
                self._json_ld = []
                self._json_ld_line = self.getpos()[0]
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

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            self._json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json_ld is not None:
            self.structured_data.append(("".join(self._json_ld), self._json_ld_line))
            self._json_ld = None

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
        structured_data=tuple(reader.structured_data),
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
            descriptors = _SRCSET_DESCRIPTORS.match(srcset, position)
            assert descriptors is not None  # the pattern matches even the empty string
            position = descriptors.end()
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
