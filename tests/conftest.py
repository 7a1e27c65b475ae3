"""Shared test fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The graded exercises' answer key lives on the instructor's side of the course, not in the
# package: its tests import it from the course folder.
sys.path.insert(0, str(REPO / "exercises"))


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def built_site(repo, tmp_path_factory) -> Path:
    """The book, built strictly from clean once per test session: the html folder.

    While working on the browser tests, set SOCIALMARKETING_BUILT_SITE to an existing
    _build/html folder to skip the build (CI never sets it).
    """
    import os
    import subprocess
    import sys

    if os.environ.get("SOCIALMARKETING_BUILT_SITE"):
        return Path(os.environ["SOCIALMARKETING_BUILT_SITE"])

    output = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("jupyter-book")),
            "build",
            str(repo),
            "--path-output",
            str(output),
            "-n",
            "-W",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    return output / "_build" / "html"


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium. CI installs it; elsewhere browser tests skip, loudly, without it."""
    import os
    import warnings

    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} not found: install it with `apt-get install -y chromium`"
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI, but {message}")
    warnings.warn(f"SKIPPING BROWSER TESTS: {message}", stacklevel=1)
    pytest.skip(f"SKIPPED LOUDLY: {message}")


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A headless Chromium driven by Playwright (its own browser download is never used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: Chromium's own sandbox cannot start as root, which CI runs as.
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 at a free port, for the browser tests."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def learner(tmp_path_factory):
    """The learner environment, built once per session as Binder does (tests/learner_env.py)."""
    import os

    import learner_env

    kept = os.environ.get(learner_env.KEEP_ENV_VAR)
    root = Path(kept) if kept else tmp_path_factory.mktemp("learner")
    return learner_env.build(root)
