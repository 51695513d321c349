"""Structured sources: Hugging Face's daily-papers JSON and paper JSON, arXiv's Atom, merged with pastes."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import bibtexparser
import pytest
from bs4 import BeautifulSoup
from conftest import BUNDLED, FIXTURES, LISTINGS, ROOT, make_archive

from sitegen.archive import Archive
from sitegen.errors import ListingError, Report
from sitegen.ingest.arxiv import read_arxiv
from sitegen.ingest.hf import read_hf_listing, read_hf_records
from sitegen.model import PartialDate, SourceKind
from sitegen.pipeline import BuildOptions, build, read_inputs
from sitegen.text.arxiv_ids import parse_arxiv_id

API = FIXTURES / "api"
ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")


def _read(name: str, report: Report | None = None):
    path = API / name
    return read_hf_listing(path, path.read_bytes(), None, report if report is not None else Report())


def _row(pid: str, title: str, **paper) -> dict:
    return {"paper": {"id": pid, "title": title, "summary": ABSTRACT, **paper}, "title": title}


def _json(rows) -> str:
    return json.dumps(rows)


def _paste(*titles: str, date: str = "Dec 16") -> str:
    blocks = "\n\n".join(f"{t}\n\n{ABSTRACT}\n\n  • 2 authors\n·\nMay 4, 2024 5" for t in titles)
    return f"{date}\n\n{blocks}\n"


def _build(archive: Path, site: Path, strict: bool = False):
    return build(BuildOptions(archive=archive, site_dir=site, config_file=ROOT / "mkdocs.yml", strict=strict))


# ---------------------------------------------------------------------------------------------------------
# Each input type


def test_a_day_of_daily_papers_is_read_with_every_field():
    listing = _read("2025-12-17-hf-daily.json")
    assert listing.source is SourceKind.HF and listing.captured == PartialDate(2025, 12, 17)  # the rows' list day
    full, minimal, nulls = listing.entries
    assert (full.title, full.upvote_count, full.published, full.line) == ("Paper One", 42, PartialDate(2023, 5, 19), 1)
    facts = full.facts
    assert facts.arxiv_id == "2505.00001" and facts.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert (facts.repository, facts.repository_stars) == ("https://github.com/example/paper-one", 1234)
    assert facts.project_page == "https://paper-one.github.io/" and facts.organization == "Example Lab"
    assert facts.ai_keywords == ("structural pruning", "large language models", "efficiency")
    assert facts.ai_summary.startswith("A method removes")
    assert (minimal.title, minimal.abstract, minimal.facts.authors, minimal.upvote_count) == (
        "A Paper Only the API Lists", "", (), None)
    assert nulls.facts.arxiv_id == "2512.05678" and nulls.facts.repository is None and nulls.published is None


def test_flat_rows_and_a_single_paper_object_are_read():
    (flat,) = _read("daily_flat.json").entries
    assert (flat.facts.arxiv_id, flat.facts.authors, flat.upvote_count) == ("2401.00001", ("Flat Author",), 3)
    path = API / "paper_flat_single.json"
    (single,) = read_hf_records(path, path.read_bytes(), Report())
    assert (single.title, single.facts.arxiv_id, single.facts.repository) == (
        "Paper Two", "2505.00002", "https://github.com/example/paper-two")


def test_arxiv_atom_entries_are_read_unwrapped():
    path = API / "arxiv_two_entries.xml"
    one, old = read_arxiv(path, path.read_bytes(), Report())
    assert one.title == "Paper One: The Whole Title as arXiv Has It"
    assert one.abstract.startswith("Large language models are strong. However, they are expensive to run, which")
    assert "\n" not in one.abstract and one.published == PartialDate(2023, 5, 19)
    assert one.facts.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert (one.facts.arxiv_id, one.facts.version, one.facts.categories) == ("2505.00001", "v3", ("cs.CL", "cs.AI"))
    assert one.facts.doi == "10.1000/xyz-123.4" and one.facts.comment.startswith("NeurIPS 2023")
    assert one.facts.journal_ref == "Advances in Neural Information Processing Systems 36 (2023)"
    assert (old.facts.arxiv_id, old.facts.categories) == ("hep-th/9901001", ("hep-th",))


@pytest.mark.parametrize("written, expected", [
    ("2305.11627", ("2305.11627", None)), ("2305.11627v3", ("2305.11627", "v3")), ("arXiv:2305.11627", ("2305.11627", None)),
    ("https://arxiv.org/abs/2305.11627v2", ("2305.11627", "v2")), ("http://arxiv.org/pdf/2305.11627.pdf", ("2305.11627", None)),
    ("hep-th/9901001v1", ("hep-th/9901001", "v1")), ("math.GT/0309136", ("math.GT/0309136", None)),
    ("not-an-id!", None), ("2305.11627 or javascript:x", None), (12345, None),
])
def test_arxiv_ids_in_each_written_form(written, expected):
    assert parse_arxiv_id(written) == expected


@pytest.mark.parametrize("name, message", [
    ("arxiv_error.xml", "is an error from the arXiv API: 'incorrect id format for 1234'"),
    ("arxiv_entity_bomb.xml", "uses XML features an API response never needs (DTDForbidden)"),
    ("daily_error.json", "is an error from the API: 'Invalid date: 2025-13-40'"),
])
def test_an_error_response_is_refused_by_name(name, message):
    path = API / name
    with pytest.raises(ListingError) as caught:
        if name.endswith(".xml"):
            read_arxiv(path, path.read_bytes(), Report())
        else:
            _read(name)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_a_truncated_file_keeps_what_came_before_the_cut():
    report = Report()
    assert [e.title for e in _read("daily_truncated.json", report).entries] == ["First Whole Row", "Second Whole Row"]
    (warning,) = report.warnings
    assert ": ends before the array closes after 2 papers; those are read (fetch it again" in warning
    path = API / "arxiv_truncated.xml"
    report = Report()
    assert [e.facts.arxiv_id for e in read_arxiv(path, path.read_bytes(), report)] == ["2505.00001"]
    assert "ends before the feed closes (XML error at line" in report.warnings[0]


def test_rows_of_the_wrong_shape_are_reported_and_the_good_ones_kept():
    report = Report()
    assert [e.title for e in _read("daily_wrong_shape.json", report).entries] == ["The One Good Row"]
    path = API / "daily_wrong_shape.json"
    assert report.warnings == [
        f"{path}: paper 1 is int, not an object; skipped",
        f"{path}: paper 2 is str, not an object; skipped",
        f"{path}: paper 3 has no arXiv id (id None); skipped (the API's rows name each paper by its arXiv id)",
        f"{path}: paper 4 has no arXiv id (id 'not-an-id!'); skipped (the API's rows name each paper by its arXiv id)",
        f"{path}: paper 5 has no title (id '2401.00020'); skipped (the API's rows name each paper by its arXiv id)",
    ]


@pytest.mark.parametrize("data, message", [
    (b"", "is not JSON"), (b"[]", "holds no paper with an id and a title"), (b'"text"', "is str JSON, not"),
    (b"[1, 2", "holds no paper with an id and a title"), (b"[{", "ends before the array closes: no whole paper in it"),
    (b"\xff\xfe", "is not UTF-8 text"),
])
def test_a_json_file_that_is_no_listing_is_skipped_by_name(tmp_path, data, message):
    path = tmp_path / "2025-12-17.json"
    path.write_bytes(data)
    with pytest.raises(ListingError, match=message):
        read_hf_listing(path, data, None, Report())


def test_api_files_in_the_archive_are_read_and_bad_ones_skipped(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [API / "2025-12-17-hf-daily.json", API / "daily_error.json"],
                           **{"metadata__arxiv__bad.xml": (API / "arxiv_error.xml").read_text(),
                              "metadata__arxiv__ok.xml": (API / "arxiv_two_entries.xml").read_text()})
    report = Report()
    contents = read_inputs(Archive(archive), report)
    assert [listing.name for listing in contents.listings] == ["2025-12-17-hf-daily.json"]
    assert len(contents.records) == 2
    assert sorted(Path(p).name for p in report.skipped) == ["bad.xml", "daily_error.json"]


# ---------------------------------------------------------------------------------------------------------
# Merging


def test_a_paper_pasted_and_fetched_is_one_paper_with_the_apis_facts(tmp_path):
    archive = make_archive(tmp_path / "archive", [
        ("2025-12-16-paste.txt", _paste("Scaling Laws: A Study").encode()),
        ("2025-12-17-hf.json", _json([_row("2501.00001", "Scaling Laws: A Study", upvotes=11,
                                            authors=[{"name": "Ann One"}, {"name": "Bob Two"}])]).encode())])
    report = Report()
    (paper,) = read_inputs(Archive(archive), report).papers
    assert report.warnings == []
    assert paper.slug == "scaling-laws-a-study" and paper.facts.arxiv_id == "2501.00001"
    assert paper.facts.authors == ("Ann One", "Bob Two") and paper.author_count == 2
    assert paper.upvote_count == 11  # the newest capture's
    assert [(s.listing, s.source) for s in paper.seen_in] == [("2025-12-16-paste.txt", SourceKind.PASTE),
                                                              ("2025-12-17-hf.json", SourceKind.HF)]


def test_the_same_paper_on_two_days_keeps_both_sightings_and_the_newest_upvotes(tmp_path):
    archive = make_archive(tmp_path / "archive", [
        ("2025-12-18-hf.json", _json([_row("2501.00002", "Two Days", upvotes=30)]).encode()),
        ("2025-12-17-hf.json", _json([_row("2501.00002", "Two Days", upvotes=12)]).encode())])
    (paper,) = read_inputs(Archive(archive), Report()).papers
    assert paper.upvote_count == 30
    assert [(s.captured, s.upvote_count) for s in paper.seen_in] == [(PartialDate(2025, 12, 17), 12),
                                                                     (PartialDate(2025, 12, 18), 30)]


def test_a_paste_differing_in_case_and_punctuation_joins_the_apis_paper(tmp_path):
    archive = make_archive(tmp_path / "archive", [
        ("2025-12-16-paste.txt", _paste("PRE-TRAINING, at Scale!").encode()),
        ("2025-12-17-hf.json", _json([_row("2501.00003", "Pre-training at scale")]).encode())])
    (paper,) = read_inputs(Archive(archive), Report()).papers
    assert paper.facts.arxiv_id == "2501.00003" and paper.slug == "pre-training-at-scale"
    assert paper.title == "Pre-training at scale"  # Hugging Face's spelling wins over the paste's


def test_two_ids_for_one_title_are_reported_and_never_silently_resolved(tmp_path):
    archive = make_archive(tmp_path / "archive", [
        API / "daily_two_ids_one_title.json", ("2025-12-16-paste.txt", _paste("Same title: two ids").encode())])
    report = Report()
    papers = read_inputs(Archive(archive), report).papers
    assert sorted(p.facts.arxiv_id or "paste" for p in papers) == ["2402.00001", "2402.00002", "paste"]
    assert len({p.slug for p in papers}) == 3
    two, paste = report.warnings
    assert two.startswith("2 arXiv ids have the title 'Same Title, Two Ids': 2402.00001 in daily_two_ids_one_title.json:1; "
                          "2402.00002 in daily_two_ids_one_title.json:2; they stay different papers")
    assert paste.startswith("pasted entries titled 'Same title: two ids' (2025-12-16-paste.txt:3) join neither arXiv "
                            "id 2402.00001 nor 2402.00002")


def test_metadata_gives_a_pasted_paper_its_id_and_arxiv_wins_where_the_table_says(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "metadata_with_dates_and_upvotes.txt"],
                           **{"metadata__hf__2505.00002.json": (API / "paper_flat_single.json").read_text(),
                              "metadata__arxiv__x.xml": (API / "arxiv_two_entries.xml").read_text().replace(
                                  "Paper One: The\n  Whole Title as arXiv Has It", "Paper Two")
                              .replace("2505.00001", "2505.00002")})
    papers = {p.slug: p for p in read_inputs(Archive(archive), Report()).papers}
    two = papers["paper-two"]
    assert two.facts.arxiv_id == "2505.00002" and two.facts.repository == "https://github.com/example/paper-two"
    assert two.facts.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")  # arXiv's, over Hugging Face's
    assert two.published == PartialDate(2023, 5, 19) and two.facts.categories == ("cs.CL", "cs.AI")
    assert len(papers) == 3  # the metadata's hep-th entry is in no listing: it makes no paper


def test_metadata_alone_makes_no_paper_and_a_file_without_a_dated_name_takes_the_rows_day(tmp_path):
    archive = make_archive(tmp_path / "archive", [("undated.json", _json([
        {**_row("2501.00004", "Rows Know Their Day"), "publishedAt": "2025-11-30T00:00:00.000Z"}]).encode())])
    contents = read_inputs(Archive(archive), Report())
    assert contents.listings[0].captured == PartialDate(2025, 11, 30)


# ---------------------------------------------------------------------------------------------------------
# Pages, search, feeds, citations


@pytest.fixture(scope="module")
def api_site(tmp_path_factory):
    """The bundled archive plus a day of API papers (two of them the bundled ones) and arXiv metadata."""
    tmp = tmp_path_factory.mktemp("api-site")
    archive = tmp / "archive"
    shutil.copytree(BUNDLED, archive)
    rows = [_row("2305.11627", "LLM-Pruner: On the Structural Pruning of Large Language Models", upvotes=99,
                 authors=[{"name": "Xinyin Ma"}, {"name": "Gongfan Fang"}, {"name": "Xinchao Wang"}],
                 publishedAt="2023-05-19T00:00:00.000Z", githubRepo="https://github.com/horseee/LLM-Pruner",
                 githubStars=1050, ai_summary="LLM-Pruner prunes LLMs.", ai_keywords=["structural pruning"])]
    rows += json.loads((API / "daily_hostile.json").read_text())
    (archive / "listings" / "2025-12-20-hf-daily.json").write_text(_json(rows))
    (archive / "metadata" / "arxiv").mkdir(parents=True)
    (archive / "metadata" / "arxiv" / "2305.11627.xml").write_text(
        (API / "arxiv_two_entries.xml").read_text().replace("2505.00001", "2305.11627")
        .replace("Paper One: The\n  Whole Title as arXiv Has It", "LLM-Pruner: On the Structural Pruning of Large\n"
                 "  Language Models"))
    result = _build(archive, tmp / "site")
    return tmp / "site", result


def test_every_bundled_url_stays_when_api_files_arrive(api_site, bundled_site):
    site, _ = api_site
    before = {p.name for p in (bundled_site[0] / "papers").glob("*.html")}
    after = {p.name for p in (site / "papers").glob("*.html")}
    assert len(before) == 207 and before <= after and len(after - before) == 2  # the two hostile API papers


def _soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(), "html.parser")


def test_a_paper_page_shows_authors_arxiv_links_code_stars_details_and_the_machines_summary(api_site):
    site, _ = api_site
    page = _soup(site, "papers/llm-pruner-on-the-structural-pruning-of-large-language-models.html")
    assert page.find(class_="sg-authors").get_text() == "Ada Lovelace, Alan Turing, Grace Hopper"  # arXiv's
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert {"https://arxiv.org/abs/2305.11627", "https://arxiv.org/pdf/2305.11627",
            "https://huggingface.co/papers/2305.11627", "https://github.com/horseee/LLM-Pruner",
            "https://doi.org/10.1000/xyz-123.4"} <= hrefs
    code = page.find("a", href="https://github.com/horseee/LLM-Pruner")
    assert code.find_next("small").get_text() == "★ 1,050"
    facts = page.find(class_="sg-facts").get_text()
    assert "99 upvotes" in facts and "arXiv 2305.11627v3" in facts and "cs.CL, cs.AI" in facts
    assert "Machine-written by Hugging Face, not by the authors." in page.find(class_="sg-ai").get_text()
    assert "Journal reference: Advances in Neural Information Processing Systems 36 (2023)" in page.get_text()
    assert page.find(id="find-this-paper") is None  # the arXiv id links the paper itself


def test_hostile_api_fields_stay_text_and_only_clean_https_urls_become_links(api_site):
    site, _ = api_site
    hostile = next(p for p in (site / "papers").glob("*.html") if p.name.startswith("script-alert"))
    page = _soup(site, f"papers/{hostile.name}")
    article = page.find("article")
    assert article.find_all(["script", "img", "iframe", "svg", "b"]) == []
    assert not [a for a in article.find_all("a", href=True) if a["href"].lower().startswith("javascript")]
    assert '<script>alert("t")</script>' in page.find("h1").get_text()
    assert page.find(class_="sg-authors").get_text() == \
        "<b>Mallory</b> [m](javascript:alert(1)), Eve & {Friends} \\relax %"
    hrefs = {a["href"] for a in article.find_all("a", href=True)}
    assert "http://insecure.example.org/" not in hrefs and not [h for h in hrefs if "github.com/x" in h]
    facts = page.find(class_="sg-facts").get_text()
    assert "upvote" not in facts and "Publication date not stated" in facts  # -5 and "not a date" are left out
    assert page.find(string=lambda s: "9999" in s) is None and "ok keyword" in page.get_text()
    second = _soup(site, "papers/second-hostile.html").find("article")
    assert {a["href"] for a in second.find_all("a", href=True)} >= {"https://good.example.org/page"}
    assert not [a for a in second.find_all("a", href=True) if "onmouseover" in a["href"]]


def test_bibtex_names_the_authors_with_eprint_class_and_doi(api_site):
    site, _ = api_site
    library = bibtexparser.parse_string((site / "topics" / "pruning.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    entry = next(e for e in library.entries if e.key == "llm-pruner-on-the-structural-pruning-of-large-language-models")
    assert entry["author"] == "Lovelace, Ada and Turing, Alan and Hopper, Grace"
    assert (entry["eprint"], entry["primaryclass"], entry["doi"]) == ("2305.11627", "cs.CL", "10.1000/xyz-123.4")
    for path in (site / "dates").glob("*.bib"):
        assert not bibtexparser.parse_string(path.read_text(encoding="utf-8")).failed_blocks, path


def test_feeds_carry_the_authors(api_site):
    site, _ = api_site
    atom = ET.parse(site / "topics" / "pruning.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = next(e for e in atom.findall("a:entry", ns) if "LLM-Pruner" in e.find("a:title", ns).text)
    assert [n.text for n in entry.findall("a:author/a:name", ns)] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    items = json.loads((site / "feed.json").read_text())["items"]
    hostile = next(i for i in items if i["title"].startswith("<script>"))
    assert hostile["authors"][0] == {"name": "<b>Mallory</b> [m](javascript:alert(1))"}


def test_the_stats_page_charts_code_by_month(api_site):
    site, _ = api_site
    page = _soup(site, "stats.html")
    assert page.find("figure", id="chart-code-monthly").find("svg") is not None


@pytest.mark.browser
def test_author_names_are_searchable_and_results_show_them(api_site):
    from sitegen.browser import chromium, serve

    site, _ = api_site
    with serve(site) as base, chromium() as context:
        page = context.new_page()
        page.goto(base + "search.html?q=Lovelace")
        page.wait_for_selector(".sg-result")
        first = page.locator(".sg-result").first
        assert "LLM-Pruner" in first.locator(".sg-result__title").text_content()
        assert first.locator(".sg-result__authors").text_content() == "Ada Lovelace, Alan Turing, Grace Hopper"
        assert first.locator(".sg-result__authors mark").text_content() == "Lovelace"
        page.goto(base + "search.html?q=Mallory")
        page.wait_for_selector(".sg-result")
        assert page.locator(".sg-result__authors").first.text_content().startswith("<b>Mallory</b>")
        assert page.locator("#sg-results b, #sg-results script").count() == 0
