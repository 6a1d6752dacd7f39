"""Fuzzing every YAML file a writer edits: front matter, author files, site.yaml, `byline new`.

Each example is a small site whose one YAML file is generated: valid files mutated the way
hurried writers and pasted text mutate them (colons, quotes, tabs, anchors and aliases,
unicode, control characters, lines dropped or doubled), arbitrary YAML-ish lines, and valid
YAML holding values of every shape.  Every build must end as tests/outcome.py says: a
correct site, or only ``file:line: error:`` lines with the previous output untouched; never a
traceback, never a hang.  Run by hand for longer with ``--hypothesis-profile long``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.build import BuildOptions, build_site
from generator.frontmatter import split_front_matter
from generator.markup import smarten
from generator.slugs import slugify

from .conftest import SITE_YAML, article, photo_bytes, write_files
from .outcome import Run, build_outcome, run_byline, snapshot

pytestmark = pytest.mark.fuzz

STORY = "content/articles/story/index.md"
AUTHOR = "content/authors/dana.yaml"
FRONT_MATTER = """\
title: Mara Quell announces a world tour
date: 2026-11-01 09:30
updated: 2026-11-02
author: Dana Reyes
category: Music
tags: [Mara Quell, Tours]
dek: Forty dates in 2027, starting in Lisbon.
hero:
  image: photo.jpg
  alt: Mara Quell on stage
  caption: At the Lumen Awards
  credit: Jo Park/Agency
  focus: [0.5, 0.3]
slug: mara-quell-tour
aliases: [/old/tour/]
draft: false
updates:
  - at: 2026-11-01 14:05
    text: Adds the Lisbon date.
corrections:
  - 2026-11-02 10:00: Fixes the venue.
"""
AUTHOR_FILE = """\
name: Dana Reyes
bio: Dana covers music and awards season.
avatar: dana.jpg
links:
  - label: Website
    url: https://dana.example/
"""
FULL_SITE_YAML = SITE_YAML + """\
language: en
permalink: /{category}/{slug}/
feed_items: 10
related_count: 2
twitter: "@testtimes"
copyright: © 2026 The Test Times
publisher:
  name: The Test Times
hosting:
  nojekyll: true
"""
# What YAML reads specially, and what pasted text brings along.
TOKENS = [
    ": ", ":", '"', "'", "\t", "  ", "\n", "\n  ", "- ", "&a ", "*a", "&b ", "*b", "[", "]",
    "{", "}", ", ", "#", " #", "|", ">", "!", "!!str ", "!!int ", "!!map ", "? ", "%", "@",
    "`", "---", "...", "\\", "<<: ", "~", "null", "yes", "1e999", "0x1F", "1:30", "2026-02-30",
    "é", "電", "🎤", "\u2028", "\x85", "\ufeff", "\x00", "\x08", "\x0b", "\x7f", "\r",
    "title", "date", "hero", "image", "tags", "slug", "draft", "author", "name", "links",
]
YAML_ISH = st.lists(st.sampled_from(TOKENS) | st.text(max_size=6), max_size=12).map("".join)
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
           | st.sampled_from(["2026-11-01", "2026-11-01 09:30", "photo.jpg", "Music", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """``base`` after a few edits of the kinds that break YAML."""
    lines = base.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        edit = draw(st.sampled_from(["insert", "replace value", "splice", "drop", "double",
                                     "indent"]))
        if edit == "insert" or not lines:
            lines.insert(at, draw(YAML_ISH))
            continue
        at = min(at, len(lines) - 1)
        line = lines[at]
        if edit == "replace value":
            key = line.split(":", 1)[0]
            lines[at] = f"{key}: {draw(YAML_ISH)}"
        elif edit == "splice":
            column = draw(st.integers(0, len(line)))
            lines[at] = line[:column] + draw(YAML_ISH) + line[column:]
        elif edit == "drop":
            del lines[at]
        elif edit == "double":
            lines.insert(at, line)
        else:
            lines[at] = draw(st.sampled_from(["", " ", "  ", "\t", "    "])) + line.lstrip()
    return "\n".join(lines) + "\n"


def shaped(base: str) -> st.SearchStrategy[str]:
    """Valid YAML: ``base`` with some keys given values of any shape (lists, maps, numbers)."""
    data = yaml.safe_load(base)
    keys = st.sampled_from(sorted(data)) | st.text(min_size=1, max_size=8)
    return st.dictionaries(keys, VALUES, max_size=3).map(
        lambda changes: yaml.safe_dump({**data, **changes}, allow_unicode=True,
                                       sort_keys=False))


def any_yaml(base: str) -> st.SearchStrategy[str]:
    lines = st.lists(YAML_ISH, max_size=10).map("\n".join)
    return mutated(base) | shaped(base) | lines


# --- one good site, built once; each example builds a copy with one file replaced ----------


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_files(tmp_path_factory.mktemp("fuzz") / "site", {
        "site.yaml": FULL_SITE_YAML,
        STORY: "---\n" + FRONT_MATTER + "---\n\nBody text.\n",
        "content/articles/story/photo.jpg": photo_bytes((64, 40)),
        "content/articles/other.md": article(category="TV"),
        AUTHOR: AUTHOR_FILE,
        "content/authors/dana.jpg": photo_bytes((32, 32)),
    })
    assert build_outcome(site).code == 0
    return site


@pytest.fixture
def copies(good_site: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        yield Path(scratch)


def build_with(good_site: Path, scratch: Path, path: str, text: str) -> Run:
    """Build a copy of the good site whose ``path`` holds ``text``; check the outcome."""
    site = copy_of(good_site, scratch)
    try:
        (site / path).write_text(text, encoding="utf-8")
        run = build_outcome(site, previous=snapshot(site / "output"), seconds=10)
    finally:
        shutil.rmtree(site.parent)
    located = re.compile(rf"^{re.escape(path)}:\d+: (?:error|warning): ")
    for line in run.err.splitlines():
        if line.startswith(path):
            assert located.match(line), f"a problem in {path} without its line: {line!r}"
    return run


def copy_of(good_site: Path, scratch: Path) -> Path:
    site = Path(tempfile.mkdtemp(dir=scratch)) / "site"
    shutil.copytree(good_site, site, symlinks=True)
    return site


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(text=any_yaml(FRONT_MATTER))
def test_any_front_matter(good_site: Path, copies: Path, text: str) -> None:
    build_with(good_site, copies, STORY, f"---\n{text}---\n\nBody text.\n")


CHANGE = st.fixed_dictionaries({}, optional={
    "at": SCALARS | st.datetimes(), "text": SCALARS, "note": SCALARS, "when": SCALARS})
CHANGES = VALUES | st.lists(CHANGE | VALUES, max_size=4) | CHANGE
STILL = FRONT_MATTER.split("updates:")[0]


@given(updates=CHANGES, corrections=CHANGES)
def test_any_updates_and_corrections(good_site: Path, copies: Path, updates: object,
                                     corrections: object) -> None:
    changes = yaml.safe_dump({"updates": updates, "corrections": corrections},
                             allow_unicode=True)
    build_with(good_site, copies, STORY, f"---\n{STILL}{changes}---\n\nBody text.\n")


@given(text=any_yaml(AUTHOR_FILE))
def test_any_author_file(good_site: Path, copies: Path, text: str) -> None:
    build_with(good_site, copies, AUTHOR, text)


@given(text=any_yaml(FULL_SITE_YAML))
def test_any_site_yaml(good_site: Path, copies: Path, text: str) -> None:
    build_with(good_site, copies, "site.yaml", text)


@given(headline=TEXT, author=TEXT)
def test_byline_new_gives_a_draft_that_builds(good_site: Path, copies: Path, headline: str,
                                              author: str) -> None:
    site = copy_of(good_site, copies)
    try:
        check_new_draft(site, headline, author)
    finally:
        shutil.rmtree(site.parent)


def check_new_draft(site: Path, headline: str, author: str) -> None:
    """`byline new` refuses cleanly, or writes a draft that builds and shows the text given."""
    before = set((site / "content" / "articles").rglob("index.md"))
    # "--author=" and "--": a name or headline may start with "-" like an option.
    run = run_byline(["new", f"--author={author}", "--site", str(site), "-q", "--", headline])
    control = re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", headline + author)
    if control or slugify(headline.strip()) in ("", "story"):
        assert run.code == 1 and run.err.startswith("byline: error: "), run
        assert run.err.count("\n") == 1, run
        return
    assert run.code == 0, run.err
    (created,) = set((site / "content" / "articles").rglob("index.md")) - before
    front = split_front_matter(created.read_text(encoding="utf-8")).meta.data
    assert front["title"] == headline.strip()
    assert build_outcome(site, args=["--drafts"], seconds=10).code == 0
    result = build_site(BuildOptions(site=site, drafts=True))
    (made,) = [a for a in result.content.articles
               if a.source.path == created.relative_to(site).as_posix()]
    assert made.title == smarten(headline.strip())
    names = [result.content.authors[slug].name for slug in made.author_slugs]
    if not author:  # the default: $BYLINE_AUTHOR, git's user.name or the login name
        return
    if slugify(author.strip()) == "dana" or author.strip().casefold() == "dana reyes":
        assert names == ["Dana Reyes"]  # the author with a file, found by slug or name
    else:
        assert names == ([author.strip()] if author.strip() else [])
