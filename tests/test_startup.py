"""`byline build` with nothing to do imports only what the up-to-date check needs.

The check itself takes a hundredth of a second; importing the YAML parser, the template
engine, the Markdown parser and the image library for a build that then stops would cost ten
times that. Checked by the modules a real `python -m generator build` loads, not by a clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .conftest import REPO, SiteFiles, article, photo_bytes

# The libraries of the stages after the check: site.yaml, templates, Markdown, photos, the
# preview.
LATER_STAGES = {"yaml", "jinja2", "markupsafe", "markdown", "PIL", "watchdog"}


def _byline_build(site: Path, *python_options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, *python_options, "-m", "generator", "build",
                           "--site", str(site)],
                          capture_output=True, text=True, cwd=site, env=env, timeout=120,
                          check=False)


def _imported(importtime_log: str) -> set[str]:
    """The top-level packages named in the lines `python -X importtime` writes."""
    return {line.split("|")[2].strip().split(".")[0] for line in importtime_log.splitlines()
            if line.startswith("import time:") and line.count("|") == 2}


def test_an_up_to_date_build_loads_no_later_stage(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    site = make_site({
        "content/articles/tour/index.md": article(
            "Mara Quell announces a world tour", date="2024-05-01 09:30", category="Music",
            hero='{image: stage.jpg, alt: The stage, credit: "Jo Lane"}',
            body="She *announced* it on stage.\n\n## Dates\n\n- Lagos\n- Seoul"),
        "content/articles/tour/stage.jpg": photo_bytes((640, 480)),
        "content/about.md": "---\ntitle: About\n---\n\nWho we are.\n",
    })
    first = _byline_build(site)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Built 1 article"), first.stdout

    again = _byline_build(site, "-X", "importtime")

    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Up to date: 1 article"), again.stdout
    imported = _imported(again.stderr)
    assert {"generator", "sqlite3"} <= imported  # the log is the one we think it is
    assert imported & LATER_STAGES == set()


def test_a_build_with_work_to_do_still_loads_them(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    site = make_site({"content/articles/tour.md": article(date="2024-05-01 09:30",
                                                          category="Music")})
    built = _byline_build(site, "-X", "importtime")

    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 1 article"), built.stdout
    assert {"yaml", "jinja2", "markdown"} <= _imported(built.stderr)
