"""The stats page: SVG charts drawn at build time, themed by the page, identical between builds."""

from __future__ import annotations

import itertools
import re

from bs4 import BeautifulSoup
from conftest import LISTINGS, ROOT, make_archive

from sitegen.annotate.stage import annotate_one
from sitegen.archive.taxonomy import Taxonomy
from sitegen.model import Paper, PartialDate, Sighting, Tag
from sitegen.pipeline import BuildOptions, build
from sitegen.render import stats

TAXONOMY = Taxonomy([(Tag("pruning", "Pruning $x$ <b>"), ["prun*"])])
CHARTS = ["chart-published", "chart-captured", "chart-topics", "chart-code", "chart-code-monthly"]


def _papers(n: int = 30):
    out = []
    for i in range(n):
        published = PartialDate(2023 + i % 3, 1 + i % 12, 1) if i % 4 else None
        abstract = "We prune." + (" Code: https://github.com/a/b" if i % 3 == 0 else "")
        paper = Paper(slug=f"p{i}", title=f"Paper {i}", abstract=abstract, author_count=None, published=published,
                      upvote_count=None, seen_in=(Sighting("x.txt", PartialDate(2025, 12, 16), None, 1),))
        out.append(annotate_one(paper, TAXONOMY))
    return out


def test_the_stats_page_has_its_charts(bundled_site):
    site, _, _ = bundled_site
    soup = BeautifulSoup((site / "stats.html").read_text(), "html.parser")
    figures = soup.select("figure.sg-chart")
    assert [f["id"] for f in figures] == CHARTS
    for figure in figures:
        svg = figure.find("svg")
        assert svg and svg.get("viewbox") and svg.get("role") == "img"
        assert svg.find("title").get_text() and figure.find("figcaption").get_text()
        assert svg.find_all("path") and svg.find_all("text")
    nav = soup.select("nav.md-nav--primary a")
    assert any(a.get("href") == "stats.html" for a in nav)
    assert 'href="stats.html"' in (site / "index.html").read_text()


def test_charts_follow_the_colour_scheme_and_need_no_network(bundled_site):
    site, _, _ = bundled_site
    page = (site / "stats.html").read_text()
    body = page[page.index('<figure class="sg-chart"'):page.rindex("</figure>")]
    assert "currentColor" in body
    assert stats.INK not in body
    assert not re.search(r"fill: ?#(?:fff|ffffff)\b", body, re.I)  # no white background
    assert "<script" not in body and "<image" not in body
    assert not re.search(r"(?:href|src)=\"https?:", body)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # four inline SVGs, no clashing ids
    assert re.search(r'<style type="text/css">#chart-code \*\{', body)  # its style rules stay inside


def test_charts_are_identical_between_builds(monkeypatch):
    papers = _papers()
    first = stats.stats_page(papers)
    monkeypatch.setattr(stats, "_drawn", {})  # drawn again, not the charts this process keeps
    assert stats.stats_page(list(papers)) == first


def test_a_kept_chart_is_drawn_again_when_its_data_change(monkeypatch):
    papers = _papers()
    before, fewer = stats.charts(papers), stats.charts(papers[::2])  # every drawn chart's data change
    drawn = [(a.svg, b.svg) for a, b in zip(before, fewer, strict=True) if a.svg]
    assert len(drawn) == 5 and all(a != b for a, b in drawn)
    monkeypatch.setattr(stats, "_drawn", {})  # drawn afresh: the same as the charts the process kept
    assert [c.svg for c in stats.charts(papers[::2]) if c.svg] == [b for _, b in drawn]


def test_charts_a_build_draws_on_the_second_core_are_kept_in_this_process(tmp_path, monkeypatch):
    """A build draws the stats page in a second process; the charts come back with it, so the next build in this
    process (`sitegen serve`) draws only the ones whose data changed."""
    from sitegen.synth import synthesise

    synthesise(ROOT / "archive", 80, tmp_path / "archive", 5)
    monkeypatch.setattr(stats, "_drawn", {})
    build(BuildOptions(archive=tmp_path / "archive", site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml"))
    kept = {memo[0] for memo in stats._drawn}
    assert {"chart-published", "chart-captured", "chart-topics"} <= kept


def test_topic_names_are_text_not_markup_or_math():
    svg = stats.per_topic(_papers()).svg
    assert "Pruning $x$ &lt;b&gt;" in svg and "<b>" not in svg


def test_the_code_share_is_per_year_with_counts():
    chart = stats.code_share(_papers())
    assert chart.caption.startswith("10 of 30 papers (33%) link to code")
    assert "no date" in chart.svg and " of " in chart.svg


def test_an_archive_without_dates_says_so_instead_of_drawing(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml", strict=True))
    soup = BeautifulSoup((tmp_path / "site" / "stats.html").read_text(), "html.parser")
    text = soup.find("article").get_text()
    assert "No paper states a publication date with its year." in text
    assert "No listing states its capture year." in text
    assert [f["id"] for f in soup.select("figure.sg-chart")] == ["chart-topics", "chart-code"]


def test_the_code_share_line_breaks_at_months_without_papers(monkeypatch):
    from matplotlib.axes import Axes

    lines: list[list[int]] = []
    plot = Axes.plot

    def recorded(self, x, *args, **kwargs):
        lines.append(list(x))
        return plot(self, x, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", recorded)
    monkeypatch.setattr(stats, "_drawn", {})  # drawn now, not taken from the process's charts
    papers = [a for a in _papers() if a.paper.published and a.paper.published.month != 3]  # no March at all
    chart = stats.code_share_by_month(papers)
    assert chart.svg and len(lines) > 1  # one line per run of months with papers
    assert all(b - a == 1 for run in lines for a, b in itertools.pairwise(run))
    assert "a month without papers is a gap in the line" in chart.caption
