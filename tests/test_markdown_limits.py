"""Pathological Markdown: rendered in well under a second, or one located error; never a
RecursionError, never minutes of work.

The shapes are the ones that broke Python-Markdown: deep nesting (recursion) and long runs
of one character (a scan per character to the end of the paragraph).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown import Markdown
from markdown.extensions.toc import slugify_unicode

from generator.errors import LocatedError
from generator.markup import document, footnotes, render_markdown
from generator.markup.document import without_notes
from generator.markup.embeds import EmbedExtension
from generator.markup.figures import FigureExtension, titles_set_aside
from generator.markup.footnotes import Footnotes
from generator.markup.limits import MAX_BODY_CHARS, nesting_of
from generator.markup.liveupdates import LiveUpdatesExtension
from generator.markup.quotes import QuoteExtension
from generator.markup.rawtags import WordsInBracketsExtension
from generator.markup.slips import other_tools_markup
from generator.markup.typography import SmartTextExtension

from .conftest import REPO, SiteFiles, article, page
from .outcome import build_outcome, snapshot

MakeSite = Callable[[SiteFiles], Path]


def rendered_quickly(text: str, seconds: float = 2.0) -> str:
    """The body HTML of ``text``, which must take less than ``seconds`` (each case below
    took from 10 s to minutes, or raised RecursionError, before).  CPU time, not the clock's:
    what else runs on the machine must not fail the test."""
    started = time.process_time()
    html = render_markdown(text).html.decode()
    elapsed = time.process_time() - started
    assert elapsed < seconds, f"{elapsed:.1f} s"
    return html


def refused(text: str) -> LocatedError:
    started = time.process_time()
    with pytest.raises(LocatedError) as error:
        render_markdown(text, first_line=7)
    assert time.process_time() - started < 1
    return error.value


# --- nesting: a located error past 50 levels, rendered below --------------------------------------


def test_250_nested_list_levels_are_an_error_at_the_first_line_too_deep() -> None:
    body = "".join("    " * level + "- item\n" for level in range(250))
    error = refused(body)
    assert str(error) == ("this line nests lists and quotes 51 levels deep; Byline stops at "
                          "50: flatten the list or quote")
    assert error.line == 7 + 50


def test_list_markers_in_a_row_count_as_nesting() -> None:
    assert str(refused("- " * 300 + "x\n")) == (
        "this line nests lists and quotes 300 levels deep; Byline stops at 50: flatten the "
        "list or quote")
    assert "levels deep" in str(refused("1. " * 60 + "x\n"))


def test_deep_quotes_are_an_error_and_shallow_ones_render() -> None:
    assert "1000 levels deep" in str(refused(">" * 1000 + " deep\n"))
    assert "200 levels deep" in str(refused("> - " * 100 + "x\n"))
    html = rendered_quickly(">" * 20 + " twenty\n")
    assert html.count("<blockquote>") == 20


def test_forty_levels_of_list_render() -> None:
    body = "".join("    " * level + f"- level {level}\n" for level in range(40))
    assert rendered_quickly(body).count("<ul>") == 40


def test_rules_and_indented_code_are_not_nesting() -> None:
    assert nesting_of("* " * 60) == 0  # a horizontal rule
    assert nesting_of(" " * 400 + "code") == 0
    assert nesting_of("    " * 3 + "- > x") == 5


def test_a_deeply_nested_article_is_one_line_and_nothing_is_written(make_site: MakeSite) -> None:
    site = make_site({"content/articles/fine.md": article("Fine", category="Music")})
    assert build_outcome(site).code == 0
    previous = snapshot(site / "output")
    deep = "".join("    " * level + "- item\n" for level in range(250))
    (site / "content/articles/deep.md").write_text(article("Deep", body=deep), encoding="utf-8")
    started = time.perf_counter()
    run = build_outcome(site, previous=previous)
    assert time.perf_counter() - started < 10
    assert "content/articles/deep.md:56: error: this line nests lists and quotes 51 levels " \
           "deep; Byline stops at 50: flatten the list or quote" in run.err.splitlines()


# --- emphasis and brackets: rendered, however deep --------------------------------------------


def test_5000_stars_render_flattened_without_recursion_error() -> None:
    html = rendered_quickly("*" * 5000 + "a" + "*" * 5000)
    assert "a" in html and html.count("<strong>") < 250
    assert rendered_quickly("x " + "*" * 5000 + " y").startswith("<p>x ")
    assert rendered_quickly("*a " * 5000 + " b*" * 5000).count("<em>") >= 1


def test_30000_brackets_render_in_well_under_a_second() -> None:
    assert rendered_quickly("[" * 30_000, seconds=1.5) == "<p>" + "[" * 30_000 + "</p>"
    rendered_quickly("x " + "[a" * 15_000)
    rendered_quickly("![" * 15_000)
    rendered_quickly("![" * 15_000 + "{")  # a photo's attribute list looked for, not squared
    rendered_quickly("[a](" * 8_000)
    rendered_quickly("[a][" * 8_000)


@pytest.mark.parametrize("token", ['![a](b "', "![a](b ", "![", '![a](b "c")'])
def test_photo_captions_are_set_aside_in_one_pass(token: str) -> None:
    # Each "![" is looked at up to its photo's end, not to the end of the text (a first
    # version took 4 s of CPU for the first of these).
    started = time.process_time()
    titles_set_aside(token * 20_000)
    assert time.process_time() - started < 0.5


def test_nested_links_render() -> None:
    html = rendered_quickly("[" * 2_000 + "a" + "](b)" * 2_000)
    assert html.count("<a ") >= 1


@pytest.mark.parametrize("mark, shown", [("_", None), ("`", None), ("<", "&lt;"),
                                         ("&", "&amp;"), ("*", None), ("!", "!")])
def test_long_runs_of_one_character_render(mark: str, shown: str | None) -> None:
    html = rendered_quickly("x " + mark * 30_000 + " y")
    if shown:
        assert html.count(shown) == 30_000


@pytest.mark.parametrize("token, times", [
    ("``a`", 8_000),          # a code span opener scanned to the end for each run
    ("<a x=", 6_000),         # each "<a" read as a tag running to the end of the document
    ("<![CDATA[", 4_000),
])
def test_repeated_tokens_render_in_well_under_a_second(token: str, times: int) -> None:
    rendered_quickly(token * times, seconds=1.5)


def test_an_html_figure_of_odd_shape_renders_in_well_under_a_second() -> None:
    # A review of the reader of exporters' <figure>s: a caption of spaces in a figure of
    # another shape backtracked for 67 s at 160 spaces, and ran on past 300.
    figure = "<figure>\n\n![a](b.jpg)\n\n<figcaption>\n\n" + " " * 300 + "x\n" + " " * 300
    rendered_quickly(figure + "\n<p>\n" + "\n\n" + figure + "\n</figcaption></figure>\n")


@pytest.mark.parametrize("token", [
    "# a\n",     # the tables test split the rest of the block for each line taken off it
    "***\n",     # as did the header search, for each rule
    "a\n===\n",  # and the setext header's split and join
])
def test_blocks_of_many_lines_take_time_in_proportion(token: str) -> None:
    def seconds(times: int) -> float:  # CPU time, the fastest of three: the machine is shared
        text = token * times
        fastest = float("inf")
        for _ in range(3):
            started = time.process_time()
            render_markdown(text)
            fastest = min(fastest, time.process_time() - started)
        return fastest

    small, large = seconds(2_000), seconds(8_000)
    # Four times the lines: about four times the time (it was sixteen), and never long.
    assert large < 9 * max(small, 0.02) and large < 5, (small, large)


def test_thousands_of_footnotes_render_in_linear_time() -> None:
    body = "".join(f"Claim {i}.[^{i}]\n\n" for i in range(3_000))
    body += "".join(f"[^{i}]: Source {i}.\n\n" for i in range(3_000))
    html = rendered_quickly(body, seconds=4)
    assert 'href="#fn:2999"' in html


def test_thousands_of_links_in_one_paragraph_render_in_linear_time() -> None:
    # Found by the fuzz run: each link replaced in the text began the bracket scan again
    # from the start of the paragraph.
    html = rendered_quickly("[a link](https://example.com/a)" * 1_500, seconds=3)
    assert html.count('<a href="https://example.com/a">a link</a>') == 1_500


def test_thousands_of_unclosed_links_render_in_linear_time() -> None:
    # Found by the fuzz run (8 s): with one ")" later in the paragraph, each "(" walked to
    # the end looking for its own.
    html = rendered_quickly("[unclosed](https://x" * 1_500 + " (the end)", seconds=1.5)
    assert "<a " not in html and html.count("[unclosed]") == 1_500
    # And again (7.5 s) with a quote after them, where the library's rules for titles apply:
    # its walk now stops after a link's longest possible length.
    html = rendered_quickly("[unclosed](https://x" * 1_500 + ' ![](p.jpg){credit="Wire"}',
                            seconds=2)
    assert html.count("[unclosed]") == 1_500


def test_thousands_of_references_to_one_footnote_render_in_linear_time() -> None:
    # Each reference's id ("fnref4999:1") was found by trying every id taken before it.
    html = rendered_quickly("Again.[^1] " * 4_000 + "\n\n[^1]: The note.", seconds=3)
    assert 'id="fnref4000:1"' in html and 'href="#fnref4000:1"' in html


def test_each_story_numbers_its_own_footnotes_wherever_its_notes_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The numbers were once kept by the address of the story's notes, and the next story's
    # notes can be given that address: "[^1]" then failed with KeyError. Here every address
    # is the same, as a reused one is.
    monkeypatch.setattr(footnotes, "id", lambda _: 0, raising=False)
    render_markdown("The first story.[^a]\n\n[^a]: Its note.\n")
    html = render_markdown("The tour grossed $2 billion.[^1]\n\n[^1]: Pollstar.\n").html
    assert b'<a class="footnote-ref" href="#fn:1">1</a>' in html


def test_thousands_of_footnote_slips_are_found_in_linear_time() -> None:
    # Each slip's line is found in one pass over the body, not one search per slip.
    text = ("".join(f"Claim.[^m{n}] " for n in range(3_000)) + "\n\n"
            + "".join(f"[^u{n}]: Never referred to.\n\n" for n in range(3_000)))
    started = time.process_time()  # CPU time, as rendered_quickly measures
    slips = render_markdown(text, first_line=7).slips
    assert time.process_time() - started < 3
    assert len(slips) == 6_000
    assert (slips[0].line, slips[-1].line) == (7, 7 + 2 + 2 * 2_999)
    # A label cannot hold a bracket: "[^" after "[^" is one scan, not a square of them.
    rendered_quickly("[^" * 15_000 + "]:", seconds=1.5)


def test_a_paragraph_over_the_size_limit_is_an_error_at_its_first_line() -> None:
    error = refused("Intro.\n\n \n" + "<b>word</b> " * 9_000)
    assert str(error) == ("this paragraph is 108,000 characters long, with 18,000 marks of "
                          "links, tags, emphasis or line breaks and no blank line: more than "
                          "Byline reads in one paragraph; break it up with blank lines")
    assert error.line == 7 + 3
    rendered_quickly(("A paragraph of words. " * 2_000 + "\n\n") * 10, seconds=3)
    rendered_quickly("<b>x</b> [r] " * 3_500 + "\n\n[r]: /r", seconds=3)  # dense, just under
    rendered_quickly(("x" * 1_000 + "<b>y</b>") * 450, seconds=3)  # long, sparse: just under


def test_a_photo_pasted_as_a_data_url_is_long_but_not_refused() -> None:
    html = rendered_quickly("![Pasted](data:image/png;base64," + "QUJD" * 75_000 + ")")
    assert html.startswith("<byline-image")


def test_a_body_over_the_size_limit_is_an_error() -> None:
    error = refused("word\n\n" * (MAX_BODY_CHARS // 6 + 1))
    assert str(error).endswith("Byline stops at 1,000,000: split it into several articles")
    assert error.line == 7


def test_a_recursion_error_that_gets_past_the_limits_is_still_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def too_deep(self: object, text: str, first_line: int, titles: object) -> None:
        raise RecursionError

    render_markdown("warm up")
    monkeypatch.setattr(document._Renderer, "render", too_deep)
    error = refused("anything")
    assert str(error) == ("this text nests lists, quotes or emphasis too deeply for Byline to "
                          "read: flatten it")
    monkeypatch.undo()
    assert render_markdown("*fine*").html == b"<p><em>fine</em></p>"


# --- the faster processors make the same HTML ---------------------------------------------------


def library_markdown() -> Markdown:
    """Python-Markdown as Byline configured it before the linear processors (with Byline's
    own steps after the parse, which the linear processors leave alone)."""
    md = Markdown(
        extensions=["tables", Footnotes(), "attr_list", "toc", QuoteExtension(),
                    SmartTextExtension(), FigureExtension(), EmbedExtension(),
                    WordsInBracketsExtension()],
        extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}},
        output_format="html")
    not_live = LiveUpdatesExtension()
    not_live.extendMarkdown(Markdown())  # its processor, switched off
    md.treeprocessors.register(document._NotThePagesIds(md), "not_the_pages_ids", 4)
    md.treeprocessors.register(document._SubheadsUnderTheHeadline(md, not_live), "subheads", 3)
    md.treeprocessors.register(document._TablesInScrollBoxes(md), "tables_scroll", 2)
    return md


ORDINARY = [
    "[a [b] c](x) and [d](e) and [f]", "![x](y) ![z][r]\n\n[r]: /q",
    "[a][b] [c][] [d]\n\n[b]: /1\n[c]: /2\n[d]: /3",
    "`a` ``b`` ```c``` ``d` ```e`` `f", "x `` ` `` y", "<a href='x'>y</a> <b>",
    '<div class="a">\n*hi*\n</div>\n\ntext', "a\n===\nb\n---\nc",
    "para\n# head\nmore\n***\nend", "> q\n> # h\n> ***", "|a|b|\n|-|-|\n|1|2|", "|a|\n|-|\n|1|",
    "x|y\n-|-\n1|2", "a[^1] b[^2] c[^1]\n\n[^2]: two\n[^1]: one", "[[[a]]](b)",
    '[a](b(c)d) [e](f "g") [h](<i j>)', "<http://a.b> <me@x.y>",
    "a\n\n    code\n\n- l\n    - m\n        - n", "<![CDATA[x]]> <!-- c --> <?p?>",
]


def test_an_empty_id_in_an_attribute_list_gives_no_id_attribute() -> None:
    """HTML forbids id="", which ``{#}`` made (found by a red-team pass); a heading keeps
    the id it gets from its words."""
    html = render_markdown("## The red carpet {#}\n\nA line {: #}").html.decode()
    assert 'id=""' not in html
    assert '<h2 id="the-red-carpet">The red carpet</h2>' in html


def test_a_comment_opener_in_code_is_the_writers_text_and_notes_go_in_one_pass() -> None:
    html = render_markdown("Type `<!--` to start a note. <!-- for the desk -->Done.").html
    assert html.decode() == "<p>Type <code>&lt;!--</code> to start a note. Done.</p>"
    started = time.perf_counter()
    [unclosed] = render_markdown("<!--" * 20_000).slips
    assert unclosed.stops and unclosed.message.startswith("this <!-- starts a note")
    render_markdown("` `` ``` " * 3_000 + "<!-- x -->")
    assert time.perf_counter() - started < 5  # seconds, against minutes for a rescan each


def test_the_linear_processors_make_the_librarys_html() -> None:
    sources = [p.read_text(encoding="utf-8").split("---", 2)[-1]
               for p in sorted((REPO / "content").rglob("*.md"))] + ORDINARY
    library = library_markdown()
    for source in sources:
        library.reset()
        expected = library.convert(without_notes(source, 1))  # notes go before the parser
        assert render_markdown(source).html.decode() == expected, source[:80]


def test_control_characters_and_stray_placeholders_never_reach_the_page(
        make_site: MakeSite) -> None:
    # A tangle of emphasis and escapes on which Python-Markdown loses a placeholder.
    tangle = "^=*{#<-[*a{& -:[!!(()]:\"{-<#*\"}|=(**(\"*\\\\*>'(:!)\":]>|!>"
    html = render_markdown(tangle + "\n\nWord\x0bbreak\x08.").html.decode()
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in html)
    assert "klzzwxh" not in html and "Word break." in html
    site = make_site({"content/articles/a.md": article(category="Music", body="Tab\x0bbed")})
    assert build_outcome(site).code == 0
    assert "Tab bed" in page(site, "/music/a/").get_text()


def test_a_transcript_of_many_hard_line_breaks_is_refused_or_quick() -> None:
    # Each line break rebuilt the paragraph's text: 100,000 short lines took two minutes.
    error = refused("Intro.\n\n" + "Line of the transcript here.  \n" * 20_000)
    assert "with 20,000 marks of links, tags, emphasis or line breaks" in str(error)
    assert error.line == 7 + 2
    html = rendered_quickly("Line of the transcript here.  \n" * 2_000, seconds=3)
    assert html.count("<br") == 1_999


@pytest.mark.parametrize("text", ["{% a" * 30_000, "[caption a=b" * 30_000, "`" * 30_000 + "{{",
                                  "{{< x" * 30_000])
def test_other_tools_markup_is_looked_for_in_linear_time(text: str) -> None:
    # Each shortcode pattern is bounded on its line: hostile text costs a pass, not a square.
    # (Asked of the rule itself: the renderer refuses such a paragraph before it.)
    started = time.process_time()
    other_tools_markup(text, 1)
    assert time.process_time() - started < 3
