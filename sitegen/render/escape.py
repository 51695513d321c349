"""Make untrusted text inert in Markdown and HTML: it is shown literally, never parsed as syntax.

Every ASCII character that any Markdown flavour or extension could read as syntax (`*_[]()<>&#|{}:$~^=+-`…)
becomes a numeric character reference. A reference is text to Python-Markdown and to CommonMark, inside
raw HTML blocks and inline alike, so titles and abstracts can never become markup, links, attributes,
snippet includes (`--8<--`) or attribute lists (`{: onclick=…}`).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

# Letters, digits, whitespace and these few stay as they are; all other ASCII punctuation is referenced.
_PLAIN = set(" ,;?/")
_TABLE = {
    code: f"&#{code};"
    for code in range(0x21, 0x7F)
    if not chr(code).isalnum() and chr(code) not in _PLAIN
}
# Line breaks and controls would end a block or a table cell, leading spaces start code blocks: runs of
# them show as one space in HTML anyway, so they become one space. So do C1 controls and U+FFFE/U+FFFF:
# they print nothing, and YAML, which carries page titles, does not allow them.
_CONTROLS = re.compile(r"[ \t\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]+")


def text(value: str) -> str:
    """Return value as inert text for Markdown or HTML content."""
    return inline(value).strip(" ")


def inline(value: str) -> str:
    """Return value as inert text for the middle of a line of HTML: like text(), keeping its outer spaces."""
    return _CONTROLS.sub(" ", value).translate(_TABLE)


def attr(value: str) -> str:
    """Return value for a double-quoted HTML attribute (only for values the tool has validated)."""
    return html.escape(_CONTROLS.sub(" ", value), quote=True)


_MD = MarkdownIt("commonmark")


def is_inert(markdown: str) -> bool:
    """Tell whether markdown parses to plain text only (one paragraph of text tokens), per CommonMark."""
    tokens = _MD.parse(markdown)
    if not tokens:
        return True
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return False
    return all(child.type in ("text", "softbreak") for child in tokens[1].children or [])
