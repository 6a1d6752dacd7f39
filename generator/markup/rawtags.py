"""Angle brackets around a word that is no HTML element are the writer's words.

Markdown publishes ``<b>`` as HTML, so "the working title <Untitled>" and "The duet <wow>"
became elements no browser knows: the words vanished from the page and its feeds, and the
page was invalid.  A tag whose name is neither an element of HTML, SVG or MathML nor a
custom element (those have a hyphen, ``<my-player>``) is shown as typed instead, whatever
follows the word: "<Untitled: Part 2>", "<Encore!>".
"""

from __future__ import annotations

import html
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

# https://html.spec.whatwg.org/multipage/indices.html#elements-3, the obsolete ones browsers
# still draw, and the SVG and MathML elements a pasted figure may hold.
_ELEMENT_NAMES = """
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
img input ins kbd label legend li link main map mark math menu meta meter nav noscript object
ol optgroup option output p param picture pre progress q rp rt ruby s samp script search
section select slot small source span strong style sub summary sup svg table tbody td
template textarea tfoot th thead time title tr track u ul var video wbr
acronym big center font marquee nobr strike tt
rb rtc
a animate animatemotion animatetransform circle clippath defs desc discard ellipse feblend
fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting
fedisplacementmap fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr
fegaussianblur feimage femerge femergenode femorphology feoffset fepointlight
fespecularlighting fespotlight fetile feturbulence filter foreignobject g image line
lineargradient marker mask metadata mpath path pattern polygon polyline radialgradient rect
set stop switch symbol text textpath title tspan use view
annotation annotation-xml maction math merror mfrac mi mmultiscripts mn mo mover mpadded
mphantom mprescripts mroot mrow ms mspace msqrt mstyle msub msubsup msup mtable mtd mtext mtr
munder munderover none semantics
"""
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
# A tag's name runs, as a browser reads it, to the first space, "/" or ">": in
# "<Untitled: Part 2>" and "<Encore!>" it is "Untitled:" and "Encore!", no element at all.
_TAG = re.compile(r"</?([A-Za-z][^\s/<>]*)(?:[\s/][^<>]*)?>")
# A custom element's name: lower-case ASCII letters, digits, ".", "_" and a "-" (the spec
# allows other letters too, which no theme here uses); never a capital: "<K-Pop Hunters>".
_CUSTOM = re.compile(r"[a-z][a-z0-9._]*-[a-z0-9._-]*")
# An attribute in a start tag: its name, and its value if it has one.
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")
# The attributes written without a value in real HTML.  Any other word after a tag's name
# with no "=" makes the brackets a title's ("<A Business Proposal>", "<I Am>", "<Big Mouth>"),
# not HTML, however the first word reads.
_BARE_ATTRIBUTE_NAMES = """
allowfullscreen allowtransparency async autofocus autoplay checked compact controls default
defer disabled download formnovalidate hidden inert ismap itemscope loop mozallowfullscreen
multiple muted nomodule noshade novalidate nowrap open playsinline readonly required reversed
selected webkitallowfullscreen contenteditable crossorigin preload typemustmatch credentialless
border markdown popover disablepictureinpicture disableremoteplayback
"""
_BARE_ATTRIBUTES = frozenset(_BARE_ATTRIBUTE_NAMES.split())


class _WordsInBrackets(Postprocessor):
    """Each stashed inline tag of no known element escaped, before the stash is put back."""

    def run(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, raw in enumerate(stash):
            if isinstance(raw, str) and (tag := _TAG.fullmatch(raw.strip())) \
                    and _reads_as_words(tag.group(0), tag.group(1)):
                stash[index] = html.escape(raw, quote=False)
        return text


# An element of another vocabulary that Word and other Office tools paste ("<o:p>",
# "<v:shape>"): markup, not words.
_PREFIXED = re.compile(r"[a-z]+:[a-z][a-z0-9-]*", re.IGNORECASE)


def _reads_as_words(tag: str, name: str) -> bool:
    """Whether a tag as typed, named ``name``, is words in brackets, not HTML."""
    if name.lower() not in HTML_ELEMENTS:
        return not _CUSTOM.fullmatch(name) and not _PREFIXED.fullmatch(name)
    if tag.startswith("</"):
        return False
    if name[0].isupper() and not name.isupper():
        # A title's capital ("<Time>", "<Search>", "<Big>"): HTML is typed in lower case,
        # or all in capitals by older tools ("<B>", "<TABLE>").
        return True
    after = tag[1 + len(name):].rstrip(">").rstrip("/")
    return any(not value and not word.lower().startswith("data-")
               and word.lower() not in _BARE_ATTRIBUTES
               for word, value in _ATTRIBUTE.findall(after))


# A tag at the start of a line, where a block-level one ("<Table for Two> is back",
# "<Main Street> opens") would make the paragraph raw HTML, never closed.
_LINE_START_TAG = re.compile(r"^( {0,3})(<([A-Za-z][^\s/<>]*)(?:[\s/][^<>\n]*)?>)",
                             re.MULTILINE)


class _TitlesStartingLines(Preprocessor):
    """Words in brackets that start a line and whose first word names a block element, kept
    as text before Markdown takes the line for the start of a block of HTML."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "<" not in text:
            return lines

        def kept(match: re.Match[str]) -> str:
            indent, tag, name = match.groups()
            if self.md.is_block_level(name.lower()) and _reads_as_words(tag, name):
                return indent + "&lt;" + tag[1:]
            return match.group(0)

        return _LINE_START_TAG.sub(kept, text).split("\n")


class WordsInBracketsExtension(Extension):
    """Registers the postprocessor ahead of the one that puts raw HTML back (priority 30),
    and the preprocessor ahead of the one that sets blocks of HTML aside (20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Install it on ``md``."""
        md.preprocessors.register(_TitlesStartingLines(md), "titles_starting_lines", 25)
        md.postprocessors.register(_WordsInBrackets(md), "words_in_brackets", 35)
