"""MkDocs kept loaded on a built site, rendering single pages into it again (`sitegen serve`'s quick path).

A full MkDocs run spends most of its fixed time loading the config, listing every file and building the
navigation. LiveSite does that once, for a site that was just built, by running MkDocs' own build with a share
that renders nothing (publish/shares.py) and keeping the config, files, navigation and template environment it
made. A changed page is then rendered as the build renders each page (publish/mkdocs_compat.render_page()),
with the same plugins and hooks, so it comes out as a full build would write it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sitegen.errors import BuildError
from sitegen.publish import mkdocs_compat as compat
from sitegen.publish.mkdocs_site import Docs, capture_warnings, source_date_epoch
from sitegen.publish.shares import Share, rendering


class LiveSite:
    """A built site with MkDocs loaded on it, ready to render its generated pages again."""

    def __init__(self, config_path: Path, site_dir: Path, docs: Docs, epoch: int) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.plugins import BasePlugin
        from mkdocs.structure.files import InclusionLevel

        from sitegen.publish import templates
        from sitegen.publish.memory import NAME, GeneratedPages

        self.epoch = epoch
        kept: dict[str, Any] = {}

        class Keep(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
            def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
                kept["nav"] = nav
                return nav

            def on_env(self, env: Any, config: Any, files: Any) -> Any:
                kept["env"], kept["files"] = env, files
                return env

        with capture_warnings() as warnings:
            config = load_config(config_file=str(config_path), site_dir=str(site_dir.resolve()))
            config.plugins[templates.NAME] = templates.CompiledTemplates()
            config.plugins[NAME] = GeneratedPages(docs.pages)
            config.plugins["sitegen-live"] = Keep()
            with source_date_epoch(epoch), rendering(config, Share(frozenset(), first=False,
                                                                   dealt=frozenset(docs.pages))):
                build(config, dirty=True)
        self.files = kept["files"]
        self.site = compat.Loaded(config, self.files, kept["nav"], kept["env"],
                                  self.files.documentation_pages(inclusion=InclusionLevel.is_included))
        self.warnings = warnings
        if docs.pages:
            self._warm_up(docs.pages)

    def _warm_up(self, pages: Mapping[str, str]) -> None:
        """Render the smallest page again as it is: the theme's templates are compiled on first use, which would
        otherwise slow the first page a curator changes. It comes out as the same bytes, and its file keeps its
        time, so the build's record still describes it: the next build keeps its HTML and does not count it
        among the pages it rendered (publish/incremental.rendered_pages())."""
        first = min(pages, key=lambda rel: (len(pages[rel]), rel))
        output = Path(self.files.get_file_from_path(first).abs_dest_path)
        try:
            before, info = output.read_bytes(), output.stat(follow_symlinks=False)
        except OSError:
            before, info = None, None
        self.render({first: pages[first]})
        if info is not None and output.read_bytes() == before:
            os.utime(output, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)

    def has(self, src_uri: str) -> bool:
        """Tell whether src_uri is a generated page of the site (one LiveSite can render again)."""
        file = self.files.get_file_from_path(src_uri)
        return file is not None and file.generated_by is not None and file.page is not None

    def add(self, pages: Mapping[str, str]) -> list[str]:
        """Render these generated pages into the site, first adding those it does not have (a new listing's papers,
        shown before the full build puts them in the lists and the navigation); return MkDocs' warnings."""
        from mkdocs.structure.files import File
        from mkdocs.structure.pages import Page

        for src_uri, text in sorted(pages.items()):
            if self.files.get_file_from_path(src_uri) is None:
                file = File.generated(self.site.config, src_uri, content=text)
                self.files.append(file)
                Page(None, file, self.site.config)  # the page sets itself as file.page
        return self.render(pages)

    def render(self, pages: Mapping[str, str]) -> list[str]:
        """Render these generated pages (path inside the docs -> new Markdown) into the site; return MkDocs'
        warnings. Raise BuildError when MkDocs fails on one."""
        with capture_warnings() as warnings, source_date_epoch(self.epoch):
            for src_uri, text in sorted(pages.items()):
                file = self.files.get_file_from_path(src_uri)
                file.content_string = text
                try:
                    compat.render_page(file.page, self.site)
                except Exception as exc:
                    raise BuildError(f"MkDocs failed on {src_uri}: {exc}",
                                     hint="fix the file named above; the last good page stays") from None
        return list(warnings)
