"""Slips in a body's Markdown that publish without an error but not as the writer meant:
each said at its line (see content/assemble.py), as a warning, or as an error where the page
would come out broken."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.markup.figures import PHOTO
from generator.markup.placeholders import VOID_ELEMENTS


@dataclass(frozen=True, slots=True)
class BodySlip:
    """Something a reader would see wrong: its warning, and the line of the file it is on."""

    message: str
    line: int | None
    stops: bool = False  # an error, not a warning: the page would be broken


def line_finder(text: str, first_line: int) -> Callable[[int], int]:
    """The line of the file at each offset into ``text`` (which starts at ``first_line``):
    its line breaks found once, when a line is first asked for (most bodies have no slip
    to place), each offset then by bisection."""
    breaks: list[int] = []

    def line_at(offset: int) -> int:
        if not breaks:
            breaks.extend(m.start() for m in re.finditer("\n", text))
            breaks.append(len(text))  # never empty once found; no offset lies past it
        return first_line + bisect_left(breaks, offset)

    return line_at


# A photo or video whose attribute list opens and is never closed on its line: Markdown
# leaves the image inline and shows "{credit=…" as text, the credit and caption lost.
# Each part bounded, so hostile text ("![" thousands of times) costs a pass, not a square.
_UNCLOSED_ATTRIBUTES = re.compile(PHOTO + r"[ \t]*(\{[^{}\n]*)$", re.MULTILINE)


def unclosed_attribute_lists(text: str, first_line: int) -> list[BodySlip]:
    """Every photo line in ``text`` (starting at ``first_line`` of its file) whose ``{…}``
    is never closed."""
    found = list(_UNCLOSED_ATTRIBUTES.finditer(text)) if "{" in text else []
    if not found:
        return []
    line_at = line_finder(text, first_line)
    slips = []
    for match in found:
        written = match.group(1).rstrip()
        slips.append(BodySlip(
            f"this photo's {written} is never closed with }}: readers would see it as text, "
            f"and the photo would lose its caption and credit; close it: {written}}}",
            line_at(match.start())))
    return slips


# An <img> in HTML the writer typed or pasted (a WordPress export), and its src and alt.
_HTML_IMAGE = re.compile(r"<img\b[^<>]{0,2000}?>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""",
                        re.IGNORECASE)
_ADDRESS_WITH_SCHEME = re.compile(r"^[a-zA-Z][\w+.-]*:")
_TAG_START = re.compile(r"\s*<([a-zA-Z][a-zA-Z0-9-]*)")
# What a platform's "Embed" menu gives: a script or frame from the platform, loaded as the
# page opens.  Byline's own embeds load nothing until the reader asks (see embeds.py).
_LOADED_FROM = re.compile(
    r"""<(?:script|iframe)\b[^<>]{0,2000}?\bsrc\s*=\s*["']?(?:https?:)?//([^/"'\s<>:]+)""",
    re.IGNORECASE)
# Platforms whose link alone on its line is a card that loads nothing until the reader asks
# (markup/embeds.py), by the hosts their embed code loads from.
_CARDED = ("twitter.com", "x.com", "instagram.com", "cdninstagram.com", "tiktok.com",
           "youtube.com", "youtube-nocookie.com", "threads.net", "threads.com", "bsky.app",
           "spotify.com", "music.apple.com")
# Platforms whose Embed menu gives code that loads them as the page opens, with no card of
# Byline's for their links.  (A chart's or a map's frame is the writer's choice: not here.)
_UNCARDED = ("facebook.com", "facebook.net", "podcasts.apple.com", "vimeo.com",
             "soundcloud.com", "giphy.com", "dailymotion.com", "twitch.tv", "reddit.com",
             "redditmedia.com", "tumblr.com", "pinterest.com", "pinimg.com", "snapchat.com",
             "bandcamp.com", "mixcloud.com", "deezer.com", "tidal.com", "audiomack.com",
             "linkedin.com", "imgur.com")

# A slip found in one block of raw HTML: its message, the text of the block it is about (its
# line is that text's), and whether it stops the build.
_Found = tuple[str, str, bool]


def raw_html_slips(stashed: Sequence[str], block_tags: Collection[str], text: str,
                   first_line: int) -> list[BodySlip]:
    """The slips of the body's raw HTML (``stashed``: Python-Markdown's blocks of it, in
    document order; ``block_tags``: the tags that start a block).  A block is looked for in
    ``text`` only when it has a slip to place, from where the last one was found."""
    slips: list[BodySlip] = []
    # Python-Markdown sets blocks aside with their tabs made spaces (four a tab): looked for
    # as it has them.  Every line stays where it was.
    text = text.expandtabs(4) if "\t" in text else text
    line_at = line_finder(text, first_line)
    searched = 0
    for chunk in stashed:
        unclosed = _unclosed_block(chunk, block_tags)
        found = [*unclosed, *_html_image_slips(chunk), *_embed_code(chunk),
                 *_markdown_in_html(chunk)]
        if not found:
            continue
        start = text.find(chunk.rstrip(), searched)
        if start < 0:
            # Python-Markdown stashes the blocks of HTML before the tags inside sentences, so
            # the order is not always the document's: looked for from the top again.
            start = text.find(chunk.rstrip())
        if start >= 0:
            searched = start + 1
        if unclosed and start >= 0 and _closed_later(text, start + len(chunk.rstrip()), chunk):
            # Written inside a sentence (``Watch: <iframe …></iframe> now``), Markdown sets
            # each tag aside on its own: the element is closed, by a tag of its own.
            found = found[1:]
        # The same text twice in a block (a "[Tickets](…)" on each row of a table) is
        # said at each of its places, one after the other.
        after: dict[str, int] = {}
        for message, about, stops in found:
            at = text.find(about, after.get(about, max(start, 0)))
            if at >= 0:
                after[about] = at + 1
            slips.append(BodySlip(message, line_at(at) if at >= 0 else None, stops))
    return slips


def _html_image_slips(chunk: str) -> list[_Found]:
    """Each ``<img>`` with no alt text (as a photo in Markdown would be warned about), and
    each whose src is a file beside the story.  HTML is published as it is written, and
    Byline publishes a photo only when the Markdown names it: the reader would see a broken
    image.  (An address from the site's root may be a file of static/: ``byline check``
    looks for it in the built site.)"""
    found: list[_Found] = []
    for tag in _HTML_IMAGE.finditer(chunk) if "<img" in chunk.lower() else ():
        values = {m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None)
                  for m in _ATTRIBUTE.finditer(tag.group(0))}
        src = values.get("src", "").strip()
        if "alt" not in values:  # alt="" is a choice (a decoration); no alt at all is not
            found.append(("this <img> has no alt text: describe it for readers who cannot "
                          "see it, with alt=\"…\" in the tag", tag.group(0), False))
        if not src or src.startswith(("/", "#")) or _ADDRESS_WITH_SCHEME.match(src):
            continue
        found.append((f"this <img> is HTML, which Byline publishes as it is written: {src} is "
                      "not published with it, so readers would see a broken image; write it "
                      f"as a photo: ![{values.get('alt', '').strip()}]({src})", tag.group(0),
                      False))
    return found


def _unclosed_block(chunk: str, block_tags: Collection[str]) -> list[_Found]:
    """The block's first tag, one of ``block_tags``, if it is never closed: Markdown then
    takes the rest of the story for HTML (paragraphs run together, photos and links shown as
    written) and the page's own closing tag ends the writer's element.  An error: the page
    would be broken."""
    start = _TAG_START.match(chunk)
    if not start or (tag := start.group(1).lower()) not in block_tags or tag in VOID_ELEMENTS \
            or not _left_open(chunk, tag):
        return []
    return [(f"this <{tag}> is never closed with </{tag}>: everything after it would be "
             "published as raw HTML, its paragraphs run together and its photos and links "
             f"shown as written; close it with </{tag}> where it ends, or take it out",
             start.group(0).strip(), True)]


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _closed_later(text: str, after: int, chunk: str) -> bool:
    """Whether the element ``chunk`` opens is closed in ``text`` after it: by a closing tag
    of its name in the same paragraph, where Markdown sets an element inside a sentence
    aside one tag at a time."""
    start = _TAG_START.match(chunk)
    if start is None:
        return False
    end = _BLANK_LINE.search(text, after)
    paragraph = text[after:] if end is None else text[after:end.start()]
    return not _left_open(chunk + paragraph, start.group(1).lower())


def _left_open(chunk: str, tag: str) -> bool:
    """Whether the first ``tag`` element of ``chunk`` is still open at its end."""
    balance = _Balance()
    balance.feed(chunk)
    return balance.open.get(tag, 0) > 0


# A photo or a link written in Markdown: inside a block of HTML it is published as typed.
_MARKDOWN_PHOTO_OR_LINK = re.compile(
    PHOTO + r"|(?<!\!)\[[^\[\]\n]{1,500}\]\((?:https?://|/|mailto:)[^()\s]{1,2000}\)")
# Code or a comment in a block: shown as written (or not at all), Markdown or not.
_CODE_OPENS = re.compile(r"<(pre|code|script|style|textarea)\b|<!--")


def _without_code(chunk: str) -> str:
    """``chunk`` without the code and comments in it, and without all that follows one never
    closed, which a browser shows as code too (one pass: hostile text costs no more than
    its length)."""
    lower = chunk.lower()
    kept: list[str] = []
    at = 0
    while found := _CODE_OPENS.search(lower, at):
        closing = f"</{found.group(1)}" if found.group(1) else "-->"
        end = lower.find(closing, found.end())
        if end < 0:
            return "".join(kept) + chunk[at:found.start()]
        kept.append(chunk[at:found.start()])
        at = end + len(closing)
        if found.group(1):  # past the closing tag's ">"
            at = lower.find(">", at) + 1 or at
    return "".join(kept) + chunk[at:]


def _markdown_in_html(chunk: str) -> list[_Found]:
    """Each photo or link written in Markdown inside a block of HTML, which Markdown does not
    read: the reader would see its brackets, and a photo so written is never published."""
    if "](" not in chunk:
        return []
    found: list[_Found] = []
    for match in _MARKDOWN_PHOTO_OR_LINK.finditer(_without_code(chunk)):
        what = "photo" if match.group(0).startswith("!") else "link"
        lost = ", and the photo is not published" if what == "photo" else ""
        found.append((f"this {what} is written in Markdown inside a block of HTML, where "
                      f"Markdown is not read: readers would see its brackets as text{lost}; "
                      f"take it out of the HTML, with a blank line above and below it, or "
                      f"write it in HTML", match.group(0), False))
    return found


def _embed_code(chunk: str) -> list[_Found]:
    """The block's script or player from a social platform, loaded as the page opens:
    embed code pasted from the platform, where the post's link would be Byline's embed."""
    loaded = next((m for m in _LOADED_FROM.finditer(chunk)
                   if _on(m.group(1).lower(), (*_CARDED, *_UNCARDED))), None)
    if loaded is None:
        return []
    host = loaded.group(1).lower()
    fix = ("paste the post's link alone on its line instead, and Byline loads it when the "
           "reader asks" if _on(host, _CARDED) else
           "Byline has no card for its links that waits for the reader, so link to it instead "
           "([words](https://…)), or keep the code knowing that it loads for every reader")
    return [(f"this pasted embed code loads {host} as the page opens, before the reader asks, "
             f"and the platform sees every reader: {fix}", loaded.group(0), False)]


def _on(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or a host under one of them."""
    return any(host == d or host.endswith("." + d) for d in domains)


# Other tools' markup pasted with an archive: Hugo's shortcodes, Jekyll's Liquid, WordPress's
# shortcodes. Byline reads none of it, so readers would see it as text.
# A shortcode may run over lines, as Hugo's docs write figure's.
_HUGO = re.compile(r"\{\{[<%]\s*/?\s*([\w.-]{1,40})[^{}]{0,500}?[>%]\}\}")
_LIQUID = re.compile(r"\{%-?\s*(\w{1,40})[^\n]{0,500}?-?%\}"
                     r"|\{\{-?\s*([\w.]{1,60})[^\n{}]{0,200}\}\}")
# "[embed]" or "[caption id=…]" (and its "[/caption]"), not a link's words ("[video of the
# show](…)", "[video][1]") or a link's definition ("[video]: https://…").
_WORDPRESS_NAMES = ("caption", "gallery", "embed", "video", "audio", "playlist")
_WORDPRESS = re.compile(rf"\[({'|'.join(_WORDPRESS_NAMES)})"
                        r"(?:\s+[\w-]{1,40}=[^\]\n]{0,500})?\](?![(:]|\[(?!/))")
_REFERENCE = re.compile(r"^ {0,3}\[([^\]\n]{1,100})\]:", re.MULTILINE)
# What is shown as written: fenced and indented code, code spans, HTML's <pre>. (An
# unclosed fence or <pre> runs to the end, as Markdown reads it: one match, not one a start.)
_CODE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\2[^\n]*$|\Z)|`[^`\n]+`"
                   r"|<pre\b.*?(?:</pre>|\Z)|(?:^[ \t]*\n)(?:(?: {4}|\t)[^\n]*\n?)+",
                   re.MULTILINE | re.DOTALL | re.IGNORECASE)
_PRE = re.compile(r"<pre\b", re.IGNORECASE)
_LIQUID_TAG = "a Jekyll (Liquid) tag"
_AS_MARKDOWN = {
    "youtube": "put the video's link alone on its line",
    "vimeo": "put the video's link alone on its line",
    "tweet": "put the post's link alone on its line",
    "x": "put the post's link alone on its line",  # Hugo's shortcode for an X post
    "instagram": "put the post's link alone on its line",
    "embed": "put the link alone on its line",
    "figure": 'write the photo as ![What it shows](photo.jpg "Caption"){credit="Name/Agency"}',
    "caption": 'write the photo as ![What it shows](photo.jpg "Caption"){credit="Name/Agency"}',
    "gallery": "write each photo as ![…](…) on consecutive lines, which make a gallery",
}


def other_tools_markup(text: str, first_line: int) -> list[BodySlip]:
    """Each Hugo shortcode, Liquid tag or WordPress shortcode in ``text`` (outside code),
    at its line, with Byline's way of writing it where there is one."""
    # Run on every body: most have none of it, said by a few substring tests.
    if ("{{" not in text and "{%" not in text
            and not any("[" + name in text for name in _WORDPRESS_NAMES)):
        return []
    # Code is shown as written, shortcodes in it too: blanked, keeping every offset.
    if "`" in text or "~~~" in text or "    " in text or "\t" in text or _PRE.search(text):
        text = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    labels = {m.group(1).strip().lower() for m in _REFERENCE.finditer(text)}
    found: list[tuple[int, str, str, str]] = []  # offset, kind, name, as typed
    for match in _HUGO.finditer(text):
        if not match.group(0)[3:].lstrip().startswith("/"):  # a closing one: said with its start
            found.append((match.start(), "a Hugo shortcode", match.group(1), match.group(0)))
    for match in _LIQUID.finditer(text):
        if not any(start <= match.start() < start + 4 for start, *_ in found):
            found.append((match.start(), _LIQUID_TAG, match.group(1) or match.group(2) or "",
                          match.group(0)))
    for match in _WORDPRESS.finditer(text):
        if match.group(0)[1:-1].lower() not in labels:  # "[video]" a link's label
            found.append((match.start(), "a WordPress shortcode", match.group(1),
                          match.group(0)))
    if not found:
        return []
    line_at = line_finder(text, first_line)
    slips: dict[int, BodySlip] = {}  # the first on each line
    for start, kind, name, typed in sorted(found):
        fix = "take it out, or write what it stood for in Markdown"
        if kind != _LIQUID_TAG:  # Liquid's names are the site's variables ("{{x}}")
            fix = _AS_MARKDOWN.get(name.lower(), fix)
        elif name.lower().split(".")[0] == "site":
            fix = "write the address itself (a link starting with / is the site's own)"
        line = line_at(start)
        slips.setdefault(line, BodySlip(
            f"{_briefly(typed.split(chr(10))[0])} is {kind}, which Byline does not read, so "
            f"readers would see it as text: {fix}", line))
    return list(slips.values())


def _briefly(typed: str) -> str:
    typed = typed.strip()
    return repr(typed if len(typed) <= 50 else typed[:49] + "…")


# The elements a browser carries on past the end of their paragraph when never closed (the
# HTML standard's "formatting elements"): a story's "<i>Paper Moons" left open puts the rest
# of the page, its footer too, in italics.
_FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small",
                         "strike", "strong", "tt", "u"})
# Elements whose closing tag, with none of them open in the story, closes the page's own
# instead: a "</div>" pasted from another system ends the story's body early.
_CONTAINERS = frozenset({"div", "section", "article", "main", "aside", "header", "footer",
                         "nav", "figure", "blockquote", "table", "ul", "ol", "dl", "details",
                         "form"})


def unbalanced_tags(body_html: str, text: str, first_line: int) -> list[BodySlip]:
    """An error at each tag of the writer's HTML that would reach past the story on the page:
    a formatting element never closed, and a container's closing tag with none open.  Asked
    only of a body with raw HTML in it (Markdown's own tags always pair, so the tags out of
    balance are typed ones, found again in ``text``)."""
    balance = _Balance()
    balance.feed(body_html)
    balance.close()
    slips = []
    line_at = line_finder(text, first_line)
    for tag, opening in sorted(balance.found()):
        at = _typed_out_of_balance(text, tag, opening)
        if opening:
            message = (f"this <{tag}> is never closed with </{tag}>: the rest of the page, "
                       "the stories around it and the footer too, would be shown as inside "
                       f"it; close it with </{tag}> where it ends")
        else:
            message = (f"this </{tag}> closes no <{tag}> of the story: it would close the "
                       "page's own, ending the story early and breaking the page; take it out")
        slips.append(BodySlip(message, line_at(at) if at >= 0 else None, stops=True))
    return slips


# Code spans (`<i>`), and a bracket kept as text (\<i>): no tag of the page.
_NOT_TAGS = re.compile(r"(`+)(?:(?!\1).)+?\1|\\<", re.DOTALL)


def _typed_out_of_balance(text: str, tag: str, opening: bool) -> int:
    """Where in ``text`` the first ``<tag>`` typed and never closed is (``opening``), or the
    first ``</tag>`` typed with none open; -1 if none is found.  Where every one typed seems
    closed (a closing tag mistyped, "</i led"), the last one opened is the likeliest."""
    typed = _NOT_TAGS.sub(lambda m: " " * len(m.group(0)), text)
    opened: list[int] = []
    last = -1
    for match in re.finditer(rf"<(/?){re.escape(tag)}(?=[\s/>])", typed, re.IGNORECASE):
        if not match.group(1):
            opened.append(match.start())
            last = match.start()
        elif opened:
            opened.pop()
        elif not opening:
            return match.start()
    return (opened[0] if opened else last) if opening else -1


class _Balance(HTMLParser):
    """How many of each element are open, as an HTML parser reads them; and the containers
    closed with none of them open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: dict[str, int] = {}  # tag → how many are open
        self.strays: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if self.open.get(tag):
            self.open[tag] -= 1
        elif tag in _CONTAINERS:
            self.strays.add(tag)

    def found(self) -> set[tuple[str, bool]]:
        """The formatting elements left open at the end and the stray containers' closing
        tags, as (tag, opening?)."""
        return {(tag, True) for tag, count in self.open.items()
                if count and tag in _FORMATTING} | {(tag, False) for tag in self.strays}
