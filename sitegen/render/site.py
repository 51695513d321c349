"""Assemble every generated page of the site in memory: gather everything first, then write."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from slugify import slugify

from sitegen.annotate.taxonomy import Taxonomy
from sitegen.ingest.slugs import slug_for
from sitegen.model import Annotated, LinkKind, Listing, Tag
from sitegen.render import pages

NEWEST_ON_HOME = 20
TOP_TOPICS_ON_HOME = 12


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """Generated pages by path inside the docs folder, and the navigation that lists index pages only."""

    pages: dict[str, str]
    nav: list[dict[str, str]]
    topics: tuple[Tag, ...]
    """Topics that have at least one paper."""


def listing_page_names(listings: list[Listing]) -> dict[str, str]:
    """Map listing file names to page names under dates/ (unique, stable for a given file name)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for listing in sorted(listings, key=lambda item: item.name):
        base = "listing-" + (slugify(listing.name.removesuffix(".txt")) or "unnamed")
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        names[listing.name] = name
    return names


def render_site(annotated: tuple[Annotated, ...], listings: list[Listing], taxonomy: Taxonomy,
                site_name: str, duplicates: int) -> RenderedSite:
    """Return every generated page."""
    by_slug = {a.slug: a for a in annotated}
    newest = sorted(annotated, key=Annotated.newest_first_key)
    listing_pages = listing_page_names(listings)
    out: dict[str, str] = {}

    for a in annotated:
        out[f"papers/{a.slug}.md"] = pages.paper_page(a, listing_pages)

    by_topic: dict[Tag, list[Annotated]] = defaultdict(list)
    untagged: list[Annotated] = []
    for a in newest:
        for match in a.tags:
            by_topic[match.tag].append(a)
        if not a.tags:
            untagged.append(a)
    topics = [tag for tag in taxonomy.tags if tag in by_topic]
    for tag in sorted(set(by_topic) - set(topics)):
        topics.append(tag)
    for tag in topics:
        out[f"topics/{tag.slug}.md"] = pages.topic_page(tag, by_topic[tag])
    counts = sorted(((tag, len(by_topic[tag])) for tag in topics), key=lambda tc: (-tc[1], tc[0].slug))
    out["topics/index.md"] = pages.topics_overview(counts, len(untagged))
    if untagged:
        out["topics/untagged.md"] = pages.untagged_page(untagged)

    by_month: dict[tuple[int, int], list[Annotated]] = defaultdict(list)
    for a in newest:
        published = a.paper.published
        if published and published.year:
            by_month[(published.year, published.month)].append(a)
    for (year, month), items in by_month.items():
        out[f"dates/{year:04d}-{month:02d}.md"] = pages.month_page(year, month, items)
    listing_rows = []
    for listing in sorted(listings, key=lambda l: (l.captured.sort_key() if l.captured else (0, 0, 0), l.name),
                          reverse=True):
        seen = _listing_papers(listing, by_slug)
        out[f"dates/{listing_pages[listing.name]}.md"] = pages.listing_page(listing, seen)
        listing_rows.append((listing, listing_pages[listing.name], len(seen)))
    months = sorted(((y, m, len(items)) for (y, m), items in by_month.items()), reverse=True)
    undated = sum(1 for a in annotated if a.paper.published is None)
    year_unknown = sum(1 for a in annotated if a.paper.published and not a.paper.published.year)
    out["dates/index.md"] = pages.dates_overview(months, listing_rows, undated, year_unknown)

    stats = {
        "papers": len(annotated), "listings": len(listings), "duplicates": duplicates, "topics": len(topics),
        "with_code": sum(1 for a in annotated if any(l.kind is LinkKind.CODE for l in a.links)),
    }
    out["index.md"] = pages.home_page(site_name, stats, newest[:NEWEST_ON_HOME], counts[:TOP_TOPICS_ON_HOME])
    nav = [{"Home": "index.md"}, {"Topics": "topics/index.md"}, {"Dates": "dates/index.md"}]
    return RenderedSite(pages=out, nav=nav, topics=tuple(topics))


def _listing_papers(listing: Listing, by_slug: dict[str, Annotated]) -> list[Annotated]:
    """Return a listing's unique papers in the listing's order."""
    seen: dict[str, Annotated] = {}
    for entry in listing.entries:
        slug = slug_for(entry.title)
        if slug in by_slug and slug not in seen:
            seen[slug] = by_slug[slug]
    return list(seen.values())
