"""BibTeX entries built from what the archive knows of a paper, and nothing it does not.

A listing gives a title, maybe a date and maybe an arXiv id in the abstract; it never names the authors,
so there is no author field. Titles are untrusted: every character TeX or BibTeX treats specially is
written as a command that prints it, so a title can neither unbalance an entry nor run TeX code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sitegen.model import MONTHS, Annotated
from sitegen.text.latex import plain

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
    facts = a.paper.facts
    if facts.authors:
        fields.append(("author", "{" + author_field(facts.authors) + "}"))
    published = a.paper.published
    if published and published.year:
        fields.append(("year", "{" + str(published.year) + "}"))
        fields.append(("month", MONTHS[published.month - 1].lower()))  # BibTeX's month macros
    if a.arxiv_id:
        fields += [("eprint", "{" + escape(a.arxiv_id) + "}"), ("archiveprefix", "{arXiv}")]
        if facts.categories:
            fields.append(("primaryclass", "{" + escape(facts.categories[0]) + "}"))
    if facts.doi:
        fields.append(("doi", "{" + escape(facts.doi) + "}"))
    if a.arxiv_id:
        fields.append(("url", "{https://arxiv.org/abs/" + escape(a.arxiv_id) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{cite_key(a)},\n{body}\n}}\n"


AUTHORS_CITED = 100
"""Authors an entry names; a longer list ends with `and others`, as BibTeX styles expect."""
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "la", "le", "du", "dos", "das", "ten",
              "ter", "al", "el", "bin", "ibn"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def author_field(names: Iterable[str]) -> str:
    """Return names as BibTeX's author list: `Last, First and …`, each name escaped and unsplittable."""
    listed = [name for name in names if name.strip()]
    shown = [_author(name) for name in listed[:AUTHORS_CITED]]
    return " and ".join(shown + (["others"] if len(listed) > AUTHORS_CITED else []))


def _author(name: str) -> str:
    words = " ".join(_CONTROLS.sub(" ", name).split()).split(" ")
    if "," in name or len(words) == 1 or any(w.lower() == "and" for w in words):
        return "{" + _specials(" ".join(words)) + "}"  # as written: one unit BibTeX does not take apart
    suffix = words.pop() if words[-1].lower() in _SUFFIXES and len(words) > 2 else ""
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    last, first = " ".join(words[cut:]), " ".join(words[:cut])
    parts = [_specials(last)] + ([_specials(suffix)] if suffix else []) + [_specials(first)]
    return ", ".join(parts)


def bib_file(entries: Iterable[str]) -> str:
    """Return a .bib file of entries (from entry()), in the order given."""
    return "\n".join(entries)
