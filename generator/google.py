"""What Google asks of a news site's pages, in one place: the renderer keeps within these
figures and ``byline check`` reads built pages against them, so the two never disagree.

From Google Search Central's Article structured data and Google News guidelines.
"""

from __future__ import annotations

from datetime import timedelta

HEADLINE_LIMIT = 110  # characters of an article markup's headline that Google shows
# Discover shows large previews only of images this wide, and asks for the image in these
# three proportions.
DISCOVER_WIDTH = 1200
DISCOVER_RATIOS: tuple[tuple[int, int], ...] = ((16, 9), (4, 3), (1, 1))
GOOGLE_MIN_PIXELS = 50_000  # an image in article markup with fewer, Google does not use
NEWS_WINDOW = timedelta(days=2)  # how old a story a news sitemap lists
NEWS_LIMIT = 1000  # URLs Google reads from one news sitemap
SITEMAP_LIMIT = 50_000  # URLs one sitemap may list (sitemaps.org); more are ignored whole
