"""A caption's Markdown: a film's title in italics, a link to the source, as in the text.

Readers see the emphasis and follow the link under the photo; feeds and structured data,
which carry a caption as text, get its words without the asterisks.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from generator.markup.captions import caption_html, caption_text
from tests.conftest import SiteFiles, article, build, page, photo_bytes

Make = Callable[[SiteFiles], Path]
STORY = "content/articles/gala/index.md"
URL = "/music/gala/"
MEDIA = "{http://search.yahoo.com/mrss/}"


def site_with(make_site: Make, body: str, **fields: str) -> Path:
    return make_site({
        STORY: article("The gala", body=body, category="Music", **fields),
        "content/articles/gala/hero.jpg": photo_bytes(),
        "content/articles/gala/one.jpg": photo_bytes((900, 600)),
        "content/articles/gala/two.jpg": photo_bytes((900, 600)),
    })


def built_page(make_site: Make, body: str) -> BeautifulSoup:
    site = site_with(make_site, body)
    build(site)
    return page(site, URL)


def caption_of(figure: BeautifulSoup) -> BeautifulSoup:
    found = figure.select_one(".photo__caption")
    assert found is not None
    return found


def test_the_heros_caption_shows_its_italics_and_link(make_site: Make) -> None:
    site = site_with(
        make_site, "Body.",
        hero='{image: hero.jpg, alt: Zendaya, credit: A/B, caption: "Zendaya at the '
             '*Challengers* premiere, via [the studio](https://example.org/press)"}')
    result = build(site)
    assert result.warnings == ()
    shown = caption_of(page(site, URL).select_one("article > figure.hero"))
    assert shown.get_text() == "Zendaya at the Challengers premiere, via the studio"
    assert [e.get_text() for e in shown.find_all("em")] == ["Challengers"]
    assert [(a.get_text(), a["href"]) for a in shown.find_all("a")] == [
        ("the studio", "https://example.org/press")]
    # Feeds carry the hero's caption as text: its words, no asterisks, no brackets.
    item = ET.parse(site / "output/rss.xml").getroot().find("channel/item")
    assert item.find(f"{MEDIA}content/{MEDIA}description").text == (
        "Zendaya at the Challengers premiere, via the studio")


def test_a_link_in_a_body_photos_caption_keeps_its_address(make_site: Make) -> None:
    body = ('![Zendaya](one.jpg "Zendaya in *Challengers*, via '
            '[the studio](https://example.org/press)"){credit="A/B"}\n\n'
            "Then a [link of the text](https://example.org/text).")
    html = built_page(make_site, body)
    shown = caption_of(html.select_one(".article__body figure"))
    assert shown.get_text() == "Zendaya in Challengers, via the studio"
    assert shown.find("em").get_text() == "Challengers"
    assert shown.find("a")["href"] == "https://example.org/press"
    # The text's own link is untouched, and is not taken into the caption.
    links = [(a.get_text(), a["href"]) for a in html.select(".article__body p a")]
    assert links == [("link of the text", "https://example.org/text")]


def test_a_gallery_slides_caption_and_a_linked_photo(make_site: Make) -> None:
    body = ('![One](one.jpg "The *Barbie* cast"){credit="A/B"}\n'
            '![Two](two.jpg "**Wicked**, later"){credit="A/B"}\n\n'
            "[![A linked photo](one.jpg)](https://example.org/gallery) inside a sentence.")
    html = built_page(make_site, body)
    slides = [caption_of(s) for s in html.select(".gallery figure")]
    assert [s.decode_contents() for s in slides] == [
        "The <em>Barbie</em> cast", "<strong>Wicked</strong>, later"]
    # A photo inside a link (written the usual way) still links.
    linked = html.select_one('.article__body a[href="https://example.org/gallery"]')
    assert linked is not None and linked.find("img")["alt"] == "A linked photo"


def test_what_is_no_caption_markup_is_shown_as_typed(make_site: Make) -> None:
    typed = '# 1 of 3. <b>Live</b> & "loud" -- at the [Forum]'
    site = site_with(make_site, "Body.",
                     hero=json.dumps({"image": "hero.jpg", "alt": "Crowd", "credit": "A/B",
                                      "caption": typed}))
    build(site)
    shown = caption_of(page(site, URL).select_one("article > figure.hero"))
    # No heading, no element the writer typed: the words, with typographic quotes and dash.
    assert shown.get_text() == "# 1 of 3. <b>Live</b> & “loud” – at the [Forum]"
    assert shown.find_all(True) == []


def test_typography_stays_out_of_a_captions_link_address(make_site: Make) -> None:
    site = site_with(
        make_site, "Body.",
        hero='{image: hero.jpg, alt: A, credit: A/B, caption: "Via [the label\'s site]'
             '(https://example.org/a--b)"}')
    build(site)
    link = caption_of(page(site, URL).select_one("article > figure.hero")).find("a")
    assert link["href"] == "https://example.org/a--b"
    assert link.get_text() == "the label’s site"


ALLOWED = {"em", "strong", "a", "code"}


@given(st.text(alphabet=st.sampled_from("ab *_[]()`\\<>&\"'-!#\n"), max_size=60))
def test_any_caption_is_one_line_of_inline_html_with_its_words(text: str) -> None:
    made = caption_html(text)
    tree = BeautifulSoup(f"<span>{made}</span>", "html.parser").span
    assert {e.name for e in tree.find_all(True)} <= ALLOWED
    assert "\n" not in made
    # The plain words are the page's words: what a feed says is what a reader reads.
    assert caption_text(text) == tree.get_text()


def test_code_spans_in_a_caption_are_shown_as_typed_once(make_site: Make) -> None:
    """Found by a red-team pass: a caption's `<br>` came out as "&lt;br>" on the page and
    in the feeds, escaped twice."""
    site = site_with(make_site, "Body.",
                     hero="{image: hero.jpg, alt: A, credit: A/B, caption: 'Type `<br>` to "
                          "break a line, or `Tom & Jerry`'}")
    build(site)
    shown = caption_of(page(site, URL).select_one("article > figure.hero"))
    assert [c.get_text() for c in shown.find_all("code")] == ["<br>", "Tom & Jerry"]
    item = ET.parse(site / "output/rss.xml").getroot().find("channel/item")
    assert item.find(f"{MEDIA}content/{MEDIA}description").text == (
        "Type <br> to break a line, or Tom & Jerry")


def test_a_body_caption_is_read_as_a_caption_not_as_the_text(make_site: Make) -> None:
    """Found by a red-team pass: the text's code spans, escapes, reference links and links
    with a title took what they matched out of a photo's caption before it was read; a ")"
    in the caption hid the photo's credit from the tidying of its attribute list; and a
    link in the alt text reached the alt attribute as Markdown."""
    body = ('![Sky at the [Forum](https://forum.example/) show](one.jpg "Type `<br>`, '
            'rated 4\\*, via [the studio][press] (2019) and [Getty](https://g.example/ '
            "'Getty Images')\"){credit = \"Ines Park\"}\n\n"
            "[press]: https://press.example/kit\n")
    html = built_page(make_site, body)
    figure = html.select_one(".article__body figure")
    shown = caption_of(figure)
    assert shown.get_text() == "Type <br>, rated 4*, via the studio (2019) and Getty"
    assert shown.find("code").get_text() == "<br>"
    assert [(a.get_text(), a["href"]) for a in shown.find_all("a")] == [
        ("the studio", "https://press.example/kit"), ("Getty", "https://g.example/")]
    assert figure.select_one(".photo__credit").get_text() == "Photo: Ines Park"
    assert figure.find("img")["alt"] == "Sky at the Forum show"
