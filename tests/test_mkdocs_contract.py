"""The contract with MkDocs' insides (and Material's markup) that sitegen/publish/mkdocs_compat.py relies on.

Each test fails when an installed MkDocs or Material changes a signature or a behaviour the compat module uses:
then fix mkdocs_compat.py (and widen its SUPPORTED versions) before anything else.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import inspect
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import mkdocs.commands.build as steps
import mkdocs.utils
import pytest
from conftest import LISTINGS, make_archive
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.pages import Page
from watchdog.observers import Observer

from sitegen.cli import main
from sitegen.errors import Report
from sitegen.publish import mkdocs_compat as compat
from sitegen.publish.live import LiveSite
from sitegen.publish.mkdocs_site import Docs, MkDocsRun, theme_dir
from sitegen.publish.shares import Share

EPOCH = 1700000000
PAGES = {"a.md": "# A\n\nSee [B](b.md) and [the data](data.txt).\n",
         "b.md": "# B\n\n## Part\n\nSee [A](a.md), [the data](data.txt) and [C's part](c.md#more).\n",
         "c.md": "# C\n\n## More\n\nThe end.\n"}


def tiny_site(root: Path, theme: str = "{name: mkdocs}") -> Path:
    """Write a three-page project with a static file; return its mkdocs.yml (site: root/site)."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in PAGES.items():
        (docs / name).write_text(text)
    (docs / "data.txt").write_text("data\n")
    (docs / "pages.txt").write_text("{% for page in pages %}{{ page.src_uri }} {% endfor %}\n")
    config = root / "mkdocs.yml"
    # Explicit titles, as sitegen's derived config gives: a page another run renders is not read by this one.
    config.write_text(f"site_name: Tiny\nuse_directory_urls: false\ntheme: {theme}\n"
                      f"nav: [{{A: a.md}}, {{B: b.md}}, {{C: c.md}}]\nplugins: []\nextra_templates: [pages.txt]\n"
                      f"validation: {{links: {{anchors: warn}}}}\n")
    return config


def build(config_path: Path, dirty: bool = False) -> None:
    steps.build(load_config(config_file=str(config_path)), dirty=dirty)


def written(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


# --- Signatures ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("function", "names"), [
    (steps._populate_page, ["page", "config", "files", "dirty"]),
    (steps._build_page, ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"]),
    (steps.build, ["config", "serve_url", "dirty"]),
    (mkdocs.utils.clean_directory, ["directory"]),
    (Page.validate_anchor_links, ["self", "files", "log_level"]),
    (LiveReloadServer.__init__, ["self", "builder", "host", "port", "root", "mount_path", "polling_interval",
                                 "shutdown_delay"]),
    (LiveReloadServer._inject_js_into_html, ["self", "content", "epoch"]),
], ids=lambda value: getattr(value, "__qualname__", ""))
def test_the_private_functions_keep_their_parameters(function: Callable[..., object], names: list[str]) -> None:
    assert list(inspect.signature(function).parameters) == names


def test_the_server_keeps_the_attributes_compat_uses(tmp_path: Path) -> None:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        for name in ("_rebuild_cond", "_epoch_cond"):
            assert isinstance(getattr(server, name), threading.Condition)
        assert server._want_rebuild is False
        assert isinstance(server._visible_epoch, int) and server._visible_epoch == server._wanted_epoch
        # The epochs are milliseconds of time.monotonic(), as announce_build() makes them.
        assert abs(server._visible_epoch - round(time.monotonic() * 1000)) < 60_000
        assert hasattr(server.observer, "schedule")
    finally:
        server.server_close()


# --- The build ----------------------------------------------------------------------------------------------

def test_the_build_renders_each_page_through_the_functions_compat_skips(tmp_path: Path) -> None:
    config = tiny_site(tmp_path)
    with compat.skipping_pages(lambda src_uri: src_uri != "b.md"):
        build(config)
    site = tmp_path / "site"
    assert (site / "a.html").is_file() and (site / "c.html").is_file()
    assert not (site / "b.html").exists()
    assert "B</a>" in (site / "a.html").read_text()  # the nav still knows the skipped page


def test_only_clean_directory_empties_the_site_folder(tmp_path: Path) -> None:
    config = tiny_site(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "another-run.html").write_text("kept")
    with compat.not_cleaning():
        build(config)
    assert (site / "another-run.html").read_text() == "kept" and (site / "a.html").is_file()
    build(config)
    assert not (site / "another-run.html").exists()


def test_shares_written_into_one_folder_give_the_whole_site(tmp_path: Path) -> None:
    whole = MkDocsRun(tiny_site(tmp_path / "whole"), epoch=EPOCH)
    assert whole() == []
    config = tiny_site(tmp_path / "shared")
    dealt = frozenset(PAGES)
    shares = [Share(frozenset({"a.md"}), True, dealt), Share(frozenset({"b.md"}), False, dealt),
              Share(frozenset({"c.md"}), False, dealt)]
    site = tmp_path / "shared" / "site"
    files = {}
    for share in shares:
        before = set(written(site)) if site.exists() else set()
        assert MkDocsRun(config, epoch=EPOCH)(share) == []  # no warning: every link checked against all files
        files[share.pages] = set(written(site)) - before
    # The later shares write their page and nothing else: no static file, no sitemap or 404 page, no extra
    # template (the first one writes them).
    assert files[frozenset({"b.md"})] == {"b.html"} and files[frozenset({"c.md"})] == {"c.html"}
    assert {"a.html", "data.txt", "404.html", "sitemap.xml", "sitemap.xml.gz"} <= files[frozenset({"a.md"})]
    assert (site / "pages.txt").read_text() == "a.md b.md c.md "
    assert written(site) == written(tmp_path / "whole" / "site")


def test_a_dirty_build_warns_with_the_notice_sitegen_drops(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = tiny_site(tmp_path)
    with caplog.at_level("WARNING", logger="mkdocs"):
        build(config, dirty=True)
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith(compat.DIRTY_NOTICE)]


def test_a_page_of_a_loaded_site_renders_again_as_the_build_wrote_it(tmp_path: Path) -> None:
    config = tiny_site(tmp_path)
    (tmp_path / "docs" / "b.md").unlink()  # b.md comes from memory, as a generated page
    docs = Docs(tmp_path / "docs", {"b.md": PAGES["b.md"]})
    site = tmp_path / "site"
    assert MkDocsRun(config, site_dir=site, epoch=EPOCH, docs=docs)() == []
    before = written(site)
    live = LiveSite(config, site, docs, EPOCH)
    assert written(site) == before  # loading renders b.html again: the same bytes
    assert live.render({"b.md": PAGES["b.md"].replace("# B", "# B, again")}) == []
    after = written(site)
    assert "B, again" in after.pop("b.html").decode() and before.pop("b.html")
    assert after == before
    # The static files the loading run did not copy are part of the site again (the links to them are sound).
    assert live.files.get_file_from_path("data.txt").inclusion.is_included()
    # Its anchors are checked, as the build checks them.
    broken = live.render({"b.md": "# B\n\n[gone](#nowhere)\n"})
    assert broken == ["Doc file 'b.md' contains a link '#nowhere', but there is no such anchor on this page."]


# --- The live-reload server ---------------------------------------------------------------------------------

class Marked(compat.ReloadServer):
    def page_served(self, page: bytes) -> bytes:
        return page.replace(b"<body>", b"<body><p>sitegen was here</p>")


@contextlib.contextmanager
def serving(tmp_path: Path, builder: Callable[[], None]) -> Iterator[tuple[str, Path, Marked]]:
    root, watched = tmp_path / "root", tmp_path / "watched"
    root.mkdir()
    watched.mkdir()
    (root / "index.html").write_text("<html><body><p>Hello</p></body></html>")
    server = Marked(builder=builder, host="127.0.0.1", port=0, root=str(root))
    server.poll_response_timeout = 3  # a poll that would wait for nothing answers within the test
    compat.use_observer(server, Observer(timeout=0.1))
    server.watch(str(watched))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.serve_thread.is_alive() and time.monotonic() < deadline:  # bound, listening, serving
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", watched, server
    finally:
        server.shutdown()
        thread.join(5)


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return bytes(answer.read())


def test_served_pages_get_the_reload_script_and_sitegens_change(tmp_path: Path) -> None:
    with serving(tmp_path, lambda: None) as (base, _, _):
        page = get(f"{base}/index.html")
    assert page.startswith(b"<html><body><p>sitegen was here</p><p>Hello</p>")
    assert re.search(rb"<script>.*livereload\(\d+, \d+\);\s*</script></body>", page, re.DOTALL)
    assert b'"/livereload/"' in page


def test_a_change_a_request_and_an_announcement_reach_the_server(tmp_path: Path) -> None:
    built = threading.Event()

    def builder() -> None:
        built.set()

    with serving(tmp_path, builder) as (base, watched, server):
        (watched / "note.md").write_text("saved")  # the observer use_observer() put in is the one that watches
        assert built.wait(5)
        time.sleep(0.3)
        built.clear()
        compat.request_rebuild(server)
        assert built.wait(5)
        served = re.search(rb"livereload\((\d+),", get(f"{base}/index.html"))  # served once the rebuild ended
        assert served is not None
        epoch = int(served[1])
        compat.announce_build(server)
        announced = int(get(f"{base}/livereload/{epoch}/1"))
        assert announced > epoch
        compat.request_rebuild(server)  # the next build's epoch comes after the announced one
        assert int(get(f"{base}/livereload/{announced}/2")) > announced


# --- Material ------------------------------------------------------------------------------------------------

def test_sitegens_search_box_sits_in_materials_header(tmp_path: Path) -> None:
    config = tiny_site(tmp_path, theme=f"{{name: material, font: false, custom_dir: '{theme_dir()}'}}")
    with compat.skipping_pages(lambda src_uri: src_uri == "a.md"):
        build(config)
    page = (tmp_path / "site" / "a.html").read_text()
    header = page[page.index('<header class="md-header'):page.index("</header>")]
    form = header[header.index('<form class="sg-header-search"'):header.index("</form>")]
    assert header.index("sg-header-search") < header.index("</nav>")
    assert "<svg" in form


# --- Versions -------------------------------------------------------------------------------------------------

def test_the_installed_versions_are_the_supported_ones() -> None:
    # Fails after an upgrade: when the tests above pass with it, widen mkdocs_compat.SUPPORTED.
    report = Report()
    compat.check_versions(report)
    assert report.warnings == []


def fake_versions(monkeypatch: pytest.MonkeyPatch, **versions: str | None) -> None:
    real = importlib.metadata.version

    def version(package: str) -> str:
        if package not in versions:
            return real(package)
        if versions[package] is None:
            raise importlib.metadata.PackageNotFoundError(package)
        return str(versions[package])

    monkeypatch.setattr(importlib.metadata, "version", version)


def test_another_version_is_one_warning_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_versions(monkeypatch, **{"mkdocs": "1.7.0", "mkdocs-material": None})
    report = Report()
    compat.check_versions(report)
    assert report.warnings == [
        "mkdocs 1.7.0 is installed, but sitegen was written for mkdocs>=1.6,<1.7 and relies on its internals "
        "(sitegen/publish/mkdocs_compat.py): the build may fail or differ (install a supported version: "
        "pip install 'mkdocs>=1.6,<1.7')",
        "mkdocs-material is not installed, but sitegen was written for mkdocs-material>=9.5,<10 and relies on "
        "its internals (sitegen/publish/mkdocs_compat.py): the build may fail or differ (install a supported "
        "version: pip install 'mkdocs-material>=9.5,<10')"]


def test_build_warns_of_another_mkdocs_and_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    fake_versions(monkeypatch, mkdocs="1.6.2", **{"mkdocs-material": "10.0.0"})
    archive = make_archive(tmp_path / "archive", [LISTINGS / "year_less_dates.txt"])
    assert main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                 "--config", str(tmp_path / "none.yml"), "--site-url", "https://example.org/"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("warning: mkdocs-material 10.0.0 is installed, but sitegen was written for "
                              "mkdocs-material>=9.5,<10") == 1
    assert "mkdocs 1.6.2" not in captured.err  # a patch release is in the range
    assert (tmp_path / "site" / "index.html").is_file() and "; 1 warning\n" in captured.out
