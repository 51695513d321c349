"""The page families: each returns its pages (Markdown, by path in the docs folder) and its files.

A family reads the SiteContext and nothing else; render/site.py lists them in order as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sitegen.model import Annotated
from sitegen.parallel import beside
from sitegen.render import bibtex, feeds, pages, topic_order
from sitegen.render.context import SiteContext
from sitegen.render.paper import paper_page
from sitegen.render.stats import stats_page

NEWEST_ON_HOME = 20
TOP_TOPICS_ON_HOME = 12
PARALLEL_FROM = 2000
"""Paper pages are most of the rendering: from this many, the second core renders half of them."""


@dataclass(slots=True)
class Output:
    """What a family adds to the docs folder."""

    pages: dict[str, str] = field(default_factory=dict)
    """Markdown pages, rendered by MkDocs."""
    files: dict[str, str] = field(default_factory=dict)
    """Other files, copied as they are: feeds and .bib files."""


def paper_family(site: SiteContext) -> Output:
    """One page per paper; half of them on the second core when there are many."""
    count = len(site.annotated)
    if count < PARALLEL_FROM:
        return Output(_paper_pages(site, 0, count))
    with beside(_paper_pages, site, count // 2, count) as second_half:
        first_half = _paper_pages(site, 0, count // 2)
        return Output({**first_half, **second_half.result()})


def _paper_pages(site: SiteContext, start: int, stop: int) -> dict[str, str]:
    return paper_pages(site, site.annotated[start:stop])


def paper_pages(site: SiteContext, papers: Sequence[Annotated]) -> dict[str, str]:
    """Return these papers' pages (their related papers looked up in the site)."""
    out = {}
    for a in papers:
        related = [site.by_slug[slug] for slug in a.related if slug in site.by_slug]
        out[f"papers/{a.slug}.md"] = paper_page(a, site.listing_pages, related, site.citations[a.slug])
    return out


def topic_family(site: SiteContext) -> Output:
    """A page, a .bib file and an Atom feed per topic, and the topics overview."""
    out = Output()
    order, name = site.options.topic_order, site.options.site_name
    for tag in site.topics:
        items = sorted(site.by_topic[tag], key=lambda a: topic_order.sort_key(order, a))
        out.files[f"topics/{tag.slug}.bib"] = _bib(site, items)
        feed = feeds.Feed(f"topics/{tag.slug}.xml", f"{name}: {tag.name}", f"The newest papers on {tag.name}",
                          f"topics/{tag.slug}.html")
        atom = feeds.atom(feed, site.by_topic[tag], name, site.options.site_url)
        if atom is not None:
            out.files[feed.path] = atom
        links = pages.downloads(f"{tag.slug}.bib", f"{tag.slug}.xml" if atom is not None else None)
        out.pages[f"topics/{tag.slug}.md"] = pages.topic_page(tag, items, topic_order.describe(order, items), links)
    out.pages["topics/index.md"] = pages.topics_overview(site.topic_sizes(), len(site.untagged))
    return out


def untagged_family(site: SiteContext) -> Output:
    """The page of papers no topic matched, when there are any."""
    if not site.untagged:
        return Output()
    papers = list(site.untagged)
    return Output({"topics/untagged.md": pages.untagged_page(papers, pages.downloads("untagged.bib"))},
                  {"topics/untagged.bib": _bib(site, papers)})


def month_family(site: SiteContext) -> Output:
    """A page and a .bib file per month of publication."""
    out = Output()
    for (year, month), items in site.by_month.items():
        name = f"{year:04d}-{month:02d}"
        out.files[f"dates/{name}.bib"] = _bib(site, items)
        out.pages[f"dates/{name}.md"] = pages.month_page(year, month, items, pages.downloads(f"{name}.bib"))
    return out


def listing_family(site: SiteContext) -> Output:
    """A page and a .bib file per listing, by capture date."""
    out = Output()
    for listing in site.listings:
        name, seen = site.listing_pages[listing.name], site.in_listing.get(listing.name, [])
        out.files[f"dates/{name}.bib"] = _bib(site, seen)
        out.pages[f"dates/{name}.md"] = pages.listing_page(listing, seen, pages.downloads(f"{name}.bib"))
    return out


def dates_family(site: SiteContext) -> Output:
    """The dates overview: months by year, then listings, newest first."""
    months = sorted(((y, m, len(items)) for (y, m), items in site.by_month.items()), reverse=True)
    rows = [(listing, site.listing_pages[listing.name], len(site.in_listing.get(listing.name, [])))
            for listing in site.listings]
    undated = sum(1 for a in site.annotated if a.paper.published is None)
    year_unknown = sum(1 for a in site.annotated if a.paper.published and not a.paper.published.year)
    return Output({"dates/index.md": pages.dates_overview(months, rows, undated, year_unknown)})


def stats_family(site: SiteContext) -> Output:
    """The stats page and its charts."""
    return Output({"stats.md": stats_page(site.annotated)})


def feed_family(site: SiteContext) -> Output:
    """The site's Atom and JSON feeds of the newest papers, when any paper has a date."""
    name, url = site.options.site_name, site.options.site_url
    atom = feeds.atom(feeds.Feed("feed.xml", name, feeds.SITE_FEED, "index.html"), site.annotated, name, url)
    json_feed = feeds.json_feed(feeds.Feed("feed.json", name, feeds.SITE_FEED, "index.html"), site.annotated,
                                name, url)
    if atom is None or json_feed is None:
        return Output()
    return Output(files={"feed.xml": atom, "feed.json": json_feed})


def saved_search_family(site: SiteContext) -> Output:
    """An Atom and a JSON feed per saved search (`extra.sitegen.feeds`), once any paper has a date."""
    searches, name, url = site.options.feeds, site.options.site_name, site.options.site_url
    if not searches or site.latest is None:
        return Output()
    out = Output()
    for search in searches:
        chosen = set(site.saved.get(search.slug, ()))
        papers = [a for a in site.annotated if a.slug in chosen]
        atom_path, json_path = search.feed_paths()
        subtitle = f"The newest papers a saved search finds: {search.query()}"
        atom = feeds.atom(feeds.Feed(atom_path, f"{name}: {search.name}", subtitle, search.query()), papers, name,
                          url, empty=site.latest)
        json_feed = feeds.json_feed(feeds.Feed(json_path, f"{name}: {search.name}", subtitle, search.query()),
                                    papers, name, url, empty=True)
        out.files.update({atom_path: atom or "", json_path: json_feed or ""})
    return out


def home_family(site: SiteContext) -> Output:
    """The home page: counts, top topics, newest papers, the feeds."""
    home = pages.home_page(site.options.site_name, site.counts, list(site.newest[:NEWEST_ON_HOME]),
                           site.topic_sizes()[:TOP_TOPICS_ON_HOME], feeds=site.latest is not None)
    return Output({"index.md": home})


def _bib(site: SiteContext, papers: list[Annotated]) -> str:
    return bibtex.bib_file(site.citations[a.slug] for a in papers)
