"""The package's layers: a module may import only from modules in earlier layers.

This keeps the pipeline readable from the file list (stages only look backwards) and stops
a convenient import from quietly turning two stages into one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

LAYERS = (
    ("plaindata", "layered", "lifeline", "google", "version"),
    ("errors", "textmatch", "slugs", "dates", "parallel", "mediatypes", "inputfiles",
     "lazyimport", "stylesheets"),
    ("sourceyaml", "cache", "ownership"),
    ("frontmatter",),
    ("images",),
    ("config", "model"),
    ("markup",),
    ("content",),
    ("video_stage",),
    ("published", "image_stage"),
    ("theme",),
    ("render",),
    ("outputdir",),
    ("render_stage", "search_stage"),
    ("freshness",),
    ("incremental", "collisions"),
    ("build",),
    ("check", "publish", "scaffold", "starter", "schedule"),
    ("serve",),
    ("cli",),
    ("__main__",),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def top_level(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "generator":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("generator."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("generator."))
    return found


def test_every_module_has_a_layer():
    package = REPO / "generator"
    names = {p.stem if p.is_file() else p.name for p in package.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert names - set(RANK) == set(), "put new modules in LAYERS"


def test_modules_import_only_from_earlier_layers():
    wrong = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        own = parts[1] if len(parts) > 1 else "__init__"
        if own == "__init__":
            continue
        for used in imports_of(path) - {own, "__version__"}:
            if RANK.get(used, -1) >= RANK[own]:
                wrong.append(f"{path.relative_to(REPO)} imports generator.{used}")
    assert wrong == []
