"""Merging duplicates across listings, and stable, collision-safe slugs."""

from __future__ import annotations

import itertools

from conftest import BUNDLED

from sitegen.archive import Archive
from sitegen.errors import Report
from sitegen.ingest.grouping import group_papers
from sitegen.ingest.listing import parse_listing
from sitegen.ingest.stage import read_listings
from sitegen.model import PartialDate
from sitegen.text.slugs import MAX_LENGTH, slug_for

ABSTRACT = ("We study things in depth. Our results show that things are better than before, and that this "
            "holds across many settings, tasks and model sizes, which we discuss at length.")


def _bundled():
    return read_listings(Archive(BUNDLED), Report())


def test_bundled_archive_has_207_unique_papers():
    merged = group_papers(_bundled())
    assert (merged.entry_count, len(merged.papers), merged.duplicate_count) == (222, 207, 15)
    assert len({p.slug for p in merged.papers}) == 207
    twice = [p for p in merged.papers if len(p.seen_in) == 2]
    assert len(twice) == 15


def test_merge_is_the_same_in_any_order():
    listings = _bundled()
    results = {group_papers(list(order)).papers for order in itertools.permutations(listings)}
    assert len(results) == 1


def _listing(name, captured, block):
    return parse_listing(f"Mar 13\n\n{block}\n", name, captured, Report())


def test_merge_takes_newest_upvotes_and_fills_missing_fields():
    old = _listing("a.txt", PartialDate(2024, 3, 13),
                   f"Same Paper\n\n{ABSTRACT}\n\n  • 4 authors\n·\nMar 1, 2024 3")
    new = _listing("b.txt", PartialDate(2025, 3, 13), "Same paper\n\n" + ABSTRACT + "\n\n  • 4 authors\n·\nMar 1, 2024 9")
    bare = _listing("c.txt", None, "SAME PAPER\n\n" + ABSTRACT)
    (paper,) = group_papers([bare, new, old]).papers
    assert paper.upvote_count == 9
    assert paper.author_count == 4
    assert paper.title == "Same paper"
    assert [s.listing for s in paper.seen_in] == ["c.txt", "a.txt", "b.txt"]
    assert paper.published == PartialDate(2024, 3, 1)


def test_slug_is_ascii_and_transliterated():
    assert slug_for("Über C++ & Rozière: LLM-Pruner") == "uber-c-plus-plus-and-roziere-llm-pruner"
    assert slug_for("日本語のモデル").isascii()
    assert slug_for("???").startswith("paper-")


def test_long_titles_with_a_common_start_stay_apart():
    base = "A Very Long Title About Scaling Language Models " * 3
    one, two = slug_for(base + "One"), slug_for(base + "Two")
    assert one != two
    assert len(one) <= MAX_LENGTH + 9


def test_slug_does_not_change_when_papers_are_added():
    before = {p.title: p.slug for p in group_papers(_bundled()[:1]).papers}
    after = {p.title: p.slug for p in group_papers(_bundled()).papers}
    assert all(after[title] == slug for title, slug in before.items())


def test_a_rebuild_takes_the_page_names_of_titles_it_saw_from_the_last_build(tmp_path, monkeypatch):
    from sitegen import memo
    from sitegen.ingest import stage

    made: list[str] = []

    def counted(title: str) -> str:
        made.append(title)
        return slug_for(title)

    monkeypatch.setattr(stage, "slug_for", counted)
    archive, work = Archive(BUNDLED), tmp_path / "work"
    work.mkdir()
    first = stage.ingest(archive, Report(), work)
    assert len(made) == len(first.papers)
    made.clear()
    again = stage.ingest(archive, Report(), work)
    assert made == [] and again.papers == first.papers  # every name from the memo, the same papers
    monkeypatch.setattr(memo, "code_digest", lambda: "another python-slugify")  # the memo is keyed by its version
    assert stage.ingest(archive, Report(), work).papers == first.papers and len(made) == len(first.papers)
    assert stage.ingest(Archive(BUNDLED), Report()).papers == first.papers  # and without a work folder
