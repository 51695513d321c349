"""The index stage: from the annotated papers to the files the search needs in the docs folder.

    search.md                       the search page (search.html)
    assets/search/lunr.js           lunr.js 2.3.9, copied from the installed MkDocs
    assets/search/index.js          the lunr index, compact (lunr_index.py)
    assets/search/docs.js           what a result shows, except abstracts; the topic list
    assets/search/text/N.js         abstracts for snippets, TEXT_SHARD papers per file, loaded per result

search.js and search.css come with the theme (sitegen/theme/assets/search/). A first search loads
lunr.js, index.js and docs.js, then the text files of the results it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.model import Annotated, Tag
from sitegen.search.documents import SearchDoc, documents
from sitegen.search.lunr_index import build_lunr, encode
from sitegen.search.page import PAGE, search_page
from sitegen.search.scripts import data_script, lunr_js

ASSETS = "assets/search"
TEXT_SHARD = 16
"""Abstracts per text file: a result list of 20 loads at most 20 small files, never all abstracts."""
FIRST_SEARCH = ("search.js", "lunr.js", "index.js", "docs.js")
"""What a first search downloads before it shows results (search.js comes with the page)."""


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """The index stage's output: files for the docs folder, by path."""

    files: dict[str, str]
    documents: int
    terms: int


def index_site(annotated: tuple[Annotated, ...], topics: tuple[Tag, ...],
               notes: Mapping[str, str] | None = None) -> SearchFiles:
    """Build the search index and page; notes maps a paper's slug to its curator's notes as plain text."""
    docs = documents(annotated, topics, notes or {})
    compact = encode(build_lunr(docs), len(docs))
    files = {
        PAGE: search_page(topics, sorted({d.year for d in docs if d.year}, reverse=True)),
        f"{ASSETS}/lunr.js": lunr_js(),
        f"{ASSETS}/index.js": data_script("index", compact),
        f"{ASSETS}/docs.js": data_script("docs", _docs_data(docs, topics)),
    }
    for start in range(0, len(docs), TEXT_SHARD):
        shard = start // TEXT_SHARD
        files[f"{ASSETS}/text/{shard}.js"] = data_script(
            f"text/{shard}", [d.abstract for d in docs[start:start + TEXT_SHARD]])
    return SearchFiles(files=files, documents=len(docs), terms=len(compact["terms"]))


def _docs_data(docs: list[SearchDoc], topics: tuple[Tag, ...]) -> dict[str, object]:
    return {
        "fields": ["slug", "title", "date", "year", "topics", "code"],
        "docs": [[d.slug, d.title, d.date, d.year, list(d.topics), int(d.has_code)] for d in docs],
        "shard": TEXT_SHARD,
        "topics": [[tag.slug, tag.name] for tag in topics],
    }


def first_search_files(site_dir: Path) -> list[Path]:
    """Return the files a first search downloads before showing results (for the size benchmark)."""
    return [site_dir / ASSETS / name for name in FIRST_SEARCH]


def text_files(site_dir: Path) -> list[Path]:
    """Return the abstract files a search loads per shown result (TEXT_SHARD papers each)."""
    return sorted((site_dir / ASSETS / "text").glob("*.js"), key=lambda p: int(p.stem))
