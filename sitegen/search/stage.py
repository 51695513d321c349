"""The index stage: from the annotated papers to the files the search needs in the docs folder.

    search.md                       the search page (search.html)
    assets/search/lunr.js           lunr.js 2.3.9, copied from the installed MkDocs
    assets/search/index.js          the manifest: fields, the first term of each term file, filters per paper
    assets/search/terms/N.js        the lunr index's postings for a run of terms (shards.py)
    assets/search/docs/N.js         what a result shows, except its abstract: DOC_SHARD papers per file
    assets/search/text/N.js         abstracts for snippets and phrases, TEXT_SHARD papers per file
    assets/search/words.js          the vocabulary with document counts, for typo corrections

search.js (the page), search-engine.js (loading and querying the index) and search.css come with the theme
(sitegen/theme/assets/search/). A first search loads lunr.js and index.js, then the term files its words
fall in, then the result data and abstracts of the results it shows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen import fs
from sitegen.model import Tag
from sitegen.parallel import collector_paused
from sitegen.search.documents import SearchDoc
from sitegen.search.lunr_index import analysed, compact_index
from sitegen.search.page import search_page
from sitegen.search.scripts import data_script, lunr_js
from sitegen.search.shards import pieces

ASSETS = "assets/search"
PIECES = ("terms", "docs", "text")
"""The folders of numbered data files, replaced as a whole set by each build."""
WRITTEN = (*(f"{ASSETS}/{folder}/" for folder in PIECES), f"{ASSETS}/lunr.js", f"{ASSETS}/index.js",
           f"{ASSETS}/words.js")
"""What the index stage writes into a site (a folder, as "path/"): a rebuild carries none of it over."""
RETIRED = ("docs.js",)
"""Data files of earlier versions of the search, removed from a site being updated."""


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """The index stage's output: the search's data files, by path in the site."""

    files: dict[str, str]


def page_for(docs: list[SearchDoc], topics: tuple[Tag, ...], feeds: tuple[dict[str, object], ...] = ()) -> str:
    """Return the search page's Markdown (its filters list the topics and years there are; feeds: the saved
    searches it offers to feed readers)."""
    return search_page(topics, sorted({d.year for d in docs if d.year}, reverse=True), feeds)


def search_index(docs: list[SearchDoc], topics: tuple[Tag, ...], feeds: tuple[dict[str, object], ...] = (),
                 work: Path | None = None) -> SearchFiles:
    """Return lunr.js and the search data (shards.py) as files under ASSETS; feeds are the saved searches
    the search page offers as feeds when a search matches one; work: the work folder, where each document's
    words are kept for the next build (lunr_index.analysed())."""
    words, terms = analysed(docs, work)
    made = pieces(compact_index(docs, words, terms), docs, [[tag.slug, tag.name] for tag in topics], list(feeds),
                  words)
    files = {f"{ASSETS}/lunr.js": lunr_js()}
    files.update({f"{ASSETS}/{name}.js": data_script(name, value) for name, value in made.values.items()})
    return SearchFiles(files=files)


@dataclass(frozen=True, slots=True)
class SearchFolder:
    """The search files of a build, written into the work folder by the index stage for place()."""

    folder: Path
    files: tuple[str, ...]
    """Their paths in the site (and in folder)."""


def index_into(docs: list[SearchDoc], topics: tuple[Tag, ...], work: Path,
               feeds: tuple[dict[str, object], ...] = ()) -> SearchFolder:
    """The index stage of a build: search_index()'s files written into work/search (the build runs it on the
    second core, so the files are written there too), for place() to move into the staged site."""
    with collector_paused():  # it makes millions of objects and no cycle: a collection would only look through them
        files = search_index(docs, topics, feeds, work).files
    folder = work / "search"
    with fs.public_umask():
        fs.discard(folder)
        for rel, text in files.items():
            fs.write_new(folder / rel, text)
    return SearchFolder(folder, tuple(files))


def place(found: SearchFolder, staging: Path) -> None:
    """Move the search files into a staging folder (one swapped in whole once done): each numbered files'
    folder (PIECES) at once, any the staging folder holds replaced."""
    moved: list[str] = []
    with fs.public_umask():
        for name in PIECES:
            source, target = found.folder / ASSETS / name, staging / ASSETS / name
            if source.is_dir():
                fs.discard(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                moved.append(f"{ASSETS}/{name}/")
        for rel in found.files:
            if not rel.startswith(tuple(moved)):
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(found.folder / rel, staging / rel)
    for name in RETIRED:
        fs.discard(staging / ASSETS / name)


def write_assets(files: Mapping[str, str], site: Path) -> None:
    """Put the search files into a site in use, replacing any from an earlier build: each file atomically, and
    the numbered files (PIECES) no longer needed only after, so that a site being served never misses one."""
    for rel, text in files.items():
        fs.write_text(site / rel, text)
    for folder in PIECES:
        shards = site / ASSETS / folder
        for path in sorted(shards.glob("*")) if shards.is_dir() else ():
            if path.relative_to(site).as_posix() not in files:
                fs.discard(path)
    for name in RETIRED:
        fs.discard(site / ASSETS / name)


def first_search_files(site_dir: Path) -> list[Path]:
    """Return the files every first search downloads, whatever it asks (search.js comes with the page)."""
    return [site_dir / ASSETS / name for name in ("search.js", "search-engine.js", "lunr.js", "index.js")]
