"""Feeds of the newest papers: Atom (feedgen) and JSON Feed 1.1 (a dict, serialised by json).

A paper's feed date is its publication date, or for an undated paper the day the archive first captured it;
a paper with neither (no year anywhere: its listings' capture dates have no year) is filed under the archive's
earliest capture date that has one (undated_day()), a date that stays put as the archive grows, so a reader
does not see such entries updated by every new capture. Only when no listing states a year is such a paper
left out, since a feed entry must have a date. No date comes from the clock, so the same archive gives the
same feeds. Links are absolute, with rel=self (JSON Feed: home_page_url and feed_url), when a `site_url` is
set, and relative to the feed otherwise. A paper a source says was withdrawn keeps its entry, its title
marked "[Withdrawn] " and its categories (tags) holding "withdrawn", so that a reader sees it in any feed reader.
"""

from __future__ import annotations

import datetime
import heapq
import json
import posixpath
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import metadata

from feedgen.feed import FeedGenerator

from sitegen import __version__, feedlinks
from sitegen.model import Annotated, Listing, PartialDate
from sitegen.text.latex import plain

WRITERS = (__version__, metadata.version("feedgen"), metadata.version("lxml"))
"""What writes a feed besides sitegen's code: an Atom feed names sitegen's version, and feedgen and lxml lay it out
(a feed kept from the last build is kept only while these are the same)."""
FEED_SIZE = 50
"""Entries per feed."""
SITE_FEED = "The newest papers in the archive"
"""The subtitle of the site's own feeds."""
FEED_AUTHORS = 50
"""Authors an entry names."""
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
WITHDRAWN = "withdrawn"
"""The category (Atom) and tag (JSON Feed) of a withdrawn paper."""
# Characters XML 1.0 cannot hold (lxml refuses them), and the DEL and C1 controls it discourages.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed to write: where it goes, what it is called and the page it accompanies."""

    path: str
    """Path of the feed in the site, e.g. feed.xml or topics/pruning.xml."""
    title: str
    subtitle: str
    page: str
    """The HTML page the feed follows, e.g. index.html or topics/pruning.html."""
    undated: datetime.date | None = None
    """The date a paper stating no year anywhere is filed under (undated_day()); None leaves such papers out."""


def undated_day(listings: Iterable[Listing]) -> datetime.date | None:
    """Return the date papers stating no year anywhere are filed under: the earliest capture date with a year
    any listing states; None when none does."""
    days = [_day(lst.captured) for lst in listings if lst.captured and lst.captured.year]
    return min(days) if days else None


def feed_date(a: Annotated, undated: datetime.date | None = None) -> datetime.date | None:
    """Return the date a paper is filed under in feeds: published, else first captured, else undated."""
    published = a.paper.published
    if published and published.year:
        return _day(published)
    first = a.paper.first_capture
    return _day(first) if first else undated


def newest(papers: Iterable[Annotated], size: int = FEED_SIZE, undated: datetime.date | None = None,
           order: FeedOrder | None = None) -> list[tuple[Annotated, datetime.date]]:
    """Return the newest papers with their feed dates, newest first (ties by page name); a paper stating no
    year anywhere is filed under undated, or left out without it. order: the site's papers in that order
    (feed_order(), with the same undated), to take them from."""
    if order is not None and order.undated == undated:
        rank = order.rank
        ranks = heapq.nsmallest(size, (n for a in papers if (n := rank.get(a.slug)) is not None))
        return [order.entries[n] for n in ranks]
    dated = ((a, day) for a in papers if (day := feed_date(a, undated)) is not None)
    return heapq.nsmallest(size, dated, key=_newest_first)


def _newest_first(entry: tuple[Annotated, datetime.date]) -> tuple[int, str]:
    return -entry[1].toordinal(), entry[0].slug


@dataclass(frozen=True, slots=True)
class FeedOrder:
    """A site's papers in feed order, worked out once for its many feeds (each takes its newest from it)."""

    undated: datetime.date | None
    """The date undated papers are filed under (feed_date())."""
    entries: tuple[tuple[Annotated, datetime.date], ...]
    """Every paper with a feed date and that date, newest first (ties by page name)."""
    rank: dict[str, int]
    """Each of those papers' place in entries, by slug."""
    latest: datetime.date | None
    """The newest date a paper is filed under without undated: None when no paper has one."""

    def swapped(self, papers: dict[str, Annotated]) -> FeedOrder:
        """The same order of these papers (the same ones, by slug, with more worked out: related papers)."""
        return replace(self, entries=tuple((papers[a.slug], day) for a, day in self.entries))


def feed_order(papers: Iterable[Annotated], undated: datetime.date | None) -> FeedOrder:
    """Return papers in feed order (newest(), with every paper)."""
    stated = [(a, feed_date(a)) for a in papers]
    latest = max((day for _, day in stated if day is not None), default=None)
    entries = sorted(((a, filed) for a, day in stated if (filed := day or undated) is not None), key=_newest_first)
    return FeedOrder(undated, tuple(entries), {a.slug: n for n, (a, _) in enumerate(entries)}, latest)


def atom(feed: Feed, papers: Iterable[Annotated], site_name: str, site_url: str | None = None,
         empty: datetime.date | None = None) -> str | None:
    """Return the Atom feed of the newest dated papers; when no paper has a date, an empty feed updated on
    the day `empty` (a saved search that finds nothing yet), or None without it."""
    entries = newest(papers, undated=feed.undated)
    updated = entries[0][1] if entries else empty
    if updated is None:
        return None
    fg = FeedGenerator()
    fg.id(_feed_id(feed, site_name))
    fg.title(_text(feed.title))
    fg.subtitle(_text(feed.subtitle))
    fg.author({"name": _text(site_name)})
    fg.generator("sitegen", version=__version__)
    fg.link(href=_href(feed, feed.page, site_url), rel="alternate", type="text/html")
    if site_url:
        fg.link(href=_href(feed, feed.path, site_url), rel="self", type=feedlinks.ATOM_TYPE)
    fg.updated(_instant(updated))
    for a, day in entries:
        fe = fg.add_entry(order="append")
        fe.id(_entry_id(a))
        fe.title(entry_title(a))
        fe.link(href=_href(feed, f"papers/{a.slug}.html", site_url), rel="alternate", type="text/html")
        fe.updated(_instant(day))
        if a.paper.published and a.paper.published.year:
            fe.published(_instant(day))
        if a.display_abstract:
            fe.summary(_text(plain(a.display_abstract)))
        for name in a.paper.facts.authors[:FEED_AUTHORS]:
            if _text(name):
                fe.author({"name": _text(name)})
        for match in a.tags:
            fe.category(term=match.tag.slug, label=_text(match.tag.name))
        if a.paper.facts.withdrawn:
            fe.category(term=WITHDRAWN, label="Withdrawn")
    return str(fg.atom_str(pretty=True).decode("utf-8"))


def json_feed(feed: Feed, papers: Iterable[Annotated], site_name: str, site_url: str | None = None,
              empty: bool = False) -> str | None:
    """Return the JSON Feed 1.1 of the newest dated papers; when no paper has a date, an empty feed if asked,
    else None."""
    entries = newest(papers, undated=feed.undated)
    if not entries and not empty:
        return None
    data: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": _text(feed.title),
        "description": _text(feed.subtitle),
        "items": [_json_item(feed, a, day, site_url) for a, day in entries],
    }
    if site_url:
        data["home_page_url"] = _href(feed, feed.page, site_url)
        data["feed_url"] = _href(feed, feed.path, site_url)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _json_item(feed: Feed, a: Annotated, day: datetime.date, site_url: str | None) -> dict[str, object]:
    item: dict[str, object] = {
        "id": _entry_id(a),
        "url": _href(feed, f"papers/{a.slug}.html", site_url),
        "title": entry_title(a),
        "content_text": _text(plain(a.display_abstract)) or _text(plain(a.display_title)),
        "date_modified": _instant(day).isoformat(),
    }
    if a.paper.published and a.paper.published.year:
        item["date_published"] = _instant(day).isoformat()
    tags = [_text(m.tag.name) for m in a.tags] + ([WITHDRAWN] if a.paper.facts.withdrawn else [])
    if tags:
        item["tags"] = tags
    if a.arxiv_id:
        item["external_url"] = f"https://arxiv.org/abs/{a.arxiv_id}"
    names = [_text(name) for name in a.paper.facts.authors[:FEED_AUTHORS] if _text(name)]
    if names:
        item["authors"] = [{"name": name} for name in names]
    return item


def entry_title(a: Annotated) -> str:
    """Return a paper's entry title: its plain title, after "[Withdrawn] " when a source says it was withdrawn."""
    title = _text(plain(a.display_title))
    return f"[Withdrawn] {title}" if a.paper.facts.withdrawn else title


def _day(date: PartialDate) -> datetime.date:
    return datetime.date(date.year or 1, date.month, date.day)


def _instant(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc)


def _text(value: str) -> str:
    """Return value as plain text a feed can carry (the feed library escapes it)."""
    return " ".join(_NOT_XML.sub(" ", value).split())


def _href(feed: Feed, target: str, site_url: str | None) -> str:
    """Return target's address as seen from the feed: absolute under site_url, else relative."""
    if site_url:
        return site_url.rstrip("/") + "/" + target
    return relative(target, posixpath.dirname(feed.path))


def relative(target: str, folder: str) -> str:
    """Return the path target (from the site's root) as seen from folder (from the root, "" for the root itself):
    posixpath.relpath() for paths that are plain names, without its look at the current directory on each call
    (a topic's feeds name thousands of pages)."""
    parts, base = target.split("/"), [part for part in folder.split("/") if part]
    same = 0
    while same < len(base) and same < len(parts) - 1 and parts[same] == base[same]:
        same += 1
    return "/".join([".."] * (len(base) - same) + parts[same:])


def _feed_id(feed: Feed, site_name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sitegen:feed:{site_name}:{feed.path}").urn


def _entry_id(a: Annotated) -> str:
    """Return a paper's entry id: derived from its page name, so it never changes."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sitegen:paper:{a.slug}").urn
