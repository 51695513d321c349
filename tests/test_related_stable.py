"""A new day's papers change an old paper's related list only by entering its top five (annotate/related.py)."""

from __future__ import annotations

from conftest import ROOT

from sitegen.annotate import related as related_module
from sitegen.annotate.related import RELATED, reference_size
from sitegen.annotate.stage import related
from sitegen.archive import Archive
from sitegen.errors import Report
from sitegen.ingest.stage import ingest
from sitegen.synth import synthesise
from sitegen.text.latex import clean


def test_a_new_day_changes_old_lists_only_where_a_new_paper_enters(tmp_path):
    synthesise(ROOT / "archive", 720, tmp_path / "archive", 3)
    papers = ingest(Archive(tmp_path / "archive"), Report()).papers
    newest = max(p.first_capture.sort_key() for p in papers if p.first_capture)
    new = {p.slug for p in papers if p.first_capture and p.first_capture.sort_key() == newest}
    old = [p for p in papers if p.slug not in new]
    assert 5 <= len(new) <= 120 and reference_size(len(old)) == reference_size(len(papers))

    assert unsettled(related(old), related(papers), old, new) == []
    # Weights from every paper, as before: the new day shifts them, and old lists change on their own.
    assert unsettled(everything(old), everything(papers), old, new) != []


def unsettled(before, after, old, new) -> list[str]:
    """The old papers whose list changed other than by new papers entering it."""
    moved = []
    for paper in old:
        was, now = before[paper.slug], after[paper.slug]
        kept = [slug for slug in now if slug not in new]
        # What stays is what was there, in its order; whatever left was pushed out by a new paper.
        if kept != list(was[:len(kept)]) or len(now) != min(RELATED, len(was) + len(set(now) & new)):
            moved.append(paper.slug)
    return moved


def everything(papers):
    return related_module.related([(p.slug, clean(p.title), clean(p.abstract)) for p in papers])


def test_the_reference_set_grows_in_steps():
    sizes = [reference_size(n) for n in range(0, 20_000, 7)]
    assert sizes == sorted(sizes) and all(size <= n for size, n in zip(sizes, range(0, 20_000, 7), strict=True))
    assert reference_size(50) == 50 and reference_size(10_000) > 8_000
    assert len({size for size in sizes if size >= 100}) < 30  # a few steps, not one per paper


def test_kept_weights_and_rows_give_what_computing_them_gives(tmp_path):
    """The work folder keeps the fitted weights and each paper's row: a rebuild after a new day finds the same
    related papers as a build from nothing."""
    synthesise(ROOT / "archive", 260, tmp_path / "archive", 4)
    papers = ingest(Archive(tmp_path / "archive"), Report()).papers
    newest = max(p.first_capture.sort_key() for p in papers if p.first_capture)
    old = [p for p in papers if not p.first_capture or p.first_capture.sort_key() != newest]
    work = tmp_path / "work"
    assert related(old, work) == related(old)
    assert (work / "memo-related-rows.pickle").is_file() and (work / "memo-related-weights.pickle").is_file()
    assert related(papers, work) == related(papers)  # the old papers' rows from the memo, the new ones made
    assert related(papers, work) == related(papers)  # every row from the memo
