"""Search: a lunr index built once at build time, a search page, and a search box on every page."""

from __future__ import annotations

from sitegen.search.stage import SearchFiles, first_search_files, index_site, text_files
from sitegen.search.text import notes_to_text

__all__ = ["SearchFiles", "first_search_files", "index_site", "notes_to_text", "text_files"]
