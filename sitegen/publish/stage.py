"""The publish stage: the docs into the work folder, MkDocs into a staging folder beside the site, then the
search files added and the staging folder swapped in for the site, only when all of it succeeded.

    with staging(layout):
        staged = stage(...)          # MkDocs renders into .site.building/
        complete(staged, search)     # the search files go in, .site.building/ becomes site/

When the previous site was built from the same config, theme and versions, MkDocs rebuilds only the pages
whose Markdown changed (publish/incremental.py); otherwise, and under --strict, all of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen import fs
from sitegen.errors import Report
from sitegen.layout import SITE_MARKER, WORK_MARKER, Layout, mark
from sitegen.parallel import beside
from sitegen.publish import incremental, mkdocs_site, parts
from sitegen.publish.shares import Share
from sitegen.search.stage import SearchFiles, write_assets


@dataclass(frozen=True, slots=True)
class Staged:
    """A site MkDocs has built into the staging folder, waiting for its search files."""

    layout: Layout
    stamp: str
    """The fingerprint of what it was built from (publish/incremental.py)."""
    part: tuple[int, int] | None = None
    """(K, N) when it is part K of a sharded build."""
    digest: str = ""
    """For a part: what it was built from (publish/parts.py)."""


@contextlib.contextmanager
def staging(layout: Layout) -> Iterator[None]:
    """Clear the staging folder when the block ends: it is left only when something failed, and the site stays."""
    try:
        yield
    finally:
        fs.discard(layout.staging)


def stage(project: mkdocs_site.Project, pages: dict[str, str], nav: list[dict[str, str]], layout: Layout,
          strict: bool, epoch: int, report: Report, renders: list[Share] | None = None,
          part: tuple[int, int] | None = None) -> Staged:
    """Write the docs beside the hand-written ones and build the site with MkDocs into the staging folder.

    renders: the shares this machine renders, one MkDocs process each (the first in this one); the whole site
    in one process by default.
    """
    with fs.public_umask():
        mark(layout.work, WORK_MARKER)
        docs = layout.work / "docs"
        mkdocs_site.write_docs(project, pages, docs, report)
        fs.discard(layout.staging)
        config = mkdocs_site.derived_config(project, docs, layout.site, nav)
        config_path = mkdocs_site.write_config(config, layout.work / "mkdocs.yml")
        stamp = incremental.fingerprint(config, docs, mkdocs_site.theme_dir(), epoch)
        dirty = incremental.start(layout.site, layout.staging, layout.work, stamp, clean=strict)
        mark(layout.staging, SITE_MARKER)  # first: a build killed halfway leaves a folder the next one may clear
        warnings = _render(config_path, strict, layout, epoch, dirty, renders or [Share()])
        if dirty:
            incremental.remove_stale(layout.staging, docs)
    for message in warnings:
        report.warn(f"MkDocs: {message}")
    digest = parts.inputs_digest(config, docs, mkdocs_site.theme_dir(), epoch) if part else ""
    return Staged(layout, stamp, part, digest)


def _render(config_path: Path, strict: bool, layout: Layout, epoch: int, dirty: bool,
            renders: list[Share]) -> list[str]:
    """Run MkDocs once per share, all at once (forked), into the staging folder; return every run's warnings."""
    with contextlib.ExitStack() as others:
        running = [others.enter_context(beside(mkdocs_site.run_mkdocs, config_path, strict, layout.staging, epoch,
                                               dirty, share)) for share in renders[1:]]
        warnings = mkdocs_site.run_mkdocs(config_path, strict=strict, site_dir=layout.staging, epoch=epoch,
                                          dirty=dirty, share=renders[0])
        for run in running:
            warnings += run.result()
    return warnings


def complete(staged: Staged, search: SearchFiles | None) -> None:
    """Add the search files to the staged site and swap it in for the site."""
    layout = staged.layout
    with fs.public_umask():
        if search is not None:
            write_assets(search.files, layout.staging)
        if staged.part is not None:
            parts.write_manifest(layout.staging, staged.part, staged.digest)
        fs.swap_in(layout.staging, layout.site, layout.previous)
        incremental.finish(layout.work, layout.site, staged.stamp)
