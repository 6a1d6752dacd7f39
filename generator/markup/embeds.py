"""Social posts and music players pasted as a bare link become privacy-friendly embeds.

The page makes no request to the provider until the reader asks: the markup is a card with the
provider's name and a plain link (what readers without JavaScript keep), plus a hidden "load"
button that ``js/embeds.js`` reveals and turns into an iframe of ``data-embed-src``.

Six Instagram posts must not look like six identical boxes, so the lines after the link (in
the same paragraph) may say what the post is::

    https://www.instagram.com/p/DA1xYz2abc/
    @maraquell, November 18, 2026: Thirty-one nights, thirty-one outfits.

The card then reads "@maraquell on Instagram", the post's text and its date.  A description
that does not start with ``@`` is shown as the text alone (a song's title, say).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.util import AtomicString

from generator.markup.placeholders import PAGE_ONLY

Match = re.Match[str]


@dataclass(frozen=True, slots=True)
class Provider:
    """One network or player: how to spot its links, where its embed frame lives, what a
    post is called ("post", "video", or from the link: "track", "album"…), and the account
    the link names, when it names one."""

    key: str
    name: str
    pattern: re.Pattern[str]
    frame: Callable[[Match], str]
    noun: Callable[[Match], str]
    account: Callable[[Match], str | None] = lambda m: None
    height: Callable[[Match], int | None] = lambda m: None  # a player's fixed frame height
    player: bool = False  # a music player: its description is a title, not a quoted post


@dataclass(frozen=True, slots=True)
class RawEmbed:
    """An embed as written: its provider, its link and whether the writer described it."""

    provider: str
    url: str
    described: bool
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Description:
    """What the writer said about a post on the lines after its link."""

    account: str | None = None
    date_text: str | None = None
    date: date | None = None
    text: str | None = None


def _fixed(word: str) -> Callable[[Match], str]:
    return lambda m: word


def _group(name: str) -> Callable[[Match], str | None]:
    return lambda m: m[name]


_ID = r"[A-Za-z0-9_-]+"
SHORT_LINK = "tiktok-link"  # a post's short link: no frame to load, a card with the link
_SPOTIFY_KINDS = "track|album|playlist|episode|show|artist"
PROVIDERS = (
    Provider(
        "youtube", "YouTube",
        re.compile(
            # music.youtube.com plays the same videos; an /embed/ link is copied from a
            # player's own Share > Embed, or from a page that embeds one.
            r"https?://(?:(?:www\.|m\.|music\.)?youtube\.com/"
            r"(?:watch\?(?:[^#\s]*&)?v=|shorts/|live/|embed/)"
            r"|(?:www\.)?youtube-nocookie\.com/embed/|youtu\.be/)"
            # A playlist's frame and a channel's live stream: no one video to play.
            rf"(?!(?:videoseries|live_stream)\b)(?P<id>{_ID})[^\s]*"
        ),
        lambda m: f"https://www.youtube-nocookie.com/embed/{m['id']}{_youtube_start(m[0])}",
        _fixed("video"),
    ),
    Provider(
        "instagram", "Instagram",
        # Its newer share links name the account first: instagram.com/maraquell/p/…/
        re.compile(rf"https?://(?:www\.)?instagram\.com/(?:(?P<user>[\w.]+)/)?(?P<kind>p|reels?|tv)/"
                   rf"(?P<id>{_ID})/?[^\s]*"),
        lambda m: f"https://www.instagram.com/{_instagram_kind(m['kind'])}/{m['id']}/embed/",
        _fixed("post"),
        _group("user"),
    ),
    Provider(
        "x", "X",
        re.compile(r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?:i/web|i|(?P<user>\w+))"
                   r"/status/(?P<id>\d+)[^\s]*"),
        lambda m: f"https://platform.twitter.com/embed/Tweet.html?id={m['id']}",
        _fixed("post"),
        _group("user"),
    ),
    Provider(
        "tiktok", "TikTok",
        re.compile(r"https?://(?:(?:www\.)?tiktok\.com/@(?P<user>[\w.-]+)/video/|m\.tiktok\.com/v/)"
                   r"(?P<id>\d+)(?:\.html)?(?:[/?#][^\s]*)?"),
        lambda m: f"https://www.tiktok.com/embed/v2/{m['id']}",
        _fixed("video"),
        _group("user"),
    ),
    # The share button of TikTok's app gives a short link, which does not say which video it
    # is (only TikTok's server knows, and a build asks no server): a card with the link, and
    # a warning (content/assemble.py) with the way to the embed.
    Provider(
        SHORT_LINK, "TikTok",
        re.compile(r"https?://(?:(?:vm|vt)\.tiktok\.com|(?:www\.)?tiktok\.com/t)/"
                   r"[A-Za-z0-9]+/?(?:[?#][^\s]*)?"),
        _fixed(""),
        _fixed("video"),
    ),
    Provider(
        "threads", "Threads",
        re.compile(r"https?://(?:www\.)?threads\.(?:net|com)/@(?P<user>[\w.]+)/post/"
                   rf"(?P<id>{_ID})/?(?:[?#][^\s]*)?"),
        lambda m: f"https://www.threads.com/@{m['user']}/post/{m['id']}/embed/",
        _fixed("post"),
        _group("user"),
    ),
    Provider(
        "bluesky", "Bluesky",
        re.compile(r"https?://bsky\.app/profile/(?P<user>[\w.:-]+)/post/(?P<id>[a-z0-9]+)"
                   r"/?(?:[?#][^\s]*)?"),
        lambda m: f"https://embed.bsky.app/embed/{m['user']}/app.bsky.feed.post/{m['id']}",
        _fixed("post"),
        lambda m: None if m["user"].startswith("did:") else m["user"],
    ),
    Provider(
        "spotify", "Spotify",
        re.compile(rf"https?://open\.spotify\.com/(?:intl-[a-z-]+/)?(?P<kind>{_SPOTIFY_KINDS})/"
                   rf"(?P<id>[A-Za-z0-9]+)/?(?:[?#][^\s]*)?"),
        lambda m: f"https://open.spotify.com/embed/{m['kind']}/{m['id']}",
        lambda m: "podcast" if m["kind"] == "show" else m["kind"],
        height=lambda m: 152 if m["kind"] in ("track", "episode") else 352,
        player=True,
    ),
    Provider(
        "apple-music", "Apple Music",
        re.compile(r"https?://music\.apple\.com/(?P<path>[a-z]{2}/(?P<kind>album|playlist|song|"
                   r"music-video)/[^\s?#]+?)/?(?P<query>\?[^\s#]*)?(?:#[^\s]*)?"),
        lambda m: f"https://embed.music.apple.com/{m['path']}{m['query'] or ''}",
        lambda m: "song" if m["kind"] == "song" or "i=" in (m["query"] or "") else
        m["kind"].replace("-", " "),
        height=lambda m: 175 if m["kind"] == "song" or "i=" in (m["query"] or "") else 450,
        player=True,
    ),
)


# A YouTube link's moment: ``t=`` (the share button's, in seconds or as 1h2m3s) or ``start=``.
_YOUTUBE_MOMENT = re.compile(
    r"[?&#](?:t|start)=(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s?)?(?=&|#|$)")


def _youtube_start(url: str) -> str:
    """The embed's ``?start=`` for a link that starts the video part-way ("" for none): a
    writer who shared the moment the star walks on means that moment."""
    found = _YOUTUBE_MOMENT.search(url)
    if found is None:
        return ""
    seconds = (int(found["h"] or 0) * 3600 + int(found["m"] or 0) * 60 + int(found["s"] or 0))
    return f"?start={seconds}" if seconds else ""


_SCHEME_AND_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*")


def _host_in_lower_case(url: str) -> str:
    """``url`` with its scheme and host as browsers read them (``https://www.YouTube.com``),
    its path as written (posts' ids tell capitals apart)."""
    found = _SCHEME_AND_HOST.match(url)
    return found.group(0).lower() + url[found.end():] if found else url


# What share buttons add to a link to follow who shared it with whom, by parameter name:
# the reader's link goes without them (a YouTube link's t= is its moment, and stays).
_TRACKING = re.compile(r"(?:utm_\w+|fbclid|gclid|igsh|igshid|si|feature|pp|ref_src|ref_url"
                       r"|_r|_t|is_from_webapp|sender_device|share_\w+|web_id|nd|xmt|slof)$")
_X_TRACKING = frozenset({"s", "t"})  # X's share sheet: the app and a token, no moment


def without_tracking(url: str, provider: str) -> str:
    """``url`` without the share buttons' tracking parameters (see ``_TRACKING``)."""
    address, hash_mark, fragment = url.partition("#")
    base, question, query = address.partition("?")
    if not question:
        return url
    kept = [part for part in query.split("&") if part and not (
        _TRACKING.match(name := part.partition("=")[0])
        or (provider == "x" and name in _X_TRACKING))]
    return base + ("?" + "&".join(kept) if kept else "") + hash_mark + fragment


def _instagram_kind(kind: str) -> str:
    return "reel" if kind.startswith("reel") else kind


def match_embed(text: str) -> tuple[Provider, Match] | None:
    """The provider whose post URL is the whole of ``text`` (``<…>`` allowed), if any."""
    url = _host_in_lower_case(text.strip().removeprefix("<").removesuffix(">")
                              .rstrip(_SENTENCE_END))
    for provider in PROVIDERS:
        match = provider.pattern.fullmatch(url)
        if match:
            return provider, match
    return None


# A full stop or comma typed after a pasted link ends the sentence, not the address: no
# post's address ends with one.  (Stripped, not matched with a pattern: a pattern anchored
# at the end would try each of a line of 30,000 "!" in turn.)
_SENTENCE_END = ".,;:!?"

# The date may end with a time, whose colon is not the one before the text.
_TIME = r"\d{1,2}:\d{2}(?:\s*[ap]\.?\s*m\b\.?)?"
_DESCRIBED = re.compile(
    rf"@(?P<account>[\w.-]*\w)(?:\s*,\s*(?P<date>[^:]*?(?:{_TIME})?))?\s*(?::\s*(?P<text>.*))?",
    re.DOTALL | re.IGNORECASE,
)
_AT_TIME = re.compile(rf",?\s*(?:at\s+)?{_TIME}$", re.IGNORECASE)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_NUMERIC_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})")


def describe(lines: str) -> Description:
    """Read the lines after a link: ``@account[, date][: text]``, or any text."""
    joined = " ".join(lines.split())
    match = _DESCRIBED.fullmatch(joined)
    if not match:
        return Description(text=joined or None)
    date_text = match["date"] or None
    return Description(match["account"], date_text, read_date(date_text) if date_text else None,
                       (match["text"] or "").strip() or None)


def read_date(text: str) -> date | None:
    """2026-11-18, November 18, 2026, Nov 18 2026 or 18 November 2026, a time of day after
    it or not; None otherwise."""
    parts = _date_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    try:
        return date(int(year), int(month) if month.isdigit() else _month(month), int(day))
    except ValueError:  # February 30, or a word that is no month
        return None


def date_shaped(text: str) -> bool:
    """Whether ``text`` is written as a date ``read_date`` reads, whether or not the day is
    one ("November 31, 2026"; not "last Tuesday")."""
    return _date_parts(text) is not None


def _date_parts(text: str) -> tuple[str, str, str] | None:
    """The year, month (a number or a word) and day ``text`` is written with, a time of day
    after them or not; None when it is not written as a date."""
    text = _AT_TIME.sub("", text.strip())
    if found := _NUMERIC_DATE.fullmatch(text):
        return found[1], found[2], found[3]
    if found := _MONTH_FIRST.fullmatch(text):
        return found[3], found[1], found[2]
    if found := _DAY_FIRST.fullmatch(text):
        return found[3], found[2], found[1]
    return None


def _month(word: str) -> int:
    word = word.lower()
    for number, month in enumerate(_MONTHS, start=1):
        if len(word) >= 3 and month.startswith(word):
            return number
    raise ValueError(word)


# A line that starts a block of its own: a photo, a list item, a quote, a heading, a table.
_OWN_BLOCK = re.compile(r"[ ]{0,3}(?:!\[|[-*+][ \t]|\d{1,9}[.)][ \t]|>|#{1,6}[ \t]|\|)")


def _first_link_line(block: str) -> int | None:
    """The number of the block's first line that is an embeddable link alone (None: none).
    A later line counts only right under a lead-in ("Quell posted:"), not in the middle of
    a sentence an editor wrapped ("…which fans can read at⏎https://…⏎before Friday."), nor
    in a list or a quote the library's processors did not take."""
    if "://" not in block:  # most paragraphs: no line to match
        return None
    lines = block.split("\n")
    for number, line in enumerate(lines):
        if match_embed(line) is not None and (number == 0 or _LEAD_IN.search(lines[number - 1])):
            return number
        if _OWN_BLOCK.match(line):
            return None
    return None


# A line that leads in to what follows it: it ends with a colon (in any script's form).
_LEAD_IN = re.compile(r"[:：]\s*$")


class EmbedBlockProcessor(BlockProcessor):
    """A paragraph whose first line is one provider URL becomes an embed card; the lines
    after it, if any, describe the post."""

    def __init__(self, parser: BlockParser, extension: EmbedExtension) -> None:
        super().__init__(parser)
        self.extension = extension

    def test(self, parent: etree.Element, block: str) -> bool:
        """Is this block an embeddable link, with or without a description, or a paragraph
        with such a link alone on a later line?"""
        return _first_link_line(block.strip()) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """Emit the card for the first block."""
        block = blocks.pop(0).strip()
        lines = block.split("\n")
        at = _first_link_line(block)
        assert at is not None  # test() said so
        if at:  # "Quell shared the news on Instagram:" right above the link: its lead-in
            blocks[0:0] = ["\n".join(lines[:at]), "\n".join(lines[at:])]
            return
        first, *lines = lines
        found = match_embed(first)
        assert found is not None
        provider, match = found
        # The next post's link may follow on the very next line, or after this one's line:
        # two embeds either way; a photo, list, quote or heading typed right under the link
        # is that, not words about the post.
        for number, line in enumerate(lines):
            if match_embed(line) or _OWN_BLOCK.match(line):
                blocks.insert(0, "\n".join(lines[number:]))
                lines = lines[:number]
                break
        rest = "\n".join(lines)
        description = describe(rest) if rest.strip() else None
        described = description is not None
        # As written, for its line to be found (the match has the host in lower case).
        written = first.strip().removeprefix("<").removesuffix(">")
        self.extension.embeds.append(RawEmbed(provider.key, written, described))
        if description and description.date_text and description.date is None \
                and date_shaped(description.date_text):
            self.extension.undated.append((len(self.extension.embeds) - 1,
                                           description.date_text))
        parent.append(embed_card(provider, match, description))


def embed_card(
    provider: Provider, match: Match, description: Description | None = None
) -> etree.Element:
    """The click-to-load card for one post."""
    about = description or Description()
    url = without_tracking(match.group(0), provider.key)
    noun = provider.noun(match)
    account = about.account or provider.account(match)
    # The post's date, where its line gives one, tells two posts of one account apart to a
    # screen reader, which names the button, the link and the loaded frame by these words.
    dated = f", {about.date_text}" if about.date_text else ""
    title = f"{provider.name} {noun}" + (f" by @{account}" if account else "") + dated
    frame = provider.frame(match)
    attributes = {"class": f"embed embed--{provider.key}"}
    if frame:  # else the card is all there is: nothing for the script to load
        attributes.update({"data-embed-src": frame, "data-embed-title": title})
    if (height := provider.height(match)) is not None:
        attributes["data-embed-height"] = str(height)
    figure = etree.Element("figure", attributes)
    card = etree.SubElement(figure, "div", {"class": "embed__card"})
    source = etree.SubElement(card, "p", {"class": "embed__provider"})
    if account:
        etree.SubElement(source, "span", {"class": "embed__account"}).text = _atomic(f"@{account}")
        etree.SubElement(source, "span", {"class": "embed__network"}).text = f" on {provider.name}"
    else:
        source.text = provider.name
    if about.text and provider.player:
        etree.SubElement(card, "p", {"class": "embed__title"}).text = _atomic(about.text)
    elif about.text:
        quote = etree.SubElement(card, "blockquote", {"class": "embed__text", "cite": url})
        etree.SubElement(quote, "p").text = _atomic(about.text)
    if about.date_text:
        when = etree.SubElement(card, "p", {"class": "embed__date"})
        if about.date:
            stamp = etree.SubElement(when, "time", {"datetime": about.date.isoformat()})
            stamp.text = _atomic(about.date_text)
        else:
            when.text = _atomic(about.date_text)
    link_line = etree.SubElement(card, "p")
    link = etree.SubElement(link_line, "a", {"class": "embed__link", "href": url})
    whose = f"@{account}’s" if account else "this"
    link.text = _atomic(f"View {whose} {noun} on {provider.name}{dated}")
    if not frame:
        return figure
    # The note and the button work only on the page (its script loads the post): a feed
    # reader gets the card and its link (see PAGE_ONLY).
    note = etree.SubElement(card, "p", {"class": "embed__note", PAGE_ONLY: ""})
    note.text = f"Loading it shows content from {provider.name}, which may set cookies."
    button = etree.SubElement(
        card, "button", {"type": "button", "class": "embed__load", "hidden": "hidden",
                         PAGE_ONLY: ""}
    )
    button.text = _atomic(f"Load {title}")
    return figure


def _atomic(text: str) -> AtomicString:
    """Text shown as written: a post's ``*`` and ``_`` are not Markdown."""
    return AtomicString(text)


class EmbedExtension(Extension):
    """Registers the embed block processor ahead of plain paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.embeds: list[RawEmbed] = []
        # Each embed (by index) whose line gives a date that is none (November 31).
        self.undated: list[tuple[int, str]] = []

    @property
    def count(self) -> int:
        """How many embeds the last document had."""
        return len(self.embeds)

    def extendMarkdown(self, md: Markdown) -> None:
        """Install the processor on ``md``."""
        md.parser.blockprocessors.register(EmbedBlockProcessor(md.parser, self), "byline-embed", 12)
        md.registerExtension(self)

    def reset(self) -> None:
        """Forget the previous document's embeds."""
        self.embeds = []
        self.undated = []
