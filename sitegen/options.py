"""sitegen's options in the project's mkdocs.yml (`extra.sitegen`), read once and typed.

Every mapping is checked one way: each known key is declared once with a one-line description, an unknown
key is reported by file and line (unknown_keys()), and a bad value is reported and its default used.

    # mkdocs.yml
    extra:
      sitegen:
        topic_order: notes-first     # notes-first, rating or newest
        feeds:                       # saved searches, each an Atom and a JSON feed
          - {name: Pruning with code, words: pruning, code: true}
"""

from __future__ import annotations

import enum
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slugify import slugify

from sitegen.errors import ConfigError, Report, shown
from sitegen.model import FIRST_YEAR, LAST_YEAR
from sitegen.text.slugs import page_name
from sitegen.yamlfile import Keys, line_of, unknown_keys


class TopicOrder(enum.Enum):
    """How a topic page orders its papers."""

    NEWEST = "newest"
    """Newest first."""
    NOTES_FIRST = "notes-first"
    """Papers with a curator's note first, each group newest first."""
    RATING = "rating"
    """Highest curator's rating first, unrated papers after them; newest first within a rating."""


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

    def feed_paths(self) -> tuple[str, str]:
        """Return the Atom and JSON feed paths of this saved search in the site."""
        return f"feeds/{self.slug}.xml", f"feeds/{self.slug}.json"

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
    """`site_url` (or `--site-url`): the address the site is published at, ending in "/". It makes feed links
    absolute and gives them rel=self; MkDocs makes from it the canonical links and the sitemap's entries, and
    robots.txt names the sitemap with it."""
    topic_order: TopicOrder = TopicOrder.NOTES_FIRST
    """`extra.sitegen.topic_order`."""
    feeds: tuple[SavedSearch, ...] = ()
    """`extra.sitegen.feeds`: saved searches."""


def site_options(config: Mapping[str, Any], config_file: Path | None, text: str, report: Report) -> SiteOptions:
    """Read sitegen's options from the project's MkDocs config (text: the file's, for the lines of problems);
    report bad ones and use their defaults."""
    extra = config.get("extra")
    options = extra.get("sitegen") if isinstance(extra, dict) else None
    options = options if isinstance(options, dict) else {}
    unknown_keys(options, SITE_OPTIONS, report, Keys(config_file, text=text, where="extra.sitegen: "))
    order = TopicOrder.NOTES_FIRST
    if options.get("topic_order") is not None:
        try:
            order = TopicOrder(options["topic_order"])
        except ValueError:
            report.warn(ConfigError(f"extra.sitegen.topic_order is {shown(options['topic_order'])}; using "
                                    "notes-first", path=config_file, line=line_of(text, "topic_order"),
                                    hint="use one of: " + ", ".join(o.value for o in TopicOrder)))
    url = str(config["site_url"]) if config.get("site_url") else None
    return SiteOptions(site_name=str(config.get("site_name") or DEFAULT_SITE_NAME),
                       site_url=url.rstrip("/") + "/" if url else None, topic_order=order,
                       feeds=saved_searches(options.get("feeds"), config_file, text, report))


def site_url(text: str) -> str:
    """Return a site address given on the command line, ending in "/"; ValueError when it is not an http(s)
    address of a folder (a scheme, a host, no query, fragment or password)."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or "@" in parts.netloc or any(c.isspace() or c in "<>\"'\\" for c in text.strip()):
        raise ValueError(f"{shown(text)} is not the http(s) address the site is published at, like "
                         "https://user.github.io/repository/")
    return parts.geturl().rstrip("/") + "/"


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
    unknown_keys(entry, SAVED_SEARCH_KEYS, report, Keys(config_file, text=text, where=where))
    name, words, topic, year, code = (entry.get(k) for k in ("name", "words", "topic", "year", "code"))
    if not isinstance(name, str) or not name.strip():
        raise ValueError("it has no name")
    slug = slugify(name, max_length=80)
    if not slug:
        raise ValueError(f"its name {shown(name)} gives no file name")
    if words is not None and not isinstance(words, (str, int)):
        raise ValueError(f"words is {shown(words)}, not text")
    if topic is not None and not (isinstance(topic, str) and page_name(topic) == topic):
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


