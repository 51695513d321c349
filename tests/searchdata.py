"""Readers of the search data sitegen writes: the inverses the tests check it against."""

from __future__ import annotations

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
