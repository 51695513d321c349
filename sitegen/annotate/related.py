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

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
    work: the build's work folder, where the fitted weights, each paper's words and every paper's list are kept
    for the next build (sitegen/memo.py): a paper's vector depends only on its text and the reference set.
    """
    return related_texts([(slug, document(title, abstract)) for slug, title, abstract in papers], k, reference, work)


def related_texts(papers: Sequence[tuple[str, str]], k: int = RELATED, reference: Collection[str] | None = None,
                  work: Path | None = None) -> dict[str, tuple[str, ...]]:
    """related(), of (slug, text) pairs whose text document() made."""
    ordered = sorted(papers)
    slugs = [slug for slug, _ in ordered]
    texts = [text for _, text in ordered]
    fixed = texts if reference is None else [text for slug, text in ordered if slug in reference]
    try:
        vectors = Vectors(fixed, work)
        keys = vectors.keys(texts)
        matrix = vectors.of(texts, keys)
    except ValueError:  # no word left to compare by: every text is empty or only stop words
        return dict.fromkeys(slugs, ())
    lists = Lists(work, key(vectors.reference, k, MIN_SCORE)).of(slugs, keys, matrix, k)
    return {slug: tuple(near for near, _ in lists[slug]) for slug in slugs}


def document(title: str, abstract: str) -> str:
    """Return the text a paper is compared by: the title counts twice, it says most about the paper."""
    title = plain(title)
    return f"{title}\n{title}\n{plain(abstract)}"


class Vectors:
    """Documents as L2-normalised TF-IDF rows of their TERMS heaviest words, with the words and weights of a
    reference set; the fitted weights and each document's row kept between builds in the work folder."""

    def __init__(self, fit: Sequence[str], work: Path | None = None) -> None:
        self.reference = key(TERMS, *fit)
        fitted: Memo[Weights] = Memo(work, "related-weights")
        kept = fitted.get(self.reference)
        self.weights = kept if kept is not None else fitted.put(self.reference, _fitted(fit))
        fitted.save()
        self.rows: Memo[tuple[np.ndarray, np.ndarray]] = Memo(work, "related-rows")

    def of(self, documents: Sequence[str], keys: Sequence[bytes]) -> sparse.csr_matrix:
        """Return the documents' rows (one matrix, in their order; keys: what keys() gives for them)."""
        from scipy import sparse

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
        return sparse.csr_matrix((data, indices, indptr), shape=(len(documents), len(self.weights.vocabulary)))

    def keys(self, documents: Sequence[str]) -> list[bytes]:
        """Return each document's row's key: a digest of its text and of the reference set."""
        return [key(self.reference, text) for text in documents]

    def _made(self, documents: Sequence[str]) -> sparse.csr_matrix:
        return _l2(_heaviest(self.weights.transform(documents), TERMS))


@dataclass(frozen=True, slots=True)
class Weights:
    """What scikit-learn's TfidfVectorizer learnt from the reference set, kept as plain data, and its transform()
    redone on them: a day's few new papers are turned into rows without loading scikit-learn (most of a second).
    Each step is the one scikit-learn takes, on the same types in the same order, so the rows are the same
    (tests/test_related_stable.py compares them)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    """float32, by column."""
    stop_words: frozenset[str]
    token_pattern: str

    def transform(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """TfidfVectorizer(sublinear_tf=True, dtype=np.float32).transform(documents), as CSR."""
        from scipy import sparse

        tokens, vocabulary, stop = re.compile(self.token_pattern), self.vocabulary, self.stop_words
        indices: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for document in documents:
            counter: dict[int, int] = {}  # scikit-learn's _count_vocab, words in the order met
            for word in tokens.findall(document.lower()):
                if word not in stop and (column := vocabulary.get(word)) is not None:
                    counter[column] = counter.get(column, 0) + 1
            indices.extend(counter)
            counts.extend(counter.values())
            indptr.append(len(indices))
        matrix = sparse.csr_matrix((np.asarray(counts, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                                    np.asarray(indptr, dtype=np.int32)), shape=(len(documents), len(vocabulary)))
        matrix.sort_indices()
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
        matrix.data *= self.idf[matrix.indices]
        return _l2(matrix)


def _fitted(fit: Sequence[str]) -> Weights:
    """Return the TF-IDF weights of the reference set's words (ValueError: it has none)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Bigrams were tried: they dilute the scores (LLM-Pruner's best match fell from 0.15 to 0.06) and rank
    # no better on the bundled archive. Words in most papers ("model") say nothing about likeness.
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True,
                                 max_df=0.5 if len(fit) >= 20 else 1.0, dtype=np.float32).fit(fit)
    return Weights({str(word): int(column) for word, column in vectorizer.vocabulary_.items()},
                   np.asarray(vectorizer.idf_, dtype=np.float32), frozenset(vectorizer.get_stop_words()),
                   vectorizer.token_pattern)


def _l2(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row to unit length in place, as scikit-learn's normalize() does a float32 CSR matrix: each
    square in float32, summed in float64 from the row's first entry to its last, each value divided in float64."""
    lengths = np.diff(matrix.indptr)
    if not matrix.nnz:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    place = np.arange(matrix.nnz) - matrix.indptr[rows]
    squares = np.zeros((matrix.shape[0], int(lengths.max())), dtype=np.float64)
    squares[rows, place] = matrix.data * matrix.data
    sums = np.cumsum(squares, axis=1)[:, -1]  # cumsum adds in order, where sum() adds pairwise
    norms = np.sqrt(sums)
    scale = np.where(sums == 0.0, 1.0, norms)[rows]
    matrix.data[:] = (matrix.data.astype(np.float64) / scale).astype(np.float32)
    return matrix


def _heaviest(matrix: sparse.csr_matrix, terms: int) -> sparse.csr_matrix:
    """Keep each row's `terms` largest entries (ties to the lower column), all rows at once."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(matrix.nnz) - matrix.indptr[rows[order]]
    from scipy import sparse

    keep = np.sort(order[rank < terms])
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows[keep], minlength=matrix.shape[0]))))
    return sparse.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


Near = tuple[tuple[str, float], ...]
"""A paper's related papers, best first: (slug, cosine) each."""


class Lists:
    """Every paper's related list, kept between builds (work folder) with the key of the row it was found for.

    A rebuild compares again only what changed: a paper that is new, or whose row changed, is compared with
    every paper, and so is one whose list held a paper that left or changed; every other paper is compared
    with the new and changed ones alone, which enter its list if they beat its last. A similarity is the same
    product of the same two rows either way, so the lists are those nearest() gives (tests/test_related_stable.py).
    """

    REDO_SHARE = 4
    """More than 1/REDO_SHARE of the papers new or changed: compare them all again."""

    def __init__(self, work: Path | None, reference: bytes) -> None:
        self.reference = reference
        self.memo: Memo[dict[str, tuple[bytes, Near]]] = Memo(work, "related-lists")

    def of(self, slugs: Sequence[str], keys: Sequence[bytes], matrix: sparse.csr_matrix,
           k: int) -> dict[str, Near]:
        """Return each slug's list (slugs sorted; keys: their rows' keys; matrix: their rows)."""
        kept = self.memo.get(self.reference) or {}
        if len(_fresh(slugs, keys, kept)) * self.REDO_SHARE > len(slugs):
            lists = {slug: _named(slugs, near) for slug, near in zip(slugs, nearest_scored(matrix, k), strict=True)}
        else:
            lists = self._updated(slugs, keys, matrix, k, kept)
        self.memo.put(self.reference, {slug: (keys[n], lists[slug]) for n, slug in enumerate(slugs)})
        self.memo.save()
        return lists

    @staticmethod
    def _updated(slugs: Sequence[str], keys: Sequence[bytes], matrix: sparse.csr_matrix, k: int,
                 kept: dict[str, tuple[bytes, Near]]) -> dict[str, Near]:
        fresh = _fresh(slugs, keys, kept)
        now = dict(zip(slugs, keys, strict=True))
        gone = {slug for slug, (row, _) in kept.items() if now.get(slug) != row}
        new = set(fresh)
        redo = sorted(new | {n for n, slug in enumerate(slugs)
                             if n not in new and any(near in gone for near, _ in kept[slug][1])})
        lists = {slugs[n]: _named(slugs, near)
                 for n, near in zip(redo, nearest_scored(matrix, k, rows=redo), strict=True)} if redo else {}
        entering = nearest_scored(matrix, k, columns=fresh) if fresh else None
        for n, slug in enumerate(slugs):
            if slug in lists:
                continue
            old = list(kept[slug][1])
            if entering is not None:
                old += [(slugs[c], s) for c, s in entering[n]]
            lists[slug] = tuple(sorted(old, key=lambda near: (-near[1], near[0]))[:k])
        return lists


def _fresh(slugs: Sequence[str], keys: Sequence[bytes], kept: dict[str, tuple[bytes, Near]]) -> list[int]:
    """The papers (by number) that are new or whose row changed since their list was kept."""
    return [n for n, slug in enumerate(slugs) if kept.get(slug, (b"", ()))[0] != keys[n]]


def _named(slugs: Sequence[str], near: list[tuple[int, float]]) -> Near:
    return tuple((slugs[c], score) for c, score in near)


def nearest(matrix: sparse.csr_matrix, k: int = RELATED, min_score: float = MIN_SCORE) -> list[list[int]]:
    """Return, per row, its k most similar other rows (cosine of unit rows), best first."""
    return [[c for c, _ in near] for near in nearest_scored(matrix, k, min_score)]


def nearest_scored(matrix: sparse.csr_matrix, k: int = RELATED, min_score: float = MIN_SCORE,
                   rows: Sequence[int] | None = None, columns: Sequence[int] | None = None,
                   ) -> list[list[tuple[int, float]]]:
    """Return, per row (of rows, default all), its k most similar other rows among columns (default all), best
    first, as (row number, cosine) pairs.

    A similarity is summed in the order of the first row's words whatever the columns, so it comes out the same
    to the last bit when computed against all rows or a few (what Lists relies on).
    """
    picked = np.arange(matrix.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
    among = None if columns is None else np.asarray(columns, dtype=np.int64)
    transposed = (matrix if among is None else matrix[among]).T.tocsr()
    chunk = max(1, CHUNK_CELLS // max(transposed.shape[1], 1))
    result: list[list[tuple[int, float]]] = []
    for start in range(0, len(picked), chunk):
        part = picked[start:start + chunk]
        scores = (matrix[part] @ transposed).tocsr()
        rows_of = np.repeat(np.arange(scores.shape[0]), np.diff(scores.indptr))
        hits = np.bincount(rows_of[scores.data >= min_score], minlength=scores.shape[0])
        for row in range(scores.shape[0]):
            if not hits[row]:  # most rows, when comparing with a new day's papers only
                result.append([])
                continue
            lo, hi = scores.indptr[row], scores.indptr[row + 1]
            found = scores.indices[lo:hi] if among is None else among[scores.indices[lo:hi]]
            result.append(_top(found, scores.data[lo:hi], int(part[row]), k, min_score))
    return result


def _top(columns: np.ndarray, values: np.ndarray, own: int, k: int, min_score: float) -> list[tuple[int, float]]:
    """Return the columns of the k highest values of at least min_score (not own), best first, with their values."""
    keep = (values >= min_score) & (columns != own)
    columns, values = columns[keep], values[keep]
    if len(values) > k:
        # Every value equal to the k-th best stays a candidate, so the cut never depends on argpartition.
        kth = np.partition(values, -k)[-k]
        columns, values = columns[values >= kth], values[values >= kth]
    order = np.lexsort((columns, -values))[:k]
    return [(int(c), float(v)) for c, v in zip(columns[order], values[order], strict=True)]
