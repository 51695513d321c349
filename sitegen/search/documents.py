"""The papers as the search sees them: what is indexed and what a result shows, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.memo import Memo
from sitegen.model import Annotated, Tag, pickled_by_fields
from sitegen.search.text import notes_to_text
from sitegen.text.latex import plain


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One paper in the search index and in the result list."""

    slug: str
    """Page name under papers/."""
    title: str
    """Plain title (untrusted text: shown with text nodes only)."""
    date: str
    """Publication date as the paper page shows it, or 'undated'."""
    year: int | None
    """Publication year for the year filter, when known."""
    topics: tuple[int, ...]
    """Positions of the paper's topics in the topic list."""
    has_code: bool
    """Whether the paper links to code."""
    abstract: str
    """Plain abstract (untrusted text), for the index and the result snippet."""
    tags: str
    """Topic names, space-separated, for the index."""
    notes: str
    """The curator's notes as plain text, for the index; empty when there are none."""
    authors: tuple[str, ...] = ()
    """Author names (untrusted text), for the index and the result."""
    working_code: bool = False
    """Whether a code link's newest check found it working (sitegen check-links)."""
    ids: tuple[str, ...] = ()
    """The paper's identifiers a reader may search for: its arXiv id."""
    withdrawn: bool = False
    """Whether a source says the paper was withdrawn (a result marks it)."""


AUTHORS_INDEXED = 50
"""Author names a paper is found by (and a result shows): a collaboration of thousands is found by its first."""


def documents(annotated: tuple[Annotated, ...], topics: tuple[Tag, ...], work: Path | None = None) -> list[SearchDoc]:
    """Return one SearchDoc per paper, newest first; a paper's position is its document ref. work: the work
    folder, where each paper's document is kept for the next build by what it is made from (sitegen/memo.py)."""
    position = {tag: n for n, tag in enumerate(topics)}
    memo: Memo[SearchDoc] = Memo(work, "search-docs")
    docs = []
    for a in sorted(annotated, key=Annotated.newest_first_key):
        tags = [m.tag for m in a.tags if m.tag in position]
        places = tuple(position[tag] for tag in tags)
        if not a.derived_from:  # annotated outside a build's memo (`sitegen serve`'s quick path)
            docs.append(_document(a, tags, places))
            continue
        digest = a.derived_from + repr(places).encode()
        docs.append(memo.get(digest) or memo.put(digest, _document(a, tags, places)))
    memo.save()
    return docs


def _document(a: Annotated, tags: list[Tag], places: tuple[int, ...]) -> SearchDoc:
    """Return a paper's SearchDoc (tags: its topics among the site's, places: their positions)."""
    published = a.paper.published
    return SearchDoc(
        slug=a.slug,
        title=plain(a.display_title),
        date=published.display() if published else "undated",
        year=published.year if published else None,
        topics=places,
        has_code=a.has_code,
        working_code=a.has_working_code,
        abstract=plain(a.display_abstract),
        tags=" ".join(tag.name for tag in tags),
        notes=notes_to_text(a.note.body) if a.note else "",
        authors=a.paper.facts.authors[:AUTHORS_INDEXED],
        ids=tuple(filter(None, [a.paper.facts.arxiv_id or a.arxiv_id])),
        withdrawn=a.paper.facts.withdrawn is not None,
    )
