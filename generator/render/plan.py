"""Every file the build writes, each with a key: a hash of exactly the inputs it is made from.

An output whose key matches the previous build's is neither rendered nor written again, so a
rebuild costs only what changed.  Keys separate what a *list* shows of an article (its card:
title, dek, date, hero…) from its body, so fixing a typo in a body re-renders one page, not
every tag page the article appears on.

``plan_outputs`` plans the whole site.  ``replan_outputs`` plans again only the outputs that
edited articles can reach, for the preview's rebuild after a save; both make each output
through the same ``_Planner`` method, so a key never depends on which path computed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator import __version__
from generator.cache import digest_text
from generator.errors import SourceLocation
from generator.markup import MARKUP_VERSION
from generator.model import Article, Page
from generator.slugs import folder_url

from .hosting import headers_file, redirects_file
from .renderer import (
    FEED_FILES,
    NEWS_LIMIT,
    SEARCH_PATH,
    SiteRenderer,
    news_part_path,
    page_path,
)
from .site_index import Group


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: made by ``make`` or copied from ``copy_from``."""

    path: str  # relative to the output folder, "/"-separated
    key: str
    make: Callable[[], bytes] | None = None
    copy_from: Path | None = None
    origin: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class PlanKeys:
    """The keys a partial re-plan starts from: the site's, and each article card's."""

    site: str
    people: Mapping[str, str]  # author slug → key of what a byline shows
    cards: Mapping[str, str]  # article url → card key


@dataclass(frozen=True, slots=True)
class Plan:
    """Outputs to compare with the previous build, and the keys they were made from."""

    outputs: list[Output]
    keys: PlanKeys


def file_path(site_path: str) -> str:
    """The output file of a site path: ``/music/x/`` → ``music/x/index.html``."""
    path = site_path.lstrip("/")
    return f"{path}index.html" if path.endswith("/") or not path else path


def plan_outputs(r: SiteRenderer, config_digest: str, redirects: Mapping[str, str]) -> Plan:
    """Every output of the site, in a stable order."""
    content, index = r.content, r.index
    site_key = digest_text(
        __version__, MARKUP_VERSION, config_digest, r.theme.fingerprint, str(r.preview),
        *(f"{g.term.slug}={g.term.name}" for g in index.categories),
        *(p.url for p in content.pages),
        r.images.logo.source.digest if r.images.logo else "",
    )
    people = {slug: digest_text(repr(author)) for slug, author in content.authors.items()}
    cards = {a.url: _card_key(a, people, r) for a in content.articles}
    planner = _Planner(r, PlanKeys(site_key, people, cards))
    for article in content.articles:
        planner.article(article)
    for page in content.pages:
        planner.page(page)
    planner.home()
    for group in index.categories:
        planner.category(group)
    for group in index.tags.values():
        planner.tag(group)
    for slug in content.authors:
        planner.author(slug)
    planner.archive_index()
    for year in index.years:
        planner.archive_year(year)
    planner.site_feeds()
    planner.add("/404.html", r.not_found_page)
    if r.config.search:
        planner.add(SEARCH_PATH, r.search_page)
    # A redirect is the article's (an alias, or a URL it had): a clash with it names the file.
    sources = {item.url: item.source for item in (*content.articles, *content.pages)}
    for old, new in sorted(redirects.items()):
        planner.add(old, partial(r.redirect_page, new), new, origin=sources.get(new))
    planner.sitemap()
    planner.news_sitemap()
    planner.add("/robots.txt", r.robots)
    outputs = planner.outputs
    outputs += _hosting_files(r, redirects, site_key)
    outputs += [
        Output(url.lstrip("/"), f"static:{url}", copy_from=r.theme.static_files[name])
        for name, url in sorted(r.theme.static_urls.items())
    ]
    outputs += [
        Output(url.lstrip("/"), f"image:{url}", copy_from=path)
        for url, path in sorted(r.images.files.items())
    ]
    outputs += _site_static(r)
    return Plan(outputs, planner.keys)


def replan_outputs(
    r: SiteRenderer, previous: PlanKeys, articles: Sequence[Article], pages: Sequence[Page],
    before: Mapping[str, Article],
) -> Plan:
    """The outputs that edits to ``articles`` and ``pages`` can change, and the new keys.

    Only for edits that leave every article where it was: same URL, date, category, tags,
    authors and aliases, so no list changes length or order.  Then an edited body reaches only
    its own page; an edited card (title, dek, hero…) also reaches every list, feed and sitemap
    showing it, and the article pages that show it among their related stories.  ``before``
    holds the previous version of each edited article, by URL.
    """
    index = r.index
    cards = dict(previous.cards)
    recarded = []
    for article in articles:
        card = _card_key(article, previous.people, r)
        if card != cards[article.url]:
            cards[article.url] = card
            recarded.append(article)
    planner = _Planner(r, PlanKeys(previous.site, previous.people, cards),
                       showing={a.url for a in recarded}, edited={a.url for a in articles})
    urls = {a.url for a in articles}
    if recarded:
        urls.update(a.url for a in index.citing(recarded, r.config.related_count))
    for url in sorted(urls):
        planner.article(r.content.articles[index.position[url]])
    for page in pages:
        planner.page(page)
    if recarded:
        planner.home()
        categories = {a.category.slug for a in recarded if a.category}
        for group in index.categories:
            if group.term.slug in categories:
                planner.category(group)
        for slug in sorted({t.slug for a in recarded for t in a.tags}):
            planner.tag(index.tags[slug])
        for slug in sorted({s for a in recarded for s in a.author_slugs}):
            if slug in r.content.authors:
                planner.author(slug)
        for year in sorted({a.date.year for a in recarded}):
            planner.archive_year(year)
        planner.site_feeds()
        planner.news_sitemap()
        if any(before[a.url].modified != a.modified for a in recarded):
            planner.sitemap()
    # A body edit leaves every card as it was but reaches the feeds carrying the story.
    recarded_urls = {a.url for a in recarded}
    bodies = [a for a in articles if a.url not in recarded_urls]
    if bodies:
        _replan_feeds(planner, bodies, recarded)
    return Plan(planner.outputs, planner.keys)


def _replan_feeds(planner: _Planner, bodies: Sequence[Article],
                  recarded: Sequence[Article]) -> None:
    """The feeds carrying stories whose body changed, unless a card change planned them."""
    r = planner.r
    if not recarded:
        planner.site_feeds()
    done = {a.category.slug for a in recarded if a.category}
    for group in r.index.categories:
        if group.term.slug not in done and any(a.category and a.category.slug == group.term.slug
                                               for a in bodies):
            planner.category_feeds(group)
    done = {s for a in recarded for s in a.author_slugs}
    for slug in sorted({s for a in bodies for s in a.author_slugs} - done):
        if slug in r.content.authors:
            planner.author_feeds(slug)


class _Planner:
    """Plans outputs one reader-facing unit at a time (an article, a list, a feed…)."""

    def __init__(self, r: SiteRenderer, keys: PlanKeys, showing: set[str] | None = None,
                 edited: set[str] | None = None) -> None:
        self.r = r
        self.keys = keys
        self.outputs: list[Output] = []
        # When given, lists are planned only where they show one of these articles...
        self.showing = showing
        # ...and feeds, which carry whole stories, where they carry one of these.
        self.edited = edited

    def add(self, path: str, make: Callable[[], bytes], *parts: str,
            origin: SourceLocation | None = None) -> None:
        """Plan one rendered output whose key is made of ``parts`` and the site's key."""
        key = digest_text(self.keys.site, path, *parts)
        self.outputs.append(Output(file_path(path), key, make, origin=origin))

    def article(self, article: Article) -> None:
        """An article page, with the cards of its related stories."""
        r, cards = self.r, self.keys.cards
        images = r.images.digests(article)
        related = r.index.related(article, r.config.related_count)
        self.add(article.url, partial(r.article_page, article), cards[article.url],
                 article.digest, *images, *(cards[a.url] for a in related),
                 origin=article.source)

    def page(self, page: Page) -> None:
        """A static page."""
        r = self.r
        self.add(page.url, partial(r.static_page, page), page.digest,
                 *r.images.digests(page), origin=page.source)

    def home(self) -> None:
        """The home page and its later pages."""
        self._paginate("/", "home", None, None, self.r.content.articles)

    def category(self, group: Group) -> None:
        """A category's pages and feeds."""
        self._paginate(group.term.url, "category", group, None, group.articles)
        self.category_feeds(group)

    def category_feeds(self, group: Group) -> None:
        """A category's Atom, RSS and JSON feeds."""
        self._feeds(group.articles, f"{group.term.name} — {self.r.config.title}",
                    group.term.url)

    def tag(self, group: Group) -> None:
        """A tag's pages."""
        self._paginate(group.term.url, "tag", group, None, group.articles)

    def author(self, slug: str) -> None:
        """An author's pages."""
        author = self.r.content.authors[slug]
        self._paginate(author.url, "author", None, slug, self.r.index.by_author.get(slug, ()),
                       self.keys.people[slug])
        self.author_feeds(slug)

    def author_feeds(self, slug: str) -> None:
        """An author's Atom, RSS and JSON feeds."""
        author = self.r.content.authors[slug]
        self._feeds(self.r.index.by_author.get(slug, ()),
                    f"{author.name} — {self.r.config.title}", author.url)

    def archive_index(self) -> None:
        """The list of years."""
        self.add("/archive/", partial(self.r.archive_page, None), *self._year_counts())

    def archive_year(self, year: int) -> None:
        """One year's headlines."""
        cards = self.keys.cards
        self.add(f"/archive/{year}/", partial(self.r.archive_page, year), *self._year_counts(),
                 *(cards[a.url] for a in self.r.index.years[year]))

    def site_feeds(self) -> None:
        """The site-wide Atom, RSS and JSON feeds."""
        self._feeds(self.r.content.articles, self.r.config.title, "/")

    def sitemap(self) -> None:
        """sitemap.xml: every page and when it last changed."""
        r = self.r
        list_paths = _list_paths(r)
        self.add("/sitemap.xml", partial(r.sitemap, list_paths), *list_paths,
                 *(f"{a.url}{a.modified.isoformat()}" for a in r.content.articles))

    def news_sitemap(self) -> None:
        """The Google News sitemap: the last two days' stories (an index of parts when there
        are more than Google reads from one)."""
        cards, r = self.keys.cards, self.r
        recent = r.recent_articles()
        if len(recent) <= NEWS_LIMIT:
            self.add("/news-sitemap.xml", r.news_sitemap, *(cards[a.url] for a in recent))
            return
        parts = -(-len(recent) // NEWS_LIMIT)
        self.add("/news-sitemap.xml", partial(r.news_sitemap_index, parts), str(parts))
        for part in range(1, parts + 1):
            chunk = recent[(part - 1) * NEWS_LIMIT : part * NEWS_LIMIT]
            self.add(news_part_path(part), partial(r.news_sitemap, part),
                     *(cards[a.url] for a in chunk))

    def _year_counts(self) -> list[str]:
        return [f"{y}:{len(a)}" for y, a in self.r.index.years.items()]

    def _paginate(self, base: str, kind: str, group: Group | None, author_slug: str | None,
                  articles: tuple[Article, ...], *extra: str) -> None:
        r, per_page, cards = self.r, self.r.config.per_page, self.keys.cards
        author = r.content.authors[author_slug] if author_slug else None
        pages = max(1, -(-len(articles) // per_page))
        wanted: Iterable[int] = range(1, pages + 1)
        if self.showing is not None:
            showing = self.showing
            wanted = sorted({i // per_page + 1 for i, a in enumerate(articles)
                             if a.url in showing})
        for page in wanted:
            chunk = articles[(page - 1) * per_page : page * per_page]
            make = partial(r.list_page, kind, group, author, chunk, page, pages, base)
            self.add(page_path(base, page), make, str(pages), *extra,
                     *(cards[a.url] for a in chunk))

    def _feeds(self, articles: Iterable[Article], title: str, base: str) -> None:
        r = self.r
        items = tuple(articles)[: r.config.feed_items]
        if self.edited is not None and not any(a.url in self.edited for a in items):
            return
        # Feeds carry whole stories: each one's body and photos are part of the key.
        keys = [part for a in items for part in (
            self.keys.cards[a.url], a.digest, *r.images.digests(a))]
        for kind, name in FEED_FILES.items():
            self.add(base + name, partial(r.feed, kind, items, title, base), *keys)


def _card_key(article: Article, people: Mapping[str, str], r: SiteRenderer) -> str:
    """What a list shows of an article; its body is deliberately not part of it."""
    hero = article.hero
    return digest_text(
        article.url, article.title, article.dek or "", article.summary, article.date.isoformat(),
        article.modified.isoformat(), article.category.name if article.category else "",
        *(t.name for t in article.tags),
        *((hero.src, hero.alt or "", hero.caption or "", hero.credit or "", str(hero.focus))
          if hero else ()),
        r.images.digest(hero), str(article.reading_minutes), str(article.draft),
        *(people.get(s, s) for s in article.author_slugs),
    )


def _list_paths(r: SiteRenderer) -> list[str]:
    paths = ["/", "/archive/"]
    paths += [f"/archive/{year}/" for year in r.index.years]
    paths += [g.term.url for g in r.index.categories]
    paths += [g.term.url for g in r.index.tags.values()]
    paths += [a.url for a in r.content.authors.values()]
    return paths


def _hosting_files(r: SiteRenderer, redirects: Mapping[str, str], site_key: str) -> list[Output]:
    hosting = r.config.hosting
    base = r.config.base_path
    found: list[Output] = []
    if hosting.headers:
        feeds = [f"/{name}" for name in FEED_FILES.values()]
        feeds += ["/sitemap.xml", "/news-sitemap.xml"]
        feeds += [g.term.url + name for g in r.index.categories for name in FEED_FILES.values()]
        feeds += [a.url + name for a in r.content.authors.values() for name in FEED_FILES.values()]
        found.append(_fixed("_headers", headers_file(base, feeds), site_key))
    if hosting.redirects and redirects:
        found.append(_fixed("_redirects", redirects_file(redirects, base), site_key))
    if hosting.nojekyll:
        found.append(_fixed(".nojekyll", b"", site_key))
    return found


def _fixed(path: str, data: bytes, site_key: str) -> Output:
    """An output whose bytes are already known."""
    return Output(path, digest_text(site_key, data.decode()), partial(bytes, data))


def _site_static(r: SiteRenderer) -> list[Output]:
    """Files under the site's ``static/`` folder (CNAME, favicons…), copied as they are."""
    found = []
    for rel, path in sorted(r.theme.site_files.items()):  # listed, links checked, by the theme
        stat = path.stat()
        found.append(Output(rel, f"copy:{stat.st_size}:{stat.st_mtime_ns}", copy_from=path))
    return found


def redirect_map(
    articles: Iterable[Article], pages: Iterable[Page], moved: Mapping[str, str]
) -> dict[str, str]:
    """Old URL → new URL: the writers' ``aliases`` plus URLs that changed since publishing."""
    found = dict(moved)
    for item in (*articles, *pages):
        for alias in item.aliases:
            found[folder_url(alias)] = item.url
    return found
