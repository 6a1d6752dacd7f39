"""The live preview over HTTP: what it serves, what it refuses, and the events it sends."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from generator.errors import BylineError
from generator.mediatypes import content_type
from generator.serve import PreviewServer
from generator.serve.reload import inject_script, site_path
from generator.serve.watcher import is_editor_noise, matters
from tests.conftest import SiteFiles, article, build, write_files

FILES: SiteFiles = {
    "content/articles/tour.md": article("Mara Quell tours", category="Music",
                                        body="The first sentence."),
    "content/articles/secret.md": article("Draft news", category="TV", draft="true"),
    "content/articles/later.md": article("Scheduled news", date="2031-01-01 09:00",
                                         category="TV"),
}
TOUR = "/music/tour/"


@pytest.fixture
def preview(make_site: Callable[[SiteFiles], Path]) -> Iterator[PreviewServer]:
    """A preview of a three-article site on a free port."""
    server = PreviewServer(make_site(FILES), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(server: PreviewServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """Send a request with the path exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


class EventStream:
    """A raw connection to /__byline/events, read one server-sent event at a time."""

    def __init__(self, server: PreviewServer) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.sock.sendall(b"GET /__byline/events HTTP/1.1\r\nHost: preview\r\n"
                          b"Accept: text/event-stream\r\n\r\n")
        self.file = self.sock.makefile("rb")
        assert b" 200 " in self.file.readline()
        headers = []
        while (line := self.file.readline()) not in (b"\r\n", b""):
            headers.append(line.decode().lower())
        assert any(h.startswith("content-type: text/event-stream") for h in headers)

    def next(self, timeout: float = 10.0) -> tuple[str, dict]:
        """The next event as (name, data)."""
        self.sock.settimeout(timeout)
        name, data = "message", []
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError("the stream ended")
            text = line.decode().rstrip("\r\n")
            if text.startswith("event:"):
                name = text[6:].strip()
            elif text.startswith("data:"):
                data.append(text[5:].strip())
            elif text == "" and data:
                return name, json.loads("\n".join(data))

    def until(self, wanted: str, timeout: float = 10.0) -> dict:
        """Skip events until one named ``wanted``; return its data."""
        deadline = time.monotonic() + timeout
        while True:
            name, data = self.next(max(0.1, deadline - time.monotonic()))
            if name == wanted:
                return data

    def close(self) -> None:
        """Hang up."""
        self.file.close()
        self.sock.close()


@pytest.fixture
def events(preview: PreviewServer) -> Iterator[EventStream]:
    """An open event stream, its opening state event already read."""
    stream = EventStream(preview)
    assert stream.next()[0] == "state"
    try:
        yield stream
    finally:
        stream.close()


def edit(server: PreviewServer, name: str, text: str) -> None:
    """Overwrite a source file, the simple way."""
    (server.site / name).write_text(text, encoding="utf-8")


# -- serving ---------------------------------------------------------------------------------

def test_article_is_served_with_the_reload_script(preview: PreviewServer) -> None:
    status, headers, body = get(preview, TOUR)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert "The first sentence." in body
    assert body.count('<script src="/__byline/reload.js"') == 1
    assert body.index("/__byline/reload.js") < body.rindex("</body>")
    assert int(headers["content-length"]) == len(body.encode())


def test_preview_includes_drafts_and_scheduled_articles(preview: PreviewServer) -> None:
    assert get(preview, "/tv/secret/")[0] == 200
    assert get(preview, "/tv/later/")[0] == 200


@pytest.mark.parametrize("path", ["/", "/tv/"])
def test_preview_lists_mark_drafts_and_scheduled_articles(preview: PreviewServer,
                                                          path: str) -> None:
    assert marked_cards(get(preview, path)[2]) == {"Draft news": "Draft",
                                                   "Scheduled news": "Scheduled"}


def marked_cards(page: str) -> dict[str, str]:
    """Each marked card's headline and its mark ("Draft", "Scheduled")."""
    from bs4 import BeautifulSoup

    html = BeautifulSoup(page, "html.parser")
    return {card.select_one(".card__title").get_text(strip=True):
            card.select_one(".card__status").get_text(strip=True)
            for card in html.select("li.card") if card.select_one(".card__status")}


def test_a_scheduled_story_loses_its_label_when_its_time_comes_without_a_save(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    # Left alone before: the label stayed until the next save of any file.
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
    server = PreviewServer(make_site({**FILES, "content/articles/later.md": article(
        "Scheduled news", date=due.strftime("%Y-%m-%d %H:%M:%S"), category="TV")}), port=0)
    server.start()
    try:
        assert "Scheduled</strong> for" in get(server, "/tv/later/")[2]
        server.wait_for_build(after=server.builds, timeout=30)
        assert datetime.now(UTC) >= due
        page = get(server, "/tv/later/")[2]
        assert "Scheduled news" in page and "Scheduled</strong>" not in page
        assert marked_cards(get(server, "/tv/")[2]) == {"Draft news": "Draft"}
    finally:
        server.stop()


def test_output_folder_is_never_written(preview: PreviewServer) -> None:
    assert not (preview.site / "output").exists()
    assert preview.output is not None
    assert preview.output.is_relative_to(preview.site / ".byline-cache" / "preview")
    built = (preview.output / "music/tour/index.html").read_text(encoding="utf-8")
    assert "__byline" not in built  # the script is added as served, never written


def test_folder_without_slash_redirects(preview: PreviewServer) -> None:
    status, headers, _ = get(preview, "/music/tour?x=1")
    assert status in (301, 302)
    assert headers["location"] == "/music/tour/?x=1"


def test_unknown_path_gets_the_404_page(preview: PreviewServer) -> None:
    status, headers, body = get(preview, "/no/such/page/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert preview.output is not None
    page_404 = (preview.output / "404.html").read_text(encoding="utf-8")
    assert page_404.split("<body", 1)[1][:200] in body
    assert "/__byline/reload.js" in body


@pytest.mark.parametrize("path", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/site.yaml", "/..%2fsite.yaml",
    "/%2e%2e%2f%2e%2e%2fsite.yaml", "/music/../../site.yaml", "/..\\site.yaml",
    "//etc/passwd", "/etc/passwd", "/%00", "/.byline-cache/build.sqlite",
])
def test_paths_outside_the_site_are_refused(preview: PreviewServer, path: str) -> None:
    status, _, body = get(preview, path)
    assert status in (400, 404)
    assert "base_url" not in body and "root:" not in body


def test_symlink_out_of_the_site_is_not_followed(preview: PreviewServer) -> None:
    assert preview.output is not None
    (preview.output / "leak.yaml").symlink_to(preview.site / "site.yaml")
    status, _, body = get(preview, "/leak.yaml")
    assert status == 404
    assert "base_url" not in body


def test_content_types(preview: PreviewServer) -> None:
    assert get(preview, "/feed.xml")[1]["content-type"].startswith("application/atom+xml")
    assert get(preview, "/rss.xml")[1]["content-type"].startswith("application/rss+xml")
    assert get(preview, "/sitemap.xml")[1]["content-type"].startswith("application/xml")
    _, _, home = get(preview, "/")
    css = home.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    status, headers, _ = get(preview, css)
    assert (status, headers["content-type"]) == (200, "text/css; charset=utf-8")
    status, headers, script = get(preview, "/__byline/reload.js")
    assert status == 200
    assert headers["content-type"].startswith("application/javascript")
    assert "EventSource" in script
    assert content_type("a/photo.1234abcd.800.webp") == "image/webp"
    assert content_type("a/photo.1234abcd.800.avif") == "image/avif"


def test_a_photo_the_preview_makes_on_request_is_the_file_a_build_makes(
    make_site: Callable[[SiteFiles], Path], tmp_path: Path
) -> None:
    """Found by a red-team pass: the preview made a photo's size asked for from the photo
    alone, a build from the next wider size, so a build after previewing published other
    bytes under the same (immutable) names than a clean build, and feeds their lengths."""
    picture = Image.merge("RGB", [Image.effect_mandelbrot((1600, 1000), box, 64)
                                  for box in ((-2, -1.2, 1, 1.2), (-1.8, -1, 0.8, 1.1),
                                              (-2.1, -1.3, 0.9, 1))])
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=95)
    files = {"content/articles/a/index.md": article(category="Music",
                                                   hero="{image: p.jpg, alt: A fractal}"),
             "content/articles/a/p.jpg": data.getvalue()}
    site = make_site(files)
    server = PreviewServer(site, port=0)
    server.start()
    try:
        page = get(server, "/music/a/")[2]
        asked = sorted(set(re.findall(r"/images/[^\s\",]+", page)))
        assert len(asked) >= 4, asked
        for url in asked:
            assert get(server, url)[0] == 200
    finally:
        server.stop()
    build(site)
    clean = write_files(tmp_path / "clean", files | {"site.yaml": (site / "site.yaml").read_text()})
    build(clean)
    made = {p.name: p.read_bytes() for p in (site / "output/images").iterdir()}
    assert made == {p.name: p.read_bytes() for p in (clean / "output/images").iterdir()}


def test_head_has_headers_and_no_body(preview: PreviewServer) -> None:
    status, headers, body = get(preview, TOUR, method="HEAD")
    assert status == 200 and body == ""
    assert int(headers["content-length"]) > 0


def test_busy_port_moves_to_the_next_one(make_site: Callable[[SiteFiles], Path]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = PreviewServer(make_site(FILES), port=port)
        try:
            server.start()
        except OSError:
            pytest.skip("the next port happened to be taken too")
        try:
            assert server.port > port
            assert get(server, TOUR)[0] == 200
        finally:
            server.stop()


# -- rebuilding and events -------------------------------------------------------------------

def test_edit_sends_a_reload_event_naming_the_page(
    preview: PreviewServer, events: EventStream
) -> None:
    edit(preview, "content/articles/tour.md",
         article("Mara Quell tours", category="Music", body="A brand new sentence."))
    data = events.until("reload", timeout=5)
    assert TOUR in data["changed"]
    assert "A brand new sentence." in get(preview, TOUR)[2]


def test_an_edit_patches_the_last_build_and_a_new_article_rebuilds_all(
    preview: PreviewServer, events: EventStream
) -> None:
    edit(preview, "content/articles/tour.md",
         article("Mara Quell tours", category="Music", body="Patched in."))
    assert TOUR in events.until("reload", timeout=5)["changed"]
    assert preview.last_result is not None and preview.last_result.patched
    assert "Patched in." in get(preview, TOUR)[2]
    edit(preview, "content/articles/new.md", article("Brand new", category="Music"))
    assert "/music/new/" in events.until("reload", timeout=5)["changed"]
    assert not preview.last_result.patched  # a new file: the whole pipeline
    assert "Brand new" in get(preview, "/music/")[2]


def test_a_deleted_story_tells_its_open_page(preview: PreviewServer, events: EventStream) -> None:
    """Found by a red-team pass: the tab of a story deleted (or whose folder was renamed)
    never updated, since the reload event named only the pages written, not those gone."""
    (preview.site / "content/articles/tour.md").unlink()
    assert TOUR in events.until("reload", timeout=5)["changed"]
    assert get(preview, TOUR)[0] == 404


def test_a_manifest_pulled_in_gives_the_preview_its_redirects(
    preview: PreviewServer, events: EventStream
) -> None:
    """Found by a red-team pass: the preview did not watch ``.byline/``, so a colleague's
    manifest arriving by ``git pull`` left an old address a 404 there, and every patch after
    kept the redirects of before, until a build of every stage."""
    manifest = {"version": 1, "articles": {"articles/tour.md": ["/music/old-tour/", TOUR]}}
    (preview.site / ".byline").mkdir()
    edit(preview, ".byline/published.json", json.dumps(manifest))
    events.until("reload", timeout=5)
    status, _, body = get(preview, "/music/old-tour/")
    assert status == 200 and TOUR in body
    assert preview.last_result is not None and not preview.last_result.patched


def test_write_to_temp_then_rename_is_one_build(preview: PreviewServer) -> None:
    before = preview.builds
    source = preview.site / "content/articles/tour.md"
    temporary = source.with_name(".tour.md.tmp1234")
    temporary.write_text(article("Mara Quell tours", category="Music", body="Renamed in."),
                         encoding="utf-8")
    os.replace(temporary, source)
    assert preview.wait_for_build(after=before) == before + 1
    time.sleep(0.4)  # nothing else may trickle in
    assert preview.builds == before + 1
    assert "Renamed in." in get(preview, TOUR)[2]


def test_vim_style_save_is_one_build(preview: PreviewServer) -> None:
    before = preview.builds
    folder = preview.site / "content/articles"
    source = folder / "tour.md"
    (folder / "4913").write_text("")  # vim checks it may create files here
    (folder / "4913").unlink()
    os.replace(source, folder / "tour.md~")  # backup by rename, then write anew
    (folder / ".tour.md.swp").write_bytes(b"\0swap")
    source.write_text(article("Mara Quell tours", category="Music", body="Saved by vim."),
                      encoding="utf-8")
    (folder / "tour.md~").unlink()
    assert preview.wait_for_build(after=before) == before + 1
    time.sleep(0.4)
    assert preview.builds == before + 1
    assert "Saved by vim." in get(preview, TOUR)[2]


def test_several_quick_writes_are_one_build(preview: PreviewServer) -> None:
    before = preview.builds
    source = preview.site / "content/articles/tour.md"
    source.unlink()  # some editors delete, then recreate
    for n in range(5):
        source.write_text(article("Mara Quell tours", category="Music", body=f"Draft {n}."),
                          encoding="utf-8")
        time.sleep(0.005)
    assert preview.wait_for_build(after=before) == before + 1
    time.sleep(0.4)
    assert preview.builds == before + 1
    assert "Draft 4." in get(preview, TOUR)[2]


def test_editor_noise_alone_builds_nothing(preview: PreviewServer) -> None:
    before = preview.builds
    folder = preview.site / "content/articles"
    for name in (".#tour.md", "tour.md~", ".tour.md.swp", "4913", "tour.md.tmp", "#tour.md#"):
        (folder / name).write_text("noise")
    (preview.site / "output").mkdir()
    (preview.site / "output" / "x.html").write_text("not a source")
    (preview.site / "README.txt").write_text("not a source")
    time.sleep(0.5)
    assert preview.builds == before


def test_a_story_made_readable_rebuilds(preview: PreviewServer) -> None:
    # A red-team pass: `chmod u+r`, the fix an unreadable story is given, changes no byte,
    # and the preview kept serving the failed build until another file was saved.
    before = preview.builds
    story = next((preview.site / "content/articles").glob("*.md"))
    story.chmod(0o600)
    preview.wait_for_build(after=before)
    assert preview.builds > before


def test_saves_in_a_year_folder_and_a_hidden_static_file_rebuild(preview: PreviewServer) -> None:
    """Found by a red-team pass: a folder named all in digits was taken for vim's test file
    "4913", so a story in content/articles/2026/ was never rebuilt; and static/.well-known/
    files, which the build publishes, were taken for editors' hidden files."""
    before = preview.builds
    story = preview.site / "content/articles/2026/tour-dates.md"
    story.parent.mkdir()
    story.write_text(article("Tour dates", category="Music", body="First."), encoding="utf-8")
    before = preview.wait_for_build(after=before)
    assert "First." in get(preview, "/music/tour-dates/")[2]
    story.write_text(article("Tour dates", category="Music", body="Second."), encoding="utf-8")
    before = preview.wait_for_build(after=before)
    assert "Second." in get(preview, "/music/tour-dates/")[2]
    known = preview.site / "static/.well-known/security.txt"
    known.parent.mkdir(parents=True)
    known.write_text("Contact: mailto:desk@news.example\n", encoding="utf-8")
    before = preview.wait_for_build(after=before)
    assert get(preview, "/.well-known/security.txt")[2] == "Contact: mailto:desk@news.example\n"
    known.write_text("Contact: mailto:tips@news.example\n", encoding="utf-8")
    preview.wait_for_build(after=before)
    assert get(preview, "/.well-known/security.txt")[2] == "Contact: mailto:tips@news.example\n"


def test_saves_reach_the_preview_after_the_stories_folder_is_replaced_by_a_copy(
        make_site: Callable[[SiteFiles], Path]) -> None:
    """Found by a red-team pass: once content/articles was replaced by a copy (moved aside,
    the copy moved into its place, the old one deleted, as a restore or a sync tool does),
    saves to a story folder inside it were, about half the time, never seen: the preview
    served the old text until it was restarted, with no word."""
    import shutil

    server = PreviewServer(make_site({
        "content/articles/review/index.md": article("Paper Moons review", category="Music",
                                                    body="A quiet film."),
        "content/articles/tour.md": article("Mara Quell tours", category="Music")}), port=0)
    server.start()
    try:
        articles = server.site / "content/articles"
        for attempt in range(4):  # each time a fresh chance of the race
            shutil.copytree(articles, articles.with_name("articles.new"))
            articles.rename(articles.with_name("articles.old"))
            articles.with_name("articles.new").rename(articles)
            time.sleep(0.5)
            shutil.rmtree(articles.with_name("articles.old"))
            time.sleep(0.5)
            before = server.builds
            (articles / "review/index.md").write_text(article(
                "Paper Moons review", category="Music", body=f"Edit {attempt}."),
                encoding="utf-8")
            deadline = time.monotonic() + 6
            while f"Edit {attempt}." not in get(server, "/music/review/")[2]:
                assert time.monotonic() < deadline, f"save {attempt} never reached the preview"
                time.sleep(0.1)
            # A build counts itself once it has finished, a moment after its pages are out.
            assert server.wait_for_build(before) > before
    finally:
        server.stop()


def test_a_story_reached_through_a_link_rebuilds_when_saved(make_site) -> None:
    """Found by a red-team pass: the build follows a link in content/ to a story elsewhere
    in the site, but the preview never saw it saved (inotify reports the save where the
    file is); nor one linked in after the preview started."""
    site = make_site({"content/articles/tour.md": article("Tour", category="Music"),
                      "shared/story/index.md": article("Shared", category="Music",
                                                       body="First.")})
    (site / "content/articles/shared").symlink_to("../../shared/story")
    server = PreviewServer(site, port=0)
    server.start()
    try:
        assert "First." in get(server, "/music/shared/")[2]
        before = server.builds
        (site / "content/articles/shared/index.md").write_text(
            article("Shared", category="Music", body="Second."), encoding="utf-8")
        before = server.wait_for_build(after=before)
        assert "Second." in get(server, "/music/shared/")[2]
        (site / "elsewhere/story").mkdir(parents=True)
        (site / "elsewhere/story/index.md").write_text(
            article("Later", category="Music", body="Linked later."), encoding="utf-8")
        (site / "content/articles/later").symlink_to("../../elsewhere/story")
        before = server.wait_for_build(after=before)
        assert "Linked later." in get(server, "/music/later/")[2]
        (site / "elsewhere/story/index.md").write_text(
            article("Later", category="Music", body="Saved again."), encoding="utf-8")
        server.wait_for_build(after=before)
        assert "Saved again." in get(server, "/music/later/")[2]
    finally:
        server.stop()


def test_broken_save_sends_errors_and_keeps_the_last_good_page(
    preview: PreviewServer, events: EventStream
) -> None:
    good = article("Mara Quell tours", category="Music", body="Good words.")
    edit(preview, "content/articles/tour.md", good)
    events.until("reload")
    edit(preview, "content/articles/tour.md", good.replace("title: Mara", "title: [Mara"))
    data = events.until("error", timeout=5)
    assert any(p.startswith("content/articles/tour.md:2: error:") for p in data["problems"])
    status, _, body = get(preview, TOUR)
    assert status == 200 and "Good words." in body
    # A page opened now learns about the problem as soon as it connects.
    late = EventStream(preview)
    try:
        name, state = late.next()
        assert name == "state"
        assert state["problems"] == data["problems"]
    finally:
        late.close()
    edit(preview, "content/articles/tour.md", good.replace("Good words.", "Fixed words."))
    fixed = events.until("reload", timeout=5)
    assert TOUR in fixed["changed"]
    assert preview.problems == []
    assert "Fixed words." in get(preview, TOUR)[2]


def test_fixing_back_to_the_last_good_text_still_clears_errors(
    preview: PreviewServer, events: EventStream
) -> None:
    source = preview.site / "content/articles/tour.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("title: Mara", "title: [Mara"), encoding="utf-8")
    events.until("error", timeout=5)
    source.write_text(good, encoding="utf-8")  # nothing changed since the last good build
    assert events.until("reload", timeout=5)["changed"] == []


# -- stopping --------------------------------------------------------------------------------

def test_stop_leaves_no_threads_and_no_preview_folder(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    before = set(threading.enumerate())
    server = PreviewServer(make_site(FILES), port=0)
    server.start()
    stream = EventStream(server)  # an open page must not hold the server up
    assert stream.next()[0] == "state"
    idle = socket.create_connection(("127.0.0.1", server.port))  # nor an idle connection
    output = server.output
    assert output is not None and output.is_dir()
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5
    with pytest.raises(EOFError):
        stream.next(timeout=2)
    stream.close()
    idle.close()
    assert not output.exists()
    assert not (server.site / ".byline-cache" / "preview").exists()
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert left == []


def test_folders_of_killed_previews_are_cleaned_up(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    site = make_site(FILES)
    previews = site / ".byline-cache" / "preview"
    dead = previews / "serve-killed"
    (dead / "music").mkdir(parents=True)
    dead.with_suffix(".pid").write_text(str(_gone_pid()))
    alive = previews / "serve-running"
    alive.mkdir()
    alive.with_suffix(".pid").write_text(str(os.getpid()))
    server = PreviewServer(site, port=0)
    server.start()
    server.stop()
    assert not dead.exists() and not dead.with_suffix(".pid").exists()
    assert alive.is_dir()


def test_terminate_signal_stops_the_command_cleanly(
    make_site: Callable[[SiteFiles], Path],
) -> None:
    import signal
    import sys

    site = make_site(FILES)
    # Run in the site's folder, as writers do: the site is named, not "." (a red-team pass).
    command = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", ".", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=site)
    assert command.stdout is not None
    for line in command.stdout:
        if "Previewing" in line:
            assert line.startswith(f"Previewing {site.resolve()} at http://"), line
            break
    command.send_signal(signal.SIGTERM)
    assert command.wait(timeout=10) == 0
    assert not (site / ".byline-cache" / "preview").exists()


def _gone_pid() -> int:
    """The pid of a process that has already ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_missing_site_yaml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BylineError, match=r"site\.yaml"):
        PreviewServer(tmp_path, port=0).start()


# -- pieces ----------------------------------------------------------------------------------

def test_script_goes_before_the_last_body_end() -> None:
    page = b"<html><body><pre>&lt;/body&gt;</pre></body></html>"
    served = inject_script(page, "/x/", 3).decode()
    assert served.endswith('defer></script></body></html>')
    assert 'data-page="/x/"' in served and 'data-version="3"' in served


def test_stylesheet_change_alone_keeps_the_signature() -> None:
    def sig(page: bytes) -> str:
        return inject_script(page, "/", 1).decode().split('data-sig="')[1].split('"')[0]

    old = b'<head><link rel="stylesheet" href="/static/css/site.aaaa1111.css"></head><body>Hi'
    new = old.replace(b"aaaa1111", b"bbbb2222")
    assert sig(old) == sig(new)
    assert sig(old) != sig(new.replace(b"Hi", b"Hello"))


def test_site_paths_and_noise() -> None:
    assert site_path("music/x/index.html") == "/music/x/"
    assert site_path("index.html") == "/"
    assert site_path("feed.xml") == "/feed.xml"
    for name in ("4913", ".#a.md", "a.md~", ".a.md.swp", "a.md.tmp", "#a.md#", "a.md___jb_tmp___"):
        assert is_editor_noise(name), name
    assert not is_editor_noise("a.md")
    site = Path("/site")
    assert matters(site, "/site/content/articles/2026/a.md")
    assert matters(site, "/site/content/articles/2026", folder=True)
    assert not matters(site, "/site/content/articles/2026/4913")
    assert not matters(site, "/site/content/articles/.git/a.md")
    assert matters(site, "/site/static/.well-known/security.txt")
    assert not matters(site, "/site/static/.ads.txt.swp")  # published by no build either
    assert not matters(site, "/site/static/.#ads.txt")
    assert matters(site, "/site/.byline/published.json")
    assert matters(site, "/site/.byline", folder=True)
    assert not matters(site, "/site/.byline/.published.k2j3.tmp")


def test_photos_are_resized_when_the_browser_first_asks(make_site):
    """Preview starts without resizing a photo-heavy site; each image is made on request."""
    import io
    import re

    from PIL import Image

    from tests.conftest import photo_bytes

    site = make_site({
        "content/articles/shoot/index.md": article(
            title="Shoot", category="Music",
            body='Intro.\n\n![The stage](stage.jpg "Caption"){credit="A/B"}'),
        "content/articles/shoot/stage.jpg": photo_bytes((1600, 1000)),
    })
    server = PreviewServer(site, port=0)
    server.start()
    try:
        assert not list((server.output / "images").glob("*")), "nothing resized up front"
        _, _, html = get(server, "/music/shoot/")
        src = re.search(r'<img src="(/images/stage\.[^"]+\.jpg)"', html).group(1)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", src)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        assert response.status == 200 and response.getheader("Content-Type") == "image/jpeg"
        assert Image.open(io.BytesIO(data)).width == 1600
        assert get(server, "/images/no-such.0123456789.480.webp")[0] == 404
    finally:
        server.stop()
