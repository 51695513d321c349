"""A search link is a finished query: its last word is a whole word, corrected when misspelt, and the page says
which spelling it searched for; while a query is typed, its last word is a prefix still being typed."""

from __future__ import annotations

import urllib.parse

import pytest

pytestmark = pytest.mark.browser

SETTLED = """q => document.getElementById('sg-results').dataset.search === JSON.stringify([q, '', '', ''])"""
CORRECTED = ", showing results for \u201cquantization\u201d."


def _status(page) -> str:
    return page.text_content("#sg-status") or ""


def _titles(page) -> list[str]:
    return page.eval_on_selector_all("#sg-results .sg-result__title", "els => els.map(e => e.textContent)")


def _open(page, base: str, query: str) -> str:
    """Open the search link for query; return its status line once it has run."""
    page.goto(base + "search.html?q=" + urllib.parse.quote(query))
    page.wait_for_function(SETTLED, arg=query)
    return _status(page)


def test_a_link_with_a_misspelt_last_word_says_which_spelling_it_searched_for(context, bundled_http):
    page = context.new_page()
    status = _open(page, bundled_http, "quantizaton")
    found = _titles(page)
    assert status.endswith(CORRECTED), status
    assert found and set(found) <= set(_titles_for(page, bundled_http, "quantization "))
    # With a trailing space it did so already, and still does; so does a misspelt word before the last.
    assert _open(page, bundled_http, "quantizaton ").endswith(CORRECTED)
    assert _open(page, bundled_http, "post-training quantizaton").endswith(
        ", showing results for \u201cpost training quantization\u201d.")
    page.close()


def _titles_for(page, base: str, query: str) -> list[str]:
    _open(page, base, query)
    return _titles(page)


def test_a_typed_last_word_is_a_prefix_until_enter_finishes_it(context, bundled_http):
    page = context.new_page()
    page.goto(bundled_http + "search.html")
    page.fill("#sg-q", "quantizaton")
    page.wait_for_function(SETTLED, arg="quantizaton")
    assert "showing results for" not in _status(page)  # still being typed: "quantiza…" completes it
    page.press("#sg-q", "Enter")
    page.wait_for_function("t => document.getElementById('sg-status').textContent.endsWith(t)", arg=CORRECTED)
    # Typing again makes the last word a prefix again.
    page.fill("#sg-q", "quantizat")
    page.wait_for_function(SETTLED, arg="quantizat")
    assert "showing results for" not in _status(page) and _titles(page)
    page.close()


def test_a_link_keeps_its_query_finished_when_a_filter_changes(context, bundled_http):
    page = context.new_page()
    _open(page, bundled_http, "quantizaton")
    year = page.eval_on_selector_all("#sg-year option", "os => os.map(o => o.value).filter(v => v)")[0]
    page.select_option("#sg-year", year)
    page.wait_for_function("""y => document.getElementById('sg-results').dataset.search ===
        JSON.stringify(['quantizaton', '', y, ''])""", arg=year)
    assert "\u201cquantization\u201d" in _status(page)
    page.close()
