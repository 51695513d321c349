"""The archive folder: where its files are, reading them safely, and what its optional manifest states.

    archive/
      listings/*.txt    pasted listing pages (required)
      archive.yml       optional manifest: capture dates of listings
      taxonomy.yml      optional topic taxonomy (the built-in default otherwise)
      notes/<slug>.md   optional curators' notes

Every file of the archive is read through Archive.read_bytes(): a symbolic link is followed only when it
stays inside the archive, and only regular files are read (a FIFO would block the build forever).

A listing's capture date comes from the manifest, else from a `YYYY-MM-DD` prefix of its file name,
else only the page's own date line (month and day, year unknown).
"""

from __future__ import annotations

import datetime
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import ArchiveFileError, ConfigError, Report, SitegenError, shown
from sitegen.model import FIRST_YEAR, LAST_YEAR, PartialDate
from sitegen.yamlfile import line_of, load_yaml

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_LISTING_KEYS = {"captured"}
LISTING_SUFFIXES = (".txt",)
"""File types the listings folder holds."""


@dataclass(frozen=True, slots=True)
class Archive:
    """An archive folder and the paths of its parts."""

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

    def contains(self, path: Path) -> bool:
        """Tell whether path, its links followed, lies inside the archive."""
        return path.resolve().is_relative_to(self.root.resolve())

    def check(self, path: Path) -> None:
        """Raise ArchiveFileError unless path is a regular file inside the archive (links followed)."""
        if path.is_symlink() or not self.contains(path):
            target = path.resolve()
            if not target.exists():
                raise ArchiveFileError(f"is a symbolic link to {target}, which does not exist", path=path,
                                       hint="remove the link or make it point at a file in the archive")
            if not self.contains(path):
                raise ArchiveFileError(f"leads to {target}, outside the archive; it is not read", path=path,
                                       hint="copy the file into the archive instead of linking to it")
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=path) from None
        if stat.S_ISDIR(mode):
            raise ArchiveFileError("is a folder, not a file", path=path, hint="rename or move it")
        if not stat.S_ISREG(mode):
            raise ArchiveFileError("is not a regular file (a FIFO, socket or device); it is not read", path=path,
                                   hint="replace it with a plain file")

    def read_bytes(self, path: Path) -> bytes:
        """Return the bytes of a regular file inside the archive; raise ArchiveFileError for anything else."""
        self.check(path)
        try:
            # O_NONBLOCK: a FIFO swapped in after the check opens at once instead of blocking; fstat refuses it.
            fd = os.open(path.resolve(), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=path) from None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ArchiveFileError("is not a regular file; it is not read", path=path)
            try:
                return handle.read()
            except OSError as exc:
                raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=path) from None

    def read_text(self, path: Path) -> str:
        """Return a UTF-8 text file of the archive (a BOM allowed); ConfigError when it is not UTF-8."""
        try:
            return self.read_bytes(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError("is not UTF-8 text", path=path, hint="re-save it as UTF-8") from None

    def has(self, path: Path) -> bool:
        """Tell whether the archive has something at path (a dangling link counts: it is reported)."""
        return path.is_symlink() or path.exists()

    def entries(self, folder: Path, suffixes: Iterable[str], report: Report, what: str) -> list[Path]:
        """Return the readable files of folder with one of suffixes, in name order; report every other entry.

        Hidden files (editors' swap and backup files) are passed over in silence.
        """
        if not self.has(folder):
            return []
        try:
            self.folder(folder)
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise ArchiveFileError(f"cannot be read: {exc.strerror}", path=folder,
                                   hint="check the folder's permissions") from None
        wanted = tuple(suffixes)
        found = []
        for name in names:
            path = folder / name
            if name.startswith("."):
                continue
            if not name.endswith(wanted):
                report.warn(f"not {what} (sitegen reads {', '.join(wanted)} files here); ignored", path=path)
                continue
            try:
                self.check(path)
            except ArchiveFileError as exc:
                report.skip(exc)
                continue
            found.append(path)
        return found

    def folder(self, path: Path) -> None:
        """Raise ArchiveFileError unless path is a folder inside the archive."""
        if not self.contains(path):
            raise ArchiveFileError(f"leads to {path.resolve()}, outside the archive; it is not read", path=path,
                                   hint="move the folder into the archive instead of linking to it")
        if not path.is_dir():
            raise ArchiveFileError(f"is {'a file' if path.exists() else 'missing'}, not a folder", path=path,
                                   hint=f"the archive keeps its {path.name} in a folder of that name")

    def listing_files(self, report: Report | None = None) -> list[Path]:
        """Return the listing files in name order (order never changes the output); report the others."""
        return self.entries(self.listings_dir, LISTING_SUFFIXES, report or Report(), "a listing")


def capture_dates(archive: Archive, files: list[Path], report: Report) -> dict[str, PartialDate]:
    """Read the capture dates the manifest and the file names state, by listing file name."""
    dates: dict[str, PartialDate] = {}
    for path in files:
        match = _DATED_NAME.match(path.name)
        if match:
            day = _date(int(match[1]), int(match[2]), int(match[3]))
            if day is None:
                report.warn(f"file name starts with {match[0]!r}, which is not a date from {FIRST_YEAR} to "
                            f"{LAST_YEAR}; ignored", path=path, hint="rename the file if it is a typo")
            else:
                dates[path.name] = day
    if archive.has(archive.manifest):
        try:
            dates.update(_manifest_dates(archive, report))
        except SitegenError as exc:
            report.skip(exc)
    return dates


def _date(year: int, month: int, day: int) -> PartialDate | None:
    """Return the date if it is a real calendar day within the years sitegen accepts."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def _manifest_dates(archive: Archive, report: Report) -> dict[str, PartialDate]:
    path = archive.manifest
    text = archive.read_text(path)
    data = load_yaml(path, text) or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping with a 'listings' key", path=path)
    for key in sorted(set(data) - {"listings"}, key=str):
        report.warn(ConfigError(f"unknown key {shown(key)}", path=path, line=line_of(text, str(key)),
                                hint="the manifest knows only 'listings'"))
    listings = data.get("listings") or {}
    if not isinstance(listings, dict):
        raise ConfigError("'listings' must map listing file names to {captured: YYYY-MM-DD}",
                          path=path, line=line_of(text, "listings"))
    dates: dict[str, PartialDate] = {}
    for name, entry in listings.items():
        line = line_of(text, str(name)[:1000])
        if not isinstance(entry, dict):
            report.warn(ConfigError(f"listing {shown(name)}: expected a mapping like {{captured: 2025-12-16}}",
                                    path=path, line=line))
            continue
        for key in sorted(set(entry) - _LISTING_KEYS, key=str):
            report.warn(ConfigError(f"listing {shown(name)}: unknown key {shown(key)}", path=path, line=line,
                                    hint="only 'captured' is known"))
        captured = entry.get("captured")
        if isinstance(captured, datetime.datetime):
            captured = captured.date()
        if not isinstance(captured, datetime.date):
            report.warn(ConfigError(f"listing {shown(name)}: 'captured' must be a date like 2025-12-16, "
                                    f"not {shown(captured)}", path=path, line=line))
            continue
        day = _date(captured.year, captured.month, captured.day)
        if day is None:
            report.warn(ConfigError(f"listing {shown(name)}: captured {captured.isoformat()} is outside the years "
                                    f"{FIRST_YEAR}-{LAST_YEAR}; ignored", path=path, line=line,
                                    hint="is the year a typo? fix it"))
            continue
        dates[str(name)] = day
    return dates
