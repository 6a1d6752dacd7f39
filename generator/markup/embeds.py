"""Social posts pasted as a bare link become privacy-friendly embeds.

The page makes no request to the provider until the reader asks: the markup is a card with the
provider's name and a plain link (what readers without JavaScript keep), plus a hidden "load"
button that ``js/embeds.js`` reveals and turns into an iframe of ``data-embed-src``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension


@dataclass(frozen=True, slots=True)
class Provider:
    """One social network: how to spot its links and where its embed frame lives."""

    key: str
    name: str
    pattern: re.Pattern[str]
    frame: Callable[[re.Match[str]], str]
    noun: str


_ID = r"[A-Za-z0-9_-]+"
PROVIDERS = (
    Provider(
        "youtube", "YouTube",
        re.compile(
            r"https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:[^#\s]*&)?v=|shorts/)|youtu\.be/)"
            rf"(?P<id>{_ID})[^\s]*"
        ),
        lambda m: f"https://www.youtube-nocookie.com/embed/{m['id']}",
        "video",
    ),
    Provider(
        "instagram", "Instagram",
        re.compile(rf"https?://(?:www\.)?instagram\.com/(?P<kind>p|reels?|tv)/(?P<id>{_ID})/?[^\s]*"),
        lambda m: f"https://www.instagram.com/{_instagram_kind(m['kind'])}/{m['id']}/embed/",
        "post",
    ),
    Provider(
        "x", "X",
        re.compile(r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?P<user>\w+)/status/(?P<id>\d+)[^\s]*"),
        lambda m: f"https://platform.twitter.com/embed/Tweet.html?id={m['id']}",
        "post",
    ),
    Provider(
        "tiktok", "TikTok",
        re.compile(r"https?://(?:www\.)?tiktok\.com/@(?P<user>[\w.-]+)/video/(?P<id>\d+)[^\s]*"),
        lambda m: f"https://www.tiktok.com/embed/v2/{m['id']}",
        "video",
    ),
)


def _instagram_kind(kind: str) -> str:
    return "reel" if kind.startswith("reel") else kind


def match_embed(text: str) -> tuple[Provider, re.Match[str]] | None:
    """The provider whose post URL is the whole of ``text`` (``<…>`` allowed), if any."""
    url = text.strip().removeprefix("<").removesuffix(">")
    for provider in PROVIDERS:
        match = provider.pattern.fullmatch(url)
        if match:
            return provider, match
    return None


class EmbedBlockProcessor(BlockProcessor):
    """A paragraph that is one provider URL and nothing else becomes an embed card."""

    def __init__(self, parser: BlockParser, extension: EmbedExtension) -> None:
        super().__init__(parser)
        self.extension = extension

    def test(self, parent: etree.Element, block: str) -> bool:
        """Is this block a single embeddable link?"""
        return "\n" not in block.strip() and match_embed(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """Emit the card for the first block."""
        found = match_embed(blocks.pop(0))
        assert found is not None  # test() said so
        provider, match = found
        self.extension.count += 1
        parent.append(embed_card(provider, match))


def embed_card(provider: Provider, match: re.Match[str]) -> etree.Element:
    """The click-to-load card for one post."""
    url = match.group(0)
    title = f"{provider.name} {provider.noun}"
    figure = etree.Element(
        "figure",
        {
            "class": f"embed embed--{provider.key}",
            "data-embed-src": provider.frame(match),
            "data-embed-title": title,
        },
    )
    card = etree.SubElement(figure, "div", {"class": "embed__card"})
    etree.SubElement(card, "p", {"class": "embed__provider"}).text = provider.name
    link_line = etree.SubElement(card, "p")
    link = etree.SubElement(link_line, "a", {"class": "embed__link", "href": url})
    link.text = f"View this {provider.noun} on {provider.name}"
    note = etree.SubElement(card, "p", {"class": "embed__note"})
    note.text = f"Loading it shows content from {provider.name}, which may set cookies."
    button = etree.SubElement(
        card, "button", {"type": "button", "class": "embed__load", "hidden": "hidden"}
    )
    button.text = f"Load {title}"
    return figure


class EmbedExtension(Extension):
    """Registers the embed block processor ahead of plain paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        md.parser.blockprocessors.register(EmbedBlockProcessor(md.parser, self), "byline-embed", 12)
        md.registerExtension(self)

    def reset(self) -> None:
        """Forget the previous document's count."""
        self.count = 0
