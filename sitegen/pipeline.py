"""The one pipeline, top to bottom: ingest -> annotate -> render -> index -> publish.

Every entry point drives the stages from here and imports none of them itself: `sitegen build` (a whole site
or a shard of one), `sitegen serve` (a full build, then the quick path for a change of curators' notes and an
early look at a new listing's papers), `sitegen bench` and the golden test. Each stage takes and returns typed
values. Everything is gathered and validated before anything is written; the site is built beside the target
and swapped in only when it succeeded.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen import fs
from sitegen.annotate.stage import Annotating, annotate_one, annotating, topics_in_use
from sitegen.archive import Archive
from sitegen.archive.links import read_results
from sitegen.archive.notes import load_notes
from sitegen.archive.taxonomy import Taxonomy, load_taxonomy
from sitegen.builddate import DEFAULT_EPOCH, build_epoch, stated_epoch
from sitegen.errors import BuildError, Report, SitegenError
from sitegen.ingest.stage import ingest
from sitegen.layout import Layout, Protected, check_outputs
from sitegen.model import Annotated, Check, Listing, MetadataRecord, Note, Paper
from sitegen.options import SiteOptions, site_options
from sitegen.parallel import FORK_FROM, Beside, beside
from sitegen.publish import incremental, staging, uptodate
from sitegen.publish.live import LiveSite
from sitegen.publish.mkdocs_site import Project, load_project
from sitegen.publish.shares import Split
from sitegen.render.context import Derived, SiteContext, citations, site_context, with_papers, with_related
from sitegen.render.families import paper_pages
from sitegen.render.site import FAMILIES, PAPERS, STATS, RenderedSite, render
from sitegen.render.stats import keep_drawn, page_and_charts
from sitegen.search import saved
from sitegen.search.documents import SearchDoc, documents
from sitegen.search.page import PAGE as SEARCH_PAGE
from sitegen.search.stage import SearchFolder, index_into, page_for, search_index, write_assets

NO_SITE_URL = ("no site_url, so pages have no canonical link, sitemap.xml lists no page, robots.txt is not "
               "written and feed links are relative")
NO_SITE_URL_HINT = ("set site_url: in mkdocs.yml to the address the site is published at, pass --site-url URL or "
                    "set SITEGEN_SITE_URL")


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
    site_url: str | None = None
    """The address the site is published at (`--site-url`), in place of mkdocs.yml's `site_url`."""
    published: bool = False
    """Built to be published on the web (`sitegen build`): without a site_url, say once what that turns off."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything the archive holds, read and checked: the papers (ingest) and the files the stages after it read."""

    listings: tuple[Listing, ...]
    """Every usable listing, in file name order."""
    records: tuple[MetadataRecord, ...]
    """What the metadata files (arXiv's and Hugging Face's answers about single papers) state."""
    papers: tuple[Paper, ...]
    """The unique papers, merged across listings, in slug order."""
    entry_count: int
    """Paper blocks in all listings."""
    duplicate_count: int
    """Entries that were another entry's paper."""
    taxonomy: Taxonomy
    """The archive's taxonomy, or the built-in one."""
    notes: dict[str, Note]
    """Curators' notes by paper slug (notes on papers not in the archive included: they are reported)."""
    link_checks: dict[str, tuple[Check, ...]]
    """What `sitegen check-links` recorded in links.json, by URL."""


def read_inputs(archive: Archive, report: Report, work: Path | None = None) -> Inputs:
    """Read every part of the archive a build uses; report and skip bad files; fail only when no listing is
    usable (work: the work folder, where the listings read are kept for the next build)."""
    papers = ingest(archive, report, work)
    return Inputs(listings=papers.listings, records=papers.records, papers=papers.papers,
                  entry_count=papers.entry_count, duplicate_count=papers.duplicate_count,
                  taxonomy=load_taxonomy(archive, report),
                  notes=load_notes(archive, {paper.slug for paper in papers.papers}, report),
                  link_checks=read_results(archive, report))


@dataclass(frozen=True, slots=True)
class Built:
    """Everything a build made on the way, kept for `sitegen serve` to update the site in place."""

    contents: Inputs
    annotated: tuple[Annotated, ...]
    site: SiteContext
    rendered: RenderedSite
    staged: staging.Staged
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
    """The generated pages."""
    rendered_count: int = 0
    """The pages MkDocs rendered: every page of a clean build, the changed ones of a rebuild (the others keep
    their HTML from the previous build)."""
    site_page_count: int = 0
    """Every page MkDocs has in the site (the generated ones, the search page and the hand-written ones)."""
    report: Report = field(default_factory=Report)
    seconds: dict[str, float] = field(default_factory=dict)
    """Each stage's seconds; "index" is the search index's own time, overlapped with "render" and "mkdocs";
    "annotate" ends before the related papers are found, "render" waits for them (annotating())."""
    epoch: int = DEFAULT_EPOCH
    """The build's date (seconds since 1970): SOURCE_DATE_EPOCH, else the newest capture date."""
    unchanged: bool = False
    """Nothing the site is built from changed since it was built: nothing was written."""

    COUNTS = ("paper_count", "entry_count", "duplicate_count", "listing_count", "topic_count", "page_count",
              "site_page_count", "epoch")

    def counts(self) -> dict[str, int]:
        """What the summary says, kept for a later build that finds nothing changed."""
        return {name: getattr(self, name) for name in self.COUNTS}

    @classmethod
    def unchanged_site(cls, counts: Mapping[str, object], report: Report, seconds: float) -> BuildResult:
        """The result of a build that found the site up to date (counts: what counts() gave when it was built)."""
        result = cls(report=report, seconds={"check": round(seconds, 3)}, unchanged=True)
        for name in cls.COUNTS:
            value = counts.get(name)
            if isinstance(value, int):
                setattr(result, name, value)
        return result

    def summary(self) -> str:
        return (f"{self.paper_count} papers ({self.entry_count} entries, {self.duplicate_count} duplicates merged) "
                f"from {self.listing_count} listings, {self.topic_count} topics, {self.page_count} pages; "
                f"{len(self.report.warnings)} warning{'' if len(self.report.warnings) == 1 else 's'}")


class _Timer:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self.last, 3)
        self.last = now


def _indexing(needed: bool, docs: list[SearchDoc], site: SiteContext,
              work: Path) -> contextlib.AbstractContextManager[Beside[SearchFolder] | None]:
    """Build the search index on the second core, when this build writes it."""
    if not needed:
        return contextlib.nullcontext()
    return beside(index_into, docs, site.topics, work, _saved_feeds(site))


def _saved_feeds(site: SiteContext) -> tuple[dict[str, object], ...]:
    """The saved searches the search page offers as feeds."""
    return saved.manifest_entries(site.options.feeds, site.latest is not None)


def _site_and_docs(annotated: tuple[Annotated, ...], contents: Inputs, options: SiteOptions,
                   work: Path | None = None) -> tuple[SiteContext, list[SearchDoc]]:
    """What the pages are rendered from, and the papers as the search sees them (the saved searches' finds
    are the search stage's, handed to the render stage for their feeds). work: the work folder, where the search
    documents and BibTeX entries made are kept for the next build."""
    topics = topics_in_use(annotated, contents.taxonomy)
    docs = documents(annotated, topics, work)
    found = saved.found(options.feeds, docs, topics) if options.feeds else {}
    derived = Derived(topics, found, citations(annotated, work))
    return site_context(annotated, contents.listings, derived, options, contents.duplicate_count), docs


def render_site(annotated: tuple[Annotated, ...], listings: tuple[Listing, ...], taxonomy: Taxonomy,
                options: SiteOptions, duplicate_count: int = 0) -> RenderedSite:
    """Return every generated page, and the feeds and .bib files that go with them (the golden test's view)."""
    contents = Inputs(listings=tuple(listings), records=(), papers=(), entry_count=0, duplicate_count=duplicate_count,
                      taxonomy=taxonomy, notes={}, link_checks={})
    return render(_site_and_docs(annotated, contents, options)[0])


def build(options: BuildOptions, report: Report | None = None) -> BuildResult:
    """Build the site from the archive; raise SitegenError when nothing usable is left.

    Problems go to report (a new one when not given) as they are found, so a failed build still has them.
    When nothing the site is built from changed since the site in place was built, say so and write nothing
    (publish/uptodate.py).
    """
    report = report or Report()
    first = len(report.problems)
    started = time.perf_counter()
    project, layout = _plan(options)
    with staging.held(layout):
        inputs = uptodate.stamp(project, options.archive, _settings(options))
        kept = uptodate.kept(layout, inputs, report)
        if kept is not None:
            return BuildResult.unchanged_site(kept, report, time.perf_counter() - started)
        result = _built(options, project, layout, report, None)[0]
        uptodate.remember(layout, inputs, result.counts(), report.problems[first:])
    return result


def _settings(options: BuildOptions) -> dict[str, object]:
    """The options that shape what a build writes (jobs and force do not)."""
    return {"archive": str(options.archive.resolve()), "site": str(options.site_dir.resolve()),
            "config": str(options.config_file.resolve()) if options.config_file else None,
            "strict": options.strict, "shard": options.shard, "keep_docs": options.keep_docs,
            "site_url": options.site_url, "published": options.published}


def _plan(options: BuildOptions) -> tuple[Project, Layout]:
    """Read the project and check where the build writes, before anything is read or written."""
    project = load_project(options.config_file)
    if options.site_url:
        project = replace(project, config={**project.config, "site_url": options.site_url})
    layout = Layout.for_site(options.site_dir, project.config_file)
    check_outputs(layout, Protected.of(options.archive, project.config_file, project.docs_dir), options.site_dir,
                  force=options.force)
    return project, layout


def _build(options: BuildOptions, report: Report, tolerated: frozenset[str] | None) -> tuple[BuildResult, Built]:
    """The build, holding the site's lock; tolerated, when set: the files that may be skipped (another skipped
    file fails the build)."""
    project, layout = _plan(options)
    with staging.held(layout):
        return _built(options, project, layout, report, tolerated)


def _built(options: BuildOptions, project: Project, layout: Layout, report: Report,
           tolerated: frozenset[str] | None) -> tuple[BuildResult, Built]:
    """Every stage, top to bottom (the caller holds the site's lock)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTIONS_EVERY)
    try:
        return _stages(options, project, layout, report, tolerated)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()  # what the build held may go now (a `sitegen serve` builds again and again)


FULL_COLLECTIONS_EVERY = 100
"""Collections of the middle generation between two full ones while a build runs (Python's default: 10). What
the build keeps grows by the hundred thousand objects between stages (_settle()), and each full collection
looked through it again: seven of them took 0.29 s of a 10k day's rebuild. Cycles that die young (a page's
Markdown parser) are still collected with the young generations."""


def _settle() -> None:
    """Take what the stages so far made out of the garbage collector's sight until the build ends: it lives
    that long anyway, and each full collection would look through all of it again (a second at 10,000 papers)."""
    gc.freeze()


def _stages(options: BuildOptions, project: Project, layout: Layout, report: Report,
            tolerated: frozenset[str] | None) -> tuple[BuildResult, Built]:
    result = BuildResult(report=report)
    timer = _Timer(result.seconds)
    stated = stated_epoch()

    contents = read_inputs(Archive(options.archive), report, layout.work)
    result.epoch = build_epoch(stated, contents.listings)
    timer.lap("ingest")
    _settle()

    with annotating(contents.papers, contents.taxonomy, contents.notes, contents.link_checks, layout.work) as started:
        site, docs = _site_and_docs(started.annotations, contents, _options(project, report),
                                    layout.work)  # related papers: later
        site = replace(site, work=layout.work)
        timer.lap("annotate")
        _settle()
        saved.check_topics(site.options.feeds, site.topics, project.config_file, report)
        _check_skipped(options.strict, tolerated, report)

        # The search index is static files MkDocs need not see: the second core builds it while the pages are
        # rendered and MkDocs runs (in a sharded build, only the shard that writes the site-wide files builds it).
        shard, shards = (options.shard[0] - 1, options.shard[1]) if options.shard else (0, 1)
        with _indexing(shard == 0, docs, site, layout.work) as index:
            site, rendered = _render_around(site, started)
            pages = {**rendered.pages, **rendered.files,
                     SEARCH_PAGE: page_for(docs, rendered.topics, _saved_feeds(site))}
            timer.lap("render")
            _settle()
            run = staging.Run(project, layout, options.strict, result.epoch, Split(shard, shards, options.jobs),
                              options.keep_docs)
            staged = staging.run_mkdocs(run, pages, rendered.nav, report)
            staging.swap_in(staged, index.result() if index else None)
    timer.lap("mkdocs")
    result.seconds["index"] = index.seconds if index else 0.0
    if options.published and not site.options.site_url:  # said once the site is built: a failure says only why
        report.warn(NO_SITE_URL, path=project.config_file or "mkdocs.yml", hint=NO_SITE_URL_HINT)

    annotated = site.annotated
    result.paper_count, result.entry_count = len(annotated), contents.entry_count
    result.duplicate_count, result.listing_count = contents.duplicate_count, len(contents.listings)
    result.topic_count, result.page_count = len(rendered.topics), len(rendered.pages)
    result.rendered_count, result.site_page_count = staged.rendered, staged.page_total
    return result, Built(contents, annotated, site, rendered, staged, frozenset(report.skipped))


def _render_around(site: SiteContext, started: Annotating) -> tuple[SiteContext, RenderedSite]:
    """Render the pages that show no related papers while the second core finds them and draws the stats page's
    charts, then the papers' own; return the site with its related papers, and every page."""
    families = frozenset(name for name, _ in FAMILIES)
    with beside(page_and_charts, site.annotated, here=len(site.annotated) < FORK_FROM) as drawn:
        rest = render(site, skip=PAPERS | STATS)
        site = with_related(site, started.with_related())
        stats, charts = drawn.result()
        keep_drawn(charts)  # the next build in this process (`sitegen serve`) draws only the charts that changed
        site = replace(site, stats=stats)
    papers = render(site, skip=families - PAPERS - STATS)
    return site, RenderedSite({**papers.pages, **rest.pages}, rest.nav, rest.topics, {**papers.files, **rest.files})


def _options(project: Project, report: Report) -> SiteOptions:
    return site_options(project.config, project.config_file, project.text, report)


def _check_skipped(strict: bool, tolerated: frozenset[str] | None, report: Report) -> None:
    """Fail before anything is written when a file was skipped and the options do not allow it."""
    if strict and report.skipped:
        raise BuildError(f"{len(report.skipped)} file(s) were skipped and --strict is set",
                         hint="fix or remove: " + ", ".join(report.skipped))
    if tolerated is not None and (new := sorted(set(report.skipped) - tolerated)):
        raise BuildError(f"{len(new)} file(s) could not be read; the last good site stays",
                         hint="fix: " + ", ".join(new))


# -------------------------------------------------------------------------------------------------------------
# `sitegen serve`: a full build kept with MkDocs loaded on it, then the quick paths for curators' notes and for
# new listings


@dataclass(frozen=True, slots=True)
class Served:
    """A site built for `sitegen serve`: what its build made, and MkDocs kept loaded on it."""

    built: Built
    live: LiveSite
    warnings: tuple[str, ...]
    """MkDocs' warnings while it loaded."""


def build_served(options: BuildOptions, report: Report, tolerated: frozenset[str] | None) -> tuple[BuildResult,
                                                                                                   Served]:
    """A full build for `sitegen serve`; tolerated: the files the previous one skipped, which may still be."""
    result, built = _build(options, report, tolerated)
    staged = built.staged
    live = LiveSite(staged.config_path, staged.layout.site, staged.docs, staged.epoch)
    return result, Served(built, live, tuple(live.warnings))


def project_paths(config_file: Path | None) -> list[Path]:
    """Return the project's files a serve session watches besides the archive: mkdocs.yml and the docs folder."""
    project = load_project(config_file)
    return [p for p in (project.docs_dir, project.config_file) if p is not None]


def read_notes(served: Served, archive: Path, report: Report) -> dict[str, Note]:
    """Read the curators' notes again (reporting what cannot be read)."""
    return load_notes(Archive(archive), {paper.slug for paper in served.built.contents.papers}, report)


@dataclass(frozen=True, slots=True)
class NotesUpdate:
    """What the quick path did: the site after a change of notes, and the pages it rendered again."""

    served: Served
    pages: int
    warnings: tuple[str, ...]
    """MkDocs' warnings on those pages."""


def update_notes(served: Served, notes: Mapping[str, Note], show: Callable[[], None]) -> NotesUpdate | None:
    """Render again what a change of notes touches: the changed papers' own pages first (then show() reloads
    what the curator looks at), then the pages that list them, the feeds and the search index. None when the
    change needs a full build (a page comes or goes)."""
    built, live = served.built, served.live
    annotated, changed = _annotate_again(built, notes)
    touched = paper_pages(built.site, [a for a in annotated if a.slug in changed])
    if not all(live.has(rel) for rel in touched):
        return None
    warnings = live.render(touched)
    show()
    update = _the_rest(built, replace(built.contents, notes=dict(notes)), annotated, changed)
    if update is None:
        return None
    later = {rel: text for rel, text in update.markdown.items()
             if rel not in touched and built.staged.pages.get(rel) != text}
    warnings += live.render(later)
    staged = built.staged
    _write_files(staged, {rel: text for rel, text in update.rendered.files.items()
                          if built.rendered.files[rel] != text})
    write_assets(search_index(update.docs, update.site.topics, _saved_feeds(update.site), staged.layout.work).files,
                 staged.layout.site)
    digests = incremental.page_digests(update.markdown)
    incremental.finish(staged.layout.work, staged.layout.site, staged.stamp, digests)
    rebuilt = replace(built, contents=update.contents, annotated=annotated, site=update.site,
                      rendered=update.rendered, staged=replace(staged, pages=update.markdown, digests=digests))
    return NotesUpdate(replace(served, built=rebuilt), len(touched) + len(later), tuple(warnings))


def _write_files(staged: staging.Staged, files: dict[str, str]) -> None:
    """Write changed feeds and .bib files into the site, and into the docs the next full build compares."""
    with fs.public_umask():
        for rel, text in files.items():
            fs.write_work_file(staged.docs.folder / rel, text)
            fs.write_text(staged.layout.site / rel, text)


@dataclass(frozen=True, slots=True)
class _Update:
    """The site after a change of notes, everything but the changed papers' own pages."""

    contents: Inputs
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


def _the_rest(built: Built, contents: Inputs, annotated: tuple[Annotated, ...], changed: set[str]) -> _Update | None:
    """Render what lists the changed papers: the pages of papers that name them as related, and every page
    that is not a paper's; None when that adds or removes a page."""
    site, docs = _site_and_docs(annotated, contents, built.site.options)
    rest = render(site, skip=PAPERS)
    related = paper_pages(site, [a for a in annotated if a.slug in changed or changed & set(a.related)])
    rendered = RenderedSite({**built.rendered.pages, **related, **rest.pages}, rest.nav, rest.topics,
                            {**built.rendered.files, **rest.files})
    old = built.rendered
    if rendered.pages.keys() != old.pages.keys() or rendered.topics != old.topics \
            or rendered.files.keys() != old.files.keys():
        return None
    markdown = {**rendered.pages, SEARCH_PAGE: page_for(docs, rendered.topics, _saved_feeds(site))}
    return _Update(contents, site, rendered, markdown, docs)


def show_new_papers(served: Served, archive: Path, show: Callable[[], None]) -> int:
    """`sitegen serve`'s early look at new or changed listings: render the pages of the papers they bring or change
    (related papers as the site has them) into the served site and show() them; return how many. The caller then
    runs the full build, which puts them in the lists, the feeds and the search and renders them again. Nothing
    is shown (0) when the archive cannot be read as it is now: the full build says why."""
    built, layout = served.built, served.built.staged.layout
    report = Report()
    try:
        contents = read_inputs(Archive(archive), report, layout.work)
    except SitegenError:
        return 0
    old = built.site.by_slug
    fresh = [paper for paper in contents.papers if paper.slug not in old or old[paper.slug].paper != paper]
    if not fresh or set(report.skipped) - built.skipped:
        return 0
    annotated = [replace(annotate_one(paper, contents.taxonomy, contents.notes.get(paper.slug),
                                      contents.link_checks),
                         related=old[paper.slug].related if paper.slug in old else ()) for paper in fresh]
    pages = paper_pages(with_papers(built.site, annotated, contents.listings), annotated)
    try:
        served.live.add(pages)  # its warnings (a link to the listing's page, not there yet) are the full build's
    except BuildError:
        return 0
    incremental.rendered_early(layout.work, layout.site, pages)
    show()
    return len(pages)
