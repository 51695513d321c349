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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sitegen.search.documents import SearchDoc
from sitegen.search.lunr_index import doc_words, stem

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
    per_term = postings(compact)
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
    values["words"] = _vocabulary(compact["terms"], per_term, usual_words(docs, words))
    return Pieces(values=values)


def postings(compact: dict[str, Any]) -> list[list[list[int]]]:
    """Return, per term and per field, the documents holding it: flat (document-number delta, weight) pairs.

    These are the compact index's field vectors turned around: the same weights, read by term.
    """
    fields = len(compact["fields"])
    per_term: list[list[list[int]]] = [[[] for _ in range(fields)] for _ in compact["terms"]]
    previous = [[0] * fields for _ in compact["terms"]]
    for f, per_doc in enumerate(compact["vectors"]):
        for ref, flat in enumerate(per_doc):
            term = 0
            for i in range(0, len(flat), 2):
                term += flat[i]
                per_term[term][f] += [ref - previous[term][f], flat[i + 1]]
                previous[term][f] = ref
    return per_term


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


def _vocabulary(terms: list[str], per_term: list[list[list[int]]], usual: dict[str, str]) -> dict[str, list[Any]]:
    """Return the terms a typo may be corrected to, in order, with how many papers hold each and the word
    they most often stand for: "" when it is the term itself, the ending to add when the term starts it
    ("ation": quantiz -> quantization), else "=" and the word."""
    counts = []
    for flats in per_term:
        refs: set[int] = set()
        for flat in flats:
            ref = 0
            for i in range(0, len(flat), 2):
                ref += flat[i]
                refs.add(ref)
        counts.append(len(refs))
    kept = sorted(sorted(range(len(terms)), key=lambda n: -counts[n])[:WORDS_KEPT])
    return {"terms": [terms[n] for n in kept], "df": [counts[n] for n in kept],
            "word": [_spelled(terms[n], usual.get(terms[n], terms[n])) for n in kept]}


def usual_words(docs: list[SearchDoc], words: Sequence[list[list[str]]] | None = None) -> dict[str, str]:
    """Return, per index term, the word that most often stands for it (ties: the first in order)."""
    words = doc_words(docs) if words is None else words
    seen = Counter(word for fields in words for field in fields for word in field)
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
