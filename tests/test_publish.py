"""Tests for generator.publish: git, S3 (a real moto server) and folder targets, and the manifest.

Every test builds a small fake output tree in tmp_path; the real build is not needed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import generator.publish.directory as directory_module
import generator.publish.s3 as s3_module
from generator.config import load_config
from generator.errors import BuildFailed, PublishError, Report
from generator.mediatypes import content_type as content_type_for
from generator.ownership import MARKER_NAME, PUBLISHED_RECORD, site_identity, write_ownership
from generator.publish import (
    PublishedUrls,
    PublishSummary,
    deploy_problems,
    load_published,
    make_target,
    record_published,
    redirects_for_moved,
    renamed_sources,
)
from generator.publish.git import GitTarget
from generator.publish.media import cache_control_for
from generator.publish.sync import SiteFile, StoredFile, plan_sync
from tests.outcome import run_byline

SITE_FILES: dict[str, bytes] = {
    "index.html": b"<!doctype html><title>Home</title>",
    "404.html": b"<!doctype html><title>Not found</title>",
    "music/story/index.html": b"<!doctype html><title>Story</title>",
    "music/old-story/index.html": b"<!doctype html><title>Old story</title>",
    "music/index.html": b"<!doctype html><title>Music</title>",
    "static/css/site.3f2a1b9c.css": b"body{color:#111}",
    "static/js/embeds.0a1b2c3d.js": b"console.log(1)",
    "images/hero.1a2b3c4d.800.webp": b"RIFF....WEBP",
    "images/hero.1a2b3c4d.800.jpg": b"\xff\xd8\xff\xe0jpeg",
    "images/logo.1a2b3c4d.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "feed.xml": b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'/>",
    "rss.xml": b"<?xml version='1.0'?><rss version='2.0'/>",
    "sitemap.xml": b"<?xml version='1.0'?><urlset/>",
    "robots.txt": b"User-agent: *\n",
    "site.webmanifest": b"{}",
    "favicon.ico": b"\x00\x00\x01\x00",
    ".nojekyll": b"",
}


def write_site(folder: Path, files: dict[str, bytes] | None = None) -> Path:
    """A fake build output: the given files (default SITE_FILES) under folder."""
    for key, content in (SITE_FILES if files is None else files).items():
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def change_site(output: Path) -> None:
    """The edit every 'second publish' test makes: one file changed, one deleted."""
    (output / "music/story/index.html").write_bytes(b"<!doctype html><title>Story, updated</title>")
    (output / "music/old-story/index.html").unlink()
    (output / "music/old-story").rmdir()


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """(site root, built output folder)."""
    root = tmp_path / "site"
    return root, write_site(root / "output")


# --- Shared pieces -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "content_type", "cache_control"),
    [
        ("index.html", "text/html; charset=utf-8", "public, max-age=300, must-revalidate"),
        (
            "static/css/site.3f2a1b9c.css",
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        ("images/hero.1a2b3c4d.800.webp", "image/webp", "public, max-age=31536000, immutable"),
        ("images/hero.1a2b3c4d.800.avif", "image/avif", "public, max-age=31536000, immutable"),
        ("images/logo.1a2b3c4d.svg", "image/svg+xml", "public, max-age=31536000, immutable"),
        ("feed.xml", "application/atom+xml; charset=utf-8", "public, max-age=300, must-revalidate"),
        (
            "music/feed.xml",
            "application/atom+xml; charset=utf-8",
            "public, max-age=300, must-revalidate",
        ),
        ("site.webmanifest", "application/manifest+json", "public, max-age=300, must-revalidate"),
        ("data.json", "application/json", "public, max-age=300, must-revalidate"),
        ("robots.txt", "text/plain; charset=utf-8", "public, max-age=300, must-revalidate"),
        ("static/favicon.png", "image/png", "public, max-age=3600"),  # not hashed: not immutable
        ("_redirects", "text/plain; charset=utf-8", "public, max-age=300, must-revalidate"),
    ],
)
def test_content_type_and_cache_control(key: str, content_type: str, cache_control: str) -> None:
    assert content_type_for(key) == content_type
    assert cache_control_for(key) == cache_control


def test_plan_uploads_assets_then_pages_then_feeds_and_deletes_pages_first() -> None:
    def file(key: str) -> SiteFile:
        return SiteFile(key, Path(key), 1, "m")

    keys = ("feed.xml", "index.html", "music/a/index.html", "sitemap.xml",
            "static/x.1234abcd.css")
    site = {key: file(key) for key in keys}
    stored = {
        "index.html": StoredFile("index.html", 1, "m"),
        "old/index.html": StoredFile("old/index.html", 1, "m"),
        "images/old.1234abcd.jpg": StoredFile("images/old.1234abcd.jpg", 1, None),
    }
    plan = plan_sync(site, stored)
    # a feed or sitemap must never list a page that is not up yet
    assert [f.key for f in plan.uploads] == ["static/x.1234abcd.css", "music/a/index.html",
                                             "feed.xml", "sitemap.xml"]
    assert plan.deletions == ("old/index.html", "images/old.1234abcd.jpg")
    assert plan.unchanged == 1


def test_no_page_feed_or_index_goes_up_before_a_new_page_it_leads_to(tmp_path: Path) -> None:
    """Found by a red-team pass: JSON feeds, the search index's entry file, author and archive
    lists and deep pagination pages went up before the new story they list (ordered by
    depth, then by name), so a publish cut short left them leading to a missing page."""
    pages = {
        "music/new-story/index.html": '<a href="/music/other-new/">related</a>',
        "music/other-new/index.html": '<a href="https://news.example/music/new-story/">x</a>',
        "tags/new-tag/index.html": '<a href="/music/new-story/">story</a>',
        "authors/kim/page/13/index.html": '<a href="/news/music/new-story/">story</a>',
        "authors/kim/index.html": '<a href="/music/new-story/">story</a>',
        "archive/2025/index.html": '<a href="/music/new-story/">story</a>',
        "music/old-name/index.html": '<meta http-equiv="refresh" content="0; url=/music/x/">',
        "feed.json": "{}", "music/feed.json": "{}", "sitemap.xml": "<urlset/>",
        "pagefind/0/pagefind-entry.json": "{}", "pagefind/0/pagefind.en_1a2b.pf_meta": "m",
        "images/photo.1234567890.800.webp": "w",
    }
    site = {}
    for key, text in pages.items():
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        site[key] = SiteFile(key, path, len(text), "new")
    stored = {key: StoredFile(key, 1, "old") for key in (
        "authors/kim/index.html", "archive/2025/index.html", "music/old-name/index.html",
        "feed.json", "music/feed.json", "sitemap.xml")}
    order = [f.key for f in plan_sync(site, stored).uploads]
    stories = ("music/new-story/index.html", "music/other-new/index.html")  # linked both ways
    for key in pages:
        if key not in stories and not key.startswith(("images/", "pagefind/0/p")):
            assert order.index(key) > max(map(order.index, stories)), key
    assert order.index("pagefind/0/pagefind-entry.json") > order.index(
        "pagefind/0/pagefind.en_1a2b.pf_meta")
    assert order[-4:] == ["feed.json", "music/feed.json", "pagefind/0/pagefind-entry.json",
                          "sitemap.xml"]


def refused(publishing: Any) -> str:
    """What a target refused with: its settings' problems (or a publish's error), one a line."""
    with pytest.raises((BuildFailed, PublishError)) as caught:
        publishing()
    error = caught.value
    return "\n".join(map(str, error.problems)) if isinstance(error, BuildFailed) else str(error)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "ftp", "host": "x"}, "unknown kind 'ftp'"),
        ({"bucket": "x"}, "no `kind`"),
        ({"kind": "s3"}, "missing required setting `bucket`"),
        ({"kind": "s3", "bucket": "b", "endpoint": "http://x"}, "unknown setting endpoint"),
        ({"kind": "git"}, "missing required setting `repository`"),
        ({"kind": "git", "repository": "r", "branch": "a..b"}, "not a valid branch name"),
        ({"kind": "git", "repository": "r", "message": "Publish {when}"}, "`message` may only"),
        ({"kind": "dir"}, "missing required setting `path`"),
        ({"kind": "dir", "path": 3}, "`path` must be text"),
    ],
)
def test_bad_target_specs_are_refused_clearly(tmp_path: Path, spec: dict, message: str) -> None:
    with pytest.raises(BuildFailed, match="publish failed with 1 error") as caught:
        make_target("live", spec, tmp_path)
    [problem] = caught.value.problems
    assert str(problem).startswith("site.yaml: error: deploy target 'live'")
    assert message in str(problem)


def test_check_says_every_mistake_of_the_deploy_settings_at_its_line(tmp_path: Path) -> None:
    """Found by a red-team pass: build and check passed a deploy section with four mistakes,
    and publish then said one a run, with no line."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(
        "title: T\nbase_url: https://news.example/\ndeploy:\n  default: live\n  targets:\n"
        "    s:\n      kind: s3\n      bucket: ok-bucket\n      prefix: ../x\n"
        "      region: Not A Region\n      colour: blue\n    g:\n      kind: git\n",
        encoding="utf-8")
    config = load_config(root, Report())
    assert config is not None
    target = "deploy target 's' (s3):"
    assert [str(p) for p in deploy_problems(config)] == [
        f"site.yaml:9: error: {target} `prefix` \"../x\" leaves the site: write a folder such "
        "as news/",
        f"site.yaml:10: error: {target} `region` \"Not A Region\" is not a region name such as "
        "eu-west-1",
        f"site.yaml:11: error: {target} unknown setting colour (known: bucket, endpoint_url, "
        "prefix, profile, region)",
        "site.yaml:12: error: deploy target 'g' (git): missing required setting `repository`",
        "site.yaml:4: error: deploy: default: names the target 'live', which deploy: targets: "
        "does not have: use one of s, g",
    ]
    (root / "content/articles").mkdir(parents=True)
    (root / "content/articles/a.md").write_text(
        "---\ntitle: A\ndate: 2026-11-01 09:30\n---\n\nText.\n", encoding="utf-8")
    checked = run_byline(["check", "--site", str(root)], seconds=60)
    assert checked.code == 1
    assert "site.yaml:12: error: deploy target 'g' (git): missing required setting " \
        "`repository`" in checked.err.splitlines()


def test_publishing_an_empty_output_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "output").mkdir()
    target = make_target("mirror", {"kind": "dir", "path": "mirror"}, tmp_path)
    with pytest.raises(PublishError, match="build the site"):
        target.publish(tmp_path / "output", dry_run=False)


def test_summary_reads_as_one_line() -> None:
    summary = PublishSummary(3, 1, 40, 12_300, dry_run=True, target="mirror (/srv)")
    assert str(summary) == ("mirror (/srv): would publish 3 files (12.3 kB), 1 to delete, "
                            "40 unchanged")
    idle = PublishSummary(0, 0, 40, 0, dry_run=False, target="mirror (/srv)")
    assert "nothing to publish" in str(idle)


# --- git -----------------------------------------------------------------------------------


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git in tests, with an identity so commits work on any machine."""
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@localhost", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare repository whose main branch already holds a README."""
    bare = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(bare))
    work = tmp_path / "work"
    git("init", "--quiet", "-b", "main", str(work))
    (work / "README.md").write_text("# The source\n")
    git("add", "README.md", cwd=work)
    git("commit", "--quiet", "-m", "Add README", cwd=work)
    git("push", "--quiet", str(bare), "main", cwd=work)
    return bare


def git_target(remote: Path, site_root: Path, **spec: Any) -> GitTarget:
    """A git target for the fixture remote, as site.yaml would declare it."""
    target = make_target("pages", {"kind": "git", "repository": str(remote), **spec}, site_root)
    assert isinstance(target, GitTarget)
    return target


def branch_log(remote: Path, branch: str = "gh-pages") -> list[str]:
    """Commit subjects on a branch of the remote, newest first."""
    return git("--git-dir", str(remote), "log", "--format=%s", branch).splitlines()


def test_git_first_publish_creates_the_branch_with_one_commit(
    site: tuple[Path, Path], remote: Path
) -> None:
    root, output = site
    main_before = git("--git-dir", str(remote), "rev-parse", "main")
    target = git_target(remote, root, message="Publish {date}")

    summary = target.publish(output, dry_run=False)

    assert branch_log(remote) == [f"Publish {datetime.now().date().isoformat()}"]
    files = git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(files) == sorted(SITE_FILES)
    # An orphan branch: no history shared with main.
    assert git("--git-dir", str(remote), "rev-list", "--count", "gh-pages") == "1"
    assert summary.uploaded == len(SITE_FILES) and summary.deleted == 0
    assert summary.unchanged == 0 and not summary.dry_run
    assert summary.bytes_sent == sum(len(content) for content in SITE_FILES.values())
    assert git("--git-dir", str(remote), "rev-parse", "main") == main_before


def test_git_never_commits_byline_bookkeeping_and_works_inside_the_cache(
    site: tuple[Path, Path], remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, output = site
    (output / MARKER_NAME).write_text("byline-output 1 clean\n" + "".join(
        f"{key}\n" for key in SITE_FILES))
    (output / "music/.index.html.99.byline-tmp").write_text("half a page")
    # The system's temporary folder is not used: were it, this would fail.
    monkeypatch.setattr(tempfile, "tempdir", str(root / "no-such-folder"))
    git_target(remote, root).publish(output, dry_run=False)
    files = git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(files) == sorted(SITE_FILES)
    assert not (root / "no-such-folder").exists()
    assert [p.name for p in (root / ".byline-cache").iterdir()] == []  # scratch removed


def test_git_second_publish_adds_exactly_one_commit_with_the_changes(
    site: tuple[Path, Path], remote: Path
) -> None:
    root, output = site
    target = git_target(remote, root)
    target.publish(output, dry_run=False)
    change_site(output)

    summary = target.publish(output, dry_run=False)

    assert len(branch_log(remote)) == 2
    changes = git("--git-dir", str(remote), "diff", "--name-status", "gh-pages~1", "gh-pages")
    assert changes.splitlines() == [
        "D\tmusic/old-story/index.html",
        "M\tmusic/story/index.html",
    ]
    body = git("--git-dir", str(remote), "log", "-1", "--format=%b", "gh-pages")
    assert "0 added, 1 modified, 1 deleted" in body
    assert (summary.uploaded, summary.deleted, summary.unchanged) == (1, 1, len(SITE_FILES) - 2)
    assert summary.details[:2] == (
        "delete music/old-story/index.html",
        "update music/story/index.html",
    )


def test_git_publish_without_changes_makes_no_commit(site: tuple[Path, Path], remote: Path) -> None:
    root, output = site
    target = git_target(remote, root)
    target.publish(output, dry_run=False)
    tip = git("--git-dir", str(remote), "rev-parse", "gh-pages")

    summary = target.publish(output, dry_run=False)

    assert git("--git-dir", str(remote), "rev-parse", "gh-pages") == tip
    assert not summary.changed and summary.unchanged == len(SITE_FILES)
    assert any("no commit" in line for line in summary.details)


def test_git_dry_run_changes_nothing(site: tuple[Path, Path], remote: Path) -> None:
    root, output = site
    target = git_target(remote, root)

    first = target.publish(output, dry_run=True)
    assert first.dry_run and first.uploaded == len(SITE_FILES)
    assert "gh-pages" not in git("--git-dir", str(remote), "branch", "--list")

    target.publish(output, dry_run=False)
    tip = git("--git-dir", str(remote), "rev-parse", "gh-pages")
    change_site(output)
    second = target.publish(output, dry_run=True)
    assert (second.uploaded, second.deleted) == (1, 1)
    assert git("--git-dir", str(remote), "rev-parse", "gh-pages") == tip


def test_git_keeps_earlier_history_of_the_branch(site: tuple[Path, Path], remote: Path) -> None:
    root, output = site
    # Someone published by hand before Byline did.
    work = root.parent / "manual"
    git("clone", "--quiet", str(remote), str(work))
    git("switch", "--quiet", "--orphan", "gh-pages", cwd=work)
    (work / "CNAME").write_text("example.com\n")
    (work / "index.html").write_text("<p>Hand-made</p>")
    git("add", "CNAME", "index.html", cwd=work)
    git("commit", "--quiet", "-m", "Hand-made page", cwd=work)
    git("push", "--quiet", "origin", "gh-pages", cwd=work)
    target = git_target(remote, root)

    with pytest.raises(PublishError, match=r"deploy target 'pages': branch gh-pages of .* "
                       r"already holds files Byline did not publish \(CNAME, index.html\): "
                       r"publish to a new branch, or add --force"):
        target.publish(output, dry_run=False)
    assert branch_log(remote) == ["Hand-made page"]
    summary = target.publish(output, dry_run=False, force=True)

    assert branch_log(remote)[1] == "Hand-made page"
    assert "keep CNAME (not written by Byline)" in summary.details
    # The site has an index.html too: theirs is replaced, and the summary says so.
    assert ("replace index.html (committed by someone else: the branch's history keeps "
            "theirs)") in summary.details
    assert git("--git-dir", str(remote), "show", "gh-pages:CNAME") == "example.com"


def committed_by_someone_else(remote: Path, work: Path, files: dict[str, str]) -> None:
    """A commit of ``files`` pushed to gh-pages from a clone at ``work``, as a colleague or
    GitHub's settings make one."""
    git("clone", "--quiet", "--branch", "gh-pages", str(remote), str(work))
    for name, text in files.items():
        (work / name).write_text(text)
    git("add", *files, cwd=work)
    git("commit", "--quiet", "-m", "By hand", cwd=work)
    git("push", "--quiet", "origin", "gh-pages", cwd=work)


def test_git_refuses_a_file_someone_else_committed_in_the_sites_way(
    site: tuple[Path, Path], remote: Path
) -> None:
    """Found by a red-team pass: a colleague's file `press` on the branch, and the site's new
    static/press/kit.pdf: "nothing to publish", exit 0, and the kit never went out."""
    root, output = site
    target = git_target(remote, root)
    target.publish(output, dry_run=False)
    committed_by_someone_else(remote, root.parent / "colleague", {"press": "call us\n"})
    (output / "press").mkdir()
    (output / "press/kit.pdf").write_bytes(b"%PDF-1.4")
    tip = git("--git-dir", str(remote), "rev-parse", "gh-pages")
    with pytest.raises(PublishError) as caught:
        target.publish(output, dry_run=False)
    assert str(caught.value) == (
        f"deploy target 'pages': branch gh-pages of {remote} holds files someone else "
        "committed in the site's way: press is a file where the site now has the folder "
        "press/: move them on the branch (or rename the site's), then publish again")
    assert git("--git-dir", str(remote), "rev-parse", "gh-pages") == tip


def test_git_keeps_what_others_commit_after_byline_and_deletes_only_its_own(
    site: tuple[Path, Path], remote: Path
) -> None:
    root, output = site
    target = git_target(remote, root)
    target.publish(output, dry_run=False)
    # GitHub's Pages settings commit a CNAME for a custom domain, after Byline's commit.
    committed_by_someone_else(remote, root.parent / "settings", {"CNAME": "news.example\n"})
    # A second publish after Byline's own commit that kept it: still not Byline's.
    for gone in sorted(SITE_FILES)[-2:]:
        (output / gone).unlink()
        summary = target.publish(output, dry_run=False)
        assert f"delete {gone}" in summary.details
        files = git("--git-dir", str(remote), "ls-tree", "-r", "--name-only",
                    "gh-pages").splitlines()
        assert "CNAME" in files and gone not in files
        assert "keep CNAME (not written by Byline)" in summary.details
    assert git("--git-dir", str(remote), "show", "gh-pages:CNAME") == "news.example"


def test_git_a_branch_another_site_published_is_refused_unless_taken_over(
    site: tuple[Path, Path], remote: Path, tmp_path: Path
) -> None:
    """Found by a red-team pass: the git target, alone of the three, let a second site's
    publish delete the first site's pages from the branch.  The commit names the site by
    address and title, and its folder only as a digest (the branch may be public)."""
    root, output = site
    first = make_target("pages", {"kind": "git", "repository": str(remote)}, root,
                        site_identity("https://a.example/", "Site A", root))
    first.publish(output, dry_run=False)
    message = git("--git-dir", str(remote), "log", "-1", "--format=%B", "gh-pages")
    assert 'Site: ["https://a.example/", "Site A", "folder:' in message
    assert str(root) not in message
    other_root = tmp_path / "other-site"
    other_root.mkdir()
    second = make_target("pages", {"kind": "git", "repository": str(remote)}, other_root,
                         site_identity("https://b.example/", "Site B", other_root))
    change_site(output)
    with pytest.raises(PublishError) as refused:
        second.publish(output, dry_run=False)
    assert str(refused.value).startswith(
        f"deploy target 'pages': branch gh-pages of {remote} holds the files of the site at "
        "https://a.example/ (“Site A”), not of this one (https://b.example/ (“Site B”))")
    assert len(branch_log(remote)) == 1
    second.publish(output, dry_run=False, take_over=True)
    assert len(branch_log(remote)) == 2
    # Another checkout of the first site (same address and title) publishes on.
    again = make_target("pages", {"kind": "git", "repository": str(remote)}, other_root,
                        site_identity("https://b.example/", "Site B", tmp_path / "ci-clone"))
    (output / "index.html").write_bytes(b"<!doctype html><title>Home, again</title>")
    again.publish(output, dry_run=False)
    assert len(branch_log(remote)) == 3


def test_git_publishing_into_the_source_repository_leaves_its_work_tree_alone(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    git("init", "--quiet", "-b", "main", str(root))
    (root / "site.yaml").write_text("title: T\n")
    git("add", "site.yaml", cwd=root)
    git("commit", "--quiet", "-m", "Start", cwd=root)
    (root / "draft.md").write_text("uncommitted work\n")
    output = write_site(root / "output")
    head, status = git("rev-parse", "HEAD", cwd=root), git("status", "--porcelain", cwd=root)

    # A relative repository path is taken from the site folder: "." is the site's own repo.
    make_target("pages", {"kind": "git", "repository": "."}, root).publish(output, dry_run=False)

    assert git("rev-parse", "HEAD", cwd=root) == head
    assert git("status", "--porcelain", cwd=root) == status
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=root) == "main"
    assert "index.html" in git("ls-tree", "-r", "--name-only", "gh-pages", cwd=root).splitlines()


def test_git_commits_as_byline_when_git_has_no_identity(
    site: tuple[Path, Path], remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, output = site
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)

    git_target(remote, root).publish(output, dry_run=False)

    author = git("--git-dir", str(remote), "log", "-1", "--format=%an <%ae>", "gh-pages")
    assert author == "Byline <byline@localhost>"


def test_git_interrupted_publish_completes_when_rerun(
    site: tuple[Path, Path], remote: Path
) -> None:
    root, output = site
    # The remote refuses the first push, as a dropped connection would cut it short.
    hook = remote / "hooks/pre-receive"
    hook.write_text(
        f"#!/bin/sh\nif [ -e {remote}/refuse-once ]; then rm {remote}/refuse-once; exit 1; fi\n"
    )
    hook.chmod(0o755)
    (remote / "refuse-once").touch()
    target = git_target(remote, root)

    with pytest.raises(PublishError, match="refused the push"):
        target.publish(output, dry_run=False)
    assert "gh-pages" not in git("--git-dir", str(remote), "branch", "--list")

    summary = target.publish(output, dry_run=False)
    assert len(branch_log(remote)) == 1 and summary.uploaded == len(SITE_FILES)


def test_git_publish_removes_what_a_publish_killed_with_kill_9_left_in_the_cache(
    site: tuple[Path, Path], remote: Path
) -> None:
    root, output = site
    ended = subprocess.Popen(["true"])
    ended.wait()  # a process id no process has now
    cache = root / ".byline-cache"
    left = cache / f"publish-{ended.pid}-k2x9q1"
    (left / "publish.git").mkdir(parents=True)
    running = cache / f"publish-{os.getppid()}-a8b7c6"  # a publish under way elsewhere
    running.mkdir()
    git_target(remote, root).publish(output, dry_run=False)
    assert sorted(p.name for p in cache.iterdir()) == [running.name]


def test_git_failures_are_one_line_with_the_fix(site: tuple[Path, Path], remote: Path,
                                               tmp_path: Path) -> None:
    """Found by a red-team pass: git's own output, up to 17 lines of it, was the message."""
    root, output = site
    missing = tmp_path / "no-such-repo.git"
    checked_out = tmp_path / "work"  # the fixture's clone, its main branch checked out
    hooked = tmp_path / "hooked.git"
    git("init", "--quiet", "--bare", str(hooked))
    hook = hooked / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'policy: no pushes today' >&2\nexit 1\n")
    hook.chmod(0o755)
    said = {}
    for repository, branch in ((missing, "gh-pages"), (checked_out, "main"),
                               (hooked, "gh-pages")):
        with pytest.raises(PublishError) as failed:
            git_target(repository, root, branch=branch).publish(output, dry_run=False,
                                                                force=True)
        said[repository] = str(failed.value)
    assert said == {
        missing: f"deploy target 'pages': {missing} is not a git repository: check "
                 "repository: under this target in site.yaml",
        checked_out: f"deploy target 'pages': the branch is checked out in {checked_out}, and "
                     "git does not update a checked-out branch: publish to a bare repository "
                     "(git init --bare), or set branch: to one that is not checked out",
        hooked: f"deploy target 'pages': {hooked} refused the push (policy: no pushes today): "
                "the branch is as it was; ask whoever keeps the repository what its hook "
                "requires",
    }


def test_git_refuses_a_token_in_the_repository_url(tmp_path: Path) -> None:
    spec = {"kind": "git", "repository": "https://me:ghp_secret@github.com/me/site.git"}
    said = refused(lambda: make_target("pages", spec, tmp_path))
    assert "credential helper" in said and "ghp_secret" not in said


# --- S3 (moto's standalone server) ---------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto S3 server on a free local port, for the whole session."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answered, even if with an error status
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto server did not start")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials in the environment, and no real AWS config to stumble on."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def bucket(moto_endpoint: str, aws_env: None) -> tuple[Any, str]:
    """(client, name) of a fresh bucket on the moto server."""
    import boto3

    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    name = f"site-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return client, name


def s3_target(bucket: tuple[Any, str], endpoint: str, root: Path,
              url: str = "https://news.example/", **spec: Any) -> Any:
    """An S3 target for the fixture bucket, as site.yaml would declare it for the site at
    ``url``."""
    _client, name = bucket
    return make_target("bucket", {"kind": "s3", "bucket": name, "endpoint_url": endpoint, **spec},
                       root, site_identity(url, "The Test Times", root))


def bucket_keys(bucket: tuple[Any, str]) -> set[str]:
    """Every key in the bucket but Byline's records of what it uploaded."""
    client, name = bucket
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=name)
    return {entry["Key"] for page in pages for entry in page.get("Contents", ())
            if entry["Key"].rpartition("/")[2] != PUBLISHED_RECORD}


def test_overlapping_publishes_of_two_checkouts_keep_both_stories_byline_s(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by a red-team pass: a cron publish and an editor's, overlapping, each read the
    bucket's record before the other wrote it; the record last written lacked the other's
    new story, whose checkout was refused from then on ("not uploaded by Byline"), and which
    the other checkout never deleted."""
    from generator.publish import s3

    root, output = site
    s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)
    second = write_site(tmp_path / "second" / "output")  # the editor's checkout
    (second / "music/breaking").mkdir()
    (second / "music/breaking/index.html").write_bytes(b"<!doctype html><title>B</title>")
    first_read = s3.read_record(bucket[0], bucket[1], "")
    (output / "music/exclusive/index.html").parent.mkdir()
    (output / "music/exclusive/index.html").write_bytes(b"<!doctype html><title>A</title>")
    reads = iter([first_read])
    real_read = s3.read_record
    # The cron job read the record, then the editor's publish ran whole, then the cron
    # job's went on: its own first read is the one from before.
    s3_target(bucket, moto_endpoint, tmp_path / "second").publish(second, dry_run=False)
    monkeypatch.setattr(s3, "read_record", lambda *a: next(reads, None) or real_read(*a))
    s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)
    monkeypatch.setattr(s3, "read_record", real_read)
    record = s3.read_record(bucket[0], bucket[1], "")
    assert record is not None
    assert {"music/breaking/index.html", "music/exclusive/index.html"} <= record.files
    # Either checkout publishes again; the editor's, without the cron job's story, deletes it.
    (second / "music/breaking/index.html").unlink()
    s3_target(bucket, moto_endpoint, tmp_path / "second").publish(second, dry_run=False)
    assert not {"music/breaking/index.html", "music/exclusive/index.html"} & bucket_keys(bucket)
    assert s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False).uploaded == 1


def test_a_story_this_site_uploaded_that_the_record_lost_is_still_its_own(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str,
) -> None:
    """A bucket left by the overlap above before the fix: the story's object carries this
    site's mark, so a publish replaces it rather than refusing it as someone else's."""
    from generator.publish import s3

    root, output = site
    s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)
    record = s3.read_record(bucket[0], bucket[1], "")
    assert record is not None
    s3.write_record(bucket[0], bucket[1], "", s3.Record(
        record.site, record.files - {"music/story/index.html"}))
    change_site(output)
    summary = s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)
    assert summary.uploaded == 1


def published_once(site: tuple[Path, Path], bucket: tuple[Any, str],
                   endpoint: str) -> tuple[Any, Path]:
    """The S3 target of the fixture bucket, after a first publish of the fixture site, and
    the site's output folder."""
    root, output = site
    target = s3_target(bucket, endpoint, root)
    target.publish(output, dry_run=False)
    return target, output


def beside_others(site: tuple[Path, Path], bucket: tuple[Any, str], endpoint: str,
                  others: dict[str, bytes], **spec: Any) -> tuple[Any, Path]:
    """The S3 target of the fixture bucket, which holds ``others``' objects (put there by
    someone else, so without Byline's metadata), and the fixture site's output folder."""
    client, name = bucket
    for key, body in others.items():
        client.put_object(Bucket=name, Key=key, Body=body)
    return s3_target(bucket, endpoint, site[0], **spec), site[1]


def published_by_an_older_release(bucket: tuple[Any, str], more: dict[str, bytes],
                                  others: dict[str, bytes]) -> None:
    """The fixture bucket as a Byline that kept no record left it: the fixture site and
    ``more`` of its files, beside ``others``' objects."""
    client, name = bucket
    for key, body in {**SITE_FILES, **more}.items():
        put_as_an_older_release(client, name, key, body)
    for key, body in others.items():
        client.put_object(Bucket=name, Key=key, Body=body)


def put_as_an_older_release(client: Any, name: str, key: str, body: bytes) -> None:
    """An object as a Byline that kept no record uploaded it: marked only by its metadata."""
    md5 = hashlib.md5(body, usedforsecurity=False).hexdigest()
    client.put_object(Bucket=name, Key=key, Body=body, Metadata={"byline-md5": md5})


def test_s3_first_publish_uploads_everything_with_types_and_caching(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    root, output = site
    client, name = bucket
    summary = s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)

    assert bucket_keys(bucket) == set(SITE_FILES)
    assert (summary.uploaded, summary.deleted, summary.unchanged) == (len(SITE_FILES), 0, 0)
    expected = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=300, must-revalidate"),
        "static/css/site.3f2a1b9c.css": (
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        "images/hero.1a2b3c4d.800.webp": ("image/webp", "public, max-age=31536000, immutable"),
        "images/logo.1a2b3c4d.svg": ("image/svg+xml", "public, max-age=31536000, immutable"),
        "feed.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300, must-revalidate"),
        "site.webmanifest": ("application/manifest+json", "public, max-age=300, must-revalidate"),
    }
    for key, (content_type, cache_control) in expected.items():
        head = client.head_object(Bucket=name, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), key
    body = client.get_object(Bucket=name, Key="music/story/index.html")["Body"].read()
    assert body == SITE_FILES["music/story/index.html"]


def test_s3_second_publish_uploads_one_and_deletes_one(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    target, output = published_once(site, bucket, moto_endpoint)
    client, name = bucket
    change_site(output)

    summary = target.publish(output, dry_run=False)

    assert (summary.uploaded, summary.deleted) == (1, 1)
    assert summary.unchanged == len(SITE_FILES) - 2
    assert "music/old-story/index.html" not in bucket_keys(bucket)
    body = client.get_object(Bucket=name, Key="music/story/index.html")["Body"].read()
    assert body == b"<!doctype html><title>Story, updated</title>"
    assert not target.publish(output, dry_run=False).changed


def test_s3_uploads_pages_then_feeds_and_deletes_after_every_upload(
    site: tuple[Path, Path],
    bucket: tuple[Any, str],
    moto_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, output = site
    client, name = bucket
    put_as_an_older_release(client, name, "gone/index.html", b"old")
    events: list[str] = []
    real_put, real_delete = s3_module.put_file, s3_module.delete_keys

    def recording_put(client: Any, bucket: str, key: str, file: SiteFile, site: str) -> None:
        events.append(f"put {key}")
        real_put(client, bucket, key, file, site)

    def recording_delete(client: Any, bucket: str, keys: list[str]) -> None:
        events.extend(f"delete {key}" for key in keys)
        real_delete(client, bucket, keys)

    monkeypatch.setattr(s3_module, "put_file", recording_put)
    monkeypatch.setattr(s3_module, "delete_keys", recording_delete)
    s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)

    puts = [event.removeprefix("put ") for event in events if event.startswith("put ")]
    first_page = next(i for i, key in enumerate(puts) if key.endswith(".html"))
    first_list = next(i for i, key in enumerate(puts) if key.endswith(".xml"))
    assert all(key.endswith(".html") for key in puts[first_page:first_list])
    assert all(key.endswith(".xml") or key == "_redirects" for key in puts[first_list:])
    # the home page links to every page: it is the last page up, before the feeds
    assert puts[first_list - 1] == "index.html"
    assert events[-1] == "delete gone/index.html"


def test_s3_interrupted_publish_completes_when_rerun(
    site: tuple[Path, Path],
    bucket: tuple[Any, str],
    moto_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, output = site
    client, name = bucket
    put_as_an_older_release(client, name, "stale.html", b"old")
    real_put = s3_module.put_file
    sent: list[str] = []

    def failing_put(client: Any, bucket: str, key: str, file: SiteFile, site: str) -> None:
        if len(sent) == 5:
            raise ConnectionError("network went away")
        real_put(client, bucket, key, file, site)
        sent.append(key)

    target = s3_target(bucket, moto_endpoint, root)
    monkeypatch.setattr(s3_module, "put_file", failing_put)
    with pytest.raises(ConnectionError):
        target.publish(output, dry_run=False)
    assert bucket_keys(bucket) == {*sent, "stale.html"}  # nothing deleted before uploads finish

    monkeypatch.setattr(s3_module, "put_file", real_put)
    summary = target.publish(output, dry_run=False)

    assert summary.uploaded == len(SITE_FILES) - 5 and summary.unchanged == 5
    assert summary.deleted == 1
    assert bucket_keys(bucket) == set(SITE_FILES)


def test_s3_dry_run_uploads_nothing(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    root, output = site
    summary = s3_target(bucket, moto_endpoint, root).publish(output, dry_run=True)
    assert bucket_keys(bucket) == set()
    assert summary.dry_run and summary.uploaded == len(SITE_FILES)
    assert summary.details[-1] == "upload sitemap.xml (30 B)"  # the plan, in upload order


def test_s3_respects_the_prefix(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    target, output = beside_others(site, bucket, moto_endpoint,
                                   {"other-site/index.html": b"keep me"}, prefix="/news")

    target.publish(output, dry_run=False)
    change_site(output)
    summary = target.publish(output, dry_run=False)

    assert bucket_keys(bucket) == {"other-site/index.html"} | {
        f"news/{key}" for key in SITE_FILES if key != "music/old-story/index.html"
    }
    assert summary.deleted == 1


def test_s3_keeps_what_others_put_in_the_bucket_and_deletes_only_its_own(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    target, output = published_once(site, bucket, moto_endpoint)
    client, name = bucket
    others = {"CNAME": b"news.example.com", "private/report.pdf": b"%PDF-1.7",
              "music/old-story/notes.txt": b"the editor's"}
    for key, body in others.items():
        client.put_object(Bucket=name, Key=key, Body=body)
    change_site(output)

    summary = target.publish(output, dry_run=False)

    assert (summary.uploaded, summary.deleted) == (1, 1)
    assert "delete music/old-story/index.html" in summary.details
    assert {f"keep {key} (not uploaded by Byline)" for key in others} <= set(summary.details)
    assert bucket_keys(bucket) == (set(SITE_FILES) - {"music/old-story/index.html"}) | set(others)
    for key, body in others.items():
        assert client.get_object(Bucket=name, Key=key)["Body"].read() == body
    record = client.get_object(Bucket=name, Key=PUBLISHED_RECORD)
    assert record["CacheControl"] == "no-store"
    assert set(json.loads(gzip.decompress(record["Body"].read()))["files"]) == set(
        SITE_FILES) - {"music/old-story/index.html"}
    assert not target.publish(output, dry_run=False).changed


@pytest.mark.parametrize("theirs", [b"someone's about page",
                                    b"<!doctype html><title>About</title>"],
                         ids=["other bytes", "the same bytes"])
def test_s3_never_replaces_an_object_it_did_not_upload(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str, theirs: bytes
) -> None:
    """Nor takes it for its own when it has the site's bytes (found by a red-team pass:
    listed in the record, it was deleted once the site stopped making it)."""
    target, output = published_once(site, bucket, moto_endpoint)
    client, name = bucket
    client.put_object(Bucket=name, Key="about/index.html", Body=theirs)
    write_site(output, {"about/index.html": b"<!doctype html><title>About</title>"})
    (output / "index.html").write_bytes(b"<!doctype html><title>Home, with About</title>")

    for force, dry_run in ((False, False), (True, False), (False, True)):
        with pytest.raises(PublishError) as refused:
            target.publish(output, dry_run=dry_run, force=force)
        assert str(refused.value) == (
            "deploy target 'bucket': about/index.html was not uploaded by Byline, and the site "
            f"has a file there: move it out of s3://{name}/, then publish again")
    assert client.get_object(Bucket=name, Key="index.html")["Body"].read() == (
        SITE_FILES["index.html"])  # refused before anything was sent
    assert client.get_object(Bucket=name, Key="about/index.html")["Body"].read() == theirs


def test_s3_refuses_a_bucket_of_others_objects_unless_forced_and_then_keeps_them(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    target, output = beside_others(site, bucket, moto_endpoint, {"reports/q3.pdf": b"%PDF-1.7"})
    name = bucket[1]

    with pytest.raises(PublishError) as refused:
        target.publish(output, dry_run=False)
    assert str(refused.value) == (
        f"deploy target 'bucket': s3://{name}/ already holds objects Byline did not upload "
        "(reports/q3.pdf): give the site a bucket or `prefix` of its own, or add --force to "
        "publish there anyway (the objects are then kept)")
    assert bucket_keys(bucket) == {"reports/q3.pdf"}

    summary = target.publish(output, dry_run=False, force=True)
    assert summary.deleted == 0
    assert "keep reports/q3.pdf (not uploaded by Byline)" in summary.details
    change_site(output)
    assert target.publish(output, dry_run=False).deleted == 1  # its own, from its record
    assert bucket_keys(bucket) == (set(SITE_FILES) - {"music/old-story/index.html"}) | {
        "reports/q3.pdf"}


def test_s3_takes_over_a_bucket_an_older_release_published_by_its_marks(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    root, output = site
    published_by_an_older_release(bucket, {"taken-down/index.html": b"<title>Gone</title>"},
                                  {"CNAME": b"news.example.com"})
    change_site(output)

    summary = s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)

    assert summary.details[-3:] == ("delete music/old-story/index.html",
                                    "delete taken-down/index.html",
                                    "keep CNAME (not uploaded by Byline)")
    assert bucket_keys(bucket) == (set(SITE_FILES) - {"music/old-story/index.html"}) | {"CNAME"}


def test_s3_leaves_a_site_published_below_its_prefix_alone(
    tmp_path: Path, bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    main = write_site(tmp_path / "main" / "output", {"index.html": b"<title>Main</title>"})
    news = write_site(tmp_path / "news" / "output", {"index.html": b"<title>News</title>",
                                                     "a/index.html": b"<title>A</title>"})
    s3_target(bucket, moto_endpoint, tmp_path / "news", prefix="news").publish(
        news, dry_run=False)

    summary = s3_target(bucket, moto_endpoint, tmp_path / "main").publish(main, dry_run=False)

    assert summary.deleted == 0 and not any(line.startswith("keep") for line in summary.details)
    assert bucket_keys(bucket) == {"index.html", "news/index.html", "news/a/index.html"}


def test_s3_a_second_site_at_the_same_prefix_is_refused_unless_it_takes_it_over(
    tmp_path: Path, bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    first = write_site(tmp_path / "first" / "output", {"index.html": b"<title>First</title>",
                                                       "scoop/index.html": b"<title>S</title>"})
    second = write_site(tmp_path / "second" / "output", {"index.html": b"<title>Second</title>"})
    s3_target(bucket, moto_endpoint, tmp_path / "first").publish(first, dry_run=False)
    target = s3_target(bucket, moto_endpoint, tmp_path / "second", "https://second.example/")

    for force in (False, True):
        with pytest.raises(PublishError) as refused:
            target.publish(second, dry_run=False, force=force)
        assert str(refused.value) == (
            f"deploy target 'bucket': s3://{bucket[1]}/ holds the files of the site at "
            "https://news.example/ (“The Test Times”), not of this one (https://second.example/"
            " (“The Test Times”)): give each site a folder of its own, or, if this site was at "
            "https://news.example/ (“The Test Times”) before, add --take-over to make them this "
            "site's (those it does not have are then deleted)")
    assert bucket_keys(bucket) == {"index.html", "scoop/index.html"}

    assert target.publish(second, dry_run=False, take_over=True).deleted == 1
    assert bucket_keys(bucket) == {"index.html"}
    assert target.publish(second, dry_run=False).changed is False


def test_s3_another_sites_objects_stay_its_own_when_its_record_is_deleted(
    tmp_path: Path, bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    """Found by a red-team pass: with the record object deleted by hand, every object
    Byline uploaded was taken for the publishing site's own, and a second site deleted the
    first's.  Each object now says which site uploaded it."""
    client, name = bucket
    first = write_site(tmp_path / "first" / "output", {"index.html": b"<title>First</title>",
                                                       "scoop/index.html": b"<title>S</title>"})
    second = write_site(tmp_path / "second" / "output", {"index.html": b"<title>Second</title>"})
    s3_target(bucket, moto_endpoint, tmp_path / "first").publish(first, dry_run=False)
    client.delete_object(Bucket=name, Key=PUBLISHED_RECORD)
    target = s3_target(bucket, moto_endpoint, tmp_path / "second", "https://second.example/")
    for force in (False, True):
        with pytest.raises(PublishError) as refused:
            target.publish(second, dry_run=False, force=force)
        assert str(refused.value).startswith(
            f"deploy target 'bucket': s3://{name}/ holds objects another site published "
            f"(index.html, scoop/index.html), and its record of them ({PUBLISHED_RECORD}) "
            "is gone")
    assert bucket_keys(bucket) == {"index.html", "scoop/index.html"}
    # The first site itself, from another checkout, publishes on without a flag.
    again = write_site(tmp_path / "again" / "output", {"index.html": b"<title>First!</title>"})
    assert s3_target(bucket, moto_endpoint, tmp_path / "again").publish(
        again, dry_run=False).deleted == 1
    assert bucket_keys(bucket) == {"index.html"}


def test_s3_a_site_new_at_a_deeper_prefix_leaves_the_outer_sites_objects_alone(
    tmp_path: Path, bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    outer = write_site(tmp_path / "outer" / "output", {
        "index.html": b"<title>Outer</title>", "news/index.html": b"<title>Outer news</title>",
        "news/scoop/index.html": b"<title>Scoop</title>"})
    inner = write_site(tmp_path / "inner" / "output", {"other/index.html": b"<title>I</title>"})
    s3_target(bucket, moto_endpoint, tmp_path / "outer").publish(outer, dry_run=False)

    summary = s3_target(bucket, moto_endpoint, tmp_path / "inner", "https://inner.example/",
                        prefix="news").publish(inner, dry_run=False)

    assert summary.deleted == 0
    assert bucket_keys(bucket) == {"index.html", "news/index.html", "news/scoop/index.html",
                                   "news/other/index.html"}


def test_s3_a_bucket_an_older_release_published_beside_others_objects_needs_no_flag(
    site: tuple[Path, Path], bucket: tuple[Any, str], moto_endpoint: str
) -> None:
    root, output = site
    published_by_an_older_release(bucket, {}, {
        "downloads/report.pdf": b"%PDF-1.7",
        **{f"downloads/f{n:02}.pdf": b"%PDF-1.7" for n in range(25)}})

    summary = s3_target(bucket, moto_endpoint, root).publish(output, dry_run=True)

    assert not summary.changed
    assert summary.details[-1] == ("keep 26 objects not uploaded by Byline (downloads/f00.pdf, "
                                   "downloads/f01.pdf, downloads/f02.pdf, downloads/f03.pdf, "
                                   "downloads/f04.pdf and 21 more)")


def test_s3_keys_in_the_spec_are_rejected(tmp_path: Path) -> None:
    spec = {"kind": "s3", "bucket": "b", "aws_access_key_id": "AKIA", "aws_secret_access_key": "x"}
    said = refused(lambda: make_target("bucket", spec, tmp_path))
    assert "environment" in said
    assert "aws_access_key_id" in said and "aws_secret_access_key" in said


def test_s3_without_boto3_says_what_to_install(
    site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, output = site
    monkeypatch.setitem(sys.modules, "boto3", None)
    target = make_target("bucket", {"kind": "s3", "bucket": "b"}, root)
    with pytest.raises(PublishError, match=r"pip install byline\[s3\]"):
        target.publish(output, dry_run=True)


def test_s3_missing_bucket_is_a_clear_error(
    site: tuple[Path, Path], moto_endpoint: str, aws_env: None
) -> None:
    root, output = site
    spec = {"kind": "s3", "bucket": "no-such-bucket-here", "endpoint_url": moto_endpoint}
    with pytest.raises(PublishError, match="bucket no-such-bucket-here does not exist"):
        make_target("bucket", spec, root).publish(output, dry_run=True)


def test_s3_trusts_the_stored_md5_when_the_etag_is_not_one() -> None:
    class FakeClient:
        """Lists one multipart object whose ETag is not an MD5."""

        def get_paginator(self, _name: str) -> Any:
            return self

        def paginate(self, **_kwargs: Any) -> list[dict[str, Any]]:
            return [{"Contents": [{"Key": "p/a.jpg", "Size": 3, "ETag": '"abc-2"'}]}]

        def head_object(self, **_kwargs: Any) -> dict[str, Any]:
            return {"Metadata": {"byline-md5": "0" * 32}}

    site = {"a.jpg": SiteFile("a.jpg", Path("a.jpg"), 3, "0" * 32)}
    stored = s3_module.stored_files(FakeClient(), "b", "p/", site)
    assert plan_sync(site, stored).unchanged == 1


# --- dir -----------------------------------------------------------------------------------


def dir_target(root: Path, path: Path | str) -> Any:
    """A folder target, as site.yaml would declare it."""
    return make_target("mirror", {"kind": "dir", "path": str(path)}, root)


def test_a_file_put_in_the_output_folder_by_hand_is_published_by_no_target(
    site: tuple[Path, Path], remote: Path, tmp_path: Path, bucket: tuple[Any, str],
    moto_endpoint: str,
) -> None:
    """Found by a red-team pass: a folder target sent it only at a full comparison (at least
    hourly, or with --force), then listed it as Byline's; git and S3 always sent it.  Each
    target names what it kept back, from the walk it makes anyway (a walk of its own cost
    every publish 5.5 s at 100,000 stories)."""
    root, output = site
    write_ownership(output, SITE_FILES, clean=True, scratch=tmp_path)
    (output / "google123.html").write_bytes(b"google-site-verification: google123.html")
    mirror = tmp_path / "mirror"
    for force in (False, True):
        summary = dir_target(root, mirror).publish(output, dry_run=False, force=force)
        assert set(folder_files(mirror)) == set(SITE_FILES)
        assert summary.hand_placed == ("google123.html",)
    target = git_target(remote, root)

    def committed() -> set[str]:
        return set(git("--git-dir", str(remote), "ls-tree", "-r", "--name-only",
                       "gh-pages").splitlines())

    assert target.publish(output, dry_run=False).hand_placed == ("google123.html",)
    assert "google123.html" not in committed()
    assert committed() >= set(SITE_FILES) - {MARKER_NAME}
    # On top of a branch Byline published to, and deeper in the folder.
    (output / "music/notes.txt").write_text("to self")
    (output / "index.html").write_text("<p>changed</p>")
    summary = target.publish(output, dry_run=False)
    assert summary.hand_placed == ("google123.html", "music/notes.txt")
    assert summary.uploaded == 1
    assert committed() == set(SITE_FILES) - {MARKER_NAME}
    summary = s3_target(bucket, moto_endpoint, root).publish(output, dry_run=False)
    assert summary.hand_placed == ("google123.html", "music/notes.txt")
    assert bucket_keys(bucket) == set(SITE_FILES) - {MARKER_NAME}


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by relative path (Byline's ownership marker aside)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name != MARKER_NAME
    }


def test_dir_first_publish_copies_everything(site: tuple[Path, Path], tmp_path: Path) -> None:
    root, output = site
    summary = dir_target(root, tmp_path / "www").publish(output, dry_run=False)
    assert folder_files(tmp_path / "www") == SITE_FILES
    assert (summary.uploaded, summary.deleted, summary.unchanged) == (len(SITE_FILES), 0, 0)
    mode = (tmp_path / "www/index.html").stat().st_mode & 0o777
    assert mode == (output / "index.html").stat().st_mode & 0o777  # readable by the server


def test_dir_publishes_into_one_folder_take_turns(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    """Found by a red-team pass: two checkouts publishing into one web root at once each read
    the folder's list of Byline's files before the other wrote it; the last list lacked the
    other's new story, whose publishes were refused from then on ("not written by Byline")."""
    from generator.ownership import lock_folder

    root, output = site
    www = tmp_path / "www"
    dir_target(root, www).publish(output, dry_run=False)
    with lock_folder(www, wait=1, busy="held by the test"):
        with pytest.raises(PublishError) as caught:  # --wait 0.2
            dir_target(root, www).publish(output, dry_run=False, wait=0.2)
        assert str(caught.value) == (
            f"deploy target 'mirror': another publish is writing into {www}: wait for it to "
            "finish, then publish again")
        dir_target(root, www).publish(output, dry_run=True)  # a dry run writes nothing
    change_site(output)
    assert dir_target(root, www).publish(output, dry_run=False).uploaded == 1


def test_dir_second_publish_copies_one_and_deletes_one(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    root, output = site
    target = dir_target(root, "../www")  # relative paths are taken from the site folder
    target.publish(output, dry_run=False)
    change_site(output)

    summary = target.publish(output, dry_run=False)

    assert (summary.uploaded, summary.deleted, summary.unchanged) == (1, 1, len(SITE_FILES) - 2)
    assert folder_files(tmp_path / "www") == folder_files(output)
    assert not (tmp_path / "www/music/old-story").exists()  # emptied folders go too
    assert not target.publish(output, dry_run=False).changed


def test_dir_interrupted_publish_completes_when_rerun(
    site: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, output = site
    old = write_site(tmp_path / "old-site", {"stale/index.html": b"old"})
    dir_target(root, tmp_path / "www").publish(old, dry_run=False)  # an earlier publish
    real_copy = directory_module.copy_into
    copied: list[str] = []

    def failing_copy(folder: Path, file: SiteFile) -> None:
        if len(copied) == 4:
            raise KeyboardInterrupt  # the writer pressed Ctrl-C
        real_copy(folder, file)
        copied.append(file.key)

    target = dir_target(root, tmp_path / "www")
    monkeypatch.setattr(directory_module, "copy_into", failing_copy)
    with pytest.raises(KeyboardInterrupt):
        target.publish(output, dry_run=False)
    assert (tmp_path / "www/stale/index.html").exists()  # deletions wait for every copy

    monkeypatch.setattr(directory_module, "copy_into", real_copy)
    summary = target.publish(output, dry_run=False)

    assert (summary.uploaded, summary.unchanged, summary.deleted) == (len(SITE_FILES) - 4, 4, 1)
    assert folder_files(tmp_path / "www") == SITE_FILES


def test_dir_dry_run_changes_nothing(site: tuple[Path, Path], tmp_path: Path) -> None:
    root, output = site
    summary = dir_target(root, tmp_path / "www").publish(output, dry_run=True)
    assert not (tmp_path / "www").exists()
    assert summary.dry_run and summary.uploaded == len(SITE_FILES)
    assert len(summary.details) == len(SITE_FILES)


@pytest.mark.parametrize("path", ["output", "output/mirror", ".", "..", "/"])
def test_dir_refuses_folders_that_would_eat_the_site(site: tuple[Path, Path], path: str) -> None:
    root, output = site
    said = refused(lambda: dir_target(root, path).publish(output, dry_run=True))
    assert "deploy target 'mirror'" in said


def test_dir_never_follows_symlinks_out_of_the_target(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    root, output = site
    outside = write_site(tmp_path / "precious", {"music/keep.txt": b"mine", "index.html": b"mine"})
    old = write_site(tmp_path / "old-site", {"old.txt": b"x"})
    www = tmp_path / "www"
    dir_target(root, www).publish(old, dry_run=False)  # an earlier publish wrote old.txt
    (www / "elsewhere").symlink_to(outside)  # the site has no elsewhere/ at all

    dir_target(root, www).publish(output, dry_run=False, force=True)

    assert folder_files(outside) == {"music/keep.txt": b"mine", "index.html": b"mine"}
    assert (www / "elsewhere").is_symlink()  # not Byline's: kept, and never followed
    assert folder_files(www) == SITE_FILES


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("quick", [False, True])
def test_dir_refuses_a_link_or_a_foreign_file_where_the_site_needs_a_folder(
    site: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool,
    quick: bool
) -> None:
    root, output = site
    outside = write_site(tmp_path / "precious", {"keep.txt": b"mine"})
    www = tmp_path / "www"
    versions = {key: "1" for key in SITE_FILES}
    dir_target(root, www).publish(output, dry_run=False, versions=versions)
    shutil.rmtree(www / "music")
    (www / "music").symlink_to(outside)  # the site has a music/ folder
    shutil.rmtree(www / "static")
    (www / "static").write_bytes(b"my notes")  # and a static/ folder
    change_site(output)
    (output / "static/css/site.3f2a1b9c.css").write_bytes(b"body{color:#222}")
    versions.update({"music/story/index.html": "2", "static/css/site.3f2a1b9c.css": "2"})
    del versions["music/old-story/index.html"]
    before = folder_files(www)
    # Handed the build's keys, the publish finds files it sent missing (the folders went)
    # and compares every file, which refuses them the same way.
    compared: list[bool] = []
    real_sync = directory_module.DirTarget._sync

    def comparing_in_full(*args: Any, **kwargs: Any) -> Any:
        compared.append(True)
        return real_sync(*args, **kwargs)

    monkeypatch.setattr(directory_module.DirTarget, "_sync", comparing_in_full)

    with pytest.raises(PublishError) as refused:
        dir_target(root, www).publish(output, dry_run=False, force=force,
                                      versions=versions if quick else None)

    assert str(refused.value) == (
        f"deploy target 'mirror': music is a link (to {outside}); Byline writes only into real "
        f"folders inside {www}: remove the link (what it leads to is not touched); static is "
        f"a file Byline did not write, where the site needs a folder: move it out of {www}, "
        "then publish again")
    assert (www / "music").is_symlink() and os.readlink(www / "music") == str(outside)
    assert folder_files(outside) == {"keep.txt": b"mine"}
    assert (www / "static").read_bytes() == b"my notes"
    assert folder_files(www) == before
    assert compared == [True]


def test_dir_publish_of_what_changed_never_replaces_a_file_it_did_not_write(
    site: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, output = site
    www = tmp_path / "www"
    versions = {key: "1" for key in SITE_FILES}
    dir_target(root, www).publish(output, dry_run=False, versions=versions)
    write_site(www, {"music/new/index.html": b"someone's page"})
    write_site(output, {"music/new/index.html": b"<title>New</title>"})
    monkeypatch.setattr(directory_module.DirTarget, "_sync",
                        lambda *args, **kwargs: pytest.fail("compared every file"))

    with pytest.raises(PublishError) as refused:
        dir_target(root, www).publish(output, dry_run=False,
                                      versions={**versions, "music/new/index.html": "1"})

    assert str(refused.value) == (
        "deploy target 'mirror': music/new/index.html was not written by Byline, and the site "
        f"has a file there: move it out of {www}, then publish again")
    assert (www / "music/new/index.html").read_bytes() == b"someone's page"


@pytest.mark.parametrize("force", [False, True])
def test_dir_keeps_a_folder_holding_others_files_where_the_site_now_has_a_file(
    site: tuple[Path, Path], tmp_path: Path, force: bool
) -> None:
    root, output = site
    www = tmp_path / "www"
    # An earlier site had a robots.txt/ folder; someone keeps notes in it since.
    old = write_site(tmp_path / "old-site", {"robots.txt/index.html": b"old", "index.html": b"x"})
    dir_target(root, www).publish(old, dry_run=False)
    (www / "robots.txt/notes.txt").write_bytes(b"my notes")
    before = folder_files(www)

    with pytest.raises(PublishError) as refused:
        dir_target(root, www).publish(output, dry_run=False, force=force)

    assert str(refused.value) == (
        "deploy target 'mirror': robots.txt is a folder where the site now has a file, and "
        "holds robots.txt/notes.txt, which Byline did not write: move it out of "
        f"{www}, then publish again")
    assert folder_files(www) == before
    (www / "robots.txt/notes.txt").unlink()  # moved out: the folder holds only Byline's file
    dir_target(root, www).publish(output, dry_run=False, force=force)
    assert folder_files(www) == SITE_FILES


# --- URL manifest --------------------------------------------------------------------------


def test_manifest_round_trip_is_sorted_and_deterministic(tmp_path: Path) -> None:
    assert load_published(tmp_path) == PublishedUrls()
    record_published(tmp_path, {"articles/b.md": ["/music/b/"], "articles/a/index.md": ["/tv/a/"]})
    first = (tmp_path / ".byline/published.json").read_bytes()
    record_published(tmp_path, {"articles/a/index.md": ["/tv/a/"]})
    assert (tmp_path / ".byline/published.json").read_bytes() == first
    document = json.loads(first)
    assert list(document["articles"]) == ["articles/a/index.md", "articles/b.md"]
    assert load_published(tmp_path).by_source == {
        "articles/a/index.md": ("/tv/a/",),
        "articles/b.md": ("/music/b/",),
    }
    assert [p.name for p in (tmp_path / ".byline").iterdir()] == ["published.json"]


def test_a_renamed_article_gets_a_redirect_from_every_old_url(tmp_path: Path) -> None:
    record_published(tmp_path, {"articles/foo/index.md": ["/music/foo/"]})
    record_published(tmp_path, {"articles/foo/index.md": ["/music/foo-live/"]})
    current = {"articles/foo/index.md": "/music/foo-live-review/", "articles/bar.md": "/tv/bar/"}

    assert redirects_for_moved(load_published(tmp_path), current) == {
        "/music/foo/": "/music/foo-live-review/",
        "/music/foo-live/": "/music/foo-live-review/",
    }


def test_a_renamed_file_is_told_by_its_bytes_one_to_one() -> None:
    published = PublishedUrls({"articles/a.md": ("/tv/a/",), "articles/b.md": ("/tv/b/",),
                               "articles/c.md": ("/tv/c/",), "articles/d.md": ("/tv/d/",)})
    seen = {"articles/a.md": "A", "articles/b.md": "B", "articles/c.md": "C",
            "articles/d.md": "C", "articles/x.md": "X"}
    current = {"articles/a2.md": "A",  # a renamed: its bytes, under a new key
               "articles/b.md": "B2", "articles/b2.md": "B",  # b still there: a copy
               "articles/c2.md": "C",  # c and d had the same bytes: which one moved?
               "articles/x2.md": "X"}  # x was never published
    renames = renamed_sources(published, current, seen)
    assert renames == {"articles/a2.md": "articles/a.md"}
    # Two new files with a gone file's bytes: neither is taken for it.
    assert renamed_sources(published, {"articles/a2.md": "A", "articles/a3.md": "A"}, seen) == {}
    assert published.renamed(renames).by_source == {
        "articles/a2.md": ("/tv/a/",), "articles/b.md": ("/tv/b/",),
        "articles/c.md": ("/tv/c/",), "articles/d.md": ("/tv/d/",)}


def test_an_old_url_now_used_by_another_article_is_not_redirected() -> None:
    published = PublishedUrls(
        {"articles/old.md": ("/music/story/",), "articles/new.md": ("/music/story-2/",)}
    )
    current = {"articles/old.md": "/music/old-story/", "articles/new.md": "/music/story/"}
    assert redirects_for_moved(published, current) == {"/music/story-2/": "/music/story/"}


def test_an_old_url_several_articles_held_is_not_redirected() -> None:
    published = PublishedUrls({"articles/a.md": ("/x/", "/a/"), "articles/b.md": ("/x/", "/b/")})
    current = {"articles/a.md": "/a/", "articles/b.md": "/b/"}
    assert redirects_for_moved(published, current) == {}


def test_a_damaged_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".byline").mkdir()
    (tmp_path / ".byline/published.json").write_text('{"articles": {"a.md": "/a/"}}')
    with pytest.raises(PublishError, match=r"published\.json"):
        load_published(tmp_path)
