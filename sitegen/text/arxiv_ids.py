"""arXiv identifiers, as sources write them: `2305.11627`, `2305.11627v3`, `arXiv:2305.11627`, an abs or pdf
URL, or an old-style `hep-th/9901001`. One normal form: the id without its version."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(v\d{1,3})?(?:\.pdf)?$")


def parse_arxiv_id(value: object) -> tuple[str, str | None] | None:
    """Return (id, version or None) when value is an arXiv id in one of its written forms, else None."""
    if not isinstance(value, str):
        return None
    match = _ID.match(_PREFIX.sub("", value.strip()))
    return (match[1], match[2]) if match else None


def arxiv_id(value: object) -> str | None:
    """Return the versionless id of value, or None when it is not an arXiv id."""
    parsed = parse_arxiv_id(value)
    return parsed[0] if parsed else None
