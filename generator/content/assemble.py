"""Turning a parsed file into an ``Article`` or ``Page``: fields checked, paths resolved."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.config import SiteConfig, language_problem, language_tag
from generator.dates import ParsedDate, instant
from generator.errors import Report, SourceLocation
from generator.markup import SHORT_LINK, shorten, smarten
from generator.markup.captions import caption_links
from generator.model import (
    Article,
    Author,
    Embed,
    ImageRef,
    ImageRole,
    Page,
    Term,
    VideoRef,
    term,
)
from generator.slugs import (
    date_in_filename,
    is_script_link,
    quoted,
    same_spelling,
    script_link_problem,
    site_path_problem,
    slug_from_filename,
    slug_too_long,
    slugify,
    term_key,
)
from generator.textmatch import closest

from .authors import author_for_name, misspelt_author
from .changes import read_changes
from .discover import SourceFile
from .fields import ARTICLE_KEYS, HERO_KEYS, PAGE_KEYS, FieldReader
from .images import resolve_image
from .live import read_live
from .parse import ParsedSource, parse_key
from .videos import resolve_video

# How alike a category must be to one of site.yaml's to be offered as what the writer meant
# ("Celebs" is 0.67 like "celebrity", "Movie" 0.91 like "movies").
CATEGORY_CUTOFF = 0.6


@dataclass(frozen=True, slots=True)
class Assembled:
    """An article with the authors it names (some may have no file)."""

    article: Article
    authors: tuple[Author, ...]


def category_url(slug: str) -> str:
    """The site path of a category's page."""
    return f"/{slug}/"


def tag_url(slug: str) -> str:
    """The site path of a tag's page."""
    return f"/tags/{slug}/"


def _updated_before_date(updated: ParsedDate, date: ParsedDate) -> str:
    """The warning for an ``updated:`` before ``date:``, which is not shown."""
    if not updated.has_time and updated.value.date() == date.value.date():
        return (f"'updated' gives the story's own day ({updated.value:%Y-%m-%d}) without a "
                "time, so it is not shown as an update: give the time of the change, e.g. "
                f"updated: {updated.value:%Y-%m-%d} 15:30")
    return (f"'updated' ({_typed(updated)}) is earlier than 'date' ({_typed(date)}), so readers, "
            "feeds and search engines are not told of an update: correct it, or remove it")


def _typed(moment: ParsedDate) -> str:
    return f"{moment.value:%Y-%m-%d %H:%M}" if moment.has_time else f"{moment.value:%Y-%m-%d}"


def assemble_article(
    source: SourceFile, digest: str, parsed: ParsedSource, config: SiteConfig,
    authors: Mapping[str, Author], report: Report,
) -> Assembled | None:
    """Check an article's front matter and build the Article; None if it has errors."""
    assert parsed.meta is not None and parsed.body is not None
    where = SourceLocation(source.display)
    before = len(report.errors)
    fields = FieldReader(parsed.meta, where, report)
    title = _smart(fields.text("title", required=True))
    date = fields.date("date", config.tz, required=True, named=date_in_filename(source.name))
    updated = fields.date("updated", config.tz)
    if date and updated and instant(updated.value) < instant(date.value):
        report.warning(_updated_before_date(updated, date), fields.at("updated"))
    published = date.value if date else None
    updates = read_changes(fields, "updates", config.tz, published)
    corrections = read_changes(fields, "corrections", config.tz, published)
    names = _author_names(fields)
    category = _category(fields, config)
    tags = _tags(fields)
    slug = _slug(fields, source)
    extra = fields.warn_unknown_keys(ARTICLE_KEYS)
    hero, hero_video = _hero(fields, source, config, report)
    images = _body_images(parsed, source, config, where, report)
    videos = _body_videos(parsed, source, config, where, report)
    caption_at = fields.at("hero", "caption")
    _refuse_script_links_in_captions(
        ((hero, caption_at), (hero_video, caption_at),
         *((ref, ref.location) for ref in images),
         *((video, video.location) for video in videos)), report)
    _warn_body_slips(parsed, where, report)
    dek = _smart(fields.text("dek"))
    draft = fields.flag("draft")
    aliases = fields.aliases()
    people = tuple(author_for_name(n, authors) for n in names)
    _warn_misspelt_authors(names, people, authors, fields)
    live = read_live(fields, parsed.body.updates, date, config.tz, where, report)
    language = _language(fields, config)
    if len(report.errors) > before or title is None or date is None or slug is None:
        return None
    body = parsed.body
    url = _permalink(config.permalink, category, slug, date.value)
    if problem := site_path_problem(url):
        # site.yaml's check of the pattern makes this unreachable; it guards output/ all the same.
        fields.error(f"this article's address {quoted(url)} {problem}: check 'permalink' in "
                     "site.yaml and this article's 'slug'", "slug")
        return None
    article = Article(
        source=where.at(_naming_line(fields)),
        digest=digest,
        slug=slug,
        url=url,
        title=title,
        date=date.value,
        date_has_time=date.has_time,
        body_key=parse_key(digest),
        summary=shorten(dek, 280) if dek else body.first_paragraph,
        word_count=body.word_count,
        author_slugs=tuple(p.slug for p in people),
        category=category,
        tags=tags,
        dek=dek,
        updated=updated.value if updated else None,
        hero=hero,
        images=images,
        has_embeds=body.has_embeds,
        draft=draft,
        aliases=aliases,
        extra=extra,
        videos=videos,
        hero_video=hero_video,
        embeds=_embeds(parsed, where, report),
        updated_has_time=bool(updated and updated.has_time),
        updates=updates,
        corrections=corrections,
        live=live,
        alias_lines=_alias_lines(fields, aliases),
        category_line=fields.doc.line_of("category") if category else None,
        tag_lines=tuple(fields.name_line("tags", tag.name) for tag in tags),
        updated_line=fields.doc.line_of("updated") if updated else None,
        language=language,
        author_lines=tuple(fields.name_line(key, name) for name, key in names.items()),
    )
    return Assembled(article, people)


def _language(fields: FieldReader, config: SiteConfig) -> str | None:
    """The story's own ``language`` when it is not the site's (None: the site's)."""
    value = fields.data.get("language")
    if value is None:
        return None
    if problem := language_problem(value):
        fields.error(f"'language' {problem}: the language this story is written in, when it "
                     f"is not the site's ({config.language})", "language")
        return None
    tag = language_tag(str(value))
    return None if tag.casefold() == config.language.casefold() else tag


def assemble_page(
    source: SourceFile, digest: str, parsed: ParsedSource, config: SiteConfig, report: Report
) -> Page | None:
    """Check a static page's front matter and build the Page; None if it has errors."""
    assert parsed.meta is not None and parsed.body is not None
    where = SourceLocation(source.display)
    before = len(report.errors)
    fields = FieldReader(parsed.meta, where, report)
    title = _smart(fields.text("title", required=True))
    description = _smart(fields.text("description"))
    slug = _slug(fields, source)
    aliases = fields.aliases()
    # A draft is left out before this unless drafts are shown: then it is one, and says so.
    # Its check is cached with it, and read again by a build without drafts.
    draft = fields.flag("draft")
    in_footer = fields.flag("footer") if "footer" in fields.data else True
    extra = fields.warn_unknown_keys(PAGE_KEYS)
    if "language" in fields.data:
        report.warning("a page takes no 'language' (a story's does): the page is published "
                       f"in the site's ({config.language}); remove the line",
                       fields.at("language"))
    if parsed.body.updates or fields.data.get("live") not in (None, False):
        fields.error("a page cannot be a live blog: 'live:' is for articles (in "
                     "content/articles/); remove it here", "live")
    images = _body_images(parsed, source, config, where, report)
    videos = _body_videos(parsed, source, config, where, report)
    _refuse_script_links_in_captions(
        (*((ref, ref.location) for ref in images),
         *((video, video.location) for video in videos)), report)
    _warn_body_slips(parsed, where, report)
    if len(report.errors) > before or title is None or slug is None:
        return None
    return Page(
        source=where.at(_naming_line(fields)),
        digest=digest,
        slug=slug,
        url=f"/{slug}/",
        title=title,
        body_key=parse_key(digest),
        summary=description or parsed.body.first_paragraph,
        description=description,
        images=images,
        has_embeds=parsed.body.has_embeds,
        aliases=aliases,
        extra=extra,
        videos=videos,
        alias_lines=_alias_lines(fields, aliases),
        in_footer=in_footer,
        draft=draft,
    )


def _alias_lines(fields: FieldReader, aliases: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(fields.name_line("aliases", alias) for alias in aliases)


def _naming_line(fields: FieldReader) -> int | None:
    """The line that gives the item its URL, for messages about it: ``slug:``, else the title."""
    return fields.doc.lines.get(("slug",)) or fields.doc.lines.get(("title",))


def _smart(text: str | None) -> str | None:
    return smarten(text) if text else text


def _author_names(fields: FieldReader) -> dict[str, str]:
    """Each author named, and the key that names them (``author`` or ``authors``)."""
    found: dict[str, str] = {}
    by_slug: dict[str, str] = {}  # one author however written ("Sam Ortiz", "sam  ortiz")
    for key in ("authors", "author"):
        for name in fields.names(key):
            slug = slugify(name)
            if problem := _address_problem(slug):
                fields.error(f"author {_briefly(name)} {problem} of the author's page from: "
                             "write the author's name", key)
            elif slug in by_slug and by_slug[slug] != name:
                fields.report.warning(
                    f"author {quoted(name)} is {quoted(by_slug[slug])} written again, and is "
                    "shown once: take one of them out", fields.at(key))
            else:
                by_slug[slug] = name
                found.setdefault(name, key)
    return found


def _warn_misspelt_authors(
    names: Mapping[str, str], people: tuple[Author, ...], described: Mapping[str, Author],
    fields: FieldReader,
) -> None:
    """A name with no file that is nearly a described author's is most likely a typo, which
    would otherwise give that writer a second author page."""
    for person, key in zip(people, names.values(), strict=True):
        if person.location is None and (meant := misspelt_author(person.name, described)):
            fields.report.warning(
                f"author {quoted(person.name)} is not one of the authors in content/authors/: "
                f"did you mean '{meant.name}'? (if it is someone else, add "
                f"content/authors/{person.slug}.yaml)", fields.at(key))


def _address_problem(slug: str) -> str:
    """Why a name's ``slug`` cannot make the address of its page (as "… of its page
    from"), or "" when it can: the address names a folder, which a file system limits."""
    if not slug:
        return "has no letter or digit to make the address"
    return "is too long to make the address" if slug_too_long(slug) else ""


def _briefly(name: str) -> str:
    """A name for a message, quoted, and cut short when it is long (a sentence pasted)."""
    return quoted(name if len(name) <= 60 else name[:57] + "…")


def _tags(fields: FieldReader) -> tuple[Term, ...]:
    """The story's tags, each address once: a second spelling of one ("Pop!" after "pop")
    would list the story twice on the tag's page."""
    tags: dict[str, Term] = {}
    for name in fields.names("tags"):
        slug = slugify(name)
        if problem := _address_problem(slug):
            fields.error(f"tag {_briefly(name)} {problem} of its page from: write the tag in "
                         "words, e.g. [Oscars, Red carpet]", "tags")
            continue
        kept = tags.setdefault(term_key(slug), term(name, slug, tag_url(slug)))
        if not same_spelling(kept.name, name):
            # Which spelling the site shows is the site's choice (load.py says it where
            # another story spells it first): here, only that the story lists it twice.
            fields.report.warning(
                f"tag {quoted(name)} and tag {quoted(kept.name)} have the same address, "
                f"{kept.url}, so they are one tag: list it once",
                fields.where.at(fields.name_line("tags", name)))
    return tuple(tags.values())


def _pages_of_byline(config: SiteConfig) -> set[str]:
    """The addresses of pages Byline makes at a section's (/search/, /corrections/), as far
    as site.yaml turns them on (the archive is always made)."""
    return {name for name, made in (("search", config.search),
                                    ("corrections", config.corrections_page)) if made}


def _category(fields: FieldReader, config: SiteConfig) -> Term | None:
    name = fields.text("category")
    if name is None:
        return None
    # By ``term_key``: "ΜΟΥΣΙΚΗ" (Greek capitals drop the accent) is site.yaml's "Μουσική",
    # at its address.
    known = {term_key(slugify(c)): (c, slugify(c)) for c in config.categories}
    slug = slugify(name)
    # Its pages live at /<slug>/: an empty slug would be the home page, "archive" the archive.
    if problem := _address_problem(slug):
        fields.error(f"category {_briefly(name)} {problem} of its page from: write the "
                     "category in words, e.g. Music", "category")
        return None
    # (A section site.yaml lists under such a page's name is said there, at categories:.)
    if slug == "archive" or (not known and slug in _pages_of_byline(config)):
        fields.error(f"category {quoted(name)} would replace the {slug} page at /{slug}/: pick "
                     "another name", "category")
        return None
    listed = known.get(term_key(slug))
    if known and listed is None:
        # A new name would open a new section at a new address, missing from the navigation:
        # on a site that lists its sections, that is a typo until site.yaml says otherwise.
        fields.error(_unknown_category(name, config.categories), "category")
        return None
    if listed is None:
        return term(name, slug, category_url(slug))
    # "music" for "Music" is the same section at the same address, shown as site.yaml spells it;
    # "R-B" for "R&B" is too, but a writer who typed it would not know the story is there.
    shown, slug = listed
    if not same_spelling(shown, name):
        fields.report.warning(
            f"category {quoted(name)} and site.yaml's {quoted(shown)} have the same address, "
            f"{category_url(slug)}, so this story is in {quoted(shown)}: use one spelling: "
            f"write {quoted(shown)} as site.yaml does", fields.at("category"))
    return term(shown, slug, category_url(slug))


def _unknown_category(name: str, categories: tuple[str, ...]) -> str:
    """Why ``name`` is refused on a site whose site.yaml lists ``categories``, and the fix."""
    listed = ", ".join(categories)
    spelled = {c.lower(): c for c in categories}
    guess = closest(name, spelled, cutoff=CATEGORY_CUTOFF)
    fix = (f"did you mean '{spelled[guess]}'?" if guess else
           f"use one of them, or add {quoted(name)} to 'categories' in site.yaml to open a new "
           "section")
    return f"category {quoted(name)} is not one of this site's categories ({listed}): {fix}"


def _slug(fields: FieldReader, source: SourceFile) -> str | None:
    given = fields.text("slug")
    slug = slugify(given) if given else slug_from_filename(source.name)
    if not slug:  # one line, not also the warning below (a red-team pass had "../..")
        if given is None:
            fields.error("the file name has no letter or digit to make the address from: give "
                         "a 'slug:' made of letters, digits and hyphens", "slug")
        else:
            named = slug_from_filename(source.name)
            fields.error(f"the slug {quoted(given)} has no letter or digit: give a 'slug:' "
                         "made of letters, digits and hyphens"
                         + (f", e.g. slug: {named}" if named else ""), "slug")
        return None
    if given and "/" in given.strip("/"):  # an address typed whole, as another tool takes it
        last = slugify(given.rstrip("/").rsplit("/")[-1]) or slug
        fields.report.warning(
            f"slug {quoted(given)} is read as {quoted(slug)}: a slug is the last part of the "
            f"address, not an address; write slug: {last}, and the old address under "
            "aliases: to keep it", fields.at("slug"))
    if problem := site_path_problem(f"/{slug}/"):
        # Said here, with the story's other problems: the whole address's check comes only
        # once the rest of the story reads right.
        fields.error(f"the slug {quoted(slug)} {problem}: write a shorter 'slug:'", "slug")
        return None
    return slug


def _hero(
    fields: FieldReader, source: SourceFile, config: SiteConfig, report: Report
) -> tuple[ImageRef | None, VideoRef | None]:
    """The hero photo; or, for a hero video, its poster (also the share card) and the video."""
    raw = fields.data.get("hero")
    if raw is None:
        return None, None
    if isinstance(raw, str):
        raw = {"image": raw}
    if not isinstance(raw, dict) or not any(isinstance(raw.get(k), str) for k in _HERO_NOUN):
        fields.error("'hero' needs an 'image:' path (plus alt:, caption:, credit:), or a "
                     "'video:' path and its poster as 'image:'", "hero")
        return None, None
    for key in ("image", "video"):
        given = raw.get(key)
        # A photo pasted as data gets the photo check's own words (image_ref), unquoted.
        if (isinstance(given, str) and is_script_link(given)
                and not (key == "image" and given.startswith("data:image/"))):
            fields.error(f"'hero.{key}' {_briefly(given)} is not a {_HERO_NOUN[key]}: give the "
                         f"path of a {_HERO_NOUN[key]} file, e.g. hero: red-carpet.jpg",
                         "hero", key)
            return None, None
    for key in raw:
        if key not in HERO_KEYS:
            guess = closest(key, HERO_KEYS)
            hint = f": did you mean '{guess}'?" if guess else ""
            report.warning(f"unknown hero key '{key}'{hint}", fields.at("hero", key))
    texts: dict[str, str | None] = {}
    for key in ("alt", "caption", "credit"):
        value = fields.doc.written(raw.get(key), "hero", key)
        if value is not None and not isinstance(value, str):
            fields.error(f"'hero.{key}' must be text", "hero", key)
            value = None
        texts[key] = value.strip() if isinstance(value, str) else None
    focus = _focus(fields, raw.get("focus"))
    image = None
    if isinstance(raw.get("image"), str):
        image = resolve_image(
            raw["image"], folder=source.folder, content_dir=config.content_dir,
            site_root=config.root, location=fields.at("hero", "image"), role="hero",
            report=report, focus=focus, **texts,
        )
    if not isinstance(raw.get("video"), str):
        return image, None
    alt, caption, credit = texts["alt"], texts["caption"], texts["credit"]
    video = resolve_video(
        raw["video"], folder=source.folder, content_dir=config.content_dir,
        site_root=config.root, location=fields.at("hero", "video"), report=report,
        language=config.language, warn_alt=image is None, alt=alt, caption=caption,
        credit=credit,
    )
    if video is None:
        return image, None
    if image is None and video.poster is not None:  # the still found beside the video
        image = replace(video.poster, role="hero", focus=focus, alt=alt, caption=caption,
                        credit=credit)
    return image, replace(video, poster=image)


_HERO_NOUN = {"image": "photo", "video": "video"}


def _focus(fields: FieldReader, raw: Any) -> tuple[float, float]:
    if raw is None:
        return (0.5, 0.5)
    ok = (
        isinstance(raw, list) and len(raw) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
                for v in raw)
    )
    if not ok:
        fields.error("'hero.focus' must be [x, y] with both between 0 and 1, e.g. [0.5, 0.3]",
                     "hero", "focus")
        return (0.5, 0.5)
    return (float(raw[0]), float(raw[1]))


_ROLES: dict[str, ImageRole] = {"figure": "figure", "inline": "inline", "slide": "slide"}


def _body_images(
    parsed: ParsedSource, source: SourceFile, config: SiteConfig, where: SourceLocation,
    report: Report,
) -> tuple[ImageRef, ...]:
    assert parsed.body is not None
    found = []
    said = {slip.line for slip in parsed.body.slips}  # of that line, once is enough
    for raw in parsed.body.images:
        if raw.kind == "inline" and (raw.caption or raw.credit) and raw.line not in said:
            if raw.linked:  # alone in its paragraph, but a link: no figure holds a link
                report.warning(f"photo {raw.src} is a link, so it is shown small inside it and "
                               "its caption and credit are lost: take the link off to show it "
                               "as a figure, and put the link in its caption instead",
                               where.at(raw.line))
            else:  # text on the next line, or a list item: Markdown makes one paragraph
                report.warning(f"photo {raw.src} shares its paragraph with text, so it is "
                               "shown small inside the text and its caption and credit are "
                               "lost: put a blank line before and after it", where.at(raw.line))
        ref = resolve_image(
            raw.src, folder=source.folder, content_dir=config.content_dir,
            site_root=config.root, location=where.at(raw.line),
            role=_ROLES[raw.kind], report=report,
            alt=raw.alt, caption=raw.caption,
            credit=_credit(raw.credit, where.at(raw.line), report),
        )
        # Keep positions aligned with the placeholders even when a path was bad.
        found.append(ref or ImageRef(raw.src, None, where.at(raw.line), "inline", raw.alt))
    return tuple(found)


def _refuse_script_links_in_captions(
    refs: Iterable[tuple[ImageRef | VideoRef | None, SourceLocation]], report: Report
) -> None:
    """An error at each photo or video (and where its caption is written) whose caption
    links to a program (``javascript:``, ``data:text/html``), as an author's links would: a
    caption is shown as Markdown."""
    for ref, where in refs:
        if ref is not None and ref.caption and "[" in ref.caption:
            for href in caption_links(ref.caption):
                if problem := script_link_problem(href):
                    report.error(f"the caption's {problem}", where)


def _body_videos(
    parsed: ParsedSource, source: SourceFile, config: SiteConfig, where: SourceLocation,
    report: Report,
) -> tuple[VideoRef, ...]:
    """The body's videos, in the order of their placeholders (a bad one fails the file)."""
    assert parsed.body is not None
    found = []
    for raw in parsed.body.videos:
        location = where.at(raw.line)
        if raw.kind == "inline":
            report.warning(f"video {raw.src} is inside a sentence: put it on a line of its own, "
                           "so it gets its caption and credit", location)
        video = resolve_video(
            raw.src, folder=source.folder, content_dir=config.content_dir,
            site_root=config.root, location=location, report=report,
            language=config.language, alt=raw.alt, caption=raw.caption,
            credit=_credit(raw.credit, location, report), poster=raw.poster,
            size=(raw.width, raw.height),
        )
        if video is not None:
            found.append(video)
    return tuple(found)


def _warn_body_slips(parsed: ParsedSource, where: SourceLocation, report: Report) -> None:
    assert parsed.body is not None
    for slip in parsed.body.slips:
        (report.error if slip.stops else report.warning)(slip.message, where.at(slip.line))


def _credit(written: str | None, location: SourceLocation, report: Report) -> str | None:
    """A photo's or video's credit as written in ``{credit=…}``; one whose quote is never
    closed (``{credit="Ines Park}``) is a slip, said, and shown without the stray quote."""
    if written and written[0] in "\"'" and (len(written) == 1 or written[-1] != written[0]):
        report.warning(f"the credit {written} opens a quote that is never closed: close it, "
                       'e.g. {credit="Ines Park/Marquee Wire"}', location)
        return written[1:] or None
    return written


def _embeds(parsed: ParsedSource, where: SourceLocation, report: Report
            ) -> tuple[Embed, ...]:
    assert parsed.body is not None
    embeds = tuple(Embed(e.provider, e.url, where.at(e.line), e.described)
                   for e in parsed.body.embeds)
    for embed in embeds:
        if embed.provider == SHORT_LINK:
            report.warning(f"{embed.url} is a short TikTok link, which does not say which "
                           "video it is, so readers get a link, not the video: open it in a "
                           "browser and paste the address it leads to "
                           "(tiktok.com/@account/video/…)", embed.location)
    return embeds


def _permalink(pattern: str, category: Term | None, slug: str, date: Any) -> str:
    path = pattern.format(
        category=category.slug if category else "",
        slug=slug,
        year=f"{date.year:04d}",
        month=f"{date.month:02d}",
        day=f"{date.day:02d}",
    )
    while "//" in path:  # an article with no category drops that segment
        path = path.replace("//", "/")
    return path
