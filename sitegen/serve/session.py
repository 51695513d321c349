"""A serve session: the site built once, then kept up to date as the archive changes.

    session = Session(options)      # options.site_dir: a folder of the session's own
    session.start()                  # a full build
    session.rebuild(show)            # after a change: the quick path, or a full build

A change to curators' notes only takes the quick path: the notes are read again, the papers whose note changed
are annotated again, their pages are rendered by the MkDocs kept loaded on the site (publish/live.py) and shown
at once (show() reloads the open pages); then the pages that list them (topics, home, stats, feeds, the search
page) are rendered, and those whose Markdown changed go through MkDocs too, and the search index is rebuilt.
Anything else (a listing, the taxonomy, metadata, links.json, docs/, mkdocs.yml), and any note change that adds
or removes a page, takes a full build, which is always correct; a full build after the first one rebuilds only
the pages whose Markdown changed (publish/incremental.py).

A rebuild that finds a file it cannot read (one it could read before) leaves the last good site served, and the
problem is shown on every page (notice()) until the file is fixed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from sitegen import fs
from sitegen.annotate.stage import annotate_one
from sitegen.archive import Archive
from sitegen.build import BuildOptions, Built, build, saved_feeds
from sitegen.errors import Report, SitegenError
from sitegen.ingest.stage import ArchiveContents
from sitegen.model import Annotated, Note
from sitegen.notes import load_notes
from sitegen.publish import incremental
from sitegen.publish.live import LiveSite
from sitegen.publish.mkdocs_site import load_project
from sitegen.render.context import SiteContext, site_context
from sitegen.render.families import paper_pages
from sitegen.render.site import RenderedSite, render
from sitegen.search.documents import SearchDoc
from sitegen.search.page import PAGE as SEARCH_PAGE
from sitegen.search.stage import page_for, search_index, write_assets
from sitegen.serve.watch import Snapshot

KEPT = "error: a note could not be read; the last good site stays (fix the note and save it again)"


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What one rebuild did, for its line on the terminal."""

    kind: str
    """"quick" (pages of changed notes), "full", "refused" (a file could not be read) or "none"."""
    pages: int
    seconds: float


class Session:
    """The site of one `sitegen serve`, and what it was built from."""

    def __init__(self, options: BuildOptions, out: TextIO | None = None) -> None:
        self.options = options
        self.out = out or sys.stderr
        project = load_project(options.config_file)
        self.watched = [p for p in (options.archive, project.docs_dir, project.config_file) if p is not None]
        self.snapshot = Snapshot()
        self.built: Built | None = None
        self.live: LiveSite | None = None
        self.problems: list[str] = []
        """The latest rebuild's problems, as the terminal shows them."""
        self.full_problems: list[str] = []
        """The latest full build's."""

    def start(self) -> Rebuilt:
        """Build the whole site; raise SitegenError when it cannot be built."""
        self.snapshot = Snapshot.of(self.watched)
        return self._full(time.perf_counter())

    def notice(self) -> list[str]:
        """Return the lines every served page shows: the latest rebuild's problems."""
        return list(self.problems)

    def rebuild(self, show: Callable[[], None] = lambda: None) -> Rebuilt:
        """Bring the site up to date with the watched files; show() reloads the open pages early."""
        start = time.perf_counter()
        newer = Snapshot.of(self.watched)
        changed, self.snapshot = self.snapshot.changes(newer), newer
        if not changed:
            return Rebuilt("none", 0, 0.0)
        try:
            if self.built is not None and self.live is not None and self._notes_only(changed):
                quick = self._quick(self.built, self.live, show, start)
                if quick is not None:
                    return quick
            return self._full(start)
        except SitegenError as exc:
            self._problems([f"error: {exc}"])
            return Rebuilt("refused", 0, round(time.perf_counter() - start, 3))

    def _notes_only(self, changed: set[Path]) -> bool:
        notes = self.options.archive / "notes"
        return all(path.parent == notes and path.suffix == ".md" for path in changed)

    def _problems(self, lines: list[str]) -> None:
        self.problems = lines
        for line in lines:
            print(line, file=self.out)

    def _full(self, start: float) -> Rebuilt:
        report = Report()
        tolerated = self.built.skipped if self.built is not None else None
        try:
            result = build(replace(self.options, tolerated=tolerated), report)
        except SitegenError as exc:
            self._problems([f"warning: {line}" for line in report.warnings] + [f"error: {exc}"])
            return Rebuilt("refused", 0, round(time.perf_counter() - start, 3))
        assert result.built is not None
        staged = result.built.staged
        assert staged.docs is not None and staged.config_path is not None
        self.built = result.built
        self.live = LiveSite(staged.config_path, staged.layout.site, staged.docs, staged.epoch)
        self.full_problems = [f"warning: {line}" for line in report.warnings + self.live.warnings]
        self._problems(self.full_problems)
        return Rebuilt("full", result.page_count, round(time.perf_counter() - start, 3))

    def _quick(self, built: Built, live: LiveSite, show: Callable[[], None], start: float) -> Rebuilt | None:
        """Update the pages a change of notes touches; None when the change needs a full build."""
        report = Report()
        notes = load_notes(Archive(self.options.archive), {paper.slug for paper in built.contents.papers}, report)
        if set(report.skipped) - built.skipped:
            self._problems([*self._kept(report), KEPT])
            return Rebuilt("refused", 0, round(time.perf_counter() - start, 3))
        annotated, changed = _annotate_again(built, notes)
        touched = paper_pages(built.site, [a for a in annotated if a.slug in changed])
        if not all(live.has(rel) for rel in touched):
            return None
        warnings = live.render(touched)
        show()  # the changed papers' own pages first: what the curator is looking at
        update = _the_rest(built, replace(built.contents, notes=notes), annotated, changed)
        if update is None:
            return None  # a page comes or goes: MkDocs must see the new set of files
        later = {rel: text for rel, text in update.markdown.items()
                 if rel not in touched and built.staged.pages.get(rel) != text}
        warnings += live.render(later)
        staged = built.staged
        self._write_files(built, {rel: text for rel, text in update.rendered.files.items()
                                  if built.rendered.files[rel] != text})
        write_assets(search_index(update.docs, update.site.topics, staged.layout.work / "cache",
                                  saved_feeds(update.site)).files,
                     staged.layout.site)
        digests = incremental.page_digests(update.markdown)
        incremental.finish(staged.layout.work, staged.layout.site, staged.stamp, digests)
        self.built = replace(built, contents=update.contents, annotated=annotated, site=update.site,
                             rendered=update.rendered, staged=replace(staged, pages=update.markdown, digests=digests))
        show()
        self._problems(self._kept(report) + [f"warning: MkDocs: {w}" for w in warnings])
        return Rebuilt("quick", len(touched) + len(later), round(time.perf_counter() - start, 3))

    def _kept(self, notes_report: Report) -> list[str]:
        """Return the problems to show after a quick rebuild: the last full build's, the notes' read again."""
        notes = str(self.options.archive / "notes")
        kept = [line for line in self.full_problems if notes not in line]
        return kept + [f"warning: {line}" for line in notes_report.warnings]

    @staticmethod
    def _write_files(built: Built, files: dict[str, str]) -> None:
        """Write changed feeds and .bib files into the site, and into the docs the next full build compares."""
        staged = built.staged
        assert staged.docs is not None
        with fs.public_umask():
            for rel, text in files.items():
                fs.write_work_file(staged.docs.folder / rel, text)
                fs.write_text(staged.layout.site / rel, text)


@dataclass(frozen=True, slots=True)
class _Update:
    """The site after a change of notes, everything but the changed papers' own pages."""

    contents: ArchiveContents
    site: SiteContext
    rendered: RenderedSite
    markdown: dict[str, str]
    """Every Markdown page (the search page too), as a full build would hand it to MkDocs."""
    docs: list[SearchDoc]


def _annotate_again(built: Built, notes: Mapping[str, Note]) -> tuple[tuple[Annotated, ...], set[str]]:
    """Return the papers with their notes applied again, and the slugs of those whose note changed."""
    old = built.contents.notes
    changed = {slug for slug in old.keys() | notes.keys() if old.get(slug) != notes.get(slug)}
    contents = built.contents
    annotated = tuple(
        replace(annotate_one(a.paper, contents.taxonomy, notes.get(a.slug), contents.link_checks), related=a.related)
        if a.slug in changed else a for a in built.annotated)
    return annotated, changed & {a.slug for a in annotated}


def _the_rest(built: Built, contents: ArchiveContents, annotated: tuple[Annotated, ...],
              changed: set[str]) -> _Update | None:
    """Render what lists the changed papers: the pages of papers that name them as related, and every page
    that is not a paper's; None when that adds or removes a page."""
    site = site_context(annotated, contents.listings, contents.taxonomy, built.site.options,
                        contents.duplicate_count)
    rest = render(site, skip=frozenset({"papers"}))
    related = paper_pages(site, [a for a in annotated if a.slug in changed or changed & set(a.related)])
    rendered = RenderedSite({**built.rendered.pages, **related, **rest.pages}, rest.nav, rest.topics,
                            {**built.rendered.files, **rest.files})
    old = built.rendered
    if rendered.pages.keys() != old.pages.keys() or rendered.topics != old.topics \
            or rendered.files.keys() != old.files.keys():
        return None
    markdown = {**rendered.pages, SEARCH_PAGE: page_for(site.search_docs, rendered.topics)}
    return _Update(contents, site, rendered, markdown, site.search_docs)
