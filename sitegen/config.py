"""Typed settings read from YAML: sitegen's options in mkdocs.yml (`extra.sitegen`) and the archive's manifest.

Every mapping is checked one way: each known key is declared once with a one-line description, an unknown
key is reported by file and line (unknown_keys()), and a bad value is reported and its default used.

    # mkdocs.yml
    extra:
      sitegen:
        topic_order: notes-first     # notes-first, rating or newest

    # archive/archive.yml
    listings:
      2025-12-16.txt: {captured: 2025-12-16}
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.archive import Archive
from sitegen.errors import ConfigError, Report, shown
from sitegen.model import FIRST_YEAR, LAST_YEAR, Annotated, PartialDate
from sitegen.yamlfile import line_of, load_yaml


def unknown_keys(data: Mapping[Any, Any], known: Mapping[str, str], report: Report, *, path: Path | str | None,
                 text: str = "", line: int | None = None, where: str = "", hint: str = "",
                 first_line: int = 1) -> None:
    """Report each key of data that known does not declare: at its line in text (which starts at first_line),
    else at line."""
    for key in sorted(set(data) - set(known), key=str):
        found = line_of(text, str(key)[:1000]) if text else None
        report.warn(ConfigError(f"{where}unknown key {shown(key)}", path=path,
                                line=found + first_line - 1 if found else line,
                                hint=hint or "known keys: " + ", ".join(known)))


class TopicOrder(enum.Enum):
    """How a topic page orders its papers."""

    NEWEST = "newest"
    """Newest first."""
    NOTES_FIRST = "notes-first"
    """Papers with a curator's note first, each group newest first."""
    RATING = "rating"
    """Highest curator's rating first, unrated papers after them; newest first within a rating."""

    def sort_key(self, a: Annotated) -> tuple[Any, ...]:
        """Return a's sort key on a topic page."""
        rating = a.note.rating if a.note and a.note.rating else 0
        if self is TopicOrder.NOTES_FIRST:
            return (a.note is None, a.newest_first_key())
        if self is TopicOrder.RATING:
            return (-rating, a.newest_first_key())
        return (a.newest_first_key(),)

    def describe(self, papers: list[Annotated]) -> str:
        """Return how the page is ordered, for its introduction."""
        noted = sum(1 for a in papers if a.note)
        if self is TopicOrder.NOTES_FIRST and noted:
            return f"newest first; the {noted} with a curator's note come first"
        if self is TopicOrder.RATING and any(a.note and a.note.rating for a in papers):
            return "newest first within each curator's rating, highest rated first"
        return "newest first"


SITE_OPTIONS = {
    "topic_order": "how topic pages order their papers: notes-first, rating or newest",
}
"""The keys of `extra.sitegen` in mkdocs.yml."""


DEFAULT_SITE_NAME = "Paper archive"


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """What the project's mkdocs.yml tells sitegen: its own options and the MkDocs settings pages use."""

    site_name: str = DEFAULT_SITE_NAME
    """`site_name`: the home page's heading and the feeds' title."""
    site_url: str | None = None
    """`site_url`: makes feed links absolute."""
    topic_order: TopicOrder = TopicOrder.NOTES_FIRST
    """`extra.sitegen.topic_order`."""


def site_options(config: Mapping[str, Any], config_file: Path | None, report: Report) -> SiteOptions:
    """Read sitegen's options from the project's MkDocs config; report bad ones and use their defaults."""
    text = config_file.read_text(encoding="utf-8-sig") if config_file is not None and config_file.is_file() else ""
    extra = config.get("extra")
    options = extra.get("sitegen") if isinstance(extra, dict) else None
    options = options if isinstance(options, dict) else {}
    unknown_keys(options, SITE_OPTIONS, report, path=config_file, text=text, where="extra.sitegen: ")
    order = TopicOrder.NOTES_FIRST
    if options.get("topic_order") is not None:
        try:
            order = TopicOrder(options["topic_order"])
        except ValueError:
            report.warn(ConfigError(f"extra.sitegen.topic_order is {shown(options['topic_order'])}; using "
                                    "notes-first", path=config_file, line=line_of(text, "topic_order"),
                                    hint="use one of: " + ", ".join(o.value for o in TopicOrder)))
    return SiteOptions(site_name=str(config.get("site_name") or DEFAULT_SITE_NAME),
                       site_url=str(config["site_url"]) if config.get("site_url") else None, topic_order=order)


MANIFEST_KEYS = {"listings": "per listing file name, what the archive states of it"}
LISTING_KEYS = {"captured": "the day the listing page was captured, YYYY-MM-DD"}


def read_manifest(archive: Archive, report: Report) -> dict[str, PartialDate]:
    """Return the capture dates archive.yml states, by listing file name; report what it gets wrong."""
    path = archive.manifest
    text = archive.read_text(path)
    data = load_yaml(path, text) or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping with a 'listings' key", path=path)
    unknown_keys(data, MANIFEST_KEYS, report, path=path, text=text, hint="the manifest knows only 'listings'")
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
        unknown_keys(entry, LISTING_KEYS, report, path=path, line=line, where=where, hint="only 'captured' is known")
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
