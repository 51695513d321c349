"""Typed settings read from YAML: sitegen's options in mkdocs.yml (`extra.sitegen`) and the archive's manifest.

Every mapping is checked one way: each known key is declared once with a one-line description, an unknown
key is reported by file and line (unknown_keys()), and a bad value is reported and its default used.

    # mkdocs.yml
    extra:
      sitegen:
        topic_order: notes-first     # notes-first, rating or newest
        feeds:                       # saved searches, each an Atom and a JSON feed
          - {name: Pruning with code, words: pruning, code: true}

    # archive/archive.yml
    listings:
      2025-12-16.txt: {captured: 2025-12-16}
"""

from __future__ import annotations

import datetime
import enum
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slugify import slugify

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
    "feeds": "saved searches, each built into feeds/<slug>.xml and feeds/<slug>.json",
}
"""The keys of `extra.sitegen` in mkdocs.yml."""


DEFAULT_SITE_NAME = "Paper archive"
SAVED_SEARCH_KEYS = {
    "name": "the feed's title (its file name is made from it)",
    "words": "the words a paper must hold, as typed in the search box",
    "topic": "a topic's slug, as in topics/<slug>.html",
    "year": "a publication year",
    "code": "true: papers with code; working: papers whose code link was last found working",
}


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A saved search of `extra.sitegen.feeds`: what the search page would be asked, and its feeds' names."""

    name: str
    slug: str
    """feeds/<slug>.xml and feeds/<slug>.json."""
    words: str = ""
    topic: str = ""
    year: int | None = None
    code: str = ""
    """'' (any), '1' (has code) or 'working': the values of the search page's code filter."""

    def query(self) -> str:
        """Return the search page's address for this search (relative to the site's root)."""
        params = {"q": self.words, "topic": self.topic, "year": str(self.year or ""), "code": self.code}
        return "search.html?" + urllib.parse.urlencode({k: v for k, v in params.items() if v})


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """What the project's mkdocs.yml tells sitegen: its own options and the MkDocs settings pages use."""

    site_name: str = DEFAULT_SITE_NAME
    """`site_name`: the home page's heading and the feeds' title."""
    site_url: str | None = None
    """`site_url`: makes feed links absolute."""
    topic_order: TopicOrder = TopicOrder.NOTES_FIRST
    """`extra.sitegen.topic_order`."""
    feeds: tuple[SavedSearch, ...] = ()
    """`extra.sitegen.feeds`: saved searches."""


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
                       site_url=str(config["site_url"]) if config.get("site_url") else None, topic_order=order,
                       feeds=saved_searches(options.get("feeds"), config_file, text, report))


def saved_searches(entries: Any, config_file: Path | None, text: str, report: Report) -> tuple[SavedSearch, ...]:
    """Read `extra.sitegen.feeds`; report each bad entry (and skip it), keep the good ones."""
    if entries is None:
        return ()
    line = line_of(text, "feeds")
    if not isinstance(entries, list):
        report.warn(ConfigError(f"extra.sitegen.feeds is {shown(entries)}, not a list of saved searches",
                                path=config_file, line=line, hint="write one `- name: ...` entry per feed"))
        return ()
    saved: dict[str, SavedSearch] = {}
    for n, entry in enumerate(entries, 1):
        where = f"extra.sitegen.feeds entry {n}: "
        try:
            search = _saved_search(entry, where, config_file, text, report)
        except ValueError as exc:
            report.warn(ConfigError(f"{where}{exc}; this feed is not built", path=config_file, line=line,
                                    hint="a saved search has a name and words, a topic, a year or code: "
                                         "see the README"))
            continue
        if search.slug in saved:
            report.warn(ConfigError(f"{where}{search.name!r} makes the same file name as {saved[search.slug].name!r}"
                                    f" (feeds/{search.slug}.xml); it is not built", path=config_file, line=line,
                                    hint="give each feed a different name"))
            continue
        saved[search.slug] = search
    return tuple(saved.values())


def _saved_search(entry: Any, where: str, config_file: Path | None, text: str, report: Report) -> SavedSearch:
    if not isinstance(entry, dict):
        raise ValueError(f"{shown(entry)} is not a mapping")
    unknown_keys(entry, SAVED_SEARCH_KEYS, report, path=config_file, text=text, where=where)
    name, words, topic, year, code = (entry.get(k) for k in ("name", "words", "topic", "year", "code"))
    if not isinstance(name, str) or not name.strip():
        raise ValueError("it has no name")
    slug = slugify(name, max_length=80)
    if not slug:
        raise ValueError(f"its name {shown(name)} gives no file name")
    if words is not None and not isinstance(words, (str, int)):
        raise ValueError(f"words is {shown(words)}, not text")
    if topic is not None and not (isinstance(topic, str) and slugify(topic) == topic):
        raise ValueError(f"topic is {shown(topic)}, not a topic's slug (as in topics/<slug>.html)")
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool) and
                                 FIRST_YEAR <= year <= LAST_YEAR):
        raise ValueError(f"year is {shown(year)}, not a year from {FIRST_YEAR} to {LAST_YEAR}")
    codes = {None: "", False: "", True: "1", "working": "working"}
    if not isinstance(code, (bool, str, type(None))) or code not in codes:
        raise ValueError(f"code is {shown(code)}; use true or working")
    search = SavedSearch(name=name.strip(), slug=slug, words=str(words or "").strip(), topic=topic or "", year=year,
                         code=codes[code])
    if not (search.words or search.topic or search.year or search.code):
        raise ValueError("it asks for nothing: give it words, a topic, a year or code")
    return search


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
