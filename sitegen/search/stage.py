"""The index stage: from the annotated papers to the files the search needs in the docs folder.

    search.md                       the search page (search.html)
    assets/search/lunr.js           lunr.js 2.3.9, copied from the installed MkDocs
    assets/search/index.js          the lunr index, compact (lunr_index.py)
    assets/search/docs.js           what a result shows, except abstracts; the topic list
    assets/search/text/N.js         abstracts for snippets, TEXT_SHARD papers per file, loaded per result

search.js (the page), search-engine.js (loading and querying the index) and search.css come with the theme
(sitegen/theme/assets/search/). A first search loads lunr.js, index.js and docs.js, then the text files of
the results it shows.
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
from sitegen.search.lunr_index import compact_index
from sitegen.search.page import search_page
from sitegen.search.scripts import SCRIPT_FORMAT, data_script, lunr_js

ASSETS = "assets/search"
TEXT_SHARD = 16
"""Abstracts per text file: a result list of 20 loads at most 20 small files, never all abstracts."""
FIRST_SEARCH = ("search.js", "search-engine.js", "lunr.js", "index.js", "docs.js")
"""What a first search downloads before it shows results (search.js comes with the page)."""


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """The index stage's output: the search's data files, by path in the site."""

    files: dict[str, str]


def page_for(docs: list[SearchDoc], topics: tuple[Tag, ...]) -> str:
    """Return the search page's Markdown (its filters list the topics and years there are)."""
    return search_page(topics, sorted({d.year for d in docs if d.year}, reverse=True))


def search_index(docs: list[SearchDoc], topics: tuple[Tag, ...], cache: Path | None = None) -> SearchFiles:
    """Return the index, result data, abstracts and lunr.js as files under ASSETS.

    These are static files MkDocs need not see, so the build makes them on the second core while MkDocs
    runs. With a cache folder, an unchanged archive reuses the last index (keyed by a hash of its input).
    """
    lunr = lunr_js()
    key = hashlib.sha256(repr((__version__, SCRIPT_FORMAT, docs, topics)).encode() + lunr.encode()).hexdigest()
    cached = cache / "search-index.json" if cache else None
    if cached and cached.is_file():
        stored = json.loads(cached.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return SearchFiles(files=stored["files"])
    compact = compact_index(docs)
    files = {
        f"{ASSETS}/lunr.js": lunr,
        f"{ASSETS}/index.js": data_script("index", compact),
        f"{ASSETS}/docs.js": data_script("docs", _docs_data(docs, topics)),
    }
    for start in range(0, len(docs), TEXT_SHARD):
        shard = start // TEXT_SHARD
        files[f"{ASSETS}/text/{shard}.js"] = data_script(
            f"text/{shard}", [d.abstract for d in docs[start:start + TEXT_SHARD]])
    if cached:
        fs.write_text(cached, json.dumps({"key": key, "files": files}, sort_keys=True))
    return SearchFiles(files=files)


def write_assets(files: Mapping[str, str], site: Path) -> None:
    """Put the search files into a built site, replacing any from an earlier build: each file atomically, and
    the text files no longer needed only after, so that a site being served never misses one."""
    for rel, text in files.items():
        fs.write_text(site / rel, text)
    shards = site / ASSETS / "text"
    for path in sorted(shards.glob("*")) if shards.is_dir() else ():
        if path.relative_to(site).as_posix() not in files:
            fs.discard(path)


def _docs_data(docs: list[SearchDoc], topics: tuple[Tag, ...]) -> dict[str, object]:
    return {
        "fields": ["slug", "title", "date", "year", "topics", "code", "authors"],
        # code: 0 none, 1 a code link, 2 a code link whose newest check found it working.
        "docs": [[d.slug, d.title, d.date, d.year, list(d.topics), 2 if d.working_code else int(d.has_code),
                  _byline(d.authors)]
                 for d in docs],
        "shard": TEXT_SHARD,
        "topics": [[tag.slug, tag.name] for tag in topics],
    }


def _byline(authors: tuple[str, ...], shown: int = 3) -> str:
    """Return the first authors for a result line: `A, B, C et al.`."""
    return ", ".join(authors[:shown]) + (" et al." if len(authors) > shown else "")


def first_search_files(site_dir: Path) -> list[Path]:
    """Return the files a first search downloads before showing results (for the size benchmark)."""
    return [site_dir / ASSETS / name for name in FIRST_SEARCH]


def text_files(site_dir: Path) -> list[Path]:
    """Return the abstract files a search loads per shown result (TEXT_SHARD papers each)."""
    return sorted((site_dir / ASSETS / "text").glob("*.js"), key=lambda p: int(p.stem))
