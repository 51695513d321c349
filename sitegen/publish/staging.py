"""The publish stage: the docs into the work folder, MkDocs into a staging folder beside the site, then the
search files added and the staging folder swapped in for the site, only when all of it succeeded.

    with held(layout):
        staged = run_mkdocs(...)     # MkDocs renders into .site.building/
        swap_in(staged, search)      # the search files go in, .site.building/ becomes site/

When the previous site was built from the same config, theme and versions, MkDocs rebuilds only the pages
whose Markdown changed (publish/incremental.py); otherwise, and under --strict, all of them. Only what the
previous build made is carried over: anything else found in the site is reported and left out. The generated
Markdown pages reach MkDocs from memory (publish/memory.py), unless keep_docs asks for them on disk too.

held() holds the lock on the build's folders (layout.locked()) from the first write to the swap, so two
builds never write one site at once: the second one refuses, naming the first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import fs
from sitegen.errors import Report
from sitegen.layout import SITE_MARKER, WORK_MARKER, Layout, locked, mark
from sitegen.parallel import beside
from sitegen.publish import incremental, mkdocs_site, parts
from sitegen.publish.shares import Share, Split, plan
from sitegen.search.stage import WRITTEN, SearchFolder, place


@dataclass(frozen=True, slots=True)
class Staged:
    """A site MkDocs has built into the staging folder, waiting for its search files."""

    layout: Layout
    stamp: str
    """The fingerprint of what it was built from (publish/incremental.py)."""
    pages: Mapping[str, str]
    """The generated Markdown pages."""
    digests: Mapping[str, str]
    """Their digests (incremental.page_digests()), which the next build compares."""
    docs: mkdocs_site.Docs
    """What MkDocs built it from."""
    config_path: Path
    """The derived MkDocs config it was built with."""
    epoch: int
    part: tuple[int, int] | None = None
    """(K, N) when it is part K of a sharded build."""
    digest: str = ""
    """For a part: what it was built from (publish/parts.py)."""
    rendered: int = 0
    """The pages MkDocs rendered (a rebuild renders only what changed; the others keep their HTML)."""
    page_total: int = 0
    """The site's pages (generated and hand-written), rendered or kept."""
    strict: bool = False
    """Built with --strict (and so with no warning)."""


@dataclass(frozen=True, slots=True)
class Run:
    """How to run MkDocs for one build."""

    project: mkdocs_site.Project
    layout: Layout
    strict: bool
    epoch: int
    split: Split = field(default_factory=Split)
    """This machine's shard and jobs: one MkDocs process per job, each rendering its share (the first in this
    process); the whole site in one process by default."""
    keep_docs: bool = False
    """Write the generated pages into the work folder's docs too (for a bare `mkdocs build -f` of the derived
    config, .sitegen/site-…/mkdocs.yml)."""


@contextlib.contextmanager
def held(layout: Layout) -> Iterator[None]:
    """Hold the lock on the build's folders while the block runs (OutputError at once when another process
    holds it); clear the staging folder when the block ends: it is left only when something failed, and the
    site stays."""
    with locked(layout, "sitegen build"):
        try:
            yield
        finally:
            fs.remove_tree(layout.staging, SITE_MARKER)


def run_mkdocs(run: Run, pages: dict[str, str], nav: list[dict[str, str]], report: Report) -> Staged:
    """Gather the docs beside the hand-written ones and build the site with MkDocs into the staging folder."""
    project, layout, strict, epoch, split = run.project, run.layout, run.strict, run.epoch, run.split
    with fs.public_umask():
        mark(layout.work, WORK_MARKER)
        docs = mkdocs_site.write_docs(project, pages, layout.work / "docs", report, keep=run.keep_docs)
        fs.remove_tree(layout.staging, SITE_MARKER)
        config = mkdocs_site.derived_config(project, docs.folder, layout.site, nav)
        config_path = mkdocs_site.write_config(config, layout.work / "mkdocs.yml")
        stamp = incremental.fingerprint(config, docs, mkdocs_site.theme_dir(), epoch)
        markdown = {rel: text for rel, text in pages.items() if rel.endswith(".md")}
        digests = incremental.page_digests(markdown)
        previous = incremental.start(layout, incremental.Rebuild(
            stamp, strict, digests, incremental.linkable(config, mkdocs_site.hooks_file()), WRITTEN, docs.folder),
            report)
        mark(layout.staging, SITE_MARKER)  # first: a build killed halfway leaves a folder the next one may clear
        each = mkdocs_site.MkDocsRun(config_path, strict, site_dir=layout.staging, epoch=epoch,
                                     dirty=previous is not None, docs=docs,
                                     unchanged=incremental.unchanged(digests, previous))
        warnings = _render(each, plan(pages, split, each.unchanged))
        sources = docs.sources()
        if previous is not None:
            incremental.remove_stale(layout.staging, set(sources))
        rendered = incremental.rendered_pages(layout, sources)
    for message in warnings:
        report.warn(f"MkDocs: {message}")
    part = (split.shard + 1, split.shards) if split.shards > 1 else None
    digest = parts.inputs_digest(config, docs, mkdocs_site.theme_dir(), epoch) if part else ""
    return Staged(layout, stamp, markdown, digests, docs, config_path, epoch, part, digest, rendered,
                  sum(rel.endswith(".md") for rel in sources), strict)


def _render(run: mkdocs_site.MkDocsRun, renders: list[Share]) -> list[str]:
    """Run MkDocs once per share, all at once (forked), into the staging folder; return every run's warnings."""
    with contextlib.ExitStack() as others:
        running = [others.enter_context(beside(run, share)) for share in renders[1:]]
        warnings = run(renders[0])
        for job in running:
            warnings += job.result()
    return warnings


def swap_in(staged: Staged, search: SearchFolder | None) -> None:
    """Add the search files to the staged site and swap it in for the site."""
    layout = staged.layout
    with fs.public_umask():
        if search is not None:
            place(search, layout.staging)
        if staged.part is not None:
            parts.write_manifest(layout.staging, staged.part, staged.digest)
        incremental.forget(layout.work, layout.site)  # a swap cut short must not leave a record of the old site
        fs.swap_in(layout.staging, layout.site, layout.previous, SITE_MARKER)
        incremental.finish(layout.work, layout.site, staged.stamp, staged.digests, staged.strict)
