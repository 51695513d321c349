"""A paper page's head: its own meta description, Highwire Press `citation_*` tags, Open Graph and JSON-LD.

What reads them: Google Scholar (the Highwire tags its inclusion guidelines list), Zotero's "Embedded Metadata"
translator (the same tags, plus `DC.type` for the item type; Open Graph is read too, which is why there is no
`og:site_name`: Zotero would take the site's name for the journal's), link previews (Open Graph, `twitter:card`)
and search engines (the description, JSON-LD). Only what the sources state goes in, and no tag is empty.

Every value from the paper is untrusted: attribute values go through escape.attr(); the JSON-LD is written with
`<`, `>` and `&` as `\\u003c` … so that no title can end its script. URLs are built from a checked arXiv id, or
are a clean https URL as the source wrote it. `og:url` needs the page's absolute address, which only MkDocs
knows (from `site_url`): the theme's partial writes it (partials/sitegen-head.html).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sitegen.model import Annotated, PartialDate
from sitegen.text import escape
from sitegen.text.arxiv_ids import arxiv_id as parse_arxiv_id
from sitegen.text.latex import plain
from sitegen.text.links import clean_url

DESCRIPTION_LENGTH = 160
"""At most this many characters in a page's meta description (what search results show of it)."""
AUTHORS_IN_HEAD = 100
"""Authors named in the head (`citation_author`, JSON-LD); a paper with thousands would make every page heavy."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
"""Where one sentence ends and the next begins (a guess good enough for a summary of a summary)."""
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters YAML (the front matter carrying the head) does not allow, and that print nothing anyway."""
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@dataclass(frozen=True, slots=True)
class Head:
    """One paper page's head, ready for its front matter."""

    description: str
    """The meta description, escaped for an attribute (the theme writes it as it is)."""
    html: str
    """The other tags, finished and escaped: Highwire, Open Graph, twitter:card, JSON-LD."""


def paper_head(a: Annotated) -> Head:
    """Return the head of a paper's page."""
    summary = description(a)
    tags = [*_highwire(a), *_open_graph(a, summary), _json_ld(a)]
    return Head(escape.attr(summary), "\n".join(tag for tag in tags if tag))


def description(a: Annotated) -> str:
    """Return the paper's own words in at most DESCRIPTION_LENGTH characters: the abstract's first sentences,
    else Hugging Face's AI summary, else the title (so that every page's description is its own)."""
    text = _clean(plain(a.display_abstract)) or _clean(a.paper.facts.ai_summary) or _title(a)
    return _shorten(text, DESCRIPTION_LENGTH)


def _shorten(text: str, limit: int) -> str:
    """Return whole sentences of text up to limit characters; a longer first sentence is cut at a word."""
    sentences = _SENTENCE_END.split(text)
    out = sentences[0]
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > limit:
            break
        out += " " + sentence
    if len(out) <= limit:
        return out
    cut = out[:limit - 1]
    cut = cut[:cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:") + "…"


def _highwire(a: Annotated) -> list[str]:
    """The `citation_*` tags as Google Scholar's inclusion guidelines name them (and Zotero reads them)."""
    p, arxiv = a.paper, _arxiv_id(a)
    tags = [_meta("name", "citation_title", _title(a))]
    tags += [_meta("name", "citation_author", name) for name in _authors(a)]
    if p.published and p.published.year:
        tags.append(_meta("name", "citation_publication_date", _scholar_date(p.published)))
    tags.append(_meta("name", "citation_abstract", _clean(plain(a.display_abstract))))
    if arxiv:
        tags += [
            _meta("name", "citation_arxiv_id", arxiv),
            _meta("name", "citation_pdf_url", f"https://arxiv.org/pdf/{arxiv}"),
            _meta("name", "citation_abstract_html_url", f"https://arxiv.org/abs/{arxiv}"),
            # arXiv registers a DataCite DOI of this form for every paper; Zotero keeps a DOI (not an arXiv id).
            _meta("name", "citation_doi", f"10.48550/arXiv.{arxiv}"),
            # An arXiv e-print is a preprint: without this Zotero guesses "journal article" from citation_title.
            _meta("name", "DC.type", "preprint"),
        ]
    return tags


def _open_graph(a: Annotated, summary: str) -> list[str]:
    image = _thumbnail(a)
    return [
        _meta("property", "og:type", "article"),
        _meta("property", "og:title", _title(a)),
        _meta("property", "og:description", summary),
        _meta("property", "og:image", image) if image else "",
        _meta("name", "twitter:card", "summary_large_image" if image else "summary"),
    ]


def _json_ld(a: Annotated) -> str:
    """A schema.org ScholarlyArticle, as a script that no text in it can end early."""
    p, arxiv = a.paper, _arxiv_id(a)
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "ScholarlyArticle", "name": _title(a)}
    authors = [{"@type": "Person", "name": name} for name in _authors(a)]
    if authors:
        data["author"] = authors
    if p.published and p.published.year:
        data["datePublished"] = f"{p.published.year:04d}-{p.published.month:02d}-{p.published.day:02d}"
    abstract = _clean(plain(a.display_abstract))
    if abstract:
        data["abstract"] = abstract
    keywords = [_clean(m.tag.name) for m in a.tags if _clean(m.tag.name)]
    if keywords:
        data["keywords"] = keywords
    if arxiv:
        data["sameAs"] = f"https://arxiv.org/abs/{arxiv}"
    image = _thumbnail(a)
    if image:
        data["image"] = image
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).translate(_JSON_IN_HTML)
    return f'<script type="application/ld+json">{text}</script>'


def _meta(attribute: str, key: str, value: str) -> str:
    """Return one meta tag, or "" when value is empty (no tag says nothing)."""
    if not value:
        return ""
    return f'<meta {attribute}="{key}" content="{escape.attr(value)}">'


def _title(a: Annotated) -> str:
    return _clean(plain(a.display_title))


def _authors(a: Annotated) -> list[str]:
    """The names the sources state; a paste's "3 authors" names nobody."""
    names = (_clean(name) for name in a.paper.facts.authors[:AUTHORS_IN_HEAD])
    return [name for name in names if name]


def _arxiv_id(a: Annotated) -> str | None:
    """The paper's arXiv id when it is one (it becomes part of URLs)."""
    return a.arxiv_id if a.arxiv_id and parse_arxiv_id(a.arxiv_id) == a.arxiv_id else None


def _thumbnail(a: Annotated) -> str | None:
    """Hugging Face's image for the paper, when it is a clean https URL exactly as written."""
    url = a.paper.facts.thumbnail
    if not url or clean_url(url) != url or not url.lower().startswith("https://"):
        return None
    return url


def _scholar_date(day: PartialDate) -> str:
    """Return a date as Google Scholar asks for it: 2023/05/19."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _clean(text: str) -> str:
    """Return text on one line: runs of whitespace as one space, unprintable characters left out."""
    return " ".join(_UNPRINTABLE.sub("", text).split())
