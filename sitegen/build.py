"""The build, top to bottom: ingest -> annotate -> render -> index -> mkdocs.

Each stage takes and returns typed values. Everything is gathered and validated before anything is
written; the site is built beside the target and swapped in only when it succeeded.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen import fs
from sitegen.annotate.stage import annotate
from sitegen.annotate.taxonomy import load_taxonomy
from sitegen.archive import Archive, capture_dates
from sitegen.errors import BuildError, Report, SitegenError, shown
from sitegen.ingest.listing import read_listing
from sitegen.layout import SITE_MARKER, WORK_MARKER, Layout, Protected, check_outputs, mark
from sitegen.ingest.merge import Merged, merge
from sitegen.model import LAST_YEAR, Annotated, Listing
from sitegen.notes import load_notes
from sitegen.parallel import second_core
from sitegen.publish import incremental, mkdocs_site
from sitegen.render.site import RenderedSite, render_site, topic_order_from
from sitegen.search import SearchFiles, notes_to_text, page_for, search_assets, write_assets
from sitegen.search.documents import documents
from sitegen.search.page import PAGE as SEARCH_PAGE


# The build's date when neither SOURCE_DATE_EPOCH nor any listing states one: 1980-01-01 UTC, the
# earliest time a zip entry can hold. Never the clock, so that two builds of one archive are identical.
DEFAULT_EPOCH = 315532800
LATEST_EPOCH = int(datetime.datetime(LAST_YEAR + 1, 1, 1, tzinfo=datetime.timezone.utc).timestamp()) - 1
"""The last second of LAST_YEAR: a later build date is a typo (and overflows gzip's and zip's headers)."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What `sitegen build` was asked to do."""

    archive: Path = Path("archive")
    """The archive folder: listings/*.txt, optional archive.yml, taxonomy.yml, notes/."""
    site_dir: Path = Path("site")
    """Where the finished site goes (replaced only by a successful build)."""
    config_file: Path | None = Path("mkdocs.yml")
    """The project's MkDocs config; the tool's defaults when it does not exist."""
    strict: bool = False
    """Fail when anything was skipped or MkDocs warned."""
    force: bool = False
    """Replace a site folder that holds files sitegen did not make (never a protected one)."""


@dataclass
class BuildResult:
    """What a build did, for the summary line and the benchmark."""

    papers: int = 0
    entries: int = 0
    duplicates: int = 0
    listings: int = 0
    topics: int = 0
    pages: int = 0
    report: Report = field(default_factory=Report)
    seconds: dict[str, float] = field(default_factory=dict)
    epoch: int = DEFAULT_EPOCH
    """The build's date (seconds since 1970): SOURCE_DATE_EPOCH, else the newest capture date."""

    def summary(self) -> str:
        return (f"{self.papers} papers ({self.entries} entries, {self.duplicates} duplicates merged) "
                f"from {self.listings} listings, {self.topics} topics, {self.pages} pages; "
                f"{len(self.report.warnings)} warnings")


class _Timer:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self.last, 3)
        self.last = now


def build(options: BuildOptions, report: Report | None = None) -> BuildResult:
    """Build the site from the archive; raise SitegenError when nothing usable is left.

    Problems go to report (a new one when not given) as they are found, so a failed build still has them.
    """
    result = BuildResult(report=report or Report())
    report, timer = result.report, _Timer(result.seconds)
    archive = Archive(options.archive)
    project = mkdocs_site.load_project(options.config_file)
    layout = Layout.for_site(options.site_dir)
    check_outputs(layout, Protected.of(options.archive, project.config_file, project.docs_dir), options.site_dir,
                  force=options.force)
    stated = stated_epoch()

    listings = ingest(archive, report)
    result.epoch = build_epoch(listings) if stated is None else stated
    merged = merge(listings)
    timer.lap("ingest")

    taxonomy = load_taxonomy(archive, report)
    notes = load_notes(archive, {paper.slug for paper in merged.papers}, report)
    annotated = annotate(merged.papers, taxonomy, notes)
    timer.lap("annotate")

    rendered = render_site(annotated, listings, taxonomy, project.site_name, merged.duplicates,
                           site_url=project.config.get("site_url") or None,
                           topic_order=topic_order_from(project.config, project.config_file, report))
    timer.lap("render")

    if options.strict and report.skipped:
        raise BuildError(f"{len(report.skipped)} file(s) were skipped and --strict is set",
                         hint="fix or remove: " + ", ".join(report.skipped))

    # The search index is static files MkDocs need not see: a second core builds it while MkDocs runs.
    docs = documents(annotated, rendered.topics, search_notes(annotated))
    pages = {**rendered.pages, **rendered.files, SEARCH_PAGE: page_for(docs, rendered.topics)}
    with second_core() as core:
        index = core.submit(_timed, search_assets, docs, rendered.topics, layout.work / "cache")
        publish(project, replace(rendered, pages=pages), layout, options, report, result.epoch, late=index)
        timer.lap("mkdocs")
    result.seconds["index"] = index.result()[1]  # its own time, overlapped with the mkdocs stage

    _fill(result, listings, merged, annotated, rendered)
    return result


def ingest(archive: Archive, report: Report) -> list[Listing]:
    """Read every listing; report and skip the bad ones; fail only when none is usable."""
    files = archive.listing_files(report)
    if not files:
        if report.skipped:
            raise BuildError("no usable listing: every file was skipped (see the warnings above)",
                             path=archive.listings_dir, hint="fix the files named above")
        raise BuildError("no listings found", path=archive.listings_dir,
                         hint="put pasted listing pages as .txt files in this folder")
    dates = capture_dates(archive, files, report)
    listings: list[Listing] = []
    for path in files:
        try:
            listings.append(read_listing(path, dates.get(path.name), report, archive.read_bytes(path)))
        except SitegenError as exc:
            report.skip(exc)
    if not listings:
        raise BuildError("no usable listing: every file was skipped (see the warnings above)",
                         path=archive.listings_dir, hint="fix the files named above")
    return listings


def stated_epoch() -> int | None:
    """Return SOURCE_DATE_EPOCH when it is set: a whole number of seconds up to the end of LAST_YEAR."""
    stated = os.environ.get("SOURCE_DATE_EPOCH")
    if stated is None:
        return None
    if not stated.strip().isdigit() or len(stated.strip()) > 12:
        raise BuildError(f"SOURCE_DATE_EPOCH is {shown(stated)}, not a whole number of seconds",
                         hint="set it to e.g. $(git log -1 --format=%ct) or unset it")
    if int(stated) > LATEST_EPOCH:
        raise BuildError(f"SOURCE_DATE_EPOCH is {int(stated)}, a date after {LAST_YEAR} (the latest year sitegen "
                         "accepts)", hint="set it to e.g. $(git log -1 --format=%ct) or unset it")
    return int(stated)


def build_epoch(listings: list[Listing]) -> int:
    """Return the build's date from the data: the newest stated capture date."""
    days = [datetime.date(c.year, c.month, c.day) for c in (lst.captured for lst in listings)
            if c is not None and c.year is not None]
    if not days:
        return DEFAULT_EPOCH
    newest = datetime.datetime.combine(max(days), datetime.time(), datetime.timezone.utc)
    return max(int(newest.timestamp()), DEFAULT_EPOCH)


def search_notes(annotated: tuple[Annotated, ...]) -> dict[str, str]:
    """Return the curators' notes as plain text, by paper slug, for the search index."""
    return {a.slug: notes_to_text(a.note.body) for a in annotated if a.note}


def _timed(fn: Callable[..., SearchFiles], *args: Any) -> tuple[SearchFiles, float]:
    start = time.perf_counter()
    return fn(*args), round(time.perf_counter() - start, 3)


def publish(project: mkdocs_site.Project, rendered: RenderedSite, layout: Layout, options: BuildOptions,
            report: Report, epoch: int = DEFAULT_EPOCH, late: Future | None = None) -> None:
    """Write the docs, run MkDocs into a folder beside the site, add the late files, swap it in when done.

    When the previous site was built from the same config, theme and versions, MkDocs rebuilds only the
    pages whose Markdown changed (see publish/incremental.py); otherwise, and under --strict, all of them.
    """
    with fs.public_umask():
        mark(layout.work, WORK_MARKER)
        docs = layout.work / "docs"
        mkdocs_site.write_docs(project, rendered.pages, docs, report)
        fs.discard(layout.staging)
        config = mkdocs_site.derived_config(project, docs, layout.site, rendered.nav)
        config_path = mkdocs_site.write_config(config, layout.work / "mkdocs.yml")
        stamp = incremental.fingerprint(config, docs, mkdocs_site.theme_dir(), epoch)
        try:
            dirty = incremental.start(layout.site, layout.staging, layout.work, stamp, clean=options.strict)
            mark(layout.staging, SITE_MARKER)  # first: a build killed halfway leaves a folder it may clear
            warnings = mkdocs_site.run_mkdocs(config_path, strict=options.strict, site_dir=layout.staging,
                                              epoch=epoch, dirty=dirty)
            if dirty:
                incremental.remove_stale(layout.staging, docs)
            if late is not None:
                write_assets(late.result()[0].files, layout.staging)
            fs.swap_in(layout.staging, layout.site, layout.previous)
            incremental.finish(layout.work, layout.site, stamp)
        finally:
            fs.discard(layout.staging)  # left only when MkDocs or the swap failed; the previous site stays
    for message in warnings:
        report.warn(f"MkDocs: {message}")


def _fill(result: BuildResult, listings: list[Listing], merged: Merged, annotated: tuple[Annotated, ...],
          rendered: RenderedSite) -> None:
    result.papers = len(annotated)
    result.entries = merged.entries
    result.duplicates = merged.duplicates
    result.listings = len(listings)
    result.topics = len(rendered.topics)
    result.pages = len(rendered.pages)
