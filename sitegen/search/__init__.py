"""Search: a lunr index built once at build time, a search page, and a search box on every page."""

from __future__ import annotations

from sitegen.search.stage import (ASSETS, SearchFiles, first_search_files, index_site, page_for, search_assets,
                                   text_files, write_assets)
from sitegen.search.text import notes_to_text

__all__ = ["ASSETS", "SearchFiles", "first_search_files", "index_site", "notes_to_text", "page_for", "search_assets",
           "text_files", "write_assets"]
