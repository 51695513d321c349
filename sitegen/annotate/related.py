"""Related papers: each paper's most similar others by TF-IDF cosine over title and abstract.

Each paper is compared by its TERMS most distinctive words (the "more like this" idea of search engines):
the generic words every abstract shares add noise, and dropping them keeps the similarity matrix sparse.
That matrix is never held whole: rows are multiplied against the corpus a chunk at a time (sparse
products, at most about CHUNK_CELLS similarities at once) and each row keeps its top k through
np.argpartition. Ties go to the smaller slug, so the result depends only on the papers, not their order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from sitegen.text.latex import plain

RELATED = 5
"""How many related papers each paper lists."""
TERMS = 32
"""Words of each paper compared: its highest TF-IDF weights."""
CHUNK_CELLS = 4_000_000
"""Similarities computed at once (rows x papers); bounds memory to a few tens of MB."""
MIN_SCORE = 0.05
"""A paper this dissimilar (cosine) is not listed as related."""


def related(papers: Sequence[tuple[str, str, str]], k: int = RELATED) -> dict[str, tuple[str, ...]]:
    """Map each (slug, title, abstract) to the slugs of its k most similar papers, best first."""
    ordered = sorted(papers)
    slugs = [slug for slug, _, _ in ordered]
    try:
        matrix = vectorise([document(title, abstract) for _, title, abstract in ordered])
    except ValueError:  # no word left to compare by: every text is empty or only stop words
        return dict.fromkeys(slugs, ())
    return {slugs[i]: tuple(slugs[j] for j in near) for i, near in enumerate(nearest(matrix, k))}


def document(title: str, abstract: str) -> str:
    """Return the text a paper is compared by: the title counts twice, it says most about the paper."""
    title = plain(title)
    return f"{title}\n{title}\n{plain(abstract)}"


def vectorise(documents: Sequence[str], terms: int = TERMS) -> sparse.csr_matrix:
    """Return L2-normalised TF-IDF rows of each document's `terms` heaviest words."""
    # Bigrams were tried: they dilute the scores (LLM-Pruner's best match fell from 0.15 to 0.06) and rank
    # no better on the bundled archive. Words in most papers ("model") say nothing about likeness.
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True,
                                 max_df=0.5 if len(documents) >= 20 else 1.0, dtype=np.float32)
    return normalize(_heaviest(vectorizer.fit_transform(documents).tocsr(), terms))


def _heaviest(matrix: sparse.csr_matrix, terms: int) -> sparse.csr_matrix:
    """Keep each row's `terms` largest entries (ties to the lower column), all rows at once."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(matrix.nnz) - matrix.indptr[rows[order]]
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
