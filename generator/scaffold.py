"""``byline new``: a new article bundle with its front matter filled in."""

from __future__ import annotations

import getpass
import os
import subprocess
from datetime import datetime
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import BylineError
from generator.slugs import slugify


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


def new_article(config: SiteConfig, headline: str, author: str, now: datetime) -> Path:
    """Create ``content/articles/<slug>/index.md`` and return its path."""
    slug = slugify(headline)
    if not slug:
        raise BylineError("the headline needs at least one letter or digit")
    folder = config.content_dir / "articles" / slug
    if folder.exists():
        raise BylineError(f"{folder.relative_to(config.root)} already exists: pick another "
                          "headline or edit that article")
    category = config.categories[0] if config.categories else "News"
    quoted = headline.replace('"', '\\"')
    text = f'''---
title: "{quoted}"
date: {now:%Y-%m-%d %H:%M}
author: {author}
category: {category}
tags: []
dek: ""
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
    return folder / "index.md"
