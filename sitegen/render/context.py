"""What every page family reads: the papers in the orders pages list them, grouped once, and the counts.

site_context() computes it all before any page is written; the families only look things up.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.memo import Memo, key
from sitegen.model import Annotated, Listing, Tag
from sitegen.options import SiteOptions
from sitegen.render import bibtex, feeds
from sitegen.text.slugs import page_name


@dataclass(frozen=True, slots=True)
class SiteCounts:
    """The archive's numbers, as the home page states them."""

    paper_count: int
    listing_count: int
    duplicate_count: int
    """Entries merged into a paper another listing showed too."""
    topic_count: int
    """Topics with at least one paper."""
    with_code_count: int
    """Papers that link to code."""


@dataclass(frozen=True, slots=True)
class SiteContext:
    """The papers and their groupings, computed once for every page family."""

    annotated: tuple[Annotated, ...]
    """Every paper, in slug order."""
    newest: tuple[Annotated, ...]
    """Every paper, newest first."""
    by_slug: dict[str, Annotated]
    listings: tuple[Listing, ...]
    """Every listing, newest capture first (unknown dates last; ties by file name, last first)."""
    listing_pages: dict[str, str]
    """Each listing file's page name under dates/."""
    in_listing: dict[str, list[Annotated]]
    """Each listing's unique papers, in the listing's order."""
    topics: tuple[Tag, ...]
    """Topics with papers: the taxonomy's in its order, then those only notes add, by slug."""
    by_topic: dict[Tag, list[Annotated]]
    """Each topic's papers, newest first."""
    untagged: tuple[Annotated, ...]
    """Papers with no topic, newest first."""
    by_month: dict[tuple[int, int], list[Annotated]]
    """Papers by (year, month) of publication, newest first; papers without a year are in none."""
    citations: dict[str, str]
    """Each paper's BibTeX entry, by slug."""
    options: SiteOptions
    counts: SiteCounts
    latest: datetime.date | None
    """The newest date a feed entry carries; None when no paper has one (then no feed is built)."""
    saved: Mapping[str, Sequence[str]]
    """What each saved search (`extra.sitegen.feeds`) finds, by its slug: paper slugs, newest first. The search
    stage computes it; the feeds of saved searches are rendered from it."""
    digests: Mapping[str, bytes] = field(default_factory=dict)
    """Each paper's digest, by slug: Annotated.derived_from (what all but its related papers were derived from),
    which the pages' memos are keyed by."""
    feed_order: feeds.FeedOrder | None = None
    """The papers in feed order, for the feeds to take their newest from (site_context() works it out)."""
    work: Path | None = None
    """The build's work folder, where pages rendered are kept for the next build (sitegen/memo.py)."""
    stats: str | None = None
    """The stats page's Markdown when it was made beforehand (on the second core, while the other pages are
    rendered: its charts take most of a second at 10,000 papers); None: the stats family makes it."""

    def topic_sizes(self) -> list[tuple[Tag, int]]:
        """Return each topic with its number of papers, largest first."""
        return sorted(((tag, len(self.by_topic[tag])) for tag in self.topics), key=lambda tc: (-tc[1], tc[0].slug))


@dataclass(frozen=True, slots=True)
class Derived:
    """What the stages before render worked out beside the papers themselves."""

    topics: tuple[Tag, ...]
    """The topics that have papers, in the site's order (annotate/)."""
    saved: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """What each saved search finds, by its slug (search/)."""
    citations: Mapping[str, str] | None = None
    """Each paper's BibTeX entry, when made already (with_related(): an entry names no related paper)."""


def site_context(annotated: tuple[Annotated, ...], listings: tuple[Listing, ...], derived: Derived,
                 options: SiteOptions, duplicate_count: int) -> SiteContext:
    """Group and order the papers once for every page family."""
    newest = tuple(sorted(annotated, key=Annotated.newest_first_key))
    by_topic: dict[Tag, list[Annotated]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[Annotated]] = defaultdict(list)
    for a in newest:
        for match in a.tags:
            by_topic[match.tag].append(a)
        published = a.paper.published
        if published and published.year:
            by_month[(published.year, published.month)].append(a)
    counts = SiteCounts(paper_count=len(annotated), listing_count=len(listings), duplicate_count=duplicate_count,
                        topic_count=len(derived.topics), with_code_count=sum(1 for a in annotated if a.has_code))
    order = feeds.feed_order(annotated, feeds.undated_day(listings))
    return SiteContext(
        annotated=annotated, newest=newest, by_slug={a.slug: a for a in annotated},
        listings=tuple(sorted(listings, key=_by_capture, reverse=True)),
        listing_pages=listing_page_names(listings), in_listing=_papers_by_listing(annotated), topics=derived.topics,
        by_topic=dict(by_topic), untagged=tuple(a for a in newest if not a.tags), by_month=dict(by_month),
        citations=_citations(annotated, derived.citations), options=options, counts=counts,
        latest=order.latest, saved=derived.saved, digests=_digests(annotated), feed_order=order)


def _citations(annotated: Sequence[Annotated], made: Mapping[str, str] | None) -> dict[str, str]:
    made = made or {}
    return {a.slug: made.get(a.slug) or bibtex.entry(a) for a in annotated}


def citations(annotated: Sequence[Annotated], work: Path | None) -> dict[str, str]:
    """Return each paper's BibTeX entry, or what the last build made from the same paper (work: the work folder,
    sitegen/memo.py; an entry is made from what a paper's annotation was: Annotated.derived_from)."""
    memo: Memo[str] = Memo(work, "citations")
    out = {}
    for a in annotated:
        kept = memo.get(a.derived_from) if a.derived_from else None
        if kept is None:
            kept = bibtex.entry(a)
            if a.derived_from:
                memo.put(a.derived_from, kept)
        out[a.slug] = kept
    memo.save()
    return out


def _digests(annotated: Sequence[Annotated]) -> dict[str, bytes]:
    return {a.slug: a.derived_from or key(a) for a in annotated}


def with_related(site: SiteContext, annotated: tuple[Annotated, ...]) -> SiteContext:
    """The site again, its papers now with their related papers (annotated: the same papers, related lists
    filled): every list as it was, each paper in it swapped for its new record."""
    now = {a.slug: a for a in annotated}

    def swapped(papers: Sequence[Annotated]) -> list[Annotated]:
        return [now[a.slug] for a in papers]

    return replace(site, annotated=annotated, newest=tuple(swapped(site.newest)), by_slug=now,
                   in_listing={name: swapped(papers) for name, papers in site.in_listing.items()},
                   by_topic={tag: swapped(papers) for tag, papers in site.by_topic.items()},
                   untagged=tuple(swapped(site.untagged)),
                   by_month={month: swapped(papers) for month, papers in site.by_month.items()},
                   digests=_digests(annotated),
                   feed_order=site.feed_order.swapped(now) if site.feed_order is not None else None)


def with_papers(site: SiteContext, annotated: Sequence[Annotated], listings: tuple[Listing, ...]) -> SiteContext:
    """The site as a paper's page sees it, with these papers added or replaced and these listings' page names: what
    `sitegen serve` renders a new listing's papers with before the full build (their lists are not updated)."""
    return replace(site, by_slug={**site.by_slug, **{a.slug: a for a in annotated}},
                   digests={**site.digests, **_digests(annotated)},
                   listing_pages=listing_page_names(listings),
                   citations={**site.citations, **{a.slug: bibtex.entry(a) for a in annotated}})


def _by_capture(listing: Listing) -> tuple[tuple[int, int, int], str]:
    return (listing.captured.sort_key() if listing.captured else (0, 0, 0), listing.name)


def listing_page_names(listings: tuple[Listing, ...]) -> dict[str, str]:
    """Map listing file names to page names under dates/ (unique, stable for a given file name)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for listing in sorted(listings, key=lambda item: item.name):
        base = "listing-" + page_name(Path(listing.name).stem)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        names[listing.name] = name
    return names


def _papers_by_listing(annotated: tuple[Annotated, ...]) -> dict[str, list[Annotated]]:
    """Return each listing's unique papers in the listing's order (where each first shows in it)."""
    first_line: dict[str, dict[str, tuple[int, Annotated]]] = defaultdict(dict)
    for a in annotated:
        for s in a.paper.seen_in:
            seen = first_line[s.listing]
            if a.slug not in seen or s.line < seen[a.slug][0]:
                seen[a.slug] = (s.line, a)
    return {name: [a for _, a in sorted(seen.values(), key=lambda la: (la[0], la[1].slug))]
            for name, seen in first_line.items()}
