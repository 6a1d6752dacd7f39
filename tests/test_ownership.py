"""Byline writes and deletes only inside folders it owns, and only files it wrote."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.ownership import MARKER_NAME, read_ownership, site_address, site_identity

from .conftest import REPO, SITE_YAML, article, build, write_files
from .outcome import run_byline, snapshot

ARTICLES = {
    "content/articles/a.md": article(title="A", category="Music", tags="[Pop]"),
    "content/articles/b.md": article(title="B", category="TV", tags="[Drama]"),
}


def byline_build(site: Path, *args: str) -> tuple[int, str]:
    run = run_byline(["build", "--site", str(site), "--quiet", *args])
    return run.code, run.err


def site_files(site: Path) -> dict[str, bytes]:
    """The writer's own files: everything but output/ and the cache."""
    return {k: v for k, v in snapshot(site).items()
            if not k.startswith(("output/", ".byline-cache/"))}


@pytest.mark.parametrize("output", [".", "content", "content/articles", "templates", "static",
                                    ".byline", ".git", "content/../content"])
def test_an_output_inside_the_sites_own_folders_is_refused_and_nothing_touched(
    make_site, output
):
    site = make_site({**ARTICLES, "templates/.keep": "", "static/logo.svg": "<svg/>",
                      ".byline/published.json": "{}", ".git/HEAD": "ref: refs/heads/main\n"})
    before = site_files(site)
    code, err = byline_build(site, "--output", str(site / output))
    assert code == 1
    assert err.startswith("byline: error: --output ")
    assert ("holds the site itself" in err) or ("inside the site's" in err)
    assert "name a folder of its own, such as output/" in err
    assert site_files(site) == before
    assert not (site / "output").exists()


def test_a_folder_holding_the_site_is_refused(make_site):
    site = make_site(ARTICLES)
    code, err = byline_build(site, "--output", str(site.parent))
    assert code == 1 and "holds the site itself" in err
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


@pytest.mark.parametrize("where", ["/", "home"])
def test_root_and_home_are_refused_without_being_walked(make_site, monkeypatch, where):
    site = make_site(ARTICLES)
    folder = str(Path.home()) if where == "home" else "/"

    def no_walking(*args, **kwargs):
        raise AssertionError("walked a folder it should have refused")

    monkeypatch.setattr(os, "walk", no_walking)
    monkeypatch.setattr(os, "scandir", no_walking)
    code, err = byline_build(site, "--output", folder)
    assert code == 1
    assert ("root of the disk" in err) or ("holds your home folder" in err)


def test_an_unrelated_folder_keeps_every_file(make_site, tmp_path):
    site = make_site(ARTICLES)
    folder = write_files(tmp_path / "some/folder", {"notes.txt": "mine", "sub/plan.md": "mine"})
    code, err = byline_build(site, "--output", str(folder))
    assert code == 1
    assert ("already holds files Byline did not write (notes.txt, sub/plan.md): choose an "
            "empty folder, or add --force") in err
    assert snapshot(folder) == {"notes.txt": b"mine", "sub/plan.md": b"mine"}


def test_a_folder_refused_is_said_with_the_stories_mistakes(make_site, tmp_path):
    """A red-team pass: the refusal hid every mistake in the stories, which the writer
    learnt of only once the folder was put right."""
    site = make_site({**ARTICLES, "content/articles/bad.md": article(date="Tuesday")})
    folder = write_files(tmp_path / "www", {"notes.txt": "mine"})
    code, err = byline_build(site, "--output", str(folder))
    lines = err.splitlines()
    assert code == 1 and lines[-1] == "byline: error: build failed with 2 errors"
    assert lines[0].startswith(f"error: --output {folder} already holds files Byline "
                               "did not write (notes.txt): choose an empty folder")
    assert lines[1].startswith("content/articles/bad.md:3: error: 'date' is not a date: ")
    assert snapshot(folder) == {"notes.txt": b"mine"}


@pytest.mark.parametrize("what, named", [
    ("link", "elsewhere"), ("git", ".git/"), ("empty", "drafts/")])
def test_a_folder_holding_no_file_still_names_what_it_holds(make_site, tmp_path, what, named):
    """A link to a folder, a git repository or an empty folder is all the folder holds: the
    message must name it, not list nothing."""
    site = make_site(ARTICLES)
    folder = tmp_path / "www"
    folder.mkdir()
    if what == "link":
        (tmp_path / "precious").mkdir()
        (folder / "elsewhere").symlink_to(tmp_path / "precious")
    elif what == "git":
        write_files(folder / ".git", {"HEAD": "ref: refs/heads/main\n"})
    else:
        (folder / "drafts").mkdir()
    code, err = byline_build(site, "--output", str(folder))
    assert code == 1
    assert (f"already holds files Byline did not write ({named}): choose an empty folder, or "
            "add --force") in err


def test_force_adopts_a_folder_but_never_deletes_what_byline_did_not_write(make_site, tmp_path):
    site = make_site(ARTICLES)
    folder = write_files(tmp_path / "www", {"CNAME": "news.example", "music/a/notes.txt": "x"})
    code, err = byline_build(site, "--output", str(folder), "--force")
    assert code == 0
    run = run_byline(["build", "--site", str(site), "--output", str(folder), "--force"])
    assert (folder / "music/a/index.html").is_file()
    (site / "content/articles/a.md").unlink()  # its page goes; the writer's files stay
    code, err = byline_build(site, "--output", str(folder))
    assert code == 0, err
    assert not (folder / "music/a/index.html").exists()
    assert (folder / "CNAME").read_text() == "news.example"
    assert (folder / "music/a/notes.txt").read_text() == "x"
    assert run.code == 0


def test_force_never_writes_over_a_file_byline_did_not_write(make_site, tmp_path):
    site = make_site(ARTICLES)
    folder = write_files(tmp_path / "www", {"music/a/index.html": "MY OWN PAGE", "CNAME": "x"})
    run = run_byline(["build", "--site", str(site), "--output", str(folder), "--force"])
    assert run.code == 1
    assert (f"{folder}/music/a/index.html: error: this file was not written by Byline, and "
            "the page made from content/articles/a.md would replace it: move it out of "
            f"{folder} (or build into another folder), then build again") in run.err
    assert snapshot(folder) == {"music/a/index.html": b"MY OWN PAGE", "CNAME": b"x"}


def test_a_file_put_where_a_new_page_goes_is_kept_and_named(make_site, tmp_path):
    site = make_site(ARTICLES)
    build(site)
    before = snapshot(site / "output")
    write_files(site / "output", {"tv/c/index.html": "MINE"})
    write_files(site, {"content/articles/c.md": article(title="C", category="TV")})
    code, err = byline_build(site)
    assert code == 1
    assert "output/tv/c/index.html: error: this file was not written by Byline" in err
    assert "the page made from content/articles/c.md would replace it" in err
    assert snapshot(site / "output") == {**before, "tv/c/index.html": b"MINE"}


def test_a_link_to_a_folder_inside_output_is_never_written_or_deleted_through(
    make_site, tmp_path
):
    site = make_site(ARTICLES)
    build(site)
    elsewhere = write_files(tmp_path / "elsewhere", {"index.html": "NOT BYLINE'S"})
    shutil.rmtree(site / "output/music/a")
    (site / "output/music/a").symlink_to(elsewhere, target_is_directory=True)
    write_files(site, {"content/articles/a.md": article(title="A again", category="Music")})
    code, err = byline_build(site)
    assert code == 1
    assert (f"{site}/output/music/a: error: is a link (to {elsewhere}); Byline writes only "
            f"into real folders inside {site}/output: remove the link (what it leads to is not "
            "touched), then build again") in err
    (site / "content/articles/a.md").unlink()  # its page goes: never deleted through the link
    code, err = byline_build(site)
    assert code == 0, err
    assert snapshot(elsewhere) == {"index.html": b"NOT BYLINE'S"}
    assert (site / "output/music/a").is_symlink()


def test_force_lists_the_files_it_keeps(make_site, tmp_path):
    site = make_site(ARTICLES)
    folder = write_files(tmp_path / "www", {"CNAME": "news.example"})
    run = run_byline(["build", "--site", str(site), "--output", str(folder), "--force"])
    assert run.code == 0
    assert (f"warning: {folder} held 1 file Byline did not write; they are kept there, and never "
            "published (put files to publish in static/): CNAME") in run.err


def built_before_markers(site: Path) -> None:
    """Leave the site's output folder and cache as a Byline from before markers did: no
    marker, and a cache that recorded the outputs beside none."""
    import sqlite3

    (site / "output" / MARKER_NAME).unlink()
    with sqlite3.connect(site / ".byline-cache/build.sqlite") as db:
        db.execute("DELETE FROM meta WHERE key = 'outputs_marker'")


def test_an_output_folder_an_earlier_byline_built_still_builds_without_a_flag(make_site):
    site = make_site(ARTICLES)
    build(site)
    built_before_markers(site)
    (site / "content/articles/b.md").unlink()
    code, err = byline_build(site)
    assert code == 0, err
    assert not (site / "output/tv/b").exists()
    assert read_ownership(site / "output") is not None


def clean_copy(site: Path, tmp_path: Path) -> Path:
    """The site's sources, built afresh into a new folder: what a build should leave."""
    copy = tmp_path / "clean"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", ".byline-cache"))
    assert byline_build(copy)[0] == 0
    return copy


@pytest.mark.parametrize("elsewhere", ["preview", "--output"])
def test_a_folder_an_earlier_byline_built_is_still_ours_after_a_build_elsewhere(
    make_site, tmp_path, elsewhere
):
    """Found by a red-team pass: after upgrading, a first `byline serve` (or a build with
    --output elsewhere) replaced the cache's record of output/, which had no marker, and
    output/ was refused as someone else's from then on."""
    site = make_site(ARTICLES)
    build(site)
    built_before_markers(site)
    if elsewhere == "preview":
        build(site, preview=True, output=site / ".byline-cache/preview/x")
    else:
        assert byline_build(site, "--output", str(tmp_path / "other"))[0] == 0
    (site / "content/articles/b.md").unlink()
    code, err = byline_build(site)
    assert code == 0, err
    assert snapshot(site / "output").keys() - {MARKER_NAME} == snapshot(
        clean_copy(site, tmp_path) / "output").keys() - {MARKER_NAME}


def test_files_an_earlier_byline_wrote_over_a_marked_folder_are_replaced(make_site, tmp_path):
    """Found by a red-team pass: built, built by the older release on the same folder and
    cache (it keeps no marker), built again: the older release's files stayed for good."""
    site = make_site(ARTICLES)
    build(site)
    marker = (site / "output" / MARKER_NAME).read_bytes()
    with sqlite3.connect(site / ".byline-cache/build.sqlite") as db:  # as the older one does
        db.execute("INSERT INTO outputs (path, key) VALUES ('static/css/site.0ld.css', 'k')")
    write_files(site / "output", {"static/css/site.0ld.css": "old"})
    assert (site / "output" / MARKER_NAME).read_bytes() == marker
    code, err = byline_build(site)
    assert code == 0, err
    assert not (site / "output/static/css/site.0ld.css").exists()


def test_take_over_makes_a_folder_without_a_marker_this_sites(make_site, tmp_path):
    """An older Byline's output without its cache: nothing says the files are Byline's, and
    --force keeps them (the site's pages cannot replace them); --take-over makes them this
    site's, as the refusal says."""
    site = make_site(ARTICLES)
    build(site)
    built_before_markers(site)
    shutil.rmtree(site / ".byline-cache")
    write_files(site / "output", {"tv/gone/index.html": "a story since deleted",
                                  ".github/workflows/deploy.yml": "theirs",
                                  ".well-known/security.txt": "theirs"})
    code, err = byline_build(site)
    assert code == 1 and "add --take-over to make them this site's" in err
    code, err = byline_build(site, "--take-over")
    assert code == 0, err
    # Hidden files no Byline build made are kept (a review: a Pages checkout lost them).
    kept = {".github/workflows/deploy.yml", ".well-known/security.txt"}
    assert snapshot(site / "output").keys() - {MARKER_NAME} == snapshot(
        clean_copy(site, tmp_path) / "output").keys() - {MARKER_NAME} | kept


@pytest.mark.parametrize("force", [False, True], ids=["plain", "--force"])
def test_a_folder_made_again_where_byline_built_is_not_taken_for_its_own(make_site, force):
    # The writer deleted output/ and made it again with pages of their own (a checkout of
    # the branch they deploy, a hand-made holding page): the cache remembers building
    # there, but the folder it built is gone with its marker.
    site = make_site(ARTICLES)
    build(site)
    shutil.rmtree(site / "output")
    mine = {"index.html": b"MY HOLDING PAGE", "about/index.html": b"ABOUT US",
            "tv/b/index.html": b"MY NOTES ON B"}
    write_files(site / "output", {k: v.decode() for k, v in mine.items()})
    (site / "content/articles/b.md").unlink()
    code, err = byline_build(site, *(["--force"] if force else []))
    assert code == 1
    if force:
        assert (f"{site}/output/index.html: error: this file was not written by Byline, and "
                "a file of the site would replace it") in err
    else:
        assert (f"the output folder {site}/output holds files (about/index.html, index.html, "
                "tv/b/index.html) but no marker (.byline-output, the list of what Byline "
                "wrote there): if the folder was made again since, choose an empty folder, "
                "or add --force") in err
    assert snapshot(site / "output") == mine


def test_the_marker_lists_only_what_byline_wrote_and_is_never_published(make_site):
    site = make_site(ARTICLES)
    build(site)
    ownership = read_ownership(site / "output")
    assert ownership is not None and ownership.clean
    files = {k for k in snapshot(site / "output") if k != MARKER_NAME}
    assert ownership.files == files


def test_files_and_folders_get_the_ordinary_modes(make_site, photo_site):
    old = os.umask(0o022)
    try:
        build(photo_site)
    finally:
        os.umask(old)
    output = photo_site / "output"
    for path in output.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), path
    images = list((output / "images").iterdir())
    assert images and all(p.stat().st_nlink == 1 for p in images)  # copies, not links


def test_output_files_are_not_the_theme_or_cache_files(photo_site):
    build(photo_site)
    output = photo_site / "output"
    css = next((output / "static").rglob("*.css"))
    assert css.stat().st_nlink == 1
    cached = next((photo_site / ".byline-cache/images").rglob("*.webp"))
    published = output / "images" / cached.name
    assert published.read_bytes() == cached.read_bytes()
    cached.write_bytes(b"")  # damaging the cache does not damage the site
    assert published.stat().st_size > 0


def test_a_build_with_errors_leaves_no_new_folder_behind(make_site, tmp_path):
    site = make_site({"content/articles/a.md": "---\ntitle: [\n---\n"})
    code, _ = byline_build(site, "--output", str(tmp_path / "new/out"))
    assert code == 1
    assert not (tmp_path / "new/out").exists()


def test_a_second_build_waits_then_names_the_one_running(make_site):
    from generator.cache import CACHE_DIR_NAME
    from generator.ownership import hold_lock

    site = make_site(ARTICLES)
    with hold_lock(site / CACHE_DIR_NAME / "build.lock", wait=0, busy=""):
        run = run_byline(["build", "--site", str(site), "--wait", "0.2"])
    assert run.code == 1
    assert f"Waiting for another Byline build of this site (pid {os.getpid()}) to finish" in run.out
    assert (f"byline: error: another Byline build of this site is running (pid {os.getpid()}): "
            "wait for it to finish, then try again") in run.err


def test_a_build_told_not_to_wait_does_not_say_it_waits(make_site):
    from generator.cache import CACHE_DIR_NAME
    from generator.ownership import hold_lock

    site = make_site(ARTICLES)
    with hold_lock(site / CACHE_DIR_NAME / "build.lock", wait=0, busy=""):
        run = run_byline(["build", "--site", str(site), "--wait", "0"])
    assert (run.code, run.out) == (1, "")
    assert run.err == (f"byline: error: another Byline build of this site is running (pid "
                       f"{os.getpid()}): wait for it to finish, then try again\n")


@pytest.mark.parametrize("command", ["build", "check", "publish"])
def test_a_command_run_where_there_is_no_site_makes_nothing_there(tmp_path, command):
    # A red-team pass: `byline build` in the home folder, or with --site misspelt, made
    # .byline-cache/build.lock there (and the misspelt folder first).
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("call the agent\n")
    for site in (notes, tmp_path / "mystie"):
        run = run_byline([command, "--site", str(site)])
        assert run.code != 0 and "no site.yaml here" in run.err, run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]
    assert [p.name for p in notes.iterdir()] == ["todo.txt"]


def test_dir_target_refuses_the_sites_folders(make_site):
    from generator.errors import BuildFailed
    from generator.publish import make_target

    site = make_site(ARTICLES)
    for path in ("content", "templates", ".", "/", str(Path.home())):
        with pytest.raises(BuildFailed) as refused:
            make_target("mirror", {"kind": "dir", "path": path}, site)
        [problem] = refused.value.problems
        assert problem.message.startswith("deploy target 'mirror' (dir): `path` ")


def test_dir_target_refuses_someone_elses_folder_and_force_keeps_its_files(make_site, tmp_path):
    from generator.errors import PublishError
    from generator.publish import make_target

    site = make_site(ARTICLES)
    build(site)
    www = write_files(tmp_path / "www", {"index.php": "<?php ?>"})
    target = make_target("mirror", {"kind": "dir", "path": str(www)}, site)
    with pytest.raises(PublishError, match="already holds files Byline did not write"):
        target.publish(site / "output", dry_run=False)
    assert snapshot(www) == {"index.php": b"<?php ?>"}
    target.publish(site / "output", dry_run=False, force=True)
    target.publish(site / "output", dry_run=False)  # now Byline's: no --force needed
    assert (www / "index.php").read_text() == "<?php ?>"
    assert (www / "music/a/index.html").is_file()


@pytest.mark.parametrize("same_bytes", [False, True], ids=["other bytes", "the same bytes"])
def test_dir_target_with_force_never_replaces_a_file_it_did_not_write(make_site, tmp_path,
                                                                       same_bytes):
    """Nor takes it for its own when it has the site's bytes (found by a red-team pass:
    listed as Byline's, it was deleted by the publish after the site stopped making it)."""
    from generator.errors import PublishError
    from generator.publish import make_target

    site = make_site(ARTICLES)
    build(site)
    mine = (site / "output/music/a/index.html").read_text() if same_bytes else "MY OWN PAGE"
    www = write_files(tmp_path / "www", {"music/a/index.html": mine})
    target = make_target("mirror", {"kind": "dir", "path": str(www)}, site)
    with pytest.raises(PublishError) as refused:
        target.publish(site / "output", dry_run=False, force=True)
    assert str(refused.value) == (
        "deploy target 'mirror': music/a/index.html was not written by Byline, and the site "
        f"has a file there: move it out of {www}, then publish again")
    assert snapshot(www) == {"music/a/index.html": mine.encode()}


@pytest.fixture
def photo_site(make_site):
    from .conftest import photo_bytes

    return make_site({
        "content/articles/a/index.md": article(
            category="Music", body="Intro.\n\n![A photo](p.jpg \"Caption\"){credit=\"Me/Agency\"}"),
        "content/articles/a/p.jpg": photo_bytes(),
    })


def test_no_temporary_file_is_ever_published(make_site, tmp_path):
    site = make_site(ARTICLES)
    build(site)
    (site / "output/music/.index.html.123.byline-tmp").write_text("half a page")
    shutil.copy(site / "output/index.html", tmp_path / "copy.html")
    from generator.publish import make_target

    www = tmp_path / "www"
    make_target("mirror", {"kind": "dir", "path": str(www)}, site).publish(
        site / "output", dry_run=False)
    assert not [p for p in www.rglob("*") if p.name.endswith(".byline-tmp")]


def _byline(site: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "generator", *args, "--site", str(site)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".byline-tmp")]


def _many_articles(count: int) -> dict[str, str]:
    return {f"content/articles/s{n}.md": article(title=f"S{n}", category="Music",
                                                  tags=f"[T{n % 7}]") for n in range(count)}


@pytest.mark.slow
def test_three_builds_at_once_leave_one_clean_site(make_site, tmp_path):
    site = make_site(_many_articles(150))
    builds = [_byline(site, "build") for _ in range(3)]
    results = [(b.wait(timeout=120), b.stderr.read() if b.stderr else "") for b in builds]
    for code, err in results:
        assert "Traceback" not in err
        assert code == 0 or "another Byline build of this site is running (pid " in err, err
    assert any(code == 0 for code, _ in results)
    assert _temporaries(site) == []
    clean = make_site_copy(site, tmp_path / "clean")
    build(clean, search=True)  # as `byline build` does
    assert snapshot(site / "output") == snapshot(clean / "output")


def make_site_copy(site: Path, where: Path) -> Path:
    shutil.copytree(site, where, ignore=shutil.ignore_patterns("output", ".byline-cache"))
    return where


@pytest.mark.slow
def test_a_build_and_a_publish_beside_a_running_preview_leave_no_temporary_files(
    make_site, tmp_path
):
    www = tmp_path / "www"
    site = make_site({**_many_articles(60),
                      "site.yaml": SITE_YAML + f"deploy:\n  targets:\n    www:\n"
                                               f"      kind: dir\n      path: {www}\n"})
    preview = _byline(site, "serve", "--port", "0")
    try:
        assert preview.stdout is not None
        for line in preview.stdout:
            if "Previewing" in line:
                break
        for round_ in range(3):
            page = site / f"content/articles/s{round_}.md"
            page.write_text(page.read_text() + f"\nEdited {round_}.\n")  # the preview rebuilds
            built = _byline(site, "build")
            published = _byline(site, "publish", "www")
            assert built.wait(timeout=120) == 0, built.stderr.read() if built.stderr else ""
            assert published.wait(timeout=120) == 0
        assert _temporaries(site / "output") == [] and _temporaries(www) == []
        assert (www / "music/s0/index.html").is_file()
        assert not (www / MARKER_NAME).read_text().count(".byline-tmp")
    finally:
        preview.terminate()
        preview.wait(timeout=20)


def test_a_marker_edited_to_name_files_outside_never_deletes_them(make_site, tmp_path):
    site = make_site(ARTICLES)
    build(site)
    victim = write_files(tmp_path, {"victim.txt": "precious"}) / "victim.txt"
    marker = site / "output" / MARKER_NAME
    marker.write_text(marker.read_text() + "../../victim.txt\n/etc/hosts\n")
    (site / "content/articles/b.md").unlink()
    code, err = byline_build(site)
    assert code == 0, err
    assert victim.read_text() == "precious"
    assert not (site / "output/tv/b").exists()


def test_a_site_built_by_the_previous_release_keeps_building_without_a_flag(make_site):
    site = make_site(ARTICLES)
    build(site)
    output = site / "output"
    built_before_markers(site)
    database = site / ".byline-cache/build.sqlite"
    with sqlite3.connect(database) as db:  # as the previous release left it
        db.execute("UPDATE meta SET value = 'byline-0.1.0-2' WHERE key = 'schema'")
    (site / "content/articles/b.md").unlink()
    code, err = byline_build(site)
    assert code == 0, err
    assert not (output / "tv/b").exists() and (output / "music/a/index.html").is_file()


@pytest.mark.parametrize("second_line", ["/build 1234", "/build " + "f" * 40, "music/a/index.html",
                                         "/build " + "é" * 32])
def test_a_marker_not_of_the_expected_shape_is_written_whole_never_patched(
    tmp_path: Path, second_line: str
) -> None:
    """The in-place flip writes the first two lines over themselves: only over lines of the
    same lengths (else it would cut into the list of files)."""
    from generator.ownership import new_token, set_marker_state, write_ownership

    marker = tmp_path / MARKER_NAME
    marker.write_text(f"byline-output 1 dirty\n{second_line}\na.html\nb/index.html\n")
    token = new_token()
    assert not set_marker_state(tmp_path, clean=True, token=token)
    assert marker.read_text().startswith("byline-output 1 dirty\n")
    write_ownership(tmp_path, ["a.html", "b/index.html"], clean=False, scratch=tmp_path,
                    token=token)
    later = new_token()
    assert set_marker_state(tmp_path, clean=True, token=later)
    owned = read_ownership(tmp_path)
    assert owned is not None
    assert (owned.files, owned.clean, owned.token) == ({"a.html", "b/index.html"}, True, later)
    # A Byline from before build names reads the same marker: the name is no file of its.
    assert all(not line.startswith("/") or line.startswith("/build ")
               for line in marker.read_text().splitlines())


SECOND_URL = "https://second.example/"


def two_sites(tmp_path: Path) -> tuple[Path, Path]:
    """Two sites side by side: the first with stories A and B, the second (at another
    address) with C alone."""
    first = write_files(tmp_path / "first", {"site.yaml": SITE_YAML, **ARTICLES})
    second = write_files(tmp_path / "second", {
        "site.yaml": SITE_YAML.replace("https://news.example/", SECOND_URL),
        "content/articles/c.md": article(title="C", category="Music", tags="[Pop]")})
    return first, second


def refusal(what: str, where: Path) -> str:
    first, second = "https://news.example/ (“The Test Times”)", f"{SECOND_URL} (“The Test Times”)"
    return (f"{what} {where} holds the files of the site at {first}, not of this one "
            f"({second}): give each site a folder of its own, or, if this site was at {first} "
            "before, add --take-over to make them this site's (those it does not have are then "
            "deleted)")


def identity(site: Path, url: str = "https://news.example/") -> str:
    return site_identity(url, "The Test Times", site)


def test_a_second_site_built_into_the_firsts_output_is_refused_unless_it_takes_it_over(
        tmp_path):
    first, second = two_sites(tmp_path)
    shared = tmp_path / "shared"
    assert byline_build(first, "--output", str(shared)) == (0, "")
    before = snapshot(shared)

    for flags in ((), ("--force",)):  # --force keeps others' files: it takes nothing over
        code, err = byline_build(second, "--output", str(shared), *flags)
        assert (code, err) == (1, f"byline: error: {refusal('--output', shared)}\n")
        assert snapshot(shared) == before

    assert byline_build(second, "--output", str(shared), "--take-over")[0] == 0
    assert (shared / "music/c/index.html").is_file() and not (shared / "music/a").exists()
    assert site_address(read_ownership(shared).site) == f"{SECOND_URL} (“The Test Times”)"
    assert byline_build(first, "--output", str(shared))[0] == 1  # now the second site's


def test_a_site_moved_or_checked_out_twice_builds_and_publishes_on_without_a_flag(
        make_site, tmp_path):
    from generator.publish import make_target

    site = make_site(ARTICLES)
    www = tmp_path / "www"
    build(site)
    make_target("mirror", {"kind": "dir", "path": str(www)}, site, identity(site)).publish(
        site / "output", dry_run=False)
    moved = site.with_name("renamed")
    site.rename(moved)
    clone = write_files(tmp_path / "ci-checkout", {"site.yaml": SITE_YAML, **ARTICLES})
    (moved / "content/articles/b.md").unlink()
    for checkout in (moved, clone, moved):
        code, err = byline_build(checkout)
        assert code == 0, err
        make_target("mirror", {"kind": "dir", "path": str(www)}, checkout,
                    identity(checkout)).publish(checkout / "output", dry_run=False)
        assert (www / "tv/b/index.html").exists() is (checkout == clone)
    assert site_address(read_ownership(moved / "output").site).startswith("https://news.example/")


def test_a_dir_target_holding_another_sites_files_is_refused_even_inside_the_site(tmp_path):
    from generator.errors import PublishError
    from generator.publish import make_target

    first, second = two_sites(tmp_path)
    www = first / "public"  # a monorepo: the second site publishes into the first's folder
    for site in (first, second):
        build(site)
    make_target("mirror", {"kind": "dir", "path": "public"}, first, identity(first)).publish(
        first / "output", dry_run=False)
    before = snapshot(www)
    target = make_target("mirror", {"kind": "dir", "path": str(www)}, second,
                         identity(second, SECOND_URL))
    for dry_run, force in ((True, False), (False, False), (False, True)):
        with pytest.raises(PublishError) as refused:
            target.publish(second / "output", dry_run=dry_run, force=force)
        assert str(refused.value) == refusal("deploy target 'mirror':", www)
    assert snapshot(www) == before
    target.publish(second / "output", dry_run=False, take_over=True)
    assert (www / "music/c/index.html").is_file() and not (www / "music/a").exists()


def test_a_marker_from_before_sites_were_named_is_kept_and_then_names_the_site(make_site):
    site = make_site(ARTICLES)
    build(site)
    marker = site / "output" / MARKER_NAME
    lines = marker.read_text().split("\n")
    marker.write_text("\n".join(line for line in lines if not line.startswith("/site ")))
    assert read_ownership(site / "output").site == ""
    (site / "content/articles/b.md").write_text(article(title="B2", category="TV"))
    assert byline_build(site) == (0, "")
    assert site_address(read_ownership(site / "output").site).startswith("https://news.example/")


def test_a_site_whose_address_changed_builds_into_its_folders_without_a_flag(tmp_path):
    first, _ = two_sites(tmp_path)
    outside = tmp_path / "outside"
    assert byline_build(first, "--output", str(outside)) == (0, "")
    assert byline_build(first) == (0, "")
    (first / "site.yaml").write_text(SITE_YAML.replace("https://news.example/", SECOND_URL))
    for flags in (("--output", str(outside)), ()):
        assert byline_build(first, *flags) == (0, "")


def test_a_snapshot_hard_linked_from_the_output_is_never_written_through(make_site, tmp_path):
    """Found by a red-team pass: the build flipped its marker's first lines in place, so a
    release snapshot made with `cp -al output releases/r1` had its marker rewritten by the
    next build, a file outside the output folder."""
    site = make_site({"content/articles/a.md": article("A", category="Music")})
    build(site)
    snapshot_marker = tmp_path / "releases-r1-marker"
    os.link(site / "output" / MARKER_NAME, snapshot_marker)
    before = snapshot_marker.read_bytes()
    (site / "content/articles/a.md").write_text(article("A", category="Music", body="More."))
    assert build(site).written > 0
    assert snapshot_marker.read_bytes() == before
    assert (site / "output" / MARKER_NAME).read_bytes() != before


def test_a_folder_a_killed_build_emptied_goes_at_the_next_build(make_site):
    """Found by a red-team pass (kill -9 in the commit): a build killed after deleting a
    removed story's page and before removing its emptied folder left the folder for good,
    since the next build found the page gone already and never looked at its folder."""
    site = make_site({"content/articles/a.md": article("A", category="Music"),
                      "content/articles/gone.md": article("Gone soon", category="Music")})
    build(site)
    (site / "content/articles/gone.md").unlink()
    marker = site / "output" / MARKER_NAME
    marker.write_text(marker.read_text().replace(" clean\n", " dirty\n", 1))  # mid-commit
    (site / "output/music/gone/index.html").unlink()
    build(site)
    assert not (site / "output/music/gone").exists()


def test_two_new_sites_at_the_example_address_with_one_title_are_two_sites(tmp_path):
    """Found by a red-team pass: `byline init news` in two places gives two sites the
    starter's address and the title "News", which made them one site, and the second
    site's publish deleted the first's pages.  The example address is no site's own: the
    folders tell them apart, and the refusal says to set base_url."""
    from generator.errors import PublishError
    from generator.ownership import same_site, same_site_mark, site_mark
    from generator.publish import make_target

    alice, bob = tmp_path / "alice" / "news", tmp_path / "bob" / "news"
    for root, story in ((alice, "a"), (bob, "b")):
        write_files(root, {"site.yaml": "title: News\nbase_url: https://example.com/\n",
                           f"content/articles/{story}.md": article(story.upper())})
        build(root)
    ids = [site_identity("https://example.com/", "News", root) for root in (alice, bob)]
    assert not same_site(*ids) and not same_site_mark(*map(site_mark, ids))
    www = tmp_path / "www"
    make_target("mirror", {"kind": "dir", "path": str(www)}, alice, ids[0]).publish(
        alice / "output", dry_run=False)
    before = snapshot(www)
    with pytest.raises(PublishError) as refused:
        make_target("mirror", {"kind": "dir", "path": str(www)}, bob, ids[1]).publish(
            bob / "output", dry_run=False)
    assert str(refused.value) == (
        f"deploy target 'mirror': {www} holds the files of another site, made in another "
        "folder, at the same example address as this one (https://example.com/ (“News”)): set "
        "base_url in site.yaml to this site's own address, or, if this is that site moved or "
        "checked out again, add --take-over to make them this site's (those it does not have "
        "are then deleted)")
    assert snapshot(www) == before
    # A site at its own address is one site from any folder, as before.
    assert same_site(site_identity("https://news.example/", "News", alice),
                     site_identity("https://news.example/", "News", bob))


def test_the_marker_names_the_sites_folder_only_as_a_digest(make_site):
    """A dir target's marker sits in a web root, and a bucket's record is served with the
    site: the path of the writer's folder (their user name) is in neither."""
    site = make_site({"content/articles/a.md": article("A", category="Music")})
    build(site)
    marker = (site / "output" / MARKER_NAME).read_text()
    assert '/site ["https://news.example/", "The Test Times", "folder:' in marker
    assert str(site) not in marker and str(site.resolve()) not in marker


@pytest.mark.parametrize("inside", [".byline-cache", ".byline-cache/site"])
def test_the_output_folder_may_not_be_in_the_cache(make_site, inside):
    # A red-team pass: --output .byline-cache/site was taken (deleting the cache, the way to
    # start afresh, deleted the site), and --output .byline-cache called the cache's own
    # files "files Byline did not write".
    site = make_site(ARTICLES)
    run = run_byline(["build", "--site", str(site), "--output", str(site / inside)])
    assert run.code == 1 and run.out == ""
    assert run.err == (f"byline: error: --output {site.resolve() / inside} is in .byline-cache/, "
                       "Byline's cache, which is deleted to start afresh: name a folder of its "
                       "own, such as output/\n")


def test_take_over_of_a_folder_that_lost_its_marker_keeps_the_writers_files(make_site):
    """Found by a red-team pass: output/.byline-output lost (a copy that skips hidden files)
    with the cache intact, --take-over, the way the refusal offered, deleted the writer's
    own files there (a verification file, a press kit) as well as taking back Byline's."""
    site = make_site(ARTICLES)
    build(site)
    mine = {"google123.html": "google-site-verification: google123.html",
            "press/kit.pdf": "press kit"}
    write_files(site / "output", mine)
    build(site)
    published = snapshot(site / "output")
    (site / "output" / MARKER_NAME).unlink()
    code, err = byline_build(site)
    assert code == 1
    recorded = len(published) - len(mine) - 1  # the marker
    assert (f"if it lost its marker (a copy or a cleanup that skips hidden files), add "
            f"--take-over: the {recorded} files this site's cache recorded writing there "
            "become this site's again, and the others are kept") in err
    code, err = byline_build(site, "--take-over")
    assert code == 0, err
    assert "held 2 files Byline did not write; they are kept there" in err
    after = snapshot(site / "output")
    assert {name: after[name].decode() for name in mine} == mine
    # (The command line also indexes the site for its search page.)
    assert {name for name in after if not name.startswith("pagefind/")} == set(published)


def test_take_over_of_a_dir_target_that_lost_its_marker_keeps_others_files(make_site, tmp_path):
    """A review found the lost-marker take-over limited for output/ but not for a publish
    target: --take-over deleted the host's verification file put there."""
    site = make_site({**ARTICLES, "site.yaml": SITE_YAML + "search: false\ndeploy:\n  targets:\n"
                      "    mirror: {kind: dir, path: ../mirror}\n"})
    assert run_byline(["publish", "--site", str(site)]).code == 0
    mirror = tmp_path / "mirror"
    sent = snapshot(mirror)
    (mirror / MARKER_NAME).unlink()
    (mirror / "google123.html").write_text("google-site-verification: abc")
    refused = run_byline(["publish", "--site", str(site)])
    assert refused.code != 0 and "add --take-over: the " in refused.err
    taken = run_byline(["publish", "--site", str(site), "--take-over"])
    assert taken.code == 0, taken.err
    assert (mirror / "google123.html").read_text() == "google-site-verification: abc"
    assert snapshot(mirror).keys() - {"google123.html"} == sent.keys()
