"""Preview-server concurrency benchmark: many requests at once beside idle connections.

    python bench/serve/concurrency.py                 # 100 requests beside 50 idle, 5 rounds
    python bench/serve/concurrency.py --requests 200 --idle 600 --rounds 3

The sample site of this repository (site.yaml and content/) is copied to a temporary folder
and previewed with ``PreviewServer`` on a free port (which builds it).  Each round opens
``--idle`` connections that never send a byte, then starts ``--requests`` threads that each
open a connection of their own and GET one URL of the built site (pages, stylesheets, feeds
and one missing page, in turn; not photos, which the preview resizes on first request),
all released together.  The time is from that release until the last body is read.  Printed:
each round's wall time and failures, the median, and whether every request of every round
succeeded under the target (3 s, from issue 11).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from generator.serve import PreviewServer  # noqa: E402

TARGET_SECONDS = 3.0  # from issue 11


def copy_sample_site(target: Path) -> Path:
    """This repository's sample site, copied so the preview's cache lands outside the repo."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    shutil.copytree(REPO / "content", target / "content")
    return target


def site_urls(output: Path) -> list[str]:
    """URL paths of the built pages, stylesheets and feeds, and one that does not exist."""
    urls = []
    for path in sorted(output.rglob("*")):
        if path.suffix not in (".html", ".css", ".xml") or not path.is_file():
            continue
        relative = path.relative_to(output).as_posix()
        urls.append("/" + relative.removesuffix("index.html"))
    return [*urls, "/no/such/page/"]


def fetch(port: int, url: str, start: threading.Barrier) -> tuple[float, float, int | str]:
    """GET ``url`` on a new connection once every thread is ready: start, end, status."""
    start.wait()
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        response.read()
        outcome: int | str = response.status
    except OSError as error:
        outcome = f"{type(error).__name__}: {error}"
    finally:
        conn.close()
    return began, time.perf_counter(), outcome


def one_round(port: int, urls: list[str], requests: int, idle: int) -> tuple[float, list[str]]:
    """Wall time of ``requests`` concurrent GETs beside ``idle`` silent connections; failures."""
    silent = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(idle)]
    try:
        start = threading.Barrier(requests)
        with ThreadPoolExecutor(max_workers=requests) as pool:
            jobs = [pool.submit(fetch, port, urls[n % len(urls)], start)
                    for n in range(requests)]
            results = [job.result() for job in jobs]
    finally:
        for sock in silent:
            sock.close()
    wall = max(end for _, end, _ in results) - min(began for began, _, _ in results)
    missing = "/no/such/page/"
    failures = [f"{urls[n % len(urls)]}: {outcome}" for n, (_, _, outcome) in enumerate(results)
                if outcome != (404 if urls[n % len(urls)] == missing else 200)]
    return wall, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="concurrent GETs per round")
    parser.add_argument("--idle", type=int, default=50, help="silent connections beside them")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="byline-concurrency-") as work:
        site = copy_sample_site(Path(work) / "site")
        server = PreviewServer(site, port=0)
        server.start()
        try:
            assert server.output is not None
            urls = site_urls(server.output)
            print(f"Preview of the sample site on port {server.port}: {len(urls)} URLs; "
                  f"{args.requests} concurrent requests beside {args.idle} idle connections")
            walls, failed = [], 0
            for number in range(1, args.rounds + 1):
                wall, failures = one_round(server.port, urls, args.requests, args.idle)
                walls.append(wall)
                failed += len(failures)
                print(f"  round {number}: {wall:.3f} s, "
                      f"{args.requests - len(failures)}/{args.requests} succeeded")
                for failure in failures[:5]:
                    print(f"    failed: {failure}")
        finally:
            server.stop()

    median, worst = statistics.median(walls), max(walls)
    ok = failed == 0 and worst < TARGET_SECONDS
    print(f"{args.requests} concurrent requests beside {args.idle} idle connections: "
          f"median {median:.3f} s, worst {worst:.3f} s over {args.rounds} rounds, "
          f"{failed} failed (target: all succeed in under {TARGET_SECONDS:.0f} s): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
