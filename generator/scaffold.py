"""``byline init`` (a new site from ``generator/starter/``) and ``byline new`` (a new article)."""

from __future__ import annotations

import getpass
import os
import random
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from generator import __version__
from generator.config import CONFIG_NAME, SiteConfig
from generator.errors import BylineError
from generator.slugs import slug_from_filename, slugify
from generator.sourceyaml import yaml_scalar

STARTER_DIR = Path(__file__).resolve().parent / "starter"
EXAMPLE_PHOTO = Path("content", "articles", "welcome-to-your-newsroom", "photo.jpg")
PHOTO_SIZE = (1600, 1000)
# A stand-in logo, so search engines' article markup is complete from the first build.
EXAMPLE_LOGO = Path("content", "brand", "logo.png")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# A new article's folder is its slug: a long headline is cut at a word, well under the
# 255 bytes a file name may have.
MAX_SLUG = 80
MAX_SLUG_BYTES = 200
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def default_author() -> str:
    """The writer's name: $BYLINE_AUTHOR, git's user.name, or the login name."""
    name = os.environ.get("BYLINE_AUTHOR")
    if name:
        return name
    try:
        found = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                               timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    return found or getpass.getuser()


class NewArticle(NamedTuple):
    """The draft ``new_article`` made, and the story whose slug its headline's would have
    been (None: the headline's slug was free)."""

    path: Path
    slug_taken_by: Path | None = None


def new_article(config: SiteConfig, headline: str, author: str, now: datetime) -> NewArticle:
    """Create ``content/articles/<slug>/index.md``.

    Whatever the headline and author hold (colons, quotes, ``@``, ``yes``, line breaks), the
    front matter reads back as exactly that text, so the new draft always builds; and its
    slug is one no other story has (a date-prefixed import, a ``slug:``), else the two would
    share an address and neither would build.
    """
    headline = _valid_text(headline, "headline").strip()
    author = _valid_text(author, "author")
    slug = _folder_slug(headline)
    if not slug:
        raise BylineError("the headline needs at least one letter or digit")
    articles = config.content_dir / "articles"
    folder = articles / slug
    if folder.exists():
        raise BylineError(f"{folder.relative_to(config.root)} already exists: pick another "
                          "headline or edit that article")
    owners = _story_slugs(articles)
    taken_by = Path(owners[slug]) if slug in owners else None
    number = 2
    while slug in owners or folder.exists():
        slug = f"{_folder_slug(headline)}-{number}"
        folder, number = articles / slug, number + 1
    category = config.categories[0] if config.categories else "News"
    text = f'''---
title: {yaml_scalar(headline, quote=True)}
date: {now:%Y-%m-%d %H:%M}
author: {_names_value(author)}
category: {yaml_scalar(category)}
tags: []
# dek: One sentence under the headline, for cards and share previews
# hero:
#   image: photo.jpg          # put the photo in this folder
#   alt: What the photo shows
#   caption: Who, where, when
#   credit: Photographer/Agency
draft: true                   # remove this line to publish
---

Start writing here. Put a photo on its own line to make a figure:

<!-- ![What it shows](photo.jpg "Caption"){{credit="Photographer/Agency"}} -->
'''
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    return NewArticle(folder / "index.md", taken_by)


_SLUG_LINE = re.compile(r"^slug:[ \t]*['\"]?([^'\"\n#]*)", re.MULTILINE)


def _story_slugs(articles: Path) -> dict[str, str]:
    """Each story's slug (its file's name, less a date in front, or its ``slug:``) and its
    file: read from the file names and the first lines of each, not built (at 100,000
    stories a build of all of them would make ``new`` wait seconds)."""
    owners: dict[str, str] = {}  # paths as text: a Path of each of 100,000 files costs 1 s
    for here, dirs, files in os.walk(articles):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        for name in files:
            if not name.endswith(".md") or name.startswith((".", "_")):
                continue
            path = os.path.join(here, name)
            stem = os.path.basename(here) if name == "index.md" else name[:-3]
            try:
                with open(path, "rb") as file:
                    head = file.read(2048)  # the front matter, where a slug: is
            except OSError:
                continue
            given = None
            if b"slug:" in head:  # few stories have one: the others are not decoded
                text = head.decode("utf-8", "replace")
                front = text.split("\n---", 1)[0] if text.startswith("---") else ""
                given = _SLUG_LINE.search(front)
            slug = slugify(given.group(1).strip()) if given and given.group(1).strip() \
                else slug_from_filename(stem)
            owners.setdefault(slug, path)
    return owners


def _valid_text(text: str, what: str) -> str:
    # Bytes that are not UTF-8 reach argv as lone surrogates, which no file can hold.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BylineError(f"the {what} is not valid text: retype it") from None
    # Control characters are never meant in a name, and feeds (XML) cannot carry them.
    odd = _CONTROL.search(text)
    if odd:
        raise BylineError(f"the {what} holds an invisible control character "
                          f"(U+{ord(odd.group()):04X}): retype it")
    return text


def _folder_slug(headline: str) -> str:
    """The headline's slug, cut at a word to MAX_SLUG characters: the folder and the URL."""
    slug = slugify(headline)
    if len(slug) > MAX_SLUG:
        cut = slug.rfind("-", 0, MAX_SLUG + 1)
        slug = slug[:cut] if cut >= MAX_SLUG // 2 else slug[:MAX_SLUG]
    while len(slug.encode("utf-8")) > MAX_SLUG_BYTES:  # letters of 3 or 4 bytes
        slug = slug[:-1]
    return slug.strip("-_")


def _names_value(names: str) -> str:
    # A bare "author:" is split at commas (several writers), so "Reyes, Dana" goes in a list.
    return f"[{yaml_scalar(names, quote=True)}]" if "," in names else yaml_scalar(names)


def init_site(target: Path, author: str | None = None, now: datetime | None = None) -> list[Path]:
    """Create a ready-to-build site in ``target``; return the files written, relative to it."""
    refuse_existing_site(target)
    now = now or datetime.now(UTC)
    author = author or default_author()
    title = _title_from_folder(target)
    folder = target.resolve().name or "site"
    values = {
        "title": title,
        "author_slug": slugify(author) or "newsroom",
        "date": starter_date(now),
        # Names come from the writer and the folder: quoted if need be, so ': ' stays text.
        "title_yaml": yaml_scalar(title),
        "author_yaml": yaml_scalar(author),
        "author_names_yaml": _names_value(author),  # an article's: "Reyes, Dana" is one
        "copyright_yaml": yaml_scalar(f"© {now.year} {title}"),
        "publish_path_yaml": yaml_scalar(f"../{folder}-published"),
        "byline_version": __version__,
    }
    files: dict[Path, str | None] = {}  # what to write: text, or None for a drawn picture
    for source in sorted(STARTER_DIR.rglob("*")):
        relative = source.relative_to(STARTER_DIR)
        if not source.is_file() or relative.suffix in (".py", ".pyc") \
                or "__pycache__" in relative.parts:
            continue
        relative = _destination(relative, values["author_slug"])
        if relative.parts[0] == ".github" and (target / relative).exists():
            continue  # the repository's own workflow of that name is kept as it is
        files[relative] = _PLACEHOLDER.sub(lambda m: values[m.group(1)],
                                           source.read_text(encoding="utf-8"))
    files[EXAMPLE_PHOTO] = files[EXAMPLE_LOGO] = None
    _write_all(target, files)
    return sorted(files)


def _write_all(target: Path, files: dict[Path, str | None]) -> None:
    """Write the starter's files into ``target``, or none: one that cannot be written (a
    folder in its way, a full disk) is named, and what this run wrote is taken back, so
    ``init`` can be run again once it is out of the way."""
    made: list[Path] = []  # files and folders this run created, in order
    kept: dict[Path, str] = {}  # files it changed (a .gitignore merged), as they were
    relative = Path()
    if not target.exists():  # a folder that cannot be made is the caller's to say
        target.mkdir(parents=True)
        made.append(target)
    try:
        for relative, text in files.items():
            path = target / relative
            for folder in reversed([path.parent, *path.parent.parents]):
                if folder.is_relative_to(target) and folder != target and not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            if relative == Path(".gitignore") and path.is_file():
                kept[path] = path.read_text(encoding="utf-8")
                text = _merged_gitignore(path, text or "")
            existed = path.exists()
            if relative == EXAMPLE_PHOTO:
                make_example_photo(path)
            elif relative == EXAMPLE_LOGO:
                make_example_logo(path)
            else:
                path.write_text(text or "", encoding="utf-8")
            if not existed:
                made.append(path)
    except OSError as error:
        for path, was in kept.items():
            path.write_text(was, encoding="utf-8")
        for path in reversed(made):
            (path.rmdir if path.is_dir() else path.unlink)()
        reason = (error.strerror or str(error)).lower()
        raise BylineError(f"cannot write {target / relative}: {reason}; nothing was written "
                          "(move it out of the way, then run byline init again)") from None


def starter_date(now: datetime) -> str:
    """The example story's date: the day before ``now``, with no time of day.

    A date alone is midnight in site.yaml's timezone, which the writer will likely change: the
    day before, at midnight, is past in every zone (UTC+14 included), so the example is never
    hidden as scheduled, whatever timezone is set.
    """
    return f"{(now.astimezone(UTC) - timedelta(days=1)).date():%Y-%m-%d}"


def refuse_existing_site(target: Path) -> None:
    """Raise if ``target`` already holds a site, so that init never overwrites a writer's work."""
    content = target / "content"
    if target.exists() and not target.is_dir():
        raise BylineError(f"{target} is a file, not a folder")
    if (target / CONFIG_NAME).exists():
        raise BylineError(f"{target / CONFIG_NAME} already exists: {target} is already a "
                          "Byline site, so nothing was changed (pick an empty folder)")
    if content.is_dir() and any(content.iterdir()):
        raise BylineError(f"{content} already has files in it, so nothing was changed "
                          "(pick an empty folder)")


def _merged_gitignore(path: Path, ours: str) -> str:
    """A repository's own .gitignore, kept, with our lines added below it if missing."""
    if not path.exists():
        return ours
    theirs = path.read_text(encoding="utf-8")
    have = {line.strip() for line in theirs.splitlines()}
    missing = [line for line in ours.splitlines() if line.strip() not in have]
    if not any(line and not line.startswith("#") for line in missing):
        return theirs
    return theirs.rstrip("\n") + "\n\n" + "\n".join(missing) + "\n"


def _destination(relative: Path, author_slug: str) -> Path:
    # Dot-files do not survive every packaging tool, so the starter ships "gitignore" and
    # "github/" (the CI workflow that publishes on push and on a schedule).
    if relative == Path("gitignore"):
        return Path(".gitignore")
    if relative.parts[:1] == ("github",):
        return Path(".github", *relative.parts[1:])
    if relative.name == "AUTHOR.yaml":
        return relative.with_name(f"{author_slug}.yaml")
    return relative


def _title_from_folder(target: Path) -> str:
    name = re.sub(r"[-_.]+", " ", target.resolve().name).strip()
    return name.title() if name else "My News Site"


def make_example_photo(path: Path, seed: int = 7) -> None:
    """Draw a landscape-like JPEG (sky, sun, hills, grain) so the example has a real photo."""
    # Imported here: only `byline init` needs to draw.
    from PIL import Image, ImageDraw, ImageFilter

    width, height = PHOTO_SIZE
    rng = random.Random(seed)
    top, bottom = (38, 52, 110), (246, 164, 92)
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom,
                                                                              strict=True)))
    photo = column.resize((width, height))
    glow = Image.new("L", (width, height), 0)
    ImageDraw.Draw(glow).ellipse((1000, 420, 1240, 660), fill=255)
    glow = glow.filter(ImageFilter.GaussianBlur(60))
    photo = Image.composite(Image.new("RGB", (width, height), (255, 226, 170)), photo, glow)
    draw = ImageDraw.Draw(photo)
    for layer, colour in enumerate(((92, 60, 84), (58, 38, 62), (30, 20, 36))):
        base = 640 + layer * 110
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, base + rng.randint(-70, 50)))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    photo = photo.filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise((width, height), 18).convert("RGB")
    photo = Image.blend(photo, grain, 0.06)  # film grain, so it compresses like a photo
    path.parent.mkdir(parents=True, exist_ok=True)
    photo.save(path, "JPEG", quality=82, optimize=True, progressive=True)


def make_example_logo(path: Path) -> None:
    """A plain 512×512 mark (a ring on a dark square) standing in for the site's own logo."""
    from PIL import Image, ImageDraw

    logo = Image.new("RGB", (512, 512), (22, 22, 26))
    ImageDraw.Draw(logo).ellipse((96, 96, 416, 416), outline=(200, 16, 90), width=56)
    path.parent.mkdir(parents=True, exist_ok=True)
    logo.save(path, "PNG", optimize=True)
