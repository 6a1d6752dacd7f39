"""The Jinja environment over a theme's template folders, with Byline's globals."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jinja2

from generator.theme import Theme


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by template source.

    Each build makes a fresh environment (its globals change); without this the preview
    server would compile every template again on every save.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill the bucket from memory, if this source was compiled before."""
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Remember a freshly compiled template."""
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _MemoryBytecodeCache()


def compiled_templates() -> dict[str, bytes]:
    """The templates this process compiled, for a spawned worker to start with (Jinja checks
    each against its source before use, and compiles again any that changed)."""
    return dict(_COMPILED._store)


def add_compiled_templates(compiled: Mapping[str, bytes]) -> None:
    """Start from templates another process compiled (``compiled_templates``)."""
    for key, code in compiled.items():
        _COMPILED._store.setdefault(key, code)


def make_environment(
    theme: Theme, globals_: Mapping[str, object], url: Callable[[str], str],
    kind: type[jinja2.Environment] = jinja2.Environment,
) -> jinja2.Environment:
    """A Jinja environment (of class ``kind``) over the theme's folders with Byline's globals."""
    env = kind(
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        bytecode_cache=_COMPILED,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals.update(globals_)
    env.globals["asset"] = lambda name: url(theme.asset_path(name))
    env.globals["url"] = url
    return env
