"""Publishing a built site: deploy targets behind one interface, and the URL manifest.

``make_target`` turns one entry of ``deploy.targets`` in site.yaml into a ``Target``; its
``publish`` makes the destination match the site folder and returns a ``PublishSummary``.
Target modules import their heavy dependencies (boto3) only when they publish.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.config import SiteConfig, setting_at
from generator.errors import BuildFailed, Problem, Severity, SourceLocation
from generator.ownership import is_placeholder
from generator.publish import directory, git, s3
from generator.publish.target import PublishSummary, Target, TargetProblems
from generator.published import (
    PublishedUrls,
    load_published,
    record_published,
    redirects_for_moved,
    renamed_sources,
)

__all__ = [
    "PublishSummary",
    "PublishedUrls",
    "Target",
    "deploy_problems",
    "load_published",
    "make_target",
    "placeholder_address",
    "record_published",
    "redirects_for_moved",
    "renamed_sources",
]

TargetFactory = Callable[[str, Mapping[str, Any], Path, str], Target]

TARGET_KINDS: Mapping[str, TargetFactory] = {
    "dir": directory.from_spec,
    "git": git.from_spec,
    "s3": s3.from_spec,
}


def make_target(name: str, spec: Mapping[str, Any], site_root: Path,
                site: str = "") -> Target:
    """The deploy target ``name`` from its site.yaml mapping, chosen by its ``kind``, for
    the ``site`` publishing (``ownership.site_identity``: a folder or bucket holding
    another site's files is refused; "": not known)."""
    try:
        return _target(name, spec, site_root, site)
    except TargetProblems as found:
        raise BuildFailed(_located(site_root, name, found), "publish") from None


def deploy_problems(config: SiteConfig) -> list[Problem]:
    """Every problem of site.yaml's ``deploy:`` targets, each at its line: ``byline check``
    says them all at once, before any publish meets the first."""
    targets = config.deploy.get("targets")
    if not isinstance(targets, Mapping):
        return []  # none yet: publish says how to add one
    problems = []
    for name, spec in targets.items():
        try:
            _target(str(name), spec, config.root, config.identity)
        except TargetProblems as found:
            problems += _located(config.root, str(name), found)
    default = config.deploy.get("default")
    if default is not None and default not in targets:
        problems.append(Problem(Severity.ERROR, f"deploy: default: names the target "
                                f"'{default}', which deploy: targets: does not have: use one "
                                f"of {', '.join(map(str, targets))}",
                                setting_at(config.root, "deploy", "default")))
    return problems


def _target(name: str, spec: Any, site_root: Path, site: str) -> Target:
    kinds = ", ".join(sorted(TARGET_KINDS))
    if not isinstance(spec, Mapping):
        raise TargetProblems(((None, f"deploy target '{name}' must be a mapping with a `kind` "
                                     f"({kinds})"),))
    kind = spec.get("kind")
    if kind is None:
        raise TargetProblems(((None, f"deploy target '{name}' has no `kind`: use one of "
                                     f"{kinds}"),))
    factory = TARGET_KINDS.get(kind) if isinstance(kind, str) else None
    if factory is None:
        raise TargetProblems((("kind", f"deploy target '{name}' has unknown kind {kind!r}: use "
                                       f"one of {kinds}"),))
    return factory(name, spec, site_root, site)


def _located(site_root: Path, name: str, found: TargetProblems) -> list[Problem]:
    """Each of a target's problems at its line of site.yaml (the setting's, or the target's)."""
    located = [Problem(Severity.ERROR, message,
                       setting_at(site_root, "deploy", "targets", name, *([key] if key else [])))
               for key, message in found.problems]
    return sorted(located, key=lambda p: (p.location.line if p.location else None) or 0)


def custom_domain_mismatch(config: SiteConfig) -> Problem | None:
    """The warning of a ``static/CNAME`` (GitHub Pages' custom domain) naming another host
    than ``base_url``: the site is then served at one address while every canonical link,
    feed, sitemap and share card names the other."""
    file = config.root / "static" / "CNAME"
    try:
        named = file.read_text(encoding="utf-8-sig", errors="replace").split()
    except OSError:  # none (the usual case), or one the build reports
        return None
    host = (urlsplit(config.base_url).hostname or "").lower()
    if not named or named[0].lower().rstrip(".") == host:
        return None
    return Problem(Severity.WARNING,
                   f"names {named[0]} as the site's domain, but base_url in site.yaml is "
                   f"{config.base_url}: GitHub Pages serves the site at {named[0]}, while every "
                   "canonical link, feed, sitemap and share card points at base_url; make the "
                   "two name the same host", SourceLocation("static/CNAME", 1))


def placeholder_address(config: SiteConfig) -> Problem | None:
    """The error of publishing a site whose base_url is still an example address (the
    starter's): every canonical link, feed entry, sitemap entry and share card would send
    readers and search engines there."""
    if not is_placeholder(config.base_url):
        return None
    return Problem(Severity.ERROR,
                   f"base_url is still the example address {config.base_url}: every canonical "
                   "link, feed, sitemap and share card would point there, not at this site; "
                   "set base_url in site.yaml to the site's own address",
                   setting_at(config.root, "base_url"))
