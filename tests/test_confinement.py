"""Nothing derived from input escapes the output folder, reaches a host's rules, or runs as a link.

Each test does what an attacker (or an unlucky writer) did: a climbing alias or permalink, a
symlink out of the site, a line break in an alias that would become a ``_redirects`` rule, a
``javascript:`` link in an author file, option-like values for git and S3.  Where a file lies
beside the site, the test checks that it survives, byte for byte, and that nothing else outside
``output/`` changed.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import BuildFailed, PublishError
from generator.publish import make_target
from generator.render.hosting import headers_file, redirects_file
from generator.slugs import is_script_link, link_problem, site_path_problem

from .conftest import SITE_YAML, article, page, photo_bytes, write_files
from .outcome import build_outcome, snapshot
from .test_publish import aws_env, bucket, moto_endpoint, write_site  # noqa: F401  (fixtures)

VICTIM = b"A file that is not Byline's.\n"
FIX_ALIAS = "an alias is a path on this site such as /old-slug/"


def around(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except what a build owns (output/ and the cache)."""
    owned = ("site/output/", "site/.byline-cache/")
    return {name: data for name, data in snapshot(root).items() if not name.startswith(owned)}


def errors_of(run: Any) -> list[str]:
    """The error lines a failed build printed, in order."""
    return [line for line in run.err.splitlines()
            if ": error: " in line and not line.startswith("byline: ")]


@pytest.fixture
def hostile_site(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """A site at tmp_path/site with a victim file at tmp_path/victim/notes.txt beside it."""
    write_files(tmp_path, {"victim/notes.txt": VICTIM})

    def make(files: dict[str, str | bytes]) -> Path:
        return write_files(tmp_path / "site", {"site.yaml": SITE_YAML, **files})

    return make


# --- aliases and permalinks ----------------------------------------------------------------


def test_an_alias_climbing_out_is_an_error_and_the_file_beside_the_site_survives(
    hostile_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = hostile_site({"content/articles/a.md": article(category="Music")})
    assert build_outcome(site).code == 0
    before, output = around(tmp_path), snapshot(site / "output")
    (site / "content/articles/a.md").write_text(
        article(category="Music", aliases='["/../../victim/notes.txt"]'))
    run = build_outcome(site, previous=output)
    assert errors_of(run) == [
        'content/articles/a.md:5: error: alias "/../../victim/notes.txt" leaves the site: '
        f"{FIX_ALIAS}"
    ]
    assert around(tmp_path) == {**before, "site/content/articles/a.md": around(tmp_path)[
        "site/content/articles/a.md"]}
    # The writer removes the alias again: the next build neither writes nor deletes outside.
    (site / "content/articles/a.md").write_text(article(category="Music"))
    assert build_outcome(site).code == 0
    assert (tmp_path / "victim/notes.txt").read_bytes() == VICTIM
    assert around(tmp_path) == {**before, "site/content/articles/a.md": (
        site / "content/articles/a.md").read_bytes()}


@pytest.mark.parametrize(
    ("alias", "written", "problem"),
    [
        ("/../../victim/", '"/../../victim/"', "leaves the site"),
        ("/music/../../../victim/notes.txt", '"/music/../../../victim/notes.txt"',
         "leaves the site"),
        ("/..", '"/.."', "leaves the site"),
        ("../victim/", '"../victim/"', "is not a path on this site (it must start with /)"),
        ("/..\\\\..\\\\victim/", '"/..\\..\\victim/"',
         "has a backslash in it (\\): folders are separated by /"),
        ("/old\\0/", '"/old\\x00/"', "has a space, line break or control character in it"),
        ("/old page/", '"/old page/"', "has a space, line break or control character in it"),
        ("//evil.example/", '"//evil.example/"', "has an empty or '.' folder in it (// or /./)"),
        ("/./old/", '"/./old/"', "has an empty or '.' folder in it (// or /./)"),
        ("/old?id=3", '"/old?id=3"', "has a ? or # in it, which a static site cannot tell apart"),
        # %-escapes are read as the server reads them: decoded, then checked.
        ("/%2e%2e/%2E%2E/victim/", '"/%2e%2e/%2E%2E/victim/"', "leaves the site"),
        ("/old%20page/", '"/old%20page/"', "has a space, line break or control character in it"),
        ("/beyonc%E9/", '"/beyonc%E9/"',
         "has a %-escape that is no UTF-8 text (copy the address again)"),
    ],
)
def test_an_alias_that_is_not_a_plain_site_path_is_an_error_at_its_line(
    hostile_site: Callable[..., Path], tmp_path: Path, alias: str, written: str, problem: str
) -> None:
    # Written as a block list in YAML double quotes, so \\ and \0 reach the alias as typed.
    text = article(aliases=f'\n  - /fine-old-url/\n  - "{alias}"')
    site = hostile_site({"content/articles/a.md": text})
    before = around(tmp_path)
    run = build_outcome(site, previous={})
    assert errors_of(run) == [f"content/articles/a.md:6: error: alias {written} {problem}: "
                              f"{FIX_ALIAS}"]
    assert around(tmp_path) == before
    assert not (site / "output").exists()


def test_an_alias_copied_from_the_address_bar_redirects_from_the_address_readers_ask_for(
    hostile_site: Callable[..., Path]
) -> None:
    """Found by a red-team pass: the redirect page went into a folder literally named
    beyonc%C3%A9, which no server looks in (it decodes the address first): a 404."""
    site = hostile_site({"content/articles/a.md": article(
        aliases="[/musique/beyonc%C3%A9-tourn%C3%A9e/]")})
    assert build_outcome(site).code == 0
    moved = site / "output/musique/beyoncé-tournée/index.html"
    assert 'http-equiv="refresh"' in moved.read_text()
    assert not (site / "output/musique/beyonc%C3%A9-tourn%C3%A9e").exists()


def test_a_page_alias_is_checked_too(hostile_site: Callable[..., Path]) -> None:
    site = hostile_site({"content/pages/about.md":
                         '---\ntitle: About\naliases: ["/../about-us/"]\n---\nHello.\n'})
    run = build_outcome(site)
    assert errors_of(run) == [
        f'content/pages/about.md:3: error: alias "/../about-us/" leaves the site: {FIX_ALIAS}'
    ]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("/../../{slug}/", '"/../../{slug}/" leaves the site: write a path on this site such as '
                           "/{category}/{slug}/"),
        # An article with no category drops that part: the pattern becomes /../slug/.
        ("/..{category}/{slug}/", '"/..{category}/{slug}/" leaves the site: write a path on '
                                  "this site such as /{category}/{slug}/"),
        ("/{year}/\\\\{slug}/", '"/{year}/\\{slug}/" has a backslash in it (\\): folders are '
                                "separated by /: write a path on this site such as "
                                "/{category}/{slug}/"),
        ("/news now/{slug}/", '"/news now/{slug}/" has a space, line break or control character '
                              "in it: write a path on this site such as /{category}/{slug}/"),
        ("/{slug.__class__}/{slug}/", "may only use {category}, {slug}, {year}, {month}, {day}"),
        ("/{slug:/>40}/{slug}/", "may only use {category}, {slug}, {year}, {month}, {day}"),
        ("/{slug!r}/{slug}/", "may only use {category}, {slug}, {year}, {month}, {day}"),
    ],
)
def test_a_permalink_climbing_out_is_an_error_at_its_line(
    hostile_site: Callable[..., Path], tmp_path: Path, pattern: str, problem: str
) -> None:
    site = hostile_site({
        "site.yaml": SITE_YAML + f'permalink: "{pattern}"\n',
        "content/articles/a.md": article(),
        "content/articles/b.md": article(title="Other", category="Music"),
    })
    before = around(tmp_path)
    run = build_outcome(site, previous={})
    assert errors_of(run) == [f"site.yaml:7: error: 'permalink' {problem}"]
    assert around(tmp_path) == before


def test_a_permalink_inside_the_site_still_works(hostile_site: Callable[..., Path]) -> None:
    site = hostile_site({
        "site.yaml": SITE_YAML + 'permalink: "/{year}/{month}/{category}/{slug}/"\n',
        "content/articles/a.md": article(slug="no-category"),
        "content/articles/b.md": article(title="Other", category="Music", slug="in-music"),
    })
    assert build_outcome(site).code == 0
    assert page(site, "/2026/11/no-category/").title.string.startswith("A headline")
    assert (site / "output/2026/11/music/in-music/index.html").is_file()


def test_a_theme_name_that_is_a_path_is_an_error(hostile_site: Callable[..., Path]) -> None:
    site = hostile_site({"site.yaml": SITE_YAML + "theme: ../../victim\n",
                         "content/articles/a.md": article()})
    run = build_outcome(site)
    assert errors_of(run) == ["site.yaml:7: error: 'theme' \"../../victim\" must be the name of "
                              "a folder in themes/, such as default"]


def test_a_manifest_url_climbing_out_is_an_error(
    hostile_site: Callable[..., Path], tmp_path: Path
) -> None:
    manifest = {"version": 1, "articles": {"articles/a.md": ["/../../victim/notes.txt"]}}
    site = hostile_site({"content/articles/a.md": article(category="Music"),
                         ".byline/published.json": json.dumps(manifest)})
    before = around(tmp_path)
    run = build_outcome(site, previous={})
    assert errors_of(run) == [
        '.byline/published.json: error: .byline/published.json lists the URL '
        '"/../../victim/notes.txt", which leaves the site; restore the file from git'
    ]
    assert around(tmp_path) == before


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("tags: [Oscars, '!!!']", "error: tag \"!!!\" has no letter or digit to make the address "
                                  "of its page from: write the tag in words, e.g. [Oscars, Red "
                                  "carpet]"),
        ("category: '...'", "error: category \"...\" has no letter or digit to make the address "
                            "of its page from: write the category in words, e.g. Music"),
        ("author: '--'", "error: author \"--\" has no letter or digit to make the address of the "
                         "author's page from: write the author's name"),
        # A sentence pasted where a name goes: its folder's name would be too long for any
        # file system (found by a red-team pass: one line with no file, or the wrong fix).
        (f"tags: [{'Very long tag ' * 25}]", f"error: tag \"{('Very long tag ' * 5)[:57]}…\" "
         "is too long to make the address of its page from: write the tag in words, e.g. "
         "[Oscars, Red carpet]"),
        (f"category: {'Music ' * 60}", f"error: category \"{('Music ' * 12)[:57]}…\" is too "
         "long to make the address of its page from: write the category in words, e.g. Music"),
        (f"author: {'Sam Ortiz ' * 30}", f"error: author \"{('Sam Ortiz ' * 7)[:57]}…\" is "
         "too long to make the address of the author's page from: write the author's name"),
    ],
)
def test_a_term_with_no_address_is_an_error(
    hostile_site: Callable[..., Path], field: str, line: str
) -> None:
    name, value = field.split(": ", 1)
    site = hostile_site({"content/articles/a.md": article(**{name: value})})
    assert errors_of(build_outcome(site)) == [f"content/articles/a.md:4: {line}"]


def test_an_alias_on_a_page_byline_makes_names_the_article(
    hostile_site: Callable[..., Path]
) -> None:
    # Found by the alias fuzz test: the clash was reported with no file to look in.
    site = hostile_site({"content/articles/a.md": article(aliases="[/]")})
    assert errors_of(build_outcome(site)) == [
        "content/articles/a.md:4: error: /index.html is a page Byline makes itself (a "
        "section's or tag's list, the archive, a feed), and the address set here would be "
        "written over it: choose another address: another slug:, another file name, or take "
        "it out of the aliases"
    ]


def test_a_static_file_on_a_page_byline_makes_is_named_with_the_fix_for_a_file(
    hostile_site: Callable[..., Path]
) -> None:
    # Found by a red-team pass: named no file, and said to change a slug or the aliases.
    site = hostile_site({"content/articles/a.md": article(),
                         "static/index.html": "<h1>Our old landing page</h1>\n"})
    assert errors_of(build_outcome(site)) == [
        "static/index.html: error: /index.html is a page Byline makes itself (a section's or "
        "tag's list, the archive, a feed), and this file would be written over it: rename "
        "the file, or move it into a folder of its own"
    ]


@pytest.mark.parametrize("alias", ["/_redirects", "/_headers"])
def test_an_alias_in_the_way_of_a_hosting_file_is_an_error_and_output_is_kept(
    hostile_site: Callable[..., Path], alias: str
) -> None:
    """Found by a red-team pass: the alias's page made the folder ``_redirects/`` where the
    host's rules go; the commit failed half-way, naming no story, and output/ had changed."""
    site = hostile_site({"content/articles/a.md": article(),
                         "static/.keep": ""})
    assert build_outcome(site).code == 0
    before = snapshot(site / "output")
    (site / "content/articles/b.md").write_text(article(title="B", aliases=f"['{alias}']"))
    assert errors_of(build_outcome(site, previous=before)) == [
        f"content/articles/b.md:4: error: the address set here is a page in the folder "
        f"{alias}/, and Byline writes its own file {alias}: choose another address: another "
        "slug:, another file name, or take it out of the aliases"]


def test_a_static_file_in_the_way_of_a_pages_folder_is_named(
    hostile_site: Callable[..., Path]
) -> None:
    site = hostile_site({"content/articles/a.md": article(category="Music"),
                         "static/music": "not a folder\n"})
    assert errors_of(build_outcome(site, previous={})) == [
        "static/music: error: this file would be written to /music, where Byline writes "
        "/music/a/index.html (from content/articles/a.md:2), which needs a folder of that "
        "name: rename the file, or move it into a folder of its own"]


def test_a_static_file_added_in_the_way_of_a_built_pages_folder_is_named(
    hostile_site: Callable[..., Path]
) -> None:
    """Found by a review: the second build plans from the first's record, which did not
    plan the section's pages again, and the commit then called /music in output/ someone
    else's file to move out."""
    site = hostile_site({"content/articles/a.md": article(category="Music"),
                         "static/.keep": ""})
    assert build_outcome(site).code == 0
    before = snapshot(site / "output")
    (site / "static/music").write_text("not a folder\n")
    assert errors_of(build_outcome(site, previous=before)) == [
        "static/music: error: this file would be written to /music, where Byline writes "
        "/music/a/index.html, which needs a folder of that name: rename the file, or move it "
        "into a folder of its own"]


def test_a_static_file_added_inside_a_built_file_is_named(
    hostile_site: Callable[..., Path]
) -> None:
    site = hostile_site({"content/articles/a.md": article(), "static/.keep": ""})
    assert build_outcome(site).code == 0
    before = snapshot(site / "output")
    (site / "static/feed.xml").mkdir()
    (site / "static/feed.xml/old.xml").write_text("<rss/>\n")
    assert errors_of(build_outcome(site, previous=before)) == [
        "static/feed.xml/old.xml: error: this file is in the folder /feed.xml/, and Byline "
        "writes its own file /feed.xml: move this file out of that folder"]


@pytest.mark.parametrize("alias", ["/.htaccess", "/.git/config", "/old/.env/"])
def test_an_alias_to_a_hidden_file_is_an_error(
    hostile_site: Callable[..., Path], alias: str
) -> None:
    """Found by a red-team pass: ``/.htaccess`` got the redirect page's HTML (every page of
    an Apache site then answers 500), with nothing said."""
    site = hostile_site({"content/articles/a.md": article(aliases=f"['{alias}']")})
    assert errors_of(build_outcome(site, previous={})) == [
        f'content/articles/a.md:4: error: alias "{alias}" names a file or folder starting '
        "with a dot, where web servers and git keep their own files, never a page: "
        f"{FIX_ALIAS}"]
    assert not (site / "output" / alias.strip("/")).exists()


# --- _redirects and _headers ---------------------------------------------------------------


def test_an_alias_with_a_line_break_never_becomes_a_redirect_rule(
    hostile_site: Callable[..., Path]
) -> None:
    site = hostile_site({"content/articles/a.md": article(category="Music")})
    assert build_outcome(site).code == 0
    output = snapshot(site / "output")
    attack = "/old\\n/* https://evil.example/:splat 200!"
    (site / "content/articles/a.md").write_text(article(category="Music", aliases=f'["{attack}"]'))
    run = build_outcome(site, previous=output)
    assert errors_of(run) == [
        'content/articles/a.md:5: error: alias "/old\\n/* https://evil.example/:splat 200!" has a '
        f"space, line break or control character in it: {FIX_ALIAS}"
    ]
    assert b"evil.example" not in b"".join(snapshot(site / "output").values())


def test_hosting_rules_refuse_a_path_that_would_split_a_rule() -> None:
    # The last guard, should a path ever get past the checks at its source.
    with pytest.raises(BuildFailed) as caught:
        redirects_file({"/old\n/*": "/music/a/"}, "/")
    assert [str(p) for p in caught.value.problems] == [
        '_redirects: error: the path "/old\\n/*" has a space, line break or control character '
        "in it, so no rule is written with it: check the aliases and site.yaml's base_url"
    ]
    with pytest.raises(BuildFailed):
        headers_file("/news 200!/", [])
    assert redirects_file({"/old/": "/music/a/"}, "/news/") == b"/news/old/ /news/music/a/ 301\n"


@pytest.mark.parametrize("base_url", ['"https://news.example/a b/"',
                                      '"https://news.example/\\n/* https://evil.example/ 200"'])
def test_a_base_url_that_would_split_a_rule_is_an_error(
    hostile_site: Callable[..., Path], base_url: str
) -> None:
    yaml_text = SITE_YAML.replace("base_url: https://news.example/", f"base_url: {base_url}")
    site = hostile_site({"site.yaml": yaml_text, "content/articles/a.md": article()})
    [line] = errors_of(build_outcome(site))
    assert line.startswith("site.yaml:3: error: 'base_url' ")
    assert line.endswith("must be one address with no spaces or line breaks, such as "
                         "https://example.com/news/")


# --- links from author files and front matter ----------------------------------------------

FIX_LINK = "write an address such as https://example.com/ or mailto:jane@example.com"


@pytest.mark.parametrize(
    ("url", "shown", "problem"),
    [
        ('"javascript:alert(document.cookie)"', '"javascript:alert(document.cookie)"',
         "uses javascript:, and only http:, https: and mailto: addresses become links"),
        ('"JaVaScRiPt:alert(1)"', '"JaVaScRiPt:alert(1)"',
         "uses javascript:, and only http:, https: and mailto: addresses become links"),
        ('" \\x01javascript:alert(1)"', '" \\x01javascript:alert(1)"',
         "uses javascript:, and only http:, https: and mailto: addresses become links"),
        ('"java\\tscript:alert(1)"', '"java\\tscript:alert(1)"',
         "uses javascript:, and only http:, https: and mailto: addresses become links"),
        ('"javascript&colon;alert(1)"', '"javascript&colon;alert(1)"',
         "uses javascript:, and only http:, https: and mailto: addresses become links"),
        ('"&#106;avascript:alert(1)"', '"&#106;avascript:alert(1)"',
         "uses javascript:, and only http:, https: and mailto: addresses become links"),
        ('"data:text/html,<script>alert(1)</script>"',
         '"data:text/html,<script>alert(1)</script>"',
         "uses data:, and only http:, https: and mailto: addresses become links"),
        ('"vbscript:msgbox(1)"', '"vbscript:msgbox(1)"',
         "uses vbscript:, and only http:, https: and mailto: addresses become links"),
        ("example.com/jane", '"example.com/jane"', "is not a web address (http:// or https://), "
                                                   "an email (mailto:) or a path on this site"),
        ('"//evil.example/"', '"//evil.example/"', "is not a web address (http:// or https://), "
                                                   "an email (mailto:) or a path on this site"),
        ("https://", '"https://"', "is not a complete web address"),
    ],
)
def test_an_author_link_that_is_not_a_web_address_is_an_error(
    hostile_site: Callable[..., Path], url: str, shown: str, problem: str
) -> None:
    site = hostile_site({
        "content/authors/jane.yaml": ("name: Jane Doe\nlinks:\n  - {label: Site, url: "
                                      "https://jane.example/}\n  - label: Mine\n"
                                      f"    url: {url}\n"),
        "content/articles/a.md": article(author="Jane Doe"),
    })
    assert errors_of(build_outcome(site, previous={})) == [
        f"content/authors/jane.yaml:5: error: link {shown} {problem}: {FIX_LINK}"
    ]


SCRIPT = "javascript:alert(document.cookie)"
SCRIPT_PROBLEM = (f'link "{SCRIPT}" uses javascript:, and only http:, https: and mailto: '
                  f"addresses become links: {FIX_LINK}")


@pytest.mark.parametrize(("files", "line", "said"), [
    # In the body, as a Markdown link, by reference, and as data: that is a page.
    ({"a.md": article(body=f"Read [the statement]({SCRIPT}).")}, 6, SCRIPT_PROBLEM),
    ({"a.md": article(body=f"Read [the statement][s].\n\n[s]: {SCRIPT}")}, 8, SCRIPT_PROBLEM),
    ({"a.md": article(body="See [it](data:text/html,hi).")}, 6,
     f'link "data:text/html,hi" uses data:, and only http:, https: and mailto: addresses '
     f"become links: {FIX_LINK}"),
    # In a hero's caption (at the caption's line) and a body photo's.
    ({"a/index.md": "---\ntitle: A\ndate: 2026-11-01 09:30\nhero:\n  image: p.jpg\n"
                    f"  alt: A sky\n  caption: 'via [the studio]({SCRIPT})'\n---\n\nBody.\n",
      "a/p.jpg": photo_bytes()}, 7, f"the caption's {SCRIPT_PROBLEM}"),
    ({"a/index.md": article(body=f'Intro.\n\n![A sky](p.jpg "Seen [here]({SCRIPT})")'),
      "a/p.jpg": photo_bytes()}, 8, f"the caption's {SCRIPT_PROBLEM}"),
])
def test_a_link_a_browser_would_run_as_a_program_is_an_error(
    hostile_site: Callable[..., Path], files: dict[str, str | bytes], line: int, said: str
) -> None:
    """Found by a red-team pass: a pasted ``javascript:`` link in a body or a caption was
    published as a working link, where the same address in an author's links is an error.
    (Raw HTML is the writer's own, and passes as written.)"""
    site = hostile_site({f"content/articles/{name}": data for name, data in files.items()})
    name = next(n for n in files if n.endswith(".md"))
    assert errors_of(build_outcome(site, previous={})) == [
        f"content/articles/{name}:{line}: error: {said}"]


def test_raw_html_and_safe_links_in_a_body_are_published(
    hostile_site: Callable[..., Path]
) -> None:
    site = hostile_site({"content/articles/a.md": article(
        body='See [the site](https://example.com/), [mail](mailto:a@example.com) and '
             '<a href="javascript:void(0)" onclick="track()">this</a>.')})
    assert build_outcome(site).code == 0
    html = (site / "output/a/index.html").read_text()
    assert 'href="javascript:void(0)"' in html and 'href="https://example.com/"' in html


def test_safe_author_links_are_linked(hostile_site: Callable[..., Path]) -> None:
    site = hostile_site({
        "content/authors/jane.yaml": (
            "name: Jane Doe\nlinks:\n  - {label: Site, url: 'HTTPS://jane.example/'}\n"
            "  - {label: Mail, url: 'mailto:jane@example.com'}\n"
            "  - {label: About, url: /about/}\n"),
        "content/articles/a.md": article(author="Jane Doe"),
    })
    assert build_outcome(site).code == 0
    hrefs = {a["href"] for a in page(site, "/authors/jane/").find_all("a")}
    assert {"HTTPS://jane.example/", "mailto:jane@example.com", "/about/"} <= hrefs


def test_an_avatar_or_hero_that_is_a_program_is_an_error(
    hostile_site: Callable[..., Path]
) -> None:
    site = hostile_site({
        "content/authors/jane.yaml": ('name: Jane Doe\n'
                                      'avatar: "data:text/html,<script>x</script>"\n'),
        "content/articles/a.md": article(author="Jane Doe", hero='"javascript:alert(1)"'),
    })
    assert errors_of(build_outcome(site)) == [
        "content/articles/a.md:5: error: 'hero.image' \"javascript:alert(1)\" is not a photo: give "
        "the path of a photo file, e.g. hero: red-carpet.jpg",
        "content/authors/jane.yaml:2: error: 'avatar' \"data:text/html,<script>x</script>\" is not "
        "a photo: give the path of a photo file, e.g. avatar: jane.jpg",
    ]


def test_extra_front_matter_links_are_checked_and_sentences_are_not(
    hostile_site: Callable[..., Path]
) -> None:
    fine = article(note='"Data: Nielsen, week 12"', source_url="https://variety.example/x",
                   credits='[{who: Jane, link: "mailto:jane@example.com"}]',
                   thumbnail_src="thumb.jpg")
    site = hostile_site({
        "content/articles/fine.md": fine,
        "content/articles/bad.md": article(
            title="Bad", source_url="/ok/", promo='"  JAVASCRIPT:alert(1)"',
            credits='[{who: Jane, link: "vbscript:x"}]', video_url="ftp://files.example/v"),
    })
    assert errors_of(build_outcome(site)) == [
        "content/articles/bad.md:5: error: 'promo' \"  JAVASCRIPT:alert(1)\" uses javascript:, "
        "and only http:, https: and mailto: addresses become links: write an address such as "
        "https://example.com/page or a path on this site such as /about/",
        "content/articles/bad.md:6: error: 'link' \"vbscript:x\" uses vbscript:, and only "
        "http:, https: and mailto: addresses become links: write an address such as "
        "https://example.com/page or a path on this site such as /about/",
        "content/articles/bad.md:7: error: 'video_url' \"ftp://files.example/v\" uses ftp:, and "
        "only http:, https: and mailto: addresses become links: write an address such "
        "as https://example.com/page or a path on this site such as /about/",
    ]


# --- symlinks out of the site --------------------------------------------------------------


def link_problem_line(name: str, target: Path) -> str:
    return (f"{name}: error: this is a link to {target}, outside the site folder: Byline reads "
            "and publishes only what is inside the site, so copy it here instead")


@pytest.mark.parametrize(
    "link",
    ["static/shadow", "static/deep/er/shadow.txt", "templates/secret.html",
     "themes/default/static/css/secret.css", "themes/default/templates/base.html"],
)
def test_a_symlink_to_a_file_outside_the_site_is_refused(
    hostile_site: Callable[..., Path], tmp_path: Path, link: str
) -> None:
    site = hostile_site({"content/articles/a.md": article(),
                         "themes/default/templates/.keep": ""})
    assert build_outcome(site).code == 0
    output = snapshot(site / "output")
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    (site / link).symlink_to(tmp_path / "victim/notes.txt")
    run = build_outcome(site, previous=output)
    assert errors_of(run) == [link_problem_line(link, tmp_path / "victim/notes.txt")]
    assert VICTIM not in snapshot(site / "output").values()


@pytest.mark.parametrize("folder", ["static", "templates", "themes/default", "static/fonts"])
def test_a_symlinked_folder_outside_the_site_is_refused(
    hostile_site: Callable[..., Path], tmp_path: Path, folder: str
) -> None:
    site = hostile_site({"content/articles/a.md": article()})
    (site / folder).parent.mkdir(parents=True, exist_ok=True)
    (site / folder).symlink_to(tmp_path / "victim", target_is_directory=True)
    run = build_outcome(site, previous={})
    assert errors_of(run) == [link_problem_line(folder, tmp_path / "victim")]


@pytest.mark.parametrize("link", [".byline-cache", ".byline-cache/images",
                                  ".byline-cache/preview"])
def test_a_cache_folder_that_is_a_link_is_refused_and_what_it_leads_to_kept(
    hostile_site: Callable[..., Path], tmp_path: Path, link: str
) -> None:
    """Found by a red-team pass: a cache (or its photo folder) linked elsewhere had every
    file of the folder it led to deleted by the pruning of processed photos."""
    site = hostile_site({"content/articles/a.md": article()})
    write_files(tmp_path, {"victim/images/family-photo.jpg": VICTIM})
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    (site / link).symlink_to(tmp_path / "victim" / ("images" if link.count("/") else ""),
                             target_is_directory=True)
    before = around(tmp_path)
    run = build_outcome(site, previous={})
    assert run.code != 0
    assert run.err.strip().splitlines() == [
        f"byline: error: {site / link} is a link (to {os.readlink(site / link)}): Byline keeps "
        "its cache, which it writes and deletes files in, only in a real folder: remove the "
        "link (what it leads to is not touched), then build again"]
    assert around(tmp_path) == before


def test_the_preview_refuses_a_linked_cache_before_it_sweeps_there(
    hostile_site: Callable[..., Path], tmp_path: Path
) -> None:
    """A review: `byline serve` swept abandoned previews through a linked cache folder."""
    from generator.cache import CacheLinked
    from generator.serve import PreviewServer

    site = hostile_site({"content/articles/a.md": article()})
    write_files(tmp_path, {"victim/serve-keep/data.txt": VICTIM, "victim/serve-keep.pid": "999999"})
    (site / ".byline-cache").mkdir()
    (site / ".byline-cache/preview").symlink_to(tmp_path / "victim", target_is_directory=True)
    before = around(tmp_path)
    with pytest.raises(CacheLinked):
        PreviewServer(site, port=0).start()
    assert around(tmp_path) == before


def test_a_file_of_someone_else_in_the_cache_photo_folder_is_kept(
    hostile_site: Callable[..., Path]
) -> None:
    """Pruning deletes only the processed photos Byline named, never a file put there."""
    site = hostile_site({"content/articles/a/index.md": article(hero="hero.jpg"),
                         "content/articles/a/hero.jpg": photo_bytes()})
    assert build_outcome(site).code == 0
    images = site / ".byline-cache/images"
    made = sorted(p.name for p in images.iterdir())
    (images / "family-photo.jpg").write_bytes(VICTIM)
    (images / "notes.c9a59bc814.txt").write_bytes(VICTIM)
    (site / "content/articles/a/index.md").write_text(article())  # the photo is gone
    assert build_outcome(site).code == 0
    assert sorted(p.name for p in images.iterdir()) == ["family-photo.jpg",
                                                        "notes.c9a59bc814.txt"]
    assert made, "the first build made the photo's sizes"


def test_a_dangling_symlink_is_an_error_not_a_traceback(
    hostile_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = hostile_site({"content/articles/a.md": article()})
    (site / "static").mkdir()
    (site / "static/gone.css").symlink_to(site / "nowhere.css")
    assert errors_of(build_outcome(site)) == [
        f"static/gone.css: error: this is a link to {site / 'nowhere.css'}, which does not "
        "exist: remove the link, or copy the file it meant here"
    ]


def test_symlinks_within_the_site_still_work(hostile_site: Callable[..., Path]) -> None:
    site = hostile_site({"content/articles/a.md": article(), "shared/CNAME": "news.example\n",
                         "shared/layouts/404.html": "{% extends 'base.html' %}{% block main %}"
                                                    "Lost{% endblock %}"})
    (site / "static").mkdir()
    (site / "static/CNAME").symlink_to(Path("../shared/CNAME"))
    (site / "templates").symlink_to(site / "shared/layouts", target_is_directory=True)
    assert build_outcome(site).code == 0
    assert (site / "output/CNAME").read_text() == "news.example\n"
    assert "Lost" in (site / "output/404.html").read_text()


def test_a_static_file_name_with_a_line_break_is_refused(hostile_site: Callable[..., Path]) -> None:
    site = hostile_site({"content/articles/a.md": article(), "static/a\nb.txt": "x",
                         "static/press kit.pdf": "fine"})
    assert errors_of(build_outcome(site, previous={})) == [
        "static/a\\nb.txt: error: the file name has a space, line break or control character "
        "in it: rename the file"
    ]


# --- git and S3 targets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("repository", "--upload-pack=touch {marker}", "starts with '-', which git would read "
                                                        "as an option"),
        ("repository", "-oProxyCommand=touch {marker}:x", "starts with '-'"),
        ("repository", "git@-oProxyCommand=reboot:x.git", "has a host name starting with '-'"),
        ("repository", "ssh://-oProxyCommand=touch {marker}/x.git", "has a host name starting "
                                                                    "with '-'"),
        ("repository", "ext::sh -c touch% {marker}", "names a git remote helper"),
        ("repository", "fd::17", "names a git remote helper"),
        ("repository", "pages.git\n--upload-pack=touch {marker}", "has a line break"),
        ("branch", "--upload-pack=touch {marker}", "is not a valid branch name"),
        ("branch", "-gh-pages", "is not a valid branch name"),
        ("branch", "@{-1}", "is not a valid branch name"),
        ("branch", "main\nfoo", "is not a valid branch name"),
    ],
)
def test_git_target_refuses_option_like_values(
    tmp_path: Path, setting: str, value: str, message: str
) -> None:
    marker = tmp_path / "pwned"
    value = value.replace("{marker}", str(marker))
    spec = {"kind": "git", "repository": "pages.git", setting: value}
    with pytest.raises(BuildFailed) as caught:
        make_target("pages", spec, tmp_path)
    [problem] = caught.value.problems
    assert problem.message.startswith("deploy target 'pages' (git): ")
    assert message in problem.message and "\n" not in str(problem)
    assert not marker.exists()


def test_git_publish_passes_the_repository_after_double_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.publish.git as git_module

    seen: list[list[str]] = []
    real_run = git_module.subprocess.run

    def recording_run(command: list[str], **kwargs: Any) -> Any:
        seen.append(list(command))
        return real_run(command, **kwargs)

    monkeypatch.setattr(git_module.subprocess, "run", recording_run)
    remote = tmp_path / "remote.git"
    real_run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    output = write_site(tmp_path / "site/output", {"index.html": b"<title>x</title>"})
    target = make_target("pages", {"kind": "git", "repository": str(remote)}, tmp_path / "site")
    target.publish(output, dry_run=True)
    remote_commands = [c for c in seen if str(remote) in c]
    assert remote_commands, "the repository was never given to git"
    for command in remote_commands:
        assert command[command.index(str(remote)) - 1] == "--", command


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("bucket", "-x", "is not a bucket name"),
        ("bucket", "../other-bucket", "is not a bucket name"),
        ("bucket", "site/../other", "is not a bucket name"),
        ("bucket", "a..b", "is not a bucket name"),
        ("prefix", "../other/", "leaves the site: write a folder such as news/"),
        ("prefix", "news/../../other", "leaves the site"),
        ("prefix", "news\n", "has a space, line break or control character"),
        ("region", "us-east-1\nx", "is not a region name"),
        ("region", "-us-east-1", "is not a region name"),
        ("endpoint_url", "javascript:alert(1)", "is not a web address"),
        ("endpoint_url", "--endpoint", "is not a web address"),
        ("profile", "--debug", "is not an AWS profile name"),
    ],
)
def test_s3_target_refuses_values_that_lead_elsewhere(
    tmp_path: Path, setting: str, value: str, message: str
) -> None:
    spec = {"kind": "s3", "bucket": "news-site", setting: value}
    with pytest.raises(BuildFailed) as caught:
        make_target("live", spec, tmp_path)
    [problem] = caught.value.problems
    assert problem.message.startswith("deploy target 'live' (s3): ")
    assert message in problem.message and "\n" not in str(problem)


def test_s3_refuses_a_key_with_a_line_break_before_uploading_anything(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    client, name = request.getfixturevalue("bucket")
    endpoint = request.getfixturevalue("moto_endpoint")
    output = write_site(tmp_path / "site/output", {"index.html": b"<title>x</title>",
                                                   "static/a\nb.css": b"x"})
    target = make_target("live", {"kind": "s3", "bucket": name, "endpoint_url": endpoint},
                         tmp_path / "site")
    with pytest.raises(PublishError, match=r"the file \"static/a\\nb.css\" has a space, line "
                                           r"break or control character in it: rename it"):
        target.publish(output, dry_run=False)
    assert client.list_objects_v2(Bucket=name).get("KeyCount", 0) == 0


# --- the shared checks, and fuzzing them through real builds -------------------------------


def test_site_path_problem_accepts_ordinary_paths() -> None:
    for path in ("/", "/music/", "/music/old-slug/", "/feed.xml", "/2026/11/", "/café-olé/",
                 "/tags/r&b/", "/%C3%A9t%C3%A9/"):
        assert site_path_problem(path) is None, path


def test_link_checks_read_links_as_browsers_do() -> None:
    assert link_problem("https://example.com/a b") is not None  # a space: not one address
    assert link_problem("mailto:") is not None
    assert not is_script_link("Data: Nielsen, week 12")
    assert not is_script_link("JavaScript fatigue is real")
    assert is_script_link("\x00 jAvA\nScRiPt:alert(1)")
    assert is_script_link("data:image/svg+xml;base64,PHN2Zz4=")


# Pieces that make paths interesting: separators, dots, escapes and invisible characters.
PATH_PIECES = st.sampled_from(["/", "/", "..", ".", "\\", "\n", "\r", "\t", "\0", " ", "?", "#",
                               "%2e", ":", "~", "-", "old", "é", "\u2028", "\u202e", "/* 200!"])
ALIASES = st.lists(PATH_PIECES, min_size=1, max_size=10).map("".join)
SEGMENTS = st.sampled_from(["..", ".", "", "x", "{slug}", "{category}", "{year}", "\\", "a b",
                            "..{category}", "{category}..", "%2e%2e", "~"])


_ALIAS_CASES = itertools.count()
_PERMALINK_CASES = itertools.count()


def fuzz_case(tmp_path: Path, counter: itertools.count) -> tuple[Path, Path]:
    """A fresh folder per example (tmp_path is shared by them all), with a victim in it."""
    root = tmp_path / f"case{next(counter)}"
    write_files(root, {"victim/notes.txt": VICTIM, "site/site.yaml": SITE_YAML})
    return root, root / "site"


def assert_confined(root: Path, site: Path, before: dict[str, bytes]) -> None:
    """Nothing outside output/ changed (bar the sources written), everything output is inside."""
    assert around(root) == before
    output = (site / "output").resolve()
    for path in (site / "output").rglob("*"):
        assert path.resolve().is_relative_to(output), path


@pytest.mark.fuzz
@given(aliases=st.lists(ALIASES, min_size=1, max_size=3))
def test_fuzzed_aliases_fail_cleanly_or_stay_inside_output(
    tmp_path: Path, aliases: list[str]
) -> None:
    root, site = fuzz_case(tmp_path, _ALIAS_CASES)
    listed = ", ".join(json.dumps(alias) for alias in aliases)
    write_files(site, {"content/articles/a.md": article(category="Music",
                                                        aliases=f"[{listed}]")})
    before = around(root)
    run = build_outcome(site, previous={})
    if run.code:
        expected = (" error: alias ", "both have the address", "would both be written to",
                    "is a page Byline makes itself")
        assert any(word in line for line in errors_of(run) for word in expected), run.err
    assert_confined(root, site, before)


@pytest.mark.fuzz
@given(segments=st.lists(SEGMENTS, min_size=1, max_size=5))
def test_fuzzed_permalinks_fail_cleanly_or_stay_inside_output(
    tmp_path: Path, segments: list[str]
) -> None:
    root, site = fuzz_case(tmp_path, _PERMALINK_CASES)
    pattern = "/" + "/".join([*segments, "{slug}"]) + "/"
    write_files(site, {
        "site.yaml": SITE_YAML + f"permalink: {json.dumps(pattern)}\n",
        "content/articles/a.md": article(),
        "content/articles/b.md": article(title="Other", category="Music"),
    })
    before = around(root)
    run = build_outcome(site, previous={})
    if run.code:
        assert [line for line in errors_of(run) if line.startswith("site.yaml:7: error: "
                                                                   "'permalink' ")], run.err
    assert_confined(root, site, before)



@pytest.mark.parametrize("logo", ["../../victim/logo.png", "/linked-logo.png"])
def test_a_publisher_logo_outside_the_site_is_refused(
    hostile_site: Callable[..., Path], tmp_path: Path, logo: str
) -> None:
    (tmp_path / "victim/logo.png").write_bytes(photo_bytes((64, 64), "PNG"))
    site = hostile_site({"site.yaml": SITE_YAML + f"publisher:\n  logo: {logo}\n",
                         "content/articles/a.md": article()})
    (site / "content/linked-logo.png").symlink_to(tmp_path / "victim/logo.png")
    line = SITE_YAML.count("\n") + 2  # under publisher:, the last lines
    # A path that climbs out is said so; a link is said for what it is, with where it leads
    # (its fix is not to move the logo into content/, where the link already is).
    problem = ("leaves the site folder: put the logo in content/ and give its path from there, "
               "e.g. /logo.png") if logo.startswith("..") else (
               f"is a link to {tmp_path / 'victim/logo.png'}, outside the site folder: Byline "
               "reads only files inside the site; move or copy it in instead")
    assert errors_of(build_outcome(site, previous={})) == [
        f"site.yaml:{line}: error: publisher.logo {logo} {problem}"]
