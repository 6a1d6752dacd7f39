"""Stage 2 of the build: the writer's files under ``content/`` → ``Content``."""

from generator.content.assemble import category_url, tag_url
from generator.content.authors import author_url
from generator.content.discover import is_ignored
from generator.content.load import ContentOptions, load_content
from generator.content.memo import LoadRecord, ParseMemo
from generator.content.reload import ContentPatch, reload_sources

__all__ = [
    "ContentOptions",
    "ContentPatch",
    "LoadRecord",
    "ParseMemo",
    "author_url",
    "category_url",
    "is_ignored",
    "load_content",
    "reload_sources",
    "tag_url",
]
