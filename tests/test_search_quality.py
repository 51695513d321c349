"""Judged queries over the bundled archive, run in headless Chromium: what a reader expects to find, and where.

tests/judged_queries.yaml lists each query with the papers a reader expects (by slug) and how many top results
they must all be among; `why` says what the query exercises (a typo, a quoted phrase, a title, plain words).
The score is the share of queries whose expected papers are all there.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
import yaml
from browser import chromium, serve

pytestmark = pytest.mark.browser

JUDGED = Path(__file__).with_name("judged_queries.yaml")
SETTLED = """q => document.getElementById('sg-results').dataset.search === JSON.stringify([q, '', '', ''])"""


def judged() -> list[dict]:
    return yaml.safe_load(JUDGED.read_text(encoding="utf-8"))


def result_slugs(page, base: str, query: str) -> list[str]:
    """Type query into the search page's box (opened once: a page load per query only repeats what
    test_search_browser tests of `?q=`) and return the slugs of its results, best first."""
    if not page.url.startswith(base + "search.html"):
        page.goto(base + "search.html")
    page.fill("#sg-q", query)
    page.wait_for_function(SETTLED, arg=query)
    hrefs = page.eval_on_selector_all("#sg-results .sg-result__title", "els => els.map(e => e.getAttribute('href'))")
    return [urllib.parse.unquote(h.removeprefix("papers/").removesuffix(".html")) for h in hrefs]


def score(page, base: str) -> tuple[float, list[str]]:
    """Return the share of judged queries answered as expected, and a line per query that was not."""
    misses = []
    cases = judged()
    for case in cases:
        slugs = result_slugs(page, base, case["query"])
        top = slugs[:case["within"]]
        missing = [slug for slug in case["expect"] if slug not in top]
        if missing:
            misses.append(f"{case['query']!r} ({case['why']}): {missing} not in the top {case['within']}: {top}")
    return 1 - len(misses) / len(cases), misses


def test_judged_queries_find_what_a_reader_expects(bundled_site):
    with serve(bundled_site[0]) as base, chromium() as context:
        page = context.new_page()
        value, misses = score(page, base)
    print(json.dumps({"judged_score": round(value, 3), "queries": len(judged())}))
    assert misses == [], "\n".join(misses)


def test_judged_queries_name_real_papers(bundled_site):
    """Every expected slug is a paper of the bundled site: a renamed paper fails here, not as a bad score."""
    papers = {p.stem for p in (bundled_site[0] / "papers").glob("*.html")}
    assert {slug for case in judged() for slug in case["expect"]} <= papers
    assert {case["why"] for case in judged()} >= {"typo", "phrase", "title", "words"}
