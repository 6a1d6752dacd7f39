"""The output folder: deterministic, incremental, stale files removed."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from generator.cache import BuildCache
from generator.cli import main
from generator.theme import builtin_themes_dir

from .conftest import article, build
from .outcome import build_outcome, snapshot


def test_same_input_gives_byte_identical_output(make_site, tmp_path):
    site = make_site({"content/articles/a.md": article(category="Music", tags="[x, y]")})
    build(site, output=tmp_path / "one")
    build(site, output=tmp_path / "two")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_second_build_writes_nothing_and_an_edit_rewrites_its_page_and_feeds(make_site):
    site = make_site({
        "content/articles/a.md": article(title="A", category="Music", tags="[x]"),
        "content/articles/b.md": article(title="B", category="Music", tags="[x]"),
    })
    build(site)
    again = build(site)
    assert again.written == 0 and again.changed == ()
    path = site / "content/articles/a.md"
    path.write_text(path.read_text() + "\nOne more sentence in the body.\n")
    edited = build(site)
    # The feeds carry whole stories, so they change with the body; no list page does.
    feeds = {f"{base}{name}" for base in ("", "music/")
             for name in ("feed.xml", "rss.xml", "feed.json")}
    assert set(edited.changed) == {"music/a/index.html", *feeds}


def test_removed_article_disappears_from_output(make_site):
    site = make_site({
        "content/articles/a.md": article(category="Music", tags="[Pop]"),
        "content/articles/b.md": article(category="Music", tags="[Solo act]"),
    })
    build(site)
    assert (site / "output/tags/solo-act/index.html").is_file()
    (site / "content/articles/b.md").unlink()
    result = build(site)
    assert not (site / "output/music/b").exists()
    assert not (site / "output/tags/solo-act").exists()  # emptied folders go too
    assert (site / "output/tags/pop/index.html").is_file()
    assert result.removed >= 1


def test_deleted_output_file_is_written_again(make_site):
    site = make_site({"content/articles/a.md": article(category="Music")})
    build(site)
    (site / "output/music/a/index.html").unlink()
    build(site)
    assert (site / "output/music/a/index.html").exists()


def test_an_output_file_emptied_or_saved_over_is_made_again(make_site, tmp_path):
    """Found by a red-team pass: a page emptied by a crash or a sync tool, or saved over in
    an editor, was never made again: `byline build` said "Up to date" and `byline publish`
    sent the empty page to readers.  Only a deleted file was noticed."""
    site = make_site({"content/articles/a.md": article(title="A", category="Music"),
                      "content/articles/b.md": article(title="B", category="Music")})
    build(site)
    build(site, reuse_current=True)
    assert build(site, reuse_current=True).content is None  # the early stop, as yet
    before = snapshot(site / "output")
    stamp_before = (site / "output/feed.xml").stat()
    (site / "output/music/a/index.html").write_bytes(b"")
    (site / "output/index.html").write_text("<p>Saved over by hand.</p>\n")
    (site / "output/feed.xml").write_text("<rss/>")  # changed, its time put back:
    os.utime(site / "output/feed.xml", ns=(0, stamp_before.st_mtime_ns))
    result = build(site, reuse_current=True)
    assert snapshot(site / "output") == before
    assert set(result.changed) == {"index.html", "music/a/index.html", "feed.xml"}
    assert result.notes == (f"{site / 'output'}: 3 files changed since Byline wrote them, "
                            "made again: feed.xml, index.html, music/a/index.html",)
    assert result.why == "full build: files in the output folder changed since the last build"
    assert build(site, reuse_current=True).content is None  # and then it is current again


def test_a_snapshot_or_a_change_of_mode_is_no_change(make_site, tmp_path):
    """A review: a hard-link snapshot of output/ (`cp -al`, rsnapshot) or a deploy's
    `chmod -R o+r` changes no byte, and must not have every page made again."""
    site = make_site({"content/articles/a.md": article(title="A", category="Music")})
    build(site)
    build(site, reuse_current=True)
    shutil.copytree(site / "output", tmp_path / "snapshot", copy_function=os.link)
    for file in (site / "output").rglob("*"):
        if file.is_file():
            file.chmod(0o644)
    assert build(site, reuse_current=True).content is None  # "Up to date"
    story = site / "content/articles/a.md"
    story.write_text(story.read_text() + "\nOne more sentence.\n")
    assert build(site, reuse_current=True).notes == ()


def test_a_folder_moved_back_in_from_a_copy_is_made_again(make_site, tmp_path):
    """A red-team pass: a story's folder put back from an older copy on the same disk
    (`mv` keeps its files as they were) passed as the page Byline wrote."""
    site = make_site({"content/articles/a.md": article(title="A", category="Music")})
    build(site)
    shutil.copytree(site / "output/music/a", tmp_path / "old-copy")
    story = site / "content/articles/a.md"
    story.write_text(story.read_text().replace("Body text.", "Corrected text."))
    build(site, reuse_current=True)
    build(site, reuse_current=True)
    shutil.rmtree(site / "output/music/a")
    (tmp_path / "old-copy").rename(site / "output/music/a")
    result = build(site, reuse_current=True)
    assert "music/a/index.html" in result.changed
    assert "Corrected text." in (site / "output/music/a/index.html").read_text()


def test_a_file_changed_while_a_build_runs_is_made_again_by_the_next(make_site, monkeypatch):
    """A red-team pass: a file changed after the build looked at it, and before its end,
    passed as Byline's from then on."""
    import generator.build

    site = make_site({"content/articles/a.md": article(title="A", category="Music"),
                      "content/articles/b.md": article(title="B", category="TV")})
    build(site)
    look = generator.build.look_for

    def look_then_change(*args: object) -> object:
        found = look(*args)  # type: ignore[arg-type]
        (site / "output/tv/b/index.html").write_bytes(b"")  # as the build runs
        return found

    monkeypatch.setattr(generator.build, "look_for", look_then_change)
    story = site / "content/articles/a.md"
    story.write_text(story.read_text() + "\nOne more sentence.\n")
    build(site, reuse_current=True)
    monkeypatch.undo()
    assert (site / "output/tv/b/index.html").read_bytes() == b""
    result = build(site, reuse_current=True)
    assert "tv/b/index.html" in result.changed
    assert (site / "output/tv/b/index.html").stat().st_size > 0


def test_a_page_replaced_by_a_link_is_made_again_and_what_it_leads_to_kept(make_site,
                                                                          tmp_path):
    """A red-team pass: the check looked through a link put in a page's place, saw the
    linked file's older change time, and the build said "Up to date"."""
    old_draft = tmp_path / "old-draft.html"  # older than the build, as its change time says
    old_draft.write_text("<p>An old draft.</p>\n")
    site = make_site({"content/articles/a.md": article(title="A", category="Music")})
    build(site)
    build(site, reuse_current=True)
    before = snapshot(site / "output")
    (site / "output/music/a/index.html").unlink()
    (site / "output/music/a/index.html").symlink_to(old_draft)
    result = build(site, reuse_current=True)
    assert "music/a/index.html" in result.changed
    assert not (site / "output/music/a/index.html").is_symlink()
    assert snapshot(site / "output") == before
    assert old_draft.read_text() == "<p>An old draft.</p>\n"


def test_a_page_saved_over_beside_an_edit_is_made_again_with_it(make_site, tmp_path):
    """A build planned from the last one's record (an edit in a new process) makes only
    what the edit reaches: a page changed by hand that the edit does not reach is made
    again all the same."""
    site = make_site({"content/articles/a.md": article(title="A", category="Music"),
                      "content/articles/b.md": article(title="B", category="TV")})
    build(site)
    build(site, reuse_current=True)
    (site / "output/tv/b/index.html").write_text("<p>Saved over by hand.</p>\n")
    story = site / "content/articles/a.md"
    story.write_text(story.read_text() + "\nOne more sentence.\n")
    result = build(site, reuse_current=True)
    assert "tv/b/index.html" in result.changed and "music/a/index.html" in result.changed
    build(site, output=tmp_path / "fresh")
    assert snapshot(site / "output") == snapshot(tmp_path / "fresh")


def test_theme_assets_have_content_hashes_and_site_templates_override(make_site):
    site = make_site({
        "content/articles/a.md": article(category="Music"),
        "templates/404.html": "<!doctype html><title>Custom</title><p>Our own 404</p>\n",
    })
    build(site)
    css = list((site / "output/static/css").glob("site.*.css"))
    assert len(css) == 1 and len(css[0].name.split(".")) == 3
    assert "Our own 404" in (site / "output/404.html").read_text()


THEME_CSS = """\
@font-face { font-family: Brand; src: url("../fonts/brand.woff2?v=2#iefix") format("woff2"),
  url('../fonts/brand.woff') format("woff"); }
@import "parts/base.css";
body { background: url(/static/img/bg.png), url(data:image/png;base64,AAAA); }
.x { background: url(https://cdn.example/a.png), url(../img/missing.png); }
.y { background: url("../img/hero bg.png"), image-set("../img/bg.png" 1x, 'x.png' 2x); }
"""


@pytest.mark.parametrize("name", ["articel.html", "Article.html", "article.htm"])
def test_a_misspelt_template_override_is_named_with_the_one_meant(make_site, capsys, name):
    # A red-team pass: the theme's article.html stayed in use, and the build said nothing.
    site = make_site({"content/articles/a.md": article(category="Music"),
                      f"templates/{name}": "{% extends 'base.html' %}\n",
                      "templates/partials/byline.html": "<p>by</p>\n",
                      "templates/article.html": "{% extends 'base.html' %}{% block main %}"
                      "{% include 'partials/byline.html' %}{% endblock %}\n",
                      "templates/README.md": "Our overrides.\n"})
    assert main(["build", "--site", str(site)]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "warning" in line] == [
        f"templates/{name}: warning: no page uses this template: did you mean article.html? "
        "A template replaces the theme's of the same name"]
    # A template included by a name the page computes may be any of them: none is said
    # unused (the review: following the advice broke the site).
    (site / "templates/article.html").write_text(
        "{% extends 'base.html' %}{% block main %}{% include 'partials/' ~ "
        "(article.extra.layout or 'byline') ~ '.html' %}{% endblock %}\n")
    assert main(["build", "--site", str(site)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_themes_stylesheet_points_at_the_hashed_names_of_its_fonts_and_pictures(make_site):
    """Found by a red-team pass: every theme static file is published under a hashed name,
    and url(../fonts/brand.woff2) in a theme's stylesheet pointed at nothing."""
    site = make_site({
        "content/articles/a.md": article(category="Music"),
        "site.yaml": "title: T\nbase_url: https://news.example/ent/\ntheme: mine\n"
                     "categories: [Music]\n",
        "themes/mine/static/css/site.css": THEME_CSS,
        "themes/mine/static/css/parts/base.css": "h1 { background: url(../../img/bg.png) }\n",
        "themes/mine/static/fonts/brand.woff2": "WOFF2",
        "themes/mine/static/fonts/brand.woff": "WOFF",
        "themes/mine/static/img/bg.png": "PNG",
        "themes/mine/static/img/hero bg.png": "PNG, wider",
    })
    build(site)
    out = site / "output"
    (css,) = (out / "static/css").glob("site.*.css")
    text = css.read_text()
    (font,) = (out / "static/fonts").glob("brand.*.woff2")
    (picture,) = (out / "static/img").glob("bg.*.png")
    (part,) = (out / "static/css/parts").glob("base.*.css")
    assert f'url("../fonts/{font.name}?v=2#iefix")' in text
    assert f"url(../img/{picture.name})" in text and f'@import "parts/{part.name}"' in text
    assert f"url(../../img/{picture.name})" in part.read_text()
    (wide,) = (out / "static/img").glob("hero bg.*.png")
    assert f'url("../img/{wide.name}")' in text
    assert f'image-set("../img/{picture.name}" 1x, \'x.png\' 2x)' in text
    # Other sites, data: and files the theme lacks are left as written.
    assert "url(data:image/png;base64,AAAA)" in text
    assert "url(https://cdn.example/a.png), url(../img/missing.png)" in text
    # Every rewritten reference is a file the build published.
    for found in re.findall(r"url\(['\"]?([^'\")?#]+)", text):
        if not found.startswith(("data:", "https:", "../img/missing")):
            assert (css.parent / found).resolve().is_file(), found
    # A new font is a new stylesheet too: no cached stylesheet points at a font gone.
    (site / "themes/mine/static/fonts/brand.woff2").write_text("WOFF2, redrawn")
    build(site)
    (css_after,) = (out / "static/css").glob("site.*.css")
    assert css_after.name != css.name and not css.exists()
    assert font.name not in css_after.read_text() and not font.exists()


def test_check_names_a_themes_stylesheet_by_its_source_not_its_published_copy(make_site,
                                                                               capsys):
    # A red-team pass: the missing picture was said at output/static/css/extra.d1f5a18a.css:2,
    # a copy the writer cannot fix, not at the theme's file.
    site = make_site({
        "content/articles/a.md": article(category="Music"),
        "site.yaml": "title: T\nbase_url: https://news.example/\ntheme: mine\n"
                     "categories: [Music]\n",
        "themes/mine/static/css/extra.css": "body { margin: 0 }\n"
                                            "h1 { background: url(../img/masthead.png) }\n",
        "themes/mine/templates/base.html": (builtin_themes_dir() / "default/templates/"
                                            "base.html").read_text().replace(
            "</head>", "<link rel=\"stylesheet\" href=\"{{ asset('css/extra.css') }}\">\n</head>"),
    })
    main(["check", "--site", str(site)])
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(
        "themes/mine/static/css/extra.css:2: error: missing asset ../img/masthead.png in "
        "stylesheet /static/css/extra."), errors


@pytest.mark.parametrize(("asked", "said"), [
    ("css/own.css", "'css/own.css' is in the site's static/ folder, whose files keep their "
     "names: link it with url('/css/own.css'), or move it into the theme's static/ folder for "
     "asset()"),
    ("css/sites.css", "no static file 'css/sites.css' in the theme: did you mean "
     "'css/site.css'? asset() finds the files of the theme's static/ folder "
     "(themes/NAME/static/), by their path in it"),
])
def test_asset_of_a_file_it_does_not_have_says_where_it_looks(make_site, asked, said):
    site = make_site({
        "content/articles/a.md": article(category="Music"),
        "static/css/own.css": "h1 {}\n",
        "templates/404.html": f"<!doctype html><link href=\"{{{{ asset('{asked}') }}}}\">\n",
    })
    run = build_outcome(site)
    assert run.err.splitlines()[0] == f"templates/404.html:1: error: template error in " \
        f"404.html: {said}", run.err


def test_a_file_of_static_in_a_folder_kept_for_a_year_is_a_warning(make_site):
    """Found by a red-team pass: static/images/og-default.png is published as
    /images/og-default.png, which _headers tells hosts to keep a year (Byline's own photos
    there change name when they change): a new version would not reach readers."""
    site = make_site({"content/articles/a.md": article(category="Music"),
                      "static/images/og-default.png": b"old", "static/files/kit.pdf": b"%PDF"})
    assert [str(w) for w in build(site).warnings] == [
        "static/images/og-default.png: warning: this file is published in /images/, where "
        "browsers and hosts keep every file a year, so a new version under this name would "
        "not reach readers for a year; move it to another folder, such as "
        "static/files/og-default.png"]


def test_hosting_files_are_written_and_can_be_turned_off(make_site):
    site = make_site({"content/articles/a.md": article(category="Music", aliases="[/old/]")})
    build(site)
    headers = (site / "output/_headers").read_text()
    assert "/static/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert "X-Content-Type-Options: nosniff" in headers
    assert (site / "output/_redirects").read_text() == "/old/ /music/a/ 301\n"
    assert (site / "output/.nojekyll").exists()
    config = site / "site.yaml"
    config.write_text(config.read_text() + "hosting: {headers: false, redirects: false, "
                      "nojekyll: false}\n")
    build(site)
    assert not any((site / "output" / n).exists() for n in ("_headers", "_redirects", ".nojekyll"))


def test_a_sites_own_redirects_and_headers_come_first_in_the_files_byline_writes(make_site):
    # A red-team pass: a site's static/_redirects built for months, until a story got an
    # alias: then the build stopped, telling the editor to rename the file (which hosts would
    # then ignore). The site's rules now come first in one file, and Byline's follow.
    own = "/shop https://shop.example/ 302\n/old/ /about/ 301\n"
    site = make_site({"content/articles/a.md": article(category="Music"),
                      "static/_redirects": own,
                      "static/_headers": "/*\n  X-Frame-Options: DENY\n"})
    build(site)
    out = site / "output"
    assert (out / "_redirects").read_text() == own
    (site / "content/articles/a.md").write_text(article(category="Music",
                                                        aliases="[/old/, /older/]"))
    build(site)
    redirects = (out / "_redirects").read_text()
    # A host takes the first rule that matches: the site's own /old/ wins over the alias.
    assert redirects == (own + "\n# Written by Byline:\n/old/ /music/a/ 301\n"
                         "/older/ /music/a/ 301\n")
    headers = (out / "_headers").read_text()
    assert headers.startswith("/*\n  X-Frame-Options: DENY\n\n# Written by Byline:\n/*\n")
    # One X-Frame-Options on /*: a host would join two values into one no browser obeys.
    assert headers.count("X-Frame-Options") == 1 and "X-Content-Type-Options: nosniff" in headers
    assert "/static/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    config = site / "site.yaml"
    config.write_text(config.read_text() + "hosting: {headers: false, redirects: false}\n")
    build(site)  # the site's own files are then copied as they are
    assert (out / "_redirects").read_text() == own
    assert (out / "_headers").read_text() == "/*\n  X-Frame-Options: DENY\n"


def test_build_with_nothing_changed_stops_early_but_notices_every_change(make_site):
    from datetime import timedelta

    from generator.build import BuildOptions, build_site

    from .conftest import NOW

    site = make_site({"content/articles/a.md": article(title="A", category="Music",
                                                       date="2026-11-01")})

    def again(now=NOW, **options):
        return build_site(BuildOptions(site=site, now=now, reuse_current=True, **options))

    assert again().content is not None
    assert again().content is None, "nothing changed: the output is current"
    (site / "output/music/a/index.html").unlink()
    assert again().content is not None, "a missing output file is written again"
    (site / "content/articles/b.md").write_text(article(title="B", date="2026-11-30"))
    assert again().articles == 1, "b is scheduled for later"
    assert again(now=NOW + timedelta(days=11)).articles == 2, "b fell due: rebuild"
    assert again(now=NOW + timedelta(days=11), drafts=True).content is not None


def test_the_early_stop_takes_a_source_dated_before_1970(make_site):
    # Clocks and archives hand out odd dates; the check's key takes any, and still notices.
    import os

    from generator.build import BuildOptions, build_site

    from .conftest import NOW

    site = make_site({"content/articles/a.md": article(title="A", category="Music",
                                                       date="2026-11-01")})
    source = site / "content/articles/a.md"
    os.utime(source, ns=(0, -(10**18)))  # 1938

    def again():
        return build_site(BuildOptions(site=site, now=NOW, reuse_current=True))

    assert again().content is not None
    assert again().content is None
    source.write_text(article(title="A, edited", category="Music", date="2026-11-01"))
    os.utime(source, ns=(0, -(10**18)))  # the same date again: only the size tells
    assert again().content is not None


@pytest.mark.parametrize("why", ["another thread runs", "the system refuses to fork"])
def test_the_early_stop_without_a_child_process_notices_the_same_changes(make_site, monkeypatch,
                                                                          why):
    # The check computes its key in a child process when it may; here it may not.
    import os
    import threading

    from generator.build import BuildOptions, build_site

    from .conftest import NOW

    def refused() -> int:
        raise OSError("no more processes")

    stop = threading.Event()
    if why == "the system refuses to fork":
        monkeypatch.setattr(os, "fork", refused)
    else:
        threading.Thread(target=stop.wait, daemon=True).start()
    site = make_site({"content/articles/a.md": article(title="A", category="Music",
                                                       date="2026-11-01")})

    def again():
        return build_site(BuildOptions(site=site, now=NOW, reuse_current=True))

    try:
        again()
        assert again().content is None
        (site / "output/music/a/index.html").unlink()
        assert again().content is not None
        assert (site / "output/music/a/index.html").is_file()
        (site / "content/articles/a.md").write_text(article(title="A, edited", category="Music",
                                                            date="2026-11-01"))
        assert again().content is not None
        assert again().content is None
    finally:
        stop.set()


def test_an_edit_to_the_built_in_theme_is_noticed_by_the_early_stop(make_site, tmp_path,
                                                                    monkeypatch):
    # A Byline checkout's theme is edited in place; the check reads no template to see it.
    import shutil

    import generator.build
    import generator.theme
    from generator.build import BuildOptions, build_site

    from .conftest import NOW, REPO, page

    themes = tmp_path / "themes"
    shutil.copytree(REPO / "themes", themes)
    monkeypatch.setattr(generator.theme, "builtin_themes_dir", lambda: themes)
    monkeypatch.setattr(generator.freshness, "builtin_themes_dir", lambda: themes)
    site = make_site({"content/articles/a.md": article(title="A", category="Music")})

    def again():
        return build_site(BuildOptions(site=site, now=NOW, reuse_current=True))

    again()
    assert again().content is None
    base = themes / "default/templates/base.html"
    base.write_text(base.read_text().replace("Archive</a>", "Every story</a>"))
    assert again().content is not None
    assert page(site, "/music/a/").find("a", string="Every story") is not None


def test_the_cache_forgets_old_versions_of_edited_files(make_site):
    site = make_site({f"content/articles/a{i}.md": article(f"Story {i}") for i in range(3)})
    build(site)
    source = site / "content/articles/a0.md"
    for round_ in range(40):  # a day of saving one story
        source.write_text(article("Story 0", body=f"Draft {round_}."), encoding="utf-8")
        build(site)
    cache = BuildCache(site / ".byline-cache")
    try:
        # a parse and a checked version per story, plus what may pile up before a clean-up
        assert cache.parsed_count() <= 6 + 6 * 6 // 5 + 20
    finally:
        cache.close()
    assert "Draft 39." in (site / "output/a0/index.html").read_text()


def test_an_upgraded_byline_makes_every_page_again(make_site, monkeypatch):
    """An output's key holds the code that made it: the first build after an upgrade that
    writes a page differently (its structured data, say) makes every page again, instead of
    saying "Up to date" over pages the older Byline made."""
    import generator.freshness
    import generator.render.plan

    site = make_site({"content/articles/a.md": article(title="A", category="Music")})
    build(site)
    build(site, reuse_current=True)
    assert build(site, reuse_current=True).content is None
    for module in (generator.freshness, generator.render.plan):
        monkeypatch.setattr(module, "code_digest", lambda: "a later Byline")
    upgraded = build(site, reuse_current=True)
    assert upgraded.content is not None
    assert "music/a/index.html" in upgraded.changed and "index.html" in upgraded.changed
    assert upgraded.written == len(upgraded.changed) > 10
    assert build(site, reuse_current=True).content is None


def _forget_stamps(site, value: bytes | None) -> None:
    """Put ``value`` in the cache's record of the output files (None: no record at all,
    as a cache from before it)."""
    import sqlite3

    with sqlite3.connect(site / ".byline-cache/build.sqlite") as db:
        if value is None:
            db.execute("DELETE FROM meta WHERE key='output_stamps'")
        else:
            db.execute("UPDATE meta SET value = ? WHERE key='output_stamps'", (value,))


@pytest.mark.parametrize("damage", [b"\xff\xfe" * 8, "half"])
def test_a_damaged_record_of_the_output_files_trusts_none_of_them(make_site, damage):
    """A review: a record damaged in its first bytes stopped every build with a traceback;
    cut short, it was read as none at all, and a page saved over by hand passed."""
    import sqlite3

    site = make_site({"content/articles/a.md": article(title="A", category="Music")})
    build(site)
    build(site, reuse_current=True)
    before = snapshot(site / "output")
    if damage == "half":
        with sqlite3.connect(site / ".byline-cache/build.sqlite") as db:
            whole = db.execute("SELECT value FROM meta WHERE key='output_stamps'").fetchone()[0]
        damage = whole[: len(whole) // 2]
    _forget_stamps(site, damage)
    (site / "output/music/a/index.html").write_text("<p>Saved over by hand.</p>\n")
    result = build(site, reuse_current=True)
    assert "music/a/index.html" in result.changed
    assert snapshot(site / "output") == before


def test_files_a_cache_from_before_the_record_kept_are_watched_from_the_next_build(
        make_site):
    """A review: a site built by a Byline from before the record had its theme's files,
    which the first build after did not write again, only looked for from then on: an
    emptied stylesheet was never made again."""
    site = make_site({"content/articles/a.md": article(title="A", category="Music")})
    build(site)
    build(site, reuse_current=True)
    before = snapshot(site / "output")
    _forget_stamps(site, None)
    story = site / "content/articles/a.md"
    story.write_text(story.read_text() + "\nOne more sentence.\n")
    build(site, reuse_current=True)
    before = snapshot(site / "output")
    [css] = (site / "output/static/css").glob("site.*.css")
    css.write_bytes(b"")
    assert build(site, reuse_current=True).content is not None  # not "Up to date"
    assert snapshot(site / "output") == before
