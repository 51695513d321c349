"""End to end: the bundled archive builds a strict-clean site with every page it promises."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from conftest import LISTINGS, ROOT, make_archive

from sitegen.cli import main
from sitegen.pipeline import BuildOptions, build


def test_bundled_site_has_one_page_per_paper(bundled_site):
    site, result, _ = bundled_site
    assert result.paper_count == 207 and result.duplicate_count == 15
    assert len(list((site / "papers").glob("*.html"))) == 207
    assert not [w for w in result.report.warnings if w.startswith("MkDocs")]


def test_bundled_site_has_topic_and_date_pages(bundled_site):
    site, _, _ = bundled_site
    topics = [p for p in (site / "topics").glob("*.html") if p.name != "index.html"]
    assert len(topics) >= 10
    assert (site / "topics" / "index.html").is_file()
    assert (site / "dates" / "index.html").is_file()
    assert (site / "dates" / "2023-05.html").is_file()
    assert len(list((site / "dates").glob("listing-*.html"))) == 3
    assert (site / "index.html").is_file()


def test_every_bundled_paper_has_a_topic_and_no_topic_is_too_broad(bundled_site):
    site, result, work = bundled_site
    assert not (site / "topics" / "untagged.html").exists()
    for page in (site / "topics").glob("*.html"):
        if page.name == "index.html":
            continue
        count = int(re.search(r"(\d+) papers?, newest first", page.read_text())[1])
        assert count <= 207 / 2, page.name


def test_paper_pages_stay_out_of_the_navigation(bundled_site):
    site, _, _ = bundled_site
    home = (site / "index.html").read_text()
    nav = BeautifulSoup(home, "html.parser").select("nav.md-nav--primary a")
    assert nav and not any("papers/" in (a.get("href") or "") for a in nav)


def test_llm_pruner_page(bundled_site):
    site, _, _ = bundled_site
    page = (site / "papers" / "llm-pruner-on-the-structural-pruning-of-large-language-models.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("h1").get_text() == "LLM-Pruner: On the Structural Pruning of Large Language Models"
    assert "Published May 19, 2023 · 3 authors" in soup.get_text()
    assert soup.find("a", href="https://github.com/horseee/LLM-Pruner")
    assert soup.find("a", href="../topics/pruning.html")
    assert "captured Dec 16, 2025" in soup.get_text()


def test_undated_papers_appear_under_their_listing(bundled_site):
    site, _, _ = bundled_site
    listing = (site / "dates" / "listing-000-62622737c0a91eb6.html").read_text()
    assert "SMPLer-X: Scaling Up Expressive Human Pose and Shape Estimation" in BeautifulSoup(
        listing, "html.parser").get_text()


def test_hostile_listing_shows_literally_and_adds_no_markup(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "hostile_text.txt", LISTINGS / "forged_slug_title.txt",
                                                  LISTINGS / "hostile_math_and_latex.txt"])
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml", strict=True))
    pages = list((tmp_path / "site").rglob("*.html"))
    (paper,) = (tmp_path / "site" / "papers").glob("script-alert-*.html")
    soup = BeautifulSoup(paper.read_text(), "html.parser")
    article = soup.find("article")
    assert article.find("h1").get_text().startswith('<script>alert("t")</script> *Bold* _x_ #')
    assert "--8<-- \"secrets.txt\"" in article.get_text()
    assert "{: .cls onclick=\"x\"}" in article.get_text()

    # LaTeX and math: residue cleaned, C1 controls gone (the page title's YAML still reads), unsafe math literal.
    (paper,) = (tmp_path / "site" / "papers").glob("*hostile-ecole-math*.html")
    soup = BeautifulSoup(paper.read_text(), "html.parser")
    title = "Hostile \u00c9cole Math $\\href{javascript:alert(1)}{x}$ <svg/onload=alert(1)>"
    assert soup.find("article").find("h1").get_text() == title
    assert soup.title.get_text().startswith("Hostile \u00c9cole Math")
    abstract = soup.find("p", class_="sg-abstract")
    assert [m.get_text() for m in abstract.find_all("math")] == ["x", "<b>bold</b>"]  # \\text{} is shown as text
    shown = " ".join(abstract.get_text().split())
    assert shown.startswith("An abstract where x is the input and $\\href{javascript:alert(3)}{y}$ is a link")
    assert "$\\color{red}{z}$ a colour" in shown and "<math><mi>w</mi></math> raw MathML" in shown
    assert shown.endswith("It costs $5 and $10.")
    assert not abstract.find_all(["a", "b", "strong", "em", "img", "svg"])
    # A title spelling another paper's page name gets a page of its own.
    assert {p.name for p in (tmp_path / "site" / "papers").glob("paper-f6ec37bb*.html")} >= {"paper-f6ec37bb.html"}
    assert len(list((tmp_path / "site" / "papers").glob("paper-f6ec37bb*.html"))) == 2
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        assert not soup.find_all(["iframe", "img"]), page
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # data, never run: the paper's text, with no "<" to end it
                assert "<" not in script.get_text() and json.loads(script.get_text())["@type"] == "ScholarlyArticle"
                continue
            assert "alert" not in script.get_text() and "alert" not in (script.get("src") or "")
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], (page, tag)
            for value in tag.attrs.values():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not text.strip().lower().startswith("javascript:"), (page, tag)


def test_cli_reports_bad_file_by_name_and_builds_the_rest(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt",
                                                  LISTINGS / "binary_file.txt"])
    code = main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site"),
                 "--config", str(ROOT / "mkdocs.yml")])
    captured = capsys.readouterr()
    assert code == 0
    assert "binary_file.txt: is a binary file" in captured.err
    assert "Traceback" not in captured.err
    assert len(list((tmp_path / "site" / "papers").glob("*.html"))) == 2


def test_cli_fails_when_nothing_usable_is_left(tmp_path, capsys):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "not_a_listing.txt", LISTINGS / "binary_file.txt"])
    code = main(["build", "--archive", str(archive), "--site-dir", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert code == 1
    assert "not_a_listing.txt" in err and "binary_file.txt" in err and "no usable listing" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_help_documents_build(capsys):
    try:
        main(["build", "--help"])
    except SystemExit:
        pass
    out = capsys.readouterr().out
    assert "--archive DIR" in out and "--site-dir DIR" in out
