"""Checking a built site before it goes out.

Errors: internal links and asset references (HTML and CSS) that lead nowhere in the output,
feeds that are not well-formed or lack what feed readers need, sitemap entries pointing at
missing pages.  Warnings: ``#fragment`` links to ids the page lacks, images without ``alt``,
and, given the articles, stories without a dek, a hero image or photo credits.

Each HTML file is read and parsed once (stdlib ``html.parser``: no runtime dependency), and
every URL is looked up in one set of the output's files, so a 1,000-article site takes
seconds.  Large sites are parsed on all cores; parsing is the only slow part.  A problem
in a page made from a story is then pointed at the line of its Markdown that holds the
address (``at_their_sources``).
"""

from generator.check.articles import check_articles
from generator.check.site import CheckMemo, check_memo_data, check_memo_from, check_site
from generator.check.sources import at_their_sources, said_of_withheld

__all__ = ["CheckMemo", "at_their_sources", "check_articles", "check_memo_data",
           "check_memo_from", "check_site", "said_of_withheld"]
