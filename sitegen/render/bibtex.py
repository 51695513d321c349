"""BibTeX entries built from what the archive knows of a paper, and nothing it does not.

A listing gives a title, maybe a date and maybe an arXiv id in the abstract; it never names the authors,
so there is no author field. Titles are untrusted: every character TeX or BibTeX treats specially is
written as a command that prints it, so a title can neither unbalance an entry nor run TeX code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sitegen.annotate.latex import plain
from sitegen.model import MONTHS, Annotated

# Braces are written as commands, not `\{`: BibTeX counts `\{` as an opening brace when matching.
_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
# XML-invalid controls and the line breaks that would end a field's line.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def escape(value: str) -> str:
    """Return value as inert BibTeX/TeX text (balanced braces, no commands of its own)."""
    return _specials(" ".join(_CONTROLS.sub(" ", value).split()))


def title_field(title: str) -> str:
    """Return a title for BibTeX: escaped, words with inner capitals braced so styles keep their case."""
    words = []
    for word in " ".join(_CONTROLS.sub(" ", title).split()).split(" "):
        shown = _specials(word)
        words.append(f"{{{shown}}}" if word[1:] != word[1:].lower() else shown)
    return " ".join(words)


def _specials(value: str) -> str:
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m[0]], value)


def cite_key(a: Annotated) -> str:
    """Return the paper's citation key: its page name, unique in the archive and stable."""
    return a.slug


def entry(a: Annotated) -> str:
    """Return one paper's BibTeX entry."""
    fields = [("title", "{" + title_field(plain(a.display_title)) + "}")]
    published = a.paper.published
    if published and published.year:
        fields.append(("year", "{" + str(published.year) + "}"))
        fields.append(("month", MONTHS[published.month - 1].lower()))  # BibTeX's month macros
    if a.arxiv_id:
        fields += [("eprint", "{" + escape(a.arxiv_id) + "}"), ("archiveprefix", "{arXiv}"),
                   ("url", "{https://arxiv.org/abs/" + escape(a.arxiv_id) + "}")]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{cite_key(a)},\n{body}\n}}\n"


def bib_file(entries: Iterable[str]) -> str:
    """Return a .bib file of entries (from entry()), in the order given."""
    return "\n".join(entries)
