"""Long list pages are cut into pages of a fixed size (issue 25): a topic's, a month's and the untagged papers' own
page holds the newest, blocks of exactly SIZE hold the older ones, counted from the oldest so that a new day of
papers changes the first page only. A pager (a named <nav>) links them, and the fullest page stays under 300 KB.
The dates page calls listings by their capture date, their file names beside them (issue 26).
"""

from __future__ import annotations

import json
import posixpath
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, make_archive
from test_accessibility import AXE_JS, RUN_AXE

from sitegen.annotate.stage import annotate
from sitegen.archive import Archive
from sitegen.browser import chromium, serve
from sitegen.errors import Report
from sitegen.model import Annotated, Paper, PartialDate, Sighting
from sitegen.options import SiteOptions, TopicOrder
from sitegen.pipeline import BuildOptions, _site_and_docs, build, read_inputs, render_site
from sitegen.render import paging
from sitegen.render.families import topic_family
from sitegen.render.pages import cards_made_once, iso_date
from sitegen.text.slugs import slug_for

SMALL = 3
"""The page size these tests cut at, so that a few dozen papers make several pages."""
TAXONOMY = "topics:\n  pruning: {name: Pruning, match: [prun*]}\n  studies: {name: Studies, match: [study]}\n"
ABSTRACT = ("We look at things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")
PASTE = f"Mar 13\n\nA pasted paper\n\n{ABSTRACT}\n".encode()
PAPER_LINK = re.compile(r'<a href="(?:\.\./)+papers/([^"]+)\.html">')
BLOCK = re.compile(r"^(topics|dates)/[^/]+/\d+\.md$")


def _row(day: int, n: int, title: str | None = None, published_on: int | None = None) -> dict:
    """A daily-papers row of January `day`: a pruning paper unless titled otherwise, published that day unless
    published_on says which day of January."""
    published = f"2026-01-{published_on or day:02d}T00:00:00.000Z"
    title = title or f"Pruning method {day} {n}"
    return {"paper": {"id": f"2601.{day:02d}{n:03d}", "title": title, "summary": ABSTRACT, "publishedAt": published,
                      "authors": [{"name": "Ada Lovelace"}]}, "publishedAt": published, "title": title}


def _day(day: int, papers: int = 2, published_on: int | None = None) -> tuple[str, bytes]:
    """A day's daily-papers capture (January `day`, 2026): `papers` pruning papers and one paper of no topic."""
    rows = [_row(day, n, None, published_on) for n in range(papers)]
    rows.append(_row(day, 99, f"Untitled work {day}", published_on))
    return (f"2026-01-{day:02d}-hf-daily.json", json.dumps(rows).encode())


def _render(root: Path, days: int, order: TopicOrder = TopicOrder.NEWEST, late: bool = False,
            **files: str) -> dict[str, str]:
    """Every generated page of an archive of `days` days of papers, as the render stage makes them; late: the
    papers of every third day were published on January 1 (they are listed late)."""
    captures = [_day(d, published_on=1 if late and d % 3 == 0 else None) for d in range(1, days + 1)]
    archive = make_archive(root, captures, **{"taxonomy.yml": TAXONOMY, **files})
    report = Report()
    contents = read_inputs(Archive(archive), report)
    assert report.warnings == []
    annotated = annotate(contents.papers, contents.taxonomy, contents.notes)
    return render_site(annotated, contents.listings, contents.taxonomy,
                       SiteOptions(site_name="Paged", topic_order=order)).pages


def _list_pages(pages: dict[str, str], path: str) -> dict[str, str]:
    """A list's own page and its blocks, by path."""
    return {rel: text for rel, text in pages.items() if rel == f"{path}.md" or rel.startswith(f"{path}/")}


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(paging, "SIZE", SMALL)


@pytest.mark.parametrize("path", ["topics/pruning", "dates/2026-01", "topics/untagged"])
def test_every_paper_of_a_list_is_on_exactly_one_of_its_pages(tmp_path, small, path):
    pages = _render(tmp_path / "archive", 11)
    listed = _list_pages(pages, path)
    shown = [slug for text in listed.values() for slug in PAPER_LINK.findall(text)]
    expected = {"topics/pruning": 22, "dates/2026-01": 33, "topics/untagged": 11}[path]
    assert len(shown) == len(set(shown)) == expected
    blocks = {rel: PAPER_LINK.findall(text) for rel, text in listed.items() if rel != f"{path}.md"}
    assert sorted(blocks) == sorted(f"{path}/{n}.md" for n in range(1, expected // SMALL))
    assert all(len(slugs) == SMALL for slugs in blocks.values())
    assert SMALL <= len(PAPER_LINK.findall(listed[f"{path}.md"])) <= 2 * SMALL - 1


def test_the_first_page_holds_the_newest_and_block_1_the_oldest(tmp_path, small):
    pages = _render(tmp_path / "archive", 11)
    first = PAPER_LINK.findall(pages["topics/pruning.md"])
    assert first == ["pruning-method-11-0", "pruning-method-11-1", "pruning-method-10-0", "pruning-method-10-1"]
    assert PAPER_LINK.findall(pages["topics/pruning/1.md"]) == ["pruning-method-2-0", "pruning-method-1-0",
                                                                "pruning-method-1-1"]


def test_a_list_shorter_than_two_pages_is_one_page_without_a_pager(tmp_path, small):
    pages = _render(tmp_path / "archive", 2)
    assert list(_list_pages(pages, "topics/pruning")) == ["topics/pruning.md"]
    assert len(PAPER_LINK.findall(pages["topics/pruning.md"])) == 4 == 2 * 2
    assert "sg-pager" not in pages["topics/pruning.md"]


def test_a_new_day_changes_only_the_first_page_of_each_list(tmp_path, small):
    """Day after day, a page once written as a block never changes, and a day adds at most one block per list; also
    when a day's papers were published long before (every third day's here)."""
    before = _render(tmp_path / "day-5", 5, late=True)
    for days in range(6, 12):
        after = _render(tmp_path / f"day-{days}", days, late=True)
        old_blocks = {rel: text for rel, text in before.items() if BLOCK.match(rel)}
        assert len(old_blocks) >= 3
        assert {rel: after.get(rel) for rel in old_blocks} == old_blocks
        for path in ("topics/pruning", "dates/2026-01", "topics/untagged"):
            added = set(_list_pages(after, path)) - set(_list_pages(before, path))
            assert len(added) <= 1, (days, path, added)
            assert after[f"{path}.md"] != before[f"{path}.md"]
        before = after


def test_a_list_in_the_curators_order_is_cut_by_position_its_noted_papers_first(tmp_path, small):
    note = "---\nrating: 5\n---\nThe one to read.\n"
    pages = _render(tmp_path / "archive", 11, TopicOrder.NOTES_FIRST, **{"notes__pruning-method-1-1.md": note})
    listed = _list_pages(pages, "topics/pruning")
    assert PAPER_LINK.findall(pages["topics/pruning.md"])[0] == "pruning-method-1-1"
    shown = [slug for text in listed.values() for slug in PAPER_LINK.findall(text)]
    assert len(shown) == len(set(shown)) == 22
    assert 'published <time datetime="2026-01-01">' in pages["topics/pruning/1.md"]  # the order's end, the oldest


def _topic_pages(root: Path, days: int, work: Path | None, **files: str) -> dict[str, str]:
    """The topic family's pages and files of an archive of `days` days, kept in work's memos (None: none)."""
    archive = make_archive(root, [_day(d) for d in range(1, days + 1)], **{"taxonomy.yml": TAXONOMY, **files})
    contents = read_inputs(Archive(archive), Report())
    annotated = annotate(contents.papers, contents.taxonomy, contents.notes)
    options = SiteOptions(site_name="Paged", topic_order=TopicOrder.NEWEST)
    site, _ = _site_and_docs(annotated, contents, options)
    with cards_made_once():
        made = topic_family(replace(site, work=work))
    return {**made.pages, **made.files}


def test_a_rebuild_makes_only_the_list_pages_and_feeds_that_show_something_new(tmp_path, small, monkeypatch):
    """A topic's blocks and feeds are kept in the work folder by what they show: a new day makes the list's own page
    and its feed again, a changed card (a curator's rating) its block; each time the pages are those made anew."""
    made: list[str] = []
    page = paging._page
    monkeypatch.setattr(paging, "_page", lambda view, parts: made.append(view.path) or page(view, parts))
    work = tmp_path / "work"
    work.mkdir()
    first = _topic_pages(tmp_path / "a", 11, work)
    assert len([rel for rel in first if BLOCK.match(rel)]) >= 4 and len(made) == len(
        [rel for rel in first if rel.endswith(".md") and rel != "topics/index.md"])
    for name, days, files in [("b", 12, {}), ("c", 12, {"notes__pruning-method-1-1.md": "---\nrating: 4\n---\n"})]:
        made.clear()
        again = _topic_pages(tmp_path / name, days, work, **files)
        remade = len(made)
        assert again == _topic_pages(tmp_path / f"{name}-fresh", days, None, **files)
        changed = sorted(rel for rel, text in again.items() if first.get(rel) != text and rel.endswith(".md"))
        assert 0 < remade <= len([rel for rel in changed if rel != "topics/index.md"])
        first = again
    assert changed == ["topics/pruning/1.md"]  # the rated paper's block alone, made again


# ---------------------------------------------------------------------------------------------------------------
# The built pages: links, the pager, the sitemap, a phone


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("paged")
    archive = make_archive(tmp / "archive", [_day(d) for d in range(1, 12)], **{"taxonomy.yml": TAXONOMY})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paging, "SIZE", SMALL)
        result = build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=ROOT / "mkdocs.yml",
                                    strict=True, site_url="https://example.org/papers/"))
    assert result.report.warnings == []
    return tmp / "site"


def _soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def test_every_link_of_every_pager_resolves(site):
    pagers = 0
    for path in sorted(site.glob("topics/**/*.html")) + sorted(site.glob("dates/**/*.html")):
        nav = _soup(site, path.relative_to(site).as_posix()).find("nav", class_="sg-pager")
        if nav is None:
            continue
        pagers += 1
        for link in nav.find_all("a"):
            assert (path.parent / link["href"]).resolve().is_file(), (path, link["href"])
    assert pagers == 7 + 11 + 3  # the pages of the topic, the month and the untagged papers


def test_older_papers_links_walk_from_the_first_page_through_every_block(site):
    rel, seen = "topics/pruning.html", []
    while True:
        seen.append(rel)
        nav = _soup(site, rel).find("nav", attrs={"aria-label": "Pages of Pruning"})
        assert len(nav.find_all(attrs={"aria-current": "page"})) == 1
        older = nav.find("a", string="Older papers")
        if older is None:
            break
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(rel), older["href"]))
    assert seen == ["topics/pruning.html", *(f"topics/pruning/{n}.html" for n in range(6, 0, -1))]


def test_a_block_links_back_to_the_newest_papers_and_names_its_dates(site):
    article = _soup(site, "topics/pruning/3.html").find("article")
    assert article.h1.get_text(strip=True).startswith("Pruning, page 3")
    nav = article.find("nav", class_="sg-pager")
    assert nav.find("a", string="Newest papers")["href"] == "../pruning.html"
    assert nav.find(attrs={"aria-current": "page"}).get_text() == "Page 3: 3 papers, added 2026-01-04 – 2026-01-05"
    assert [a["href"] for a in nav.find_all("a")] == ["../pruning.html", "2.html", "../pruning.html", "2.html",
                                                      "1.html"]
    first = _soup(site, "topics/pruning.html").find("article")
    assert first.find(id="sg-pages") is not None  # the introduction's link to the list of pages
    assert "the others are on 6 more pages" in first.get_text()


def test_the_sitemap_lists_every_page_of_a_list(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for n in range(1, 7):
        assert f"https://example.org/papers/topics/pruning/{n}.html" in sitemap


PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_on_a_phone_the_pager_fits_and_leads_to_the_older_pages(site):
    with serve(site) as url, chromium() as context:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto(url + "topics/pruning.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        pager = page.get_by_role("navigation", name="Pages of Pruning")
        links = pager.get_by_role("link")
        assert links.count() == 7
        for n in range(links.count()):
            box = links.nth(n).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 16
        pager.get_by_role("link", name="Older papers").click()
        page.wait_for_url("**/topics/pruning/6.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_role("navigation", name="Pages of Pruning").get_by_role("link", name="Page 5").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/topics/pruning/5.html")


@pytest.mark.browser
def test_axe_finds_nothing_wrong_with_a_paged_list(site):
    axe = AXE_JS.read_text(encoding="utf-8")
    with serve(site) as url, chromium() as context:
        page = context.new_page()
        for rel in ("topics/pruning.html", "topics/pruning/3.html"):
            page.goto(url + rel)
            page.add_script_tag(content=axe)
            assert page.evaluate(RUN_AXE) == [], rel


# ---------------------------------------------------------------------------------------------------------------
# The fullest page, at the real size


def _rich_row(n: int) -> dict:
    """The richest card: a long title, four long author names, upvotes, a code repository with stars, five topics,
    withdrawn."""
    title = (f"Scaling pruning and quantization study {n}: sparse mixture-of-experts vision-language models with "
             "routing, capacity and data efficiency at scale")
    names = ["Alexandra Konstantinopoulou-Smith", "Maximilian Oberhauser-Lindqvist", "Jean-Baptiste Dubois",
             "Someone Else"]
    paper = {"id": f"2601.{n:05d}", "title": title, "summary": ABSTRACT, "publishedAt": "2026-01-05T00:00:00.000Z",
             "authors": [{"name": name} for name in names], "upvotes": 1234 + n,
             "githubRepo": f"https://github.com/some-organisation/repository-{n}", "githubStars": 12345,
             "withdrawnAt": "2026-01-06T00:00:00.000Z"}
    return {"paper": paper, "publishedAt": "2026-01-05T00:00:00.000Z", "title": title}


RICH_TAXONOMY = """topics:
  pruning: {name: Pruning and sparsity, match: [prun*]}
  quantization: {name: Quantization and low precision, match: [quantiz*]}
  moe: {name: Mixture of experts, match: [mixture-of-experts]}
  vlm: {name: Vision-language models, match: [vision-language]}
  scale: {name: Scaling laws and data efficiency, match: [scaling]}
"""


def test_the_fullest_first_page_of_the_richest_cards_stays_under_300_kb(tmp_path):
    """2 * SIZE - 1 cards with everything a card shows, a curator's rating and status and a checked repository
    too (measured: about 1.05 KB a card, 219 KB the page)."""
    count = 2 * paging.SIZE - 1
    rows = [_rich_row(n) for n in range(count)]
    note = "---\nrating: 4\nstatus: key-paper\n---\nRead it.\n"
    notes = {f"notes__{slug_for(row['title'])}.md": note for row in rows}
    checks = {row["paper"]["githubRepo"]: [{"date": "2026-01-06", "status": "live", "http": 200, "stars": 12345}]
              for row in rows}
    archive = make_archive(tmp_path / "archive", [("2026-01-05-hf-daily.json", json.dumps(rows).encode())],
                           **{"taxonomy.yml": RICH_TAXONOMY, "links.json": json.dumps({"format": 1, "links": checks}),
                              **notes})
    build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml"))
    page = tmp_path / "site" / "topics" / "pruning.html"
    assert not (tmp_path / "site" / "topics" / "pruning").exists()  # one page: the fullest there is
    cards = _soup(tmp_path / "site", "topics/pruning.html").find_all(class_="sg-card")
    assert len(cards) == count
    assert all(card.find(class_="sg-rating") and "live" in card.get_text() for card in cards)
    assert page.stat().st_size < 300_000


# ---------------------------------------------------------------------------------------------------------------
# The dates page (issue 26)


def test_the_dates_page_calls_listings_by_their_capture_date_with_the_file_beside(tmp_path):
    files = [_day(3), ("2026-01-03-hf-daily-20260104T071702Z.json", _day(3)[1]),
             ("2a6f0c1e9b.txt", PASTE)]
    archive = make_archive(tmp_path / "archive", files, **{"taxonomy.yml": TAXONOMY})
    report = Report()
    contents = read_inputs(Archive(archive), report)
    assert report.warnings == []
    pages = render_site(annotate(contents.papers, contents.taxonomy, contents.notes), contents.listings,
                        contents.taxonomy, SiteOptions(site_name="Dated")).pages
    dates = BeautifulSoup(pages["dates/index.md"].split("## By listing capture date")[1], "html.parser").get_text()
    rows = [line for line in dates.splitlines() if line.startswith("| [")]
    assert [row.split("](")[0] for row in rows] == ["| [Listing captured 2026-01-03 (2)",
                                                    "| [Listing captured 2026-01-03",
                                                    "| [Listing captured Mar 13, year unknown"]
    assert rows[2].endswith("| 1 | 2a6f0c1e9b.txt |")
    listing = pages["dates/listing-2a6f0c1e9b.md"]
    assert "# Listing captured Mar 13, year unknown" in listing and "(file <code>2a6f0c1e9b" in listing


def test_the_dates_page_says_plainly_which_papers_have_no_month(tmp_path):
    archive = make_archive(tmp_path / "archive", [("x.txt", PASTE)])
    report = Report()
    contents = read_inputs(Archive(archive), report)
    assert report.warnings == []
    pages = render_site(annotate(contents.papers, contents.taxonomy, contents.notes), contents.listings,
                        contents.taxonomy, SiteOptions(site_name="Dated")).pages
    assert ("1 paper has no publication date, so no month above lists it; the listings below that showed it "
            "do.") in pages["dates/index.md"]
    assert " 0 " not in pages["dates/index.md"]


def test_a_pages_span_names_the_first_and_last_day_its_papers_were_added(small):
    def paper(n: int, captured: list[PartialDate | None]) -> Annotated:
        seen = tuple(Sighting(f"l{n}-{k}.txt", day, None, k + 1) for k, day in enumerate(captured))
        return Annotated(Paper(f"p{n:03d}", f"Paper {n}", "", None, None, None, seen), f"Paper {n}", "", (), ())

    def expected(papers: list[Annotated]) -> str:  # every paper's first capture looked at
        firsts = [a.paper.first_capture for a in papers]
        known = sorted((d for d in firsts if d), key=PartialDate.sort_key)
        if not known:
            return "capture date unknown"
        days = [f'<time datetime="{iso_date(d)}">{iso_date(d)}</time>' for d in (known[0], known[-1])]
        if len(known) < len(firsts):
            return f"added up to {days[1]}"
        return "added " + (days[0] if days[0] == days[1] else f"{days[0]} – {days[1]}")

    rng = random.Random(5)
    days = [PartialDate(2025, m, d) for m in (1, 2) for d in (3, 9, 27)] + [PartialDate(None, 4, 4), None]
    for trial in range(40):
        papers = [paper(n, rng.sample(days, rng.randint(1, 3))) for n in range(rng.randint(1, 14))]
        parts = paging.cut(papers, Annotated.newest_first_key)
        assert sorted(a.slug for part in parts for a in part.papers) == sorted(a.slug for a in papers)
        for part in parts:
            assert part.span == expected(list(part.papers)), trial
