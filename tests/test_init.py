"""`byline init`: a new site that builds at once, never over an existing one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from generator.build import BuildOptions, build_site
from generator.cache import CACHE_DIR_NAME
from generator.check import check_site
from generator.cli import main
from generator.config import CONFIG_NAME, known_keys, load_config
from generator.errors import BylineError, Report
from generator.frontmatter import split_front_matter
from generator.markup import smarten
from generator.model import Article
from generator.publish import make_target
from generator.scaffold import EXAMPLE_PHOTO, PHOTO_SIZE, init_site
from generator.sourceyaml import parse_yaml
from tests.conftest import article

ARTICLE = "news/welcome-to-your-newsroom/index.html"
MakeSite = Callable[[dict[str, str]], Path]


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site made by init_site, shared by the tests that only read it."""
    site = tmp_path_factory.mktemp("init") / "the-daily-marquee"
    init_site(site, author="Dana Reyes")
    return site


def test_new_site_builds_and_checks_clean(new_site: Path) -> None:
    result = build_site(BuildOptions(site=new_site))
    assert [str(w) for w in result.warnings] == []
    assert (result.articles, result.pages) == (1, 1)
    for page in ("index.html", ARTICLE, "about/index.html", "authors/dana-reyes/index.html"):
        assert (new_site / "output" / page).is_file(), page
    config = load_config(new_site, Report())
    assert config is not None
    problems = check_site(result.output, config.base_url, result.content.articles)
    assert [str(p) for p in problems] == []


def test_new_site_has_a_credited_photo_and_an_about_page(new_site: Path) -> None:
    with Image.open(new_site / EXAMPLE_PHOTO) as photo:
        assert (photo.format, photo.size) == ("JPEG", PHOTO_SIZE)
    assert (new_site / EXAMPLE_PHOTO).stat().st_size < 150_000
    article = (new_site / EXAMPLE_PHOTO).with_name("index.md").read_text(encoding="utf-8")
    assert "credit: " in article and "author: Dana Reyes" in article
    assert (new_site / "content/pages/about.md").read_text(encoding="utf-8").startswith("---")
    assert "{{" not in article, "every placeholder is filled in"


def test_gitignore_keeps_build_products_out_of_git(new_site: Path) -> None:
    ignored = (new_site / ".gitignore").read_text(encoding="utf-8").split()
    assert "output/" in ignored
    assert f"{CACHE_DIR_NAME}/" in ignored


def test_site_yaml_lists_and_explains_every_setting(new_site: Path) -> None:
    text = (new_site / CONFIG_NAME).read_text(encoding="utf-8")
    data = parse_yaml(text).data
    lines = text.splitlines()
    for section, keys in known_keys().items():
        values = data if not section else data[section]
        indent = "" if not section else "  "
        for key in keys:
            assert key in values, f"{section}.{key} is missing from the starter site.yaml"
            at = next(i for i, line in enumerate(lines) if line.startswith(f"{indent}{key}:"))
            above = lines[at - 1].strip()
            # A setting directly under its section heading is explained by the heading's comment.
            assert above.startswith("#") or above.endswith(":"), f"{key} has no comment"
    report = Report()
    assert load_config(new_site, report) is not None
    assert report.problems == []


def test_site_yaml_deploy_examples_are_valid_when_uncommented(new_site: Path) -> None:
    text = (new_site / CONFIG_NAME).read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^(\s+)# (\w+:)", r"\1\2", text)
    uncommented = re.sub(r"(?m)^(\s+)#   ", r"\1  ", uncommented)
    targets = parse_yaml(uncommented).data["deploy"]["targets"]
    assert {spec["kind"] for spec in targets.values()} == {"dir", "git", "s3"}
    for name, spec in targets.items():
        make_target(name, spec, new_site)  # raises on an unknown or missing setting


def test_title_comes_from_the_folder_name(new_site: Path) -> None:
    config = load_config(new_site, Report())
    assert config is not None and config.title == "The Daily Marquee"


ZONES = ("UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago",
         "Asia/Kolkata", "America/St_Johns")


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("clock", ["00:00:00", "08:30:59", "23:59:59"])
def test_example_article_is_published_whatever_timezone_is_set(
        tmp_path: Path, zone: str, clock: str) -> None:
    # site.yaml invites setting the writer's timezone: UTC+14 and UTC-11 are the extremes.
    now = datetime.fromisoformat(f"2026-05-01T{clock}+00:00")
    site = tmp_path / "site"
    init_site(site, author="Sam", now=now)
    settings = site / CONFIG_NAME
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "\ntimezone: UTC\n", f"\ntimezone: {zone}\n"), encoding="utf-8")
    assert load_config(site, Report()).timezone == zone  # type: ignore[union-attr]
    result = build_site(BuildOptions(site=site, now=now))
    assert (result.articles, result.next_scheduled) == (1, None)
    html = (site / "output" / ARTICLE).read_text(encoding="utf-8")
    assert '<time datetime="2026-04-30' in html, "dated the day before, in the site's zone"


def test_example_article_of_byline_init_is_published_in_new_york(tmp_path: Path,
                                                                 capsys) -> None:
    site = tmp_path / "site"
    assert main(["init", str(site), "--author", "Sam", "-q"]) == 0
    settings = site / CONFIG_NAME
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "\ntimezone: UTC\n", "\ntimezone: America/New_York\n"), encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert "Built 1 article, 1 page" in out and "scheduled" not in out
    assert (site / "output" / ARTICLE).is_file()


def test_init_works_in_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.log\noutput/\n", encoding="utf-8")
    (tmp_path / "content").mkdir()  # empty: nothing to lose
    init_site(tmp_path, author="Sam")
    assert (tmp_path / CONFIG_NAME).is_file()
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "notes\n"
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ignored[:2] == ["*.log", "output/"], "the repository's own lines are kept"
    assert ignored.count("output/") == 1 and f"{CACHE_DIR_NAME}/" in ignored


@pytest.mark.parametrize("existing", [CONFIG_NAME, "content/articles/mine.md"])
def test_init_refuses_to_overwrite_a_site(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n", encoding="utf-8")
    with pytest.raises(BylineError, match="nothing was changed"):
        init_site(tmp_path, author="Sam")
    assert (tmp_path / existing).read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / ".gitignore").exists()


def test_cli_init_refuses_with_exit_status_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    assert main(["init", str(tmp_path / "site"), "--author", "Sam", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["init", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "already a Byline site" in err and "Traceback" not in err


def test_cli_init_then_build_works_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "mysite", "--author", "Sam"]) == 0
    out = capsys.readouterr().out
    assert "Created a new site in mysite/" in out and "cd mysite" in out
    assert main(["build", "--site", "mysite"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "0 warnings" in captured.out
    assert (tmp_path / "mysite/output" / ARTICLE).is_file()


def test_a_writer_named_last_name_first_is_one_author_of_the_starter(tmp_path: Path) -> None:
    # A red-team pass: "author: Reyes, Dana" was two writers, Reyes and Dana, neither the
    # profile init wrote (git's user.name is often "Last, First" in a company's directory).
    site = tmp_path / "site"
    init_site(site, author="Reyes, Dana")
    result = build_site(BuildOptions(site=site))
    assert result.warnings == ()
    assert sorted(p.name for p in (site / "output/authors").iterdir()) == ["reyes-dana"]
    assert "Welcome" in (site / "output/authors/reyes-dana/index.html").read_text()


def test_init_that_cannot_write_a_file_names_it_and_leaves_nothing(tmp_path: Path,
                                                                   capsys) -> None:
    # A red-team pass: "cannot create a site in DIR: is a directory" named no file, left
    # content/ and .github/ behind, and the next init refused them ("already has files").
    (tmp_path / ".gitignore").mkdir()
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path), "--author", "Sam"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"byline: error: cannot write {tmp_path}/.gitignore: is a directory; nothing was "
        "written (move it out of the way, then run byline init again)")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "notes.txt"]
    (tmp_path / ".gitignore").rmdir()
    assert main(["init", str(tmp_path), "--author", "Sam"]) == 0


def test_init_in_a_folder_of_a_repository_says_where_github_looks(tmp_path: Path,
                                                                  capsys) -> None:
    # A red-team pass: website/.github/workflows/ is never run; init said nothing.
    (tmp_path / ".git").mkdir()
    assert main(["init", str(tmp_path / "website"), "--author", "Sam"]) == 0
    said = capsys.readouterr().out
    assert (f"{tmp_path}/website/.github/workflows/publish.yml: GitHub runs only the workflows "
            f"in {tmp_path}/.github/workflows/: move it there, and run its steps in website/"
            ) in said
    (tmp_path / "own-repository/.git").mkdir(parents=True)  # the site at its root
    assert main(["init", str(tmp_path / "own-repository"), "--author", "Sam"]) == 0
    assert "GitHub runs only" not in capsys.readouterr().out


def test_site_templates_and_site_theme_override_the_built_in_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init_site(site, author="Sam")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("<p>Our own 404</p>\n", encoding="utf-8")
    css = site / "themes" / "default" / "static" / "css" / "site.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { color: teal }\n", encoding="utf-8")
    result = build_site(BuildOptions(site=site))
    assert result.warnings == ()
    assert (site / "output" / "404.html").read_text(encoding="utf-8") == "<p>Our own 404</p>\n"
    (built,) = (site / "output" / "static" / "css").glob("site.*.css")
    assert built.read_text(encoding="utf-8") == "body { color: teal }\n"
    article = (site / "output" / ARTICLE).read_text(encoding="utf-8")
    assert "<article" in article, "the other templates still come from the built-in theme"


def test_awkward_names_stay_text_in_yaml(tmp_path: Path) -> None:
    site = tmp_path / "news #1: 'live'"
    init_site(site, author='Dana "DJ" Reyes: #1')
    result = build_site(BuildOptions(site=site))
    assert result.warnings == ()
    config = load_config(site, Report())
    assert config is not None
    assert config.title == "News #1: 'Live'"
    assert config.copyright and config.copyright.endswith("News #1: 'Live'")
    assert 'Dana "DJ" Reyes: #1' in {a.name for a in result.content.authors.values()}


# --- byline new: a draft that builds, whatever its options hold ---------------------------------


def new_draft(site: Path, headline: str, author: str) -> tuple[Path, Article]:
    """Run `byline new` in ``site`` and build with drafts: the new file and its article."""
    assert main(["new", headline, "--author", author, "--site", str(site), "-q"]) == 0
    (created,) = (site / "content" / "articles").glob("*/index.md")
    result = build_site(BuildOptions(site=site, drafts=True))
    assert result.warnings == ()
    (made,) = result.content.articles
    return created, made


def author_names(site: Path, article: Article) -> list[str]:
    result = build_site(BuildOptions(site=site, drafts=True))
    return [result.content.authors[slug].name for slug in article.author_slugs]


@pytest.mark.parametrize(("headline", "slug"), [
    ("東京ドーム公演が決定", "東京ドーム公演が決定"),  # ド stayed ト, が became か
    ("शाहरुख़ ख़ान की नई फ़िल्म", "शाहरुख़-ख़ान-की-नई-फ़िल्म"),  # vowel signs cut words
    ("방탄소년단 컴백", "방탄소년단-컴백"),  # letter pieces, not syllables (NFD)
    ("Йошкар-Ола: концерт", "йошкар-ола-концерт"),  # Й became И
    ("Beyoncé’s “Renaissance” — 2026", "beyonces-renaissance-2026"),
])
def test_a_headline_in_any_script_gets_the_address_a_reader_types(
    make_site: MakeSite, headline: str, slug: str,
) -> None:
    """Found by a red-team pass: marks were folded away in every script, not only from Latin
    letters, and the address was left decomposed: a Korean story's address, typed or
    pasted, was not found, and its folder could not be named in a terminal."""
    site = make_site({"content/authors/dana.yaml": "name: Dana Reyes\n"})
    created, made = new_draft(site, headline, "Dana Reyes")
    assert created.parent.name == slug
    assert unicodedata.is_normalized("NFC", made.url)
    assert made.url.rstrip("/").rsplit("/", 1)[1] == slug
    assert (site / "output" / made.url.strip("/") / "index.html").is_file()


def test_new_draft_builds_at_once_with_a_dek_to_fill_in(make_site: MakeSite) -> None:
    site = make_site({})
    created, made = new_draft(site, "Mara Quell announces a world tour", "Dana Reyes")
    text = created.read_text(encoding="utf-8")
    assert 'dek: ""' not in text and "\n# dek: " in text
    front = split_front_matter(text).meta.data
    assert front == {"title": "Mara Quell announces a world tour", "date": front["date"],
                     "author": "Dana Reyes", "category": "Music", "tags": [], "draft": True}
    assert (made.title, made.dek, made.draft) == ("Mara Quell announces a world tour", None, True)
    assert (site / "output" / made.url.strip("/") / "index.html").is_file()


@pytest.mark.parametrize("author", ["@dana", "Dana: Reyes", "%x", "yes", "Dana\nReyes",
                                    "Reyes, Dana", "#1 fan", "- Dana", "'Dana'", "null"])
def test_new_keeps_any_author_as_typed(make_site: MakeSite, author: str) -> None:
    site = make_site({})
    created, made = new_draft(site, "Lumen Awards: the winners", author)
    assert author_names(site, made) == [author]
    assert split_front_matter(created.read_text(encoding="utf-8")).meta.data["author"] in (
        author, [author])


@pytest.mark.parametrize("headline", [
    "Chrissy Teigen's Son Miles: John Legend's Twin", 'The "Barbie" effect', "yes", "1989",
    "*NSYNC reunion", "@midnight returns", "Two\nlines", "  padded  ", "#1 hit: a \\ backslash",
])
def test_new_keeps_any_headline_as_typed(make_site: MakeSite, headline: str) -> None:
    site = make_site({})
    created, made = new_draft(site, headline, "Dana Reyes")
    assert split_front_matter(created.read_text(encoding="utf-8")).meta.data["title"] == \
        headline.strip()
    assert made.title == smarten(headline.strip())


@pytest.mark.parametrize(("existing", "text"), [
    ("content/articles/2026-11-01-tour-dates.md", "Tour dates"),  # an import, date in front
    ("content/articles/the-tour.md", "Tour dates"),  # with slug: tour-dates
])
def test_new_gives_a_draft_a_slug_no_other_story_has(make_site: MakeSite, capsys, existing,
                                                     text) -> None:
    # A red-team pass: the draft shared an address with the other story, so the preview and
    # build --drafts failed ("both have the address /music/tour-dates/").
    site = make_site({existing: article(text, category="Music", slug="tour-dates")})
    assert main(["new", "Tour dates", "--site", str(site), "--author", "Sam"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[1] == (f"  the slug tour-dates is {existing}'s, so this story's is tour-dates-2 "
                       "(write slug: in it to choose another)")
    assert (site / "content/articles/tour-dates-2/index.md").is_file()
    assert build_site(BuildOptions(site=site, drafts=True)).articles == 2


def test_new_cuts_a_long_headline_s_folder_at_a_word(make_site: MakeSite) -> None:
    site = make_site({})
    headline = " ".join(["Mara Quell announces a world tour"] * 9)  # 305 characters
    created, made = new_draft(site, headline, "Dana Reyes")
    assert created.parent.name == ("mara-quell-announces-a-world-tour-mara-quell-announces-a-"
                                   "world-tour-mara-quell")  # 78 characters: the words that fit
    assert made.title == headline


def test_new_cuts_a_long_wordless_folder_name_by_bytes(make_site: MakeSite) -> None:
    site = make_site({})
    created, made = new_draft(site, "電" * 300, "Dana Reyes")
    assert created.parent.name == "電" * 66  # 3 bytes each: at most 200 bytes
    assert made.title == "電" * 300


def test_new_refuses_a_headline_that_is_not_text(make_site: MakeSite,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({})
    assert main(["new", "Caf\udce9 opens", "--site", str(site)]) == 1
    assert capsys.readouterr().err == "byline: error: the headline is not valid text: retype it\n"
    assert main(["new", "!!!", "--site", str(site)]) == 1
    assert "at least one letter or digit" in capsys.readouterr().err
    assert not (site / "content" / "articles").exists()


def test_publishing_the_starter_at_its_example_address_stops_until_base_url_is_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The starter builds with no word (its address is an example), but sent out as it is,
    every canonical link, feed and sitemap of the new site points at example.com.  `byline
    check` says so too: the starter's workflow runs it, then deploys (a red-team pass: the
    workflow deployed a site at example.com)."""
    site = tmp_path / "news"
    init_site(site, author="Sam")
    settings = site / CONFIG_NAME
    line = next(n for n, text in enumerate(settings.read_text().splitlines(), 1)
                if text.startswith("base_url:"))
    public = tmp_path / "news-published"  # the starter's folder target
    assert main(["publish", "--site", str(site), "-q"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"site.yaml:{line}: error: base_url is still the example address https://example.com/: "
        "every canonical link, feed, sitemap and share card would point there, not at this "
        "site; set base_url in site.yaml to the site's own address")
    assert err[-1] == "byline: error: publish stopped: fix the errors above, or publish anyway " \
        "with --force"
    assert not public.exists()
    assert main(["check", "--site", str(site), "-q"]) == 1
    assert f"site.yaml:{line}: error: base_url is still the example address" in \
        capsys.readouterr().err
    assert main(["build", "--site", str(site), "-q"]) == 0  # a build for a look is no publish
    settings.write_text(settings.read_text().replace(
        "base_url: https://example.com/", "base_url: https://news.example/"), encoding="utf-8")
    assert main(["publish", "--site", str(site), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert (public / "index.html").is_file()


def test_a_custom_domain_that_is_not_base_urls_host_is_warned_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a red-team pass: GitHub Pages served the site at static/CNAME's domain while
    every canonical link, feed and share card named base_url's, and nothing was said."""
    site = tmp_path / "news"
    init_site(site, author="Sam")
    settings = site / CONFIG_NAME
    settings.write_text(settings.read_text().replace(
        "base_url: https://example.com/", "base_url: https://news.test/"), encoding="utf-8")
    (site / "static").mkdir(exist_ok=True)
    (site / "static/CNAME").write_text("www.marquee-news.com\n")
    assert main(["check", "--site", str(site), "-q"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "static/CNAME:1: warning: names www.marquee-news.com as the site's domain, but "
        "base_url in site.yaml is https://news.test/: GitHub Pages serves the site at "
        "www.marquee-news.com, while every canonical link, feed, sitemap and share card points "
        "at base_url; make the two name the same host")
    (site / "static/CNAME").write_text("\ufeffNews.Test\n")  # a byte-order mark: Notepad's
    assert main(["check", "--site", str(site), "-q"]) == 0
    assert "CNAME" not in capsys.readouterr().err
