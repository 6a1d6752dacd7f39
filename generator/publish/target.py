"""The interface every deploy target implements, and how a target's settings are read.

``site.yaml`` names targets under ``deploy.targets``; the config stage hands each one's mapping
over as written, so the checks here are what turns a typo into a clear message instead of a
surprise halfway through an upload.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.errors import PublishError


@dataclass(frozen=True, slots=True)
class PublishSummary:
    """What a publish did or, when ``dry_run`` is true, would do; ``details`` lists the plan."""

    uploaded: int
    deleted: int
    unchanged: int
    bytes_sent: int
    dry_run: bool
    target: str
    details: tuple[str, ...] = ()
    # Files of the output folder that someone put there by hand, seen and not sent.
    hand_placed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the publish changed (or would change) anything at the target."""
        return bool(self.uploaded or self.deleted)

    def __str__(self) -> str:
        verb = "would publish" if self.dry_run else "published"
        if not self.changed:
            return f"{self.target}: nothing to publish, {self.unchanged} files already up to date"
        deleted = f"{self.deleted} to delete" if self.dry_run else f"{self.deleted} deleted"
        return (
            f"{self.target}: {verb} {self.uploaded} file{'' if self.uploaded == 1 else 's'} "
            f"({format_size(self.bytes_sent)}), {deleted}, {self.unchanged} unchanged"
        )


class Target(Protocol):
    """A place a built site can be published to."""

    def publish(self, site_dir: Path, *, dry_run: bool, force: bool = False,
                versions: Mapping[str, str] | None = None,
                take_over: bool = False, wait: float = 600.0) -> PublishSummary:
        """Make the target match ``site_dir`` (or only plan it, when ``dry_run``); ``force``
        lets a target adopt a place that holds files Byline did not write; ``take_over``,
        one that holds another site's;
        ``versions`` (the build's key of each file's content) lets a target that remembers
        what it sent compare only the files whose key changed (the others ignore it);
        ``wait``: how long to wait for another publish writing to the same place, where the
        target can tell (a folder; a branch refuses the second push, a bucket merges)."""
        ...


class TargetProblems(PublishError):
    """Every problem of one target's settings: (the setting it is at, or None for the target
    as a whole, and the message, which names the target)."""

    def __init__(self, problems: tuple[tuple[str | None, str], ...]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """One target's settings as written in site.yaml, read with messages that name the
    target; every problem is noted, and ``finish`` raises them all together."""

    name: str
    kind: str
    values: Mapping[str, Any]
    problems: list[tuple[str | None, str]] = field(default_factory=list)

    def fail(self, message: str, key: str | None = None) -> None:
        """Note a problem with this target (with ``key``, the setting it is about)."""
        self.problems.append((key, f"deploy target '{self.name}' ({self.kind}): {message}"))

    def finish(self) -> None:
        """Raise every problem noted, if there is one."""
        if self.problems:
            raise TargetProblems(tuple(self.problems))

    def allow_only(self, keys: Collection[str]) -> None:
        """Note keys this kind of target does not know: they are usually typos."""
        unknown = sorted(str(key) for key in self.values if key != "kind" and key not in keys)
        if unknown:
            known = ", ".join(sorted(keys))
            self.fail(f"unknown setting {', '.join(unknown)} (known: {known})", unknown[0])

    def text(self, key: str, default: str | None = None) -> str | None:
        """An optional string setting; an empty YAML value counts as not given (as does a
        wrong one, noted)."""
        value = self.values.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self.fail(f"`{key}` must be text, not {type(value).__name__}", key)
            return default
        return value

    def required_text(self, key: str) -> str:
        """A string setting that must be present and non-empty ("" when it is not: noted)."""
        value = self.text(key)
        if not value:
            if key not in self.values or isinstance(self.values[key], str | None):
                self.fail(f"missing required setting `{key}`", key)
            return ""
        return value


def format_size(size: int) -> str:
    """A byte count for people: ``12.3 kB``."""
    if size < 1000:
        return f"{size} B"
    amount = size / 1000
    for unit in ("kB", "MB"):
        if amount < 1000:
            return f"{amount:.1f} {unit}"
        amount /= 1000
    return f"{amount:.1f} GB"


def require_built_site(site_dir: Path) -> Path:
    """The site folder, resolved; refuses a missing or empty one, which would empty the target."""
    folder = site_dir.resolve()
    if not folder.is_dir():
        raise PublishError(f"{site_dir} does not exist: build the site before publishing it")
    if not any(entry.is_file() for entry in folder.rglob("*")):
        raise PublishError(f"{site_dir} holds no files: build the site before publishing it")
    return folder
