"""Assemble every generated page of the site in memory: gather everything first, then write."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.annotate.taxonomy import Taxonomy
from sitegen.parallel import second_core
from sitegen.errors import ConfigError, Report, shown
from sitegen.ingest.slugs import page_name
from sitegen.model import Annotated, LinkKind, Listing, Tag
from sitegen.render import bibtex, feeds, pages
from sitegen.render.stats import stats_page
from sitegen.yamlfile import line_of

NEWEST_ON_HOME = 20
TOP_TOPICS_ON_HOME = 12


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """Generated pages by path inside the docs folder, and the navigation that lists index pages only."""

    pages: dict[str, str]
    nav: list[dict[str, str]]
    topics: tuple[Tag, ...]
    """Topics that have at least one paper."""
    files: dict[str, str] = field(default_factory=dict)
    """Other files for the docs folder, copied as they are: feeds and .bib files."""


class TopicOrder(enum.Enum):
    """How a topic page orders its papers (mkdocs.yml: `extra: {sitegen: {topic_order: notes-first}}`)."""

    NEWEST = "newest"
    """Newest first."""
    NOTES_FIRST = "notes-first"
    """Papers with a curator's note first, each group newest first."""
    RATING = "rating"
    """Highest curator's rating first, unrated papers after them; newest first within a rating."""

    def sort_key(self, a: Annotated) -> tuple:
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


def topic_order_from(config: dict[str, Any], config_file: Path | None, report: Report) -> TopicOrder:
    """Read `extra.sitegen.topic_order` from the project's MkDocs config; report a bad value, use the default."""
    extra = config.get("extra")
    options = extra.get("sitegen") if isinstance(extra, dict) else None
    value = options.get("topic_order") if isinstance(options, dict) else None
    if value is None:
        return TopicOrder.NOTES_FIRST
    try:
        return TopicOrder(value)
    except ValueError:
        line = None
        if config_file is not None and config_file.is_file():
            line = line_of(config_file.read_text(encoding="utf-8-sig"), "topic_order")
        report.warn(ConfigError(f"extra.sitegen.topic_order is {shown(value)}; using notes-first", path=config_file,
                                line=line, hint="use one of: " + ", ".join(o.value for o in TopicOrder)))
        return TopicOrder.NOTES_FIRST


def listing_page_names(listings: list[Listing]) -> dict[str, str]:
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


# Paper pages are most of the rendering; two processes share them when there are enough to pay for a fork.
PARALLEL_FROM = 2000
_SHARED: tuple[Any, ...] = ()
"""What the forked process reads instead of receiving it pickled: set just before the fork."""


def paper_pages(annotated: tuple[Annotated, ...], by_slug: dict[str, Annotated], listing_pages: dict[str, str],
                cites: dict[str, str]) -> dict[str, str]:
    """Return every paper's page by path, in the papers' order; the second half on the second core."""
    global _SHARED
    _SHARED = (annotated, by_slug, listing_pages, cites)
    try:
        if len(annotated) < PARALLEL_FROM:
            return _paper_range(0, len(annotated))
        half = len(annotated) // 2
        with second_core() as core:
            second = core.submit(_paper_range, half, len(annotated))
            first = _paper_range(0, half)
            return {**first, **second.result()}
    finally:
        _SHARED = ()


def _paper_range(start: int, stop: int) -> dict[str, str]:
    annotated, by_slug, listing_pages, cites = _SHARED
    out = {}
    for a in annotated[start:stop]:
        related = [by_slug[slug] for slug in a.related if slug in by_slug]
        out[f"papers/{a.slug}.md"] = pages.paper_page(a, listing_pages, related, cites[a.slug])
    return out


def render_site(annotated: tuple[Annotated, ...], listings: list[Listing], taxonomy: Taxonomy,
                site_name: str, duplicates: int, *, site_url: str | None = None,
                topic_order: TopicOrder = TopicOrder.NOTES_FIRST) -> RenderedSite:
    """Return every generated page, and the feeds and .bib files that go with them."""
    by_slug = {a.slug: a for a in annotated}
    newest = sorted(annotated, key=Annotated.newest_first_key)
    listing_pages = listing_page_names(listings)
    out: dict[str, str] = {}
    files: dict[str, str] = {}

    cites = {a.slug: bibtex.entry(a) for a in annotated}
    out.update(paper_pages(annotated, by_slug, listing_pages, cites))

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
        items = sorted(by_topic[tag], key=topic_order.sort_key)
        files[f"topics/{tag.slug}.bib"] = bibtex.bib_file(cites[a.slug] for a in items)
        feed = feeds.Feed(f"topics/{tag.slug}.xml", f"{site_name}: {tag.name}",
                          f"The newest papers on {tag.name}", f"topics/{tag.slug}.html")
        atom = feeds.atom(feed, by_topic[tag], site_name, site_url)
        if atom is not None:
            files[feed.path] = atom
        out[f"topics/{tag.slug}.md"] = pages.topic_page(
            tag, items, topic_order.describe(items), pages.downloads(f"{tag.slug}.bib", atom and f"{tag.slug}.xml"))
    counts = sorted(((tag, len(by_topic[tag])) for tag in topics), key=lambda tc: (-tc[1], tc[0].slug))
    out["topics/index.md"] = pages.topics_overview(counts, len(untagged))
    if untagged:
        files["topics/untagged.bib"] = bibtex.bib_file(cites[a.slug] for a in untagged)
        out["topics/untagged.md"] = pages.untagged_page(untagged, pages.downloads("untagged.bib"))

    by_month: dict[tuple[int, int], list[Annotated]] = defaultdict(list)
    for a in newest:
        published = a.paper.published
        if published and published.year:
            by_month[(published.year, published.month)].append(a)
    for (year, month), items in by_month.items():
        files[f"dates/{year:04d}-{month:02d}.bib"] = bibtex.bib_file(cites[a.slug] for a in items)
        out[f"dates/{year:04d}-{month:02d}.md"] = pages.month_page(
            year, month, items, pages.downloads(f"{year:04d}-{month:02d}.bib"))
    listing_rows = []
    in_listing = _papers_by_listing(annotated)
    for listing in sorted(listings, key=lambda l: (l.captured.sort_key() if l.captured else (0, 0, 0), l.name),
                          reverse=True):
        seen = in_listing.get(listing.name, [])
        files[f"dates/{listing_pages[listing.name]}.bib"] = bibtex.bib_file(cites[a.slug] for a in seen)
        out[f"dates/{listing_pages[listing.name]}.md"] = pages.listing_page(
            listing, seen, pages.downloads(f"{listing_pages[listing.name]}.bib"))
        listing_rows.append((listing, listing_pages[listing.name], len(seen)))
    months = sorted(((y, m, len(items)) for (y, m), items in by_month.items()), reverse=True)
    undated = sum(1 for a in annotated if a.paper.published is None)
    year_unknown = sum(1 for a in annotated if a.paper.published and not a.paper.published.year)
    out["dates/index.md"] = pages.dates_overview(months, listing_rows, undated, year_unknown)

    stats = {
        "papers": len(annotated), "listings": len(listings), "duplicates": duplicates, "topics": len(topics),
        "with_code": sum(1 for a in annotated if any(l.kind is LinkKind.CODE for l in a.links)),
    }
    site_feed = feeds.Feed("feed.xml", site_name, "The newest papers in the archive", "index.html")
    atom = feeds.atom(site_feed, annotated, site_name, site_url)
    json_feed = feeds.json_feed(feeds.Feed("feed.json", site_name, site_feed.subtitle, "index.html"),
                                annotated, site_name, site_url)
    if atom is not None and json_feed is not None:
        files["feed.xml"], files["feed.json"] = atom, json_feed
    out["stats.md"] = stats_page(annotated)
    out["index.md"] = pages.home_page(site_name, stats, newest[:NEWEST_ON_HOME], counts[:TOP_TOPICS_ON_HOME],
                                      feeds="feed.xml" in files)
    nav = [{"Home": "index.md"}, {"Topics": "topics/index.md"}, {"Dates": "dates/index.md"},
           {"Stats": "stats.md"}]
    return RenderedSite(pages=out, nav=nav, topics=tuple(topics), files=files)


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
