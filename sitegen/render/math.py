"""Turn `$…$` math into MathML at build time (it renders offline), keeping only known MathML.

latex2mathml can emit attributes from its input (`\\color{…}` -> mathcolor, `\\href`); the output is
re-built from an allow-list of elements and attributes, and anything else makes the math stay literal text.
Abstracts (render/pages.py) and curators' notes (note_math(), the math of their prose) get the same MathML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from latex2mathml.converter import convert

from sitegen.text import escape
from sitegen.text.note_math import math_spans

_ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mtext",
    "mspace", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
    "semantics", "annotation", "menclose",
}
_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "movablelimits", "columnalign", "rowspacing", "columnspacing", "minsize", "maxsize",
    "width", "height", "depth", "displaystyle", "scriptlevel", "linethickness", "notation", "form",
    "symmetric", "largeop", "encoding",
}
_VALUE = re.compile(r"^[A-Za-z0-9 .#%:/_-]{0,64}$")
_XMLNS = "http://www.w3.org/1998/Math/MathML"


class _Rebuild(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, close="")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, close="/")

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if tag not in _ELEMENTS:
            self.ok = False
            return
        kept = []
        for name, given in attrs:
            value = given or ""
            if name not in _ATTRIBUTES or not _VALUE.match(value) or (name == "xmlns" and value != _XMLNS):
                self.ok = False
                return
            kept.append(f' {name}="{escape.attr(value)}"')
        self.out.append(f"<{tag}{''.join(kept)}{close}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _ELEMENTS:
            self.ok = False
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape.text(data))

    def handle_comment(self, data: str) -> None:
        self.ok = False

    def handle_pi(self, data: str) -> None:
        self.ok = False

    def handle_decl(self, decl: str) -> None:
        self.ok = False

    def unknown_decl(self, data: str) -> None:
        self.ok = False


def to_mathml(source: str) -> str | None:
    """Convert `$…$` source to sanitised inline MathML; None when it cannot be shown safely."""
    latex = source[1:-1]
    try:
        mathml = convert(latex)
    except Exception:  # latex2mathml raises many kinds on bad input; the math then stays literal text
        return None
    parser = _Rebuild()
    parser.feed(mathml)
    parser.close()
    if not parser.ok:
        return None
    return "".join(parser.out)


def note_math(markdown: str) -> str:
    """Return a note's Markdown with the `$…$` math of its prose as sanitised MathML (literal text if unsafe).

    Code, HTML and addresses keep their dollars (text/note_math.py). Each MathML stands in a <span>: Python-Markdown
    takes a line that starts with <math>, a block-level element to it, for an HTML block that ends its paragraph.
    """
    out, last = [], 0
    for start, end in math_spans(markdown):
        source = markdown[start:end]
        mathml = to_mathml(source)
        out += [markdown[last:start], f'<span class="sg-math">{mathml}</span>' if mathml else escape.inline(source)]
        last = end
    out.append(markdown[last:])
    return "".join(out)
