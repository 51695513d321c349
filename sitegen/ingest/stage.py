"""The ingest stage: read the listings and the API answers about single papers, and merge them into papers.

ingest() is all the commands that need the papers and nothing else (`sitegen note`, `check-links`,
`fetch --enrich`) read; the build reads the archive's other files (taxonomy, notes, links.json) with the
readers of sitegen/archive/ beside it (pipeline.read_inputs()).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.archive import Archive
from sitegen.archive.manifest import capture_dates
from sitegen.errors import BuildError, Problem, Report, SitegenError
from sitegen.ingest.arxiv import read_arxiv
from sitegen.ingest.grouping import group_papers
from sitegen.ingest.hf import read_hf_records
from sitegen.ingest.hub_repos import FOLDER as HUB_FOLDER
from sitegen.ingest.hub_repos import read_hub_repos
from sitegen.ingest.readers import READERS, Source, reader_for
from sitegen.memo import Memo, key
from sitegen.model import Listing, MetadataRecord, Paper, SourceKind
from sitegen.text.slugs import slug_for


@dataclass(frozen=True, slots=True)
class Ingested:
    """The archive's papers, read and merged: what the later stages work from."""

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


def ingest(archive: Archive, report: Report, work: Path | None = None) -> Ingested:
    """Read the listings and metadata; report and skip bad files; fail only when no listing is usable.

    work: the build's work folder, where each listing read is kept for the next build (sitegen/memo.py)."""
    listings = read_listings(archive, report, work)
    records = read_metadata(archive, report)
    slugs = _KeptSlugs(work)
    merged = group_papers(listings, records, report, slugs.slug_for)
    slugs.memo.save()
    return Ingested(listings=tuple(listings), records=tuple(records), papers=merged.papers,
                    entry_count=merged.entry_count, duplicate_count=merged.duplicate_count)


def read_listings(archive: Archive, report: Report, work: Path | None = None) -> list[Listing]:
    """Read every listing with the reader its suffix names; report and skip the bad ones."""
    memo: Memo[tuple[Listing, list[Problem]]] = Memo(work, "listings")
    files = archive.entries(archive.listings_dir, tuple(READERS), report, "a listing")
    if not files:
        if report.skipped:
            raise BuildError("no usable listing: every file was skipped (see the warnings above)",
                             path=archive.listings_dir, hint="fix the files named above")
        raise _no_listings(archive)
    dates = capture_dates(archive, files, report)
    listings: list[Listing] = []
    for path in files:
        try:
            listings.append(_read(Source(path, archive.read_bytes(path), dates.get(path.name)), report, memo))
        except SitegenError as exc:
            report.skip(exc)
    memo.save()
    if not listings:
        raise BuildError("no usable listing: every file was skipped (see the warnings above)",
                         path=archive.listings_dir, hint="fix the files named above")
    return listings


def _read(source: Source, report: Report, memo: Memo[tuple[Listing, list[Problem]]]) -> Listing:
    """Read one listing, or take what the last build read from the same bytes (its warnings said again)."""
    digest = key(str(source.path), source.data, source.captured)
    kept = memo.get(digest)
    if kept is None:
        said = Report()
        kept = memo.put(digest, (reader_for(source.path).read(source, said), said.problems))
    listing, problems = kept
    report.problems.extend(problems)
    return listing


class _KeptSlugs:
    """slug_for(), or the page name the last build gave the same title (python-slugify takes a fifth of a second
    for 10,000 titles)."""

    def __init__(self, work: Path | None) -> None:
        self.memo: Memo[str] = Memo(work, "slugs")

    def slug_for(self, title: str) -> str:
        digest = title.encode("utf-8", "surrogatepass")  # the memo is keyed by python-slugify's version too
        return self.memo.get(digest) or self.memo.put(digest, slug_for(title))


def _no_listings(archive: Archive) -> BuildError:
    """The error for an archive without listings: say which folder is missing, if one is."""
    if not archive.root.is_dir():
        return BuildError("no such folder", path=archive.root,
                          hint="run sitegen in the project folder, or name the archive with --archive DIR")
    if not archive.listings_dir.is_dir():
        return BuildError("no such folder", path=archive.listings_dir,
                          hint="put pasted listing pages (.txt) or saved API answers (.json) in it, or name another "
                               "archive with --archive DIR")
    return BuildError("no listings found", path=archive.listings_dir,
                      hint="put pasted listing pages (.txt) or saved API answers (.json) in this folder")


def read_metadata(archive: Archive, report: Report) -> list[MetadataRecord]:
    """Read metadata/arxiv/*.xml, metadata/hf/*.json and metadata/hf-repos/*.json: what the APIs state of papers."""
    records: list[MetadataRecord] = []
    # An hf-repos answer states only which Hub repositories cite the paper its file name names: a record whose
    # entry has no title, which adds to that paper and never makes one.
    for folder, suffix, source, read in (("arxiv", ".xml", SourceKind.ARXIV, read_arxiv),
                                         ("hf", ".json", SourceKind.HF, read_hf_records),
                                         (HUB_FOLDER, ".json", SourceKind.HF, read_hub_repos)):
        try:
            files = archive.entries(archive.metadata_dir / folder, (suffix,), report, f"{source.value} metadata")
        except SitegenError as exc:
            report.skip(exc)
            continue
        for path in files:
            try:
                entries = read(path, archive.read_bytes(path), report)
            except SitegenError as exc:
                report.skip(exc)
                continue
            records += [MetadataRecord(source, f"metadata/{folder}/{path.name}", entry) for entry in entries]
    return records
