"""Headless Chromium for browser tests and the benchmark: Debian's /usr/bin/chromium driven by Playwright.

Started with the flags this project's machines need (no sandbox as root, no background networking, which
the closed network refuses) and a fresh profile folder per browser.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Playwright comes with the test extra
    from playwright.sync_api import BrowserContext

CHROMIUM = os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
POLL = 0.02
"""Seconds a served folder's thread waits between looks at whether it should stop."""


@contextlib.contextmanager
def chromium(offline: bool = False) -> Iterator[BrowserContext]:
    """Yield a Playwright browser context in a fresh profile; offline cuts the network off."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="sitegen-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS, offline=offline)
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a folder over http on a free loopback port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        yield f"http://127.0.0.1:{port}/"


@contextlib.contextmanager
def serving(server: http.server.HTTPServer) -> Iterator[int]:
    """Run server on a thread of its own until the block ends; yield its port. The server stops within
    POLL seconds of the block's end (the standard library's default, half a second, kept each block waiting)."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
