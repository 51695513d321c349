"""Stable, URL-safe page names derived from a paper's title alone.

The slug depends on nothing but the title, so adding papers never changes another paper's URL. Titles
that slug alike (differing only in case, accents or punctuation) are the same paper: merge groups titles
by their full slug, merge_key(). Long slugs are cut at a word boundary and get a hash of that key, so two
long titles with a common start stay apart; so do titles with no slug-able character (`paper-<hash>`).

Every hashed slug ends in `-` and eight hex digits, and no other slug does: a title that would slug to that
shape by itself ("Paper f6ec37bb", "Model 20240101") is hashed too, so no pasted title can take another
paper's page. Two papers then share a page only if their keys share a 32-bit hash and a start.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from slugify import slugify

MAX_LENGTH = 80
_REPLACEMENTS = [["+", " plus "], ["&", " and "], ["@", " at "]]
_HASHED = re.compile(r"-[0-9a-f]{8}$")


def title_key(title: str) -> str:
    """Normalise a title for comparison: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def slug_for(title: str) -> str:
    """Return the page name for a title (ASCII, transliterated, at most about 90 characters)."""
    key = merge_key(title)
    if key.startswith("~"):
        return f"paper-{_digest(key)}"
    if len(key) <= MAX_LENGTH and not _HASHED.search(key):
        return key
    # The hash is of the merge key, so every title merged into this paper gets the same slug.
    cut = slugify(title, replacements=_REPLACEMENTS, max_length=MAX_LENGTH, word_boundary=True)
    return f"{cut}-{_digest(key)}"


def merge_key(title: str) -> str:
    """Return the key under which listings' entries are the same paper."""
    full = slugify(title, replacements=_REPLACEMENTS, lowercase=True)
    return full or f"~{title_key(title)}"
