"""Every use sitegen makes of MkDocs' private parts (and of Material's markup), in one module.

Everywhere else sitegen drives MkDocs through its public API and plugin events. MkDocs 1.6.1's events are
on_startup, on_shutdown, on_serve, on_config, on_pre_build, on_files, on_nav, on_env, on_post_build,
on_build_error, on_pre_template, on_template_context, on_post_template, on_pre_page, on_page_read_source,
on_page_markdown, on_page_content, on_page_context and on_post_page; what follows is what none of them does.
SUPPORTED names the versions this was written for: check_versions() warns at the start of every command that
runs MkDocs when another one is installed, and tests/test_mkdocs_contract.py fails the day an upgrade changes
a signature or a behaviour relied on here.

- `mkdocs.commands.build._populate_page(page, config, files, dirty)` and `_build_page(page, config,
  doc_files, nav, env, dirty, excluded)`: build() calls the first for every page to read and convert its
  Markdown, then the second to render the theme's template and write the HTML. skipping_pages() wraps both
  so that a build renders only some pages: a share of a parallel or sharded build, or none of the pages a
  dirty rebuild keeps. No event skips a page: on_pre_page must hand back a Page (None keeps the page, an
  exception fails the build), on_page_read_source and on_page_markdown only replace the text, and an empty
  result of on_post_page stops the write only after the theme's template was rendered, which is the cost a
  share is there to save (about 1.3 ms a page). render_page() calls the two for `sitegen serve`'s quick
  path: no public call renders one page of a loaded site (build() renders all of them).
- `mkdocs.utils.clean_directory(directory)`: a build that is not dirty empties the site folder with it right
  after on_pre_build, with no event in between. not_cleaning() makes it leave the folder alone, so that the
  runs rendering into one staging folder at once never empty it under each other (the build prepares that
  folder itself). build(dirty=True) does not clean, but it logs a warning that fails a --strict build and
  it decides by file times what to render. (Material's projects plugin replaces the same function.)
- DIRTY_NOTICE: the start of the warning build(dirty=True) logs; sitegen chooses dirty builds itself, when
  they are sound, so publish/mkdocs_site.capture_warnings() drops it where it is logged (a filter on the
  `mkdocs.commands.build` logger: public logging API), before MkDocs counts it against --strict. Only the text
  and the logger's name are relied on.
- `mkdocs.livereload.LiveReloadServer`, `sitegen serve`'s server. The class is not public API at all; its
  constructor (builder, host, port, root, polling_interval), watch(), serve() and shutdown() are used as
  `mkdocs serve` uses them. ReloadServer and the functions below reach inside it:
  - `_inject_js_into_html(content, epoch)`: every served HTML page passes through it (it adds the reload
    script); ReloadServer overrides it to call page_served(), which sitegen's server uses to show the
    current problems. The server offers no hook on the pages it serves.
  - `_rebuild_cond` and `_want_rebuild`: request_rebuild() asks for a rebuild as a watched file's change
    does (the watcher's callback sets them). There is no public call.
  - `_epoch_cond`, `_visible_epoch`, `_wanted_epoch` and the epoch's unit (milliseconds of time.monotonic(),
    its `_timestamp()`): announce_build() reloads the open pages before a rebuild ends (when the changed
    paper's page is ready). There is no public call.
  - `observer` (a polling watchdog observer made in the constructor, started by serve()): use_observer()
    puts one in its place that uses the system's notifications; the constructor only sets the polling time.
- Material (templates, not Python): sitegen/theme/main.html overrides base.html's blocks header, styles,
  extrahead and scripts (blocks Material documents for overriding), includes partials/header.html and puts
  the search box before its first `</nav>` (Material's markup, not a documented interface), and includes
  `.icons/material/magnify.svg`.

What public events do instead (publish/shares.py): a run other than the first of a parallel build writes
none of the site-wide files. It clears `extra_templates` in on_config, hands MkDocs an empty template in
on_pre_template (an empty output is not written) and marks the static files excluded in on_env, which
comes after every page's links were checked and before the static files are copied (and puts them back in
on_post_build). Earlier sitegen replaced `_build_theme_template`, `_build_extra_template` and
`Files.copy_static_files` for that.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mkdocs.livereload import LiveReloadServer

if TYPE_CHECKING:
    from sitegen.errors import Report

SUPPORTED = {"mkdocs": ">=1.6,<1.7", "mkdocs-material": ">=9.5,<10"}
"""The versions this module was written for (with MkDocs 1.6.1 and mkdocs-material 9.8.2)."""

DIRTY_NOTICE = "A 'dirty' build is being performed"
"""The start of the warning MkDocs logs for every dirty build."""


def unsupported_versions() -> list[tuple[str, str | None]]:
    """Return the packages of SUPPORTED installed in another version (or not at all), with that version."""
    from packaging.specifiers import SpecifierSet

    found: list[tuple[str, str | None]] = []
    for package, wanted in SUPPORTED.items():
        try:
            installed: str | None = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed is None or not SpecifierSet(wanted).contains(installed, prereleases=True):
            found.append((package, installed))
    return found


def check_versions(report: Report) -> None:
    """Warn, one line a package, when MkDocs or Material is installed in a version outside SUPPORTED: sitegen
    relies on its private parts, so the build may fail. A warning, not an error: a release that changed none
    of them still builds (tests/test_mkdocs_contract.py tells which do)."""
    for package, installed in unsupported_versions():
        wanted = SUPPORTED[package]
        state = f"{package} {installed} is installed" if installed else f"{package} is not installed"
        report.warn(f"{state}, but sitegen was written for {package}{wanted} and relies on its internals "
                    f"(sitegen/publish/mkdocs_compat.py): the build may fail or differ",
                    hint=f"install a supported version: pip install '{package}{wanted}'")


# --- The build: rendering only some pages -------------------------------------------------------------------

@contextlib.contextmanager
def skipping_pages(renders: Callable[[str], bool]) -> Iterator[None]:
    """Make MkDocs' build read and render only the pages for which renders(src_uri) is true while the block
    runs (src_uri: the page's path inside the docs folder). The others are neither read nor written."""
    import mkdocs.commands.build as steps

    def only(original: Callable[..., None]) -> Callable[..., None]:
        def call(page: Any, *args: Any, **kwargs: Any) -> None:
            if renders(page.file.src_uri):
                original(page, *args, **kwargs)
        return call

    with _replaced(steps, "_populate_page", only), _replaced(steps, "_build_page", only):
        yield


@contextlib.contextmanager
def not_cleaning() -> Iterator[None]:
    """Keep MkDocs' build from emptying the site folder while the block runs (a build that is not dirty
    otherwise removes everything but hidden files from it first)."""
    import mkdocs.utils

    with _replaced(mkdocs.utils, "clean_directory", lambda original: lambda directory: None):
        yield


@contextlib.contextmanager
def _replaced(owner: Any, name: str, make: Callable[[Any], Any]) -> Iterator[None]:
    """Replace owner.name with make(the original) while the block runs."""
    original = getattr(owner, name)
    setattr(owner, name, make(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What MkDocs' build made for a site and a page needs to be rendered again: the config, the files, the
    navigation and the theme's template environment (from the on_nav and on_env events)."""

    config: Any
    files: Any
    nav: Any
    env: Any
    doc_files: Sequence[Any]
    """The pages the build rendered (files.documentation_pages(), as build() passes them to each page)."""


def render_page(page: Any, site: Loaded) -> None:
    """Render one page of a loaded site again and write it, as build() does for each page: read and convert
    its Markdown (from its file's content), render the theme's template, then check its links' anchors."""
    import mkdocs.commands.build as steps

    steps._populate_page(page, site.config, site.files)
    steps._build_page(page, site.config, site.doc_files, site.nav, site.env)
    page.validate_anchor_links(files=site.files, log_level=site.config.validation.links.anchors)


# --- The live-reload server --------------------------------------------------------------------------------

class ReloadServer(LiveReloadServer):
    """MkDocs' live-reload server, with a hook on every HTML page it serves."""

    def page_served(self, page: bytes) -> bytes:
        """Return the HTML page to serve (with MkDocs' reload script already in it); override to change it."""
        return page

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        return self.page_served(inject_reload_script(self, content, epoch))


def inject_reload_script(server: LiveReloadServer, content: bytes, epoch: int) -> bytes:
    """Return the HTML page with MkDocs' reload script in it, as the server serves it at epoch."""
    page: bytes = LiveReloadServer._inject_js_into_html(server, content, epoch)  # type: ignore[no-untyped-call]
    return page


def request_rebuild(server: LiveReloadServer) -> None:
    """Ask the server for a rebuild, as a change of a watched file does."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def announce_build(server: LiveReloadServer) -> None:
    """Serve what the site folder holds now and reload the open pages, even while a rebuild goes on."""
    with server._epoch_cond:
        now = max(round(time.monotonic() * 1000), server._visible_epoch + 1)
        server._visible_epoch = server._wanted_epoch = now
        server._epoch_cond.notify_all()


def use_observer(server: LiveReloadServer, observer: Any) -> None:
    """Make the server watch files with observer (a watchdog observer) instead of its polling one; before
    the first watch() and serve()."""
    server.observer = observer
