"""Stage 2 of the build: the writer's files under ``content/`` → ``Content``."""

from typing import TYPE_CHECKING

from generator.lazyimport import lazy_exports

if TYPE_CHECKING:
    from generator.content.assemble import category_url, tag_url
    from generator.content.authors import author_url, unused_namesakes
    from generator.content.discover import (
        is_editors_leftover,
        is_ignored,
        is_litter,
        is_set_aside,
    )
    from generator.content.load import (
        ContentOptions,
        footer_links_alike,
        load_content,
        without_contested_addresses,
    )
    from generator.content.memo import LoadRecord, ParseMemo
    from generator.content.reload import ContentPatch, reload_sources

# Each name's submodule, imported when the name is first used (see lazyimport.py).
__getattr__ = lazy_exports(__name__, {
    "ContentOptions": "load",
    "ContentPatch": "reload",
    "LoadRecord": "memo",
    "ParseMemo": "memo",
    "author_url": "authors",
    "category_url": "assemble",
    "footer_links_alike": "load",
    "is_editors_leftover": "discover",
    "is_ignored": "discover",
    "is_litter": "discover",
    "is_set_aside": "discover",
    "load_content": "load",
    "reload_sources": "reload",
    "tag_url": "assemble",
    "unused_namesakes": "authors",
    "without_contested_addresses": "load",
})

__all__ = [
    "ContentOptions",
    "ContentPatch",
    "LoadRecord",
    "ParseMemo",
    "author_url",
    "category_url",
    "footer_links_alike",
    "is_editors_leftover",
    "is_ignored",
    "is_litter",
    "is_set_aside",
    "load_content",
    "reload_sources",
    "tag_url",
    "unused_namesakes",
    "without_contested_addresses",
]
