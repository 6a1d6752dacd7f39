"""The Jinja environment over a theme's template folders, with Byline's globals."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping

import jinja2
from jinja2.sandbox import safe_range
from jinja2.utils import missing

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


# What a template's objects are, in a theme writer's words.
_WHAT = {"ArticleView": "an article", "TermView": "a tag or section", "AuthorView": "an author",
         "ImageView": "an image", "ChangeView": "an update or correction", "VideoView": "a video",
         "CaptionsView": "a captions file", "LiveView": "a live blog",
         "LiveUpdateView": "a live blog's update", "PageMeta": "the page's meta"}


class ThemeUndefined(jinja2.Undefined):
    """An undefined name as testing it leaves it (false) and printing it mostly too (empty:
    an optional value, an ``extra`` field one story lacks), but named in a theme writer's
    words when a template uses it any further: what has no such field, and which fields it
    has, or which file has no such macro.  Printing a field a view does not have, or a name
    no template is given, is always a slip (``article.subtitle`` for
    ``article.extra.subtitle``, ``artcle``) and an error too: the page would otherwise go out
    with a hole where the writer's words belong (``is defined`` and ``default`` test for an
    optional one)."""

    __slots__ = ()

    def __str__(self) -> str:
        if isinstance(self._undefined_name, str) and (
                self._undefined_obj is missing or dataclasses.is_dataclass(self._undefined_obj)):
            self._fail_with_undefined_error()
        return ""

    @property
    def _undefined_message(self) -> str:
        owner, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint or not isinstance(name, str):
            return str(super()._undefined_message)
        if owner is missing:
            return (f"{name!r} is undefined: no value of that name is given to the template, "
                    "and no macro of that name is defined or imported in its file: check the "
                    "spelling")
        if isinstance(owner, jinja2.environment.TemplateModule):
            return (f"{owner.__name__} has no macro {name!r}: define it there, or copy it from "
                    "the built-in theme's file of that name")
        if dataclasses.is_dataclass(owner):
            kind = type(owner).__name__
            fields = ", ".join(f.name for f in dataclasses.fields(owner))
            return (f"{_WHAT.get(kind, kind)} has no field {name!r}: check the spelling; its "
                    f"fields are {fields}")
        if isinstance(owner, Mapping):
            return f"no {name!r} here: check the spelling; there are {', '.join(map(str, owner))}"
        return str(super()._undefined_message)


class _CountedRange(threading.local):
    """Jinja's sandbox ``range`` (an error past 100,000 items), with the numbers one page's
    ranges make counted, up to ``LIMIT``: two loops, one inside the other, each under the
    cap, ran for hours and froze the preview with them (``range(100000)`` in
    ``range(100000)``).  ``start_page`` resets the count before each page."""

    LIMIT = 2_000_000
    made = 0

    def start_page(self) -> None:
        """Count from zero for the next page."""
        self.made = 0

    def __call__(self, *args: int) -> range:
        numbers = safe_range(*args)
        self.made += len(numbers)
        if self.made > self.LIMIT:
            raise OverflowError(
                f"range() made more than {self.LIMIT:,} numbers for one page (a loop inside "
                "a loop): a page that loops that long would never finish building; loop "
                "over fewer")
        return numbers


PAGE_RANGES = _CountedRange()


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
        undefined=ThemeUndefined,
    )
    env.globals.update(globals_)
    # A theme's `range(10**12)` would run for hours, the preview with it; Jinja's sandbox
    # range stops past 100,000 items with an error, which is said at the template's line.
    env.globals["range"] = PAGE_RANGES
    env.globals["asset"] = lambda name: url(theme.asset_path(name))
    env.globals["url"] = url
    env.filters["at_most"] = sizes_at_most
    return env


def sizes_at_most(sizes: str, cap: str) -> str:
    """An ``<img sizes>`` list with each width at most ``cap`` (a CSS length): a tall photo
    drawn narrower than its column (its height capped) is fetched at the width it is drawn.
    Each entry's width is its last word outside brackets; what comes before is its media
    condition, kept as written."""
    cuts = [at for at, char in _outside_brackets(sizes) if char == ","]
    capped = []
    for start, end in zip([-1, *cuts], [*cuts, len(sizes)], strict=True):
        entry = sizes[start + 1:end].strip()
        cut = max((at + 1 for at, char in _outside_brackets(entry) if char.isspace()),
                  default=0)
        if entry:
            capped.append(f"{entry[:cut]}min({entry[cut:]}, {cap})")
    return ", ".join(capped)


def _outside_brackets(text: str) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` that no bracket holds, and where it is."""
    depth = 0
    for at, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            yield at, char


def shows_live_notes(env: jinja2.Environment) -> bool:
    """Whether a template of ``env`` (each name as it resolves: a theme's own before the
    built-in one) reads ``live.notes`` (``article.live.notes``, or ``live.notes`` of a
    macro given the live view); a template that does not parse counts as not reading it."""
    for name in env.list_templates(extensions=["html"]):
        try:
            source = env.loader.get_source(env, name)[0] if env.loader else ""
            tree = env.parse(source)
        except jinja2.TemplateError:
            continue
        for node in tree.find_all(jinja2.nodes.Getattr):
            owner = node.node
            if node.attr == "notes" and (
                    (isinstance(owner, jinja2.nodes.Getattr) and owner.attr == "live")
                    or (isinstance(owner, jinja2.nodes.Name) and owner.name == "live")):
                return True
    return False
