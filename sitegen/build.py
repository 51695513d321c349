"""The build, top to bottom: ingest -> annotate -> render -> mkdocs.

Each stage takes and returns typed values. Everything is gathered and validated before anything is
written; the site is built beside the target and swapped in only when it succeeded.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import fs
from sitegen.annotate import annotate
from sitegen.annotate.taxonomy import load_taxonomy
from sitegen.archive import Archive, capture_dates
from sitegen.errors import BuildError, SitegenError, Report
from sitegen.ingest.listing import read_listing
from sitegen.ingest.merge import Merged, merge
from sitegen.model import Annotated, Listing
from sitegen.publish import mkdocs_site
from sitegen.render.site import RenderedSite, render_site


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

    listings = ingest(archive, report)
    merged = merge(listings)
    timer.lap("ingest")

    taxonomy = load_taxonomy(archive.taxonomy, report)
    annotated = annotate(merged.papers, taxonomy)
    timer.lap("annotate")

    project = mkdocs_site.load_project(options.config_file)
    rendered = render_site(annotated, listings, taxonomy, project.site_name, merged.duplicates)
    timer.lap("render")

    if options.strict and report.skipped:
        raise BuildError(f"{len(report.skipped)} file(s) were skipped and --strict is set",
                         hint="fix or remove: " + ", ".join(report.skipped))
    publish(project, rendered, options, report)
    timer.lap("mkdocs")

    _fill(result, listings, merged, annotated, rendered)
    return result


def ingest(archive: Archive, report: Report) -> list[Listing]:
    """Read every listing; report and skip the bad ones; fail only when none is usable."""
    files = archive.listing_files()
    if not files:
        raise BuildError("no listings found", path=archive.listings_dir,
                         hint="put pasted listing pages as .txt files in this folder")
    dates = capture_dates(archive, report)
    listings: list[Listing] = []
    for path in files:
        try:
            listings.append(read_listing(path, dates.get(path.name), report))
        except SitegenError as exc:
            report.skip(exc)
        except OSError as exc:
            report.skip(SitegenError(f"cannot be read: {exc.strerror}", path=path))
    if not listings:
        raise BuildError("no usable listing: every file was skipped (see the warnings above)",
                         path=archive.listings_dir, hint="fix the files named above")
    return listings


def publish(project: mkdocs_site.Project, rendered: RenderedSite, options: BuildOptions,
            report: Report) -> None:
    """Write the docs, run MkDocs into a folder beside the site, and swap it in when it succeeded."""
    work = options.site_dir.parent / ".sitegen"
    docs = work / "docs"
    mkdocs_site.write_docs(project, rendered.pages, docs, report)
    staging = options.site_dir.parent / f".{options.site_dir.name}.building"
    if staging.exists():
        shutil.rmtree(staging)
    config = mkdocs_site.derived_config(project, docs, options.site_dir, rendered.nav)
    config_path = mkdocs_site.write_config(config, work / "mkdocs.yml")
    warnings = mkdocs_site.run_mkdocs(config_path, strict=options.strict, site_dir=staging)
    for message in warnings:
        report.warn(f"MkDocs: {message}")
    fs.swap_in(staging, options.site_dir)


def _fill(result: BuildResult, listings: list[Listing], merged: Merged, annotated: tuple[Annotated, ...],
          rendered: RenderedSite) -> None:
    result.papers = len(annotated)
    result.entries = merged.entries
    result.duplicates = merged.duplicates
    result.listings = len(listings)
    result.topics = len(rendered.topics)
    result.pages = len(rendered.pages)
