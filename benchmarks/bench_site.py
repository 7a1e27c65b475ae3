"""What a reader's browser downloads, and Lighthouse's accessibility and performance scores.

    .venv/bin/python benchmarks/bench_site.py [--site DIR] [--pages PAGE ...] [--no-lighthouse]

Needs a built site (`make book`), Chromium at /usr/bin/chromium (or CHROME_PATH) and Node.js
with npm. Lighthouse (npm package ``lighthouse``) is installed on first use into
``~/.cache/socialmarketing/lighthouse`` from the npm registry; nothing else is fetched.

The site is served on 127.0.0.1 the way a static host such as GitHub Pages serves it: text
files gzip-compressed when the browser accepts it, everything cacheable. For every page, the
bytes transferred on a first visit are counted in Chromium (Playwright) without scrolling; the
chart library (loaded when a chart nears the screen) is counted separately, once. Lighthouse
runs with its desktop preset on the chapter pages and the welcome page (or the pages given).
Targets from the course's brief: accessibility 100 and desktop performance at least 90.
This is a script that prints numbers, not a test; scores vary a few points from run to run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE_VERSION = "13.5.0"
LIGHTHOUSE_HOME = Path.home() / ".cache" / "socialmarketing" / "lighthouse"
COMPRESSED = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml"}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync "
    "--disable-background-networking --disable-component-update"
)


class StaticHost(SimpleHTTPRequestHandler):
    """Serve files like a static host: gzip for text, long-lived caching, no logging."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSED and wants_gzip):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


class _Body:
    """A file-like object over bytes, for SimpleHTTPRequestHandler's copyfile."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return chunk

    def close(self) -> None:
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(StaticHost, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pages_of(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


def transferred_bytes(url: str, pages: list[str], chromium: str) -> dict[str, tuple[int, int]]:
    """Bytes over the wire for each page on a first visit: (page and its files, chart library)."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for page_path in pages:
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}

            def count(request, sizes=sizes) -> None:
                response = request.response()
                if response is not None:
                    size = request.sizes()
                    sizes[request.url] = size["responseBodySize"] + size["responseHeadersSize"]

            page.on("requestfinished", count)
            page.goto(f"{url}/{page_path}", wait_until="networkidle")
            before = sum(sizes.values())
            charts = page.query_selector_all(".sm-chart")
            library = 0
            if charts:
                charts[0].scroll_into_view_if_needed()
                page.wait_for_function(
                    f"document.querySelectorAll('.sm-chart svg').length >= {len(charts)}",
                    timeout=60_000,
                )
                page.wait_for_load_state("networkidle")
                library = sum(sizes.values()) - before
            results[page_path] = (before, library)
            context.close()
        browser.close()
    return results


def lighthouse_command() -> list[str]:
    """The Lighthouse command line, installed with npm on first use."""
    binary = LIGHTHOUSE_HOME / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("bench_site: Lighthouse needs Node.js and npm (apt-get install npm)")
        LIGHTHOUSE_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *(npm, "install", "--no-audit", "--no-fund", "--silent"),
                *("--prefix", str(LIGHTHOUSE_HOME), f"lighthouse@{LIGHTHOUSE_VERSION}"),
            ],
            check=True,
        )
    return [str(binary)]


def lighthouse(url: str, chromium: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [
                *lighthouse_command(),
                *(url, "--preset=desktop", "--only-categories=accessibility,performance"),
                *("--output=json", f"--output-path={report}", "--quiet"),
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": chromium},
        )
        result = json.loads(report.read_text(encoding="utf-8"))
    audits = result["audits"]
    return {
        "accessibility": 100 * result["categories"]["accessibility"]["score"],
        "performance": 100 * result["categories"]["performance"]["score"],
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--pages", nargs="*", help="pages for Lighthouse (default: chapters)")
    parser.add_argument("--no-lighthouse", action="store_true", help="only count bytes")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "index.html").exists():
        raise SystemExit(f"bench_site: no built site in {site}: run `make book` first")
    chromium = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        raise SystemExit(f"bench_site: no Chromium at {chromium} (apt-get install chromium)")

    server, url = serve(site)
    try:
        pages = pages_of(site)
        weights = transferred_bytes(url, pages, chromium)
        print(f"{'page':<42} {'first visit KB':>14} {'+ charts KB':>11}")
        for page, (first, library) in weights.items():
            print(f"{page:<42} {first / 1024:>14.0f} {library / 1024:>11.0f}")
        if args.no_lighthouse:
            return
        chosen = args.pages or ["book/index.html"] + [
            page for page in pages if page.startswith("book/0")
        ]
        print()
        heading = f"{'a11y':>5} {'perf':>5} {'FCP s':>6} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6}"
        print(f"{'Lighthouse, desktop':<42} {heading}")
        for page in chosen:
            score = lighthouse(f"{url}/{page}", chromium)
            print(
                f"{page:<42} {score['accessibility']:>5.0f} {score['performance']:>5.0f} "
                f"{score['fcp_s']:>6.2f} {score['lcp_s']:>6.2f} {score['tbt_ms']:>7.0f} "
                f"{score['cls']:>6.3f}"
            )
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
