"""The lunr index for lunr.js 2.3.9, in a compact form (search-engine.js decodes it).

lunr's own serialisation names every document in every posting and repeats each posting in a field vector;
for a large archive that is tens of megabytes. The encoding keeps one copy: the sorted terms, and per field
and document the vector lunr's Builder computes, as (term-number delta, weight x 10) pairs. search-engine.js
turns it back into lunr's serialised form (the postings are exactly the vectors' entries) and calls
lunr.Index.load. Document refs are the documents' positions ("0", "1", …). The vectors are computed here as
lunr.py's Builder computes them, with lunr.py's stop words and Porter stemmer; tests check the result against
lunr.py itself.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import lunr.stop_word_filter
import numpy as np
from lunr.stemmer import porter_stemmer

from sitegen.memo import Memo, key
from sitegen.search.documents import SearchDoc
from sitegen.search.text import index_text

FORMAT = 1
"""Version of the encoding, checked by search.js."""
WEIGHT_SCALE = 10
"""Weights are stored as integers: lunr's weight times this, rounded (one decimal: the result sets stay
exactly lunr.py's, the order of near-equal scores may change; the index is a seventh smaller than with two)."""


@dataclass(frozen=True, slots=True)
class Field:
    """An indexed field and its boost."""

    name: str
    boost: int


FIELDS = (Field("title", 10), Field("tags", 5), Field("authors", 4), Field("abstract", 1), Field("notes", 2),
          Field("ids", 10), Field("lead", 0))
"""Titles, topics and author names weigh more than abstracts; notes, written by a curator, a little more;
an arXiv id (`2305.11627` is the words 2305 and 11627) finds its paper. `lead` is the title's first word
(but stop words) and weighs nothing: it tells the engine which hits may have a title starting with the query,
so that only their titles are loaded to check."""


def field_texts(doc: SearchDoc) -> dict[str, str]:
    return {"title": doc.title, "tags": doc.tags, "authors": " ".join(doc.authors), "abstract": doc.abstract,
            "notes": doc.notes, "ids": " ".join(doc.ids),
            "lead": next((w for w in index_text(doc.title).split(" ") if w and w not in STOP_WORDS), "")}


PerField = list[list[str]]
"""A document's words (or terms) in each field, in FIELDS' order."""


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(porter_stemmer.stem(word))


K1 = 1.2
B = 0.75
"""lunr's BM25 parameters (lunr.Builder's defaults)."""
LUNR_VERSION = "2.3.9"
SEARCH_PIPELINE = ["stemmer"]
"""What lunr.js runs a query through (the index's own pipeline, stop words and stemmer, is applied here)."""
STOP_WORDS = frozenset(lunr.stop_word_filter.WORDS)


def doc_words(docs: Sequence[SearchDoc]) -> list[list[list[str]]]:
    """Return each document's words in each field (FIELDS' order), as words_of() gives them: what the index and
    the vocabulary are both made from."""
    out = []
    for doc in docs:
        texts = field_texts(doc)
        out.append([words_of(texts[field.name]) for field in FIELDS])
    return out


def analysed(docs: Sequence[SearchDoc], work: Path | None = None) -> tuple[list[PerField], list[PerField]]:
    """Return each document's words per field (doc_words()) and its terms per field (the words stemmed), or what
    the last build found for the same document (work: the work folder, sitegen/memo.py)."""
    memo: Memo[tuple[tuple[str, ...], tuple[str, ...]]] = Memo(work, "search-words")
    words, terms = [], []
    for doc in docs:
        digest = key(doc) if work is not None else b""
        kept = memo.get(digest) if work is not None else None
        if kept is None:
            fields = doc_words([doc])[0]
            stemmed = [[stem(w) for w in field] for field in fields]
            if work is not None and all(all(stemmed_field) for stemmed_field in stemmed):  # no empty stem
                memo.put(digest, (tuple(" ".join(f) for f in fields), tuple(" ".join(f) for f in stemmed)))
        else:
            fields = [f.split(" ") if f else [] for f in kept[0]]
            stemmed = [f.split(" ") if f else [] for f in kept[1]]
        words.append(fields)
        terms.append(stemmed)
    memo.save()
    return words, terms


def compact_index(docs: list[SearchDoc], words: Sequence[list[list[str]]] | None = None,
                  terms_per_doc: Sequence[list[list[str]]] | None = None) -> dict[str, Any]:
    """Return the compact index of docs: exactly what lunr.py's Builder, then encode(), would give, computed
    directly (five times quicker; tests/searchdata.py keeps the lunr.py way to check it against).

    Each field's text is index_text() cut at spaces, stop words dropped, the rest stemmed (lunr's pipeline);
    a term's weight in a field is lunr's BM25 score, rounded as lunr rounds it, then to one decimal.
    words, terms_per_doc: doc_words(docs) and the same stemmed (analysed()), when the caller has them.
    """
    if terms_per_doc is None:
        words = doc_words(docs) if words is None else words
        terms_per_doc = [[[stem(w) for w in field] for field in fields] for fields in words]
    flat_terms = list(chain.from_iterable(chain.from_iterable(terms_per_doc)))
    terms = sorted(set(flat_terms), key=utf16_key)
    vectors: list[list[list[int]]] = [[[] for _ in docs] for _ in FIELDS]
    if flat_terms:
        _fill(vectors, terms, flat_terms, np.array([len(field) for fields in terms_per_doc for field in fields]))
    return {"format": FORMAT, "version": LUNR_VERSION, "pipeline": SEARCH_PIPELINE, "fields": [f.name for f in FIELDS],
            "scale": WEIGHT_SCALE, "terms": terms, "vectors": vectors}


def _fill(vectors: list[list[list[int]]], terms: list[str], flat_terms: list[str], sizes: np.ndarray) -> None:
    """Put each document field's vector into vectors[field][ref]: (term-number delta, weight) pairs by term.

    flat_terms: every field's terms one after the other (document by document, FIELDS' order in each); sizes:
    how many each field has. Computed on arrays, with the very operations lunr.py's Builder applies to each
    weight one by one, in the same order, so every float is the same to the last bit; only rounding to three
    decimals, where numpy and Python may differ by a tie, is done by Python's round() for the few near one.
    """
    number = {term: n for n, term in enumerate(terms)}
    count, fields = len(sizes) // len(FIELDS), len(FIELDS)
    ids = np.fromiter(map(number.__getitem__, flat_terms), dtype=np.int64, count=len(flat_terms))
    group = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)  # ref * fields + field
    pairs, tf = np.unique(group * len(terms) + ids, return_counts=True)  # by field of a document, then term
    group, n = np.divmod(pairs, len(terms))
    ref, f = np.divmod(group, fields)
    held = np.bincount(n, minlength=len(terms))  # the document fields holding each term
    idf = np.array([math.log(1 + abs((count - d + 0.5) / (d + 0.5))) for d in held.tolist()])
    lengths = sizes.reshape(count, fields)
    averages = lengths.sum(axis=0) / count
    norm = K1 * (1 - B + B * (lengths[ref, f] / averages[f]))
    raw = idf[n] * ((K1 + 1) * tf) / (norm + tf) * np.array([field.boost for field in FIELDS])[f]
    scaled = raw * 1000
    score = np.rint(scaled) / 1000
    near_tie = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    score[near_tie] = [round(x, 3) for x in raw[near_tie].tolist()]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    for g, run in zip(group[starts].tolist(), delta_runs(n, np.rint(score * WEIGHT_SCALE), starts), strict=True):
        vectors[g % fields][g // fields] = run


def delta_runs(numbers: np.ndarray, weights: np.ndarray, starts: np.ndarray) -> list[list[int]]:
    """Return, per run (runs begin at starts), its flat (number delta, weight) pairs: the run's first number as it
    is, each next one less the one before it (how the field vectors and the postings store their numbers)."""
    delta = numbers.copy()
    delta[1:] -= numbers[:-1]
    delta[starts] = numbers[starts]
    pairs = np.empty(2 * len(numbers), dtype=np.int64)
    pairs[0::2], pairs[1::2] = delta, weights
    flat = pairs.tolist()
    ends = [*starts[1:].tolist(), len(numbers)]
    return [flat[2 * start:2 * end] for start, end in zip(starts.tolist(), ends, strict=True)]


def words_of(text: str) -> list[str]:
    """Return the words of text the index keeps, in order: stop words dropped (lunr's pipeline, before stemming)."""
    return [w for w in index_text(text).split(" ") if w and w not in STOP_WORDS]


def terms_of(text: str) -> list[str]:
    """Return the index terms of text, in order: its words, stop words dropped, the rest stemmed (lunr's pipeline)."""
    return [stem(w) for w in words_of(text)]


def doc_terms(doc: SearchDoc) -> set[str]:
    """Return every index term of a document, in any field."""
    return {term for text in field_texts(doc).values() for term in terms_of(text)}


def utf16_key(term: str) -> bytes:
    """Sort key matching JavaScript's string order (UTF-16 code units), which lunr.js requires."""
    return term.encode("utf-16-be", "surrogatepass")
