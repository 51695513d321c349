"""The generated Markdown pages, handed to MkDocs from memory as its own generated files (MkDocs >= 1.6).

MkDocs walks the docs folder for the hand-written pages and the generated static files; this plugin, added to
the run's plugins after the config is loaded, puts the generated pages among them in the order a walk of a
folder holding them would give, so that the site is the same whether the pages are on disk or not.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

NAME = "sitegen-generated-pages"


class GeneratedPages(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Add the generated pages (path inside the docs -> Markdown) to the files MkDocs builds."""

    def __init__(self, pages: Mapping[str, str]) -> None:
        super().__init__()
        self.pages = pages

    def on_files(self, files: Files, config: Any) -> Files:
        docs_dir = os.path.normpath(config["docs_dir"])
        walked = [f for f in files if f.src_dir is not None and os.path.normpath(f.src_dir) == docs_dir]
        others = [f for f in files if not (f.src_dir is not None and os.path.normpath(f.src_dir) == docs_dir)]
        generated = [File.generated(config, rel, content=text) for rel, text in self.pages.items()]
        return Files(sorted(walked + generated, key=lambda f: walk_order(f.src_uri)) + others)


def walk_order(src_uri: str) -> tuple[tuple[str, ...], bool, str]:
    """Return the sort key that puts paths in the order MkDocs' walk of the docs folder finds them: a folder's
    files before its subfolders', folders by name, index pages first."""
    *folders, name = src_uri.split("/")
    return tuple(folders), os.path.splitext(name)[0] not in ("index", "README"), name
