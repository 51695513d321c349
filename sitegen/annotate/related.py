"""Related papers: each paper's most similar others by TF-IDF cosine over title and abstract.

Each paper is compared by its TERMS most distinctive words (the "more like this" idea of search engines):
the generic words every abstract shares add noise, and dropping them keeps the similarity matrix sparse.
That matrix is never held whole: rows are multiplied against the corpus a chunk at a time (sparse
products, at most about CHUNK_CELLS similarities at once) and each row keeps its top k through
np.argpartition. Ties go to the smaller slug, so the result depends only on the papers, not their order.

The words compared and their weights are fixed by a reference set of papers, not by all of them: the first
reference_size(n) papers in the order the archive received them. It grows in steps of a quarter, so between
steps a new day's papers change no old paper's vector (new words count from the next step), the similarity of
two old papers stays what it was, and an old paper's list changes only when a new paper enters its top k.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sitegen.memo import Memo, key
from sitegen.text.latex import plain

if TYPE_CHECKING:  # scikit-learn and SciPy load when papers are compared, not with every command (a second)
    from scipy import sparse

RELATED = 5
"""How many related papers each paper lists."""
TERMS = 32
"""Words of each paper compared: its highest TF-IDF weights."""
CHUNK_CELLS = 4_000_000
"""Similarities computed at once (rows x papers); bounds memory to a few tens of MB."""
MIN_SCORE = 0.05
"""A paper this dissimilar (cosine) is not listed as related."""
REFERENCE_FROM = 100
"""Below this many papers, every paper is in the reference set."""
REFERENCE_STEP = 1.25
"""The reference set grows by this factor, and only when the archive has grown past it."""


def reference_size(count: int) -> int:
    """Return how many of count papers (the first received) fix the words compared and their weights."""
    if count < REFERENCE_FROM:
        return count
    size = REFERENCE_FROM
    while int(size * REFERENCE_STEP) <= count:
        size = int(size * REFERENCE_STEP)
    return size


def related(papers: Sequence[tuple[str, str, str]], k: int = RELATED, reference: Collection[str] | None = None,
            work: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Map each (slug, title, abstract) to the slugs of its k most similar papers, best first.

    reference: the slugs of the papers whose words are compared, with weights from them (default: all).
    work: the build's work folder, where the fitted weights and each paper's words are kept for the next build
    (sitegen/memo.py): a paper's vector depends only on its text and the reference set.
    """
    ordered = sorted(papers)
    slugs = [slug for slug, _, _ in ordered]
    texts = [document(title, abstract) for _, title, abstract in ordered]
    fixed = texts if reference is None else [text for (slug, _, _), text in zip(ordered, texts, strict=True)
                                             if slug in reference]
    try:
        matrix = Vectors(fixed, work).of(texts)
    except ValueError:  # no word left to compare by: every text is empty or only stop words
        return dict.fromkeys(slugs, ())
    return {slugs[i]: tuple(slugs[j] for j in near) for i, near in enumerate(nearest(matrix, k))}


def document(title: str, abstract: str) -> str:
    """Return the text a paper is compared by: the title counts twice, it says most about the paper."""
    title = plain(title)
    return f"{title}\n{title}\n{plain(abstract)}"


class Vectors:
    """Documents as L2-normalised TF-IDF rows of their TERMS heaviest words, with the words and weights of a
    reference set; the fitted weights and each document's row kept between builds in the work folder."""

    def __init__(self, fit: Sequence[str], work: Path | None = None) -> None:
        self.reference = key(TERMS, *fit)
        fitted: Memo[Any] = Memo(work, "related-weights")
        kept = fitted.get(self.reference)
        self.vectorizer: Any = kept if kept is not None else fitted.put(self.reference, _fitted(fit))
        fitted.save()
        self.rows: Memo[tuple[np.ndarray, np.ndarray]] = Memo(work, "related-rows")

    def of(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """Return the documents' rows (one matrix, in their order)."""
        from scipy import sparse

        keys = [key(self.reference, text) for text in documents]
        rows = [self.rows.get(digest) for digest in keys]
        missing = [n for n, row in enumerate(rows) if row is None]
        if missing:
            made = self._made([documents[n] for n in missing])
            for m, n in enumerate(missing):
                lo, hi = made.indptr[m], made.indptr[m + 1]
                rows[n] = self.rows.put(keys[n], (made.indices[lo:hi].copy(), made.data[lo:hi].copy()))
        self.rows.save()
        indptr = np.concatenate(([0], np.cumsum([len(row[0]) for row in rows if row is not None])))
        indices = np.concatenate([row[0] for row in rows if row is not None] or [np.zeros(0, np.int32)])
        data = np.concatenate([row[1] for row in rows if row is not None] or [np.zeros(0, np.float32)])
        return sparse.csr_matrix((data, indices, indptr), shape=(len(documents), len(self.vectorizer.vocabulary_)))

    def _made(self, documents: Sequence[str]) -> sparse.csr_matrix:
        from sklearn.preprocessing import normalize

        return normalize(_heaviest(self.vectorizer.transform(documents).tocsr(), TERMS))


def _fitted(fit: Sequence[str]) -> Any:
    """Return the TF-IDF weights of the reference set's words (ValueError: it has none)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Bigrams were tried: they dilute the scores (LLM-Pruner's best match fell from 0.15 to 0.06) and rank
    # no better on the bundled archive. Words in most papers ("model") say nothing about likeness.
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True,
                                 max_df=0.5 if len(fit) >= 20 else 1.0, dtype=np.float32)
    return vectorizer.fit(fit)


def vectorise(documents: Sequence[str], terms: int = TERMS, fit: Sequence[str] | None = None) -> sparse.csr_matrix:
    """Return L2-normalised TF-IDF rows of each document's `terms` heaviest words (the words and their weights
    from the documents in fit, by default all)."""
    from sklearn.preprocessing import normalize

    vectorizer = _fitted(documents if fit is None else fit)
    return normalize(_heaviest(vectorizer.transform(documents).tocsr(), terms))


def _heaviest(matrix: sparse.csr_matrix, terms: int) -> sparse.csr_matrix:
    """Keep each row's `terms` largest entries (ties to the lower column), all rows at once."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(matrix.nnz) - matrix.indptr[rows[order]]
    from scipy import sparse

    keep = np.sort(order[rank < terms])
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows[keep], minlength=matrix.shape[0]))))
    return sparse.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def nearest(matrix: sparse.csr_matrix, k: int = RELATED, min_score: float = MIN_SCORE) -> list[list[int]]:
    """Return, per row, its k most similar other rows (cosine of unit rows), best first."""
    n = matrix.shape[0]
    transposed = matrix.T.tocsr()
    chunk = max(1, CHUNK_CELLS // max(n, 1))
    result: list[list[int]] = []
    for start in range(0, n, chunk):
        scores = (matrix[start:start + chunk] @ transposed).tocsr()
        for row in range(scores.shape[0]):
            lo, hi = scores.indptr[row], scores.indptr[row + 1]
            result.append(_top(scores.indices[lo:hi], scores.data[lo:hi], start + row, k, min_score))
    return result


def _top(columns: np.ndarray, values: np.ndarray, own: int, k: int, min_score: float) -> list[int]:
    """Return the columns of the k highest values of at least min_score (not own), best first."""
    keep = (values >= min_score) & (columns != own)
    columns, values = columns[keep], values[keep]
    if len(values) > k:
        # Every value equal to the k-th best stays a candidate, so the cut never depends on argpartition.
        kth = np.partition(values, -k)[-k]
        columns, values = columns[values >= kth], values[values >= kth]
    order = np.lexsort((columns, -values))[:k]
    return [int(c) for c in columns[order]]
