"""Build the lunr index with lunr.py, and encode it compactly for lunr.js 2.3.9 (search.js decodes it).

lunr's own serialisation names every document in every posting and repeats each posting in a field vector;
for a large archive that is tens of megabytes. The encoding keeps one copy: the sorted terms, and per field
and document the vector lunr.py computed, as (term-number delta, weight x 10) pairs. search-engine.js turns
it back into lunr's serialised form (the postings are exactly the vectors' entries) and calls lunr.Index.load.
Document refs are the documents' positions ("0", "1", …).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import lunr
from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.stemmer import porter_stemmer, stemmer
from lunr.stop_word_filter import stop_word_filter

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


FIELDS = (Field("title", 10), Field("tags", 5), Field("authors", 4), Field("abstract", 1), Field("notes", 2))
"""Titles, topics and author names weigh more than abstracts; notes, written by a curator, a little more."""


def _field_texts(doc: SearchDoc) -> dict[str, str]:
    return {"title": doc.title, "tags": doc.tags, "authors": " ".join(doc.authors), "abstract": doc.abstract,
            "notes": doc.notes}


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(porter_stemmer.stem(word))


def _cached_stemmer(token: Any, i: int | None = None, tokens: Any = None) -> Any:
    """lunr.py's stemmer with a cache: the same words recur in every abstract."""
    return token.update(lambda s, metadata=None: _stem(s))


Pipeline.register_function(_cached_stemmer, "sitegenCachedStemmer")


def build_lunr(docs: list[SearchDoc]) -> lunr.index.Index:
    """Index every document's fields with lunr.py's default pipeline, stemmer cached, trimmer left out.

    Fields are handed over as index_text(): words of word characters only, so lunr's trimmer would have
    nothing to trim (and costs a sixth of the indexing time in Python).
    """
    builder = Builder()
    builder.pipeline.add(stop_word_filter, _cached_stemmer)
    builder.search_pipeline.add(stemmer)
    builder.ref("ref")
    for field in FIELDS:
        builder.field(field.name, boost=field.boost)
    for ref, doc in enumerate(docs):
        texts = _field_texts(doc)
        builder.add({"ref": str(ref), **{f.name: index_text(texts[f.name]) for f in FIELDS}})
    return builder.build()


def utf16_key(term: str) -> bytes:
    """Sort key matching JavaScript's string order (UTF-16 code units), which lunr.js requires."""
    return term.encode("utf-16-be", "surrogatepass")


def encode(index: lunr.index.Index, count: int) -> dict[str, Any]:
    """Return the compact form of a lunr.py index over count documents."""
    serialized = index.serialize()
    old_numbers = {term: posting["_index"] for term, posting in serialized["invertedIndex"]}
    terms = sorted(old_numbers, key=utf16_key)
    number = {old_numbers[term]: n for n, term in enumerate(terms)}
    vectors: dict[str, list[list[int]]] = {f.name: [[] for _ in range(count)] for f in FIELDS}
    for field_ref, elements in serialized["fieldVectors"]:
        field, ref = field_ref.split("/", 1)
        pairs = sorted((number[elements[i]], elements[i + 1]) for i in range(0, len(elements), 2))
        flat, previous = [], 0
        for term_number, weight in pairs:
            flat += [term_number - previous, round(weight * WEIGHT_SCALE)]
            previous = term_number
        vectors[field][int(ref)] = flat
    return {
        "format": FORMAT,
        "version": serialized["version"],
        "pipeline": serialized["pipeline"],
        "fields": [f.name for f in FIELDS],
        "scale": WEIGHT_SCALE,
        "terms": terms,
        "vectors": [vectors[f.name] for f in FIELDS],
    }
