"""The listing reader: one fixture file per parsing behaviour."""

from __future__ import annotations

import pytest
from conftest import read_fixture

from sitegen.errors import ListingError, Report
from sitegen.model import PartialDate


def test_metadata_with_dates_and_upvotes():
    listing = read_fixture("metadata_with_dates_and_upvotes.txt", PartialDate(2025, 12, 16))
    assert listing.captured == PartialDate(2025, 12, 16)
    one, two, three = listing.entries
    assert (one.title, one.author_count, one.published, one.upvote_count) == ("Paper One", 3, PartialDate(2023, 5, 19), None)
    assert (two.author_count, two.published, two.upvote_count) == (1, PartialDate(2025, 5, 4), 12)
    assert (three.author_count, three.published, three.upvote_count) == (16, PartialDate(2024, 4, 5), 2)
    assert one.abstract.startswith("Large language models are strong.")
    assert one.line == 13


def test_header_date_without_stated_year_keeps_year_unknown():
    listing = read_fixture("metadata_with_dates_and_upvotes.txt")
    assert listing.captured == PartialDate(None, 12, 16)
    assert listing.entries[1].published == PartialDate(None, 5, 4)
    assert listing.entries[1].published.display() == "May 4 (year unknown)"
    assert listing.entries[0].published == PartialDate(2023, 5, 19)


def test_year_less_date_after_capture_day_is_previous_year():
    listing = read_fixture("year_less_dates.txt", PartialDate(2025, 3, 13))
    assert listing.entries[0].published == PartialDate(2024, 12, 20)
    assert listing.entries[1].published == PartialDate(2025, 3, 1)


def test_block_without_metadata():
    listing = read_fixture("block_without_metadata.txt")
    assert [e.title for e in listing.entries] == ["Paper One", "Paper Two"]
    assert all(e.author_count is None and e.published is None and e.upvote_count is None for e in listing.entries)
    assert all(e.abstract for e in listing.entries)


@pytest.mark.parametrize("name", ["crlf_line_endings.txt", "utf8_bom.txt", "trailing_spaces.txt",
                                  "utf16_with_bom.txt"])
def test_paste_variants_read_like_a_clean_paste(name):
    listing = read_fixture(name)
    assert listing.captured == PartialDate(None, 3, 13)
    assert listing.entries[0].title == "Paper One"
    assert listing.entries[0].abstract.startswith("Large language models are strong.")
    assert not listing.entries[0].abstract.endswith(" ")


def test_trailing_spaces_keep_metadata():
    entry = read_fixture("trailing_spaces.txt").entries[0]
    assert (entry.author_count, entry.published) == (3, PartialDate(2023, 5, 19))


def test_title_without_abstract():
    entries = read_fixture("title_without_abstract.txt").entries
    assert [(e.title, bool(e.abstract)) for e in entries] == [
        ("A Title With No Abstract", False), ("Paper Two", True), ("Another Lonely Title", False)]


def test_latin1_is_read_with_a_warning():
    report = Report()
    listing = read_fixture("latin1_fallback.txt", report=report)
    assert listing.entries[0].title == "Paper Café"
    assert any("latin1_fallback.txt" in w and "Latin-1" in w for w in report.warnings)


def test_not_a_listing_is_refused_by_name():
    with pytest.raises(ListingError) as caught:
        read_fixture("not_a_listing.txt")
    assert "not_a_listing.txt" in str(caught.value)
    assert "not a Hugging Face listing" in str(caught.value)


def test_binary_file_is_refused_by_name():
    with pytest.raises(ListingError) as caught:
        read_fixture("binary_file.txt")
    assert "binary_file.txt: is a binary file" in str(caught.value)


def test_seed_counts():
    from conftest import BUNDLED

    from sitegen.ingest.listing import read_listing

    counts = {p.name: read_listing(p, None, Report()) for p in sorted((BUNDLED / "listings").glob("*.txt"))}
    assert [len(l.entries) for l in counts.values()] == [74, 52, 96]
    dec16 = counts["001_e67c5225bb203cf2.txt"]
    assert sum(1 for e in dec16.entries if e.published) == 50
    assert sum(1 for e in dec16.entries if e.upvote_count) == 13
