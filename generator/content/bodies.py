"""Where the body HTML of articles and pages is read when their pages are rendered.

The site model names each body by its file's parse (``body_key``) instead of holding it: an
archive's text stays in the cache until the page, feed or structured data that shows it is
made, in whichever process makes it.  A body not found there (the cache went on in memory,
or an entry was damaged or dropped since) is parsed again from its file, whose content hash
must still be the one the key names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import ParsedReader, digest_bytes
from generator.errors import BylineError
from generator.inputfiles import UnreadableFile, read_input

from .discover import MARKDOWN_FILE
from .parse import CHANGED_WHILE_BUILDING, parse_key, parse_source, parsed_body_html

# Bodies kept in each process after reading: the newest stories are in every feed (a
# headline edit re-renders the site's, its category's and its author's feeds in three formats,
# nine times the same hundred bodies), so each is read once, in a few megabytes at most.
RECENT_BODIES = 512


@dataclass(frozen=True)
class CachedBodies:
    """Bodies read from the parse cache (``reader``, None: none on disk), else parsed again
    from the files under ``site``.  Pickles for spawned workers; each process reads with a
    connection of its own."""

    site: Path
    reader: ParsedReader | None
    # Key → HTML, oldest first; keys name content, so an entry is never stale.
    _recent: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def html(self, key: str, source: str) -> bytes:
        """The body HTML of ``key``, the body of ``source`` (relative to the site)."""
        recent = self._recent
        found = recent.get(key)
        if found is None:
            found = self.reader.read(key, parsed_body_html) if self.reader is not None else None
            if found is None:
                found = self._parsed_again(key, source)
            recent[key] = found
            if len(recent) > RECENT_BODIES:
                del recent[next(iter(recent))]
        return found

    def _parsed_again(self, key: str, source: str) -> bytes:
        try:
            data = read_input(self.site / source, MARKDOWN_FILE)
        except UnreadableFile as error:
            raise BylineError(f"{source}: {error} (it was read when the build started): "
                              "build again") from None
        parsed = parse_source(data)
        if parse_key(digest_bytes(data)) != key or parsed.body is None:
            raise BylineError(f"{source} {CHANGED_WHILE_BUILDING}")
        return parsed.body.html
