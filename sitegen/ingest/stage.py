"""The ingest stage: read the archive (listings, capture dates, taxonomy, notes) and merge papers.

read_archive() gathers everything the build needs before it annotates and renders: `sitegen build`,
`sitegen note` and the golden test all start from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.annotate.taxonomy import Taxonomy, load_taxonomy
from sitegen.archive import Archive
from sitegen.config import read_manifest
from sitegen.errors import BuildError, Report, SitegenError
from sitegen.ingest.arxiv import read_arxiv
from sitegen.ingest.hf import read_hf_records
from sitegen.ingest.hub_repos import FOLDER as HUB_FOLDER
from sitegen.ingest.hub_repos import read_hub_repos
from sitegen.ingest.merge import merge
from sitegen.ingest.readers import READERS, Source, reader_for
from sitegen.linkcheck.records import read_results
from sitegen.model import FIRST_YEAR, LAST_YEAR, Check, Listing, MetadataRecord, Note, Paper, PartialDate, SourceKind
from sitegen.notes import load_notes

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class ArchiveContents:
    """Everything the archive holds, read and checked: what the later stages work from."""

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
    link_checks: dict[str, tuple[Check, ...]] = field(default_factory=dict)
    """What `sitegen check-links` recorded in links.json, by URL."""


def read_archive(archive: Archive, report: Report) -> ArchiveContents:
    """Read every part of the archive; report and skip bad files; fail only when no listing is usable."""
    listings = ingest(archive, report)
    records = read_metadata(archive, report)
    merged = merge(listings, records, report)
    return ArchiveContents(
        listings=tuple(listings), records=tuple(records), papers=merged.papers, entry_count=merged.entry_count,
        duplicate_count=merged.duplicate_count, taxonomy=load_taxonomy(archive, report),
        notes=load_notes(archive, {paper.slug for paper in merged.papers}, report),
        link_checks=read_results(archive, report))


def ingest(archive: Archive, report: Report) -> list[Listing]:
    """Read every listing with the reader its suffix names; report and skip the bad ones."""
    files = archive.entries(archive.listings_dir, tuple(READERS), report, "a listing")
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
            source = Source(path, archive.read_bytes(path), dates.get(path.name))
            listings.append(reader_for(path).read(source, report))
        except SitegenError as exc:
            report.skip(exc)
    if not listings:
        raise BuildError("no usable listing: every file was skipped (see the warnings above)",
                         path=archive.listings_dir, hint="fix the files named above")
    return listings


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


def capture_dates(archive: Archive, files: list[Path], report: Report) -> dict[str, PartialDate]:
    """Return the capture dates the file names and the manifest state, by listing file name (the manifest wins)."""
    dates: dict[str, PartialDate] = {}
    for path in files:
        match = _DATED_NAME.match(path.name)
        if not match:
            continue
        day = PartialDate.checked(int(match[1]), int(match[2]), int(match[3]))
        if day is None:
            report.warn(f"file name starts with {match[0]!r}, which is not a date from {FIRST_YEAR} to "
                        f"{LAST_YEAR}; ignored", path=path, hint="rename the file if it is a typo")
        else:
            dates[path.name] = day
    if archive.has(archive.manifest):
        try:
            dates.update(read_manifest(archive, report))
        except SitegenError as exc:
            report.skip(exc)
    return dates
