"""Authors: ``content/authors/<slug>.yaml`` files, and plain names with no file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from generator.content.discover import copy_message, is_ignored, sync_copy_of
from generator.errors import Problem, Report, Severity, SourceLocation
from generator.inputfiles import (
    UnreadableFile,
    as_written,
    is_encodable,
    open_problem,
    outside_message,
    points_outside,
    read_input,
    shown,
)
from generator.model import Author, Content, Link
from generator.slugs import is_script_link, link_problem, quoted, slugify
from generator.sourceyaml import RepeatedKeys, YamlDocument, YamlSyntaxError, parse_yaml
from generator.textmatch import closest

from .images import resolve_image

AUTHOR_KEYS = ("name", "bio", "avatar", "links")


def author_url(slug: str) -> str:
    """The site path of an author's page."""
    return f"/authors/{slug}/"


def load_author_files(site_root: Path, report: Report) -> dict[str, Author]:
    """Every described author, keyed by slug (the file name)."""
    folder = site_root / "content" / "authors"
    authors: dict[str, Author] = {}
    if not folder.is_dir():
        return authors
    where = SourceLocation("content/authors")
    root = os.path.realpath(site_root)
    if folder.is_symlink() and (target := points_outside(str(folder), root)):
        report.error(outside_message(target), where)
        return authors
    try:
        paths = sorted(folder.iterdir())
    except OSError as error:
        report.error(open_problem(error, folder, folder=True), where)
        return authors
    names = {path.name for path in paths}
    for path in paths:
        if path.suffix not in (".yaml", ".yml") or path.name.startswith("."):
            if (stem := _author_stem(path.name)) is not None and path.is_file():
                # A profile saved as jane-doe.yaml.txt (Notepad) or Jane.YAML
                # would leave the author with no bio, and no word said.
                report.warning(f"is not read: Byline reads author files ending in .yaml: "
                               f"rename it to {shown(stem)}.yaml",
                               SourceLocation(shown(path.relative_to(site_root))))
            continue
        if (original := sync_copy_of(path.name, lambda: names)) is not None:
            report.error(copy_message(original, "author"),
                         SourceLocation(shown(path.relative_to(site_root))))
            continue
        author = _read_author(path, site_root, root, report)
        if author:
            authors[author.slug] = author
    return authors


def unused_namesakes(content: Content, described: Mapping[str, Author]) -> list[Problem]:
    """A warning at each author file (of ``described``) giving the name another file gives
    that no story, out or scheduled, is by: a profile copied to a new file name, the old one
    kept, is a second page for the writer, with none of their stories.  Two writers of one
    name, each named by file name in their stories, are no mistake.  Asked again of the
    whole site after a save the preview patches (see incremental.py)."""
    used = {slug for story in (*content.articles, *content.scheduled)
            for slug in story.author_slugs}
    by_name: dict[str, list[Author]] = {}
    for author in described.values():
        by_name.setdefault(author.name.casefold(), []).append(author)
    problems = []
    for alike in by_name.values():
        for author in alike:
            if len(alike) < 2 or author.slug in used or author.location is None:
                continue
            shown_on = author_for_name(author.name, described)
            other = next(a for a in alike if a is not author)
            problems.append(Problem(
                Severity.WARNING,
                f"this author file gives the name {quoted(author.name)}, as "
                f"{(other.location or author.location).path} does, and no story is by it: "
                f"stories naming {quoted(author.name)} are listed on {shown_on.url}, and this "
                f"file's page, {author.url}, lists none: delete the file if it is no longer "
                f"used, or write author: {author.slug} in its writer's stories",
                author.location))
    return problems


# What an author file saved under another name ends in (compared in lower case).
_OTHER_AUTHOR_ENDINGS = (".yaml", ".yml", ".yaml.txt", ".yml.txt")


def _author_stem(name: str) -> str | None:
    """The name, without its ending, of a file in content/authors/ that is not read but was
    meant to be an author's (``jane.yaml.txt``, ``Jane.YAML``, ``jane.yaml ``), else None.
    Other files there (a README, a photo) are left alone."""
    meant = name.rstrip(" .")
    if is_ignored(name) or not meant.lower().endswith(_OTHER_AUTHOR_ENDINGS):
        return None
    stem = meant[: meant.rindex(".")]
    if stem.lower().endswith((".yaml", ".yml")):  # jane.yaml.txt
        stem = stem[: stem.rindex(".")]
    return stem or None


def _read_author(path: Path, site_root: Path, root: str, report: Report) -> Author | None:
    where = SourceLocation(shown(path.relative_to(site_root)))
    if not is_encodable(path.name):
        report.error(f"the name {shown(path.name)} is not UTF-8 text: rename it", where)
        return None
    if path.is_symlink() and (target := points_outside(str(path), root)):
        report.error(outside_message(target), where)
        return None
    try:
        doc = parse_yaml(as_written(read_input(
            path, "a YAML file of name:, bio:, avatar:, links:").decode("utf-8")))
    except UnreadableFile as error:
        report.error(str(error), where)
        return None
    except UnicodeDecodeError:
        report.error("the file is not UTF-8 text", where)
        return None
    except RepeatedKeys as exc:  # said with the file's other mistakes
        for repeat in exc.repeats:
            report.error(repeat.message, where.at(repeat.line))
        doc = exc.document  # its first values: the stories naming the author read right
    except YamlSyntaxError as exc:
        report.error(str(exc), where.at(exc.line))
        return None
    data = doc.data
    if not isinstance(data, dict):
        report.error("an author file must be key: value lines (name:, bio:, avatar:, links:)",
                     where.at(1))
        return None
    for key in data:
        if key not in AUTHOR_KEYS:
            guess = closest(key, AUTHOR_KEYS, cutoff=0.6)
            hint = f"did you mean '{guess}'?" if guess else f"use {', '.join(AUTHOR_KEYS)}"
            report.error(f"unknown author field '{key}': {hint}", where.at(doc.line_of(key)))
    name = doc.written(data.get("name"), "name")
    if name is not None and not isinstance(name, str):
        report.error("'name' must be text, the name as readers see it (in quotes if it is a "
                     "number, yes or no)", where.at(doc.line_of("name") or 1))
        return None
    if not isinstance(name, str) or not name.strip():
        report.error("an author file needs a 'name'", where.at(doc.line_of("name") or 1))
        return None
    bio = doc.written(data.get("bio"), "bio")
    if bio is not None and not isinstance(bio, str):
        report.error("'bio' must be text", where.at(doc.line_of("bio")))
        bio = None
    avatar = None
    if isinstance(data.get("avatar"), str) and is_script_link(data["avatar"]):
        report.error(f"'avatar' {quoted(data['avatar'])} is not a photo: give the path of a "
                     "photo file, e.g. avatar: jane.jpg", where.at(doc.line_of("avatar")))
    elif isinstance(data.get("avatar"), str):
        avatar = resolve_image(
            data["avatar"], folder=path.parent, content_dir=site_root / "content",
            site_root=site_root, location=where.at(doc.line_of("avatar")), role="avatar",
            report=report, alt=name.strip(),
        )
    elif data.get("avatar") is not None:
        report.error("'avatar' must be an image path", where.at(doc.line_of("avatar")))
    slug = slugify(path.stem)
    if not slug:
        report.error("the file name has no letter or digit to make the address of the author's "
                     "page from: name the file after the author, e.g. jane-doe.yaml", where.at(1))
        return None
    return Author(
        slug=slug,
        name=name.strip(),
        url=author_url(slug),
        bio=bio.strip() if bio else None,
        avatar=avatar,
        links=_links(data.get("links"), doc, where, report),
        location=where.at(1),
    )


def _links(
    raw: object, doc: YamlDocument, where: SourceLocation, report: Report
) -> tuple[Link, ...]:
    line = doc.line_of("links")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(i, dict) and isinstance(i.get("label"), str) and isinstance(i.get("url"), str)
        for i in raw
    ):
        report.error("'links' must be a list of {label: ..., url: ...}", where.at(line))
        return ()
    links = []
    for index, item in enumerate(raw):
        problem = link_problem(item["url"])
        if problem:
            report.error(f"link {quoted(item['url'])} {problem}: write an address such as "
                         "https://example.com/ or mailto:jane@example.com",
                         where.at(doc.line_of("links", index, "url") or line))
            continue
        links.append(Link(item["label"], item["url"]))
    return tuple(links)


def author_for_name(name: str, described: Mapping[str, Author]) -> Author:
    """The described author with this name or slug, or a name-only author."""
    slug = slugify(name)
    if slug in described:
        return described[slug]
    for author in described.values():
        if author.name.casefold() == name.casefold():
            return author
    return Author(slug=slug, name=name, url=author_url(slug))


# How alike a name must be to a described author's to be taken for a typo of it: "Karen
# Rufini" is 0.96 like "Karen Ruffini", one wrong letter in a ten-letter name 0.9. Two people
# may be as alike ("Ana Park", "Ian Park": 0.875); the warning says how to tell it so.
AUTHOR_CUTOFF = 0.85


def misspelt_author(name: str, described: Mapping[str, Author]) -> Author | None:
    """The described author whose name ``name`` (which has no file) most likely misspells."""
    by_name = {author.name.casefold(): author for author in described.values()}
    guess = closest(name.casefold(), by_name, cutoff=AUTHOR_CUTOFF)
    return by_name[guess] if guess else None
