"""The build, top to bottom: ingest -> annotate -> render -> index -> publish.

Each stage takes and returns typed values. Everything is gathered and validated before anything is
written; the site is built beside the target and swapped in only when it succeeded.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.annotate.stage import annotate
from sitegen.archive import Archive
from sitegen.builddate import DEFAULT_EPOCH, build_epoch, stated_epoch
from sitegen.config import site_options
from sitegen.errors import BuildError, Report
from sitegen.ingest.stage import ArchiveContents, read_archive
from sitegen.layout import Layout, Protected, check_outputs
from sitegen.model import Annotated
from sitegen.parallel import Beside, beside
from sitegen.publish import stage as publish
from sitegen.publish.mkdocs_site import load_project
from sitegen.publish.shares import Split
from sitegen.render import feeds
from sitegen.render.context import SiteContext, site_context
from sitegen.render.site import RenderedSite, render
from sitegen.search import saved
from sitegen.search.documents import SearchDoc
from sitegen.search.page import PAGE as SEARCH_PAGE
from sitegen.search.stage import SearchFiles, page_for, search_index


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
    jobs: int = 1
    """MkDocs processes rendering the site at once (each a share of the paper pages)."""
    shard: tuple[int, int] | None = None
    """(K, N): build part K (1-based) of N for `sitegen merge`, instead of the whole site."""
    keep_docs: bool = False
    """Write the generated Markdown pages into the work folder too (MkDocs reads them from memory)."""
    tolerated: frozenset[str] | None = None
    """When set: the files that may be skipped; another skipped file fails the build and keeps the site
    (`sitegen serve` keeps showing the last good site)."""


@dataclass(frozen=True, slots=True)
class Built:
    """Everything a build made on the way, kept for `sitegen serve` to update the site in place."""

    contents: ArchiveContents
    annotated: tuple[Annotated, ...]
    site: SiteContext
    rendered: RenderedSite
    staged: publish.Staged
    skipped: frozenset[str]
    """The files this build left out."""


@dataclass
class BuildResult:
    """What a build did, for the summary line and the benchmark."""

    paper_count: int = 0
    entry_count: int = 0
    duplicate_count: int = 0
    listing_count: int = 0
    topic_count: int = 0
    page_count: int = 0
    report: Report = field(default_factory=Report)
    seconds: dict[str, float] = field(default_factory=dict)
    """Each stage's seconds; "index" is the search index's own time, overlapped with "mkdocs"."""
    epoch: int = DEFAULT_EPOCH
    """The build's date (seconds since 1970): SOURCE_DATE_EPOCH, else the newest capture date."""
    built: Built | None = None
    """What the build made on the way (for `sitegen serve`)."""

    def summary(self) -> str:
        return (f"{self.paper_count} papers ({self.entry_count} entries, {self.duplicate_count} duplicates merged) "
                f"from {self.listing_count} listings, {self.topic_count} topics, {self.page_count} pages; "
                f"{len(self.report.warnings)} warnings")


class _Timer:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self.last, 3)
        self.last = now


def _indexing(needed: bool, docs: list[SearchDoc], site: SiteContext,
              work: Path) -> contextlib.AbstractContextManager[Beside[SearchFiles] | None]:
    """Build the search index on the second core, when this build writes it."""
    if not needed:
        return contextlib.nullcontext()
    return beside(search_index, docs, site.topics, work / "cache", saved_feeds(site))


def saved_feeds(site: SiteContext) -> tuple[dict[str, object], ...]:
    """The saved searches the search page offers as feeds."""
    return saved.manifest_entries(site.options.feeds, bool(feeds.newest(site.annotated, 1)))


def build(options: BuildOptions, report: Report | None = None) -> BuildResult:
    """Build the site from the archive; raise SitegenError when nothing usable is left.

    Problems go to report (a new one when not given) as they are found, so a failed build still has them.
    """
    result = BuildResult(report=report or Report())
    report, timer = result.report, _Timer(result.seconds)
    project = load_project(options.config_file)
    layout = Layout.for_site(options.site_dir)
    check_outputs(layout, Protected.of(options.archive, project.config_file, project.docs_dir), options.site_dir,
                  force=options.force)
    stated = stated_epoch()

    contents = read_archive(Archive(options.archive), report)
    result.epoch = build_epoch(stated, contents.listings)
    timer.lap("ingest")

    annotated = annotate(contents.papers, contents.taxonomy, contents.notes, contents.link_checks)
    timer.lap("annotate")

    site = site_context(annotated, contents.listings, contents.taxonomy,
                        site_options(project.config, project.config_file, report), contents.duplicate_count)
    docs = site.search_docs
    saved.check_topics(site.options.feeds, site.topics, project.config_file, report)
    _check_skipped(options, report)

    # The search index is static files MkDocs need not see: the second core builds it while the pages are
    # rendered and MkDocs runs (in a sharded build, only the shard that writes the site-wide files builds it).
    shard, shards = (options.shard[0] - 1, options.shard[1]) if options.shard else (0, 1)
    split = Split(shard, shards, options.jobs)
    with publish.staging(layout), _indexing(shard == 0, docs, site, layout.work) as index:
        rendered = render(site)
        pages = {**rendered.pages, **rendered.files, SEARCH_PAGE: page_for(docs, rendered.topics)}
        timer.lap("render")
        staged = publish.stage(project, pages, rendered.nav, layout, options.strict, result.epoch, report, split,
                               options.keep_docs)
        publish.complete(staged, index.result() if index else None)
    timer.lap("mkdocs")
    result.seconds["index"] = index.seconds if index else 0.0

    result.paper_count, result.entry_count = len(annotated), contents.entry_count
    result.duplicate_count, result.listing_count = contents.duplicate_count, len(contents.listings)
    result.topic_count, result.page_count = len(rendered.topics), len(rendered.pages)
    result.built = Built(contents, annotated, site, rendered, staged, frozenset(report.skipped))
    return result


def _check_skipped(options: BuildOptions, report: Report) -> None:
    """Fail before anything is written when a file was skipped and the options do not allow it."""
    if options.strict and report.skipped:
        raise BuildError(f"{len(report.skipped)} file(s) were skipped and --strict is set",
                         hint="fix or remove: " + ", ".join(report.skipped))
    if options.tolerated is not None and (new := sorted(set(report.skipped) - options.tolerated)):
        raise BuildError(f"{len(new)} file(s) could not be read; the last good site stays",
                         hint="fix: " + ", ".join(new))
