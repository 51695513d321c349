"""Readers of the search data sitegen writes: the inverses the tests check it against."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from sitegen.search.scripts import CALLBACK

_QUOTED = re.compile(r"\\(.)", re.DOTALL)


def read_data_script(script: str) -> tuple[str, Any]:
    """Return the name and value a data file hands over (the inverse of data_script, for checks)."""
    prefix, suffix = f"{CALLBACK}(", "'));\n"
    if not (script.startswith(prefix) and script.endswith(suffix)):
        raise ValueError("not a search data script")
    name, _, quoted = script[len(prefix):-len(suffix)].partition(",JSON.parse('")
    return json.loads(name), json.loads(_QUOTED.sub(r"\1", quoted))


def decode(compact: dict[str, Any]) -> dict[str, Any]:
    """Return lunr's serialised form of a compact index: what search.js hands to lunr.Index.load."""
    fields, terms = compact["fields"], compact["terms"]
    postings: list[dict[str, Any]] = [{"_index": n, **{f: {} for f in fields}} for n in range(len(terms))]
    field_vectors = []
    for field, per_doc in zip(fields, compact["vectors"]):
        for ref, flat in enumerate(per_doc):
            elements, term_number = [], 0
            for i in range(0, len(flat), 2):
                term_number += flat[i]
                elements += [term_number, flat[i + 1] / compact["scale"]]
                postings[term_number][field][str(ref)] = {}
            field_vectors.append([f"{field}/{ref}", elements])
    return {"version": compact["version"], "fields": fields, "fieldVectors": field_vectors,
            "invertedIndex": [[term, postings[n]] for n, term in enumerate(terms)],
            "pipeline": compact["pipeline"]}


def lunr_py_index(docs):
    """Index docs with lunr.py's own Builder: the reference the compact index is checked against.

    The same documents give the same index, built once per process: several tests ask for the bundled archive's
    (a second or so each), and nothing changes an index once built."""
    return _lunr_py_index(tuple(docs))


@functools.lru_cache(maxsize=4)
def _lunr_py_index(docs):
    from lunr.builder import Builder
    from lunr.stemmer import stemmer
    from lunr.stop_word_filter import stop_word_filter

    from sitegen.search.lunr_index import FIELDS, field_texts
    from sitegen.search.text import index_text

    builder = Builder()
    builder.pipeline.add(stop_word_filter, stemmer)
    builder.search_pipeline.add(stemmer)
    builder.ref("ref")
    for field in FIELDS:
        builder.field(field.name, boost=field.boost)
    for ref, doc in enumerate(docs):
        texts = field_texts(doc)
        builder.add({"ref": str(ref), **{f.name: index_text(texts[f.name]) for f in FIELDS}})
    return builder.build()


def lunr_py_compact(docs) -> dict[str, Any]:
    """Return lunr.py's index of docs in the compact encoding: what compact_index() must equal."""
    from sitegen.search.lunr_index import FIELDS, FORMAT, WEIGHT_SCALE, utf16_key

    serialized = lunr_py_index(docs).serialize()
    old_numbers = {term: posting["_index"] for term, posting in serialized["invertedIndex"]}
    terms = sorted(old_numbers, key=utf16_key)
    number = {old_numbers[term]: n for n, term in enumerate(terms)}
    vectors = {f.name: [[] for _ in docs] for f in FIELDS}
    for field_ref, elements in serialized["fieldVectors"]:
        field, ref = field_ref.split("/", 1)
        pairs = sorted((number[elements[i]], elements[i + 1]) for i in range(0, len(elements), 2))
        flat, previous = [], 0
        for term_number, weight in pairs:
            flat += [term_number - previous, round(weight * WEIGHT_SCALE)]
            previous = term_number
        vectors[field][int(ref)] = flat
    return {"format": FORMAT, "version": serialized["version"], "pipeline": serialized["pipeline"],
            "fields": [f.name for f in FIELDS], "scale": WEIGHT_SCALE, "terms": terms,
            "vectors": [vectors[f.name] for f in FIELDS]}


def assemble(files: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Put the search data's pieces back together (the inverse of sitegen.search.shards.pieces): the compact
    index, and the result data as rows [slug, title, date, year, topics, code, authors] with the abstracts."""
    from sitegen.search.lunr_index import FORMAT

    values = dict(read_data_script(text) for rel, text in sorted(files.items()) if not rel.endswith("/lunr.js"))
    manifest = values["index"]
    count, fields = manifest["count"], manifest["fields"]
    terms: list[str] = []
    entries: list[list[list[tuple[int, int]]]] = [[[] for _ in range(count)] for _ in fields]
    for n in range(len(manifest["chunks"])):
        run = values[f"terms/{n}"]
        assert manifest["starts"][n] == len(terms) and manifest["chunks"][n] == run["terms"][0]
        for term, per_field in zip(run["terms"], run["postings"]):
            for f, flat in enumerate(per_field):
                ref = 0
                for i in range(0, len(flat), 2):
                    ref += flat[i]
                    entries[f][ref].append((len(terms), flat[i + 1]))
            terms.append(term)
    vectors = []
    for per_doc in entries:
        field_vectors = []
        for pairs in per_doc:
            flat, previous = [], 0
            for number, weight in sorted(pairs):
                flat += [number - previous, weight]
                previous = number
            field_vectors.append(flat)
        vectors.append(field_vectors)
    compact = {"format": FORMAT, "version": manifest["version"], "pipeline": manifest["pipeline"], "fields": fields,
               "scale": manifest["scale"], "terms": terms, "vectors": vectors}
    shown = [row for n in range(-(-count // manifest["docShard"])) for row in values[f"docs/{n}"]]
    abstracts = [text for n in range(-(-count // manifest["textShard"])) for text in values[f"text/{n}"]]
    rows = [[slug, title, date, manifest["year"][ref], manifest["topic"][ref], manifest["code"][ref], byline]
            for ref, (slug, title, date, byline) in enumerate(shown)]
    return compact, {"docs": rows, "abstracts": abstracts, "topics": manifest["topics"], "manifest": manifest,
                     "words": values["words"]}
