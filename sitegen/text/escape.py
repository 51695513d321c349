"""Make untrusted text inert in Markdown and HTML: it is shown literally, never parsed as syntax.

Every ASCII character that any Markdown flavour or extension could read as syntax (`*_[]()<>&#|{}:$~^=+-`…)
becomes a numeric character reference. A reference is text to Python-Markdown and to CommonMark, inside
raw HTML blocks and inline alike, so titles and abstracts can never become markup, links, attributes,
snippet includes (`--8<--`) or attribute lists (`{: onclick=…}`).
"""

from __future__ import annotations

import html
import re

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


# In finished HTML, text and quoted attributes need a reference only for these; scripts, styles and
# comments do not decode references, so they are left as they are.
_KEPT = frozenset("<>&\"'")
_READABLE = {f"&#{code};": chr(code) for code in _TABLE if chr(code) not in _KEPT}
_REFERENCE = re.compile(r"&#(?:3[3-9]|[4-9][0-9]|1[01][0-9]|12[0-6]);")
_NOT_DECODED = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->)", re.DOTALL | re.IGNORECASE)


def readable_html(html_text: str) -> str:
    """Return finished HTML with the references text() made for Markdown's sake written as characters again.

    Once MkDocs has rendered a page, `&#45;` and `-` are the same text to a browser; only `<`, `>`, `&` and
    quotes can still change what HTML means, so their references stay, and so does everything inside
    scripts, styles and comments, where references are not decoded.
    """
    if "&#" not in html_text:
        return html_text
    parts = _NOT_DECODED.split(html_text)
    for i in range(0, len(parts), 2):  # even parts are ordinary markup and text
        parts[i] = _REFERENCE.sub(lambda m: _READABLE.get(m[0], m[0]), parts[i])
    return "".join(parts)


def attr(value: str) -> str:
    """Return value for a double-quoted HTML attribute (only for values the tool has validated)."""
    return html.escape(_CONTROLS.sub(" ", value), quote=True)
