"""Every file the build writes, each with a key: a hash of exactly the inputs it is made from.

An output whose key matches the previous build's is neither rendered nor written again, so a
rebuild costs only what changed.  Keys separate what a *list* shows of an article (its card:
title, dek, date, hero…) from its body, so fixing a typo in a body re-renders one page, not
every tag page the article appears on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator import __version__
from generator.cache import digest_text
from generator.errors import SourceLocation
from generator.markup import MARKUP_VERSION
from generator.model import Article, Author, Page
from generator.slugs import folder_url

from .hosting import headers_file, redirects_file
from .renderer import SiteRenderer, page_path
from .site_index import Group


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: made by ``make`` or copied from ``copy_from``."""

    path: str  # relative to the output folder, "/"-separated
    key: str
    make: Callable[[], bytes] | None = None
    copy_from: Path | None = None
    origin: SourceLocation | None = None


def file_path(site_path: str) -> str:
    """The output file of a site path: ``/music/x/`` → ``music/x/index.html``."""
    path = site_path.lstrip("/")
    return f"{path}index.html" if path.endswith("/") or not path else path


def plan_outputs(
    r: SiteRenderer, config_digest: str, redirects: Mapping[str, str]
) -> list[Output]:
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
    outputs: list[Output] = []

    def add(path: str, make: Callable[[], bytes], *parts: str,
            origin: SourceLocation | None = None) -> None:
        outputs.append(Output(file_path(path), digest_text(site_key, path, *parts), make,
                              origin=origin))

    tag_keys = {slug: digest_text(*(cards[a.url] for a in g.articles))
                for slug, g in index.tags.items()}
    for article in content.articles:
        images = [r.images.digest(i) for i in article.images]
        add(article.url, partial(r.article_page, article), cards[article.url], article.digest,
            *images, *(tag_keys[t.slug] for t in article.tags), origin=article.source)
    for page in content.pages:
        add(page.url, partial(r.static_page, page), page.digest,
            *(r.images.digest(i) for i in page.images), origin=page.source)
    per_page = r.config.per_page
    _paginate(add, "/", "home", None, None, content.articles, per_page, r, cards)
    for group in index.categories:
        _paginate(add, group.term.url, "category", group, None, group.articles, per_page, r,
                  cards)
        _feeds(add, r, group.articles, f"{group.term.name} — {r.config.title}", group.term.url,
               cards)
    for group in index.tags.values():
        _paginate(add, group.term.url, "tag", group, None, group.articles, per_page, r, cards)
    for slug, author in content.authors.items():
        articles = index.by_author.get(slug, ())
        _paginate(add, author.url, "author", None, author, articles, per_page, r, cards,
                  digest_text(repr(author)))
    add("/archive/", partial(r.archive_page, None),
        *(f"{y}:{len(a)}" for y, a in index.years.items()))
    for year, articles in index.years.items():
        add(f"/archive/{year}/", partial(r.archive_page, year),
            *(f"{y}:{len(a)}" for y, a in index.years.items()), *(cards[a.url] for a in articles))
    _feeds(add, r, content.articles, r.config.title, "/", cards)
    add("/404.html", r.not_found_page)
    for old, new in sorted(redirects.items()):
        add(old, partial(r.redirect_page, new), new)
    list_paths = _list_paths(r)
    add("/sitemap.xml", partial(r.sitemap, list_paths), *list_paths,
        *(f"{a.url}{a.modified.isoformat()}" for a in content.articles))
    add("/news-sitemap.xml", r.news_sitemap, *(cards[a.url] for a in r.recent_articles()))
    add("/robots.txt", r.robots)
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
    return outputs


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


def _paginate(
    add: Callable[..., None], base: str, kind: str, group: Group | None, author: Author | None,
    articles: tuple[Article, ...], per_page: int, r: SiteRenderer, cards: Mapping[str, str],
    *extra: str,
) -> None:
    pages = max(1, -(-len(articles) // per_page))
    for page in range(1, pages + 1):
        chunk = articles[(page - 1) * per_page : page * per_page]
        make = partial(r.list_page, kind, group, author, chunk, page, pages, base)
        add(page_path(base, page), make, str(pages), *extra, *(cards[a.url] for a in chunk))


def _feeds(
    add: Callable[..., None], r: SiteRenderer, articles: Iterable[Article], title: str,
    base: str, cards: Mapping[str, str],
) -> None:
    items = tuple(articles)[: r.config.feed_items]
    keys = [cards[a.url] for a in items]
    add(base + "feed.xml", partial(r.feed, "atom", items, title, base), *keys)
    add(base + "rss.xml", partial(r.feed, "rss", items, title, base), *keys)


def _list_paths(r: SiteRenderer) -> list[str]:
    paths = ["/", "/archive/"]
    paths += [g.term.url for g in r.index.categories]
    paths += [g.term.url for g in r.index.tags.values()]
    paths += [a.url for a in r.content.authors.values()]
    return paths


def _hosting_files(r: SiteRenderer, redirects: Mapping[str, str], site_key: str) -> list[Output]:
    hosting = r.config.hosting
    base = r.config.base_path
    found: list[Output] = []
    if hosting.headers:
        feeds = ["/feed.xml", "/rss.xml", "/sitemap.xml", "/news-sitemap.xml"]
        feeds += [g.term.url + name for g in r.index.categories for name in ("feed.xml", "rss.xml")]
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
    folder = r.config.root / "static"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        rel = path.relative_to(folder).as_posix()
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
