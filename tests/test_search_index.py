"""The search index and page, without a browser: encoding, escaping, determinism, notes, errors."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import os
import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from conftest import BUNDLED, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from lunr.index import Index
from searchdata import assemble, decode, lunr_py_compact, lunr_py_index, read_data_script

from sitegen.annotate.stage import annotate
from sitegen.archive import Archive
from sitegen.errors import BuildError, Report
from sitegen.model import Note, Tag
from sitegen.options import SiteOptions
from sitegen.pipeline import read_inputs, render_site
from sitegen.search import scripts
from sitegen.search.documents import SearchDoc, documents
from sitegen.search.lunr_index import compact_index, utf16_key
from sitegen.search.page import search_page
from sitegen.search.shards import CHUNK_CHARS, DOC_SHARD, TEXT_SHARD
from sitegen.search.stage import first_search_files, search_index
from sitegen.search.text import index_text, notes_to_text


@functools.lru_cache(maxsize=1)
def bundled_papers():
    """Return the bundled archive's annotated papers, topics and notes (as plain text), as the build has them."""
    report = Report()
    contents = read_inputs(Archive(BUNDLED), report)
    annotated = annotate(contents.papers, contents.taxonomy, contents.notes)
    rendered = render_site(annotated, contents.listings, contents.taxonomy, SiteOptions(), contents.duplicate_count)
    return annotated, rendered.topics, {a.slug: notes_to_text(a.note.body) for a in annotated if a.note}


def index_files(annotated, topics) -> dict[str, str]:
    """The search files the build writes for these papers."""
    return search_index(documents(annotated, topics), topics).files


@pytest.fixture(scope="module")
def bundled():
    return bundled_papers()


def payload(script: str) -> object:
    """Return the value a data file hands to sitegenSearchData."""
    return read_data_script(script)


def doc(ref: int, title: str, abstract: str = "", notes: str = "") -> SearchDoc:
    return SearchDoc(slug=f"paper-{ref}", title=title, date="undated", year=None, topics=(), has_code=False,
                     abstract=abstract, tags="", notes=notes)


def test_data_script_cannot_leave_its_script_and_round_trips():
    value = {"title": '</script><script>alert(1)</script> & <!-- \u2028 \u2029 "q"', "n": [1, 2]}
    script = scripts.data_script("docs", value)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in script
    assert "\\\\u003c/script\\\\u003e" in script
    assert payload(script) == ("docs", value)


def test_data_script_is_deterministic():
    assert scripts.data_script("x", {"b": 1, "a": ["it's"]}) == \
        'sitegenSearchData("x",JSON.parse(\'{"a":["it\\\'s"],"b":1}\'));\n'


def test_index_text_cuts_words_like_the_browser():
    assert index_text("LLM-Pruner: On the (Structural) Pruning of GPT-3.5") == \
        "llm pruner on the structural pruning of gpt 3 5"
    assert index_text("foo: ~ ^ bar*~2 +baz -qux") == "foo bar 2 baz qux"
    assert index_text("Cafe\u0301 __proto__") == "café __proto__"


def test_notes_to_text_keeps_what_a_reader_sees():
    note = ("# Why it matters\n\nUses *structured* [pruning](https://example.org/x) and `LoRA`.\n"
            "<b>bold</b> ![a diagram](d.png)\n\n- first\n- second\n\n```\nfenced code\n```\n")
    assert notes_to_text(note) == ("Why it matters\nUses structured pruning and LoRA. bold a diagram\n"
                                   "first\nsecond\nfenced code")
    assert "example.org" not in notes_to_text(note)
    assert notes_to_text("") == ""


def test_the_compact_index_is_lunr_pys_exactly(bundled):
    """compact_index() computes what lunr.py's Builder computes, without it: the very same terms and weights."""
    annotated, topics, _ = bundled
    docs = documents(annotated, topics)
    assert compact_index(docs) == lunr_py_compact(docs)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.text(max_size=40), st.text(max_size=200), st.text(max_size=30)), min_size=1, max_size=8))
def test_the_compact_index_is_lunr_pys_for_any_text(rows):
    docs = [SearchDoc(slug=f"p{n}", title=t, date="undated", year=None, topics=(), has_code=False, abstract=a,
                      tags="", notes=notes, authors=(notes,)) for n, (t, a, notes) in enumerate(rows)]
    assert compact_index(docs) == lunr_py_compact(docs)


def test_compact_index_finds_what_lunr_py_finds(bundled):
    annotated, topics, notes = bundled
    docs = documents(annotated, topics)
    original = lunr_py_index(docs)
    loaded = Index.load(decode(compact_index(docs)))
    for query in ("pruning", "quantization", "large language model", "diffusion", "long context", "curator"):
        expected, got = original.search(query), loaded.search(query)
        assert {r["ref"] for r in got} == {r["ref"] for r in expected}, query
        assert got[0]["ref"] == expected[0]["ref"], query


def test_titles_weigh_more_than_abstracts():
    docs = [doc(0, "A survey", abstract="We study pruning at length."), doc(1, "Pruning networks", abstract="A study.")]
    results = Index.load(decode(compact_index(docs))).search("pruning")
    assert [r["ref"] for r in results] == ["1", "0"]


def test_terms_are_in_javascript_order():
    # U+FF41 (fullwidth a) sorts before U+1D400 (bold A) by code point, after it in UTF-16 as lunr.js needs.
    docs = [doc(0, "\uff41bc \U0001d400bc zebra apple")]
    compact = compact_index(docs)
    assert compact["terms"] == sorted(compact["terms"], key=utf16_key)
    assert compact["terms"].index("\U0001d400bc") < compact["terms"].index("\uff41bc")


def test_weights_are_rounded_integers_and_refs_are_positions():
    docs = [doc(0, "Pruning language models"), doc(1, "Quantization", abstract="Post-training quantization.")]
    compact = compact_index(docs)
    title = compact["vectors"][compact["fields"].index("title")]
    assert len(title) == 2 and all(isinstance(n, int) for flat in title for n in flat)
    assert compact["scale"] == 10 and compact["version"] == "2.3.9" and compact["pipeline"] == ["stemmer"]


def test_notes_are_searchable():
    annotated = list(bundled_papers()[0][:3])
    slug = annotated[1].slug
    annotated[1] = dataclasses.replace(annotated[1], note=Note(slug=slug, path="n.md", body="A *zyzzyva* note."))
    files = index_files(tuple(annotated), ())
    compact, docs = assemble(files)
    found = Index.load(decode(compact)).search("zyzzyva")
    assert [docs["docs"][int(r["ref"])][0] for r in found] == [slug]
    assert list(found[0]["match_data"].metadata["zyzzyva"]) == ["notes"]


def test_bundled_notes_are_searchable(bundled_site):
    search = bundled_site[0] / "assets" / "search"
    compact, docs = assemble({p.relative_to(search).as_posix(): p.read_text() for p in search.rglob("*.js")
                              if p.parent != search or p.name in ("index.js", "words.js")})
    ref = [row[0] for row in docs["docs"]].index("llm-pruner-on-the-structural-pruning-of-large-language-models")
    found = {r["ref"]: r["match_data"].metadata for r in Index.load(decode(compact)).search("curator")}
    assert "notes" in found[str(ref)]["curat"]


def test_index_files_hold_only_what_search_needs(bundled):
    annotated, topics, _ = bundled
    files = index_files(annotated, topics)
    compact, docs = assemble(files)
    assert len(docs["docs"]) == len(annotated) == 207
    pruner = next(row for row in docs["docs"] if row[1].startswith("LLM-Pruner"))
    assert pruner[0] == "llm-pruner-on-the-structural-pruning-of-large-language-models"
    assert pruner[2:4] == ["May 19, 2023", 2023] and pruner[5] == 1
    assert "pruning" in [docs["topics"][n][0] for n in pruner[4]]
    assert compact["fields"] == ["title", "tags", "authors", "abstract", "notes", "ids", "lead"]
    assert len(docs["abstracts"]) == 207
    assert docs["abstracts"][[row[0] for row in docs["docs"]].index(pruner[0])].startswith("Large language models (LLMs)")
    names = {rel.split("/")[2].split(".")[0] for rel in files if rel.count("/") == 3}
    assert names == {"terms", "docs", "text"}
    assert sorted(rel for rel in files if rel.count("/") == 2) == [
        "assets/search/index.js", "assets/search/lunr.js", "assets/search/words.js"]


def test_the_pieces_are_the_compact_index_exactly(bundled):
    """Cut by term and put back together, the pieces are compact_index() to the last weight."""
    annotated, topics, _ = bundled
    docs = documents(annotated, topics)
    assert assemble(index_files(annotated, topics))[0] == compact_index(docs)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh \u00e9\U0001d400", max_size=40), min_size=1, max_size=12))
def test_the_pieces_are_the_compact_index_for_any_text(abstracts):
    docs = [SearchDoc(slug=f"p{n}", title=f"paper {n}", date="undated", year=None, topics=(), has_code=False,
                      abstract=text, tags="", notes="") for n, text in enumerate(abstracts)]
    assert assemble(search_index(docs, ()).files)[0] == compact_index(docs)


def test_term_files_are_runs_in_javascript_order_and_of_bounded_size(bundled):
    annotated, topics, _ = bundled
    files = index_files(annotated, topics)
    runs = [payload(files[f"assets/search/terms/{n}.js"])[1] for n in range(len(assemble(files)[1]["manifest"]["chunks"]))]
    assert len(runs) > 3  # the bundled archive's index is cut, as a big one is
    firsts = [run["terms"][0] for run in runs]
    assert firsts == sorted(firsts, key=utf16_key)
    for run in runs:
        assert run["terms"] == sorted(run["terms"], key=utf16_key)
        assert len(run["terms"]) == 1 or len(json_size(run)) < 2 * CHUNK_CHARS


def json_size(value) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))


def test_result_data_and_abstracts_come_in_small_files(bundled):
    annotated, topics, _ = bundled
    files = index_files(annotated, topics)
    shown = sorted(k for k in files if "/docs/" in k)
    texts = sorted(k for k in files if "/text/" in k)
    assert len(shown) == -(-207 // DOC_SHARD) and len(texts) == -(-207 // TEXT_SHARD)
    assert all(len(payload(files[k])[1]) <= DOC_SHARD for k in shown)


def test_vocabulary_counts_the_papers_holding_each_term(bundled):
    annotated, topics, _ = bundled
    compact, docs = assemble(index_files(annotated, topics))
    vocabulary = dict(zip(docs["words"]["terms"], docs["words"]["df"]))
    assert set(vocabulary) == set(compact["terms"])
    holding = [ref for ref in range(207) if any(
        compact["terms"].index("checkpoint") in running_sum(field[ref][0::2]) for field in compact["vectors"])]
    assert vocabulary["checkpoint"] == len(holding) > 0


def running_sum(deltas):
    total, out = 0, []
    for delta in deltas:
        total += delta
        out.append(total)
    return out


def test_index_is_deterministic_across_processes():
    code = ("import hashlib; from pathlib import Path; from sitegen.errors import Report; "
            "from sitegen.ingest.listing import read_listing; "
            "read_fixture = lambda name: read_listing(Path('tests/fixtures/listings') / name, None, Report()); "
            "from sitegen.annotate.stage import annotate; from sitegen.archive.taxonomy import load_taxonomy; "
            "from sitegen.ingest.grouping import group_papers; "
            "from sitegen.search.documents import documents; from sitegen.search.stage import search_index; "
            "listings = [read_fixture(n) for n in ('metadata_with_dates_and_upvotes.txt', 'hostile_text.txt')]; "
            "taxonomy = load_taxonomy(None, Report()); a = annotate(group_papers(listings).papers, taxonomy); "
            "f = search_index(documents(a, taxonomy.tags), taxonomy.tags).files; "
            "print(hashlib.sha256(repr(sorted(f.items())).encode()).hexdigest())")
    # Both processes at once: each spends its time importing and indexing, independently of the other.
    running = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED=seed),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in ("1", "2")]
    digests = set()
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        digests.add(out.strip())
    assert len(digests) == 1 and len(digests.pop()) == 64


def test_search_page_escapes_topic_names_and_offers_filters():
    page = search_page((Tag("evil", '<b onclick="x">Evil</b> & co'), Tag("pruning", "Pruning")), [2025, 2023])
    soup = BeautifulSoup(page.split("---\n", 2)[2], "html.parser")
    options = {o["value"]: o.get_text() for o in soup.select("#sg-topic option")}
    assert options == {"": "Any topic", "evil": '<b onclick="x">Evil</b> & co', "pruning": "Pruning"}
    assert not soup.find("b")
    assert [o["value"] for o in soup.select("#sg-year option")] == ["", "2025", "2023"]
    code = soup.find("select", id="sg-code")
    assert code["name"] == "code" and [o["value"] for o in code.find_all("option")] == ["", "1", "working"]
    assert soup.find("form")["action"] == "search.html" and soup.find("input", id="sg-q")["name"] == "q"
    assert "\n\n" not in page.split("---\n", 2)[2].strip()  # one raw HTML block


def test_missing_lunr_js_is_reported_by_name(monkeypatch):
    monkeypatch.setattr(scripts, "LUNR_JS", ("mkdocs", "contrib/search/templates/search/no-such-lunr.js"))
    with pytest.raises(BuildError) as error:
        scripts.lunr_js()
    assert "no-such-lunr.js" in str(error.value) and "lunr.js not found" in str(error.value)


def test_lunr_js_of_another_version_is_refused(monkeypatch, tmp_path):
    package = tmp_path / "fakemkdocs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "lunr.js").write_text("/**\n * lunr - http://lunrjs.com - A bit like Solr - 2.3.8\n */\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(scripts, "LUNR_JS", ("fakemkdocs", "lunr.js"))
    with pytest.raises(BuildError) as error:
        scripts.lunr_js()
    assert "lunr.js is version 2.3.8, but lunr.py writes indexes for lunr.js 2.3.9" in str(error.value)


def test_lunr_js_comes_from_mkdocs():
    assert "lunr.Index.load = function" in scripts.lunr_js()


def test_built_site_has_search_page_box_on_every_page_and_no_search_plugin(bundled_site):
    site, result, _ = bundled_site
    assert (site / "search.html").is_file()
    assert not (site / "search" / "search_index.json").exists()
    form = re.compile(r'<form class="sg-header-search" role="search" action="([^"]+)"')
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        html = page.read_text()
        action = form.findall(html[:html.index("</header>")])
        assert len(action) == 1, page
        assert (page.parent / action[0]).resolve() == (site / "search.html").resolve(), page
        assert ('src="assets/search/search.js"' in html) == (page == site / "search.html"), page
    assert "index" in result.seconds


def test_first_search_files_exist_and_are_small(bundled_site):
    site, _, _ = bundled_site
    files = first_search_files(site)
    assert [f.name for f in files] == ["search.js", "search-engine.js", "lunr.js", "index.js"]
    assert all(f.is_file() for f in files)
    gzipped = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    assert gzipped < 60_000
    assert len(list((site / "assets" / "search" / "text").glob("*.js"))) == 13
    assert not (site / "assets" / "search" / "docs.js").exists()


def test_built_index_is_byte_identical_across_builds(bundled_site, bundled):
    """The index the session's build wrote is, byte for byte, the one a second run of the build's stages (ingest,
    annotate, render, index: bundled_papers()) computes; the build writes the index stage's files as they are
    (MkDocs never touches them), and test_reproducible.py compares two whole builds, this index included."""
    first = bundled_site[0] / "assets" / "search"
    second = index_files(*bundled[:2])
    theme = {"search.js", "search-engine.js"}  # copied from the theme, not computed
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*.js"))
    assert sorted(set(names) - theme) == sorted(rel.removeprefix("assets/search/") for rel in second)
    for name in sorted(set(names) - theme):
        assert (first / name).read_bytes() == second[f"assets/search/{name}"].encode("utf-8"), name
