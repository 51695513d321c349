"""The search beyond lunr, in headless Chromium: typo corrections, phrases, titles, authors and arXiv ids, and
saved searches as feeds (extra.sitegen.feeds), with their configuration errors."""

from __future__ import annotations

import json
import urllib.parse

import pytest
import yaml
from browser import serve
from conftest import BUNDLED, LISTINGS, ROOT, make_archive

from sitegen.errors import Report
from sitegen.options import site_options
from sitegen.pipeline import BuildOptions, build

API = ROOT / "tests" / "fixtures" / "api"
SETTLED = """q => document.getElementById('sg-results').dataset.search === JSON.stringify([q, '', '', ''])"""
FEEDS = [
    {"name": "Pruning with code", "words": "pruning", "code": True},
    {"name": "Quantization", "words": "quantization"},
    {"name": "Pruning 2023", "topic": "pruning", "year": 2023},
]


def settled(page, base: str, query: str) -> tuple[list[str], str]:
    """Open the search page for query; return the result titles and the status line once it has run."""
    page.goto(base + "search.html?q=" + urllib.parse.quote(query))
    page.wait_for_function(SETTLED, arg=query)
    return (page.eval_on_selector_all("#sg-results .sg-result__title", "els => els.map(e => e.textContent)"),
            page.text_content("#sg-status"))


@pytest.mark.browser
def test_a_misspelt_word_is_corrected_and_the_page_says_so(context, bundled_http):
    page = context.new_page()
    titles, status = settled(page, bundled_http, "recomendation llm")
    right, right_status = settled(page, bundled_http, "recommendation llm")
    assert titles and set(titles) == set(right)
    assert status.endswith("showing results for \u201crecommendation llm\u201d.")
    assert "showing results for" not in right_status
    titles, status = settled(page, bundled_http, "chekpointing")
    assert titles[0].startswith("DataStates-LLM: Lazy Asynchronous Checkpointing")
    assert "\u201ccheckpointing\u201d" in status
    # Two edits away is corrected for a long word only.
    assert settled(page, bundled_http, "quantizzaton")[0]
    assert settled(page, bundled_http, "qxxntization")[0]
    assert settled(page, bundled_http, "prxxng")[0] == []
    # A word that matches nothing, and nothing near it, finds nothing and corrects nothing.
    assert settled(page, bundled_http, "zzzzqqqq") == ([], "No papers match.")
    page.close()


@pytest.mark.browser
def test_a_quoted_phrase_ranks_the_papers_holding_it_first(context, bundled_http):
    page = context.new_page()
    quoted, _ = settled(page, bundled_http, '"small language models"')
    words, _ = settled(page, bundled_http, "small language models")
    assert set(quoted) == set(words)  # the same papers, another order
    text = page.evaluate("""refs => window.sitegenSearch.ready().then(e => e.search('"small language models"', {})
        .then(found => Promise.all(found.hits.slice(0, 5).map(hit => Promise.all([e.docs([hit.ref]),
          e.abstract(hit.ref)]).then(([docs, abstract]) => docs[0].title + ' ' + abstract)))))""", None)
    assert all("small language models" in " ".join(t.lower().replace("-", " ").split()) for t in text)
    page.close()


@pytest.mark.browser
def test_a_title_or_its_start_ranks_that_paper_first(context, bundled_http):
    page = context.new_page()
    assert settled(page, bundled_http, "Large Language")[0][0] == (
        "Large Language Monkeys: Scaling Inference Compute with Repeated Sampling")
    assert settled(page, bundled_http, "a survey on mixture of experts")[0][0] == "A Survey on Mixture of Experts"
    # The start of a title being typed (a link's last word is a whole word: tests/test_search_links.py).
    page.fill("#sg-q", "Generative Marginalization Mod")
    page.wait_for_function(SETTLED, arg="Generative Marginalization Mod")
    first = page.text_content("#sg-results .sg-result__title")
    assert first == "Generative Marginalization Models"
    page.close()


@pytest.fixture(scope="module")
def api_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api-search")
    archive = make_archive(tmp / "archive", [API / "2025-12-17-hf-daily.json", LISTINGS / "hostile_text.txt"])
    build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=ROOT / "mkdocs.yml", strict=True))
    return tmp / "site"


@pytest.mark.browser
def test_an_author_or_an_arxiv_id_finds_the_paper(context, api_site):
    page = context.new_page()
    with serve(api_site) as base:
        for query in ("Grace Hopper", "lovelace", "2505.00001", "arXiv:2505.00001", "2505.00001v3",
                      "https://arxiv.org/abs/2505.00001"):
            titles, _ = settled(page, base, query)
            assert titles[:1] == ["Paper One"], query
        assert settled(page, base, "2505.00002")[0] == []
        # The result shows the authors, their matched names marked.
        settled(page, base, "hopper")
        assert page.text_content(".sg-result__authors") == "Ada Lovelace, Alan Turing, Grace Hopper"
        assert page.text_content(".sg-result__authors mark") == "Hopper"
    page.close()


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("saved-searches")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["extra"]["sitegen"]["feeds"] = FEEDS
    config["docs_dir"] = str(ROOT / "docs")
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build(BuildOptions(archive=BUNDLED, site_dir=tmp / "site", config_file=tmp / "mkdocs.yml", strict=True))
    return tmp / "site"


@pytest.mark.browser
def test_saved_searches_become_atom_and_json_feeds_of_what_the_search_finds(context, feed_site):
    with serve(feed_site) as base:
        page = context.new_page()
        for saved in FEEDS:
            slug = saved["name"].lower().replace(" ", "-")
            feed = json.loads((feed_site / "feeds" / f"{slug}.json").read_text(encoding="utf-8"))
            atom = (feed_site / "feeds" / f"{slug}.xml").read_text(encoding="utf-8")
            params = {"q": saved.get("words", ""), "topic": saved.get("topic", ""), "year": str(saved.get("year", "")),
                      "code": "1" if saved.get("code") else ""}
            page.goto(base + "search.html?" + urllib.parse.urlencode(params))
            page.wait_for_function("""p => document.getElementById('sg-results').dataset.search ===
                JSON.stringify([p.q, p.topic, p.year, p.code])""", arg=params)
            while page.locator(".sg-search__more:visible").count():
                page.click(".sg-search__more")
            found = page.eval_on_selector_all("#sg-results .sg-result__title", "els => els.map(e => e.textContent)")
            # The feed holds the newest of what the search page finds (50 at most, dated papers only).
            titles = [item["title"] for item in feed["items"]]
            assert titles and set(titles) <= set(found), saved["name"]
            assert len(titles) == min(50, len(found)) or len(titles) < len(found)
            assert atom.count("<entry>") == len(titles) and f"{saved['name']}</title>" in atom
            links = page.eval_on_selector_all("#sg-feed a", "els => els.map(e => [e.textContent, e.href])")
            assert [text for text, _ in links] == ["Atom", "JSON Feed"]
            assert links[0][1] == base + f"feeds/{slug}.xml" and links[1][1] == base + f"feeds/{slug}.json"
            assert page.request.get(links[0][1]).ok
        # Another search offers no feed.
        page.goto(base + "search.html?q=pruning")
        page.wait_for_function(SETTLED, arg="pruning")
        assert page.locator("#sg-feed").is_hidden()
        page.close()


def test_a_saved_search_finds_only_papers_holding_every_word(feed_site):
    feed = json.loads((feed_site / "feeds" / "pruning-with-code.json").read_text(encoding="utf-8"))
    for item in feed["items"]:
        page = (feed_site / item["url"].removeprefix("../")).read_text(encoding="utf-8").lower()
        assert "prun" in page and "code" in page


@pytest.mark.parametrize("feeds, message", [
    ("pruning", "extra.sitegen.feeds is 'pruning', not a list of saved searches"),
    ([{"words": "x"}], "extra.sitegen.feeds entry 1: it has no name; this feed is not built"),
    ([{"name": "A"}], "extra.sitegen.feeds entry 1: it asks for nothing"),
    ([{"name": "A", "year": 1066}], "extra.sitegen.feeds entry 1: year is 1066, not a year from 1900 to 2099"),
    ([{"name": "A", "code": "yes"}], "extra.sitegen.feeds entry 1: code is 'yes'; use true or working"),
    ([{"name": "A", "topic": "Not A Slug"}], "topic is 'Not A Slug', not a topic's slug"),
    ([{"name": "A b", "words": "x"}, {"name": "a-B", "words": "y"}], "entry 2: 'a-B' makes the same file name"),
    ([{"name": "A", "words": "x", "colour": "red"}], "extra.sitegen.feeds entry 1: unknown key 'colour'"),
])
def test_bad_saved_searches_are_reported_by_file_and_line_and_skipped(tmp_path, feeds, message):
    config = {"site_name": "S", "extra": {"sitegen": {"feeds": feeds if isinstance(feeds, str) else
                                                      [*feeds, {"name": "Good", "words": "pruning"}]}}}
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    report = Report()
    options = site_options(config, path, path.read_text(encoding="utf-8"), report)
    shown = [str(w) for w in report.warnings]
    assert any(message in line and str(path) in line and ":" in line for line in shown), shown
    assert all("\n" not in line for line in shown)
    if not isinstance(feeds, str):
        assert "Good" in [f.name for f in options.feeds]


def test_a_saved_search_naming_an_unknown_topic_is_reported(tmp_path):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["extra"]["sitegen"]["feeds"] = [{"name": "Nothing", "topic": "no-such-topic"}]
    config["docs_dir"] = str(ROOT / "docs")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    archive = make_archive(tmp_path / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt"])
    result = build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=tmp_path / "mkdocs.yml"))
    assert any("'no-such-topic', which the taxonomy does not have" in str(w) for w in result.report.warnings)
    assert json.loads((tmp_path / "site" / "feeds" / "nothing.json").read_text())["items"] == []


RARE_LISTING = "Mar 13\n\n" + "".join(
    f"Paper {n} on recommendation systems\n\nThis abstract studies recommendation for the users of a large "
    f"catalogue, number {n} of a series. It ranks items with a learned model and compares it with strong "
    "baselines. The results on public benchmarks of several kinds show steady gains over earlier methods.\n\n"
    for n in range(12)) + (
    "A lone paper\n\nThis abstract misspells the word as recomendation, once, and is otherwise about ranking the "
    "items of a catalogue for its users. It compares a learned model with strong baselines. The results on "
    "public benchmarks of several kinds show steady gains over earlier methods.\n")


@pytest.mark.browser
def test_a_rare_word_also_finds_its_commoner_neighbour_ranked_below_its_own_matches(context, tmp_path):
    archive = make_archive(tmp_path / "archive", [("rare.txt", RARE_LISTING.encode("utf-8"))])
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml", strict=True))
    page = context.new_page()
    with serve(tmp_path / "site") as base:
        titles, status = settled(page, base, "recomendation")
        assert titles[0] == "A lone paper" and len(titles) == 13
        assert status == "13 papers, including results for \u201crecommendation\u201d."
        titles, status = settled(page, base, "recommendation")
        assert len(titles) == 12 and status == "12 papers"
    page.close()
