"""The sample site's article pages pass an outside structured-data validator: npm's
structured-data-testing-tool with its Google and social-media presets, run on the built files
with the network cut off where the machine allows it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import NOW, REPO, build
from .test_sample_site import copy_sample

pytestmark = pytest.mark.slow
SDTT = REPO / "node_modules/structured-data-testing-tool"
# What `sdtt --file PAGE --presets Google,SocialMedia` runs, for many pages in one process and
# with the results as JSON (the command's own --output fails when every test passes).
RUNNER = """
const { structuredDataTest } = require(process.argv[1]);
const presets = require(process.argv[1] + '/presets');
const fs = require('fs');
(async () => {
  const found = {};
  for (const file of process.argv.slice(2)) {
    const res = await structuredDataTest(fs.readFileSync(file), {
      presets: [presets.Google, presets.SocialMedia],
    }).catch(err => {
      if (err.type !== 'VALIDATION_FAILED') throw err;
      return err.res;
    });
    found[file] = {
      groups: res.tests.map(t => (t.groups || [t.group]).join(' > ')),
      failed: res.failed.map(t => `${(t.groups || [t.group]).join(' > ')}: ${t.test}`),
    };
  }
  process.stdout.write(JSON.stringify(found));
})();
"""


def sdtt_command() -> list[str]:
    node = shutil.which("node")
    if not (SDTT / "index.js").is_file() or not node:
        if os.environ.get("CI"):
            pytest.fail("CI must run the structured-data validator: .ci/run installs "
                        "structured-data-testing-tool")
        pytest.skip("structured-data-testing-tool not installed (npm install --no-save "
                    "--ignore-scripts structured-data-testing-tool)")
    command = [node, "-e", RUNNER, str(SDTT)]
    # The tool must work on local files alone: run it without a network when we can.
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True,
                                  check=False).returncode == 0:
        command = [unshare, "-n", *command]
    return command


def validate(command: list[str], pages: list[Path]) -> dict[str, dict[str, list[str]]]:
    run = subprocess.run([*command, *map(str, pages)], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_article_pages_pass_google_news_article_and_social_checks(tmp_path):
    command = sdtt_command()
    site = copy_sample(tmp_path / "site")
    build(site, now=NOW)
    pages = sorted(site.glob("output/*/*/index.html"))
    articles = [p for p in pages if '"NewsArticle"' in p.read_text(encoding="utf-8")]
    assert len(articles) >= 10
    results = validate(command, articles)
    failures = []
    for html, result in results.items():
        assert any(g.startswith("Google > NewsArticle") for g in result["groups"]), html
        failures += [f"{Path(html).relative_to(site)}: {failed}" for failed in result["failed"]]
    assert failures == []


def test_the_validator_does_find_a_missing_publisher_logo(tmp_path):
    command = sdtt_command()
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "H",
            "image": ["https://x.example/a.jpg"], "datePublished": "2026-01-01T00:00:00Z",
            "author": [{"@type": "Person", "name": "A"}],
            "publisher": {"@type": "Organization", "name": "P"}}
    html = tmp_path / "bad.html"
    html.write_text('<!doctype html><html lang="en"><head><title>t</title>'
                    f'<script type="application/ld+json">{json.dumps(data)}</script>'
                    "</head><body></body></html>", encoding="utf-8")
    failed = validate(command, [html])[str(html)]["failed"]
    assert "Google > NewsArticle > #0 (jsonld): NewsArticle[0].publisher.logo" in failed, failed
