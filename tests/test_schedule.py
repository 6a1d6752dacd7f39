"""Scheduled stories that publish themselves: the CI workflow `byline init` writes, and
`byline next`, which tells cron when the next story falls due."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from generator import __version__
from generator.config import load_config
from generator.errors import Report
from generator.scaffold import init_site
from generator.schedule import Scheduled, scheduled_articles

from .conftest import SITE_YAML, article, build
from .outcome import assert_clean_failure, run_byline

WORKFLOW = Path(".github/workflows/publish.yml")
NEW_YORK = SITE_YAML.replace("timezone: UTC", "timezone: America/New_York")


def test_init_writes_a_workflow_that_publishes_on_push_and_on_a_schedule(tmp_path: Path):
    written = init_site(tmp_path / "site", author="Dana Reyes")
    assert WORKFLOW in written
    text = (tmp_path / "site" / WORKFLOW).read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
    assert triggers["push"] == {"branches": ["main"]}
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    assert cron == "*/15 * * * *" and len(cron.split()) == 5
    assert "To change how often, edit the" in text  # the comment says how to change it
    # Byline is not on PyPI: "byline==0.1.0" failed every run, and whoever took the name
    # there would have run code in every starter's CI (a red-team pass). The newsroom says
    # where its Byline comes from; until then the install step says so, and stops.
    assert workflow["env"]["BYLINE"] == ""
    assert f"./wheels/byline-{__version__}-py3-none-any.whl[search]" in text
    assert "{{" not in text.replace("${{", "")  # every placeholder of ours was filled in
    steps = workflow["jobs"]["publish"]["steps"]
    install = next(step["run"] for step in steps if step.get("name") == "Install Byline")
    assert install.rstrip().endswith('python -m pip install "$BYLINE"')
    said = subprocess.run(["bash", "-c", install.replace("python -m pip", "echo pip")],
                          env={**os.environ, "BYLINE": ""}, capture_output=True, text=True)
    assert said.returncode == 1 and said.stdout.startswith(
        "::error file=.github/workflows/publish.yml::set BYLINE under env: in this file")
    runs = [step.get("run", "") for step in steps]
    assert "byline check" in runs  # builds for readers and stops on broken links
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.index("actions/upload-pages-artifact") < uses.index("actions/deploy-pages")
    assert next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))["with"] == \
        {"path": "output"}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["jobs"]["publish"]["steps"][3]["with"]["path"] == ".byline-cache"


def test_init_keeps_a_repository_s_own_workflow(tmp_path: Path):
    ours = "name: Mine\n"
    (tmp_path / WORKFLOW).parent.mkdir(parents=True)
    (tmp_path / WORKFLOW).write_text(ours, encoding="utf-8")
    written = init_site(tmp_path, author="Dana Reyes")
    assert WORKFLOW not in written
    assert (tmp_path / WORKFLOW).read_text(encoding="utf-8") == ours


def scheduled_site(make_site, **extra: str) -> Path:
    return make_site({
        "site.yaml": NEW_YORK,
        "content/articles/past.md": article("Out already", "2020-05-01 10:00"),
        "content/articles/soon.md": article("Soon", "2090-01-15 09:00"),
        "content/articles/later.md": article("Later", "2091-06-01T12:00:00+02:00"),
        "content/articles/draft.md": article("Unfinished", "2089-01-01 09:00", draft="true"),
        **extra,
    })


def test_next_prints_the_soonest_due_time_in_the_site_s_zone(make_site):
    site = scheduled_site(make_site)
    run = run_byline(["next", "--site", str(site)])
    assert (run.code, run.out, run.err) == (0, "2090-01-15T09:00:00-05:00\n", "")
    assert datetime.fromisoformat(run.out.strip()) == \
        datetime(2090, 1, 15, 14, 0, tzinfo=ZoneInfo("UTC"))


def test_next_all_lists_every_scheduled_story_with_its_file(make_site):
    site = scheduled_site(make_site)
    run = run_byline(["next", "--all", "--site", str(site)])
    assert run.code == 0
    assert run.out.splitlines() == [
        "2090-01-15T09:00:00-05:00\tcontent/articles/soon.md",
        "2091-06-01T06:00:00-04:00\tcontent/articles/later.md",  # its own offset, shown in ours
    ]


def test_next_epoch_is_seconds_for_shell_arithmetic(make_site):
    site = scheduled_site(make_site)
    run = run_byline(["next", "--epoch", "--site", str(site)])
    assert run.code == 0
    assert int(run.out) == int(datetime(2090, 1, 15, 14, 0, tzinfo=ZoneInfo("UTC")).timestamp())


def test_next_epoch_never_falls_before_the_moment(make_site):
    """Found by a red-team pass: a story due at 09:30:00.5 was announced at 09:30:00."""
    site = make_site({"content/articles/soon.md": article("Soon", '"2090-01-15T09:30:00.5Z"')})
    run = run_byline(["next", "--epoch", "--site", str(site)])
    due = datetime(2090, 1, 15, 9, 30, 0, 500000, tzinfo=ZoneInfo("UTC")).timestamp()
    assert int(run.out) == int(due) + 1


def test_a_future_build_does_not_say_to_build_again_for_what_it_built(make_site):
    """Found by a red-team pass: `byline build --future` ended with "Next scheduled article
    is due …: build again then to publish it", the story already in the output."""
    site = scheduled_site(make_site)
    assert "Next scheduled" in run_byline(["build", "--site", str(site)]).out
    assert "Next scheduled" not in run_byline(["build", "--future", "--site", str(site)]).out


def test_next_with_nothing_scheduled_prints_nothing_and_exits_1(make_site):
    site = make_site({"content/articles/past.md": article("Out already", "2020-05-01 10:00"),
                      "content/articles/draft.md": article("Later", "2090-01-01", draft="true")})
    run = run_byline(["next", "--site", str(site)])
    assert (run.code, run.out, run.err) == (1, "", "")


def test_next_on_a_broken_site_says_why_and_exits_2(make_site, tmp_path: Path):
    site = scheduled_site(make_site, **{"content/articles/bad.md": article(date="Tuesday")})
    run = run_byline(["next", "--site", str(site)])
    assert run.code == 2 and run.out == ""
    assert_clean_failure(run)
    assert run.err.splitlines()[0].startswith(
        "content/articles/bad.md:3: error: 'date' is not a date: 'Tuesday'")
    nowhere = run_byline(["next", "--site", str(tmp_path / "nothing")])
    assert nowhere.code == 2 and nowhere.out == ""
    assert "no site.yaml here" in nowhere.err


def test_a_story_due_exactly_now_is_published_not_scheduled(make_site):
    site = make_site({"content/articles/now.md": article("Now", "2026-11-20 12:00"),
                      "content/articles/next.md": article("Next", "2026-11-20 12:01")})
    config = load_config(site, Report())
    assert config is not None
    now = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert scheduled_articles(config, now) == [
        Scheduled(datetime(2026, 11, 20, 12, 1, tzinfo=ZoneInfo("UTC")),
                  "content/articles/next.md")]
    result = build(site)  # at NOW, 12:00: the same rule
    assert result.articles == 1
    assert result.next_scheduled == datetime(2026, 11, 20, 12, 1, tzinfo=ZoneInfo("UTC"))


def test_the_hour_clocks_repeat_in_autumn_is_told_apart(make_site):
    """Found by a red-team pass: Python compares two times of one zone by their clock
    readings alone, so on the night clocks go back a story dated 01:40 (summer time) went
    out, then off the site at a build at 01:20 (winter time, 40 minutes later); an embargo
    of 01:10 winter time went out at 01:45 summer time; the order, `byline next`, and a
    correction made after the story were all wrong."""
    from bs4 import BeautifulSoup

    la = ZoneInfo("America/Los_Angeles")
    site = make_site({
        "site.yaml": SITE_YAML.replace("timezone: UTC", "timezone: America/Los_Angeles"),
        "content/articles/night.md": article(
            title="Night", date="2026-11-01 01:40", category="Music",
            corrections='\n  - at: "2026-11-01T01:10:00-08:00"\n    text: Fixed a name.'),
        "content/articles/embargo.md": article(
            title="Embargo", date='"2026-11-01T09:10:00Z"', category="Music"),
    })

    def shown(now: datetime) -> list[str]:
        return [a.title for a in build(site, now=now).content.articles]

    summer = datetime(2026, 11, 1, 1, 45, tzinfo=la)  # 08:45 UTC
    winter = datetime(2026, 11, 1, 1, 20, tzinfo=la, fold=1)  # 09:20 UTC
    assert shown(summer) == ["Night"]
    assert [s.source for s in scheduled_articles(load_config(site, Report()),
                                                 datetime(2026, 11, 1, 8, tzinfo=ZoneInfo("UTC")))
            ] == ["content/articles/night.md", "content/articles/embargo.md"]
    assert shown(winter) == ["Embargo", "Night"]
    night = BeautifulSoup((site / "output/music/night/index.html").read_text(), "html.parser")
    data = night.find("script", type="application/ld+json").string
    assert '"dateModified":"2026-11-01T01:10:00-08:00"' in data.replace(" ", "")
