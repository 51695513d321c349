"""Merge the entries of every listing into unique papers, the same way whatever the listings' order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sitegen.ingest.slugs import merge_key, slug_for
from sitegen.model import Entry, Listing, Paper, PartialDate, Sighting


@dataclass(frozen=True, slots=True)
class Merged:
    """The merge's result: unique papers in slug order, and how many entries were duplicates."""

    papers: tuple[Paper, ...]
    entries: int
    duplicates: int


def merge(listings: list[Listing]) -> Merged:
    """Group entries by title; the newest capture wins where entries differ, older ones fill gaps."""
    groups: dict[str, list[tuple[Listing, Entry]]] = defaultdict(list)
    count = 0
    for listing in listings:
        for entry in listing.entries:
            groups[merge_key(entry.title)].append((listing, entry))
            count += 1
    papers = sorted((_paper(group) for group in groups.values()), key=lambda p: p.slug)
    return Merged(papers=tuple(papers), entries=count, duplicates=count - len(papers))


def _newest_first(item: tuple[Listing, Entry]) -> tuple:
    listing, entry = item
    captured = listing.captured.sort_key() if listing.captured else (0, 0, 0)
    # Newest capture first; ties broken by file name, then line, so input order never matters.
    return (tuple(-x for x in captured), listing.name, entry.line)


def _paper(group: list[tuple[Listing, Entry]]) -> Paper:
    group = sorted(group, key=_newest_first)
    entries = [entry for _, entry in group]

    def first(values):
        return next((v for v in values if v not in (None, "")), None)

    # Prefer the longest abstract among the newest: a paste can cut an abstract short.
    abstracts = [e.abstract for e in entries if e.abstract]
    abstract = max(abstracts, key=len) if abstracts else ""
    published = _best_date([e.published for e in entries])
    sightings = sorted(
        (Sighting(listing=l.name, captured=l.captured, upvotes=e.upvotes, line=e.line) for l, e in group),
        key=lambda s: (s.captured.sort_key() if s.captured else (0, 0, 0), s.listing, s.line),
    )
    return Paper(
        slug=slug_for(entries[0].title),
        title=entries[0].title,
        abstract=abstract,
        authors=first(e.authors for e in entries),
        published=published,
        upvotes=first(e.upvotes for e in entries),
        seen_in=tuple(sightings),
    )


def _best_date(dates: list[PartialDate | None]) -> PartialDate | None:
    """Take the first date with a known year, else the first date at all."""
    known = [d for d in dates if d is not None]
    return next((d for d in known if d.year), known[0] if known else None)
