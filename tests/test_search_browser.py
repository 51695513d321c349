"""The search page in headless Chromium, over http and from file://: results, filters, keys, links, safety."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import serve
from conftest import LISTINGS, ROOT, make_archive
from searchdata import lunr_py_index
from test_search_index import bundled_papers

from sitegen.search.documents import documents
from sitegen.search.stage import first_search_files
from sitegen.search.text import index_text

pytestmark = pytest.mark.browser

PRUNER = "LLM-Pruner: On the Structural Pruning of Large Language Models"
LORAPRUNE = "LoRAPrune: Pruning Meets Low-Rank Parameter-Efficient Fine-Tuning"
PTQ = "Understanding the Impact of Post-Training Quantization on Large Language Models"
HOSTILE_TITLE = ('<script>alert("t")</script> *Bold* _x_ # [a](javascript:alert(1)) {: onclick=x} '
                 '--8<-- "/etc/passwd" | pipe')
# Index terms that are also names on JavaScript objects, and terms that sort differently by code point and
# by UTF-16 code unit (lunr.js refuses terms out of its order).
EDGE_LISTING = ("Mar 13\n\nPrototype __proto__ constructor hasOwnProperty\n\n"
                "This abstract holds words that sort differently in UTF-16 than by code point, such as \uff41bc "
                "and \U0001d400bc. It also names toString and valueOf, which every JavaScript object has. "
                "Nothing in it should break the search index when the browser loads it.\n")
# The results answer what the form shows now (search.js names the search it answered in data-search).
SETTLED = """() => {
  const value = id => document.getElementById(id);
  const now = [value('sg-q').value, value('sg-topic').value, value('sg-year').value, value('sg-code').value];
  return value('sg-results').dataset.search === JSON.stringify(now);
}"""


@pytest.fixture(scope="module")
def tab(context):
    """One page reused by every test, with what it logged: console errors and warnings, page errors, dialogs."""
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield page, problems
    page.close()


@pytest.fixture
def page(tab):
    """The shared page; the test fails when the page logged any error."""
    page, problems = tab
    problems.clear()
    yield page
    assert problems == []


@pytest.fixture(scope="module")
def http_root(bundled_site):
    with serve(bundled_site[0]) as url:
        yield url


@pytest.fixture(scope="module", params=["http", "file"])
def root(request, bundled_site, http_root):
    """The bundled site's root URL, served over http and opened from file://."""
    return http_root if request.param == "http" else bundled_site[0].resolve().as_uri() + "/"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from sitegen.pipeline import BuildOptions, build

    tmp = tmp_path_factory.mktemp("hostile-search")
    archive = make_archive(tmp / "archive", [LISTINGS / "hostile_text.txt",
                                             ("edge_terms.txt", EDGE_LISTING.encode("utf-8"))])
    build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=ROOT / "mkdocs.yml", strict=True))
    return tmp / "site"


def titles(page) -> list[str]:
    return page.eval_on_selector_all("#sg-results .sg-result__title", "els => els.map(e => e.textContent)")


def search(page, url: str) -> list[str]:
    """Open a search URL and return the result titles once the search has run."""
    page.goto(url)
    page.wait_for_function(SETTLED)
    return titles(page)


def count(page) -> int:
    """Return how many papers the status line says match."""
    found = re.match(r"(\d+) papers?$", page.text_content("#sg-status"))
    return int(found[1]) if found else 0


def type_query(page, text: str) -> list[str]:
    page.fill("#sg-q", "")
    page.type("#sg-q", text)
    page.wait_for_function(SETTLED)
    return titles(page)


def test_pruning_shows_llm_pruner_and_loraprune(page, root):
    found = search(page, root + "search.html?q=pruning")
    assert PRUNER in found and LORAPRUNE in found
    assert page.input_value("#sg-q") == "pruning"
    first = page.locator("#sg-results li").first
    assert first.locator("mark").count() >= 1
    page.wait_for_function("document.querySelector('#sg-results .sg-result__snippet').textContent.length > 0")
    snippet = page.locator(".sg-result__snippet mark").first.text_content()
    assert snippet.lower().startswith("prun")


def test_quantization_shows_the_post_training_quantization_study(page, root):
    found = search(page, root + "search.html?q=quantization")
    assert PTQ in found[:5]


def test_result_shows_title_date_tags_and_links_to_the_paper(page, root):
    search(page, root + "search.html?q=LLM-Pruner")
    item = page.locator("#sg-results li").first
    assert item.locator(".sg-result__title").text_content() == PRUNER
    meta = item.locator(".sg-result__meta").text_content()
    assert "May 19, 2023" in meta and "Pruning" in meta
    with page.expect_navigation():
        item.locator(".sg-result__title").click()
    assert page.url.endswith("papers/llm-pruner-on-the-structural-pruning-of-large-language-models.html")
    assert page.locator("h1").first.text_content() == PRUNER


def test_topic_filter_narrows_and_combines_with_year_and_code(page, root):
    search(page, root + "search.html?q=language+model")
    everything = count(page)
    narrowed = search(page, root + "search.html?q=language+model&topic=pruning")
    assert 0 < count(page) == len(narrowed) < everything
    assert page.input_value("#sg-topic") == "pruning"
    metas = page.eval_on_selector_all("#sg-results .sg-result__meta", "els => els.map(e => e.textContent)")
    assert all("Pruning" in meta for meta in metas)
    in_2023 = search(page, root + "search.html?q=language+model&topic=pruning&year=2023&code=1")
    metas = page.eval_on_selector_all("#sg-results .sg-result__meta", "els => els.map(e => e.textContent)")
    assert in_2023 and set(in_2023) < set(narrowed)
    assert all("2023" in meta and "code" in meta for meta in metas)
    page.select_option("#sg-year", "")
    page.wait_for_function(SETTLED)
    assert set(in_2023) < set(titles(page)) <= set(narrowed)


def test_filter_without_a_query_lists_the_topic(page, root, bundled_site):
    found = search(page, root + "search.html?topic=pruning")
    topic_page = (bundled_site[0] / "topics" / "pruning.html").read_text()
    count = int(re.search(r"(\d+) papers?, newest first", topic_page)[1])
    assert page.text_content("#sg-status") == f"{count} papers"
    assert len(found) == min(count, 20)
    metas = page.eval_on_selector_all("#sg-results .sg-result__meta", "els => els.map(e => e.textContent)")
    assert all("Pruning" in meta for meta in metas)


def test_results_show_as_you_type_with_prefixes_and_stems(page, root):
    page.goto(root + "search.html")
    assert PRUNER in type_query(page, "llm prun")
    assert PRUNER in type_query(page, "llm pruni")
    assert PRUNER in type_query(page, "structural pruned ")
    assert PTQ in type_query(page, "post-training quantiz")


def test_query_syntax_typed_by_accident_is_just_text(page, root):
    page.goto(root + "search.html")
    for query in ("foo:", "~", "^", "pruning~2", "title:pruning", "pruning^10", "+pruning -llm", "prun*", "*",
                  "\\", '"', "a:b:c", "(pruning)"):
        page.fill("#sg-q", query)
        page.wait_for_function(SETTLED)
    assert PRUNER in type_query(page, "pruning~")
    assert PRUNER in type_query(page, "llm: pruner^")


def test_keyboard_arrows_select_and_enter_opens(page, root):
    found = search(page, root + "search.html?q=pruning")
    page.focus("#sg-q")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    selected = page.locator("#sg-results li .sg-result__title:focus")
    assert selected.count() == 1 and selected.text_content() == found[0]
    assert page.locator("#sg-result-0 .sg-result__title").evaluate("a => a === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/papers/" in page.url and page.locator("h1").first.text_content() == found[0]


def test_header_box_on_a_paper_page_opens_the_search(page, root):
    page.goto(root + "papers/llm-pruner-on-the-structural-pruning-of-large-language-models.html")
    page.fill("header .sg-header-search input[name=q]", "quantization")
    with page.expect_navigation():
        page.press("header .sg-header-search input[name=q]", "Enter")
    page.wait_for_function(SETTLED)
    assert re.search(r"/search\.html\?q=quantization$", page.url)
    assert PTQ in titles(page)


def test_the_address_follows_the_search_so_it_can_be_shared(page, http_root):
    page.goto(http_root + "search.html")
    type_query(page, "pruning")
    page.select_option("#sg-topic", "pruning")
    page.wait_for_function("location.search.includes('topic=pruning')")
    assert page.url.endswith("search.html?q=pruning&topic=pruning")
    shared = titles(page)
    assert search(page, page.url) == shared


def test_first_search_downloads_the_listed_files_after_the_page_loaded(context, bundled_site, http_root):
    page = context.new_page()
    page.goto(http_root + "search.html")
    type_query(page, "pruning")
    page.wait_for_function("[...document.querySelectorAll('.sg-result__snippet')].every(p => p.textContent)")
    timing = page.evaluate("""() => ({
      load: performance.getEntriesByType('navigation')[0].loadEventStart,
      files: performance.getEntriesByType('resource').map(e => [e.name, e.startTime])
        .filter(([name]) => name.includes('/assets/search/') && name.endsWith('.js'))
        .map(([name, start]) => [name.split('/assets/search/')[1], start])
    })""")
    loaded = {name for name, _ in timing["files"]}
    listed = {p.name for p in first_search_files(bundled_site[0])}
    assert listed <= loaded
    # Then only the pieces this query needs: its term file, the result data and abstracts of what it shows.
    pieces = {name.split("/")[0] for name in loaded - listed}
    assert pieces == {"terms", "docs", "text"}
    assert len([name for name in loaded if name.startswith("terms/")]) <= 2
    terms_files = len(list((bundled_site[0] / "assets" / "search" / "terms").glob("*.js")))
    assert terms_files > 3
    # The page's two scripts load with it; the index and everything else only after the page has loaded.
    assert all(start >= timing["load"] for name, start in timing["files"]
               if name not in ("search.js", "search-engine.js"))
    page.close()


def test_an_index_that_cannot_load_is_reported_on_the_page(context, http_root):
    page = context.new_page()
    page.route("**/assets/search/index.js", lambda route: route.abort())
    page.goto(http_root + "search.html?q=pruning")
    page.wait_for_function(SETTLED)
    assert page.text_content("#sg-status").startswith("The search index could not be loaded (cannot load ")
    assert titles(page) == []
    page.close()


def test_hostile_text_shows_literally_in_results(context, hostile_site):
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
    for root in (None, hostile_site.resolve().as_uri() + "/"):
        with serve(hostile_site) as http:
            base = root or http
            assert search(page, base + "search.html?q=pipe+bold") == [HOSTILE_TITLE]
            page.wait_for_function("document.querySelector('.sg-result__snippet').textContent.length > 0")
            snippet = page.text_content(".sg-result__snippet")
            assert snippet.startswith("<img src=x onerror=alert(1)> An abstract with hostile text.")
            assert "--8<-- \"secrets.txt\"" in snippet
            assert page.locator("#sg-results script, #sg-results img, #sg-results iframe").count() == 0
            assert page.evaluate("document.querySelectorAll('[onclick], [onerror]').length") == 0
            for query in ("__proto__", "constructor", "hasOwnProperty", "tostring", "\uff41bc", "\U0001d400bc"):
                assert search(page, base + "search.html?q=" + query) == [
                    "Prototype __proto__ constructor hasOwnProperty"], query
    assert problems == []
    page.close()


def test_browser_cuts_and_stems_words_like_the_index(page, root):
    docs = documents(*bundled_papers()[:2])
    texts = [d.title + "\n" + d.abstract for d in docs]
    page.goto(root + "search.html")
    page.evaluate("window.sitegenSearch.ready().then(() => true)")
    assert page.evaluate("texts => texts.map(t => window.sitegenSearch.words(t))", texts) == \
        [index_text(t).split() for t in texts]
    from lunr.stemmer import porter_stemmer
    vocabulary = sorted({w for t in texts for w in index_text(t).split()})
    stems = page.evaluate("words => window.sitegenSearch.ready().then(e => words.map(w => e.stems(w)))", vocabulary)
    assert [w for w, s in zip(vocabulary, stems) if porter_stemmer.stem(w) not in s] == []
    assert page.evaluate("window.sitegenSearch.ready().then(e => [e.stems('deploy'), e.stems('fly')])") == [
        ["deploy", "deploi"], ["fli", "fly"]]


def test_browser_finds_what_lunr_py_finds(page, root):
    docs = documents(*bundled_papers()[:2])
    index = lunr_py_index(docs)
    for query in ("quantization", "diffusion", "agents", "benchmark", "curator"):
        found = search(page, root + "search.html?q=" + query + "+")
        while page.locator(".sg-search__more:visible").count():
            page.click(".sg-search__more")
        slugs = page.eval_on_selector_all("#sg-results .sg-result__title",
                                          "els => els.map(e => e.getAttribute('href'))")
        expected = [f"papers/{docs[int(r['ref'])].slug}.html" for r in index.search(query)]
        assert set(slugs) == set(expected) and slugs[0] == expected[0], query
        assert found


def test_the_engine_always_returns_an_array_filters_included(page, root):
    page.goto(root + "search.html")
    counts = page.evaluate("""window.sitegenSearch.ready().then(e => Promise.all([
        e.search('', {}), e.search('the of ', {}), e.search('', {topic: 'pruning'}),
        e.search('pruning', {}), e.search('pruning', {topic: 'pruning', code: true}),
        e.search('zzzzqqq', {year: '2023'})]).then(found => found.map(
          r => Array.isArray(r.hits) ? r.hits.length : 'not an array')))""")
    nothing, stop_words, topic_only, word, word_and_filters, unknown = counts
    assert (nothing, stop_words, unknown) == (0, 0, 0)
    assert topic_only > 5 and word > 5 and 0 < word_and_filters < word


def test_the_engine_scores_as_lunr_js_does(page, root):
    """The engine scores straight from the postings; lunr.js's own query over the same terms
    (tests/lunr_reference.js) gives the same hits, scores and matched fields."""
    page.goto(root + "search.html")
    page.add_script_tag(path=str(Path(__file__).with_name("lunr_reference.js")))
    queries = ["pruning", "large language models", "quant", "deploy", "fly", "transformer scaling",
               "curator notes", "mixture of experts", "llm", "efficient infer", "a survey on"]
    compared = page.evaluate("""queries => window.sitegenSearch.ready().then(async e => {
      const out = [], shape = h => JSON.stringify(Object.keys(h.meta).sort().map(t => [t, Object.keys(h.meta[t]).sort()]));
      for (const q of queries) {
        const plan = e.plan(window.sitegenEngine.parse(q));
        await e.loadRuns(e.runsFor(plan));
        e.complete(plan);
        const list = window.sitegenEngine.clauses(plan).clauses;
        const ours = e.score(list), theirs = new Map(window.sitegenLunrQuery(e, list).map(h => [h.ref, h]));
        out.push([q, ours.length, theirs.size,
                  Math.max(0, ...ours.map(h => theirs.has(h.ref) ? Math.abs(h.score - theirs.get(h.ref).score) : 1)),
                  ours.every(h => theirs.has(h.ref) && shape(h) === shape(theirs.get(h.ref)))]);
      }
      return out;
    })""", queries)
    for query, ours, theirs, worst, same_fields in compared:
        assert ours == theirs and (ours > 0 or query == "a survey on"), query
        assert worst < 1e-9 and same_fields, query
