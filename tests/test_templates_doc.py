"""docs/templates.md lists exactly what templates receive, no more, no fewer; and the test
theme (tests/themes/everything) reads every field it lists."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, BuildState, build_site
from generator.render.live import LiveUpdateView, LiveView
from generator.render.meta import PageMeta
from generator.render.reads import READS_FILE
from generator.render.renderer import SiteRenderer
from generator.render.views import ArticleView, AuthorView, ChangeView, ImageView, TermView

from .conftest import REPO
from .test_incremental import THEME, Preview, everything_files

DOC = REPO / "docs" / "templates.md"
_ROW_NAME = re.compile(r"^\|\s*`([^`(]+)(?:\([^`]*\))?`\s*\|")  # a method: `name(args)`
VIEWS = {"*ArticleView*": ArticleView, "*TermView*": TermView, "*AuthorView*": AuthorView,
         "*ImageView*": ImageView, "`meta`": PageMeta, "change": ChangeView,
         "*LiveView*": LiveView, "*LiveUpdateView*": LiveUpdateView}


def documented() -> dict[str, set[str]]:
    """The names in the first column of the table under each ``### heading``."""
    sections: dict[str, set[str]] = {}
    heading = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line[4:].strip() if line.startswith("### ") else ""
            if heading:
                sections[heading] = set()
        elif heading and (match := _ROW_NAME.match(line)):
            sections[heading].add(match.group(1))
    return sections


@pytest.fixture(scope="module")
def received(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Template name → the context of every page rendered with it, for a site that has
    everything: authors with avatars and links, a logo, photos, an old address, pages."""
    contexts: dict[str, list[dict[str, Any]]] = {}
    original = SiteRenderer._template

    def keep(self: SiteRenderer, name: str, **context: Any) -> bytes:
        contexts.setdefault(name, []).append({**context, "site": self.env.globals["site"]})
        return original(self, name, **context)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SiteRenderer, "_template", keep)
        Preview(tmp_path_factory.mktemp("doc"), everything_files())
    return contexts


def _keys(values: list[Mapping[str, Any]]) -> set[str]:
    return {key for value in values for key in value}


def _all(contexts: list[dict[str, Any]], *path: str) -> Iterator[Any]:
    """Every value at ``path`` in these contexts; a list along the way is walked through."""
    values: list[Any] = contexts
    for step in path:
        found: list[Any] = []
        for value in values:
            item = value[step] if isinstance(value, Mapping) else getattr(value, step)
            if isinstance(item, (list, tuple)):
                found.extend(item)
            elif item is not None:
                found.append(item)
        values = found
    return iter(values)


def _methods(view: type) -> set[str]:
    """The methods and properties a template may call on a view."""
    return {name for name, value in vars(view).items()
            if not name.startswith("_") and (callable(value) or isinstance(value, property))}


def actual(received: dict[str, list[dict[str, Any]]]) -> dict[str, set[str]]:
    """What the code hands over, under the headings the documentation uses."""
    found = {heading: {f.name for f in dataclasses.fields(view)} | _methods(view)
             for heading, view in VIEWS.items()}
    every = [c for contexts in received.values() for c in contexts]
    found["`site`"] = _keys(list(_all(every, "site")))
    found["feed link"] = _keys([*_all(every, "site", "feeds"), *_all(every, "meta", "alternates")])
    found["author link"] = _keys(list(_all(received["list.html"], "listing", "author", "links")))
    found["image source"] = _keys(list(_all(received["article.html"], "article", "hero",
                                            "sources")))
    for name in ("article.html", "list.html", "archive.html", "page.html", "redirect.html",
                 "404.html", "corrections.html"):
        found[f"`{name}`"] = _keys(received[name]) - {"site"}
    found["`listing`"] = _keys(list(_all(received["list.html"], "listing")))
    found["`listing.pagination`"] = _keys(list(_all(received["list.html"], "listing",
                                                    "pagination")))
    found["`archive`"] = _keys(list(_all(received["archive.html"], "archive")))
    found["archive year"] = _keys(list(_all(received["archive.html"], "archive", "years")))
    found["archive month"] = _keys(list(_all(received["archive.html"], "archive", "months")))
    found["`page`"] = _keys(list(_all(received["page.html"], "page")))
    found["correction entry"] = _keys(list(_all(received["corrections.html"], "corrections")))
    return found


def test_the_template_reference_matches_what_templates_receive(received):
    in_docs = documented()
    for heading, names in actual(received).items():
        assert heading in in_docs, f"docs/templates.md has no '### {heading}'"
        assert not names - in_docs[heading], \
            f"undocumented in '{heading}': {sorted(names - in_docs[heading])}"
        assert not in_docs[heading] - names, \
            f"documented in '{heading}' but not given: {sorted(in_docs[heading] - names)}"


def test_the_test_theme_reads_every_documented_view_field(tmp_path: Path):
    preview = Preview(tmp_path, everything_files())
    assert preview.state.last is not None
    reads = preview.state.last.plan.reads
    in_docs = documented()
    for heading, view in VIEWS.items():
        if view is PageMeta:
            continue
        missing = {f for f in in_docs[heading] if f"{view.__name__}.{f}" not in reads}
        assert not missing, f"tests/themes/everything never reads {heading}: {sorted(missing)}"
    text = "".join(p.read_text(encoding="utf-8") for p in THEME.rglob("*.html"))
    for heading in ("`site`", "`meta`", "feed link", "author link", "image source", "`listing`",
                    "`listing.pagination`", "`archive`", "archive year", "archive month",
                    "`page`", "correction entry"):
        missing = {f for f in in_docs[heading] if f".{f}" not in text}
        assert not missing, f"tests/themes/everything never prints {heading}: {sorted(missing)}"


def test_a_second_process_keys_on_the_reads_the_first_recorded(tmp_path: Path):
    preview = Preview(tmp_path, everything_files())
    preview.state.close()
    preview.build()  # `byline build`, whose output keys the cache keeps (the preview's not)
    state = BuildState()  # a new process, keying on the reads the first one recorded
    try:
        result = build_site(BuildOptions(site=preview.site, output=tmp_path / "built",
                                         now=preview.now), state)
    finally:
        state.close()
    assert result.written == 0 and result.unchanged > 50


def test_the_default_theme_ships_what_its_templates_read(tmp_path: Path):
    # A site with everything, whose templates/ are a copy of the default theme's: nothing is
    # known of what they read, so the build records it all.
    default = REPO / "themes" / "default"
    files = {name: text for name, text in everything_files().items()
             if not name.startswith("themes/")}
    files["site.yaml"] = str(files["site.yaml"]).replace("theme: everything\n", "")
    files.update({f"templates/{p.name}": p.read_text("utf-8")
                  for p in (default / "templates").glob("*.html")})
    preview = Preview(tmp_path, files)
    assert preview.state.last is not None
    recorded = sorted(preview.state.last.plan.reads)
    shipped = json.loads((default / READS_FILE).read_text("utf-8"))["reads"]
    assert shipped == recorded, \
        f"themes/default/{READS_FILE} should list what its templates read: {json.dumps(recorded)}"
