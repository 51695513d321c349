"""What a build keeps for the next one (sitegen/memo.py): keys alike in every process, results alike to what
the steps make, and a broken or foreign memo ignored."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from sitegen import memo
from sitegen.archive import Archive
from sitegen.archive.taxonomy import load_taxonomy
from sitegen.errors import Report
from sitegen.ingest.stage import ingest

KEYS = """
from pathlib import Path
from sitegen.archive import Archive
from sitegen.archive.taxonomy import load_taxonomy
from sitegen.errors import Report
from sitegen.ingest.stage import ingest
from sitegen.memo import key
archive = Archive(Path({!r}))
print(key(load_taxonomy(archive, Report()).source).hex(), key(*ingest(archive, Report()).papers).hex())
""".format(str(ROOT / "archive"))


def test_keys_are_the_same_in_every_process():
    """Strings hash differently in each process: a key must not depend on it (a set's pickle does)."""
    seen = {subprocess.run([sys.executable, "-c", KEYS], env={**os.environ, "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, check=True).stdout for seed in ("1", "2")}
    assert len(seen) == 1


def test_a_kept_read_is_what_reading_gives_and_says_the_same(tmp_path):
    archive = Archive(ROOT / "archive")
    first, second = Report(), Report()
    read = ingest(archive, first, tmp_path)
    assert (tmp_path / "memo-listings.pickle").is_file()
    again = ingest(archive, second, tmp_path)
    assert again == read and second.problems == first.problems
    assert again == ingest(archive, Report())  # no memo at all


def test_a_broken_or_foreign_memo_is_ignored(tmp_path, monkeypatch):
    archive = Archive(ROOT / "archive")
    expected = ingest(archive, Report())
    (tmp_path / "memo-listings.pickle").write_bytes(b"not a pickle")
    assert ingest(archive, Report(), tmp_path) == expected
    monkeypatch.setattr(memo, "code_digest", lambda: "another version of sitegen")
    kept = memo.Memo(tmp_path, "listings")
    assert kept.old == {}  # written by another version: started afresh
    assert load_taxonomy(archive, Report()).source  # the taxonomy's source is what keys annotations


def test_a_build_that_adds_a_little_writes_only_what_it_added_until_the_whole_is_due(tmp_path):
    def build(used: range, extra: dict[bytes, str]) -> memo.Memo[str]:
        kept: memo.Memo[str] = memo.Memo(tmp_path, "test")
        for n in used:
            if kept.get(b"%d" % n) is None:
                kept.put(b"%d" % n, f"result {n}")
        for digest, value in extra.items():
            kept.put(digest, value)
        kept.save()
        return kept

    base, delta = tmp_path / "memo-test.pickle", tmp_path / "memo-test.delta.pickle"
    build(range(100), {})
    whole = base.read_bytes()
    assert not delta.exists()

    build(range(105), {})  # a day: five new results
    assert base.read_bytes() == whole and delta.is_file()
    assert len(delta.read_bytes()) < len(whole) // 5
    again = build(range(2, 106), {b"50": "result 50, again"})  # two unused, one new, one replaced
    assert base.read_bytes() == whole
    assert again.get(b"104") == "result 104" and memo.Memo(tmp_path, "test").old[b"50"] == "result 50, again"
    assert set(memo.Memo(tmp_path, "test").old) >= {b"%d" % n for n in range(2, 106)}

    build(range(40, 106), {})  # most of the base unused: the whole memo is written again, without them
    assert base.read_bytes() != whole and not delta.exists()
    assert set(memo.Memo(tmp_path, "test").old) == {b"%d" % n for n in range(40, 106)}
    assert memo.Memo(tmp_path, "test").old[b"50"] == "result 50, again"


def test_a_delta_beside_another_base_is_ignored(tmp_path):
    first: memo.Memo[str] = memo.Memo(tmp_path, "test")
    for n in range(20):
        first.put(b"%d" % n, "old")
    first.save()
    second: memo.Memo[str] = memo.Memo(tmp_path, "test")
    for n in range(21):
        second.get(b"%d" % n) or second.put(b"%d" % n, "new")
    second.save()
    kept_delta = (tmp_path / "memo-test.delta.pickle").read_bytes()
    third: memo.Memo[str] = memo.Memo(tmp_path, "test")
    for n in range(100, 120):
        third.put(b"%d" % n, "other")
    third.save()  # a whole new base
    (tmp_path / "memo-test.delta.pickle").write_bytes(kept_delta)  # the old delta put back beside it
    assert set(memo.Memo(tmp_path, "test").old) == {b"%d" % n for n in range(100, 120)}


def test_search_documents_and_bibtex_entries_are_kept_by_what_they_are_made_from(tmp_path, monkeypatch):
    from dataclasses import replace

    from sitegen.annotate.stage import annotating, topics_in_use
    from sitegen.archive.taxonomy import Taxonomy
    from sitegen.model import Tag
    from sitegen.render import bibtex, context
    from sitegen.search import documents as search_documents

    papers = ingest(Archive(ROOT / "archive"), Report()).papers
    taxonomy = load_taxonomy(Archive(ROOT / "archive"), Report())
    work = tmp_path / "work"
    work.mkdir()
    made: list[str] = []
    document, entry = search_documents._document, bibtex.entry
    monkeypatch.setattr(search_documents, "_document", lambda a, *rest: made.append(a.slug) or document(a, *rest))
    monkeypatch.setattr(bibtex, "entry", lambda a: made.append(a.slug) or entry(a))

    def derived(taxonomy: Taxonomy) -> tuple[list[object], dict[str, str]]:
        with annotating(papers, taxonomy, work=work) as started:
            annotated = started.annotations
        topics = topics_in_use(annotated, taxonomy)
        return search_documents.documents(annotated, topics, work), context.citations(annotated, work)

    first = derived(taxonomy)
    assert len(made) == 2 * len(papers)
    made.clear()
    assert derived(taxonomy) == first and made == []  # all from the memos
    renamed = Taxonomy([(Tag(tag.slug, tag.name + " (renamed)"), list(phrases)) for tag, phrases in taxonomy.source])
    made.clear()
    docs, cited = derived(renamed)  # another taxonomy: every annotation, document and entry made again
    assert len(made) == 2 * len(papers) and cited == first[1]
    tagged = [d for d in docs if d.tags]
    assert tagged and all(d.tags.endswith("(renamed)") for d in tagged)
    made.clear()
    with annotating(papers, taxonomy) as started:  # annotated outside a build's work folder: nothing kept
        annotated = tuple(replace(a, derived_from=b"") for a in started.annotations)
    assert search_documents.documents(annotated, topics_in_use(annotated, taxonomy), work) == first[0]
    assert context.citations(annotated, work) == first[1] and len(made) == 2 * len(papers)


def test_records_pickled_by_fields_must_take_every_field_in_order():
    import copy
    import pickle
    from dataclasses import dataclass, field

    import pytest

    from sitegen.model import Paper, PartialDate, Sighting, pickled_by_fields

    paper = Paper("a-paper", "A paper", "", 3, PartialDate(2025, 1, 2), 4, (Sighting("x.txt", None, 1, 2),))
    assert pickle.loads(pickle.dumps(paper)) == paper == copy.deepcopy(paper)
    assert memo.key(paper) == memo.key(pickle.loads(pickle.dumps(paper)))
    for extra in (field(default=0, init=False), field(default=0, kw_only=True)):
        class Odd:
            __annotations__ = {"a": int, "b": int}
            b = extra
        with pytest.raises(TypeError, match="positional __init__ argument"):
            pickled_by_fields(dataclass(frozen=True)(Odd))
