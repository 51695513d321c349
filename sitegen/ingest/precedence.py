"""Which source a paper's field is taken from: one table.

A field is taken from the first source kind in its row that states it; within one kind, the newest capture
first (metadata files, which have no capture date, after every listing). A paste's abstract is the longest of
the newest pastes, since a paste can cut an abstract short. Upvotes are not in the table: they are the newest
capture's, whatever the source. The page name never comes from here: it is the first sighting's (grouping.py).

| field                      | taken from                |
|----------------------------|---------------------------|
| title                      | arXiv, Hugging Face, paste |
| abstract                   | arXiv, Hugging Face, paste |
| authors                    | arXiv, Hugging Face       |
| author count               | arXiv, Hugging Face, paste |
| publication date           | arXiv, Hugging Face, paste |
| categories, comment, journal reference, DOI, version, updated, affiliations | arXiv |
| repository and its stars, project page, AI summary and keywords, organization | Hugging Face |
| comment count, thumbnail, the Hub repositories citing the paper (hub_repos) | Hugging Face |
| withdrawn                  | Hugging Face (it dates it), arXiv |
| upvotes                    | the newest capture        |
"""

from __future__ import annotations

from sitegen.model import SourceKind

ARXIV, HF, PASTE = SourceKind.ARXIV, SourceKind.HF, SourceKind.PASTE

ENTRY_FIELDS: dict[str, tuple[SourceKind, ...]] = {
    "title": (ARXIV, HF, PASTE),
    "abstract": (ARXIV, HF, PASTE),
    "author_count": (ARXIV, HF, PASTE),
    "published": (ARXIV, HF, PASTE),
}
"""Fields of Entry and Paper."""

FACT_FIELDS: dict[str, tuple[SourceKind, ...]] = {
    "authors": (ARXIV, HF),
    "categories": (ARXIV,),
    "comment": (ARXIV,),
    "journal_ref": (ARXIV,),
    "doi": (ARXIV,),
    "version": (ARXIV,),
    "repository": (HF,),
    "repository_stars": (HF,),
    "project_page": (HF,),
    "ai_summary": (HF,),
    "ai_keywords": (HF,),
    "organization": (HF,),
    "updated": (ARXIV,),
    "affiliations": (ARXIV,),
    "comments": (HF,),
    "thumbnail": (HF,),
    "hub_repos": (HF,),
    "withdrawn": (HF, ARXIV),
}
"""Fields of Facts (the arXiv id is what the paper is grouped by)."""
