"""Annotate: cleaned text, topic tags, links and arXiv ids for each paper; one small module per annotation."""

from __future__ import annotations

from sitegen.annotate.latex import clean, plain
from sitegen.annotate.links import arxiv_id, extract_links
from sitegen.annotate.taxonomy import Taxonomy
from sitegen.model import Annotated, Paper


def annotate(papers: tuple[Paper, ...], taxonomy: Taxonomy) -> tuple[Annotated, ...]:
    """Derive every paper's annotations; the papers themselves are left as read."""
    return tuple(annotate_one(paper, taxonomy) for paper in papers)


def annotate_one(paper: Paper, taxonomy: Taxonomy) -> Annotated:
    """Annotate one paper (a pure function of the paper and the taxonomy)."""
    title, abstract = clean(paper.title), clean(paper.abstract)
    return Annotated(
        paper=paper,
        title=title,
        abstract=abstract,
        tags=taxonomy.tag(f"{plain(title)}\n{plain(abstract)}"),
        links=extract_links(paper.abstract),
        arxiv_id=arxiv_id(paper.abstract),
    )
