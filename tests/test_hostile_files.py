"""Files that are not what they seem: only regular files inside the site are read.

A named pipe, a folder where a file belongs, a file or folder Byline may not read, a link in a
loop or out of the site, a name that is not UTF-8: each is one ``file: error:`` line with the
fix, the build stops without a hang or a traceback, and the previous output stays as it was.

The tests run as root, which reads any file whatever its mode, and the interpreter lives
where another user cannot reach it; so "permission denied" is simulated by making ``os.open``
or ``os.scandir`` raise PermissionError for one path, as the kernel would for another user.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from generator.scaffold import init_site

from .conftest import REPO, SiteFiles, article, build, photo_bytes
from .outcome import Run, build_outcome, run_byline, snapshot

MakeSite = Callable[[SiteFiles], Path]


def built_site(make_site: MakeSite, **extra: str | bytes) -> tuple[Path, dict[str, bytes]]:
    """A site with two articles, built once; returns it and its output."""
    site = make_site({
        "content/articles/first.md": article("First story", category="Music"),
        "content/articles/second/index.md": article("Second story", category="TV"),
        **extra,
    })
    run = build_outcome(site)
    assert run.code == 0, run.err
    previous = snapshot(site / "output")
    assert "music/first/index.html" in previous
    return site, previous


def error_lines(run: Run) -> list[str]:
    """The problem lines of a run, without the closing "byline: error: build failed" line."""
    return [line for line in run.err.splitlines()
            if ": error: " in line and not line.startswith("byline: ")]


def fails_with(site: Path, previous: dict[str, bytes], expected: str) -> Run:
    """Build again: it must fail cleanly, say ``expected`` as one of its lines, change nothing."""
    run = build_outcome(site, previous=previous, seconds=10)
    assert run.code != 0
    assert expected in error_lines(run), run.err
    return run


def deny(monkeypatch: pytest.MonkeyPatch, name: str, path: Path) -> None:
    """Make ``os.<name>`` raise PermissionError for ``path``, as for an unreadable file."""
    real = getattr(os, name)
    refused = os.fspath(path)

    def guarded(target: object, *args: object, **kwargs: object) -> object:
        if isinstance(target, int):  # a folder opened before: it was refused when opened
            return real(target, *args, **kwargs)
        if os.fspath(target) == refused:  # type: ignore[call-overload]
            raise PermissionError(errno.EACCES, "Permission denied", refused)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(os, name, guarded)


def deny_folder(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make the folder at ``path`` unreadable: listed by its path or opened to be listed."""
    deny(monkeypatch, "scandir", path)
    deny(monkeypatch, "open", path)


# --- things that are not regular files -----------------------------------------------------


def test_a_named_pipe_called_x_md_is_refused_not_read(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    os.mkfifo(site / "content/articles/x.md")
    fails_with(site, previous, "content/articles/x.md: error: not a regular file (a named pipe): "
                               "remove it or replace it with a Markdown file")


def test_a_named_pipe_index_md_in_a_bundle_is_refused(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "content/articles/bundle").mkdir()
    os.mkfifo(site / "content/articles/bundle/index.md")
    fails_with(site, previous, "content/articles/bundle/index.md: error: not a regular file "
                               "(a named pipe): remove it or replace it with a Markdown file")


def test_a_named_pipe_as_author_file_is_refused(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "content/authors").mkdir()
    os.mkfifo(site / "content/authors/dana.yaml")
    fails_with(site, previous, "content/authors/dana.yaml: error: not a regular file (a named "
                               "pipe): remove it or replace it with a YAML file of name:, bio:, "
                               "avatar:, links:")


def test_site_yaml_that_is_a_folder_is_refused(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "site.yaml").unlink()
    (site / "site.yaml").mkdir()
    fails_with(site, previous, "site.yaml: error: not a regular file (a folder): remove it or "
                               "replace it with a YAML file of settings")


def test_a_named_pipe_as_site_yaml_is_refused(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "site.yaml").unlink()
    os.mkfifo(site / "site.yaml")
    fails_with(site, previous, "site.yaml: error: not a regular file (a named pipe): remove it "
                               "or replace it with a YAML file of settings")


def test_a_named_pipe_as_template_is_refused(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "templates").mkdir()
    os.mkfifo(site / "templates/article.html")
    fails_with(site, previous, "templates/article.html: error: not a regular file (a named pipe): "
                               "remove it or replace it with a template")


def test_a_named_pipe_in_static_is_refused_before_output_is_touched(make_site: MakeSite) -> None:
    """Found by a red-team pass: a static file that could not be read failed the build only
    while files were moving into output/, after the edited story and its lists had, with a
    message naming no file and no fix."""
    site, previous = built_site(make_site)
    (site / "content/articles/first.md").write_text(article("First story, updated",
                                                            category="Music"))
    (site / "static").mkdir()
    os.mkfifo(site / "static/press-kit.txt")
    fails_with(site, previous, "static/press-kit.txt: error: not a regular file (a named pipe): "
                               "remove it or replace it with a file")


def test_a_link_to_a_folder_in_static_is_said_not_dropped(make_site: MakeSite) -> None:
    """Found by a red-team pass: static/fonts, a link to the brand kit's folder, was left
    out of the site without a word (its pages' fonts then missing)."""
    site, previous = built_site(make_site, **{"brand-kit/fonts/serif.woff2": b"wOF2"})
    (site / "static").mkdir()
    (site / "static/fonts").symlink_to(site / "brand-kit/fonts")
    fails_with(site, previous, "static/fonts: error: is a link to a folder, which Byline does "
                               "not follow here: move or copy the folder itself here, or link "
                               "each file")


# --- files and folders Byline may not read ------------------------------------------------------


def test_an_unreadable_static_folder_is_an_error_and_its_published_files_stay(
        make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a red-team pass: os.walk skipped a folder of static/ it could not list, so
    the build passed without a word and deleted the files published from it."""
    site, previous = built_site(make_site, **{"static/press/kit.txt": "Press kit\n"})
    assert "press/kit.txt" in previous
    deny_folder(monkeypatch, site / "static/press")
    fails_with(site, previous, "static/press: error: cannot be read (permission denied): make "
                               "the folder readable, e.g. `chmod u+rx` it")


# A static file is found missing only when copied into output/: the build found it (a red-team
# pass) after the edited story and its lists had moved in.
@pytest.mark.parametrize(("name", "before", "after"), [
    ("content/articles/first.md", None, article("First, edited")),
    ("content/authors/dana.yaml", "name: Dana\n", "name: Dana Reyes\n"),
    ("static/press/kit.txt", "Press kit\n", "Press kit, with prices\n"),
], ids=["article", "author file", "static file"])
def test_an_unreadable_file_is_an_error(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
                                        name: str, before: str | None, after: str) -> None:
    site, previous = built_site(make_site, **({name: before} if before else {}))
    (site / name).write_text(after, encoding="utf-8")  # as chmod: changed since the build
    deny(monkeypatch, "open", site / name)
    fails_with(site, previous, f"{name}: error: cannot be read (permission denied): make it "
                               "readable, e.g. `chmod u+r` it")


def test_an_unreadable_article_folder_is_an_error_not_a_removed_story(
        make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site, previous = built_site(make_site)
    deny_folder(monkeypatch, site / "content/articles/second")
    run = fails_with(site, previous, "content/articles/second: error: cannot be read (permission "
                                     "denied): make the folder readable, e.g. `chmod u+rx` it")
    assert "removed" not in run.out


def test_an_unreadable_content_section_is_an_error(make_site: MakeSite,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    site, previous = built_site(make_site)
    deny_folder(monkeypatch, site / "content/articles")
    fails_with(site, previous, "content/articles: error: cannot be read (permission denied): "
                               "make the folder readable, e.g. `chmod u+rx` it")


def test_an_unreadable_site_yaml_is_an_error(make_site: MakeSite,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site, previous = built_site(make_site)
    deny(monkeypatch, "open", site / "site.yaml")
    fails_with(site, previous, "site.yaml: error: cannot be read (permission denied): make it "
                               "readable, e.g. `chmod u+r` it")


def test_an_unreadable_template_is_an_error(make_site: MakeSite,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    template = (REPO / "themes/default/templates/page.html").read_text(encoding="utf-8")
    site, previous = built_site(make_site, **{"templates/page.html": template})
    (site / "templates/page.html").write_text(template + "\n", encoding="utf-8")
    deny(monkeypatch, "open", site / "templates/page.html")
    fails_with(site, previous, "templates/page.html: error: cannot be read (permission denied): "
                               "make it readable, e.g. `chmod u+r` it")


# --- links ------------------------------------------------------------------------------------


def test_a_link_in_a_loop_is_an_error(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "content/articles/loop.md").symlink_to("loop.md")
    fails_with(site, previous, "content/articles/loop.md: error: is a symbolic link that leads "
                               "back to itself (a loop): remove the link or point it at a real "
                               "file")


@pytest.mark.parametrize(("made", "line", "message"), [
    ("loop", "hero:\n  image: x.jpg\n  alt: A photo", "content/articles/second/index.md:6: "
     "error: image x.jpg is a symbolic link that leads back to itself (a loop): remove the "
     "link, or point it at the photo"),
    ("loop", "", "content/articles/second/index.md:7: error: video x.mp4 is a symbolic link "
     "that leads back to itself (a loop): remove the link, or point it at the video"),
    ("folder", "", "content/articles/second/index.md:7: error: image x.jpg is a folder, not a "
     "photo: name the file itself"),
    ("pipe", "", "content/articles/second/index.md:7: error: image x.jpg is a named pipe, not "
     "a photo: name the file itself"),
])
def test_a_photo_or_video_that_is_no_file_is_named_for_what_it_is(
        make_site: MakeSite, made: str, line: str, message: str) -> None:
    """Found by a red-team pass: a photo linked to itself stopped the build as an internal
    error (hiding every other problem), and a folder or a named pipe was "not found"."""
    site, previous = built_site(make_site)
    folder = site / "content/articles/second"
    video = "video x.mp4" in message
    name = folder / ("x.mp4" if video else "x.jpg")
    if made == "loop":
        name.symlink_to(name.name)
    elif made == "folder":
        name.mkdir()
    else:
        os.mkfifo(name)
    body = "![The clip](x.mp4)" if video else "![A photo](x.jpg)"
    extra = {"hero": line.removeprefix("hero:")} if line else {}
    text = article("Second story", category="TV", body=body, **extra)
    (folder / "index.md").write_text(text, encoding="utf-8")
    fails_with(site, previous, message)


def test_a_folder_link_back_to_its_parent_is_an_error(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "content/articles/second/again").symlink_to("..")
    fails_with(site, previous, "content/articles/second/again: error: is a symbolic link to a "
                               "folder that contains it (a loop): remove the link")


def test_a_link_to_nothing_is_an_error(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "content/articles/gone.md").symlink_to("nowhere.md")
    fails_with(site, previous, "content/articles/gone.md: error: is a symbolic link to "
                               "nowhere.md, which does not exist: remove the link or point it at "
                               "a file")


def test_a_markdown_link_out_of_the_site_is_refused(make_site: MakeSite, tmp_path: Path) -> None:
    site, previous = built_site(make_site)
    secret = tmp_path / "private" / "notes.md"
    secret.parent.mkdir()
    secret.write_text(article("Private notes"), encoding="utf-8")
    (site / "content/articles/notes.md").symlink_to(secret)
    fails_with(site, previous, f"content/articles/notes.md: error: is a link to {secret}, outside "
                               "the site folder: Byline reads only files inside the site; move or "
                               "copy it in instead")


def test_a_folder_link_out_of_the_site_is_refused(make_site: MakeSite, tmp_path: Path) -> None:
    site, previous = built_site(make_site)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "bundle").mkdir(parents=True)
    (elsewhere / "bundle/index.md").write_text(article("Elsewhere"), encoding="utf-8")
    (site / "content/articles/linked").symlink_to(elsewhere)
    run = fails_with(site, previous, f"content/articles/linked: error: is a link to {elsewhere}, "
                                     "outside the site folder: Byline reads only files inside "
                                     "the site; move or copy it in instead")
    assert "Elsewhere" not in run.err


def test_an_author_file_linked_from_outside_is_refused(make_site: MakeSite,
                                                       tmp_path: Path) -> None:
    site, previous = built_site(make_site)
    outside = tmp_path / "dana.yaml"
    outside.write_text("name: Dana\n", encoding="utf-8")
    (site / "content/authors").mkdir()
    (site / "content/authors/dana.yaml").symlink_to(outside)
    fails_with(site, previous, f"content/authors/dana.yaml: error: is a link to {outside}, "
                               "outside the site folder: Byline reads only files inside the "
                               "site; move or copy it in instead")


def test_links_inside_the_site_are_followed(make_site: MakeSite) -> None:
    site = make_site({
        "drafts/shared.md": article("Shared story", category="Music"),
        "drafts/bundle/index.md": article("Bundled story", category="TV"),
        "content/articles/first.md": article("First story", category="Music"),
    })
    (site / "content/articles/shared.md").symlink_to(site / "drafts/shared.md")
    (site / "content/articles/bundle").symlink_to("../../drafts/bundle")
    run = build_outcome(site)
    assert run.code == 0, run.err
    assert (site / "output/music/shared/index.html").is_file()
    assert (site / "output/tv/bundle/index.html").is_file()


# --- names and the content folder itself ------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_named_and_refused(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    name = os.fsencode(site / "content/articles") + b"/caf\xe9.md"
    with open(name, "wb") as file:
        file.write(article("Caf\u00e9").encode())
    fails_with(site, previous, "content/articles/caf\\xe9.md: error: the name caf\\xe9.md is not "
                               "UTF-8 text: rename it (a name your computer shows correctly will "
                               "do)")


def test_a_newline_in_a_file_name_keeps_the_message_on_one_line(make_site: MakeSite) -> None:
    site, previous = built_site(make_site)
    (site / "content/articles/two\nlines.md").write_text("no front matter\n", encoding="utf-8")
    run = build_outcome(site, previous=previous)
    assert run.code != 0
    assert any(line.startswith("content/articles/two\\nlines.md:1: error: ")
               for line in error_lines(run)), run.err


@pytest.mark.parametrize("make_content", ["missing", "file", "loop"])
def test_no_content_folder_is_an_error_not_an_empty_site(make_site: MakeSite,
                                                         make_content: str) -> None:
    site, previous = built_site(make_site)
    for path in sorted((site / "content").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (site / "content").rmdir()
    if make_content == "file":
        (site / "content").write_text("not a folder", encoding="utf-8")
    elif make_content == "loop":
        (site / "content").symlink_to("content")
    run = build_outcome(site, previous=previous)
    lines = error_lines(run)
    if make_content == "loop":
        assert lines == ["content: error: is a symbolic link that leads back to itself (a loop): "
                         "remove the link or point it at a real file"], run.err
    else:
        assert lines == [f"content: error: no content/ folder in {site}: create content/articles/ "
                         "and put your first article there, or run `byline init`"], run.err


# --- photos the disk will not take, or Byline may not read ---------------------------------


def test_an_unreadable_photo_is_an_error_with_the_fix(make_site: MakeSite,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A red-team pass: the line said "(Permission denied)" and nothing of what to do.
    site, previous = built_site(make_site)
    folder = site / "content/articles/second"
    (folder / "x.jpg").write_bytes(photo_bytes())
    (folder / "index.md").write_text(article("Second story", category="TV",
                                             body="![A photo](x.jpg)"), encoding="utf-8")
    real = Path.read_bytes

    def refused(path: Path) -> bytes:
        if path.name == "x.jpg":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    fails_with(site, previous, "content/articles/second/index.md:7: error: x.jpg: image file "
                               "cannot be read (permission denied): make it readable, e.g. "
                               "`chmod u+r` it")


def test_a_photo_the_disk_takes_only_part_of_fails_the_build_not_the_reader(
        tmp_path: Path) -> None:
    """Found by a red-team pass: under a file-size limit (as on a nearly full disk) the
    photo's encoder wrote part of its last block without a word, the cut-off file was
    published and the build said "Built". The starter site, as the pass had it."""
    site = tmp_path / "site"
    init_site(site)
    settings = site / "site.yaml"
    settings.write_text(settings.read_text("utf-8").replace("search: true", "search: false"),
                        encoding="utf-8")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG, as a full disk would.
    resource.setrlimit(resource.RLIMIT_FSIZE, (40 * 1024, hard))
    try:
        run = build_outcome(site, previous={})
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert run.code == 1
    assert error_lines(run) == [
        "content/articles/welcome-to-your-newsroom/index.md:9: error: photo.jpg: image could "
        "not be saved: this system limits the size of a file Byline may write (ulimit -f); "
        "raise the limit and build again"]
    assert build_outcome(site).code == 0  # the limit lifted, the next build makes it whole
    for made in (site / "output/images").iterdir():
        Image.open(made).load()  # raises on a cut-off file


def test_a_folder_in_a_pages_place_is_named_as_the_page_not_a_staged_file(
        make_site: MakeSite) -> None:
    # A red-team pass: the line named .byline-cache/staging-PID/<hash>, with no fix.
    site, _ = built_site(make_site)
    page = site / "output/music/first/index.html"
    page.unlink()
    page.mkdir()
    (site / "content/articles/first.md").write_text(article("First, edited", category="Music"),
                                                   encoding="utf-8")
    run = build_outcome(site)
    assert run.code == 1
    assert error_lines(run) == [
        f"{page}: error: a folder is where Byline writes this file: move the folder out of "
        "the output folder and build again"]
    page.rmdir()
    assert build_outcome(site).code == 0
    assert "First, edited" in page.read_text("utf-8")


@pytest.mark.parametrize("name, made, message", [
    ("build.lock", "folder", "a folder is where Byline keeps its lock file; move the folder "
                             "away and build again"),
    ("images", "file", "a file is where Byline keeps resized photos; move it away and build "
                       "again"),
])
def test_something_else_where_the_cache_keeps_its_own_is_named_with_the_fix(
        make_site: MakeSite, name: str, made: str, message: str) -> None:
    # A red-team pass: the lock's folder was blamed on .byline-cache itself, and a file in
    # place of the photos' folder stopped every build with "file exists". Neither is
    # Byline's to delete.
    site, _ = built_site(make_site, **{"content/articles/second/x.jpg": photo_bytes()})
    path = site / ".byline-cache" / name
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.mkdir() if made == "folder" else path.write_text("mine", encoding="utf-8")
    (site / "content/articles/second/index.md").write_text(
        article("Second story", category="TV", body="![A photo](x.jpg)"), encoding="utf-8")
    run = build_outcome(site)
    assert (run.code, run.err.splitlines()[-1]) == (1, f"byline: error: cannot use {path}: "
                                                       f"{message}")
    assert path.exists()  # left for its owner to move


# -- names: a hashtag is a story, an underscore is said, litter is never published ----------


def test_a_story_named_after_a_hashtag_is_published_and_an_emacs_autosave_is_not(
        make_site: MakeSite) -> None:
    # A red-team pass: "#MeToo-five-years-on.md" was left out without a word.
    site = make_site({
        "content/articles/#MeToo-five-years-on.md": article('"#MeToo, five years on"',
                                                            category="Music"),
        "content/articles/#1-hit/index.md": article("A number one", category="Music"),
        "content/articles/#MeToo-five-years-on.md#": "autosave",
    })
    run = build_outcome(site)
    assert run.code == 0 and run.err == ""
    assert (site / "output/music/metoo-five-years-on/index.html").is_file()
    assert (site / "output/music/1-hit/index.html").is_file()


def test_a_story_or_folder_named_with_a_leading_underscore_is_left_out_and_said(
        make_site: MakeSite) -> None:
    site = make_site({
        "content/articles/_BTS-comeback.md": article("BTS are back", category="Music"),
        "content/articles/_drafts/idea.md": article("An idea", category="Music"),
        "content/articles/story.md": article("A story", category="Music"),
    })
    run = build_outcome(site)
    assert run.code == 0
    assert run.err.splitlines() == [
        "content/articles/_BTS-comeback.md: warning: is not published: a file whose name "
        "starts with '_' is set aside (other tools keep drafts and section files so): rename "
        "it to BTS-comeback.md to publish it; a draft is marked draft: true",
        "content/articles/_drafts: warning: is not read, nor anything in it: a folder whose "
        "name starts with '_' is set aside (other tools keep drafts and section files so): "
        "rename it to drafts to publish it; a draft is marked draft: true"]
    assert sorted(p.name for p in (site / "output/music").iterdir() if p.is_dir()) == ["story"]


def test_what_file_managers_leave_in_static_is_not_published(make_site: MakeSite) -> None:
    # .DS_Store lists the folder's file names to anyone who asks for it.
    site = make_site({
        "content/articles/story.md": article("A story", category="Music"),
        "static/press/kit.pdf": b"%PDF-1.4",
        "static/press/.DS_Store": b"\0\0\0\1Bud1",
        "static/press/._kit.pdf": b"\0\5\26\7",
        "static/press/Thumbs.db": b"\xd0\xcf",
        "static/.well-known/security.txt": "Contact: mailto:desk@news.example\n",
    })
    assert build_outcome(site).code == 0
    assert sorted(p.name for p in (site / "output/press").iterdir()) == ["kit.pdf"]
    assert (site / "output/.well-known/security.txt").is_file()


def test_what_editors_leave_beside_a_static_file_is_not_published(make_site: MakeSite) -> None:
    # A red-team pass: vim's swap file (the writer's unsaved text, user name and folder) and
    # backup were published from static/, and Emacs's lock, a link to nowhere, stopped every
    # build ("this is a link to writer@laptop.4242:1700000000, which does not exist").
    site = make_site({
        "content/articles/story.md": article("A story", category="Music"),
        "static/ads.txt": "google.com, pub-2, DIRECT\n",
        "static/.ads.txt.swp": b"b0VIM 9.0\0writer\0laptop\0/home/writer/site/static/ads.txt",
        "static/ads.txt~": "google.com, pub-1, DIRECT\n",
        "static/#ads.txt#": "google.com, pub-3, DIRECT\n",
        "static/press/kit.pdf___jb_tmp___": b"%PDF-1.4",
        "static/.well-known/security.txt": "Contact: mailto:desk@news.example\n",
    })
    (site / "static/.#ads.txt").symlink_to("writer@laptop.4242:1700000000")
    assert build_outcome(site).code == 0
    out = site / "output"
    assert sorted(p.name for p in out.iterdir() if "ads" in p.name) == ["ads.txt"]
    assert not (out / "press").exists()
    assert (out / ".well-known/security.txt").is_file()


def test_a_static_file_under_a_name_byline_keeps_is_said_not_lost(make_site: MakeSite) -> None:
    # A red-team pass: static/.byline-output was written over by the output folder's list of
    # Byline's files, and .byline-published (the bucket's record) or a temporary name were
    # copied and then never published, all with nothing said.  A git repository's folder is
    # history, not the site: left out.
    site, previous = built_site(make_site, **{
        "static/ads.txt": "google.com, pub-2, DIRECT\n",
        "static/.git/config": "[core]\n",
    })
    assert not (site / "output/.git").exists()
    files = {"static/.byline-output": "my notes\n",
             "static/press/.byline-published": "{}\n",
             "static/.kit.pdf.byline-tmp": b"%PDF-1.4"}
    for name, data in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    run = build_outcome(site, previous=previous, seconds=10)
    assert run.code != 0
    rename = ("so this file would never reach readers: rename it, or delete it if it was "
              "copied from an output folder")
    assert error_lines(run) == [
        "static/.byline-output: error: Byline keeps this name for its list of the files it "
        f"wrote in the output folder (.byline-output), {rename}",
        "static/.kit.pdf.byline-tmp: error: Byline keeps this name for its temporary files "
        f"(ending in .byline-tmp), {rename}",
        "static/press/.byline-published: error: Byline keeps this name for its record of what "
        f"it uploaded to a bucket (.byline-published), {rename}",
    ]


def test_a_link_to_a_story_inside_the_site_is_not_the_story_twice(make_site: MakeSite) -> None:
    # A red-team pass: `old-name.md → real.md` published two copies, each canonical to itself.
    site = make_site({"content/articles/real.md": article("Good story", category="Music"),
                      "content/articles/tour/index.md": article("Tour", category="Music")})
    (site / "content/articles/a-old-name.md").symlink_to("real.md")
    (site / "content/articles/old-tour").symlink_to("tour")
    run = build_outcome(site)
    assert run.code == 0
    assert run.err.splitlines() == [
        f"content/articles/{twin}: warning: is content/articles/{real} again, through a "
        "symbolic link, so it is not published (one story at two addresses splits its readers "
        "and its search ranking): delete the link; to keep its address, add it to that "
        "story's aliases"
        for twin, real in (("a-old-name.md", "real.md"), ("old-tour/index.md", "tour/index.md"))]
    assert sorted(p.name for p in (site / "output/music").iterdir() if p.is_dir()) == [
        "real", "tour"]


NFD = "Beyonce\u0301"  # as a Mac may save "Beyoncé": an e, then the accent


def test_a_static_file_saved_by_a_mac_is_published_under_the_name_as_typed(
        make_site: MakeSite) -> None:
    # A red-team pass: the writer's link to /press/Beyoncé-kit.pdf found nothing.
    site = make_site({"content/articles/a.md": article("A", category="Music"),
                      f"static/press/{NFD}-kit.pdf": b"%PDF-1.4"})
    assert build_outcome(site).code == 0
    assert [p.name for p in (site / "output/press").iterdir()] == ["Beyoncé-kit.pdf"]


def test_two_story_files_named_alike_in_two_unicode_forms_are_told_apart(
        make_site: MakeSite) -> None:
    site = make_site({"content/articles/Beyoncé.md": article("A", category="Music"),
                      f"content/articles/{NFD}.md": article("B", category="Music")})
    run = build_outcome(site)
    assert run.code == 1
    assert run.err.splitlines()[0].endswith(
        "have one file name, written in two ways (an accent as one character or two, as a Mac "
        "may save it), and both the address /music/beyonce/: delete one of the two files")


def test_hugos_list_page_is_said_to_be_made_by_byline(make_site: MakeSite) -> None:
    # A review: "rename it to index.md" made the folder a bundle, which failed.
    site = make_site({"content/articles/music/_index.md": "---\ntitle: Music\n---\n\nAll.\n",
                      "content/articles/music/a.md": article("A", category="Music")})
    run = build_outcome(site)
    assert run.code == 0
    assert run.err.splitlines() == [
        "content/articles/music/_index.md: warning: is not published: it is Hugo's page for the "
        "list of its folder, which Byline makes itself (a section's, a tag's): delete it, or "
        "move what it says to a page in content/pages/"]


def test_a_sync_tools_copy_of_a_story_is_named_not_published_twice(make_site):
    """Found by a red-team pass: Dropbox's "conflicted copy" of a story went out as a second
    story with the same headline and the older text, in feeds and lists, without a word."""
    from generator.errors import BuildFailed

    bundle = "content/articles/gala"
    site = make_site({
        f"{bundle}/index.md": article("Gala night"),
        f"{bundle}/index (Ryan's conflicted copy 2026-12-05).md": article("Gala night"),
        "content/articles/tour.md": article("Tour"),
        "content/articles/tour.sync-conflict-20261205-101010-ABCDEF1.md": article("Tour"),
        "content/articles/premiere (1).md": article("Premiere"),
        "content/articles/premiere.md": article("Premiere"),
        "content/articles/awards-DESKTOP-AB12CD.md": article("Awards"),
        "content/articles/awards.md": article("Awards"),
        # A bundle copied whole, and an author file's conflicted copy (a review found them).
        "content/articles/gala copy/index.md": article("Gala night"),
        "content/authors/jo-lane.yaml": "name: Jo Lane\n",
        "content/authors/jo-lane (Ryan's conflicted copy 2026-12-05).yaml": "name: Jo Lane\n",
    })
    with pytest.raises(BuildFailed) as failed:
        build(site)

    def copy_of(copy: str, original: str, kind: str = "story") -> str:
        return (f"{copy}: error: is a copy of {original}, made by a file-sync tool or a file "
                f"manager (the {kind} would be published twice): merge what you need of it "
                f"into {original} and delete it, or give it a name of its own if it is another "
                f"{kind}")

    assert sorted(str(p) for p in failed.value.problems) == [
        copy_of("content/articles/awards-DESKTOP-AB12CD.md", "awards.md"),
        copy_of("content/articles/gala copy", "gala"),
        copy_of(f"{bundle}/index (Ryan's conflicted copy 2026-12-05).md", "index.md"),
        copy_of("content/articles/premiere (1).md", "premiere.md"),
        copy_of("content/articles/tour.sync-conflict-20261205-101010-ABCDEF1.md", "tour.md"),
        copy_of("content/authors/jo-lane (Ryan's conflicted copy 2026-12-05).yaml",
                "jo-lane.yaml", "author")]


def test_names_like_a_copys_are_stories_when_nothing_they_copy_is_beside_them(make_site):
    site = make_site({
        "content/articles/top-10 (2026).md": article("Top ten of the year"),
        "content/articles/the-copy-editors.md": article("The copy editors"),
        "content/articles/BTS-RM.md": article("RM goes solo"),
        # Beside what they would copy, but a year and a country (a review found them).
        "content/articles/dune-review.md": article("Dune, reviewed"),
        "content/articles/dune-review (1984).md": article("Dune (1984), reviewed"),
        "content/articles/eurovision-2026.md": article("Eurovision"),
        "content/articles/eurovision-2026-UK.md": article("The UK entry for Eurovision"),
    })
    built = build(site)
    assert sorted(a.title for a in built.content.articles) == [
        "Dune (1984), reviewed", "Dune, reviewed", "Eurovision", "RM goes solo",
        "The UK entry for Eurovision", "The copy editors", "Top ten of the year"]


def test_an_output_link_to_a_drive_not_mounted_is_refused_not_made_locally(
        make_site: MakeSite, tmp_path: Path) -> None:
    """Found by a red-team pass: output/ linked to a folder on a drive not mounted made the
    drive's mount point on the local disk and wrote the site there, where nobody serves it
    (and the drive, once mounted, hides it); --output called the link a file."""
    site = make_site({"content/articles/first.md": article("First story")})
    mount = tmp_path / "mnt/webdisk"
    (site / "output").symlink_to(mount / "site")
    refusal = (f"is a link to {mount / 'site'}, which does not exist (a drive not mounted?): "
               "mount it or make that folder, or remove the link")
    run = build_outcome(site)
    assert run.err.splitlines() == [f"byline: error: the output folder {site / 'output'} "
                                    + refusal]
    run = run_byline(["build", "--site", str(site), "--output", str(site / "output")])
    assert f"argument --output: the folder {site / 'output'} {refusal}" in run.err
    assert not (tmp_path / "mnt").exists()


def test_a_template_folder_linked_within_the_site_is_read_and_its_edits_rebuild(
        make_site: MakeSite) -> None:
    """A review found a fix of this day refusing templates/partials, a link to a shared
    folder of the site, which Jinja reads through: it builds, and an edit of a partial in
    the linked folder rebuilds the pages (the theme's key is made of the files found)."""
    site = make_site({
        "content/articles/first.md": article("First story", category="Music"),
        "shared/partials/promo.html": "<p class=promo>Subscribe</p>\n",
        "templates/page.html": '{% extends "base.html" %}{% block main %}'
                               '{% include "partials/promo.html" %}{% endblock %}\n',
        "content/pages/about.md": "---\ntitle: About us\n---\nWho we are.\n",
    })
    (site / "templates/partials").symlink_to(site / "shared/partials")
    (site / "templates/partials/loop").symlink_to(site / "templates")
    run = build_outcome(site)
    assert run.code != 0 and error_lines(run) == [
        "templates/partials/loop: error: is a link to a folder that contains it (a loop): "
        "remove the link"]
    (site / "templates/partials/loop").unlink()
    assert build_outcome(site).code == 0
    assert "Subscribe" in (site / "output/about/index.html").read_text()
    (site / "shared/partials/promo.html").write_text("<p class=promo>Subscribe today</p>\n")
    assert build_outcome(site).code == 0
    assert "Subscribe today" in (site / "output/about/index.html").read_text()


def test_a_dir_target_linked_to_a_drive_not_mounted_is_refused(make_site: MakeSite,
                                                                tmp_path: Path) -> None:
    site, _ = built_site(make_site)
    with (site / "site.yaml").open("a") as settings:
        settings.write("deploy:\n  targets:\n    mirror: {kind: dir, path: mirror}\n")
    mount = tmp_path / "mnt/webdisk"
    (site / "mirror").symlink_to(mount / "www")
    run = run_byline(["publish", "--site", str(site)])
    assert run.code != 0
    assert (f"`path` {site / 'mirror'} is a link to {mount / 'www'}, which does not exist (a "
            "drive not mounted?)") in run.err
    assert not (tmp_path / "mnt").exists()


def test_an_output_folder_byline_may_not_write_is_named_not_the_caches_temporary(
        make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # A red-team pass: output/ owned by the web server's user, and a new story. The line
    # named .byline-cache/staging-N/marker/..byline-output.N.byline-tmp, with no fix.
    site, previous = built_site(make_site)
    output = site / "output"
    real = os.replace

    def refused(source: object, target: object, *args: object, **kwargs: object) -> None:
        if Path(os.fspath(target)).parent == output:  # type: ignore[call-overload]
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(source))  # type: ignore[call-overload]
        real(source, target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", refused)
    (site / "content/articles/new.md").write_text(article("New story"), encoding="utf-8")
    fails_with(site, previous,
               f"{output / '.byline-output'}: error: Byline may not write here (permission "
               f"denied): make {output} writable, e.g. `chmod u+w` it, and build again")
