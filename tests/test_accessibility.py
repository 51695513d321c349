"""Accessibility: axe-core in headless Chromium on every page family of the bundled site, in the light and the dark
scheme; "Skip to content", labels, the search forms and results, and the stats charts' numbers.

axe-core comes from npm (`.ci/run` installs it into SITEGEN_AXE_DIR, by default ~/.cache/sitegen-axe); no
third-party code is kept in the repository. axe runs its default rules (WCAG 2.x A and AA, and its best practices)
on the page as a reader sees it: Material's scripts have run, the search page shows results, folded parts are open.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_stats import _papers

from sitegen.render import stats

AXE_DIR = Path(os.environ.get("SITEGEN_AXE_DIR", Path.home() / ".cache" / "sitegen-axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}
"""Playwright's colour scheme, and the Material palette it selects (the page's data-md-color-scheme)."""
FAMILIES = ["home", "paper", "topic", "date", "stats", "search", "about"]
SEARCH_RESULTS = "#sg-results li a.sg-result__title"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""
# The first element Tab reaches: focusable, rendered (Material's hidden toggles are not), not taken out of the order.
FIRST_TABBABLE = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
  .find(e => e.getClientRects().length && !e.disabled && e.tabIndex >= 0)"""


def family_pages(site: Path) -> dict[str, str]:
    """One page of each family, as a path below the site root (the first of each, by name)."""
    def first(folder: str) -> str:
        pages = sorted(p.name for p in (site / folder).glob("*.html") if p.name != "index.html")
        return f"{folder}/{pages[0]}"

    return {"home": "index.html", "paper": first("papers"), "topic": first("topics"), "date": first("dates"),
            "stats": "stats.html", "search": "search.html?q=pruning", "about": "about.html"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} not found: install axe-core with "
                    f"`npm install --prefix {AXE_DIR} axe-core@4.14` (.ci/run does)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(bundled_site, bundled_http):
    return bundled_site[0], bundled_http


def open_page(context, url: str, scheme: str = "light"):
    """Open url in scheme, with no palette remembered from an earlier page; the search page with its results."""
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.add_init_script("localStorage.clear()")  # before Material's palette script reads it
    page.goto(url)
    assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[scheme]
    if "search.html?q=" in url:
        page.wait_for_selector(SEARCH_RESULTS)
    return page


@pytest.fixture(scope="module")
def opened(context, site):
    """Each family's page in each scheme, opened once for the module (by the first test that asks for it) and
    shared by the checks below, which run in this file's order: axe, then "Skip to content", then the labels (axe
    unfolds the folded parts and adds its script; the skip link moves the focus and the address's #fragment)."""
    root, url = site
    pages: dict[tuple[str, str], object] = {}

    def page(family: str, scheme: str = "light"):
        if (family, scheme) not in pages:
            pages[family, scheme] = open_page(context, url + family_pages(root)[family], scheme)
        return pages[family, scheme]

    yield page
    for each in pages.values():
        each.close()


def audit(page, axe_source: str) -> list[dict[str, object]]:
    """Unfold what is folded on the open page, run axe; return its violations."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.add_script_tag(content=axe_source)
    violations: list[dict[str, object]] = page.evaluate(RUN_AXE)
    return violations


@pytest.mark.browser
@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@pytest.mark.parametrize("family", FAMILIES)
def test_axe_finds_no_violations(opened, axe_source, family, scheme):
    violations = audit(opened(family, scheme), axe_source)
    assert violations == [], json.dumps(violations, indent=1)[:6000]


@pytest.mark.browser
@pytest.mark.parametrize("family", FAMILIES)
def test_skip_to_content_is_first_and_lands_on_the_h1(opened, family):
    page = opened(family)
    first = page.evaluate_handle(FIRST_TABBABLE)
    assert first.evaluate("e => e.matches('a.md-skip') && e.textContent.trim()") == "Skip to content"
    first.evaluate("e => e.focus()")
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash !== ''")
    assert page.evaluate("() => document.querySelector(':target') === document.querySelector('article h1')")
    assert page.locator("article h1").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("family", FAMILIES)
def test_labels_point_at_controls_and_search_forms_are_named(opened, family):
    page = opened(family)
    dangling = page.evaluate("""() => [...document.querySelectorAll('label[for]')]
      .filter(l => !(document.getElementById(l.htmlFor) instanceof HTMLInputElement ||
                     document.getElementById(l.htmlFor) instanceof HTMLSelectElement))
      .map(l => l.htmlFor)""")
    assert dangling == []
    names = page.eval_on_selector_all("[role=search]", "fs => fs.map(f => f.getAttribute('aria-label'))")
    assert names and all(names) and len(set(names)) == len(names)
    assert page.locator("input[type=search][role]").count() == 0


@pytest.mark.browser
def test_search_results_are_a_list_of_links_the_arrows_walk(context, site):
    root, url = site
    page = open_page(context, url + "search.html?q=pruning")
    try:
        assert page.locator("#sg-results[role], #sg-results li[role], #sg-results [aria-selected]").count() == 0
        items = page.locator("#sg-results > li")
        assert items.count() > 2 and page.locator(SEARCH_RESULTS).count() == items.count()
        focused = "() => document.activeElement.closest('li') ? document.activeElement.closest('li').id : " \
                  "document.activeElement.id"
        page.focus("#sg-q")
        walk = []
        for key in ("ArrowDown", "ArrowDown", "ArrowUp", "ArrowUp", "ArrowUp"):
            page.keyboard.press(key)
            walk.append(page.evaluate(focused))
        last = f"sg-result-{items.count() - 1}"
        assert walk == ["sg-result-0", "sg-result-1", "sg-result-0", "sg-q", last]
        page.keyboard.press("Escape")
        assert page.evaluate(focused) == "sg-q"
    finally:
        page.close()


def test_each_chart_has_a_name_and_its_numbers_as_a_table(bundled_site):
    soup = BeautifulSoup((bundled_site[0] / "stats.html").read_text(encoding="utf-8"), "html.parser")
    figures = soup.select("figure.sg-chart")
    assert figures
    for figure in figures:
        svg = figure.find("svg")
        assert svg["role"] == "img" and soup.find(id=svg["aria-labelledby"]).get_text().strip()
        numbers = figure.find_next_sibling()
        assert numbers.name == "details" and "sg-chart-data" in numbers["class"]
        assert numbers.summary.get_text().endswith("the numbers")
        rows = numbers.select("tbody tr")
        assert rows and all(row.th and row.th.get("scope") == "row" and row.td for row in rows)
    topics = soup.find(id="chart-topics").find_next_sibling()
    assert topics.select("thead th")[0].get_text() == "Topic"
    assert all(int(row.td.get_text()) > 0 for row in topics.select("tbody tr"))


def test_chart_tables_show_labels_as_text():
    page = stats.stats_page(_papers())
    table = page[page.index('<details class="sg-chart-data">\n<summary>Papers per topic'):]
    table = table[:table.index("</details>")]
    assert "<b>" not in table and "$x$" not in table
    assert "Pruning &#36;x&#36; &#60;b&#62;" in table  # the topic's name, inert
    assert "\n\n" not in page[page.index("<figure"):page.index("</details>")]  # one raw HTML block
