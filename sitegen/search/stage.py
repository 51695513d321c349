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

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen import __version__, fs
from sitegen.model import Tag
from sitegen.search.documents import SearchDoc
from sitegen.search.lunr_index import compact_index, doc_words
from sitegen.search.page import search_page
from sitegen.search.scripts import SCRIPT_FORMAT, data_script, lunr_js
from sitegen.search.shards import pieces

ASSETS = "assets/search"
PIECES = ("terms", "docs", "text")
"""The folders of numbered data files, replaced as a whole set by each build."""
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


def search_index(docs: list[SearchDoc], topics: tuple[Tag, ...], cache: Path | None = None,
                 feeds: tuple[dict[str, object], ...] = ()) -> SearchFiles:
    """Return lunr.js and the search data (shards.py) as files under ASSETS; feeds are the saved searches
    the search page offers as feeds when a search matches one.

    These are static files MkDocs need not see, so the build makes them on the second core while MkDocs
    runs. With a cache folder, an unchanged archive reuses the last index (keyed by a hash of its input).
    """
    lunr = lunr_js()
    key = hashlib.sha256(repr((__version__, SCRIPT_FORMAT, docs, topics, feeds)).encode() + lunr.encode()).hexdigest()
    cached = cache / "search-index.json" if cache else None
    if cached and cached.is_file():
        stored = json.loads(cached.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return SearchFiles(files=stored["files"])
    words = doc_words(docs)
    made = pieces(compact_index(docs, words), docs, [[tag.slug, tag.name] for tag in topics], list(feeds), words)
    files = {f"{ASSETS}/lunr.js": lunr}
    files.update({f"{ASSETS}/{name}.js": data_script(name, value) for name, value in made.values.items()})
    if cached:
        fs.write_text(cached, json.dumps({"key": key, "files": files}, sort_keys=True))
    return SearchFiles(files=files)


def write_assets(files: Mapping[str, str], site: Path, staging: bool = False) -> None:
    """Put the search files into a built site, replacing any from an earlier build: each file atomically, and
    the numbered files (PIECES) no longer needed only after, so that a site being served never misses one.
    staging: site is a staging folder, swapped in whole once done (its files are written in place)."""
    for rel, text in files.items():
        if staging:
            fs.write_new(site / rel, text)
        else:
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
