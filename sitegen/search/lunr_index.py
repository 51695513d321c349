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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import lunr.stop_word_filter
from lunr.stemmer import porter_stemmer

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


def compact_index(docs: list[SearchDoc], words: Sequence[list[list[str]]] | None = None) -> dict[str, Any]:
    """Return the compact index of docs: exactly what lunr.py's Builder, then encode(), would give, computed
    directly (five times quicker; tests/searchdata.py keeps the lunr.py way to check it against).

    Each field's text is index_text() cut at spaces, stop words dropped, the rest stemmed (lunr's pipeline);
    a term's weight in a field is lunr's BM25 score, rounded as lunr rounds it, then to one decimal.
    words: doc_words(docs), when the caller has them.
    """
    words = doc_words(docs) if words is None else words
    counts: list[list[Counter[str]]] = []
    lengths = [[0] * len(docs) for _ in FIELDS]
    for ref in range(len(docs)):
        row = []
        for f in range(len(FIELDS)):
            terms = [stem(w) for w in words[ref][f]]
            lengths[f][ref] = len(terms)
            row.append(Counter(terms))
        counts.append(row)
    with_term: Counter[str] = Counter(term for row in counts for field_terms in row for term in field_terms)
    terms = sorted(with_term, key=utf16_key)
    number = {term: n for n, term in enumerate(terms)}
    idf = {term: math.log(1 + abs((len(docs) - d + 0.5) / (d + 0.5))) for term, d in with_term.items()}
    averages = [sum(field_lengths) / len(docs) if docs else 0.0 for field_lengths in lengths]
    vectors: list[list[list[int]]] = [[[] for _ in docs] for _ in FIELDS]
    for ref, row in enumerate(counts):
        for f, field_terms in enumerate(row):
            if not field_terms:
                continue  # an empty field (its average length may be 0): no vector entries
            norm = K1 * (1 - B + B * (lengths[f][ref] / averages[f]))
            flat, previous = [], 0
            for n, tf in sorted((number[t], tf) for t, tf in field_terms.items()):
                score = round(idf[terms[n]] * ((K1 + 1) * tf) / (norm + tf) * FIELDS[f].boost, 3)
                flat += [n - previous, round(score * WEIGHT_SCALE)]
                previous = n
            vectors[f][ref] = flat
    return {"format": FORMAT, "version": LUNR_VERSION, "pipeline": SEARCH_PIPELINE, "fields": [f.name for f in FIELDS],
            "scale": WEIGHT_SCALE, "terms": terms, "vectors": vectors}


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
