"""Rendering single outputs to bytes: pages through templates, feeds and sitemaps in code."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import jinja2.meta
from markupsafe import Markup

from generator.config import SiteConfig
from generator.dates import instant, machine_time
from generator.errors import Problem, Severity, SourceLocation
from generator.google import NEWS_LIMIT, NEWS_WINDOW, SITEMAP_LIMIT
from generator.image_stage import ImageIndex
from generator.inputfiles import merge_conflict_line, shown
from generator.markup.captions import caption_text
from generator.markup.placeholders import without_page_only
from generator.model import Article, Author, Page, VideoRef, is_about
from generator.slugs import title_order
from generator.textmatch import closest
from generator.theme import DEFAULT_THEME, Theme, builtin_themes_dir

from .carried import Carried
from .environment import (
    PAGE_RANGES,
    add_compiled_templates,
    compiled_templates,
    make_environment,
    shows_live_notes,
)
from .feeds import (
    FeedEntry,
    FeedImage,
    FeedInfo,
    FeedVideo,
    absolute_urls,
    atom_feed,
    json_feed,
    rss_feed,
)
from .live import live_blog_ld, live_facts, with_update_bodies, with_update_headings
from .media import fill_body, has_gallery, media_ld, video_view
from .meta import (
    NO_MARKUP,
    ArticleFacts,
    PageMeta,
    json_ld_script,
    news_article_ld,
    og_locale,
    text_direction,
)
from .mistakes import endless, loop_entry, syntax_problem, template_frame
from .reads import ReadingEnvironment, recording
from .received import Body, Later, Received
from .site_index import Group, SiteIndex, by_month, has_month_pages
from .sitemaps import (
    NewsEntry,
    SitemapEntry,
    news_sitemap,
    robots_txt,
    sitemap,
    sitemap_index,
)
from .views import MONTHS, ArticleView, ViewMaker, change_view, display_time, rebase_links

TEMPLATES = ("article.html", "list.html", "archive.html", "page.html", "404.html",
             "redirect.html", "search.html", "macros.html", "corrections.html")
# The file each kind of feed is written to, under the site, a category or an author.
FEED_FILES = {"atom": "feed.xml", "rss": "rss.xml", "json": "feed.json"}
FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml",
              "json": "application/feed+json"}
_FEED_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
FEED_IMAGE_WIDTH = 1200
SEARCH_PATH = "/search/"
CORRECTIONS_PATH = "/corrections/"


class RenderProblem(Exception):
    """A template failed; ``location`` is the template file and line when known."""

    def __init__(self, message: str, location: SourceLocation | None) -> None:
        super().__init__(message)
        self.location = location


class SiteRenderer:
    """Everything needed to render any output of one build."""

    def __init__(
        self, config: SiteConfig, index: SiteIndex, images: ImageIndex, theme: Theme,
        *, preview: bool = False, now: datetime, carried: Carried | None = None,
    ) -> None:
        self.config = config
        self.index = index
        self.content = index.content
        self.images = images
        self.theme = theme
        self.preview = preview
        self.now = now
        self.base_path = config.base_path
        origin = urlsplit(config.base_url)
        self._origin = f"{origin.scheme}://{origin.netloc}"
        counts = {g.term.url: len(g.articles) for g in index.categories}
        counts.update({g.term.url: len(g.articles) for g in index.tags.values()})
        # What the last build made, for a patch to use again where nothing it depends on moved.
        self.carried = carried or Carried()
        self.carried.fit(config, images, self.content.authors, preview)
        self.views = ViewMaker(images, self.content.authors, self.url, counts,
                               now if preview else None, self.carried, config.tz, clock=now)
        self.env = self._environment(self._site_view())
        self._macros: dict[str, Any] = {}
        self._live_notes: bool | None = None

    def _environment(self, site: dict[str, Any]) -> jinja2.Environment:
        env = make_environment(self.theme, {"preview": self.preview}, self.url,
                               ReadingEnvironment)
        env.globals["site"] = site
        return env

    # A spawned render worker receives the renderer by pickle: the Jinja environment does not
    # pickle, so it is made again there, with the same site globals and the templates as this
    # process compiled them (compiling them again would cost each worker ~50 ms).
    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("env", "_macros")}
        state["site_globals"] = self.env.globals["site"]
        state["compiled"] = compiled_templates()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        site = state.pop("site_globals")
        add_compiled_templates(state.pop("compiled"))
        self.__dict__.update(state)
        self.env = self._environment(site)
        self._macros = {}

    # -- URLs ------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        """A site path with the base path in front."""
        return self.base_path.rstrip("/") + path if path.startswith("/") else path

    def absolute(self, path: str) -> str:
        """A site path as an absolute URL, percent-encoded as sitemaps, feeds and search
        engines require of a slug or folder in any script ("uber-straße")."""
        return self._origin + quote(self.url(path), safe=_URL_SAFE)

    # -- what each output receives ---------------------------------------------------------
    # One method per kind of output; plan.py keys the result and the render stage renders
    # that same result, so no input can reach a file without being in its key.
    def article_received(self, article: Article) -> Received:
        """One article with its related articles."""
        related = self.index.related(article)
        view = self.views.card(article)
        return Received("article.html", {
            "meta": Later(self.article_meta, self._article_facts(article)), "article": view,
            "related": [self.views.card(r) for r in related],
        }, self._body_of(article, article.videos), "article")

    def page_received(self, page: Page) -> Received:
        """A static page such as About."""
        view = {"title": page.title, "description": page.description, "url": self.url(page.url),
                "has_embeds": page.has_embeds, "extra": page.extra,
                "has_gallery": has_gallery(page), "status": "draft" if page.draft else None}
        meta = self._meta(page.title, page.description or page.summary, page.url)
        return Received("page.html", {"meta": meta, "page": view},
                        self._body_of(page), "page")

    def list_received(
        self, kind: str, group: Group | None, author: Author | None,
        articles: Sequence[Article], page: int, pages: int, base: str,
    ) -> Received:
        """Page ``page`` of the home page or of a category, tag or author."""
        first_url = self.url(base)
        prev_url = self.url(page_path(base, page - 1)) if page > 1 else None
        next_url = self.url(page_path(base, page + 1)) if page < pages else None
        title, heading, description, feeds = self._list_titles(kind, group, author)
        suffix = f" — page {page}" if page > 1 else ""
        site_name = "" if kind == "home" else f" | {self.config.title}"
        full_title = f"{title}{suffix}{site_name}"
        meta = self._meta(full_title, description or self.config.description,
                          page_path(base, page), prev=prev_url, next_=next_url,
                          feeds=feeds)
        listing = {
            "kind": kind, "title": title, "heading": heading, "description": description,
            "term": self.views.term(group.term) if group else None,
            "author": self.views.author(author) if author else None,
            "articles": [self.views.card(a) for a in articles],
            "pagination": {"page": page, "pages": pages, "prev_url": prev_url,
                           "next_url": next_url, "first_url": first_url},
            "feed_url": feeds[0]["url"] if feeds else None,  # Atom's
        }
        return Received("list.html", {"meta": meta, "listing": listing})

    def archive_received(self, year: int | None, month: int | None = None) -> Received:
        """The archive index, one year's headlines by month (or, for a year of at least
        ``archive_month_pages_from`` stories, its months), or one month's headlines."""
        years = [{"year": y, "url": self.url(archive_path(y)), "count": len(a)}
                 for y, a in self.index.years.items()]
        months = None
        if year is not None:
            stories = self.index.years[year]
            paged = has_month_pages(stories, self.config.archive_month_pages_from)
            months = [{"name": MONTHS[m - 1], "count": len(arts),
                       "url": self.url(archive_path(year, m)) if paged else None,
                       "articles": [self.views.card(a) for a in arts]
                       if not paged or m == month else None}
                      for m, arts in by_month(stories).items()]
        if month is not None:
            title = f"{MONTHS[month - 1]} {year} archive"
            description = f"Every story from {MONTHS[month - 1]} {year}."
        elif year is not None:
            title, description = f"{year} archive", f"Every story from {year}."
        else:
            title, description = "Archive", "Every story, by year."
        meta = self._meta(f"{title} | {self.config.title}", description,
                          archive_path(year, month) if year else "/archive/")
        return Received("archive.html", {"meta": meta, "archive": {
            "years": years, "year": year, "month": MONTHS[month - 1] if month else None,
            "months": months}})

    def month_pages(self, year: int) -> list[int]:
        """The months of ``year`` with an archive page of their own, newest first (none: the
        year's page lists every story)."""
        stories = self.index.years[year]
        paged = has_month_pages(stories, self.config.archive_month_pages_from)
        return list(by_month(stories)) if paged else []

    def search_received(self) -> Received:
        """The search page: the query runs in the browser, on the index the build made."""
        meta = self._meta(f"Search | {self.config.title}", f"Search {self.config.title}.",
                          SEARCH_PATH, noindex=True)
        return Received("search.html", {"meta": meta})

    def corrections_received(self) -> Received:
        """The corrections page: every correction on the site, newest first, each with the
        story it corrects."""
        found = [(c, a) for a in self.content.articles for c in a.corrections]
        found.sort(key=lambda pair: (instant(pair[0].at), pair[1].url), reverse=True)
        meta = self._meta(f"Corrections | {self.config.title}",
                          f"Every correction {self.config.title} has made to its stories, "
                          "newest first.", CORRECTIONS_PATH)
        return Received("corrections.html", {"meta": meta, "corrections": [
            {"article": self.views.card(a), "correction": change_view(c, a.url, self.url)}
            for c, a in found]})

    def not_found_received(self) -> Received:
        """The 404 page."""
        meta = self._meta(f"Page not found | {self.config.title}", self.config.description,
                          "/404.html", noindex=True)
        return Received("404.html", {"meta": meta})

    def redirect_received(self, target: str) -> Received:
        """A page left at an old URL, sending readers and crawlers to the new one."""
        return Received("redirect.html", {
            # In the preview, to the preview's own page: the site's address would take the
            # writer to the published site, where the page may not be yet.
            "target": (quote(self.url(target), safe=_URL_SAFE) if self.preview
                       else self.absolute(target)),
            "meta": self._meta(self.config.title, "", target, noindex=True)})

    def feed_received(self, kind: str, articles: Sequence[Article], title: str,
                      base: str) -> Received:
        """The Atom, RSS or JSON (``kind``) feed of the site, a category or an author at
        ``base``: the newest ``feed_items`` stories, each whole (its body filled in when the
        feed is written)."""
        name = FEED_FILES[kind]
        info = FeedInfo(title, self.absolute(base + name), self.absolute(base),
                        self.config.description, self.config.language)
        items = articles[: self.config.feed_items]
        return Received(kind, {
            "info": info, "entries": tuple(self.feed_entry(a) for a in items),
            "bodies": tuple(self._body_of(a, a.videos) for a in items)})

    def _feed_image(self, article: Article) -> FeedImage | None:
        """The hero as feeds carry it: a JPEG/PNG at least 1200 px wide where the photo
        allows (what aggregators ask for), its narrowest size as the thumbnail."""
        hero = article.hero
        plan = self.images.plan(hero)
        if hero is None or plan is None:
            return None
        family = plan.family(plan.fallback.format)
        large = next((v for v in family if v.width >= FEED_IMAGE_WIDTH), family[-1])
        small = family[0]
        length = self.images.sizes.get(large.url_path, 0)  # 0: not made yet (the preview)
        return FeedImage(
            url=self.absolute(large.url_path), mime=large.mime, width=large.width,
            height=large.height, length=length, thumbnail_url=self.absolute(small.url_path),
            thumbnail_width=small.width, thumbnail_height=small.height,
            credit=hero.credit or plan.source.credit, alt=hero.alt,
            caption=caption_text(hero.caption) if hero.caption else None,
        )

    def _feed_video(self, article: Article) -> FeedVideo | None:
        """A hero video as feeds carry it, for readers that play it."""
        video = article.hero_video
        plan = self.images.videos.get(video.key) if video else None
        if video is None or plan is None:
            return None
        return FeedVideo(url=self.absolute(plan.url_path), mime=plan.mime, width=plan.width,
                         height=plan.height, length=plan.length, credit=video.credit,
                         caption=caption_text(video.caption) if video.caption else None)

    def sitemap_received(self, list_paths: Sequence[str], part: int = 0) -> Received:
        """Every page a search engine should know, articles with their last change: all of
        them, or (from 1) the ``part``-th ``SITEMAP_LIMIT`` of them when there are more than
        one sitemap may list."""
        entries = [SitemapEntry(self.absolute(p)) for p in list_paths]
        entries += [self.sitemap_entry(a) for a in self.content.articles]
        entries += [SitemapEntry(self.absolute(p.url)) for p in self.content.pages]
        if part:
            entries = entries[(part - 1) * SITEMAP_LIMIT : part * SITEMAP_LIMIT]
        return Received("sitemap", {"entries": entries})

    def sitemap_index_received(self, parts: int) -> Received:
        """sitemap.xml when it is split: an index of its parts."""
        return self._index_received([sitemap_part_path(n) for n in range(1, parts + 1)])

    def news_received(self, part: int = 0) -> Received:
        """Articles published in the last two days, for Google News: all of them, or (from
        1) the ``part``-th ``NEWS_LIMIT`` of them when there are more than Google reads."""
        recent = self.recent_articles()
        if part:
            recent = recent[(part - 1) * NEWS_LIMIT : part * NEWS_LIMIT]
        return Received("news", {
            "entries": [self.news_entry(a) for a in recent],
            "publication": self.config.publisher_name, "language": self.config.language})

    def news_index_received(self, parts: int) -> Received:
        """The news sitemap when it is split: an index of its parts."""
        return self._index_received([news_part_path(n) for n in range(1, parts + 1)])

    def _index_received(self, paths: Sequence[str]) -> Received:
        return Received("sitemap index", {"urls": [self.absolute(p) for p in paths]})

    def robots_received(self) -> Received:
        """robots.txt pointing at both sitemaps."""
        return Received("robots", {"sitemaps": [self.absolute("/sitemap.xml"),
                                                self.absolute("/news-sitemap.xml")]})

    def status_changes(self) -> datetime | None:
        """When a shown status next changes by itself: a scheduled story comes due (preview),
        a live blog's coverage starts or ends."""
        moments = [m for a in self.content.articles if a.live is not None
                   for m in a.live.turns if m > self.now]
        if self.views.now is not None:
            moments += [a.date for a in self.content.articles
                        if a.date > self.now and not a.draft]
        return min(moments, key=instant, default=None)

    def recent_articles(self) -> list[Article]:
        """Articles in the news sitemap's window."""
        return [a for a in self.content.articles if self.now - a.date <= NEWS_WINDOW]

    # -- the nodes an article is shown as beyond its page ---------------------------------
    def feed_entry(self, article: Article) -> FeedEntry:
        """The article in a feed."""
        return self._entries(article)[0]

    def sitemap_entry(self, article: Article) -> SitemapEntry:
        """The article in sitemap.xml."""
        return self._entries(article)[1]

    def news_entry(self, article: Article) -> NewsEntry:
        """The article in the news sitemap."""
        return self._entries(article)[2]

    def shown_as(self, article: Article) -> tuple[object, ...]:
        """Every node made of this one article: what lists, feeds and sitemaps show of it."""
        return (self.views.card(article), *self._entries(article))

    def _entries(self, article: Article) -> tuple[FeedEntry, SitemapEntry, NewsEntry]:
        kept = self.carried.entries_of(article)
        if kept is None:
            url = self.absolute(article.url)
            authors = self.content.authors
            kept = (FeedEntry(article.title, url, article.date, article.modified,
                              tuple((authors[s].name, self.absolute(authors[s].url))
                                    for s in article.author_slugs if s in authors),
                              article.category.name if article.category else None,
                              tuple(t.name for t in article.tags), article.summary,
                              hero=self._feed_image(article),
                              video=self._feed_video(article),
                              update_headings=_update_headings(article),
                              newest_first=bool(article.live and not article.live.oldest_first),
                              language=article.language),
                    SitemapEntry(url, article.modified), NewsEntry(url, article.title,
                                                                   article.date, article.language))
            self.carried.keep_entries(article, kept)
        # carried.py keeps entries as tuple[object, ...]; they are the three made above.
        return kept  # type: ignore[return-value]

    def warm_for_patches(self) -> None:
        """Compile the templates and make every story's feed and sitemap entries now, as
        planning every page does: a patch planned next (re-rendering the sitemap, which
        lists every story) then finds them made (a second at 10,000 stories)."""
        self.compile_templates()
        for article in self.content.articles:
            self._entries(article)

    # -- rendering -------------------------------------------------------------------------
    def compile_templates(self) -> None:
        """Compile the theme's templates now (kept for the process), where they exist."""
        for name in TEMPLATES:
            with contextlib.suppress(jinja2.TemplateError):
                self.env.get_template(name)

    def render(self, received: Received) -> bytes:
        """The bytes of an output, from exactly what it received."""
        with recording():
            values = {k: v.make(v.source) if type(v) is Later else v
                      for k, v in received.values.items()}
            if received.body is not None:
                body = self._fill(received.body)
                holder = values[received.body_of]
                if isinstance(holder, ArticleView) and holder.live is not None:
                    values[received.body_of] = with_update_bodies(
                        holder, body, notes_apart=self._shows_live_notes())
                else:
                    values[received.body_of] = (replace(holder, body=body)
                                                if isinstance(holder, ArticleView)
                                                else {**holder, "body": body})
            name = received.template
            if name.endswith(".html"):
                return self._template(name, **values)
            if name in FEED_FILES:  # each entry carries its whole story, URLs absolute
                values["entries"] = [
                    replace(entry, content_html=absolute_urls(with_update_headings(
                        without_page_only(str(self._fill(body))), entry.update_headings,
                        entry.newest_first), self._at_origin, entry.url))
                    for entry, body in zip(values["entries"], values.pop("bodies"), strict=True)]
            return _WRITERS[name](values)

    # -- pieces ----------------------------------------------------------------------------
    def _shows_live_notes(self) -> bool:
        """Whether the theme's templates name ``notes`` (a live blog's footnotes, shown after
        its updates).  A theme of its own made before that field keeps getting them in the
        update shown last, as it did, rather than losing them."""
        if self._live_notes is None:
            self._live_notes = shows_live_notes(self.env)
        return self._live_notes

    def _template(self, name: str, **context: Any) -> bytes:
        with self._template_errors(name):
            PAGE_RANGES.start_page()
            html = self.env.get_template(name).render(**context)
        return html.encode("utf-8")

    @contextlib.contextmanager
    def _template_errors(self, name: str) -> Iterator[None]:
        """A mistake in the template ``name``, or in a macro it (or a story's body) calls, as
        one line at its file and line, not a traceback."""
        try:
            yield
        except RenderProblem:
            raise
        except jinja2.TemplateSyntaxError as exc:
            message, where = syntax_problem(exc, self.env, name)
            raise RenderProblem(message, self._in_site(where)) from None
        except jinja2.TemplateNotFound as exc:  # at the include or import naming it, if any
            frame = template_frame(exc)
            raise RenderProblem(
                f"template not found: {exc.name}: check the name, or add the file to "
                "templates/", frame and self._in_site(frame)) from None
        except Exception as exc:  # a template bug: report where in the template, not a traceback
            said = endless(exc)
            frame = (loop_entry(exc) if isinstance(exc, RecursionError) else None) \
                or template_frame(exc)
            # Named by the file at fault: a slip in base.html is one problem, not one per
            # page template extending it.
            at_fault = Path(frame.path).name if frame else name
            raise RenderProblem(f"template error in {at_fault}: {said or exc}",
                                frame and self._in_site(frame)) from None

    def _in_site(self, where: SourceLocation) -> SourceLocation:
        return template_location(where, self.config.root)

    def _body_of(self, item: Article | Page, videos: Sequence[VideoRef] = ()) -> Body:
        return Body(item.body_key, item.source.path,
                    tuple(self.views.image(i) for i in item.images),
                    tuple(video_view(v, self.images, self.url) for v in videos))

    def _body_html(self, key: str, source: str) -> str:
        """A body's HTML, read from where the content stage left it (``Content.bodies``)."""
        return self.content.bodies.html(key, source).decode("utf-8")

    def _fill(self, body: Body) -> Markup:
        # Rebase the writer's links first: image markup already carries the base path.
        html = rebase_links(self._body_html(body.key, body.source), self.base_path)
        with self._template_errors("macros.html"):  # its macros draw the story's photos
            return Markup(fill_body(html, body.images, body.videos, self._macro_module(),
                                    self._macro_module("media.html")))

    def _at_origin(self, path: str) -> str:
        return self._origin + path

    def _macro_module(self, name: str = "macros.html") -> Any:
        if name not in self._macros:
            self._macros[name] = self.env.get_template(name).make_module()
        return self._macros[name]

    def _author_names(self, article: Article) -> list[str]:
        authors = self.content.authors
        return [authors[s].name for s in article.author_slugs if s in authors]

    def _site_view(self) -> dict[str, Any]:
        about = next((p for p in self.content.pages if is_about(p)), None)
        logo = self.views.planned(self.images.logo, self.config.publisher_name) \
            if self.images.logo else None
        return {
            "title": self.config.title,
            "description": self.config.description,
            "language": self.config.language,
            "direction": text_direction(self.config.language),
            "locale": og_locale(self.config.language),
            "base_url": self.config.base_url,
            "twitter": self.config.twitter,
            "publisher": self.config.publisher_name,
            "logo": logo,
            "nav": [self.views.term(g.term) for g in self.index.categories],
            "feeds": self._site_feeds(),
            "about_url": self.url(about.url) if about else None,
            # About first, then by title: every page a reader may look for (Contact, the
            # privacy policy…), not only About.
            "pages": [{"title": p.title, "url": self.url(p.url)}
                      for p in sorted(self.content.pages,
                                      key=lambda p: (p is not about, title_order(p.title)))
                      if p.in_footer],
            "search_url": self.url(SEARCH_PATH) if self.config.search else None,
            "corrections_url": (self.url(CORRECTIONS_PATH) if self.config.corrections_page
                                else None),
            "copyright": self.config.copyright,
        }

    def _site_feeds(self) -> list[dict[str, str]]:
        return self._feeds(self.config.title, "/")

    def _feeds(self, title: str, base: str) -> list[dict[str, str]]:
        """The Atom, RSS and JSON feeds at ``base``, as a page's head advertises them."""
        return [{"title": f"{title} ({_FEED_NAMES[kind]})", "url": self.url(base + file),
                 "type": FEED_TYPES[kind]} for kind, file in FEED_FILES.items()]

    def _list_titles(
        self, kind: str, group: Group | None, author: Author | None
    ) -> tuple[str, str, str | None, list[dict[str, str]]]:
        if kind == "category" and group:
            name = group.term.name
            feeds = self._feeds(f"{name} — {self.config.title}", group.term.url)
            return name, name, f"The latest {name} news from {self.config.title}.", feeds
        if kind == "tag" and group:
            return group.term.name, f"Tagged: {group.term.name}", None, []
        if kind == "author" and author:
            feeds = self._feeds(f"{author.name} — {self.config.title}", author.url)
            return author.name, author.name, author.bio, feeds
        return self.config.title, self.config.title, self.config.description, []

    def _meta(
        self, title: str, description: str, path: str, *, og_type: str = "website",
        image: Any = None, json_ld: Markup = NO_MARKUP, noindex: bool = False,
        prev: str | None = None, next_: str | None = None,
        feeds: Sequence[Mapping[str, str]] = (), large_image_preview: bool = False,
        locale: str | None = None,
    ) -> PageMeta:
        card = image or self._default_card()
        return PageMeta(
            title=title,
            description=description,
            canonical=self.absolute(path),
            og_type=og_type,
            image=card[0] if card else None,
            image_alt=card[1] if card else None,
            image_width=card[2] if card else None,
            image_height=card[3] if card else None,
            json_ld=json_ld,
            alternates=(*feeds, *self._site_feeds()),
            noindex=noindex or self.preview,
            large_image_preview=large_image_preview,
            prev_url=prev,
            next_url=next_,
            locale=locale,
        )

    def _default_card(self) -> tuple[str, str, int, int] | None:
        logo = self.images.logo
        if logo is None:
            return None
        return (self.absolute(logo.fallback.url_path), self.config.publisher_name,
                logo.fallback.width, logo.fallback.height)

    def _article_facts(self, article: Article) -> ArticleFacts:
        card = self.images.cards.get(article.url)
        image = None
        if card and article.hero:
            image = (self.absolute(card.url_path), article.hero.alt or article.title,
                     card.width, card.height)
        authors = self.content.authors
        return ArticleFacts(
            title=article.title, description=article.dek or article.summary, path=article.url,
            published=machine_time(article.date), modified=machine_time(article.modified),
            authors=tuple((authors[s].name, self.absolute(authors[s].url))
                          for s in article.author_slugs if s in authors),
            section=article.category.name if article.category else None,
            keywords=tuple(t.name for t in article.tags), word_count=article.word_count,
            image=image, media=media_ld(article, self.images, self.absolute),
            # Google wants 16:9, 4:3 and 1:1 crops; without them (a remote hero) the share
            # card will do, and without a hero the site's own card: the property is required.
            crops=tuple(self.absolute(c.url_path)
                        for c in self.images.crops.get(article.url, ())),
            draft=article.draft,
            live=live_facts(article, self._body_html(article.body_key, article.source.path),
                            self.absolute) if article.live is not None else None,
            language=article.language,
        )

    def article_meta(self, facts: ArticleFacts) -> PageMeta:
        """An article page's ``meta``, from its facts and the site's settings alone."""
        logo = self.absolute(self.images.logo.fallback.url_path) if self.images.logo else None
        # Google wants 16:9, 4:3 and 1:1; without them (a remote hero) the card will do, and
        # without a hero the site's own card (its logo): the property is required.
        fallback = facts.image or self._default_card()
        data = news_article_ld(
            headline=facts.title, description=facts.description,
            url=self.absolute(facts.path), images=list(facts.crops) or (
                [fallback[0]] if fallback else []),
            published=facts.published, modified=facts.modified, authors=facts.authors,
            publisher=self.config.publisher_name, logo=logo, section=facts.section,
            keywords=list(facts.keywords), word_count=facts.word_count,
            publisher_url=self.absolute("/"), language=facts.language,
        )
        for key, value in facts.media.items():
            data[key] = [*data.get(key, ()), *value]  # gallery photos after the share card
        if facts.live is not None:
            data = live_blog_ld(data, facts.live)
        return self._meta(f"{facts.title} | {self.config.title}", facts.description,
                          facts.path, og_type="article", image=facts.image,
                          json_ld=json_ld_script(data), large_image_preview=not facts.draft,
                          locale=og_locale(facts.language) if facts.language else None)


_WRITERS: dict[str, Callable[[Mapping[str, Any]], bytes]] = {
    "atom": lambda v: atom_feed(v["info"], v["entries"]),
    "rss": lambda v: rss_feed(v["info"], v["entries"]),
    "json": lambda v: json_feed(v["info"], v["entries"]),
    "sitemap": lambda v: sitemap(v["entries"]),
    "news": lambda v: news_sitemap(v["entries"], v["publication"], v["language"]),
    "sitemap index": lambda v: sitemap_index(v["urls"]),
    "robots": lambda v: robots_txt(v["sitemaps"]),
}


def news_part_path(part: int) -> str:
    """The site path of one part of a split news sitemap."""
    return f"/news-sitemap-{part}.xml"


def sitemap_part_path(part: int) -> str:
    """The site path of one part of a split sitemap."""
    return f"/sitemap-{part}.xml"


def archive_path(year: int, month: int | None = None) -> str:
    """The site path of a year's archive, or of one month's when the year has month pages."""
    return f"/archive/{year}/" if month is None else f"/archive/{year}/{month:02d}/"


def page_path(base: str, page: int) -> str:
    """The site path of page ``page`` of a paginated list at ``base``."""
    return base if page <= 1 else f"{base}page/{page}/"


# What quote() leaves of a URL path: its reserved characters, and escapes already made.
_URL_SAFE = "/:@!$&'()*+,;=~%#?"


def _update_headings(article: Article) -> tuple[str, ...]:
    """A live blog's update headings as its page shows them ("9:42 PM — The encore"),
    oldest first; none for another story."""
    if article.live is None:
        return ()
    return tuple(f"{display_time(u.time)} — {u.headline_html}" if u.headline_html
                 else display_time(u.time) for u in article.live.updates)


def template_location(where: SourceLocation, site_root: Path) -> SourceLocation:
    """A template's file as messages name files: from the site folder when inside it
    (``themes/mine/templates/article.html``), else (the built-in theme) in full.  Jinja names
    it by the folder it was found in: ``<site>/themes/mine/templates/…``."""
    path = Path(where.path)
    if not path.is_relative_to(site_root):
        return where
    return SourceLocation(shown(path.relative_to(site_root).as_posix()), where.line)


# Names a theme writer gives templates (a README.md or notes.txt beside them is no template).
_TEMPLATE_ENDINGS = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".tpl")


def unused_template_problems(theme: Theme, site_root: Path) -> list[Problem]:
    """A warning for each template of the site's own that no page is drawn with and no
    template includes, imports or extends: a misspelt override (``articel.html``,
    ``Article.html``, ``article.htm``) left the theme's in use, without a word."""
    builtin = builtin_themes_dir()
    env = make_environment(theme, {"preview": False}, lambda path: path)
    names = env.list_templates()
    theirs = [name for name in names if name.lower().endswith(_TEMPLATE_ENDINGS)
              and (builtin / DEFAULT_THEME / "templates" / name).is_file()]
    # Candidates first: a template named as one of the theme's is in use (most sites).
    own = [(folder, name) for folder in theme.template_dirs if not folder.is_relative_to(builtin)
           for name in names if name not in theirs and name not in TEMPLATES
           and name.lower().endswith(_TEMPLATE_ENDINGS) and (folder / name).is_file()]
    if not own:
        return []
    used: set[str | None] = set()
    for name in names:
        try:
            source = env.loader.get_source(env, name)[0] if env.loader else ""
            used.update(jinja2.meta.find_referenced_templates(env.parse(source)))
        except (jinja2.TemplateError, UnicodeError, OSError):
            continue  # said by the syntax check or the theme's loading
    if None in used:  # {% include "layouts/" ~ article.extra.layout %}: any may be used
        return []
    problems = []
    for folder, name in own:
        if name in used:
            continue
        guess = closest(name.lower(), [*theirs, *TEMPLATES], cutoff=0.6)
        hint = (f"did you mean {guess}? A template replaces the theme's of the same name"
                if guess else "name it as the theme's template it replaces")
        problems.append(Problem(Severity.WARNING, f"no page uses this template: {hint}",
                                template_location(SourceLocation(str(folder / name)),
                                                  site_root)))
    return problems


def template_syntax_problems(theme: Theme, site_root: Path) -> list[Problem]:
    """Each of the theme's templates that does not parse, as an error at its line: for a
    build stopping on other mistakes to say these too (rendering would find them only once
    those are fixed)."""
    env = make_environment(theme, {"preview": False}, lambda path: path)
    problems = []
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            if exc.source is not None and merge_conflict_line(exc.source) is not None:
                continue  # said by the theme's loading: one line for one slip
            message, where = syntax_problem(exc, env, name)
            problems.append(Problem(Severity.ERROR, message, template_location(where, site_root)))
        except (jinja2.TemplateError, UnicodeError, OSError):
            continue  # said by the theme's loading (unreadable), or the render stage
    return problems
