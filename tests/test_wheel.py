"""Byline installed from a wheel (not from the checkout) makes and builds a site on its own.

The venvs use ``--system-site-packages`` so that the runtime dependencies already installed
on the machine are reused and no network is needed; Byline itself is installed ``--no-deps``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

# What a build needs from the checkout; copied so the build's build/ and *.egg-info folders
# land in a temporary folder, never in the repository.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "generator", "themes", "docs")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command with an environment that cannot see the checkout; fail loudly."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def copy_sources(into: Path) -> Path:
    """The files a wheel is built from, without caches."""
    into.mkdir()
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, into / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, into / name)
    return into


def make_venv(where: Path) -> Path:
    """A venv over this Python's packages; its python runs this Python's pip."""
    run(sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", where,
        cwd=where.parent)
    return where / "bin"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Byline built into a wheel."""
    work = tmp_path_factory.mktemp("wheel")
    source = copy_sources(work / "src")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", work / "dist", source, cwd=work)
    (built,) = (work / "dist").glob("byline-*.whl")
    return built


def test_wheel_holds_the_theme_and_the_starter_site(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    themes = REPO / "themes"
    for path in themes.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            assert f"generator/themes/{path.relative_to(themes).as_posix()}" in names
    starter = REPO / "generator" / "starter"
    for path in starter.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"generator/starter/{path.relative_to(starter).as_posix()}" in names
    packages = {p.parent.relative_to(REPO).as_posix()
                for p in (REPO / "generator").rglob("__init__.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names
    assert not any(name.startswith(("tests/", "themes/", "docs/")) for name in names)
    # The settings reference ships once, from docs/, for `byline help reference`.
    docs = [name for name in names if "/docs/" in name]
    assert docs == ["generator/docs/reference.md"]
    shipped = zipfile.ZipFile(wheel).read("generator/docs/reference.md")
    assert shipped == (REPO / "docs" / "reference.md").read_bytes()


def test_installed_wheel_inits_and_builds_a_site(wheel: Path, tmp_path: Path) -> None:
    bin_dir = make_venv(tmp_path / "venv")
    run(bin_dir / "python", "-m", "pip", "install", "--no-deps", "-q", wheel, cwd=tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    where = run(bin_dir / "python", "-c",
                "import generator, generator.theme as t; print(generator.__file__); "
                "print(t.builtin_themes_dir())", cwd=work).stdout.splitlines()
    package = Path(where[0]).parent
    assert package.is_relative_to(tmp_path / "venv"), "Byline must come from the wheel"
    assert Path(where[1]) == package / "themes"

    assert "byline" in run(bin_dir / "byline", "--version", cwd=work).stdout
    reference = run(bin_dir / "byline", "help", "reference", cwd=work).stdout
    assert reference == (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    run(bin_dir / "byline", "init", "mysite", "--author", "Dana Reyes", cwd=work)
    built = run(bin_dir / "byline", "build", "--site", "mysite", cwd=work)
    assert "0 warnings" in built.stdout, built.stderr
    output = work / "mysite" / "output"
    assert (output / "index.html").is_file()
    assert (output / "news" / "welcome-to-your-newsroom" / "index.html").is_file()
    (css,) = (output / "static" / "css").glob("site.*.css")
    assert css.read_bytes() == (package / "themes/default/static/css/site.css").read_bytes()


def test_editable_install_uses_the_checkout_theme(tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "src")
    bin_dir = make_venv(tmp_path / "venv")
    run(bin_dir / "python", "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q",
        "-e", source, cwd=tmp_path)
    found = run(bin_dir / "python", "-c",
                "import generator.theme as t; print(t.builtin_themes_dir())",
                cwd=tmp_path).stdout.strip()
    assert Path(found) == source / "themes"
    reference = run(bin_dir / "byline", "help", "reference", cwd=tmp_path).stdout
    assert reference == (source / "docs" / "reference.md").read_text(encoding="utf-8")
