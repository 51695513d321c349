"""The feeds as feed readers read them, in a real build with and without the site's address, and the discovery
links by which a reader finds them from a page. Atom feeds are read with feedparser; it reads no JSON Feed (as
of 6.0), so those are checked against JSON Feed 1.1's required keys and read with json."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, LISTINGS, ROOT, make_archive

from sitegen.cli import main

API = FIXTURES / "api"
SITE_URL = "https://octocat.github.io/my-repo/"
TAXONOMY = """topics:
  pruning: {name: Pruning, match: [prun*, "redundant structure"]}
  lonely: {name: "Lonely <b>&</b> \\"quoted\\"", match: [lonely]}
"""
MANIFEST = "listings:\n  metadata_with_dates_and_upvotes.txt: {captured: 2025-12-16}\n"
FEEDS = """
    feeds:
      - {name: Pruning papers, words: pruning}
      - {name: Nothing yet, words: zzzqqqxxx}
"""
KNOWN = "Paper One"
"""A paper whose authors the API names."""
UNDATED = "Another Lonely Title"
"""A paper of a listing whose capture date has no year, and with no publication date: no year anywhere."""


def _build(root: Path, site_url: str | None) -> Path:
    archive = make_archive(root / "archive",
                           [LISTINGS / "metadata_with_dates_and_upvotes.txt", LISTINGS / "title_without_abstract.txt",
                            API / "2025-12-17-hf-daily.json"],
                           **{"taxonomy.yml": TAXONOMY, "archive.yml": MANIFEST})
    config = root / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8") + FEEDS, encoding="utf-8")
    url = ["--site-url", site_url] if site_url else []
    assert main(["build", "--archive", str(archive), "--site-dir", str(root / "site"), "--config", str(config),
                 "--jobs", "1", *url]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The same archive built without and with a site_url."""
    return {"relative": _build(tmp_path_factory.mktemp("relative"), None),
            "absolute": _build(tmp_path_factory.mktemp("absolute"), SITE_URL)}


def _parse(path: Path) -> feedparser.FeedParserDict:
    """Parse an Atom feed as a reader fetching it would."""
    return feedparser.parse(path.read_bytes(), response_headers={"content-type": "application/atom+xml"})


def _json_entries(path: Path) -> dict[str, dict]:
    """Read a JSON feed, checking JSON Feed 1.1's required keys; return its items by title."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["title"] and "items" in data
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"] and ("content_text" in item or "content_html" in item)
    return {item["title"]: item for item in data["items"]}


def _feeds(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for pattern in ("feed.*", "topics/*.xml", "topics/*.json",
                                                                 "feeds/*") for p in site.glob(pattern))


def test_every_topic_and_saved_search_has_an_atom_and_a_json_feed(sites):
    for site in sites.values():
        assert _feeds(site) == ["feed.json", "feed.xml", "feeds/nothing-yet.json", "feeds/nothing-yet.xml",
                                "feeds/pruning-papers.json", "feeds/pruning-papers.xml", "topics/lonely.json",
                                "topics/lonely.xml", "topics/pruning.json", "topics/pruning.xml"]


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_feedparser_reads_every_feed_without_complaint(sites, kind):
    site = sites[kind]
    for rel in _feeds(site):
        if rel.endswith(".json"):
            _json_entries(site / rel)
            continue
        parsed = _parse(site / rel)
        assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        assert parsed.version == "atom10", rel
        assert parsed.feed.title.startswith("Paper archive"), rel
        for entry in parsed.entries:
            assert entry.id.startswith("urn:uuid:") and entry.title and entry.link, (rel, entry)
            assert entry.updated_parsed is not None, (rel, entry.title)


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_entries_name_their_authors_where_the_archive_knows_them(sites, kind):
    names = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    for rel in ("feed.xml", "topics/pruning.xml"):
        entries = {e.title: e for e in _parse(sites[kind] / rel).entries}
        assert [a["name"] for a in entries[KNOWN].authors] == names
    for rel in ("feed.json", "topics/pruning.json"):
        assert [a["name"] for a in _json_entries(sites[kind] / rel)[KNOWN]["authors"]] == names


@pytest.mark.parametrize("rel", ["topics/lonely.xml", "feed.xml"])
def test_a_paper_with_no_year_anywhere_is_filed_under_the_earliest_stated_capture(sites, rel):
    undated = {e.title: e for e in _parse(sites["relative"] / rel).entries}[UNDATED]
    assert undated.updated.startswith("2025-12-16")
    assert "published" not in undated  # no publication date is claimed for it
    assert "authors" not in undated  # a pasted paper names none, and none is made up


@pytest.mark.parametrize("rel", ["topics/lonely.json", "feed.json"])
def test_a_paper_with_no_year_anywhere_is_in_the_json_feeds_too(sites, rel):
    undated = _json_entries(sites["relative"] / rel)[UNDATED]
    assert undated["date_modified"] == "2025-12-16T00:00:00+00:00" and "date_published" not in undated


def test_without_site_url_links_are_relative_to_the_feed_and_there_is_no_self_link(sites):
    site = sites["relative"]
    atom = _parse(site / "topics/pruning.xml")
    assert [link.rel for link in atom.feed.links] == ["alternate"]
    assert atom.feed.links[0].href == "pruning.html"
    assert {e.link for e in atom.entries} <= {f"../papers/{p.stem}.html" for p in (site / "papers").glob("*.html")}
    data = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert "home_page_url" not in data and "feed_url" not in data


@pytest.mark.parametrize("rel", ["feed.xml", "topics/pruning.xml", "topics/lonely.xml", "feeds/pruning-papers.xml",
                                 "feeds/nothing-yet.xml"])
def test_with_site_url_atom_links_are_absolute_with_rel_self(sites, rel):
    site = sites["absolute"]
    atom = _parse(site / rel)
    links = {link.rel: link.href for link in atom.feed.links}
    assert links["self"] == SITE_URL + rel
    assert links["alternate"].startswith(SITE_URL)
    for entry in atom.entries:
        assert entry.link.startswith(SITE_URL + "papers/")
        assert (site / entry.link.removeprefix(SITE_URL)).is_file()


@pytest.mark.parametrize("rel", ["feed.json", "topics/pruning.json", "topics/lonely.json",
                                 "feeds/pruning-papers.json", "feeds/nothing-yet.json"])
def test_with_site_url_json_feeds_have_their_home_page_and_feed_url(sites, rel):
    site = sites["absolute"]
    data = json.loads((site / rel).read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == SITE_URL + rel
    assert data["home_page_url"].startswith(SITE_URL)
    home = data["home_page_url"].removeprefix(SITE_URL).split("?")[0]
    assert (site / home).is_file()
    for item in data["items"]:
        assert item["url"].startswith(SITE_URL + "papers/") and item["id"] and item["date_modified"]


def _discovery(page: Path) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [(link["type"], link["title"], link["href"]) for link in soup.head.find_all("link", rel="alternate")]


@pytest.mark.parametrize("kind", ["relative", "absolute"])
@pytest.mark.parametrize(("page", "feeds"), [
    ("index.html", {"feed.xml", "feed.json"}),
    ("topics/pruning.html", {"topics/pruning.xml", "topics/pruning.json"}),
    ("topics/lonely.html", {"topics/lonely.xml", "topics/lonely.json"}),
    ("search.html", {"feeds/pruning-papers.xml", "feeds/pruning-papers.json", "feeds/nothing-yet.xml",
                     "feeds/nothing-yet.json"}),
])
def test_pages_offer_their_feeds_to_feed_readers(sites, kind, page, feeds):
    site = sites[kind]
    links = _discovery(site / page)
    targets = {urljoin(page, href) for _, _, href in links}
    assert targets == feeds
    assert all((site / target).is_file() for target in targets)
    for kind_of, _, href in links:
        assert kind_of == ("application/atom+xml" if href.endswith(".xml") else "application/feed+json")


def test_discovery_titles_stay_text(sites):
    site = sites["relative"]
    titles = [title for _, title, _ in _discovery(site / "topics/lonely.html")]
    assert titles == ['Paper archive: Lonely <b>&</b> "quoted" (Atom)',
                      'Paper archive: Lonely <b>&</b> "quoted" (JSON Feed)']
    head = (site / "topics/lonely.html").read_text(encoding="utf-8")
    assert "<b>&" not in head.split("</head>")[0]


def test_pages_without_feeds_offer_none(sites):
    site = sites["absolute"]
    for page in ("stats.html", "topics/index.html", "dates/index.html"):
        assert _discovery(site / page) == [], page
    paper = next((site / "papers").glob("*.html"))
    assert _discovery(paper) == []
