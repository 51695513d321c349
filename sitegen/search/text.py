"""Plain text for the search index: one normalisation that the browser repeats, and notes as plain text.

The index and the search page must cut text into the same words. lunr.py and lunr.js trim and split
differently (Unicode-aware `\\W` in Python, ASCII `\\W` in JavaScript), so every field is normalised first:
NFC, lower case, and every run of characters other than letters, digits and `_` becomes one space.
search.js does the same to a query (`[^\\p{L}\\p{N}_]+`, which is exactly Python's `\\W` for str).
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

_NOT_WORD = re.compile(r"\W+")
_MARKDOWN = MarkdownIt("commonmark")
# Inline tokens whose content is text a reader sees; images show their alt text.
_INLINE_TEXT = {"text", "code_inline", "image"}
_BLOCK_TEXT = {"code_block", "fence"}


def index_text(value: str) -> str:
    """Return value as the index reads it: words separated by single spaces."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", value).lower()).strip()


def notes_to_text(markdown: str) -> str:
    """Return a curator's Markdown note as plain text: what a reader sees, without markup or URLs."""
    blocks: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in _INLINE_TEXT:
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            blocks.append("".join(parts))
        elif token.type in _BLOCK_TEXT:
            blocks.append(token.content.rstrip("\n"))
    return "\n".join(block for block in blocks if block.strip())
