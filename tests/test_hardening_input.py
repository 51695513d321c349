"""Hostile input the build contains: JSON and YAML nested too deeply to read, a right-to-left override beside a
date, and withdrawn papers, marked in lists, search results and feeds."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import serve
from conftest import LISTINGS, make_archive
from searchdata import read_data_script
from test_search_browser import search

from sitegen.annotate.stage import annotate_one
from sitegen.archive.taxonomy import Taxonomy
from sitegen.errors import ConfigError, ListingError, Report
from sitegen.ingest.hf import json_rows
from sitegen.model import Paper, PartialDate, Sighting, SourceKind, Tag, Withdrawal
from sitegen.render import feeds
from sitegen.render.pages import paper_item
from sitegen.search.documents import documents
from sitegen.search.stage import search_index
from sitegen.yamlfile import MAX_DEPTH, load_yaml

GOOD = LISTINGS / "block_without_metadata.txt"
"""A good listing beside every bad file: its two papers must still be built."""
GOOD_PAGES = ["paper-one.html", "paper-two.html"]
CONFIG = "site_name: Archive\n"
RLO = "\u202e"
ATOM = "{http://www.w3.org/2005/Atom}"


def _build(capsys, archive: Path, site: Path, config: str = CONFIG) -> tuple[int, str, str]:
    from sitegen.cli import main

    (archive.parent / "mkdocs.yml").write_text(config, encoding="utf-8")
    # One MkDocs process, as in test_hardening_publish.py: a small site's second process adds only its start-up
    # (test_parallel_build.py covers --jobs).
    code = main(["build", "--archive", str(archive), "--site-dir", str(site), "--config",
                 str(archive.parent / "mkdocs.yml"), "--site-url", "https://example.org/", "--jobs", "1"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def _built_papers(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "papers").glob("*.html"))


# --- Deep nesting: JSON ---

DEEP_JSON = {
    "array": b"[" * 100_000,
    "object": b'{"a":' * 100_000,
    "inside-a-row": b'[{"paper": {"id": "2401.00001", "title": ' + b"[" * 100_000,
}
TOO_DEEP_JSON = "is nested too deeply to be an API response (an API answer nests a few levels of brackets"


@pytest.mark.parametrize("shape", sorted(DEEP_JSON))
@pytest.mark.parametrize("folder, name", [("listings", "2025-12-17.json"), ("metadata/hf", "2401.00001.json")])
def test_json_nested_too_deeply_is_skipped_by_name_and_the_good_papers_build(folder, name, shape, tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [GOOD])
    (archive / folder).mkdir(parents=True, exist_ok=True)
    (archive / folder / name).write_bytes(DEEP_JSON[shape])
    code, out, err = _build(capsys, archive, tmp_path / "site")
    assert code == 0, err
    assert err.splitlines() == [f"warning: {archive / folder / name}: {TOO_DEEP_JSON}, never over 64; "
                                "fetch it again (sitegen fetch) or remove it) -- skipped"]
    assert out.startswith(f"Built {tmp_path / 'site'}/: 2 papers")
    assert _built_papers(tmp_path / "site") == GOOD_PAGES


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_deeper_than_an_api_answer_is_refused_however_deep_python_could_read():
    """The bound is the same wherever the reader is called from: Python's stack would allow ~900 levels."""
    row = '{"paper": {"id": "2401.00001", "title": "T", "x": %s}}'
    deep = f"[{row % _nested(70)}]".encode()
    with pytest.raises(ListingError, match="nested too deeply"):
        json_rows(Path("x.json"), deep, Report())
    with pytest.raises(ListingError, match="nested too deeply"):
        json_rows(Path("x.json"), (row % _nested(70)).encode(), Report())
    shallow = json_rows(Path("x.json"), f"[{row % _nested(10)}]".encode(), Report())
    assert shallow[0]["paper"]["title"] == "T"


def test_a_truncated_array_with_a_deep_row_is_refused_not_half_read():
    data = b'[{"paper": {"id": "2401.00001", "title": "T"}}, ' + b"[" * 100_000
    with pytest.raises(ListingError, match="nested too deeply"):
        json_rows(Path("x.json"), data, Report())


# --- Deep nesting: YAML ---

FLOW = "[" * 100_000
DASHES = "- " * 100_000 + "x\n"
BLOCK = "".join("  " * n + "-\n" for n in range(200))
TOO_DEEP_YAML = (f"is nested more than {MAX_DEPTH} levels deep, too deep to read (each `[`, `{{` or `- ` opens a "
                 "level; write the value with a few levels)")


@pytest.mark.parametrize("name, text, line, then", [
    ("archive.yml", FLOW, 1, "skipped"),
    ("archive.yml", "listings:\n  " + DASHES, 2, "skipped"),
    ("archive.yml", BLOCK, 65, "skipped"),
    ("taxonomy.yml", FLOW, 1, "using the built-in taxonomy instead"),
    ("taxonomy.yml", DASHES, 1, "using the built-in taxonomy instead"),
    ("notes/paper-one.md", f"---\n{FLOW}\n---\nA note.\n", 2, "skipped"),
    ("notes/paper-one.md", f"---\nstatus: read\ntags:\n{BLOCK}---\nA note.\n", 67, "skipped"),
], ids=["manifest-flow", "manifest-dashes", "manifest-block", "taxonomy-flow", "taxonomy-dashes", "note-flow",
        "note-block"])
def test_yaml_nested_too_deeply_is_skipped_by_name_and_the_build_goes_on(name, text, line, then, tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [GOOD], **{name.replace("/", "__"): text})
    code, out, err = _build(capsys, archive, tmp_path / "site")
    assert code == 0, err
    assert err.splitlines() == [f"warning: {archive / name}:{line}: {TOO_DEEP_YAML} -- {then}"]
    assert _built_papers(tmp_path / "site") == GOOD_PAGES
    if name == "taxonomy.yml":  # the built-in taxonomy's topics
        assert (tmp_path / "site" / "topics" / "quantization.html").is_file()


@pytest.mark.parametrize("deep, line", [(FLOW, 4), (_nested(400), 4)])
def test_mkdocs_yml_nested_too_deeply_is_one_error_naming_it(deep, line, tmp_path, capsys):
    """mkdocs.yml is the project's, not the archive's: it cannot be skipped, so the build stops, in one line.
    (400 levels read, but made the build crash later, writing the config MkDocs reads.)"""
    archive = make_archive(tmp_path / "archive", [GOOD])
    code, out, err = _build(capsys, archive, tmp_path / "site", f"site_name: S\nextra:\n  sitegen:\n    feeds: {deep}\n")
    assert code == 1 and out == ""
    assert err == f"error: {tmp_path / 'mkdocs.yml'}:{line}: {TOO_DEEP_YAML}\n"
    assert not (tmp_path / "site").exists()


def test_yaml_within_the_bound_reads_and_aliases_stay_refused():
    assert load_yaml(Path("a.yml"), "x: " + _nested(MAX_DEPTH - 2)) == {"x": json.loads(_nested(MAX_DEPTH - 2))}
    with pytest.raises(ConfigError, match="nested more than"):
        load_yaml(Path("a.yml"), "x: " + _nested(MAX_DEPTH))
    with pytest.raises(ConfigError, match=r"aliases \(\*name\) are not allowed"):
        load_yaml(Path("a.yml"), "a: &x [1]\nb: *x\n")
    assert load_yaml(Path("mkdocs.yml"), "a: &x [1]\nb: *x\n", aliases=True) == {"a": [1], "b": [1]}
    with pytest.raises(ConfigError, match="nested more than"):
        load_yaml(Path("mkdocs.yml"), "x: " + _nested(MAX_DEPTH), aliases=True)


# --- A right-to-left override beside a date; withdrawn papers ---

SPOOFED = f"{RLO}Spoofed pruning title"
ROWS = [
    {"paper": {"id": "2401.00001", "title": SPOOFED, "summary": "Pruning, with a title that turns its line around.",
               "authors": [{"name": f"{RLO}Evil Author"}], "publishedAt": "2024-01-05T00:00:00.000Z",
               # Read by ingest/hf.py into Facts.withdrawn.
               "withdrawnAt": "2025-12-03T10:00:00.000Z"}},
    {"paper": {"id": "2401.00002", "title": "Plain pruning paper", "summary": "Pruning, plainly.",
               "authors": [{"name": "Plain Author"}], "publishedAt": "2024-01-06T00:00:00.000Z"}},
]
TAXONOMY_YML = "topics:\n  pruning:\n    name: Pruning\n    match: [prun*]\n"
SPOOFED_FEED = f"{RLO}Spoofed feed"
HOSTILE_CONFIG = CONFIG + f"extra:\n  sitegen:\n    feeds:\n      - {{name: {json.dumps(SPOOFED_FEED)}, words: pruning}}\n"
SPOOFED_ITEM = re.compile(rf'<li><a href="(?:[./]*papers/)?spoofed-pruning-title\.html"><bdi>{RLO}Spoofed pruning title'
                          r'</bdi></a> <small>Jan 5, 2024</small> <small class="sg-withdrawn-badge"[^>]*>withdrawn</small>')
PLAIN_ITEM = re.compile(r'<li><a href="[./]*papers/plain-pruning-paper\.html"><bdi>Plain pruning paper</bdi></a> '
                        r'<small>Jan 6, 2024</small> <span class="sg-card">')


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    from sitegen.pipeline import BuildOptions, build

    tmp = tmp_path_factory.mktemp("bidi")
    archive = make_archive(tmp / "archive", [GOOD, ("2025-12-17.json", json.dumps(ROWS).encode())],
                           **{"taxonomy.yml": TAXONOMY_YML})
    (tmp / "mkdocs.yml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=tmp / "mkdocs.yml", strict=True))
    return tmp / "site"


@pytest.mark.parametrize("page", ["index.html", "topics/pruning.html", "dates/2024-01.html",
                                  "dates/listing-2025-12-17.html", "papers/plain-pruning-paper.html"])
def test_a_right_to_left_override_in_a_title_stays_inside_its_bdi_in_every_list(hostile_site, page):
    html = (hostile_site / page).read_text(encoding="utf-8")
    assert SPOOFED_ITEM.search(html), page  # the title isolated; its date and the withdrawn mark outside
    body = html.split('<article', 1)[1]
    assert body.count(RLO) == len(re.findall(f"<bdi>{RLO}", body)) >= 1
    if page != "papers/plain-pruning-paper.html":  # (that page's related papers leave itself out)
        assert PLAIN_ITEM.search(html), page  # a paper without the new data: no badge


def test_the_window_title_ends_the_override_before_the_site_name(hostile_site):
    html = (hostile_site / "papers" / "spoofed-pruning-title.html").read_text(encoding="utf-8")
    assert f"<title>\u2068{SPOOFED}\u2069 - Archive</title>" in html
    plain = (hostile_site / "papers" / "plain-pruning-paper.html").read_text(encoding="utf-8")
    assert "<title>Plain pruning paper - Archive</title>" in plain


# Whether text inside the element reads left to right on screen: its first character left of its last.
READS_LEFT_TO_RIGHT = """([element, text]) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const left = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                        return r.getBoundingClientRect().left; };
    return left(at) < left(at + text.length - 1);
  }
  return null;
}"""
UNWRAP_BDI = "li => li.querySelectorAll('bdi').forEach(b => b.replaceWith(...b.childNodes))"


@pytest.mark.browser
def test_browser_shows_dates_beside_an_overriding_title_left_to_right(context, hostile_site):
    with serve(hostile_site) as url:
        page = context.new_page()
        page.goto(url + "topics/pruning.html")
        item = page.locator("li", has=page.locator('a[href$="spoofed-pruning-title.html"]'))
        date = item.locator("small").first.element_handle()
        assert page.evaluate(READS_LEFT_TO_RIGHT, [date, "Jan 5, 2024"]) is True
        item.evaluate(UNWRAP_BDI)  # the same line without its <bdi>: the override reverses the date
        assert page.evaluate(READS_LEFT_TO_RIGHT, [date, "Jan 5, 2024"]) is False

        search(page, url + "search.html?q=spoofed")
        title = page.locator(".sg-result__title").first
        assert title.text_content() == SPOOFED
        assert title.get_attribute("dir") == "auto"
        assert title.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
        meta = page.locator(".sg-result__meta").first.element_handle()
        assert page.locator(".sg-result__authors").first.get_attribute("dir") == "auto"
        assert page.evaluate(READS_LEFT_TO_RIGHT, [meta, "Jan 5, 2024"]) is True
        page.locator(".sg-result__authors").first.evaluate("e => e.removeAttribute('dir')")
        assert page.evaluate(READS_LEFT_TO_RIGHT, [meta, "Jan 5, 2024"]) is False

        search(page, url + "search.html?q=pruning")  # a saved search: the page names it, then links its feeds
        feed = page.locator("#sg-feed")
        assert feed.locator("bdi").text_content() == SPOOFED_FEED
        assert page.evaluate(READS_LEFT_TO_RIGHT, [feed.element_handle(), "JSON Feed"]) is True
        feed.evaluate(UNWRAP_BDI)
        assert page.evaluate(READS_LEFT_TO_RIGHT, [feed.element_handle(), "JSON Feed"]) is False
        page.close()


@pytest.mark.browser
def test_browser_marks_a_withdrawn_result_beside_its_title(context, hostile_site):
    """Needs the Hugging Face reader's `withdrawnAt` (ingest/hf.py)."""
    with serve(hostile_site) as url:
        page = context.new_page()
        assert search(page, url + "search.html?q=pruning") == ["Plain pruning paper", SPOOFED]
        plain, spoofed = page.locator("#sg-results li").all()
        assert plain.locator(".sg-result__withdrawn").count() == 0
        badge = spoofed.locator(".sg-result__withdrawn")
        assert badge.text_content() == "withdrawn"
        right = "e => e.getBoundingClientRect().right"
        assert badge.evaluate("e => e.getBoundingClientRect().left") > spoofed.locator("a").first.evaluate(right)
        page.close()


def _annotated(slug: str, title: str, withdrawn: Withdrawal | None = None):
    paper = Paper(slug=slug, title=title, abstract="We prune.", author_count=None, published=PartialDate(2024, 1, 5),
                  upvote_count=None, seen_in=(Sighting("x.txt", None, None, 1),))
    a = annotate_one(paper, Taxonomy([(Tag("pruning", "Pruning"), ["prun*"])]))
    return dataclasses.replace(a, paper=dataclasses.replace(
        a.paper, facts=dataclasses.replace(a.paper.facts, withdrawn=withdrawn)))


WITHDRAWN = Withdrawal(SourceKind.HF, PartialDate(2025, 12, 3))


def test_feeds_prefix_a_withdrawn_papers_title_and_tag_it():
    papers = [_annotated("gone", "Gone paper", WITHDRAWN), _annotated("kept", "Kept paper")]
    feed = feeds.Feed("feed.xml", "Archive", "Newest papers", "index.html")
    entries = ET.fromstring(feeds.atom(feed, papers, "Site").encode()).findall(f"{ATOM}entry")
    by_title = {e.findtext(f"{ATOM}title"): [c.get("term") for c in e.findall(f"{ATOM}category")] for e in entries}
    assert by_title == {"[Withdrawn] Gone paper": ["pruning", "withdrawn"], "Kept paper": ["pruning"]}
    items = json.loads(feeds.json_feed(feed, papers, "Site"))["items"]
    assert {item["title"]: item["tags"] for item in items} == {"[Withdrawn] Gone paper": ["Pruning", "withdrawn"],
                                                               "Kept paper": ["Pruning"]}
    assert all(item["content_text"] == "We prune." for item in items)


def test_search_data_and_list_items_mark_a_withdrawn_paper():
    gone, kept = _annotated("gone", "Gone paper", WITHDRAWN), _annotated("kept", "Kept paper")
    docs = documents((gone, kept), (Tag("pruning", "Pruning"),))
    assert [(d.slug, d.withdrawn) for d in docs] == [("gone", True), ("kept", False)]
    files = search_index(docs, (Tag("pruning", "Pruning"),)).files
    _, manifest = read_data_script(files["assets/search/index.js"])
    assert manifest["withdrawn"] == [0]
    assert paper_item(gone, "").endswith(" <small>Jan 5, 2024</small> <small class=\"sg-withdrawn-badge\" "
                                         "title=\"A source says this paper was withdrawn\">withdrawn</small>")
    assert paper_item(kept, "") == "- [<bdi>Kept paper</bdi>](papers/kept.md) <small>Jan 5, 2024</small>"


def test_a_withdrawn_row_is_marked_in_lists_feeds_and_search_data(hostile_site):
    """End to end, from a daily-papers row's `withdrawnAt`: needs the Hugging Face reader (ingest/hf.py)."""
    feed = json.loads((hostile_site / "feed.json").read_text(encoding="utf-8"))
    titles = {item["title"]: item.get("tags", []) for item in feed["items"]}
    assert titles[f"[Withdrawn] {SPOOFED}"] == ["Pruning", "withdrawn"]
    assert titles["Plain pruning paper"] == ["Pruning"]
    atom = (hostile_site / "topics" / "pruning.xml").read_text(encoding="utf-8")
    assert f"<title>[Withdrawn] {SPOOFED}</title>" in atom
    _, manifest = read_data_script((hostile_site / "assets" / "search" / "index.js").read_text(encoding="utf-8"))
    docs = [row for n in range(-(-manifest["count"] // manifest["docShard"]))
            for row in read_data_script((hostile_site / "assets" / "search" / "docs" / f"{n}.js")
                                        .read_text(encoding="utf-8"))[1]]
    assert [docs[ref][0] for ref in manifest["withdrawn"]] == ["spoofed-pruning-title"]
