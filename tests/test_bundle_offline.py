"""The offline bundle in headless Chromium: unzipped, opened from file:// with the network cut off.

Every request a page makes is recorded (pages, stylesheets, scripts, workers, fetches); any whose URL is not a
file inside the unzipped bundle counts as leaving it, and there must be none. A canary page proves the
recorder sees such requests at all.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser import chromium
from conftest import BUNDLED, ROOT

from sitegen.cli import main

pytestmark = pytest.mark.browser

# An extra listing with inline math, so a paper page carries MathML (the bundled archive has none left
# after LaTeX cleaning).
MATH_LISTING = b"""Daily Papers

Dec 16

Entmax Attention Scales to Long Contexts

We replace softmax with $\\alpha$-entmax, whose sparsity grows with $\\alpha x^2$ terms, and prune heads.

  \xe2\x80\xa2 2 authors
\xc2\xb7
May 4, 2024
"""
LLM_PRUNER = "papers/llm-pruner-on-the-structural-pruning-of-large-language-models.html"


@pytest.fixture(scope="module")
def bundle_root(tmp_path_factory) -> Path:
    """Bundle the bundled archive (plus one listing with math), unzip it, and return its folder."""
    work = tmp_path_factory.mktemp("offline")
    archive = work / "archive"
    shutil.copytree(BUNDLED, archive)
    (archive / "listings" / "zz_math.txt").write_bytes(MATH_LISTING)
    out = work / "dist" / "offline-site.zip"
    assert main(["bundle", "--archive", str(archive), "--site-dir", str(work / "site"),
                 "--config", str(ROOT / "mkdocs.yml"), "--out", str(out)]) == 0
    unzipped = work / "unzipped"
    with zipfile.ZipFile(out) as bundle:
        bundle.extractall(unzipped)
    shutil.rmtree(work / "site")  # nothing outside the unzipped folder can be what the pages load
    return unzipped / "offline-site"


class Recorder:
    """Every request of a browser context, and what failed or went wrong on its pages."""

    def __init__(self, context, root: Path) -> None:
        self.root = root.resolve()
        self.requests: list[str] = []
        self.problems: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url}"))

    def watch(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def leaving(self) -> list[str]:
        """Return the requests whose URL is not a file inside the bundle."""
        return [url for url in self.requests if not self._inside(url)]

    def _inside(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or url == "about:blank":  # made by the page itself, not fetched
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        return Path(unquote(parts.path)).resolve().is_relative_to(self.root)


@pytest.fixture(scope="module")
def offline_browser(bundle_root):
    """One offline Chromium for the module, with its request recorder."""
    with chromium(offline=True) as context:
        yield context, Recorder(context, bundle_root)


@pytest.fixture
def browse(offline_browser):
    """Yield (page, recorder) on a fresh page; check afterwards that nothing left the bundle."""
    context, recorder = offline_browser
    recorder.requests.clear()
    recorder.problems.clear()
    page = context.new_page()
    recorder.watch(page)
    try:
        yield page, recorder
    finally:
        page.close()
    assert recorder.requests, "the recorder saw no request at all"
    assert recorder.leaving() == []
    assert recorder.problems == []


def open_page(page, root: Path, rel: str) -> None:
    page.goto((root / rel).as_uri())
    page.wait_for_load_state("load")


def styled_by_material(page) -> bool:
    """Return whether Material's stylesheet and script both took effect on the page."""
    return page.evaluate("""() => {
        const header = document.querySelector('.md-header');
        return !!header && getComputedStyle(header).position === 'sticky'
            && getComputedStyle(header).backgroundColor !== 'rgba(0, 0, 0, 0)'
            && typeof window.component$ === 'object';
    }""")


def math_page(root: Path) -> str:
    pages = [p for p in sorted((root / "papers").glob("*.html")) if "<math" in p.read_text()]
    assert pages, "no paper page has MathML"
    return pages[0].relative_to(root).as_posix()


def test_the_recorder_counts_requests_that_leave_the_bundle(offline_browser, tmp_path):
    """In the offline Chromium the other tests use, a recorder of its own (rooted elsewhere)."""
    (tmp_path / "canary.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="//cdn.example/x.js"></script><script>fetch("https://api.github.com/")'
        '.catch(() => {}); new Worker(URL.createObjectURL(new Blob(["fetch(\'https://w.example/\')"])))'
        '</script><img src="../outside.png">')
    context, _ = offline_browser
    recorder = Recorder(context, tmp_path / "inner")
    outside = {"https://fonts.googleapis.com/css?family=Roboto", "file://cdn.example/x.js", "https://api.github.com/",
               "https://w.example/"}
    failed = {f"failed: {url}" for url in outside}
    page = context.new_page()
    try:
        page.goto((tmp_path / "canary.html").as_uri())
        # Until every request (the worker's fetch the last) was asked for and refused: none is left to reach the
        # module's recorder after this test.
        deadline = time.monotonic() + 10
        while not (outside <= set(recorder.leaving()) and failed <= set(recorder.problems)) \
                and time.monotonic() < deadline:
            page.wait_for_timeout(20)
    finally:
        page.close()
    leaving = recorder.leaving()
    assert (tmp_path / "canary.html").as_uri() in leaving  # outside tmp_path/inner
    for url in sorted(outside):
        assert url in leaving


@pytest.mark.parametrize("rel", ["index.html", "about.html", "topics/index.html", "topics/pruning.html",
                                 "dates/index.html", "dates/2023-05.html", LLM_PRUNER])
def test_page_renders_styled_offline_with_no_request_leaving(browse, bundle_root, rel):
    page, recorder = browse
    open_page(page, bundle_root, rel)
    assert page.locator("article h1").first.inner_text().strip()
    assert styled_by_material(page)
    assert any(url.endswith(".css") for url in recorder.requests)
    assert any(url.endswith(".js") for url in recorder.requests)


def test_math_renders_as_mathml_offline(browse, bundle_root):
    page, _ = browse
    open_page(page, bundle_root, math_page(bundle_root))
    assert styled_by_material(page)
    math = page.locator("article math").first
    assert "math" in math.evaluate("el => getComputedStyle(el).display")  # laid out by the MathML engine
    box = math.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    sup = page.locator("article math msup").first.bounding_box()
    base = page.locator("article math msup > :first-child").first.bounding_box()
    assert sup and base and sup["height"] > base["height"]  # the exponent is raised, not inline text


def test_navigation_works_offline(browse, bundle_root):
    page, _ = browse
    open_page(page, bundle_root, "index.html")
    page.locator("nav.md-nav--primary a[href='topics/index.html']").first.click()
    page.wait_for_url("**/topics/index.html")
    assert styled_by_material(page)
    page.locator("article a[href='pruning.html']").first.click()
    page.wait_for_url("**/topics/pruning.html")
    page.locator(f"article a[href='../{LLM_PRUNER}']").first.click()
    page.wait_for_url(f"**/{LLM_PRUNER}")
    assert page.locator("article h1").first.inner_text().startswith("LLM-Pruner")
    assert styled_by_material(page)
    page.go_back()
    page.wait_for_url("**/topics/pruning.html")


def test_theme_script_works_offline(browse, bundle_root):
    page, _ = browse
    open_page(page, bundle_root, "index.html")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert {before, after} == {"default", "slate"}


def test_search_works_offline(bundle_root, request):
    """Runs when the site has a search page (search.html, added by the search feature)."""
    if not (bundle_root / "search.html").is_file():
        pytest.skip("the site has no search.html yet")
    page, _ = request.getfixturevalue("browse")
    page.goto((bundle_root / "search.html").as_uri() + "?q=pruning")
    page.wait_for_load_state("load")
    assert styled_by_material(page)
    result = page.locator("article a[href*='llm-pruner-on-the-structural-pruning']").first
    result.wait_for(state="visible", timeout=10_000)
    result.click()
    page.wait_for_url(f"**/{LLM_PRUNER}")
