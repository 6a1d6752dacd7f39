"""Any sequence of a writer's edits, each followed by a rebuild, leaves exactly what a clean
build of the same files makes: the preview's patch of its last build, and ``byline build`` in
a new process planning from the record the last one saved.

The examples in test_incremental.py take each kind of edit once, in one order.  Here
Hypothesis draws sequences of them over a small site held as data (so every edit applies
whatever came before): the same story edited twice, a story deleted and brought back,
renamed and renamed back, made a draft, given a date still to come, all interleaved.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.build import PLANNED_FROM_RECORD

from .conftest import NOW, photo_bytes
from .test_incremental import Preview

NAMES = ("alpha", "bravo", "charlie", "delta")
HEADLINES = ("Alpha opens the tour", "Bravo renewed", "Pop’s big night: a recap",
             "Charlie drops a single")
BODIES = ("First.", "First.\n\nA new sentence, with *emphasis*.",
          "Out now.\n\n> A pull quote.\n>\n> — Jo Lane")
# Two dates shared by stories (ties are ordered by path), one long ago, one still to come.
# A year of four stories lists its months (archive_month_pages_from), so a story may move
# to a month no other story is in, keeping its place among them.
DATES = ("2026-11-05 10:00", "2026-11-04 10:00", "2026-10-01 10:00", "2026-11-25 09:00",
         "2026-10-20 10:00")
TAGS = ("pop", "tour", "streaming", "Pop")  # "Pop" respells another story's "pop"
AUTHORS = ("Jo Lane", "Sam Reyes", "")
BIOS = ("Covers music.", "Covers pop and tours.")
PAGE_BODIES = ("We cover entertainment.", "We cover entertainment.\n\nSince 2026.")

SITE_YAML = """\
title: The Test Times
base_url: https://news.example/
timezone: UTC
per_page: {per_page}
categories: [Music, TV]
feed_items: 3
archive_month_pages_from: 4
"""


@dataclass
class Story:
    name: str
    headline: str
    date: str
    category: str
    tags: tuple[str, ...]
    author: str
    body: str = BODIES[0]
    draft: bool = False
    hero: bool = True
    present: bool = True
    renamed: bool = False

    @property
    def folder(self) -> str:
        return f"content/articles/{self.name}{'-2' if self.renamed else ''}"

    def text(self) -> str:
        lines = [f"title: \"{self.headline}\"", f"date: {self.date}", f"category: {self.category}"]
        if self.tags:
            lines.append(f"tags: [{', '.join(self.tags)}]")
        if self.author:
            lines.append(f"author: {self.author}")
        if self.draft:
            lines.append("draft: true")
        if self.hero:
            lines.append('hero: {image: hero.jpg, alt: The stage, credit: "Jo Lane/Agency"}')
        return "---\n" + "\n".join(lines) + "\n---\n\n" + self.body + "\n"


@dataclass
class SiteData:
    """The site's files as data: every edit is a change of one value."""

    stories: list[Story] = field(default_factory=lambda: [
        Story(name, HEADLINES[n], DATES[n % 2], ("Music", "TV")[n % 2],
              (TAGS[0], TAGS[n % 3]) if n % 3 else (TAGS[0],), AUTHORS[n % 3])
        for n, name in enumerate(NAMES)])
    per_page: int = 2
    bio: str = BIOS[0]
    page_body: str = PAGE_BODIES[0]
    # A second page, in every page's footer unless it says not (or is a draft).
    contact: str = "Contact"  # its title; "" for no such page
    contact_footer: bool = True
    contact_draft: bool = False

    def files(self) -> dict[str, str | bytes]:
        found: dict[str, str | bytes] = {
            "site.yaml": SITE_YAML.format(per_page=self.per_page),
            "content/authors/jo-lane.yaml": f"name: Jo Lane\nbio: {self.bio}\n",
            "content/pages/about.md": f"---\ntitle: About us\n---\n\n{self.page_body}\n",
        }
        if self.contact:
            lines = [f"title: {self.contact}"] + ["footer: false"] * (not self.contact_footer) \
                + ["draft: true"] * self.contact_draft
            found["content/pages/contact.md"] = "---\n" + "\n".join(lines) + "\n---\n\nWrite.\n"
        for n, story in enumerate(self.stories):
            if story.present:
                found[f"{story.folder}/index.md"] = story.text()
                found[f"{story.folder}/hero.jpg"] = _PHOTOS[n]
        return found


_PHOTOS = [photo_bytes((900, 600), colour=(40 * n, 90, 60)) for n in range(len(NAMES))]

Edit = tuple[object, ...]

_story = st.integers(0, len(NAMES) - 1)
EDITS = st.one_of(
    st.tuples(st.just("headline"), _story, st.sampled_from(HEADLINES)),
    st.tuples(st.just("body"), _story, st.sampled_from(BODIES)),
    st.tuples(st.just("tags"), _story,
              st.lists(st.sampled_from(TAGS), unique_by=str.lower, max_size=3).map(tuple)),
    st.tuples(st.just("category"), _story, st.sampled_from(("Music", "TV"))),
    st.tuples(st.just("date"), _story, st.sampled_from(DATES)),
    st.tuples(st.just("author"), _story, st.sampled_from(AUTHORS)),
    st.tuples(st.just("draft"), _story, st.booleans()),
    st.tuples(st.just("hero"), _story, st.booleans()),
    st.tuples(st.just("present"), _story, st.booleans()),
    st.tuples(st.just("renamed"), _story, st.booleans()),
    st.tuples(st.just("per_page"), st.sampled_from((2, 3))),
    st.tuples(st.just("bio"), st.sampled_from(BIOS)),
    st.tuples(st.just("page_body"), st.sampled_from(PAGE_BODIES)),
    st.tuples(st.just("contact"), st.sampled_from(("Contact", "Écrire", "Advertise", ""))),
    st.tuples(st.just("contact_footer"), st.booleans()),
    st.tuples(st.just("contact_draft"), st.booleans()),
)


def apply(data: SiteData, edit: Edit) -> None:
    """Make one edit to the site's data."""
    what, *args = edit
    if len(args) == 2:
        setattr(data.stories[args[0]], str(what), args[1])  # type: ignore[index]
    else:
        setattr(data, str(what), args[0])


def save(preview: Preview, before: dict[str, str | bytes], after: dict[str, str | bytes]
         ) -> list[str]:
    """Write the files that changed and delete those gone; the names a watcher reports."""
    changed = sorted(name for name in before.keys() | after.keys()
                     if before.get(name) != after.get(name))
    for name in changed:
        path = preview.site / name
        if name in after:
            path.parent.mkdir(parents=True, exist_ok=True)
            value = after[name]
            path.write_bytes(value if isinstance(value, bytes) else value.encode("utf-8"))
        else:
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    return changed


@settings(max_examples=10, deadline=None)
@given(st.lists(EDITS, min_size=1, max_size=6))
# Found by this test: ``byline build`` pruned the cached photos of a story the preview shows
# as scheduled, and the preview's next patch gave its feeds' enclosure length as 0.
@example([("date", 2, "2026-11-25 09:00"), ("headline", 2, "Bravo renewed")])
# Found by a red-team pass: a story moved to a month of its year that no story was in, keeping
# its place, left that month's page unmade in ``byline build``.
@example([("date", 1, "2026-10-20 10:00")])
def test_any_sequence_of_edits_builds_what_a_clean_build_does(edits: list[Edit]) -> None:
    # The preview and ``byline build`` each on a site of its own, as a newsroom's laptop and
    # its CI are: the cache holds the output keys of one output folder, and a build into the
    # other would start from none of them instead of planning from the saved record.
    root = Path(tempfile.mkdtemp(prefix="byline-edits-"))
    try:
        data = SiteData()
        files = data.files()
        preview = Preview(root / "preview", files, now=NOW)
        built = Preview(root / "built", files, now=NOW)
        built.build()
        for edit in edits:
            apply(data, edit)
            after = data.files()
            names = save(preview, files, after)
            save(built, files, after)
            files = after
            preview.rebuild(*names)  # the preview's patch, or its full build if declined
            preview.assert_same_as_full_build()
            built.build()  # ``byline build`` in a new process, planning from the record
            built.assert_built_as_fresh()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_sequences_builds_plan_from_the_saved_record(tmp_path: Path) -> None:
    """What the sequences test rests on: its ``byline build`` of an edit plans from the
    record the last build saved (a preview's build into another folder of the same site
    would make it start from no output keys and plan everything)."""
    data = SiteData()
    built = Preview(tmp_path, data.files(), now=NOW)
    built.build()
    before = data.files()
    apply(data, ("body", 1, BODIES[1]))
    save(built, before, data.files())
    assert built.build().why == PLANNED_FROM_RECORD


def test_the_site_as_data_starts_as_a_site_with_every_kind_of_story() -> None:
    """The starting site has what the edits act on: two sections, shared tags, a story with
    no author, and heroes (else half the edits would change nothing)."""
    data = SiteData()
    assert {s.category for s in data.stories} == {"Music", "TV"}
    assert "" in {s.author for s in data.stories}
    assert all(s.hero for s in data.stories)
    story = replace(data.stories[0], renamed=True, draft=True)
    assert story.folder == "content/articles/alpha-2"
    assert "draft: true" in story.text()
