"""List pages show each paper as a card a reader can scan: title, date, first authors, upvotes, a code badge (stars
and health when known), topics, the curator's marks; only what the archive knows. The home page leads with the
newest day's papers. On a phone (390 px) every page fits the width and the BibTeX copy button stays off the text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import ROOT, make_archive

from sitegen.browser import chromium, serve
from sitegen.pipeline import BuildOptions, build

ABSTRACT = ("We look at things in depth. Our results show that things are better than before, and that this holds "
            "across many settings, tasks and model sizes, which we discuss at length.")
HOSTILE = '<img src=x onerror=alert(1)> **bold** [x](javascript:alert(1)) Hostile pruning'
LONG_WORD = "Unbreakable" * 12
TAXONOMY = "topics:\n  pruning: {name: Pruning, match: [prun*]}\n  studies: {name: Studies, match: [study]}\n"
NOTE = "---\nrating: 4\nstatus: read\n---\nWorth it.\n"
LINKS = {"https://github.com/rich/repo": [{"date": "2025-12-20", "status": "live", "http": 200, "stars": 1234}],
         "https://github.com/dead/repo": [{"date": "2025-12-20", "status": "dead", "http": 404}]}
BARE_PASTE = f"Dec 16\n\nBare Pasted Paper\n\n{ABSTRACT}\n"


def _row(pid: str, title: str, **paper) -> dict:
    return {"paper": {"id": pid, "title": title, "summary": ABSTRACT, **paper},
            "publishedAt": "2026-01-05T00:00:00.000Z", "title": title}


ROWS = [
    _row("2601.00031", "Rich Pruning Paper", summary=f"A study of pruning. {ABSTRACT}",
         publishedAt="2025-12-30T10:00:00.000Z", upvotes=42,
         authors=[{"name": n} for n in ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra")],
         githubRepo="https://github.com/rich/repo", githubStars=5),
    _row("2601.00032", "Starred Paper", githubRepo="https://github.com/starred/repo", githubStars=17,
         authors=[{"name": "Solo Author"}]),
    _row("2601.00033", "Dead Code Paper", githubRepo="https://github.com/dead/repo"),
    _row("2601.00034", HOSTILE, authors=[{"name": "<script>alert(2)</script>"}, {"name": "\u202eEvil\u2069 Author"}]),
    _row("2601.00035", f"{LONG_WORD} paper"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cards")
    archive = make_archive(tmp / "archive", [("2026-01-05-hf.json", json.dumps(ROWS).encode()),
                                             ("2025-12-16-paste.txt", BARE_PASTE.encode())],
                           **{"taxonomy.yml": TAXONOMY, "notes__rich-pruning-paper.md": NOTE,
                              "archive.yml": "listings:\n  2025-12-16-paste.txt: {captured: 2025-12-16}\n",
                              "links.json": json.dumps({"format": 1, "links": LINKS})})
    result = build(BuildOptions(archive=archive, site_dir=tmp / "site", config_file=ROOT / "mkdocs.yml",
                                strict=True))
    assert result.report.warnings == []
    return tmp / "site"


def _article(site: Path, rel: str) -> Tag:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser").find("article")


def _item(article: Tag, slug: str) -> Tag:
    (link,) = [a for a in article.find_all("a") if a["href"].endswith(f"papers/{slug}.html")][:1]
    return link.parent


def _card(item: Tag) -> tuple[str, list[str]]:
    """A card's line as it reads (direction isolates left out), and its badges."""
    card = item.find(class_="sg-card", recursive=False)
    text = " ".join(card.get_text().replace("\u2068", "").replace("\u2069", "").split())
    return text, [" ".join(tag.get_text().split()) for tag in card.find_all(class_="md-tag")]


RICH_CARD = ("Ada Lovelace, Alan Turing, Grace Hopper et al. · 42 upvotes Code · ★ 1,234 · live Pruning Studies ★★★★☆ read",
             ["Code · ★ 1,234 · live", "Pruning", "Studies", "★★★★☆", "read"])


@pytest.mark.parametrize("rel", ["index.html", "topics/pruning.html", "topics/studies.html", "dates/2025-12.html",
                                 "dates/listing-2026-01-05-hf.html"])
def test_a_card_shows_everything_the_archive_knows(site, rel):
    item = _item(_article(site, rel), "rich-pruning-paper")
    assert item.a.get_text() == "Rich Pruning Paper"
    assert [small.get_text() for small in item.find_all("small", recursive=False)] == ["Dec 30, 2025"]
    assert _card(item) == RICH_CARD
    topics = item.find_all(class_="md-tag", string=["Pruning", "Studies"])
    assert [t.name for t in topics] == ["bdi", "bdi"]  # each name isolated from the next
    authors = item.find(class_="sg-card").contents[0]
    assert authors.startswith("\u2068Ada Lovelace\u2069, \u2068Alan Turing\u2069, \u2068Grace Hopper\u2069 et al.")


def test_code_badges_show_stars_and_health_only_where_known(site):
    home = _article(site, "index.html")
    assert _card(_item(home, "starred-paper")) == ("Solo Author Code · ★ 17", ["Code · ★ 17"])
    assert _card(_item(home, "dead-code-paper")) == ("Code · dead", ["Code · dead"])


def test_a_bare_pasted_paper_shows_its_title_and_nothing_empty(site):
    for rel in ("index.html", "topics/untagged.html", "dates/listing-2025-12-16-paste.html"):
        item = _item(_article(site, rel), "bare-pasted-paper")
        assert [child.name for child in item.find_all(True)] == ["a", "bdi", "small"], rel
        assert item.get_text(" ", strip=True) == "Bare Pasted Paper undated"
    for rel in ("index.html", "topics/pruning.html", "dates/listing-2026-01-05-hf.html"):
        for card in _article(site, rel).find_all(class_="sg-card"):
            empty = [el for el in [card, *card.find_all(True)] if not el.get_text(strip=True)]
            assert not empty, (rel, empty)


def test_the_home_page_leads_with_the_newest_day_in_its_listings_order(site):
    article = _article(site, "index.html")
    first = article.find("h2")
    assert first.get_text(strip=True).removesuffix("¶") == "Newest day: Jan 5, 2026"
    assert "5 papers captured that day" in first.find_next("p").get_text()
    day = [a["href"] for a in first.find_next("ul").find_all("a", href=lambda h: h.startswith("papers/"))]
    assert day[:3] == ["papers/rich-pruning-paper.html", "papers/starred-paper.html", "papers/dead-code-paper.html"]
    assert len(day) == 5 and "papers/bare-pasted-paper.html" not in day
    newest = article.find_all("h2")[-1]
    assert [a["href"] for a in newest.find_next("ul").find_all("a")] == ["papers/bare-pasted-paper.html"]
    headings = [h.get_text(strip=True).removesuffix("¶") for h in article.find_all("h2")]
    assert headings == ["Newest day: Jan 5, 2026", "Top topics", "Newest papers"]


def test_a_hostile_title_and_author_stay_inert_on_cards(site):
    for rel in ("index.html", "topics/pruning.html"):
        article = _article(site, rel)
        assert not article.find(["img", "script", "strong"]), rel
        item = _item(article, "img-src-x-onerror-alert-1-bold-x-javascript-alert-1-hostile-pruning")
        assert item.a.bdi.get_text() == HOSTILE
        assert not item.a.bdi.find(True)
        if rel == "index.html":
            # An author's direction marks are dropped: none can end its isolate and turn the line around.
            assert _card(item) == ("<script>alert(2)</script>, Evil Author Pruning", ["Pruning"])
            assert "\u2068\u202e" not in str(item) and "Evil\u2069 Author" not in str(item)
        assert not [a for a in article.find_all("a") if a["href"].startswith("javascript")]


PHONE = {"width": 390, "height": 844}
OVERLAP = """() => { const pre = document.querySelector('pre.sg-bibtex');
  const button = pre.querySelector('.md-code__button, .md-clipboard');
  if (!button) return null;
  const b = button.getBoundingClientRect(), range = document.createRange();
  range.selectNodeContents(pre.querySelector('code'));
  return [...range.getClientRects()].filter(t => t.width > 0 && t.left < b.right && t.right > b.left
    && t.top < b.bottom && t.bottom > b.top).length; }"""


@pytest.mark.browser
def test_on_a_phone_every_page_fits_and_the_copy_button_stays_off_the_bibtex(site):
    (long_paper,) = [a["href"] for a in _article(site, "index.html").find_all("a") if LONG_WORD in a.get_text()]
    pages = ["index.html", "topics/pruning.html", "topics/untagged.html", "dates/listing-2026-01-05-hf.html",
             "papers/rich-pruning-paper.html", long_paper]
    with serve(site) as url, chromium() as context:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        for rel in pages:
            page.goto(url + rel)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], rel
        page.goto(url + "papers/rich-pruning-paper.html")
        page.wait_for_selector("pre.sg-bibtex .md-code__button, pre.sg-bibtex .md-clipboard", state="attached")
        assert page.evaluate(OVERLAP) == 0
