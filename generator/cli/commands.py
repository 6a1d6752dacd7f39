"""What each command does, once its arguments are parsed."""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cli.console import GREEN, RED, YELLOW, Console, paint
from generator.errors import BylineError, Problem, Report, Severity
from generator.textmatch import closest

if TYPE_CHECKING:
    from generator.build import BuildResult, BuildState
    from generator.check import CheckMemo
    from generator.config import SiteConfig
    from generator.model import Article


def run_init(options: argparse.Namespace, console: Console) -> int:
    from generator.scaffold import init_site

    folder: Path = options.folder
    try:
        written = init_site(folder, author=options.author)
    except OSError as error:  # a read-only disk, /proc, a name the file system refuses
        reason = (error.strerror or str(error)).lower()
        raise BylineError(f"cannot create a site in {_shown(folder)}: {reason}") from None
    for path in written:
        console.detail(f"  wrote {folder / path}")
    here = folder.resolve() == Path.cwd().resolve()
    console.say(f"Created a new site in {_shown(folder)}/", GREEN)
    console.say("Next:" + ("" if here else f"\n  cd {_shown(folder)}") +
                "\n  byline serve --open                  see it in your browser"
                '\n  byline new "Your first headline"     start writing'
                "\n  edit site.yaml                       name your site, set base_url"
                "\n  edit .github/workflows/publish.yml   set BYLINE, to publish from GitHub")
    workflow = Path(".github/workflows/publish.yml")
    if workflow in written and (root := _repository_root(folder.resolve())) not in (
            None, folder.resolve()):
        inside = folder.resolve().relative_to(root).as_posix()
        console.say(f"{folder / workflow}: GitHub runs only the workflows in {root}/.github/"
                    f"workflows/: move it there, and run its steps in {inside}/ (under "
                    f"jobs: publish:, add defaults: run: working-directory: {inside}, and "
                    f"write {inside}/output and {inside}/.byline-cache for its paths)", YELLOW)
    return 0


def _repository_root(folder: Path) -> Path | None:
    """The git repository ``folder`` is in (the folder holding ``.git``), if any."""
    return next((f for f in (folder, *folder.parents) if (f / ".git").exists()), None)


def run_new(options: argparse.Namespace, console: Console) -> int:
    from generator.scaffold import default_author, new_article

    config = _load_config(options.site)
    made = new_article(config, options.headline, options.author or default_author(),
                       datetime.now(config.tz))
    console.say(f"Created {_shown(made.path)} (a draft: `byline serve` shows it while you "
                "write)", GREEN)
    if made.slug_taken_by is not None:
        wanted = made.path.parent.name.rsplit("-", 1)[0]
        owner = made.slug_taken_by.relative_to(config.root).as_posix()
        console.say(f"  the slug {wanted} is {owner}'s, so this story's is "
                    f"{made.path.parent.name} (write slug: in it to choose another)")
    return 0


def run_build(options: argparse.Namespace, console: Console) -> int:
    with _one_build_at_a_time(options.site, options.wait, console):
        result = _build(options.site, console, output=options.output, drafts=options.drafts,
                        future=options.future, reuse_current=True, force=options.force,
                        take_over=options.take_over)
    if result.next_scheduled and not options.future:  # --future built it already
        console.say(f"Next scheduled article is due {result.next_scheduled.isoformat()}: "
                    "build again then to publish it.")
    return 0


def run_serve(options: argparse.Namespace, console: Console) -> int:
    serve_site = _optional("generator.serve", "serve_site", "serve")
    return int(serve_site(options.site, options.host, options.port, options.open,
                          options.quiet, options.verbose))


def run_check(options: argparse.Namespace, console: Console) -> int:
    config = _settings_to_build(options.site, console)
    from generator.errors import BuildFailed

    with _one_build_at_a_time(options.site, options.wait, console):
        try:
            result = _build(options.site, console, output=options.output, force=options.force)
        except BuildFailed as failed:  # else a broken link waits, unsaid, for the next run
            raise BuildFailed(failed.problems, then=(
                "links and pages are checked once the build has no errors: fix these, then "
                "run byline check again")) from None
        return 1 if _check(result, config, console, strict=options.strict) else 0


def show_reference() -> int:
    """``byline help reference``: every site.yaml setting and front-matter field, paged on a
    terminal (as ``git help`` is), printed whole when piped."""
    text = reference_text()
    if sys.stdout.isatty() and sys.stdin.isatty():
        import pydoc

        pydoc.pager(text)
    else:
        sys.stdout.write(text)
    return 0


def reference_text() -> str:
    """docs/reference.md, as shipped inside the package (see setup.py); from a checkout, the
    repository's own file."""
    shipped = resources.files("generator") / "docs" / REFERENCE_NAME
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "docs" / REFERENCE_NAME
    return checkout.read_text(encoding="utf-8")


REFERENCE_NAME = "reference.md"


def run_publish(options: argparse.Namespace, console: Console) -> int:
    make_target = _optional("generator.publish", "make_target", "publish")
    config = _settings_to_build(options.site, console)
    name, spec = _deploy_target(config, options.target)
    target = make_target(name, spec, config.root, config.identity)  # a typo fails fast
    with _one_build_at_a_time(options.site, options.wait, console, watching=options.watch):
        if not options.watch:
            return _publish(options, console, config, target)
        from generator.cli.watching import publish_on_save

        kept = _KeptBetweenSaves()

        def publish_saved(saved: frozenset[str] | None) -> int:
            # site.yaml is read again at each save: its base URL is what the check checks
            # against, and its deploy settings say where the site goes.
            now_config = _load_config(options.site)
            name, spec = _deploy_target(now_config, options.target)
            return _publish(options, console, now_config,
                            make_target(name, spec, now_config.root, now_config.identity),
                            kept, saved)

        try:
            return publish_on_save(config.root, console, publish_saved, due=kept.state.stale_from,
                                   dry_run=options.dry_run)
        finally:
            kept.close(config)


def _new_state() -> BuildState:
    from generator.build import BuildState

    return BuildState()


@dataclass
class _KeptBetweenSaves:
    """What ``byline publish --watch`` keeps from one save's publish to the next: the
    build's state (the site model, the record of what each page shows) and the check's memo,
    so that a save costs what it changed, as in the preview."""

    state: BuildState = field(default_factory=_new_state)
    check: CheckMemo | None = None  # read from the cache by the first check
    output: Path | None = None  # the folder ``check`` is of
    # The warnings the last save showed, and those this one has: each is shown once, not
    # again at every save (a big archive may have thousands; errors always show).
    warned: set[Problem] = field(default_factory=set)
    warning: set[Problem] = field(default_factory=set)
    # Whether this save got as far as showing its warnings: one that failed to build did
    # not, and the next compares with the last save that did.
    shown: bool = False

    def show(self, console: Console, problems: Iterable[Problem]) -> int:
        """Print the problems not shown at the last save; how many were not printed."""
        self.shown = True
        problems = list(problems)
        self.warning.update(p for p in problems if p.severity is not Severity.ERROR)
        new = [p for p in problems if p.severity is Severity.ERROR or p not in self.warned]
        console.problems(new)
        return len(problems) - len(new)

    def next_save(self) -> None:
        if self.shown:
            self.warned = self.warning
        self.warning, self.shown = set(), False

    def close(self, config: SiteConfig) -> None:
        """Leave in the cache what a new process would otherwise have to make again."""
        try:
            if self.check is not None and self.output is not None:
                _store_check_memo(config, self.output, self.check)
        finally:
            self.state.close()


def _publish(options: argparse.Namespace, console: Console, config: SiteConfig, target: Any,
             kept: _KeptBetweenSaves | None = None, saved: frozenset[str] | None = None) -> int:
    """Build, check and send the site; with ``kept``, patch the build ``kept`` holds for the
    files ``saved`` (None: unknown) and check with its memo."""
    if kept:
        kept.next_save()
    result = _build(options.site, console, kept, saved=saved)
    if _check(result, config, console, strict=False, kept=kept, publishing=True):
        if not options.force:
            console.error("publish stopped: fix the errors above, or publish anyway with "
                          "--force")
            return 1
        console.say("Publishing despite the errors above (--force).", YELLOW)
    summary = target.publish(result.output, dry_run=options.dry_run, force=options.force,
                             versions=result.versions, take_over=options.take_over,
                             wait=options.wait)
    if summary.hand_placed:
        from generator.ownership import kept_unpublished

        kept_there = [Problem(Severity.WARNING,
                              kept_unpublished(result.output, list(summary.hand_placed)))]
        if kept is None:
            console.problems(kept_there)
        else:  # shown once, as the build's and the check's warnings are
            kept.show(console, kept_there)
    console.say(str(summary), GREEN)
    for line in summary.details:
        if options.dry_run:
            console.say(f"  {line}")
        else:
            console.detail(f"  {line}")
    if not options.dry_run:
        assert result.content is not None  # only `byline build` may skip loading (reuse_current)
        _record_published(config.root, result.content.articles, result.renames)
    return 0


def run_next(options: argparse.Namespace, console: Console) -> int:
    """When the next scheduled story falls due: 0 and its time, 1 and nothing, 2 on errors
    (as grep does: a script can tell "nothing scheduled" from "the site is broken")."""
    from generator.schedule import scheduled_articles

    try:
        waiting = scheduled_articles(_load_config(options.site))
    except BylineError as error:  # exit 1 means "nothing scheduled" here
        Console(quiet=True).failure(error)
        return 2
    for story in waiting if options.all else waiting[:1]:
        # Whole seconds, never before the moment: a story due at 09:30:00.5 is not due at :00.
        when = (str(math.ceil(story.due.timestamp())) if options.epoch
                else story.due.isoformat())
        print(f"{when}\t{story.source}" if options.all else when)
    return 0 if waiting else 1


# --- helpers the commands share ----------------------------------------------------------------


# What a watching publish writes in the site's lock: it holds the lock until stopped.
_WATCHING = "publish-watch"


@contextlib.contextmanager
def _one_build_at_a_time(site: Path, wait: float, console: Console,
                         watching: bool = False) -> Iterator[None]:
    """Hold the site's lock: one build, check or publish of a site at a time (the preview
    builds into a folder of its own and does not take it).  By default a second one waits
    long enough for a whole build of a big site, so a publish typed during a build follows
    it; but not for a watching publish, which only ends when stopped."""
    from generator.cache import CACHE_DIR_NAME, refuse_linked_cache
    from generator.ownership import hold_lock

    busy = ("another Byline build of this site is running (pid {pid}): wait for it to finish, "
            "then try again")
    endless = {_WATCHING: "`byline publish --watch` is running for this site (pid {pid}) and "
                          "publishes every save already: stop it (Ctrl-C where it runs) "
                          "before you build, check or publish from here"}

    def waiting(pid: str) -> None:
        console.say(f"Waiting for another Byline build of this site (pid {pid or 'unknown'}) "
                    "to finish…")

    from generator.inputfiles import CONFIG_NAME

    if not (site / CONFIG_NAME).exists():
        # No site here (run in the wrong folder, or --site misspelt): the command says so,
        # and nothing may be made in a folder that is not Byline's.
        yield
        return
    refuse_linked_cache(site.resolve() / CACHE_DIR_NAME)  # before the lock is made there
    with hold_lock(site.resolve() / CACHE_DIR_NAME / "build.lock", wait=wait,
                   busy=busy, waiting=waiting, purpose=_WATCHING if watching else "",
                   endless=endless):
        yield


def _load_config(site: Path) -> SiteConfig:
    from generator.config import load_config

    report = Report()
    config = load_config(site.resolve(), report)
    report.raise_if_errors("reading the settings")
    assert config is not None
    return config


def _settings_to_build(site: Path, console: Console) -> SiteConfig:
    """site.yaml's settings, for a command that builds the site; when they have errors, the
    build's failure instead, which reports the stories' problems with them, all at once."""
    from generator.errors import BuildFailed

    try:
        return _load_config(site)
    except BuildFailed:
        _build(site, console)  # fails before it writes anything: site.yaml is wrong
        raise


def _build(site: Path, console: Console, kept: _KeptBetweenSaves | None = None,
           **choices: Any) -> BuildResult:
    """Build, print its warnings and summary (and under --verbose, every file written);
    ``kept``: what a watching publish keeps between saves."""
    from generator.build import BuildOptions, build_site

    # The image progress bar draws itself only on a terminal; --quiet turns it off there too.
    progress = False if console.quiet else None
    result = build_site(BuildOptions(site=site, progress=progress, search=True, **choices),
                        kept.state if kept else None)
    if kept is None:
        # The command ends after the check and the publish that read the site model: keep
        # the cyclic collector off its million objects until then (see build.py,
        # _build_locked).  A watching publish settles its heap after each save instead.
        gc.freeze()
        console.problems(result.warnings)
    else:
        kept.show(console, result.warnings)
    for note in result.notes:
        console.detail(f"  {note}")
    if result.why:  # planned from the last build's record, or why every page was planned
        console.detail(f"  {result.why}")
    if result.search and result.search.message:
        console.say(result.search.message, YELLOW)
    elif result.search and result.search.indexed:
        console.detail(f"  search: indexed {result.search.pages} pages in "
                       f"{result.search.seconds:.2f} s")
    for path in result.changed:
        console.detail(f"  wrote {path}")
    if result.content is not None:  # else up to date: no file was looked at, none counted
        console.detail(f"  {result.unchanged} files unchanged")
    console.say(_summary(result), GREEN)
    return result


def _theme_stylesheets(config: SiteConfig) -> dict[str, str]:
    """Each theme stylesheet's published file → its source (from the site folder when in
    it): a missing font is fixed in themes/desk/static/css/extra.css, not in the copy."""
    from generator.errors import Report
    from generator.stylesheets import is_stylesheet
    from generator.theme import load_theme

    theme = load_theme(config, Report())  # its problems were the build's to say
    found = {}
    for name, url in theme.static_urls.items():
        source = theme.static_files[name]
        if is_stylesheet(name):
            inside = source.is_relative_to(config.root)
            found[url.lstrip("/")] = (source.relative_to(config.root).as_posix() if inside
                                      else str(source))
    return found


def _check(result: BuildResult, config: SiteConfig, console: Console, *, strict: bool,
           kept: _KeptBetweenSaves | None = None, publishing: bool = False) -> bool:
    """Check the built site and print its problems; True if it must not go out.  With
    ``kept``, the memo lives there between saves instead of in the cache; ``publishing``:
    for a publish, which has read its own target already."""
    check_site = _optional("generator.check", "check_site", "check")
    started = time.perf_counter()
    assert result.content is not None  # only `byline build` may skip loading (reuse_current)
    memo = kept.check if kept is not None and kept.output == result.output else None
    if memo is None:
        memo = _read_check_memo(config, result.output)
    problems = check_site(result.output, config.base_url, result.content.articles,
                          now=datetime.now(UTC), memo=memo, listing=result.versions)
    # Where the writer fixes them: the line of the Markdown, not of the built page.
    at_their_sources = _optional("generator.check", "at_their_sources", "check")
    problems = at_their_sources(problems, [*result.content.articles, *result.content.pages],
                                config.root, result.output, result.content.authors.values(),
                                _theme_stylesheets(config))
    said_of_withheld = _optional("generator.check", "said_of_withheld", "check")
    problems = said_of_withheld(problems, result.content.drafts, result.content.scheduled)
    if not publishing:  # a publish has read its own target (another's typo is not its stop)
        # Where the site goes is checked too: a typo there is found before a publish meets it.
        deploy_problems = _optional("generator.publish", "deploy_problems", "publish")
        problems = [*deploy_problems(config), *problems]
    # A site at an example address is not ready to go out: said by `byline check` too, which
    # the starter's workflow runs before it deploys (a red-team pass: it deployed one).
    placeholder_address = _optional("generator.publish", "placeholder_address", "publish")
    problems = [*([found] if (found := placeholder_address(config)) else []), *problems]
    custom_domain_mismatch = _optional("generator.publish", "custom_domain_mismatch", "publish")
    problems = [*([found] if (found := custom_domain_mismatch(config)) else []), *problems]
    if kept is not None:
        kept.check, kept.output = memo, result.output
    else:
        _store_check_memo(config, result.output, memo)
    console.detail(f"Checked {_shown(result.output)}/ in {time.perf_counter() - started:.2f} s")
    printed = set(result.warnings)  # said already, with the build's summary
    problems = [p for p in problems if p not in printed]
    if kept is None:
        console.problems(problems)
        repeated = 0
    else:
        repeated = kept.show(console, problems) + len(printed & kept.warned)
    # The build's warnings (printed above with its summary) are the site's too: a check that
    # said "0 warnings" under them would be wrong, and --strict would let them through.
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors + len(result.warnings)
    failed = errors > 0 or (strict and warnings > 0)
    message = (f"Check: {errors} error{_s(errors)}, {warnings} warning{_s(warnings)}"
               + (" (--strict: warnings count as errors)" if strict and warnings else "")
               + (f" ({repeated} shown at an earlier save, not repeated)" if repeated else ""))
    if errors or warnings:  # the tally belongs with the problems, so it shows under --quiet too
        print(paint(message, RED if failed else YELLOW, sys.stderr), file=sys.stderr)
    else:
        console.say(message, GREEN)
    return failed


def _read_check_memo(config: SiteConfig, output: Path) -> CheckMemo:
    """What the last check of this output folder found, kept in the site's cache, so that a
    check after a small build reads only the pages it rewrote."""
    from generator.cache import CACHE_DIR_NAME, BuildCache
    from generator.check import CheckMemo, check_memo_from

    cache = BuildCache(config.root / CACHE_DIR_NAME)
    try:
        return cache.stamp(output, check_memo_from, kind="check:") or CheckMemo()
    finally:
        cache.close()


def _store_check_memo(config: SiteConfig, output: Path, memo: CheckMemo) -> None:
    from generator.cache import CACHE_DIR_NAME, BuildCache
    from generator.check import check_memo_data

    cache = BuildCache(config.root / CACHE_DIR_NAME)
    try:
        cache.set_stamp(output, memo, check_memo_data, kind="check:")
    finally:
        cache.close()


def _deploy_target(config: SiteConfig, wanted: str | None) -> tuple[str, Mapping[str, Any]]:
    """The name and settings of the target to publish to."""
    targets = config.deploy.get("targets")
    if not isinstance(targets, Mapping) or not targets:
        raise BylineError("site.yaml has no deploy targets: add a `deploy:` section with "
                          "`targets:` (see the comments `byline init` writes in site.yaml)")
    name = wanted or config.deploy.get("default")
    if name is None and len(targets) == 1:
        name = next(iter(targets))
    if name is None:
        raise BylineError(f"name a target (one of {', '.join(map(str, targets))}) or set "
                          "`deploy: default:` in site.yaml")
    if name not in targets:
        guess = closest(str(name), [str(t) for t in targets], cutoff=0.5)
        hint = f"did you mean '{guess}'?" if guess else f"use one of {', '.join(targets)}"
        raise BylineError(f"no deploy target '{name}' in site.yaml: {hint}")
    return str(name), targets[name]


def _record_published(site_root: Path, articles: Sequence[Article],
                      renames: Mapping[str, str]) -> None:
    """Remember every URL published, so a later rename can redirect it; ``renames`` (new
    key → old key) say which files were renamed since."""
    try:
        from generator.published import record_published
    except ImportError:
        return  # an installation without the manifest: nothing to remember
    urls = {}
    prefix = "content" + os.sep
    for article in articles:  # plain strings: this runs over every story of the site
        key = article.source.path.removeprefix(prefix).replace(os.sep, "/")
        urls[key] = [article.url]
    record_published(site_root, urls, renames)


def _optional(module: str, name: str, command: str) -> Any:
    """``module.name``, imported only when the command runs; a clear error if it is missing."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        package = (error.name or "").partition(".")[0]
        if package and package != "generator":  # a third-party package is not installed
            raise BylineError(f"`byline {command}` needs the Python package '{package}' "
                              "(pip install it)") from error
        missing: Exception = error
    except (ImportError, AttributeError) as error:
        missing = error
    raise BylineError(f"`byline {command}` is not available in this installation of Byline "
                      f"({module}.{name} is missing: {missing})")


def _summary(result: BuildResult) -> str:
    warnings = len(result.warnings)
    if result.content is None:
        return (
            f"Up to date: {result.articles} article{_s(result.articles)}, "
            f"{result.pages} page{_s(result.pages)}, {result.images} image{_s(result.images)}, "
            f"{warnings} warning{_s(warnings)}; nothing changed since the last build "
            f"(checked in {result.seconds:.2f} s) → {_shown(result.output)}/"
        )
    return (
        f"Built {result.articles} article{_s(result.articles)}, "
        f"{result.pages} page{_s(result.pages)}, {result.images} image{_s(result.images)} "
        f"({result.images_made} processed), {warnings} warning{_s(warnings)} "
        f"in {result.seconds:.2f} s — {result.written} files written, "
        f"{result.removed} removed → {_shown(result.output)}/"
    )


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to here when that is shorter."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) <= len(str(path)) else str(path)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
