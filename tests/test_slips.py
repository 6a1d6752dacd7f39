"""Issue 16, typos that published silently: a category site.yaml does not list, an author's
name one letter off, and `byline check` counting the build's warnings as the site's."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SITE_YAML, article, build, page, photo_bytes
from .outcome import build_outcome, run_byline, snapshot

SECTIONS = SITE_YAML.replace("categories: [Music, TV]",
                             "categories: [Celebrity, TV, Movies, Music]")


def story(**fields: str) -> str:
    return article(title="Gala night", **fields)


# -- categories ---------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [
    ("Celebs", "Celebrity"), ("Movie", "Movies"), ("Muisc", "Music"), ("Celebrities", "Celebrity"),
])
def test_a_misspelt_category_stops_the_build_at_its_line(make_site, typed, meant):
    site = make_site({"site.yaml": SECTIONS, "content/articles/a.md": story(category="Music")})
    build_outcome(site)
    before = snapshot(site / "output")
    (site / "content/articles/a.md").write_text(story(category=typed))
    run = build_outcome(site, previous=before)
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f'content/articles/a.md:4: error: category "{typed}" is not one of this site\'s '
        f"categories (Celebrity, TV, Movies, Music): did you mean '{meant}'?")


def test_a_category_like_none_of_them_says_how_to_open_a_section(make_site):
    site = make_site({"site.yaml": SECTIONS, "content/articles/a.md": story(category="Sports")})
    run = build_outcome(site)
    assert run.err.splitlines()[0] == (
        'content/articles/a.md:4: error: category "Sports" is not one of this site\'s '
        "categories (Celebrity, TV, Movies, Music): use one of them, or add \"Sports\" to "
        "'categories' in site.yaml to open a new section")
    assert not (site / "output/sports").exists()


def test_every_misfiled_article_is_named_in_one_build(make_site):
    site = make_site({"site.yaml": SECTIONS,
                      "content/articles/a.md": story(category="Celebs"),
                      "content/articles/b.md": story(category="Movie", slug="b")})
    *errors, last = build_outcome(site).err.splitlines()
    assert [line.split(": error: ")[0] for line in errors] == [
        "content/articles/a.md:4", "content/articles/b.md:4"]
    assert last == "byline: error: build failed with 2 errors"


@pytest.mark.parametrize("typed", ["music", "MUSIC", "tv", "Tv"])
def test_a_category_in_another_case_is_that_section(make_site, typed):
    # The same address and the name as site.yaml spells it: nothing a reader sees differs.
    site = make_site({"site.yaml": SECTIONS, "content/articles/a.md": story(category=typed)})
    result = build(site)
    assert [str(w) for w in result.warnings] == []
    slug = typed.lower()
    kicker = page(site, f"/{slug}/a/").select_one(".article__header .kicker")
    assert kicker.get_text() == {"music": "Music", "tv": "TV"}[slug]


def test_without_declared_categories_any_category_opens_a_section(make_site):
    yaml = SITE_YAML.replace("categories: [Music, TV]\n", "")
    site = make_site({"site.yaml": yaml, "content/articles/a.md": story(category="Sports")})
    result = build(site)
    assert [str(w) for w in result.warnings] == []
    assert page(site, "/sports/").find("h1").get_text(strip=True) == "Sports"


# -- authors ------------------------------------------------------------------------------

KAREN = {"content/authors/karen-ruffini.yaml": "name: Karen Ruffini\nbio: Music editor.\n"}


def test_an_author_name_one_letter_off_a_described_one_is_warned_about(make_site):
    site = make_site({**KAREN, "content/articles/a.md": story(category="Music",
                                                               author="Karen Rufini")})
    run = build_outcome(site)
    assert run.code == 0
    assert run.err.splitlines() == [
        'content/articles/a.md:5: warning: author "Karen Rufini" is not one of the authors in '
        "content/authors/: did you mean 'Karen Ruffini'? (if it is someone else, add "
        "content/authors/karen-rufini.yaml)"]


def test_the_warning_points_at_the_authors_list(make_site):
    site = make_site({**KAREN, "content/articles/a.md": story(
        category="Music", authors="\n  - Dana Reyes\n  - Karen Rufini")})
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        'content/articles/a.md:5: warning: author "Karen Rufini" is not one of the authors in '
        "content/authors/: did you mean 'Karen Ruffini'? (if it is someone else, add "
        "content/authors/karen-rufini.yaml)"]


def test_one_author_written_twice_is_shown_once_and_said(make_site):
    # A red-team pass: "By sam ortiz and sam ortiz", and the story twice on the author page.
    site = make_site({"content/articles/a.md": story(
        category="Music", authors="[Sam Ortiz, sam  ortiz]")})
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        'content/articles/a.md:5: warning: author "sam  ortiz" is "Sam Ortiz" written again, '
        "and is shown once: take one of them out"]
    assert result.content.articles[0].author_slugs == ("sam-ortiz",)
    assert len(page(site, "/authors/sam-ortiz/").select("main li.card")) == 1


@pytest.mark.parametrize("name", ["Karen Ruffini", "karen ruffini", "karen-ruffini",
                                  "Dana Reyes", "Karl Rubens"])
def test_a_described_author_or_a_name_unlike_any_is_not_warned_about(make_site, name):
    site = make_site({**KAREN, "content/articles/a.md": story(category="Music", author=name)})
    assert [str(w) for w in build(site).warnings] == []


def test_someone_else_with_a_like_name_is_told_apart_by_a_file(make_site):
    site = make_site({**KAREN, "content/authors/karen-rufini.yaml": "name: Karen Rufini\n",
                      "content/articles/a.md": story(category="Music", author="Karen Rufini")})
    assert [str(w) for w in build(site).warnings] == []
    assert page(site, "/authors/karen-rufini/").find("h1").get_text(strip=True) == "Karen Rufini"


def test_a_new_author_file_quiets_the_warning_on_the_next_build(make_site):
    site = make_site({**KAREN, "content/articles/a.md": story(category="Music",
                                                               author="Karen Rufini")})
    assert len(build(site).warnings) == 1
    (site / "content/authors/karen-rufini.yaml").write_text("name: Karen Rufini\n")
    assert build(site).warnings == ()  # the checked article is not taken from the cache


# -- byline check counts the build's warnings --------------------------------------------

def uncredited(make_site) -> Path:
    hero = "\n  image: hero.jpg\n  alt: The stage"
    return make_site({
        "content/articles/a/index.md": story(category="Music", dek="A dek.", hero=hero,
                                             tittle="x"),
        "content/articles/a/hero.jpg": photo_bytes((1200, 800)),
    })


def test_check_counts_and_prints_each_build_warning_once(make_site):
    site = uncredited(make_site)
    run = run_byline(["check", "--site", str(site)])
    assert run.code == 0
    lines = run.err.splitlines()
    assert lines == [
        "content/articles/a/index.md:7: warning: hero photo hero.jpg has no credit: add "
        "credit: Name/Agency to the hero (agency photos usually carry it in their metadata)",
        "content/articles/a/index.md:9: warning: unknown front-matter key 'tittle': "
        "did you mean 'title'?",
        "Check: 0 errors, 2 warnings",
    ]
    assert "2 warnings" in run.out, "the build's summary agrees with the check's"


def test_check_counts_the_build_warnings_after_an_up_to_date_build_too(make_site):
    site = uncredited(make_site)
    run_byline(["build", "--site", str(site)])
    run = run_byline(["check", "--site", str(site)])
    assert run.err.splitlines()[-1] == "Check: 0 errors, 2 warnings"


def test_check_strict_fails_on_the_build_warnings(make_site):
    site = uncredited(make_site)
    run = run_byline(["check", "--site", str(site), "--strict", "--quiet"])
    assert run.code == 1
    assert run.out == ""
    assert run.err.splitlines()[-1] == \
        "Check: 0 errors, 2 warnings (--strict: warnings count as errors)"


def test_a_credit_in_the_photo_file_is_no_warning_for_build_or_check(make_site):
    from PIL import Image

    site = uncredited(make_site)
    article_file = site / "content/articles/a/index.md"
    article_file.write_text(article_file.read_text().replace("tittle: x\n", ""))
    exif = Image.Exif()
    exif[0x013B] = "Ana Wire/Agency"  # EXIF Artist, which the build shows as the credit
    Image.new("RGB", (1200, 800)).save(site / "content/articles/a/hero.jpg", exif=exif)
    run = run_byline(["check", "--site", str(site)])
    assert (run.code, run.err) == (0, "")
    assert "Check: 0 errors, 0 warnings" in run.out


def test_check_names_the_line_of_the_story_that_holds_a_broken_link(make_site):
    """The check reads the built pages, but a writer fixes the Markdown: a broken link
    written in a story is reported at that story's line; one the story does not hold (here
    a static file's) stays at the built file's line."""
    site = make_site({
        "content/articles/premiere.md": article(
            "Premiere night", category="TV", body="""
            The cast arrived at seven.

            Read [our review](/tv/no-such-review/) and the [photo gallery](gallery/).

            See [backstage](backstage) too.
            """),
        "static/extra.html": "<!doctype html><title>x</title>\n<p><a href=\"/nowhere/\">x</a>\n",
    })
    run = run_byline(["check", "--site", str(site)])
    assert run.code == 1
    line = next(number for number, text in enumerate(
        (site / "content/articles/premiere.md").read_text().splitlines(), 1) if "review" in text)
    problems = [text for text in run.err.splitlines() if ": error: " in text]
    url = "/tv/premiere/"
    assert sorted(problems) == sorted([
        f"content/articles/premiere.md:{line}: error: broken link to /tv/no-such-review/ on "
        f"{url} (nothing at /tv/no-such-review/): correct the address, or take the link out",
        f"content/articles/premiere.md:{line}: error: broken link to gallery/ on {url} "
        f"(nothing at {url}gallery/): correct the address, or take the link out",
        # A word alone, as a link's target (found by a red-team pass: named at the page).
        f"content/articles/premiere.md:{line + 2}: error: broken link to backstage on {url} "
        f"(nothing at {url}backstage): correct the address, or take the link out",
        "output/extra.html:2: error: broken link to /nowhere/ on /extra.html (nothing at "
        "/nowhere/): correct the address, or take the link out",
    ])


def test_check_names_the_line_of_the_photo_not_a_field_repeating_its_address(make_site):
    # A red-team pass over a WordPress migration: featured_image: (not read by Byline)
    # repeats the address of the <img> below it; the missing photo was said at line 5, and
    # an editor deleting that line still had the error.
    site = make_site({"content/articles/wp.md": article(
        "Opening night", category="TV", featured_image="/wp-content/uploads/cast.jpg",
        body='The cast.\n\n<img src="/wp-content/uploads/cast.jpg" alt="The cast">\n')})
    run = run_byline(["check", "--site", str(site)])
    assert [text for text in run.err.splitlines() if ": error: " in text] == [
        "content/articles/wp.md:10: error: missing image /wp-content/uploads/cast.jpg on "
        "/tv/wp/ (nothing at /wp-content/uploads/cast.jpg): correct the address, "
        "or take the image out"]


def test_another_sites_address_typed_without_https_is_said_at_its_line(make_site):
    """Found by a red-team pass: a link in an update's text, ``www.label.com/statement``,
    was reported at the built page's line, and as an address on this site with no word of
    the https:// it lacks; one the body held alike was put at the update's line too."""
    text = article("Premiere night", category="TV", body="""
        The cast arrived at seven.

        Read [the statement](www.label.com/statement).

        Watch [the trailer](youtube.com/watch?v=Nb7qR2xL9kE#t=5).
        """).replace("\n---\n", "\nupdates:\n  - at: 2026-11-20 10:00\n    text: Adds [the "
                     "label's statement](www.label.com/statement).\n---\n", 1)
    site = make_site({"content/articles/premiere.md": text})
    run = run_byline(["check", "--site", str(site)])
    assert run.code == 1
    lines = [number for number, line in enumerate(text.splitlines(), 1)
             if "www.label.com" in line]
    said = ("error: broken link to www.label.com/statement on /tv/premiere/: that reads as an "
            "address on this site; another site's address starts with https://: write "
            "https://www.label.com/statement")
    trailer = next(n for n, line in enumerate(text.splitlines(), 1) if "youtube" in line)
    assert sorted(line for line in run.err.splitlines() if ": error: " in line) == sorted([
        *(f"content/articles/premiere.md:{number}: {said}" for number in lines),
        # A review: the address offered lost its ?v=… and #…, a link to YouTube's home page.
        f"content/articles/premiere.md:{trailer}: error: broken link to "
        "youtube.com/watch?v=Nb7qR2xL9kE#t=5 on /tv/premiere/: that reads as an address on "
        "this site; another site's address starts with https://: write "
        "https://youtube.com/watch?v=Nb7qR2xL9kE#t=5"])


def test_a_link_to_a_program_in_an_update_or_correction_is_an_error_at_it(make_site):
    """Found by a red-team pass: a correction's text is shown as Markdown, as a caption is,
    and its ``javascript:`` link was published where the body's and a caption's are
    refused."""
    text = article("Premiere night", category="TV").replace(
        "\n---\n", "\ncorrections:\n  - at: 2026-11-20 10:00\n    text: An earlier version "
        "linked the wrong [statement](javascript:void(0)).\n---\n", 1)
    site = make_site({"content/articles/premiere.md": text})
    run = run_byline(["build", "--site", str(site)])
    assert run.code == 1
    line = next(n for n, typed in enumerate(text.splitlines(), 1) if "at: 2026-11-20" in typed)
    assert [typed for typed in run.err.splitlines() if typed.startswith("content/")] == [
        f"content/articles/premiere.md:{line}: error: the correction's link "
        '"javascript:void(0)" uses javascript:, and only http:, https: and mailto: addresses '
        "become links: write an address such as https://example.com/ or "
        "mailto:jane@example.com"]
    assert not (site / "output").exists()


def test_a_broken_link_in_an_author_file_is_one_line_at_that_file(make_site):
    """Found by a red-team pass: a link in an author's file was reported at the built HTML,
    once for the author's page and once for each of their stories (hundreds of lines for
    one mistake, none in a file the editor can fix)."""
    site = make_site({
        "content/authors/dana-reyes.yaml": "name: Dana Reyes\nbio: Covers music.\nlinks:\n"
                                           "  - {label: Portfolio, url: /portfolio/}\n",
        **{f"content/articles/s{n}.md": article(f"Story {n}", f"2026-11-0{n} 10:00",
                                               category="Music", author="Dana Reyes")
           for n in range(1, 4)},
    })
    run = run_byline(["check", "--site", str(site)])
    assert run.code == 1
    assert [line for line in run.err.splitlines() if ": error: " in line] == [
        "content/authors/dana-reyes.yaml:4: error: broken link to /portfolio/ on "
        "/authors/dana-reyes/ (nothing at /portfolio/): correct the address, or take the "
        "link out"]


# -- footnotes ----------------------------------------------------------------------------

FOOTNOTED = """\
The gala raised $4 million.[^1] Tickets sold out in an hour.[^2]

The host thanked the crew.[^1] A `[^code]` span is text.[^3]

[^1]: Figures from the organisers.
[^3]: The first estimate.
[^3]: The corrected estimate.
[^4]: A note nobody points to.
"""


def test_footnote_slips_are_warnings_at_their_lines_and_the_rest_renders(make_site):
    """Found by a red-team pass: a reference with no note was published as the text
    "[^2]", a second note of one label replaced the first without a word, and a note
    nobody pointed to was listed with a link back to nowhere."""
    site = make_site({"content/articles/gala.md": article("The gala", category="Music",
                                                          body=FOOTNOTED)})
    run = run_byline(["build", "--site", str(site)])
    assert run.code == 0
    story = "content/articles/gala.md"
    assert [line for line in run.err.splitlines() if ": warning: " in line] == [
        f'{story}:7: warning: footnote [^2] has no note, so readers see "[^2]" as text: add '
        'a line "[^2]: …" at the end of the story, or remove it',
        f"{story}:13: warning: footnote [^3] has 2 notes, and readers see only the last: give "
        "each its own label ([^3], [^3b]) or merge them",
        f"{story}:14: warning: the note [^4] is never referred to: readers find it at the end "
        "with a link back to nowhere; put [^4] where it belongs in the story, or remove the "
        "note",
    ]
    html = (site / "output/music/gala/index.html").read_text(encoding="utf-8")
    assert "[^2]" in html  # as the warning says
    assert html.count('class="footnote-ref"') == 3  # [^1] twice and [^3]
    check = run_byline(["check", "--site", str(site)])
    assert sum("footnote [^2] has no note" in line for line in check.err.splitlines()) == 1


def page_file(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n\n{body}\n"


def test_footnotes_written_right_raise_no_warning(make_site):
    body = ("One.[^a] Two.[^b] One again.[^a] In code: `x[^y]`.\n\n"
            "[^a]: First.\n[^b]: Second.\n")
    site = make_site({"content/articles/gala.md": article("The gala", category="Music",
                                                          body=body),
                      "content/pages/about.md": page_file("About", "Us.[^n]\n\n[^n]: Note.")})
    run = run_byline(["build", "--site", str(site)])
    assert (run.code, run.err) == (0, "")


def test_a_page_footnote_with_no_note_is_warned_about_and_fixing_it_quiets_the_warning(
    make_site,
):
    site = make_site({"content/pages/about.md": page_file("About", "We began in 2019.[^1]")})
    run = run_byline(["build", "--site", str(site)])
    assert [line.split(": warning: ")[0] for line in run.err.splitlines()
            if ": warning: " in line] == ["content/pages/about.md:5"]
    (site / "content/pages/about.md").write_text(
        page_file("About", "We began in 2019.[^1]\n\n[^1]: In a garage."), encoding="utf-8")
    run = run_byline(["build", "--site", str(site)])
    assert (run.code, run.err) == (0, "")


FIX = "which Byline does not read, so readers would see it as text:"


def body_warnings(make_site, body: str) -> list[str]:
    """The warnings of a site of one story with this body."""
    site = make_site({"content/articles/a.md": story(category="Music", body=body)})
    return [str(w) for w in build(site).warnings]


def test_other_tools_markup_in_a_body_is_said_at_its_line_with_byline_s_way(make_site):
    # A red-team pass on imported archives: Hugo shortcodes, Liquid tags and WordPress
    # shortcodes reached readers as text (an [embed] as a broken link), without a word.
    body = ("Intro, with [video of the show](https://example.com/v).\n\n"
            "{{< youtube abc123 >}}\n\n"
            "Go to {{ site.url }}/about.\n\n"
            "`{{ shown as code }}`\n\n"
            "```\n{% include video.html %}\n```\n\n"
            "[embed]https://www.youtube.com/watch?v=abc[/embed]\n\n"
            '{{% notice %}}Note{{% /notice %}}\n')
    assert body_warnings(make_site, body) == [
        f"content/articles/a.md:9: warning: '{{{{< youtube abc123 >}}}}' is a Hugo shortcode, "
        f"{FIX} put the video's link alone on its line",
        f"content/articles/a.md:11: warning: '{{{{ site.url }}}}' is a Jekyll (Liquid) tag, "
        f"{FIX} write the address itself (a link starting with / is the site's own)",
        f"content/articles/a.md:19: warning: '[embed]' is a WordPress shortcode, {FIX} put the "
        "link alone on its line",
        f"content/articles/a.md:21: warning: '{{{{% notice %}}}}' is a Hugo shortcode, {FIX} "
        "take it out, or write what it stood for in Markdown"]


def test_other_tools_markup_is_told_from_markdown_of_the_same_look(make_site):
    # A review of the rule: WordPress's own [video …][/video] and a figure shortcode over
    # lines were missed; a reference link [video], indented code and {{x}} were misread.
    body = ("Watch the [video], then read on.\n\n"
            "[video]: https://example.com/v\n\n"
            "Before the code:\n\n"
            "    {{< youtube inside-code >}}\n\n"
            '[video width="1920" mp4="https://example.com/a.mp4"][/video]\n\n'
            "{{< figure\n  src=\"a.jpg\"\n  caption=\"Hi\"\n>}}\n\n"
            "Then {{x}} = 2.\n")
    assert body_warnings(make_site, body) == [
        "content/articles/a.md:15: warning: '[video width=\"1920\" "
        f"mp4=\"https://example.com/a.mp…' is a WordPress shortcode, {FIX} take it out, or "
        "write what it stood for in Markdown",
        f"content/articles/a.md:17: warning: '{{{{< figure' is a Hugo shortcode, {FIX} write the "
        'photo as ![What it shows](photo.jpg "Caption"){credit="Name/Agency"}',
        f"content/articles/a.md:22: warning: '{{{{x}}}}' is a Jekyll (Liquid) tag, {FIX} take it "
        "out, or write what it stood for in Markdown"]


def story_with_photo(make_site, body: str, photo: str):
    """A site of one story with this body and a photo beside it, built: the build's result
    and the story's page."""
    site = make_site({"content/articles/a.md": story(category="Music", body=body),
                      f"content/articles/{photo}": photo_bytes()})
    result = build(site)
    return result, page(site, result.content.articles[0].url)


def test_an_exporters_figure_is_a_figure_and_markdown_inside_html_is_said(make_site):
    # A red-team pass over a WordPress migration: wordpress-export-to-markdown writes each
    # captioned photo as Markdown inside <figure>…<figcaption>, which Python-Markdown takes
    # for HTML: readers saw "![The band on stage](stage.jpg)" and the photo was never
    # published, without a word.  A shortcode's "[/embed]" was taken into the link before it.
    body = ("The festival opened.\n\n"
            "<figure>\n\n![The band on stage](stage.jpg)\n\n<figcaption>\n\n"
            'The band on "stage", opening night.\n\n</figcaption>\n\n</figure>\n\n'
            '<div class="note">\nRead [the statement](https://label.example/s).\n\n'
            "![Poster](poster.jpg)\n</div>\n\n"
            "<pre>\n![an example](x.jpg)\n</pre>\n\n"
            "[embed]https://www.youtube.com/watch?v=abc123[/embed]\n")
    result, shown = story_with_photo(make_site, body, "stage.jpg")
    inside_html = ("is written in Markdown inside a block of HTML, where Markdown is not read: "
                   "readers would see its brackets as text")
    advice = "take it out of the HTML, with a blank line above and below it, or write it in HTML"
    assert [str(w) for w in result.warnings if "stage.jpg" not in str(w)] == [
        f"content/articles/a.md:22: warning: this link {inside_html}; {advice}",
        f"content/articles/a.md:24: warning: this photo {inside_html}, and the photo is not "
        f"published; {advice}",
        f"content/articles/a.md:31: warning: '[embed]' is a WordPress shortcode, {FIX} put the "
        "link alone on its line"]
    figure = shown.select_one("figure.photo")
    assert figure is not None and figure.img["alt"] == "The band on stage"
    assert figure.figcaption.get_text(" ", strip=True) == 'The band on “stage”, opening night.'
    assert "![The band" not in shown.get_text()
    assert [a["href"] for a in shown.select("a[href*=youtube]")] == [
        "https://www.youtube.com/watch?v=abc123"]



def test_each_markdown_link_inside_html_is_said_at_its_own_line(make_site):
    # A review: a tour table's "[Tickets](…)" on three rows was said once, at the first row;
    # a link shown as code inside the block was warned about too.
    body = ('<table class="tour">\n'
            "<tr><td>Seattle</td><td>[Tickets](https://tickets.example/1)</td></tr>\n"
            "<tr><td>Portland</td><td>[Tickets](https://tickets.example/1)</td></tr>\n"
            "<tr><td>Denver</td><td>[Tickets](https://tickets.example/1)</td></tr>\n"
            "<tr><td><code>[shown](https://as.code/)</code></td></tr>\n"
            "</table>\n")
    assert [w.split(": warning: ")[0] for w in body_warnings(make_site, body)] == [
        "content/articles/a.md:8", "content/articles/a.md:9", "content/articles/a.md:10"]


def test_pasted_embed_code_indented_with_a_tab_is_said_at_its_line(make_site):
    # A third review: Python-Markdown makes a tab four spaces in the blocks it sets aside,
    # and the warning about embed code so indented came with no line.
    body = ("Listen:\n\n<div>\n\t<iframe\tsrc=\"https://w.soundcloud.com/player/?url=x\" "
            "title=\"The track\"></iframe>\n</div>\n")
    assert [w.split(": warning: ")[0] for w in body_warnings(make_site, body)] == [
        "content/articles/a.md:10"]


def test_a_photo_linked_to_its_own_full_size_is_a_figure(make_site):
    # A red-team pass over a WordPress migration: "Link to: Media file" exports each photo as
    # [![Alt](crowd-1024x683.jpg)](…/crowd.jpg), which was shown as a 54×36 icon.  A photo
    # linking elsewhere stays the link it is.
    body = ("[![Thousands at the main stage](crowd.jpg)](https://old.example/wp-content/"
            "uploads/crowd.jpg?w=2048)\n\n"
            "[![The label's logo](crowd.jpg)](https://label.example/)\n\n"
            # A review: WordPress's gallery of such photos was still shown as thumbnails.
            "[![First night](crowd.jpg)](/wp-content/uploads/crowd-scaled.jpg)\n"
            "[![Second night](crowd.jpg)](/wp-content/uploads/CROWD-rotated.JPG)\n\n"
            # A second: a credit a licence asks for, a link to the photo's page, was dropped.
            "[![By Jane Doe, CC BY-SA](crowd.jpg)](https://commons.wikimedia.org/wiki/"
            "File:Crowd.jpg)\n")
    _, shown = story_with_photo(make_site, body, "crowd.jpg")
    figures = shown.select(".article__body figure.photo")
    assert [f.img["alt"] for f in figures] == ["Thousands at the main stage", "First night",
                                               "Second night"]
    assert [f.img["alt"] for f in shown.select(".gallery figure")] == ["First night",
                                                                       "Second night"]
    assert [a.img["alt"] for a in shown.select(".article__body a[href*=wikimedia]")] == [
        "By Jane Doe, CC BY-SA"]
    assert figures[0].find_parent("a") is None
    assert [a.img["alt"] for a in shown.select(".article__body a[href='https://label.example/']")
            ] == ["The label's logo"]


# -- backslash escapes, as converters write them ------------------------------------------


def test_a_backslash_before_any_punctuation_is_an_escape_in_bodies_and_captions(make_site):
    # A red-team pass: pandoc's "\$20 million" and "\@maraquell" showed readers the backslash.
    site = make_site({
        "content/articles/a/index.md": story(
            category="Music",
            body='It costs \\$20 million, says \\@maraquell \\<3 \\~ a\\:b \\"q\\"\n\n'
                 '![Crowd](crowd.jpg "Fans paid \\$20")'),
        "content/articles/a/crowd.jpg": photo_bytes()})
    build(site)
    html = page(site, "/music/a/")
    text = html.select_one(".article__body p").get_text()
    assert text == 'It costs $20 million, says @maraquell <3 ~ a:b "q"'
    assert html.select_one(".article__body figcaption").get_text(" ", strip=True).startswith(
        "Fans paid $20")


def test_a_link_label_defined_twice_goes_to_the_first_and_the_second_is_said(make_site):
    # A red-team pass: a pasted paragraph's own "[1]: …" sent the story's earlier [1] there.
    site = make_site({"content/articles/a.md": story(
        category="Music", body="See [the report][1].\n\n[1]: https://one.example/report\n"
                               "[1]: https://two.example/other\n")})
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        "content/articles/a.md:10: warning: [1] is defined again here, with another address "
        "than on line 9: links to [1] go to the first, as in most editors' previews; give this "
        "one a label of its own"]
    link = page(site, "/music/a/").select_one(".article__body p a")
    assert link["href"] == "https://one.example/report"
