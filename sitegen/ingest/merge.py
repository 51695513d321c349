"""Merge the entries of every listing into unique papers, the same way whatever the listings' order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sitegen.ingest.slugs import disambiguated, merge_key, slug_for
from sitegen.model import Entry, Listing, Paper, PartialDate, Sighting

T = TypeVar("T")
_UNKNOWN = (10_000, 0, 0)
"""Sort key of an unknown capture year when the first sighting is wanted: after every known one."""


@dataclass(frozen=True, slots=True)
class Merged:
    """The merge's result: unique papers in slug order, and how many entries were duplicates."""

    papers: tuple[Paper, ...]
    entry_count: int
    """Paper blocks in all listings."""
    duplicate_count: int
    """Entries that were another entry's paper."""


def merge(listings: list[Listing]) -> Merged:
    """Group entries by merge key; the newest capture wins where entries differ, older ones fill gaps."""
    groups: dict[str, list[tuple[Listing, Entry]]] = defaultdict(list)
    count = 0
    for listing in listings:
        for entry in listing.entries:
            groups[merge_key(entry.title)].append((listing, entry))
            count += 1
    papers = sorted(_named(_paper(group) for group in groups.values()), key=lambda p: p.slug)
    return Merged(papers=tuple(papers), entry_count=count, duplicate_count=count - len(papers))


def _captured(listing: Listing) -> tuple[int, int, int]:
    captured = listing.captured
    return captured.sort_key() if captured and captured.year else _UNKNOWN


def _newest_first(item: tuple[Listing, Entry]) -> tuple[tuple[int, ...], str, int]:
    listing, entry = item
    # Newest capture first, unknown ones last; ties broken by file name, then line, so input order never matters.
    captured = listing.captured.sort_key() if listing.captured else (0, 0, 0)
    return (tuple(-x for x in captured), listing.name, entry.line)


def _oldest_first(item: tuple[Listing, Entry]) -> tuple[tuple[int, int, int], str, int]:
    listing, entry = item
    return (_captured(listing), listing.name, entry.line)


def _first(values: Iterable[T | None]) -> T | None:
    return next((v for v in values if v not in (None, "")), None)


def _paper(group: list[tuple[Listing, Entry]]) -> Paper:
    group = sorted(group, key=_newest_first)
    entries = [entry for _, entry in group]
    # Prefer the longest abstract among the newest: a paste can cut an abstract short.
    abstracts = [e.abstract for e in entries if e.abstract]
    abstract = max(abstracts, key=len) if abstracts else ""
    sightings = sorted(
        (Sighting(listing=listing.name, captured=listing.captured, upvote_count=entry.upvote_count, line=entry.line)
         for listing, entry in group),
        key=lambda s: (s.captured.sort_key() if s.captured else (0, 0, 0), s.listing, s.line),
    )
    # The page name comes from the first sighting's spelling, so a later listing spelling the title
    # differently ("Pre-training" for "Pretraining") never moves the page.
    first_seen = min(group, key=_oldest_first)[1]
    return Paper(
        slug=slug_for(first_seen.title),
        title=entries[0].title,
        abstract=abstract,
        author_count=_first(e.author_count for e in entries),
        published=_best_date([e.published for e in entries]),
        upvote_count=_first(e.upvote_count for e in entries),
        seen_in=tuple(sightings),
    )


def _named(papers: Iterable[Paper]) -> list[Paper]:
    """Give papers whose titles share a page name their own: the first captured keeps it, the others get a hash."""
    by_slug: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_slug[paper.slug].append(paper)
    taken = set(by_slug)
    out: list[Paper] = []
    for slug, sharing in sorted(by_slug.items()):
        sharing.sort(key=_first_capture)
        out.append(sharing[0])
        for paper in sharing[1:]:
            key = merge_key(paper.title)
            attempt, name = 0, disambiguated(slug, key)
            while name in taken:  # a hash shared by chance: never two papers on one page
                attempt += 1
                name = disambiguated(slug, key, attempt)
            taken.add(name)
            out.append(Paper(name, paper.title, paper.abstract, paper.author_count, paper.published, paper.upvote_count,
                             paper.seen_in))
    return out


def _first_capture(paper: Paper) -> tuple[tuple[int, int, int], str]:
    first = paper.first_capture
    return (first.sort_key() if first else _UNKNOWN, merge_key(paper.title))


def _best_date(dates: list[PartialDate | None]) -> PartialDate | None:
    """Take the first date with a known year, else the first date at all."""
    known = [d for d in dates if d is not None]
    return next((d for d in known if d.year), known[0] if known else None)
