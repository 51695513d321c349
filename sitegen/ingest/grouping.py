"""Merge what every listing and metadata file states into unique papers, the same whatever their order.

One paper per arXiv id. An entry without an id (a paste) joins the paper whose title is the same once case,
spacing, punctuation and LaTeX residue are set aside (slugs.merge_key); with no such paper it stays a paper of
its own, grouped with the pastes of the same title. A title that two ids share is a disagreement: it is
reported, the ids stay two papers, and the pastes of that title join neither. Metadata files (arXiv's and
Hugging Face's answers about one paper) add to a paper but are not sightings: they never make one.
Each field comes from the source ingest/precedence.py names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sitegen.errors import Report, shown
from sitegen.ingest.captures import capture_order
from sitegen.ingest.precedence import ENTRY_FIELDS, FACT_FIELDS
from sitegen.model import NO_FACTS, Entry, Facts, Listing, MetadataRecord, Paper, PartialDate, Sighting, SourceKind
from sitegen.text.slugs import disambiguated, merge_key, slug_for

_UNKNOWN = (10_000, 0, 0)
"""Sort key of an unknown capture year when the first sighting is wanted: after every known one."""


@dataclass(frozen=True, slots=True)
class Grouped:
    """The merge's result: unique papers in slug order, and how many entries were duplicates."""

    papers: tuple[Paper, ...]
    entry_count: int
    """Paper blocks in all listings."""
    duplicate_count: int
    """Entries that were another entry's paper."""


@dataclass(frozen=True, slots=True)
class _Statement:
    """One entry with where it comes from."""

    source: SourceKind
    entry: Entry
    file: str
    captured: PartialDate | None = None
    sighting: bool = True
    """Whether it is a listing's (a sighting) or a metadata file's."""

    def newest_first(self) -> tuple[int, tuple[int, ...], int, str, int]:
        captured = self.captured.sort_key() if self.captured else (0, 0, 0)
        # Captures of one day (a list that filled while the day lasted): the later capture first.
        return (not self.sighting, tuple(-x for x in captured), -capture_order(self.file), self.file, self.entry.line)

    def oldest_first(self) -> tuple[tuple[int, int, int], int, str, int]:
        known = self.captured.sort_key() if self.captured and self.captured.year else _UNKNOWN
        return (known, capture_order(self.file), self.file, self.entry.line)


def group_papers(listings: Sequence[Listing], records: Iterable[MetadataRecord] = (),
                 report: Report | None = None, slug_of: Callable[[str], str] = slug_for) -> Grouped:
    """Group entries into papers by arXiv id, then by title; report titles two ids share. slug_of: slug_for(),
    or what gives the same (a memo of it)."""
    report = report or Report()
    statements = [_Statement(listing.source, entry, listing.name, listing.captured)
                  for listing in listings for entry in listing.entries]
    metadata = [_Statement(r.source, r.entry, r.file, sighting=False) for r in records if r.entry.facts.arxiv_id]
    by_id: dict[str, list[_Statement]] = defaultdict(list)
    by_title: dict[str, list[_Statement]] = defaultdict(list)
    for statement in statements:
        identifier = statement.entry.facts.arxiv_id
        (by_id[identifier] if identifier else by_title[merge_key(statement.entry.title)]).append(statement)
    for statement in metadata:
        by_id[statement.entry.facts.arxiv_id or ""].append(statement)
    ids_of = _ids_by_title(by_id, report)
    for key, pasted in list(by_title.items()):
        ids = ids_of.get(key, set())
        if len(ids) == 1:
            by_id[next(iter(ids))].extend(by_title.pop(key))
        elif len(ids) > 1:
            report.warn(f"pasted entries titled {shown(pasted[0].entry.title)} ({_places(pasted)}) join neither "
                        f"arXiv id {' nor '.join(sorted(ids))}", hint="add the id to the paste's abstract, or "
                        "remove the wrong id's listing")
    groups = [group for group in [*by_id.values(), *by_title.values()] if any(s.sighting for s in group)]
    papers = sorted(_named(_paper(group, slug_of) for group in groups), key=lambda p: p.slug)
    return Grouped(papers=tuple(papers), entry_count=len(statements), duplicate_count=len(statements) - len(papers))


def _ids_by_title(by_id: dict[str, list[_Statement]], report: Report) -> dict[str, set[str]]:
    """Map each title key to the arXiv ids that carry it; report a title two ids share."""
    ids_of: dict[str, set[str]] = defaultdict(set)
    for identifier, group in by_id.items():
        for key in {merge_key(s.entry.title) for s in group if s.entry.title}:  # hf-repos records state no title
            ids_of[key].add(identifier)
    for ids in (sorted(ids) for _, ids in sorted(ids_of.items()) if len(ids) > 1):
        title = next(s.entry.title for s in by_id[ids[0]])
        places = "; ".join(f"{i} in {_places(by_id[i])}" for i in ids)
        report.warn(f"{len(ids)} arXiv ids have the title {shown(title)}: {places}; they stay different papers",
                    hint="check which id is right and fix the other file")
    return ids_of


def _places(group: list[_Statement]) -> str:
    return ", ".join(sorted({f"{s.file}:{s.entry.line}" for s in group})[:3])


def _paper(group: list[_Statement], slug_of: Callable[[str], str] = slug_for) -> Paper:
    newest = sorted(group, key=_Statement.newest_first)
    sightings = sorted((s for s in group if s.sighting), key=_Statement.newest_first)
    # The page name comes from the first sighting's spelling, so a later listing spelling the title
    # differently ("Pre-training" for "Pretraining") never moves the page.
    first_seen = min(sightings, key=_Statement.oldest_first)
    identifier = next((s.entry.facts.arxiv_id for s in newest if s.entry.facts.arxiv_id), None)
    return Paper(
        slug=slug_of(first_seen.entry.title),
        title=_pick("title", newest, ENTRY_FIELDS),
        abstract=_abstract(newest),
        author_count=_pick("author_count", newest, ENTRY_FIELDS),
        published=_best_date(newest),
        upvote_count=next((s.entry.upvote_count for s in sightings if s.entry.upvote_count is not None), None),
        seen_in=tuple(sorted((Sighting(listing=s.file, captured=s.captured, upvote_count=s.entry.upvote_count,
                                       line=s.entry.line, source=s.source) for s in sightings),
                             key=lambda s: (s.captured.sort_key() if s.captured else (0, 0, 0), s.listing, s.line))),
        facts=_facts(newest, identifier),
    )


def _pick(name: str, newest: list[_Statement], table: dict[str, tuple[SourceKind, ...]], facts: bool = False) -> Any:
    """Return the field from the first source kind of its row that states it (newest first within a kind)."""
    for kind in table[name]:
        for statement in newest:
            if statement.source is kind:
                value = getattr(statement.entry.facts if facts else statement.entry, name)
                if value not in (None, "", ()):
                    return value
    return getattr(NO_FACTS, name) if facts else (None if name != "title" else newest[0].entry.title)


def _abstract(newest: list[_Statement]) -> str:
    for kind in ENTRY_FIELDS["abstract"]:
        stated = [s.entry.abstract for s in newest if s.source is kind and s.entry.abstract]
        if stated:
            # A paste can cut an abstract short: of the pastes, the longest; of the APIs, the newest.
            return max(stated, key=len) if kind is SourceKind.PASTE else stated[0]
    return ""


def _best_date(newest: list[_Statement]) -> PartialDate | None:
    """Take the first date with a known year in the table's order, else the first date at all."""
    for kind in ENTRY_FIELDS["published"]:
        dates = [s.entry.published for s in newest if s.source is kind and s.entry.published]
        if any(d.year for d in dates):
            return next(d for d in dates if d.year)
    known = [s.entry.published for s in newest if s.entry.published]
    return known[0] if known else None


def _facts(newest: list[_Statement], identifier: str | None) -> Facts:
    if all(s.entry.facts is NO_FACTS for s in newest):
        return NO_FACTS
    values = {name: _pick(name, newest, FACT_FIELDS, facts=True) for name in _FACT_NAMES}
    return Facts(arxiv_id=identifier, **values)


_FACT_NAMES = tuple(f.name for f in fields(Facts) if f.name in FACT_FIELDS)


def _named(papers: Iterable[Paper]) -> list[Paper]:
    """Give papers whose titles share a page name their own: the first captured keeps it, the others get a hash."""
    by_slug: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_slug[paper.slug].append(paper)
    taken = set(by_slug)
    out: list[Paper] = []
    for slug, sharing in sorted(by_slug.items()):
        if len(sharing) > 1:
            sharing.sort(key=_first_capture)
        out.append(sharing[0])
        for paper in sharing[1:]:
            key = merge_key(paper.title)
            attempt, name = 0, disambiguated(slug, key)
            while name in taken:  # a hash shared by chance: never two papers on one page
                attempt += 1
                name = disambiguated(slug, key, attempt)
            taken.add(name)
            out.append(Paper(name, paper.title, paper.abstract, paper.author_count, paper.published,
                             paper.upvote_count, paper.seen_in, paper.facts))
    return out


def _first_capture(paper: Paper) -> tuple[tuple[int, int, int], str, str]:
    first = paper.first_capture
    return (first.sort_key() if first else _UNKNOWN, paper.facts.arxiv_id or "", merge_key(paper.title))
