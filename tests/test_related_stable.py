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


def test_kept_lists_updated_for_what_changed_give_what_comparing_everything_gives(tmp_path, monkeypatch):
    """A rebuild compares only the new and changed papers with the others (and again in full the papers whose
    list held one that left or changed); every list is still the one a build from nothing finds."""
    synthesise(ROOT / "archive", 320, tmp_path / "archive", 7)
    papers = [(p.slug, clean(p.title), clean(p.abstract)) for p in ingest(Archive(tmp_path / "archive"),
                                                                           Report()).papers]
    reference = {slug for slug, _, _ in papers[:200]}  # fixed, so the kept lists are used
    full_comparisons = []
    real = related_module.nearest_scored

    def counted(matrix, k=RELATED, min_score=related_module.MIN_SCORE, rows=None, columns=None):
        if rows is None and columns is None:
            full_comparisons.append(matrix.shape[0])
        return real(matrix, k, min_score, rows, columns)

    monkeypatch.setattr(related_module, "nearest_scored", counted)
    work = tmp_path / "work"
    start = papers[:280]
    listed = related_module.related(start, reference=reference, work=work)
    assert full_comparisons == [280]
    # Papers whose lists name others: removing those must send their listers back to a full comparison.
    named = sorted({near for slug, near_ in listed.items() if slug not in reference for near in near_}
                   - reference)
    assert len(named) >= 4
    changed = {named[0]: "a changed abstract about protein folding and enzyme kinetics"}
    steps = [
        papers,  # a new day: 40 papers added
        [p for p in papers if p[0] not in named[1:4]],  # papers that others list are removed
        [(slug, title, changed.get(slug, abstract)) for slug, title, abstract in papers],  # one changes
        [(slug, title, changed.get(slug, abstract)) for slug, title, abstract in papers],  # nothing changes
    ]
    results = []
    for archive in steps:
        kept = related_module.related(archive, reference=reference, work=work)
        results.append(kept)
        assert full_comparisons == [280]  # only the new and changed ones were compared with every paper
        monkeypatch.setattr(related_module, "nearest_scored", real)
        assert kept == related_module.related(archive, reference=reference)
        monkeypatch.setattr(related_module, "nearest_scored", counted)
    assert any(results[0][slug] != listed[slug] for slug in listed)  # new papers entered old lists
    assert any(set(results[0][slug]) & set(named[1:4]) for slug in listed)  # which the removal changes


ODD_TEXTS = ["", "the and of which", "ÉCOLE École école straße STRASSE ǅ", "x_y 12 1_2 __ a1 ab ab AB",
             "naïve café ﬁnance Ⅻ ①② ", "日本語 テキスト 中文 한국어 العربية", "pruning " * 40 + "quantisation"]


def test_rows_without_scikit_learn_are_the_rows_scikit_learn_makes(tmp_path):
    """Weights.transform() and _l2() redo TfidfVectorizer.transform() and normalize(): the same float32 values to the
    last bit, on the synthetic archive's texts and on odd ones (accents, other scripts, stop words only, empty)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    synthesise(ROOT / "archive", 400, tmp_path / "archive", 5)
    papers = ingest(Archive(tmp_path / "archive"), Report()).papers
    texts = [related_module.document(clean(p.title), clean(p.abstract)) for p in papers] + ODD_TEXTS
    fit = texts[:300]
    theirs = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.5, dtype=np.float32).fit(fit)
    weights = related_module._fitted(fit)
    for batch in (texts, texts[-12:], texts[-1:]):
        ours, expected = weights.transform(batch), theirs.transform(batch).tocsr()
        assert ours.nnz > 0 and (ours.indptr == expected.indptr).all() and (ours.indices == expected.indices).all()
        assert ours.dtype == expected.dtype and (ours.data.view(np.int32) == expected.data.view(np.int32)).all()
        heaviest = related_module._heaviest(expected, related_module.TERMS)
        assert (related_module._l2(heaviest.copy()).data.view(np.int32) == normalize(heaviest).data.view(np.int32)).all()


def test_a_rebuild_with_kept_weights_does_not_load_scikit_learn(tmp_path):
    """scikit-learn takes most of a second to load: a new day's rows come from the kept weights without it."""
    import subprocess
    import sys

    synthesise(ROOT / "archive", 720, tmp_path / "archive", 3)
    papers = ingest(Archive(tmp_path / "archive"), Report()).papers
    newest = max(p.first_capture.sort_key() for p in papers if p.first_capture)
    old = [p for p in papers if not p.first_capture or p.first_capture.sort_key() != newest]
    assert len(old) < len(papers) and reference_size(len(old)) == reference_size(len(papers))
    work = tmp_path / "work"
    related(old, work)
    script = ("import sys, pickle; from sitegen.annotate.stage import related; "
              "papers, work = pickle.load(sys.stdin.buffer); found = related(papers, work); "
              "print(len(found), 'sklearn' in sys.modules)")
    import pickle

    out = subprocess.run([sys.executable, "-c", script], input=pickle.dumps((papers, work)), capture_output=True,
                         check=True, cwd=ROOT).stdout.decode().split()
    assert out == [str(len(papers)), "False"]
    assert related(papers, work) == related(papers)


def test_the_site_with_related_papers_is_the_site_worked_out_again_from_them(tmp_path):
    from dataclasses import fields

    from sitegen.annotate.stage import annotating
    from sitegen.options import SiteOptions
    from sitegen.pipeline import _site_and_docs, read_inputs
    from sitegen.render.context import Derived, site_context, with_related

    synthesise(ROOT / "archive", 150, tmp_path / "archive", 4)
    contents = read_inputs(Archive(tmp_path / "archive"), Report())
    with annotating(contents.papers, contents.taxonomy, contents.notes) as started:
        site, _ = _site_and_docs(started.annotations, contents, SiteOptions())
        filled = started.with_related()
    swapped = with_related(site, filled)
    again = site_context(filled, contents.listings, Derived(site.topics, site.saved, site.citations), site.options,
                         contents.duplicate_count)
    assert any(a.related for a in filled) and not any(a.related for a in site.annotated)
    for field in fields(again):
        assert getattr(swapped, field.name) == getattr(again, field.name), field.name
    assert all(swapped.by_slug[a.slug] is a for a in filled)
    assert all(a is swapped.by_slug[a.slug] for papers in swapped.by_topic.values() for a in papers)
