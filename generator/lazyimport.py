"""Packages whose names are imported from their submodules on first use (PEP 562).

``byline build`` with nothing to do needs a few light names from ``images``, ``content`` and
``markup`` (the image settings, which file names are ignored, the Markdown version); a package
that imported every submodule up front would load Pillow and Python-Markdown for them, a
third of the command's time.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``where`` maps each public name to the
    submodule defining it, imported the first time the name is asked for."""

    def __getattr__(name: str) -> Any:
        try:
            submodule = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)  # asked once; a plain attribute after
        return value

    return __getattr__
