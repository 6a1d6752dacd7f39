"""``byline serve``: a live preview that rebuilds on every save and reloads open pages."""

from generator.serve.preview import PreviewServer, serve_site

__all__ = ["PreviewServer", "serve_site"]
