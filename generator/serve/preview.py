"""The live preview: build once, serve the result, rebuild on every save, tell open pages.

    watcher (watchdog threads) ──request──▶ Rebuilder (one thread, debounced, serial)
                                                │ build_site(preview options, same BuildState)
                                                ▼
    browser ◀── HTTP + server-sent events ── PreviewHTTPServer ◀── ReloadHub (changed / errors)

The site is built into a private folder under ``.byline-cache/preview/`` with drafts and
future-dated articles included; ``output/`` is never touched.  A failed build leaves the
previous files in place (the build commits only on success), so the preview keeps serving the
last good pages while every open page shows the problems.
"""

from __future__ import annotations

import gc
import ipaddress
import os
import shutil
import sys
import tempfile
import threading
import traceback
import webbrowser
from collections.abc import Iterable
from pathlib import Path

from generator.build import BuildOptions, BuildResult, BuildState, build_site
from generator.cache import CACHE_DIR_NAME, refuse_linked_cache
from generator.config import CONFIG_NAME
from generator.errors import BuildFailed, BylineError, Problem, Severity
from generator.image_stage import make_pending
from generator.lifeline import process_running
from generator.serve.rebuild import Rebuilder, settle_heap, stop_on_termination
from generator.serve.reload import ReloadHub
from generator.serve.server import PreviewHTTPServer, bind
from generator.serve.watcher import SourceWatcher
from generator.theme import builtin_themes_dir

PREVIEW_DIR_NAME = "preview"


class PreviewServer:
    """A running preview of one site: ``start()``, read ``url``, ``stop()``."""

    def __init__(self, site: Path, host: str = "127.0.0.1", port: int = 8000, *,
                 quiet: bool = True, verbose: bool = False) -> None:
        self.site = site.resolve()
        self.host = host
        self.requested_port = port
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.hub = ReloadHub()
        self.output: Path | None = None
        self.last_result: BuildResult | None = None
        self._state = BuildState()
        # A scheduled story's "Scheduled" label goes when its time comes, without a save.
        self._rebuilder = Rebuilder(self._build, due=self._state.stale_from)
        self._watcher = SourceWatcher(self.site, self._rebuilder.request,
                                      extra=[builtin_themes_dir()])
        self._http: PreviewHTTPServer | None = None
        self._http_thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._image_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Build once, then serve and watch; return once pages can be fetched."""
        if not (self.site / CONFIG_NAME).is_file():
            raise BylineError(f"{self.site} has no {CONFIG_NAME}: run `byline serve` in a site "
                              "folder, or pass --site")
        # Before anything is made or swept there (a red-team pass: a linked cache had its
        # target's folders deleted as abandoned previews).
        refuse_linked_cache(self.site / CACHE_DIR_NAME)
        previews = self.site / CACHE_DIR_NAME / PREVIEW_DIR_NAME
        previews.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(previews)
        # A folder of its own, so two previews of one site (or a crashed one) never collide.
        self.output = Path(tempfile.mkdtemp(prefix="serve-", dir=previews))
        # Beside the folder, not in it: the build deletes files it did not write.
        self.output.with_suffix(".pid").write_text(str(os.getpid()), encoding="utf-8")
        try:
            # Bound before the first build, so a port problem shows at once; connections made
            # during the build wait in the backlog and are answered when it is done.
            self._http = bind(self.host, self.requested_port, self.output, self.hub)
            self._http.make_missing = self._make_image
            if self.requested_port not in (0, self.port):
                self._say(f"Port {self.requested_port} is in use: serving on port {self.port} "
                          "instead.")
            if not _is_loopback(self.host):
                self._say(f"Listening on {self.host}: other machines on your network can see "
                          "this preview, drafts included.")
            # Watching starts before the build, so a save during a long first build is not lost.
            self._watcher.start()
            self._say(f"Building {self.site} with drafts and scheduled articles…")
            self._rebuilder.build_now()
            self._rebuilder.start()
            self._http_thread = threading.Thread(
                target=self._http.serve_forever, kwargs={"poll_interval": 0.1},
                name="byline-http", daemon=True)
            self._http_thread.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop watching, end event streams, close the server and remove the preview folder."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._watcher.stop()
        self._rebuilder.stop()
        if self._http is not None:
            if self._http_thread is not None:
                self._http.shutdown()  # returns once serve_forever has
                self._http_thread.join()
            self.hub.close()
            self._http.close_connections()
            self._http.server_close()  # joins the request threads
        self._state.close()
        gc.unfreeze()  # the heap is the embedding program's again (tests run many previews)
        if self.output is not None:
            shutil.rmtree(self.output, ignore_errors=True)
            self.output.with_suffix(".pid").unlink(missing_ok=True)
            previews = self.output.parent
            if previews.is_dir() and not any(previews.iterdir()):
                previews.rmdir()

    def wait_for_build(self, after: int, timeout: float = 10.0) -> int:
        """Wait until more than ``after`` builds have run and none is due; return the count."""
        return self._rebuilder.wait(after, timeout)

    def wait_until_stopped(self, poll: float = 0.5) -> None:
        """Block until ``stop()`` (or Ctrl-C, which raises KeyboardInterrupt here)."""
        while not self._stopped.wait(poll):
            pass

    # -- what tests and the command read -------------------------------------------------
    @property
    def port(self) -> int:
        """The port actually listened on."""
        assert self._http is not None, "start() first"
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host = self.host
        if _is_unspecified(host):
            host = "127.0.0.1"  # listening everywhere; this machine can use loopback
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    @property
    def builds(self) -> int:
        """How many builds have run (successful or not), the first one included."""
        return self._rebuilder.builds

    @property
    def problems(self) -> list[str]:
        """The errors of the last build, empty if it succeeded."""
        return list(self.hub.problems)

    # -- building ------------------------------------------------------------------------
    def _build(self, changed: frozenset[str] | None) -> None:
        try:
            self._build_and_tell(changed)
        finally:
            settle_heap()

    def _build_and_tell(self, changed: frozenset[str] | None) -> None:
        assert self.output is not None
        options = BuildOptions(site=self.site, output=self.output, drafts=True, future=True,
                               preview=True, defer_images=True, saved=changed)
        try:
            result = build_site(options, self._state)
        except BuildFailed as failed:
            errors = [str(p) for p in failed.problems if p.severity is Severity.ERROR]
            self.hub.failed(errors or [str(failed)])
            self._say_problems(failed.problems)
            if self.last_result is None:
                self._say(f"The {failed}: fix it and save, and the preview builds again.")
            else:
                self._say(f"The {failed}: still serving the last version that built.")
            return
        except Exception as crash:  # the server outlives a bug in one build
            traceback.print_exc(file=sys.stderr)
            self.hub.failed([f"error: the build crashed: {type(crash).__name__}: {crash}"])
            return
        self.last_result = result
        self.hub.built((*result.changed, *result.gone))
        self._say_problems(result.warnings)
        if self.builds > 0:
            count = len(result.changed)
            self._say(f"Rebuilt in {result.seconds * 1000:.0f} ms: "
                      f"{count} file{'' if count == 1 else 's'} changed")
            if self.verbose and result.why:
                self._say(f"  ({result.why})")
        else:
            self._say(f"Built {result.articles} article{'' if result.articles == 1 else 's'} "
                      f"and {result.pages} page{'' if result.pages == 1 else 's'} "
                      f"in {result.seconds:.2f} s")

    def _make_image(self, url_path: str) -> Path | None:
        """Resize a photo the first time a page shows it (called on the HTTP thread)."""
        result = self.last_result
        pending = result.pending_images.get(url_path.rsplit("/", 1)[-1]) if result else None
        if pending is None:
            return None
        with self._image_lock:  # two tabs asking at once make it once
            return make_pending(pending, self.site / CACHE_DIR_NAME)

    def _say(self, line: str) -> None:
        if not self.quiet:
            print(line, flush=True)

    @staticmethod
    def _say_problems(problems: Iterable[Problem]) -> None:
        for problem in problems:
            print(problem, file=sys.stderr, flush=True)


def _remove_abandoned(previews: Path) -> None:
    """Delete preview folders left by servers that were killed (their process is gone)."""
    for marker in previews.glob("serve-*.pid"):
        try:
            if process_running(int(marker.read_text(encoding="utf-8"))):
                continue  # still running: another preview of this site
        except (ValueError, OSError):
            continue  # unreadable: leave it alone
        shutil.rmtree(marker.with_suffix(""), ignore_errors=True)
        marker.unlink(missing_ok=True)


def _is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host == ""


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve_site(site: Path, host: str = "127.0.0.1", port: int = 8000,
               open_browser: bool = False, quiet: bool = False, verbose: bool = False) -> int:
    """Preview ``site`` at http://host:port/, rebuilding on every save, until Ctrl-C; with
    ``verbose``, say after each save whether the build patched the last one, and why not."""
    stop_on_termination()
    server = PreviewServer(site, host, port, quiet=quiet, verbose=verbose)
    try:
        server.start()
    except BylineError as error:
        print(f"byline: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"byline: error: cannot listen on {host} port {port}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        if not quiet:
            # "." (run in the site's folder) is no name to recognise a site by.
            named = site.resolve() if site.resolve() == Path.cwd().resolve() else site
            print(f"Previewing {named} at {server.url} — press Ctrl-C to stop.", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        server.wait_until_stopped()
    except KeyboardInterrupt:
        if not quiet:
            print("\nStopping the preview.", flush=True)
    finally:
        server.stop()
    return 0
