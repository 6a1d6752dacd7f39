"""The version of the HTML the Markdown stage makes, apart from the parser, so the up-to-date
check can key on it without importing Python-Markdown."""

# Bump when the HTML document.py produces changes, or what front matter reads as (a parse
# holds both), so cached parses are made again.
MARKUP_VERSION = "75"
