"""Publishing by committing the built site to a branch of a git repository (GitHub Pages).

All work happens in a throwaway bare repository: the branch's tip is fetched into it, the site
folder is staged as the new tree (``--work-tree`` reads it without writing to it) and the commit
is pushed.  The writer's own clone, its working tree and its other branches are never touched,
and nothing is force-pushed: if the branch moved meanwhile, the push fails and a rerun retries.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.cache import CACHE_DIR_NAME
from generator.errors import PublishError
from generator.lifeline import remove_abandoned
from generator.ownership import (
    MARKER_NAME,
    TEMPORARY_SUFFIX,
    another_site,
    describe_files,
    same_site,
)
from generator.publish.sync import byline_files
from generator.publish.target import PublishSummary, TargetSpec, require_built_site
from generator.slugs import quoted

_SETTINGS = ("repository", "branch", "message")
_DEFAULT_MESSAGE = "Publish {date}"
_MESSAGE_FIELDS = ("date", "time", "added", "modified", "deleted", "changed")
_PARENT_REF = "refs/byline/parent"
# user@host:path, git's scp-like syntax (a colon before any slash).
_SCP_LIKE = re.compile(r"^[^/:]+:")
_STATUS_WORDS = {"A": "add", "M": "update", "T": "update", "D": "delete"}
# Variables a git hook exports would point our commands at the writer's repository.
_REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)
_FALLBACK_IDENTITY = ("-c", "user.name=Byline", "-c", "user.email=byline@localhost")
# A publish commit's body, as Byline writes it (and did before it kept others' files).
_BYLINE_BODY = re.compile(r"^\d+ added, \d+ modified, \d+ deleted; \d+ files in the site\.$",
                          re.MULTILINE)
_KEPT = "Kept, not Byline's: "
# The site a publish commit is of (``ownership.site_identity``), after its counts.
_SITE = "Site: "
# How far back a publish looks for Byline's last commit when others committed after it.
_HISTORY_LOOKED_AT = 200


def from_spec(name: str, spec: Mapping[str, Any], site_root: Path,
              site: str = "") -> GitTarget:
    """A git target from its site.yaml settings; a relative local path is taken from the site."""
    settings = TargetSpec(name, "git", spec)
    settings.allow_only(_SETTINGS)
    repository = settings.required_text("repository")
    if repository and urlsplit(repository).password:
        settings.fail("`repository` contains a password or token; site.yaml is usually "
                      "committed, so use a git credential helper or an SSH key instead",
                      "repository")
    elif repository and (problem := _repository_problem(repository)):
        settings.fail(f"`repository` {quoted(repository)} {problem}", "repository")
    branch = settings.text("branch", "gh-pages") or "gh-pages"
    # Checked as a full ref name, a pure syntax check: ``--branch`` would also expand
    # ``@{-1}`` against whatever repository the command happens to run in.
    if branch.startswith("-") or not branch.isprintable() or subprocess.run(
        ["git", "check-ref-format", f"refs/heads/{branch}"], capture_output=True, check=False
    ).returncode:
        settings.fail(f"{quoted(branch)} is not a valid branch name", "branch")
    message = settings.text("message", _DEFAULT_MESSAGE) or _DEFAULT_MESSAGE
    try:
        message.format_map(dict.fromkeys(_MESSAGE_FIELDS, 0))
    except (KeyError, IndexError, ValueError) as error:
        fields = ", ".join(f"{{{name}}}" for name in _MESSAGE_FIELDS)
        settings.fail(f"`message` may only use {fields} ({error})", "message")
    settings.finish()
    return GitTarget(
        name=name,
        repository=_locate(repository, site_root),
        branch=branch,
        message=message,
        scratch=site_root.resolve() / CACHE_DIR_NAME,
        site=site,
    )


def _repository_problem(repository: str) -> str | None:
    """Why git must not be given ``repository``, or None.

    Git reads a leading ``-`` as an option (``--upload-pack=…`` runs a command) and an
    ``ext::`` or ``fd::`` address as a command to run; neither is a place to publish to.
    """
    if repository.startswith("-"):
        return "starts with '-', which git would read as an option: give a URL or a folder"
    if not repository.isprintable():
        return "has a line break or control character in it"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*::", repository):
        return ("names a git remote helper (address::…), which may run programs: give an "
                "https://, ssh:// or user@host:path address, or a folder")
    if "://" in repository:
        host = urlsplit(repository).hostname or ""
    elif _SCP_LIKE.match(repository):
        host = repository.split(":", 1)[0].rsplit("@", 1)[-1]
    else:
        host = ""
    if host.startswith("-"):
        return "has a host name starting with '-', which ssh would read as an option"
    return None


def _locate(repository: str, site_root: Path) -> str:
    """A URL as given; a local path made absolute, since git runs in a temporary folder."""
    if "://" in repository or _SCP_LIKE.match(repository):
        return repository
    return str((site_root / Path(repository).expanduser()).resolve())


@dataclass(frozen=True, slots=True)
class GitTarget:
    """Commits the built site as the next commit of ``branch`` in ``repository``."""

    name: str
    repository: str
    branch: str = "gh-pages"
    message: str = _DEFAULT_MESSAGE
    clock: Callable[[], datetime] = field(default=datetime.now, compare=False)
    # Where the throwaway repository lives: the site's cache, never a folder Byline does not
    # own (None: the system's temporary folder, for targets made outside a site).
    scratch: Path | None = None
    # The site publishing (``ownership.site_identity``): a branch another site published
    # is refused unless taken over ("": not known).
    site: str = ""

    @property
    def description(self) -> str:
        """The target's name and where it points, for messages."""
        return f"{self.name} ({self.repository}, branch {self.branch})"

    def publish(self, site_dir: Path, *, dry_run: bool, force: bool = False,
                versions: Mapping[str, str] | None = None,
                take_over: bool = False, wait: float = 600.0) -> PublishSummary:
        """Commit the site on top of the branch and push it; no commit when nothing changed."""
        folder = require_built_site(site_dir)
        if self.scratch is not None:
            self.scratch.mkdir(parents=True, exist_ok=True)
            remove_abandoned(self.scratch, "publish")  # of publishes killed with kill -9
        with tempfile.TemporaryDirectory(prefix=f"publish-{os.getpid()}-",
                                         dir=self.scratch) as scratch:
            git = _Git(Path(scratch, "publish.git"), folder, self.name)
            git.run("init", "--quiet", "--bare", str(git.git_dir), bare=True)
            parent = self._fetch_tip(git)
            kept: list[str] = []
            replaced: set[str] = set()
            if parent:
                git.run("read-tree", parent)
                kept, replaced = self._others_files(git, parent, folder, force, take_over)
            # Byline's marker and temporary files are bookkeeping, never part of the site;
            # the files others put on the branch stay as the branch has them.
            specs = [".", f":(exclude){MARKER_NAME}", f":(exclude,glob)**/*{TEMPORARY_SUFFIX}",
                     *(f":(exclude,literal){path}" for path in kept)]
            git.run("add", "--all", "--force", "--pathspec-from-file=-",
                    "--pathspec-file-nul", stdin="\0".join(specs), in_site=True)
            placed = self._keep_back_hand_placed(git, parent, folder, kept)
            tree = git.run("write-tree")
            old_tree = git.run("rev-parse", f"{parent}^{{tree}}") if parent else _empty_tree(git)
            changes = _parse_name_status(
                git.run("diff", "--name-status", "--no-renames", "-z", old_tree, tree)
            )
            total = len(git.run("ls-files", "-z").split("\0")) - 1 - len(kept)  # the site's
            counts = {status: sum(1 for s, _ in changes if s == status) for status in "AMD"}
            counts["M"] += sum(1 for s, _ in changes if s == "T")
            details = [f"replace {path} (committed by someone else: the branch's history "
                       "keeps theirs)" if path in replaced and status != "D" else
                       f"{_STATUS_WORDS.get(status, status)} {path}" for status, path in changes]
            details += [f"keep {path} (not written by Byline)" for path in kept]
            if not changes:
                details.append(f"no changes: branch {self.branch} left as it is, no commit made")
            elif not dry_run:
                commit = self._commit(git, tree, parent, counts, total, kept)
                git.run("push", "--quiet", "--", self.repository,
                        f"{commit}:refs/heads/{self.branch}")
                details.append(f"committed {commit[:12]} to {self.branch}")
        return PublishSummary(
            uploaded=counts["A"] + counts["M"],
            deleted=counts["D"],
            unchanged=total - counts["A"] - counts["M"],
            bytes_sent=sum(
                (folder / path).stat().st_size for status, path in changes if status != "D"
            ),
            dry_run=dry_run,
            target=self.description,
            details=tuple(details),
            hand_placed=placed,
        )

    @staticmethod
    def _keep_back_hand_placed(git: _Git, parent: str | None, folder: Path,
                               kept: list[str]) -> tuple[str, ...]:
        """Put the files someone put in the output folder by hand back in the index as the
        branch has them (none: left out): what goes out is what the site builds.  Told from
        the index `git add` just made, not a second walk of a 100,000-page folder."""
        ours = byline_files(folder)
        if ours is None:
            return ()
        others = set(kept)
        placed = tuple(path for path in git.run("ls-files", "-z").split("\0")
                       if path and path not in ours and path not in others)
        if placed:
            undo = ("reset", "--quiet", parent) if parent else ("rm", "--cached", "--quiet")
            git.run(*undo, "--pathspec-from-file=-", "--pathspec-file-nul",
                    stdin="\0".join(f":(literal){path}" for path in placed), in_site=True)
        return placed

    def _fetch_tip(self, git: _Git) -> str | None:
        """Fetch only the branch's latest commit, or None if the branch does not exist yet."""
        ref = f"refs/heads/{self.branch}"
        if not git.run("ls-remote", "--heads", "--", self.repository, ref):
            return None
        # Depth 1: a long-lived gh-pages branch holds every image ever published.
        refspec = f"+{ref}:{_PARENT_REF}"
        git.run("fetch", "--quiet", "--depth=1", "--no-tags", "--", self.repository, refspec)
        return git.run("rev-parse", _PARENT_REF)

    def _others_files(self, git: _Git, parent: str, site: Path, force: bool,
                      take_over: bool) -> tuple[list[str], set[str]]:
        """The files of the branch's tip that Byline did not commit and the site does not
        hold, kept as they are, and those the site holds too, which it replaces.  Byline's
        own are those of its latest publish commit, less those it kept (a custom domain's
        CNAME, added in GitHub's settings after it, is someone else's).  A branch Byline
        never published to is refused unless ``force``, as a folder of other files is; one
        it last published for another site, unless ``take_over``."""
        held = _tree_files(git, parent)
        mine = self._byline_files(git, parent, take_over)
        if mine is None and held and not force:
            raise PublishError(
                f"deploy target '{self.name}': branch {self.branch} of {self.repository} "
                f"already holds files Byline did not publish ({describe_files(sorted(held))}): "
                "publish to a new branch, or add --force to publish there anyway (its files "
                "are then kept, but for those the site has too)")
        # A file the site holds too is the site's: the writer put it there (a CNAME in
        # static/), and the branch's history keeps the one it replaces.
        theirs = held - (mine or set())
        replaced = {p for p in theirs if (site / p).is_file()}
        kept = sorted(theirs - replaced)
        self._refuse_clashes(kept, site)
        return kept, replaced

    def _refuse_clashes(self, kept: list[str], site: Path) -> None:
        """A file someone else committed where the site now has a folder, or in a folder
        where the site now has a file: the commit can hold only one of the two, and the
        site's would be left out while the publish said it was up to date."""
        clashes = []
        for path in kept:
            parts = path.split("/")
            if (site / path).is_dir():
                clashes.append(f"{path} is a file where the site now has the folder {path}/")
            elif file := next(("/".join(parts[:n]) for n in range(1, len(parts))
                               if (site / "/".join(parts[:n])).is_file()), None):
                clashes.append(f"{path} is in a folder where the site now has the file {file}")
        if clashes:
            raise PublishError(
                f"deploy target '{self.name}': branch {self.branch} of {self.repository} holds "
                f"files someone else committed in the site's way: {'; '.join(clashes)}: "
                "move them on the branch (or rename the site's), then publish again")

    def _byline_files(self, git: _Git, tip: str, take_over: bool) -> set[str] | None:
        """The files Byline's latest publish commit on the branch wrote, looked for in the
        branch's last ``_HISTORY_LOOKED_AT`` commits; None when none is Byline's.  Refused
        when that commit is another site's (and not ``take_over``)."""
        found = _latest_byline_commit(git, tip, 1)  # the tip: the usual case
        if found is None:
            refspec = f"+refs/heads/{self.branch}:{_PARENT_REF}"
            git.run("fetch", "--quiet", f"--depth={_HISTORY_LOOKED_AT}", "--no-tags", "--",
                    self.repository, refspec)
            found = _latest_byline_commit(git, tip, _HISTORY_LOOKED_AT)
        if found is None:
            return None
        commit, body = found
        theirs = _site_in(body)
        if theirs and self.site and not same_site(theirs, self.site) and not take_over:
            raise PublishError(another_site(
                f"deploy target '{self.name}':", f"branch {self.branch} of {self.repository}",
                theirs, self.site))
        return _tree_files(git, commit) - set(_kept_in(body))

    def _commit(
        self, git: _Git, tree: str, parent: str | None, counts: Mapping[str, int], total: int,
        kept: list[str],
    ) -> str:
        """Make the publish commit, with a message that says when and how much changed."""
        now = self.clock()
        changed = counts["A"] + counts["M"] + counts["D"]
        subject = self.message.format_map(
            {
                "date": now.date().isoformat(),
                "time": now.strftime("%H:%M"),
                "added": counts["A"],
                "modified": counts["M"],
                "deleted": counts["D"],
                "changed": changed,
            }
        )
        body = (
            f"{counts['A']} added, {counts['M']} modified, {counts['D']} deleted; "
            f"{total} files in the site."
        )
        # What the next publish must know: whose site it is, and what is not Byline's (see
        # ``_byline_files``).
        lines = [*([_SITE + self.site] if self.site else []),
                 *(_KEPT + json.dumps(path) for path in kept)]
        notes = ("-m", "\n".join(lines)) if lines else ()
        parents = ("-p", parent) if parent else ()
        return git.run("commit-tree", tree, *parents, "-m", subject, "-m", body, *notes,
                       identity=True)


def _latest_byline_commit(git: _Git, tip: str, count: int) -> tuple[str, str] | None:
    """The newest of the ``count`` commits up to ``tip`` that is one of Byline's publishes
    (its body says so, in Byline's words), with its message; None if none is."""
    log = git.run("log", f"--max-count={count}", "--format=%H%x00%B%x1e", tip)
    for entry in log.split("\x1e"):
        commit, _, message = entry.strip().partition("\0")
        if commit and _BYLINE_BODY.search(message):
            return commit, message
    return None


def _site_in(message: str) -> str:
    """The site a publish commit names (its ``Site:`` line); "" for none (an older one)."""
    return next((line[len(_SITE):] for line in message.splitlines()
                 if line.startswith(_SITE)), "")


def _kept_in(message: str) -> list[str]:
    """The files a publish commit kept as others' (its ``Kept, not Byline's:`` lines)."""
    kept = []
    for line in message.splitlines():
        if line.startswith(_KEPT):
            try:
                kept.append(str(json.loads(line[len(_KEPT):])))
            except ValueError:
                continue
    return kept


def _tree_files(git: _Git, commit: str) -> set[str]:
    return set(git.run("ls-tree", "-r", "-z", "--name-only", commit).split("\0")) - {""}


def _empty_tree(git: _Git) -> str:
    """The empty tree's id (differs between SHA-1 and SHA-256 repositories)."""
    return git.run("mktree", stdin="")


def _parse_name_status(output: str) -> list[tuple[str, str]]:
    """``git diff --name-status -z`` output as (status letter, path) pairs."""
    fields = output.split("\0")
    return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]


# What git says when a publish cannot reach or update the branch, and the same in a writer's
# words with the fix ({repository}: the target's repository, the last argument but one).
_KNOWN_FAILURES = (
    ("branch is currently checked out", "the branch is checked out in {repository}, and git "
     "does not update a checked-out branch: publish to a bare repository (git init --bare), "
     "or set branch: to one that is not checked out"),
    ("does not appear to be a git repository", "{repository} is not a git repository: check "
     "repository: under this target in site.yaml"),
    ("repository not found", "{repository} is not a git repository: check repository: under "
     "this target in site.yaml"),
    ("could not read from remote repository", "Byline could not reach {repository}: check "
     "repository: under this target in site.yaml, and that you can push to it"),
    ("authentication failed", "{repository} refused your credentials: check that you can push "
     "to it with git push"),
    ("permission denied", "{repository} refused your credentials: check that you can push to "
     "it with git push"),
    ("hook declined", "{repository} refused the push ({remote}): the branch is as it was; ask "
     "whoever keeps the repository what its hook requires"),
    ("non-fast-forward", "someone else published to the branch at the same moment: publish "
     "again"),
    ("fetch first", "someone else published to the branch at the same moment: publish again"),
)


def _failure(args: tuple[str, ...], said: str, status: int) -> str:
    """One line for a failed git command: the fix for a failure a writer can meet, else what
    git called the error (its first "fatal:" or "error:" line)."""
    lines = [line.removeprefix("remote:").strip() for line in said.splitlines()]
    lines = [line for line in lines if line]
    lowered = said.lower()
    repository = args[-2] if len(args) >= 2 and args[0] in ("push", "fetch", "ls-remote") \
        else "the repository"
    remote = next((line for line in lines if not line.lower().startswith(
        ("error:", "fatal:", "to ", "!", "hint:"))), "its hook declined it")
    for sign, words in _KNOWN_FAILURES:
        if sign in lowered:
            return words.format(repository=repository, remote=remote)
    first = next((line for line in lines if line.lower().startswith(("fatal:", "error:"))),
                 lines[0] if lines else f"exit status {status}")
    return f"git {args[0]} failed: {first}"


@dataclass(frozen=True, slots=True)
class _Git:
    """Runs git against the scratch repository, turning failures into PublishErrors."""

    git_dir: Path
    site_dir: Path
    target_name: str

    def run(
        self,
        *args: str,
        in_site: bool = False,
        bare: bool = False,
        identity: bool = False,
        stdin: str | None = None,
    ) -> str:
        """Run one git command and return its output, stripped."""
        command: list[str] = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false"]
        if identity and not self._has_identity():
            command += _FALLBACK_IDENTITY
        if not bare:
            command.append(f"--git-dir={self.git_dir}")
        if in_site:
            command.append(f"--work-tree={self.site_dir}")
        command += args
        result = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            # Site paths are UTF-8 whatever the locale says; -z output leaves them unquoted.
            encoding="utf-8",
            errors="surrogateescape",
            env=_clean_environment(),
            cwd=self.site_dir if in_site else self.git_dir.parent,
            check=False,
        )
        if result.returncode:
            raise PublishError(f"deploy target '{self.target_name}': "
                               + _failure(args, result.stderr or result.stdout,
                                          result.returncode))
        return result.stdout.strip()

    def _has_identity(self) -> bool:
        """Whether git's configuration says who is committing."""
        return all(
            subprocess.run(
                ["git", f"--git-dir={self.git_dir}", "config", key],
                capture_output=True,
                env=_clean_environment(),
                check=False,
            ).returncode
            == 0
            for key in ("user.name", "user.email")
        )


def _clean_environment() -> dict[str, str]:
    """This process's environment without anything that would redirect git to another repo."""
    return {key: value for key, value in os.environ.items() if key not in _REPOSITORY_VARIABLES}
