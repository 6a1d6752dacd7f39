"""Byline: a static site generator for entertainment-news writers."""

__version__ = "0.1.0"
