"""The annotate stage: every paper's annotations, then each one's related papers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from slugify import slugify

from sitegen.annotate.latex import clean, plain
from sitegen.annotate.links import arxiv_id, paper_links
from sitegen.annotate.related import related as related_papers
from sitegen.annotate.taxonomy import Taxonomy
from sitegen.model import Annotated, Note, Paper, Tag, TagMatch, TagSource


def annotate(papers: tuple[Paper, ...], taxonomy: Taxonomy,
             notes: Mapping[str, Note] | None = None) -> tuple[Annotated, ...]:
    """Derive every paper's annotations, then each one's related papers; the papers are left as read."""
    notes = notes or {}
    annotated = tuple(annotate_one(paper, taxonomy, notes.get(paper.slug)) for paper in papers)
    similar = related_papers([(a.slug, a.display_title, a.display_abstract) for a in annotated])
    return tuple(replace(a, related=similar[a.slug]) for a in annotated)


def annotate_one(paper: Paper, taxonomy: Taxonomy, note: Note | None = None) -> Annotated:
    """Annotate one paper (a pure function of the paper, the taxonomy and its curator's note)."""
    title, abstract = clean(paper.title), clean(paper.abstract)
    tags = taxonomy.tag(f"{plain(title)}\n{plain(abstract)}")
    return Annotated(
        paper=paper,
        display_title=title,
        display_abstract=abstract,
        tags=with_note_tags(tags, note, taxonomy) if note else tags,
        links=paper_links(paper),
        arxiv_id=paper.facts.arxiv_id or arxiv_id(paper.abstract),
        note=note,
    )


def with_note_tags(tags: tuple[TagMatch, ...], note: Note, taxonomy: Taxonomy) -> tuple[TagMatch, ...]:
    """Apply a note's tags: drop the automatic topics it removes, add the ones it names (taxonomy's first)."""
    known: dict[str, Tag] = {}
    for tag in taxonomy.tags:
        known.setdefault(tag.slug, tag)
        known.setdefault(slugify(tag.name), tag)
    removed = set(note.removed)
    kept = [m for m in tags if m.tag.slug not in removed and slugify(m.tag.name) not in removed]
    present = {m.tag for m in kept}
    for named in note.tags:
        tag = known.get(named.slug, named)
        if tag not in present:
            kept.append(TagMatch(tag, TagSource.CURATOR))
            present.add(tag)
    order = {tag: n for n, tag in enumerate(taxonomy.tags)}
    return tuple(sorted(kept, key=lambda m: order.get(m.tag, len(order))))  # stable: new topics in note order
