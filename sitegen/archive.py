"""The archive folder: where its files are, and what its optional manifest states.

    archive/
      listings/*.txt    pasted listing pages (required)
      archive.yml       optional manifest: capture dates of listings
      taxonomy.yml      optional topic taxonomy (the built-in default otherwise)
      notes/<slug>.md   optional curators' notes

A listing's capture date comes from the manifest, else from a `YYYY-MM-DD` prefix of its file name,
else only the page's own date line (month and day, year unknown).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import BuildError, ConfigError, Report
from sitegen.model import PartialDate
from sitegen.yamlfile import line_of, load_yaml

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_LISTING_KEYS = {"captured"}


@dataclass(frozen=True, slots=True)
class Archive:
    """Paths of an archive's parts."""

    root: Path

    @property
    def listings_dir(self) -> Path:
        return self.root / "listings"

    @property
    def manifest(self) -> Path:
        return self.root / "archive.yml"

    @property
    def taxonomy(self) -> Path:
        return self.root / "taxonomy.yml"

    @property
    def notes_dir(self) -> Path:
        return self.root / "notes"

    def refuse_to_overlap(self, outputs: Iterable[Path]) -> None:
        """Raise BuildError when a folder the build writes or replaces is, holds or lies in the archive."""
        root = self.root.resolve()
        for output in outputs:
            path = output.resolve()
            if path == root or root in path.parents or path in root.parents:
                raise BuildError(f"the build writes {output}, which would overlap the archive", path=self.root,
                                 hint="choose a --site-dir outside the archive; the tool never writes into it")

    def listing_files(self) -> list[Path]:
        """Return the listing files in name order (order never changes the output)."""
        if not self.listings_dir.is_dir():
            return []
        try:
            return sorted(p for p in self.listings_dir.iterdir() if p.is_file() and p.suffix == ".txt")
        except OSError as exc:
            raise BuildError(f"cannot be read: {exc.strerror}", path=self.listings_dir,
                             hint="check the folder's permissions") from None


def capture_dates(archive: Archive, report: Report) -> dict[str, PartialDate]:
    """Read the capture dates the manifest and the file names state, by listing file name."""
    dates: dict[str, PartialDate] = {}
    for path in archive.listing_files():
        match = _DATED_NAME.match(path.name)
        if match:
            try:
                day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
                dates[path.name] = PartialDate(day.year, day.month, day.day)
            except ValueError:
                report.warn(f"{path}: file name starts with {match[0]!r}, which is not a date; ignored")
    if archive.manifest.is_file():
        try:
            dates.update(_manifest_dates(archive.manifest, report))
        except ConfigError as exc:
            report.skip(exc)
        except OSError as exc:
            report.skip(ConfigError(f"cannot be read: {exc.strerror}", path=archive.manifest))
    return dates


def _manifest_dates(path: Path, report: Report) -> dict[str, PartialDate]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", path=path, hint="re-save it as UTF-8") from None
    data = load_yaml(path, text) or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping with a 'listings' key", path=path)
    for key in sorted(set(data) - {"listings"}, key=str):
        report.warn(ConfigError(f"unknown key {key!r}", path=path, line=line_of(text, str(key)),
                                hint="the manifest knows only 'listings'"))
    listings = data.get("listings") or {}
    if not isinstance(listings, dict):
        raise ConfigError("'listings' must map listing file names to {captured: YYYY-MM-DD}",
                          path=path, line=line_of(text, "listings"))
    dates: dict[str, PartialDate] = {}
    for name, entry in listings.items():
        line = line_of(text, str(name))
        if not isinstance(entry, dict):
            report.warn(ConfigError(f"listing {name!r}: expected a mapping like {{captured: 2025-12-16}}",
                                    path=path, line=line))
            continue
        for key in sorted(set(entry) - _LISTING_KEYS, key=str):
            report.warn(ConfigError(f"listing {name!r}: unknown key {key!r}", path=path, line=line,
                                    hint="only 'captured' is known"))
        captured = entry.get("captured")
        if isinstance(captured, datetime.datetime):
            captured = captured.date()
        if not isinstance(captured, datetime.date):
            report.warn(ConfigError(f"listing {name!r}: 'captured' must be a date like 2025-12-16, "
                                    f"not {captured!r}", path=path, line=line))
            continue
        dates[str(name)] = PartialDate(captured.year, captured.month, captured.day)
    return dates
