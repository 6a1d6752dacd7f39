"""What a build made that the preview's next patch can use again.

A patch plans again only what an edit reaches, but a list page it plans shows the cards of
stories the edit did not touch, and the sitemap has an entry for every story.  Making those
views and digesting them again would be most of a patch's work.  ``Carried`` keeps them with
their digests, and gives one back only where it is exactly what would be made again: the same
article object, term and author views equal field for field, the same status; made for the
same settings, photos and authors, and digested on the same template reads.

It is a cache of facts (this object is this view; this view has this digest), mutable and
owned by the last good build, like ``content.ParseMemo``: a build that fails half-way leaves
only true facts in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import Article

from .reads import Reads
from .received import NodeSet
from .views import ArticleView, AuthorView, TermView

# id → (the object, its node id, its digest, the nodes it embeds)
Digests = dict[int, tuple[object, str, str, NodeSet]]


@dataclass(eq=False)
class Carried:
    """Views, entries and digests kept from one build for the next."""

    context: tuple[object, ...] = ()  # what they were made for (compared by identity)
    reads: Reads | None = None  # what the digests were made on
    cards: dict[str, tuple[Article, ArticleView]] = field(default_factory=dict)
    terms: dict[str, TermView] = field(default_factory=dict)
    authors: dict[str, AuthorView] = field(default_factory=dict)
    entries: dict[str, tuple[Article, tuple[object, ...]]] = field(default_factory=dict)
    digests: Digests = field(default_factory=dict)

    def fit(self, *context: object) -> None:
        """Forget everything unless it was made for these very objects (settings, photos…)."""
        if len(context) != len(self.context) or any(
                a is not b for a, b in zip(context, self.context, strict=True)):
            self.context = context
            self.reads = None
            self.cards, self.terms, self.authors, self.entries = {}, {}, {}, {}
            self.digests = {}

    def digests_on(self, reads: Reads) -> Digests:
        """The digests made on these reads (the others are forgotten)."""
        if reads != self.reads:
            self.reads = reads
            self.digests = {}
        return self.digests

    def card(self, article: Article) -> ArticleView | None:
        """The card kept for this very article object, if any (its parts still to check)."""
        kept = self.cards.get(article.url)
        return kept[1] if kept is not None and kept[0] is article else None

    def keep_card(self, article: Article, view: ArticleView) -> None:
        """Remember the card made now."""
        old = self.cards.get(article.url)
        if old is not None and old[1] is not view:
            self.digests.pop(id(old[1]), None)
        self.cards[article.url] = (article, view)

    def term(self, url: str, view: TermView) -> TermView:
        """The kept view of this term if it equals ``view`` (so digests are reused), else
        ``view``, kept from now on."""
        old = self.terms.get(url)
        if old is not None and old == view:
            return old
        if old is not None:
            self.digests.pop(id(old), None)
        self.terms[url] = view
        return view

    def author(self, slug: str, view: AuthorView) -> AuthorView:
        """As ``term``, for an author."""
        old = self.authors.get(slug)
        if old is not None and old == view:
            return old
        if old is not None:
            self.digests.pop(id(old), None)
        self.authors[slug] = view
        return view

    def entries_of(self, article: Article) -> tuple[object, ...] | None:
        """The feed and sitemap entries kept for this very article object, if any."""
        kept = self.entries.get(article.url)
        return kept[1] if kept is not None and kept[0] is article else None

    def keep_entries(self, article: Article, entries: tuple[object, ...]) -> None:
        """Remember the entries made now."""
        old = self.entries.get(article.url)
        if old is not None and old[1] is not entries:
            for entry in old[1]:
                self.digests.pop(id(entry), None)
        self.entries[article.url] = (article, entries)
