"""Small sites built in temporary folders, and ways to read what the build wrote."""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings
from PIL import Image

from generator.build import BuildOptions, BuildResult, build_site

REPO = Path(__file__).resolve().parent.parent
# A bug in Byline shows its traceback in tests (a writer sees one line; see cli/__init__.py).
os.environ.setdefault("BYLINE_TRACEBACK", "1")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("UTC"))

SITE_YAML = """\
title: The Test Times
description: Entertainment news for tests.
base_url: https://news.example/
timezone: UTC
per_page: 2
categories: [Music, TV]
"""


def photo_bytes(size: tuple[int, int] = (1200, 800), fmt: str = "JPEG",
                colour: tuple[int, ...] = (180, 90, 60)) -> bytes:
    """A small generated photo."""
    mode = "RGBA" if len(colour) == 4 else "RGB"
    image = Image.new(mode, size, colour)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def article(title: str = "A headline", date: str = "2026-11-01 09:30", body: str = "Body text.",
            **fields: str) -> str:
    """An article file: front matter from keyword arguments (YAML values as written)."""
    lines = [f"title: {title}", f"date: {date}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body).strip() + "\n"


SiteFiles = Mapping[str, str | bytes]


def write_files(root: Path, files: SiteFiles) -> Path:
    """Write {relative path: text or bytes} under root; return root."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[SiteFiles], Path]:
    """Write a site from {relative path: text or bytes}; site.yaml defaults to SITE_YAML."""

    def make(files: SiteFiles) -> Path:
        return write_files(tmp_path / "site", {"site.yaml": SITE_YAML, **files})

    return make


def build(site: Path, **options: object) -> BuildResult:
    """Build ``site`` as of NOW."""
    options.setdefault("now", NOW)
    return build_site(BuildOptions(site=site, **options))  # type: ignore[arg-type]


def page(site: Path, path: str, output: str = "output") -> BeautifulSoup:
    """The parsed HTML of a built page, given its site path ("/music/x/")."""
    file = site / output / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


# Fuzzing profiles (see tests/outcome.py for what every fuzzed build must look like).
# "ci" is seeded and bounded so the suite stays fast and repeatable; "long" is for a run by
# hand: `python3 -m pytest -m fuzz --hypothesis-profile long`.
settings.register_profile(
    "ci", max_examples=25, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
settings.load_profile("ci")
