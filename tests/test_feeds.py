"""Feeds: Atom and JSON Feed 1.1 of the newest papers at the site root, and an Atom feed per topic."""

from __future__ import annotations

import dataclasses
import datetime
import json
import xml.etree.ElementTree as ET

from conftest import LISTINGS, ROOT, make_archive

from sitegen.annotate.stage import annotate_one
from sitegen.archive.taxonomy import Taxonomy
from sitegen.model import Paper, PartialDate, Sighting, Tag
from sitegen.pipeline import BuildOptions, build
from sitegen.render import feeds

ATOM = "{http://www.w3.org/2005/Atom}"
TAXONOMY = Taxonomy([(Tag("pruning", "Pruning"), ["prun*"])])


def _paper(slug: str, title: str, published: PartialDate | None, captured: PartialDate | None = None,
           abstract: str = "We prune.") -> Paper:
    return Paper(slug=slug, title=title, abstract=abstract, author_count=None, published=published, upvote_count=None,
                 seen_in=(Sighting("x.txt", captured, None, 1),))


def _feed(path: str = "feed.xml") -> feeds.Feed:
    return feeds.Feed(path, "Archive", "Newest papers", "index.html")


def test_the_site_feeds_parse_with_the_newest_papers_first(bundled_site):
    site, _, _ = bundled_site
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) >= 20
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
        assert entry.findtext(f"{ATOM}title")
        assert (site / entry.find(f"{ATOM}link").get("href")).is_file()
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert root.findtext(f"{ATOM}updated") == updated[0]

    data = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    items = data["items"]
    assert len(items) >= 20 and len({item["id"] for item in items}) == len(items)
    assert all(item["title"] and item["content_text"] and (site / item["url"]).is_file() for item in items)
    assert [item["id"] for item in items] == [e.findtext(f"{ATOM}id") for e in entries]


def test_each_topic_has_an_atom_feed_linked_from_its_page(bundled_site):
    site, _, _ = bundled_site
    root = ET.parse(site / "topics" / "pruning.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert entries and all(e.find(f"{ATOM}link").get("href").startswith("../papers/") for e in entries)
    assert all(any(c.get("term") == "pruning" for c in e.findall(f"{ATOM}category")) for e in entries)
    assert 'href="pruning.xml"' in (site / "topics" / "pruning.html").read_text()
    home = (site / "index.html").read_text()
    assert 'href="feed.xml"' in home and 'href="feed.json"' in home


def test_dated_papers_by_publication_undated_by_first_capture():
    dec = PartialDate(2025, 12, 16)
    papers = [annotate_one(p, TAXONOMY) for p in [
        _paper("old", "Old", PartialDate(2023, 5, 19), dec),
        _paper("undated", "Undated", None, dec),
        _paper("no-year", "No year", PartialDate(None, 5, 4), dec),
        _paper("nothing", "Nothing known", None, PartialDate(None, 3, 13)),
        _paper("new", "New", PartialDate(2025, 11, 24), dec),
    ]]
    entries = feeds.newest(papers)
    assert [(a.slug, day.isoformat()) for a, day in entries] == [
        ("no-year", "2025-12-16"), ("undated", "2025-12-16"), ("new", "2025-11-24"), ("old", "2023-05-19")]
    data = json.loads(feeds.json_feed(_feed("feed.json"), papers, "A"))
    by_title = {item["title"]: item for item in data["items"]}
    assert by_title["Old"]["date_published"] == "2023-05-19T00:00:00+00:00"
    assert "date_published" not in by_title["Undated"]  # no date is invented


def test_titles_are_plain_text_whatever_they_contain():
    title = '<script>alert("x")</script> & \x01control\x7f $x$ ]]>'
    a = annotate_one(_paper("t", title, PartialDate(2024, 1, 2)), TAXONOMY)
    root = ET.fromstring(feeds.atom(_feed(), [a], "Site <b>").encode("utf-8"))
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == '<script>alert("x")</script> & control $x$ ]]>'
    assert entry.find(f"{ATOM}title").get("type") in (None, "text")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Site <b>"
    item = json.loads(feeds.json_feed(_feed("feed.json"), [a], "S"))["items"][0]
    assert item["title"] == '<script>alert("x")</script> & control $x$ ]]>'


def test_feeds_are_deterministic_and_use_site_url_when_given():
    papers = [annotate_one(_paper(f"p{i}", f"Paper {i}", PartialDate(2024, 1, i + 1)), TAXONOMY) for i in range(3)]
    one = feeds.atom(_feed("topics/pruning.xml"), papers, "A")
    assert one == feeds.atom(_feed("topics/pruning.xml"), list(reversed(papers)), "A")
    assert 'href="../papers/p2.html"' in one
    absolute = feeds.atom(_feed("topics/pruning.xml"), papers, "A", "https://example.org/archive/")
    root = ET.fromstring(absolute.encode("utf-8"))
    assert root.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://example.org/archive/papers/p2.html"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/archive/topics/pruning.xml"
    assert root.findtext(f"{ATOM}updated") == "2024-01-03T00:00:00+00:00"


def test_feed_size_is_bounded():
    papers = [annotate_one(_paper(f"p{i:03d}", f"P {i}", PartialDate(2024, 1 + i % 12, 1 + i % 28)), TAXONOMY)
              for i in range(120)]
    assert len(feeds.newest(papers)) == feeds.FEED_SIZE


def test_an_archive_without_dates_has_no_feeds_and_no_links_to_them(tmp_path):
    archive = make_archive(tmp_path / "archive", [LISTINGS / "block_without_metadata.txt"])
    result = build(BuildOptions(archive=archive, site_dir=tmp_path / "site", config_file=ROOT / "mkdocs.yml",
                                strict=True))
    assert not (tmp_path / "site" / "feed.xml").exists() and not (tmp_path / "site" / "feed.json").exists()
    assert "feed.xml" not in (tmp_path / "site" / "index.html").read_text()
    assert not [w for w in result.report.warnings if w.startswith("MkDocs")]


def test_a_paper_without_abstract_still_has_json_content():
    a = annotate_one(dataclasses.replace(_paper("t", "Title only", PartialDate(2024, 1, 2)), abstract=""), TAXONOMY)
    assert json.loads(feeds.json_feed(_feed("feed.json"), [a], "S"))["items"][0]["content_text"] == "Title only"


def test_the_feed_order_worked_out_once_gives_each_feed_what_it_gives_alone():
    dec, mar = PartialDate(2025, 12, 16), PartialDate(2024, 3, 1)
    papers = [annotate_one(p, TAXONOMY) for p in [
        _paper("old", "Old", PartialDate(2023, 5, 19), dec),
        _paper("undated", "Undated", None, dec),
        _paper("no-year", "No year", PartialDate(None, 5, 4), mar),
        _paper("nothing", "Nothing known", None, PartialDate(None, 3, 13)),
        _paper("new", "New", PartialDate(2025, 11, 24), dec),
        _paper("tie", "Tie", PartialDate(2025, 11, 24), dec),
        *(_paper(f"p{n:02d}", f"Paper {n}", PartialDate(2020 + n % 5, 1 + n % 12, 1 + n % 28)) for n in range(60)),
    ]]
    for undated in (None, datetime.date(2020, 1, 1)):
        order = feeds.feed_order(papers, undated)
        assert order.latest == datetime.date(2025, 12, 16)  # "undated": its capture; "nothing" is never latest
        for some in (papers, papers[::3], papers[:4], [], [papers[3]]):
            for size in (1, 5, feeds.FEED_SIZE):
                assert (feeds.newest(some, size, undated, order=order) == feeds.newest(some, size, undated))
        other = datetime.date(2021, 6, 1)  # an order worked out for another date is not used
        assert feeds.newest(papers, 80, other, order=order) == feeds.newest(papers, 80, other)
    assert feeds.feed_order(papers[3:4], None).latest is None
