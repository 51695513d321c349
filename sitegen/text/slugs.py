"""Which entries are one paper (merge_key), and stable, URL-safe page names (slug_for, page_name).

Two titles are the same paper when they are the same once case, spacing, punctuation and LaTeX residue are
set aside: merge_key(). Nothing else is set aside: `Model α` and `Model a`, or `大语言模型综述` and
`大预言模型综述`, are different papers even though their page names transliterate alike.

A paper's page name depends on its title alone, so adding papers never changes another paper's URL. Long
slugs are cut at a word boundary and get a hash, so two long titles with a common start stay apart; so do
titles with no slug-able character (`paper-<hash>`). When two different papers' titles still give one page
name, ingest/grouping.py gives every one but the first its name with a hash of its own key (disambiguated()).

Every hashed slug ends in `-` and eight hex digits, and no other slug does: a title that would slug to that
shape by itself ("Paper f6ec37bb", "Model 20240101") is hashed too, so no pasted title can take another
paper's page.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from slugify import slugify

from sitegen.text.latex import clean

MAX_LENGTH = 80
_REPLACEMENTS = [["+", " plus "], ["&", " and "], ["@", " at "]]
_HASHED = re.compile(r"-[0-9a-f]{8}$")
_SET_ASIDE = ("P", "Z", "Cc", "Cf")
"""Unicode categories merge_key() drops: punctuation, spaces, controls and invisible format characters."""


def title_key(title: str) -> str:
    """Normalise a title for comparison: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


_ASCII_SET_ASIDE = {n: None for n in range(128) if unicodedata.category(chr(n)).startswith(_SET_ASIDE)}
"""The ASCII characters merge_key() drops, for str.translate (most titles are ASCII: a tenth of the time)."""


def merge_key(title: str) -> str:
    """Return the key under which entries are the same paper: the title without case, spacing, punctuation."""
    folded = unicodedata.normalize("NFKC", clean(title)).casefold()
    if folded.isascii():
        key = folded.translate(_ASCII_SET_ASIDE)
    else:
        key = "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_SET_ASIDE))
    return key or title_key(title)  # a title of punctuation only ("???") is its own key


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _slug_key(title: str) -> str:
    full = slugify(title, replacements=_REPLACEMENTS, lowercase=True)
    return full or f"~{title_key(title)}"


def slug_for(title: str) -> str:
    """Return the page name for a title (ASCII, transliterated, at most about 90 characters)."""
    key = _slug_key(title)
    if key.startswith("~"):
        return f"paper-{_digest(key)}"
    if len(key) <= MAX_LENGTH and not _HASHED.search(key):
        return key
    # The hash is of the whole slug, so titles that differ only after the cut still get different names.
    return f"{_cut(title)}-{_digest(key)}"


def disambiguated(slug: str, key: str, attempt: int = 0) -> str:
    """Return the page name of a paper whose title gives another paper's slug: that slug, its own key's hash."""
    base = _HASHED.sub("", slug) or "paper"
    return f"{base}-{_digest('~' + key + (f'#{attempt}' if attempt else ''))}"


def _cut(title: str) -> str:
    return slugify(title, replacements=_REPLACEMENTS, max_length=MAX_LENGTH, word_boundary=True)


def page_name(text: str, fallback: str = "unnamed") -> str:
    """Return a file-safe page name for a topic or listing name: its slug, shortened with a hash when long."""
    full = slugify(text, replacements=_REPLACEMENTS, lowercase=True)
    if not full:
        return fallback
    if len(full) <= MAX_LENGTH:
        return full
    return f"{slugify(text, replacements=_REPLACEMENTS, max_length=MAX_LENGTH, word_boundary=True)}-{_digest(full)}"
