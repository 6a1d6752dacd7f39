"""The one error the image pipeline raises about a source file."""

from __future__ import annotations


class ImageProblem(Exception):
    """A source image cannot be used; the message is one line and names no file.

    The caller knows where the image was referenced ("article.md:12") and adds that.
    """
