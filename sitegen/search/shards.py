"""The search data in pieces, so that a query downloads only what its words need.

The compact index (lunr_index.py) is cut by term, as Pagefind cuts its index by prefix: the terms in lunr.js's
order are dealt into consecutive runs of about CHUNK_CHARS characters of postings, and the small manifest
names each run's first term. A query's words (and the word being typed, as a prefix) fall into one or two
runs. Each term's postings are the weights of lunr's field vectors for that term, so the engine rebuilds
exactly the part of lunr's index a query reads and lunr's scoring stays as it was: lunr scores a document
field by the query vector's dot product with the field vector, which only reads the query's terms.

What a result shows comes in pieces too: the titles of DOC_SHARD papers per file and the abstracts of
TEXT_SHARD, loaded for the results shown (and for the candidates a phrase or a title is checked against).
The vocabulary and each term's document count (for typo corrections) load only when a word matches nothing.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sitegen.search.documents import SearchDoc
from sitegen.search.lunr_index import delta_runs, doc_words, stem

FORMAT = 2
"""Version of the pieces' form, checked by search-engine.js."""
CHUNK_CHARS = 24_000
"""About how many characters of JSON one run of terms holds (a term with more postings has a run of its own)."""
DOC_SHARD = 64
"""Papers per result-data file (slug, title, date, authors)."""
TEXT_SHARD = 16
"""Abstracts per text file: a page of 20 results loads at most 20 small files, never all abstracts."""
WORDS_KEPT = 80_000
"""The vocabulary for corrections keeps the terms found in the most papers, at most this many."""


@dataclass(frozen=True, slots=True)
class Pieces:
    """The search data as named values, each becoming one data file (`index`, `terms/0`, `docs/0`, ...)."""

    values: dict[str, Any]


def pieces(compact: dict[str, Any], docs: list[SearchDoc], topics: list[list[str]],
           feeds: list[dict[str, Any]], words: Sequence[list[list[str]]] | None = None) -> Pieces:
    """Return the manifest, the term runs, the result data, the abstracts and the vocabulary (words: the
    documents' words, lunr_index.doc_words(), when the caller has them)."""
    per_term, held = by_term(compact)
    runs = _runs(compact["terms"], per_term)
    values: dict[str, Any] = {"index": {
        "format": FORMAT, "version": compact["version"], "pipeline": compact["pipeline"],
        "fields": compact["fields"], "scale": compact["scale"], "count": len(docs),
        "chunks": [compact["terms"][start] for start, _ in runs], "starts": [start for start, _ in runs],
        "docShard": DOC_SHARD, "textShard": TEXT_SHARD, "topics": topics,
        # code: 0 none, 1 a code link, 2 a code link whose newest check found it working.
        "year": [d.year for d in docs], "code": [2 if d.working_code else int(d.has_code) for d in docs],
        "topic": [list(d.topics) for d in docs], "feeds": feeds,
        # The documents a source says were withdrawn: few, so listed by number rather than flagged per document.
        "withdrawn": [ref for ref, d in enumerate(docs) if d.withdrawn],
    }}
    for n, (start, end) in enumerate(runs):
        values[f"terms/{n}"] = {"terms": compact["terms"][start:end], "postings": per_term[start:end]}
    for start in range(0, len(docs), DOC_SHARD):
        values[f"docs/{start // DOC_SHARD}"] = [[d.slug, d.title, d.date, _byline(d.authors)]
                                                for d in docs[start:start + DOC_SHARD]]
    for start in range(0, len(docs), TEXT_SHARD):
        values[f"text/{start // TEXT_SHARD}"] = [d.abstract for d in docs[start:start + TEXT_SHARD]]
    values["words"] = _vocabulary(compact["terms"], held, usual_words(docs, words))
    return Pieces(values=values)


def postings(compact: dict[str, Any]) -> list[list[list[int]]]:
    """Return, per term and per field, the documents holding it: flat (document-number delta, weight) pairs.

    These are the compact index's field vectors turned around: the same weights, read by term.
    """
    return by_term(compact)[0]


def by_term(compact: dict[str, Any]) -> tuple[list[list[list[int]]], list[int]]:
    """Return postings(), and how many documents hold each term (in any field)."""
    fields, count = len(compact["fields"]), len(compact["vectors"][0]) if compact["vectors"] else 0
    per_term: list[list[list[int]]] = [[[] for _ in range(fields)] for _ in compact["terms"]]
    flats = [flat for per_doc in compact["vectors"] for flat in per_doc]  # by field, then document
    sizes = np.array([len(flat) // 2 for flat in flats], dtype=np.int64)
    if not sizes.sum():
        return per_term, [0] * len(per_term)
    pairs = np.fromiter(itertools.chain.from_iterable(flats), dtype=np.int64, count=2 * int(sizes.sum()))
    group = np.repeat(np.arange(len(flats), dtype=np.int64), sizes)
    f, ref = np.divmod(group, count)
    term = _running(pairs[0::2], group)
    order = np.lexsort((ref, f, term))
    term, f, ref, weight = term[order], f[order], ref[order], pairs[1::2][order]
    starts = np.flatnonzero(np.r_[True, (term[1:] != term[:-1]) | (f[1:] != f[:-1])])
    runs = delta_runs(ref, weight, starts)
    for n, field, run in zip(term[starts].tolist(), f[starts].tolist(), runs, strict=True):
        per_term[n][field] = run
    pairs = np.sort(term * count + ref)  # np.unique without counts hashes, many times slower than sorting
    held = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] // count  # the term of each (term, document) once
    return per_term, np.bincount(held, minlength=len(per_term)).tolist()


def _running(deltas: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return the running sums of deltas, started again at each new group (groups are runs of equal numbers)."""
    total = np.cumsum(deltas)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    before = total[starts] - deltas[starts]
    running: np.ndarray = total - np.repeat(before, np.diff(np.r_[starts, len(deltas)]))
    return running


def _runs(terms: list[str], per_term: list[list[list[int]]]) -> list[tuple[int, int]]:
    """Deal the terms, in order, into runs of about CHUNK_CHARS characters; return (start, end) per run."""
    runs, start, size = [], 0, 0
    for n, term in enumerate(terms):
        # A number is about 3.5 characters with its comma: deltas are small, weights one to three digits.
        cost = len(term) + 8 + int(3.5 * sum(len(flat) for flat in per_term[n]))
        if size and size + cost > CHUNK_CHARS:
            runs.append((start, n))
            start, size = n, 0
        size += cost
    if start < len(terms):
        runs.append((start, len(terms)))
    return runs


def _vocabulary(terms: list[str], counts: list[int], usual: dict[str, str]) -> dict[str, list[Any]]:
    """Return the terms a typo may be corrected to, in order, with how many papers hold each (counts) and the
    word they most often stand for: "" when it is the term itself, the ending to add when the term starts it
    ("ation": quantiz -> quantization), else "=" and the word."""
    kept = sorted(sorted(range(len(terms)), key=lambda n: -counts[n])[:WORDS_KEPT])
    return {"terms": [terms[n] for n in kept], "df": [counts[n] for n in kept],
            "word": [_spelled(terms[n], usual.get(terms[n], terms[n])) for n in kept]}


def usual_words(docs: list[SearchDoc], words: Sequence[list[list[str]]] | None = None) -> dict[str, str]:
    """Return, per index term, the word that most often stands for it (ties: the first in order)."""
    words = doc_words(docs) if words is None else words
    seen = Counter(itertools.chain.from_iterable(itertools.chain.from_iterable(words)))
    usual: dict[str, str] = {}
    for word, _ in sorted(seen.items(), key=lambda item: (-item[1], item[0])):
        usual.setdefault(stem(word), word)
    return usual


def _spelled(term: str, word: str) -> str:
    if word == term:
        return ""
    return word[len(term):] if word.startswith(term) else "=" + word


def _byline(authors: tuple[str, ...], shown: int = 3) -> str:
    """Return the first authors for a result line: `A, B, C et al.`."""
    return ", ".join(authors[:shown]) + (" et al." if len(authors) > shown else "")
