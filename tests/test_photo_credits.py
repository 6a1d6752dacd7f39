"""One list of an article's photos, and one rule for a photo without a credit.

The build, the preview's patch and `byline check` all warn about a missing credit through
``image_stage.missing_credits``; the image stage, the checks and the render keys all list an
article's photos through ``model.images_of`` / ``photos_of``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.check import check_site
from generator.model import images_of, photos_of
from tests.conftest import SiteFiles, article, build, photo_bytes
from tests.outcome import run_byline

Make = Callable[[SiteFiles], Path]
STORY = "content/articles/gala/index.md"
STORY_URL = "/music/gala/"
HINT = "(agency photos usually carry it in their metadata)"

# Line 6 of the file is the hero; the body starts on line 9.
BODY = """\
Intro.

![The carpet](figure.jpg "On the carpet.")

![One](one.jpg "First.")
![Two](two.jpg "Second.")

A small ![icon](icon.png) in a sentence.
"""
PHOTOS: SiteFiles = {
    "content/articles/gala/hero.jpg": photo_bytes((1200, 800), colour=(150, 20, 40)),
    "content/articles/gala/figure.jpg": photo_bytes((900, 600), colour=(20, 150, 40)),
    "content/articles/gala/one.jpg": photo_bytes((600, 900), colour=(20, 40, 150)),
    "content/articles/gala/two.jpg": photo_bytes((600, 900), colour=(200, 200, 40)),
    "content/articles/gala/icon.png": photo_bytes((32, 32), "PNG"),
}


def gala(make_site: Make, hero: str = "{image: hero.jpg, alt: The carpet}") -> Path:
    text = article("The gala", body=BODY, category="Music", dek="Who wore what.", hero=hero)
    return make_site({STORY: text, **PHOTOS})


def warning_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": warning: " in line]


def test_one_uncredited_photo_is_one_warning_line_in_build_and_the_same_in_check(
    make_site: Make,
) -> None:
    site = make_site({
        STORY: article("The gala", body="Intro.", category="Music", dek="Who wore what.",
                       hero="{image: hero.jpg, alt: The carpet}"),
        "content/articles/gala/hero.jpg": photo_bytes((1200, 800)),
    })
    expected = [f"{STORY}:6: warning: hero photo hero.jpg has no credit: add credit: "
                f"Name/Agency to the hero {HINT}"]
    built = run_byline(["build", "--site", str(site)])
    assert built.code == 0
    assert warning_lines(built.err + built.out) == expected
    checked = run_byline(["check", "--site", str(site)])
    assert checked.code == 0
    assert warning_lines(checked.err + checked.out) == expected
    assert "Check: 0 errors, 1 warning" in checked.err  # counted, though printed once


def test_every_place_sees_the_hero_the_figure_and_the_gallery(make_site: Make) -> None:
    site = gala(make_site)
    result = build(site)
    assert result.content is not None
    story = result.content.articles[0]
    assert [(r.role, r.src) for r in photos_of(story)] == [
        ("hero", "hero.jpg"), ("figure", "figure.jpg"), ("slide", "one.jpg"), ("slide", "two.jpg")]
    # The small inline image is planned too, but is no photo: it needs no credit.
    assert [r.src for r in images_of(story)] == [
        "hero.jpg", "figure.jpg", "one.jpg", "two.jpg", "icon.png"]

    # Credits: the build warns once per photo, at its own line, and the check says the same.
    credits = [str(w) for w in result.warnings if "has no credit" in str(w)]
    assert credits == [
        f"{STORY}:6: warning: hero photo hero.jpg has no credit: add credit: Name/Agency to "
        f"the hero {HINT}",
        f'{STORY}:11: warning: photo figure.jpg has no credit: add credit="Name/Agency" {HINT}',
        f'{STORY}:13: warning: photo one.jpg has no credit: add credit="Name/Agency" {HINT}',
        f'{STORY}:14: warning: photo two.jpg has no credit: add credit="Name/Agency" {HINT}',
    ]
    # The check of the built files has no rule of its own: `byline check` reports the build's
    # warnings (see the test above), so the same photo is never said twice in two wordings.
    checked = check_site(site / "output", "https://news.example/", result.content.articles)
    assert [str(p) for p in checked if "credit" in str(p)] == []

    # Image planning: every photo has its resized copies in the output.
    made = {p.name.split(".")[0] for p in (site / "output" / "images").iterdir()}
    assert {"hero", "figure", "one", "two", "icon"} <= made

    # The article page's key: replacing any one photo's pixels rewrites the page.
    article_file = STORY_URL.strip("/") + "/index.html"
    for name, colour in (("hero", (1, 2, 3)), ("figure", (4, 5, 6)), ("two", (7, 8, 9))):
        size = (1200, 800) if name == "hero" else (900, 600) if name == "figure" else (600, 900)
        (site / f"content/articles/gala/{name}.jpg").write_bytes(photo_bytes(size, colour=colour))
        rebuilt = build(site)
        assert article_file in rebuilt.changed, name


def test_a_credit_in_the_markdown_or_the_file_silences_build_and_check_alike(
    make_site: Make,
) -> None:
    from PIL import Image

    site = gala(make_site, hero="{image: hero.jpg, alt: The carpet, credit: Ines Park/Wire}")
    exif = Image.Exif()
    exif[0x013B] = "Ana Wire/Agency"  # EXIF Artist
    Image.new("RGB", (900, 600)).save(site / "content/articles/gala/figure.jpg", exif=exif)
    blank = (site / STORY).read_text(encoding="utf-8").replace(
        '![One](one.jpg "First.")', '![One](one.jpg "First."){credit="  "}')
    (site / STORY).write_text(blank, encoding="utf-8")
    result = build(site)
    assert result.content is not None
    credits = [str(w) for w in result.warnings if "has no credit" in str(w)]
    # A blank credit is none; the figure's is in its file; the hero's is written.
    assert [c.split(": warning: ")[1].split(" has")[0] for c in credits] == [
        "photo one.jpg", "photo two.jpg"]
    # The check of the built files has no rule of its own: `byline check` reports the build's
    # warnings (see the test above), so the same photo is never said twice in two wordings.
    checked = check_site(site / "output", "https://news.example/", result.content.articles)
    assert [str(p) for p in checked if "credit" in str(p)] == []


def test_a_credit_whose_quote_is_never_closed_is_a_warning_and_shown_without_it(
    make_site: Make,
) -> None:
    """Found by a red-team pass: {credit="Ines Park} was published as the credit '"Ines
    Park', with no word to the writer."""
    site = make_site({
        STORY: article("The gala", body='Intro.\n\n![The carpet](figure.jpg "On the carpet.")'
                       '{credit="Wire}', category="Music"),
        "content/articles/gala/figure.jpg": photo_bytes((900, 600)),
    })
    built = run_byline(["build", "--site", str(site)])
    assert built.code == 0
    assert f'{STORY}:9: warning: the credit "Wire opens a quote that is never closed: close ' \
        'it, e.g. {credit="Ines Park/Marquee Wire"}' in warning_lines(built.err)
    page = (site / "output/music/gala/index.html").read_text(encoding="utf-8")
    assert "Photo: Wire" in page and "&#34;Wire" not in page


def gala_with_a_photo(make_site: Make, body: str) -> Path:
    """A site whose one story has ``body`` and a photo beside it, figure.jpg."""
    return make_site({STORY: article("The gala", category="Music", body=body),
                      "content/articles/gala/figure.jpg": photo_bytes((900, 600))})


def built_story(site: Path) -> tuple[list[str], str]:
    """The warnings of a build that exits 0, and the one story's page."""
    built = run_byline(["build", "--site", str(site)])
    assert built.code == 0, built.err
    return warning_lines(built.err), (site / "output/music/gala/index.html").read_text(
        encoding="utf-8")


def cleanly_built_story(site: Path) -> str:
    """The one story's page, after a build that exits 0 with no warning."""
    warnings, page = built_story(site)
    assert warnings == []
    return page


def test_a_photo_whose_attribute_list_is_never_closed_is_a_warning_at_its_line(
    make_site: Make,
) -> None:
    """Found by a red-team pass: without its closing brace, the photo was published inline
    with '{credit="Wire"' as text after it, its caption and credit lost, and no word."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n![The carpet](figure.jpg "On the carpet."){credit="Ines Park/Wire"\n\n'
        "Code: `![x](y.jpg){z` is the writer's text, and so is {this}."))
    built = run_byline(["build", "--site", str(site)])
    assert built.code == 0
    assert warning_lines(built.err)[0] == (
        f"{STORY}:9: warning: this photo's {{credit=\"Ines Park/Wire\" is never closed with }}: "
        "readers would see it as text, and the photo would lose its caption and credit; close "
        'it: {credit="Ines Park/Wire"}')
    assert len([w for w in warning_lines(built.err) if "never closed" in w]) == 1
    (site / STORY).write_text(article("The gala", category="Music", body=(
        'Intro.\n\n![The carpet](figure.jpg "On the carpet."){credit="Ines Park/Wire"}')),
        encoding="utf-8")
    page = cleanly_built_story(site)
    assert "Photo: Ines Park/Wire" in page


def test_a_credit_written_with_spaces_around_the_equals_sign_is_read(make_site: Make) -> None:
    """Found by a red-team pass: Python-Markdown read {credit = "Ines Park/Wire"} as no
    credit at all, and the build then told the writer to add the credit they had written."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n![The carpet](figure.jpg "On the carpet."){ credit = "Ines Park = Wire" }'
        "\n\nIn code, `a = b` stays as written."))
    page = cleanly_built_story(site)
    assert "Photo: Ines Park = Wire" in page and "<code>a = b</code>" in page


def test_a_credit_with_quotes_inside_it_is_kept_whole(make_site: Make) -> None:
    """Found by a red-team pass: {credit="Courtesy "The Bear"/FX"} was published as the
    credit "Courtesy ", the rest of it lost, with no word."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n![The carpet](figure.jpg "On the carpet."){credit="Courtesy "The Bear"/FX" '
        '.wide}'))
    page = cleanly_built_story(site)
    assert '<small class="photo__credit">Courtesy “The Bear”/FX</small>' in page


def test_a_credit_with_angle_brackets_is_shown_as_typed(make_site: Make) -> None:
    """Found by a red-team pass: {credit="Reuters <Pool>"} was published, on the page and
    in every feed, as "Reuters wzxhzdk:0" (Python-Markdown's placeholder for HTML)."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n![The <Pool> carpet](figure.jpg "On the carpet."){credit="Reuters <Pool>"}'))
    page = cleanly_built_story(site)
    assert '<small class="photo__credit">Photo: Reuters &lt;Pool&gt;</small>' in page
    assert 'alt="The &lt;Pool&gt; carpet"' in page
    for feed in ("feed.xml", "rss.xml", "feed.json"):
        assert "wzxhzdk" not in (site / "output" / feed).read_text()


def test_a_photo_in_pasted_html_is_a_warning_with_the_markdown_to_write(make_site: Make) -> None:
    """Found by a red-team pass: <img src="figure.jpg"> pasted from another CMS was
    published as written, though Byline publishes a photo only when the Markdown names it:
    a broken image, with the file right beside the story and no word at build time."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n<p><img src="figure.jpg" alt="The carpet"></p>\n\n'
        '```\n<img src="in-code.jpg">\n```\n\n'
        'An icon <img src="/icons/star.png" alt=""> from static/, and '
        '<img src="https://cdn.example/a.jpg" alt="elsewhere">.'))
    assert built_story(site)[0] == [
        f"{STORY}:9: warning: this <img> is HTML, which Byline publishes as it is written: "
        "figure.jpg is not published with it, so readers would see a broken image; write it "
        "as a photo: ![The carpet](figure.jpg)"]


def test_a_photo_sharing_its_paragraph_with_text_is_a_warning_at_its_own_line(
    make_site: Make,
) -> None:
    """Found by a red-team pass: a photo with text on the very next line, or in a list, is
    one paragraph with it, shown inline without its caption and credit, with no word; and
    a warning about a photo named the line of another use of the same file."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n![Mara](figure.jpg "Opening night."){credit="Ines Park/Wire"}\n'
        "She played two hours.\n\nAn icon ![star](figure.jpg) in a sentence says nothing.\n\n"
        '- ![Mara](figure.jpg){credit="Ines Park/Wire"}\n\n'
        '![Mara](figure.jpg "Opening night of the \\"Signal\\" tour."){credit="Ines Park/Wire"}'))
    warnings, page = built_story(site)
    shares = ("shares its paragraph with text, so it is shown small inside the text and its "
              "caption and credit are lost: put a blank line before and after it")
    assert warnings == [f"{STORY}:9: warning: photo figure.jpg {shares}",
                        f"{STORY}:14: warning: photo figure.jpg {shares}"]
    assert 'Opening night of the “Signal” tour.' in page


def test_a_linked_photo_alone_in_its_paragraph_is_told_what_a_link_does(make_site: Make) -> None:
    """Found by a red-team pass: it was told it shared its paragraph with text, and to put a
    blank line around it, which it had."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n[![Mara](figure.jpg "Opening night."){credit="Ines Park/Wire"}]'
        "(https://wire.example/gallery)\n\nAfter."))
    warnings, _page = built_story(site)
    assert warnings == [
        f"{STORY}:9: warning: photo figure.jpg is a link, so it is shown small inside it and "
        "its caption and credit are lost: take the link off to show it as a figure, and put "
        "the link in its caption instead"]


def test_a_credit_in_typographic_quotes_or_after_a_space_is_read(make_site: Make) -> None:
    """Found by a red-team pass: {credit=“Ines Park/Wire”}, as Word types it, was cut to
    "“Ines", and a space before the brace showed the whole list as text, the caption lost."""
    site = gala_with_a_photo(make_site, (
        'Intro.\n\n![The carpet](figure.jpg "On the carpet."){credit=“Ines Park/Wire”}\n\n'
        '![The carpet](figure.jpg "Later.") {credit="Theo Mar/Wire"}'))
    page = cleanly_built_story(site)
    for credit in ("Ines Park/Wire", "Theo Mar/Wire"):
        assert f'<small class="photo__credit">Photo: {credit}</small>' in page


def test_a_credit_typed_in_the_caption_is_named_in_the_fix(make_site: Make) -> None:
    body = ('Intro.\n\n![The carpet](figure.jpg "On the carpet (Credit: AP)")\n\n'
            '![One](one.jpg "The photo: a mess")\n')
    site = make_site({
        STORY: article("The gala", body=body, category="Music", dek="Who wore what.",
                       hero='{image: hero.jpg, alt: The carpet, caption: "Zendaya at the '
                            'premiere. Photo: Jerod Harris/Getty Images"}'),
        **PHOTOS,
    })
    built = run_byline(["build", "--site", str(site)])
    moved = "and take it out of the caption, where it is shown as the caption's words"
    assert warning_lines(built.err + built.out) == [
        f"{STORY}:6: warning: hero photo hero.jpg has no credit: add credit: "
        f"Jerod Harris/Getty Images to the hero {moved}",
        f'{STORY}:11: warning: photo figure.jpg has no credit: add credit="AP" {moved}',
        # "The photo:" starts no credit: the usual advice.
        f'{STORY}:13: warning: photo one.jpg has no credit: add credit="Name/Agency" {HINT}',
    ]


def test_an_exif_artist_written_in_utf8_is_credited_as_written() -> None:
    # A red-team pass: exiftool and Windows write UTF-8 in EXIF Artist, which Pillow reads
    # byte by byte as Latin-1: "Photo: JosÃ© GarcÃ­a/AgÃªncia" on the page and in the feeds.
    import io

    from PIL import Image

    from generator.images.credit import read_credit

    for artist in ("José García/Agência", "Ana Wire/Agency"):
        exif = Image.Exif()
        exif[0x013B] = artist.encode("utf-8")  # the bytes exiftool writes
        buffer = io.BytesIO()
        Image.new("RGB", (60, 40)).save(buffer, "JPEG", exif=exif)
        assert read_credit(Image.open(buffer)) == artist
