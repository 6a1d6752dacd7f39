"""The version of the HTML the Markdown stage makes, apart from the parser, so the up-to-date
check can key on it without importing Python-Markdown."""

# Bump when the HTML document.py produces changes, so cached bodies are rendered again.
MARKUP_VERSION = "7"
