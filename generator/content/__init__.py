"""Stage 2 of the build: the writer's files under ``content/`` → ``Content``."""

from generator.content.assemble import category_url, tag_url
from generator.content.authors import author_url
from generator.content.discover import is_ignored
from generator.content.load import ContentOptions, ParseMemo, load_content

__all__ = [
    "ContentOptions",
    "ParseMemo",
    "author_url",
    "category_url",
    "is_ignored",
    "load_content",
    "tag_url",
]
