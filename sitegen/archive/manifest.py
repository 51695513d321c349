"""archive.yml: the archive's own options, and the capture dates of its listings.

    listings:
      2025-12-16.txt: {captured: 2025-12-16}

A listing's capture date is what archive.yml states, else a `YYYY-MM-DD` prefix of its file name.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from sitegen.archive.folder import Archive
from sitegen.errors import ConfigError, Report, SitegenError, shown
from sitegen.model import FIRST_YEAR, LAST_YEAR, PartialDate
from sitegen.yamlfile import Keys, line_of, load_yaml, unknown_keys

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
MANIFEST_KEYS = {"listings": "per listing file name, what the archive states of it"}
LISTING_KEYS = {"captured": "the day the listing page was captured, YYYY-MM-DD"}


def read_manifest(archive: Archive, report: Report) -> dict[str, PartialDate]:
    """Return the capture dates archive.yml states, by listing file name; report what it gets wrong."""
    path = archive.manifest
    text = archive.read_text(path)
    data = load_yaml(path, text) or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping with a 'listings' key", path=path)
    unknown_keys(data, MANIFEST_KEYS, report, Keys(path, text=text, hint="the manifest knows only 'listings'"))
    listings = data.get("listings") or {}
    if not isinstance(listings, dict):
        raise ConfigError("'listings' must map listing file names to {captured: YYYY-MM-DD}",
                          path=path, line=line_of(text, "listings"))
    dates: dict[str, PartialDate] = {}
    for name, entry in listings.items():
        line = line_of(text, str(name)[:1000])
        where = f"listing {shown(name)}: "
        if not isinstance(entry, dict):
            report.warn(ConfigError(f"{where}expected a mapping like {{captured: 2025-12-16}}", path=path, line=line))
            continue
        unknown_keys(entry, LISTING_KEYS, report, Keys(path, line=line, where=where, hint="only 'captured' is known"))
        day = _captured(entry.get("captured"), where, path, line, report)
        if day is not None:
            dates[str(name)] = day
    return dates


def _captured(value: Any, where: str, path: Path, line: int | None, report: Report) -> PartialDate | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        report.warn(ConfigError(f"{where}'captured' must be a date like 2025-12-16, not {shown(value)}", path=path,
                                line=line))
        return None
    day = PartialDate.checked(value.year, value.month, value.day)
    if day is None:
        report.warn(ConfigError(f"{where}captured {value.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR}; "
                                "ignored", path=path, line=line, hint="is the year a typo? fix it"))
    return day


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
