"""MkDocs' live-reload server, with two additions: the current problems shown on every served page, and a way
to reload open pages in the middle of a rebuild (when the changed paper's page is ready, before the rest).
What it needs from the server's insides comes from publish/mkdocs_compat.py."""

from __future__ import annotations

import html
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.observers import Observer

from sitegen.publish.mkdocs_compat import ReloadServer, announce_build, request_rebuild, use_observer

POLL_SECONDS = 0.25
"""How often the watcher looks for changes where the system cannot tell (MkDocs' default is 0.5 s)."""


class Server(ReloadServer):
    """Serve root, rebuild with builder when a watched file changes, and show notice() on every page."""

    def __init__(self, builder: Callable[[], None], host: str, port: int, root: Path,
                 notice: Callable[[], list[str]]) -> None:
        super().__init__(builder=builder, host=host, port=port, root=str(root), polling_interval=POLL_SECONDS)
        self.notice = notice
        # MkDocs polls; the system's own notifications (inotify, FSEvents, ...) tell at once and cost nothing
        # between changes. watchdog picks them where the system has them, and polls elsewhere.
        use_observer(self, Observer(timeout=POLL_SECONDS))

    def server_activate(self) -> None:
        super().server_activate()
        # The watcher starts after this and takes its first look in a thread of its own: a file saved in
        # between would go unseen, so look again (the session compares every file) once the watcher runs.
        threading.Timer(4 * POLL_SECONDS, self.rebuild_soon).start()
        host, port = str(self.server_address[0]), int(self.server_address[1])
        where = f"[{host}]" if ":" in host else host
        print(f"Serving on http://{where}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)

    def page_served(self, page: bytes) -> bytes:
        return with_notice(page, self.notice())

    def rebuild_soon(self) -> None:
        """Ask for a rebuild, as a change of a watched file does."""
        request_rebuild(self)

    def show(self) -> None:
        """Serve what the site folder holds now and reload the open pages, even while a rebuild goes on."""
        announce_build(self)


NOTICE_STYLE = ("position:sticky;top:0;z-index:1000;margin:0;padding:.6em 1em;background:#b71c1c;color:#fff;"
                "font:14px/1.4 system-ui,sans-serif;white-space:pre-wrap")


def with_notice(page: bytes, lines: list[str]) -> bytes:
    """Return the page with the problems shown at the top of its body (as text: they quote file contents)."""
    if not lines:
        return page
    body = page.find(b"<body")
    at = page.find(b">", body) + 1 if body >= 0 else 0
    text = "\n".join(html.escape(line, quote=False) for line in lines)
    notice = (f'<div class="sg-serve-notice" role="alert" style="{NOTICE_STYLE}">'
              f"<strong>sitegen serve</strong>\n{text}</div>")
    return page[:at] + notice.encode("utf-8") + page[at:]


def quiet_mkdocs() -> None:
    """Keep MkDocs' own info lines off the terminal, and the live-reload server's requests for pages that are
    not there (yet): sitegen prints its own lines."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("mkdocs.livereload").setLevel(logging.ERROR)
