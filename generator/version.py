"""Which Byline made an output: a digest of its own code, in every page's key.

An output's key is what its template received; the code that turned that into the page is
part of it too.  A Byline upgraded (``pip install -U``, ``git pull``) may write the same
story differently (its structured data, its feed entry), so every page made by the code
before is made again by the first build after, as it would be from nothing, and the
up-to-date check does not stop early on pages an older Byline made.  Nothing is parsed
again for it: cached parses and checks are keyed by the versions the Markdown and checking
stages keep (``MARKUP_VERSION``, ``CHECKS_VERSION``), bumped by hand when their output
changes, since parsing every story again costs far more than rendering it.
"""

from __future__ import annotations

import functools
import hashlib
import os


@functools.cache
def code_digest() -> str:
    """A digest of every Python file of the ``generator`` package (names and bytes): read
    once per process, a few milliseconds."""
    root = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(_python_files(root, "")):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        with open(os.path.join(root, name), "rb") as source:
            digest.update(source.read() + b"\0")
    return digest.hexdigest()


def _python_files(top: str, prefix: str) -> list[str]:
    """The ``.py`` files below ``top``, as paths relative to the package."""
    found: list[str] = []
    with os.scandir(top) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                found += _python_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py") and entry.is_file():
                found.append(prefix + entry.name)
    return found
