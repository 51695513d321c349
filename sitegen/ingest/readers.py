"""Readers of listing files, chosen by the file's suffix (pelican's readers: one small contract each).

A reader turns one file of the archive's listings folder into a Listing: `read(source, report) -> Listing`.
It raises a SitegenError naming the file when the file is not what its suffix says (the build skips it),
and reports lesser problems, by line, to the report. Adding a source format is adding a reader to READERS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sitegen.errors import Report
from sitegen.ingest.hf import read_hf_listing
from sitegen.ingest.listing import read_listing
from sitegen.model import Listing, PartialDate


@dataclass(frozen=True, slots=True)
class Source:
    """One listing file, read: where it is, its bytes, and the capture date the archive states for it."""

    path: Path
    """The file, as the archive names it (for messages)."""
    data: bytes
    """Its bytes (read through Archive.read_bytes, which never leaves the archive)."""
    captured: PartialDate | None
    """The capture date archive.yml or the file name states, if any."""


class Reader(Protocol):
    """Reads one kind of listing file."""

    def read(self, source: Source, report: Report) -> Listing:
        """Return the file's listing; raise SitegenError (naming the file) when it is not one."""
        ...


class PastedListing:
    """A Hugging Face listing page pasted into a text file (ingest/listing.py)."""

    def read(self, source: Source, report: Report) -> Listing:
        return read_listing(source.path, source.captured, report, source.data)


class DailyPapers:
    """A day's Hugging Face daily papers, as the API returned them (ingest/hf.py)."""

    def read(self, source: Source, report: Report) -> Listing:
        return read_hf_listing(source.path, source.data, source.captured, report)


READERS: dict[str, Reader] = {
    ".txt": PastedListing(),
    ".json": DailyPapers(),
}
"""The reader for each suffix the listings folder may hold."""


def reader_for(path: Path) -> Reader:
    """Return the reader of a listing file (its suffix is one of READERS)."""
    return READERS[path.suffix.lower()]
