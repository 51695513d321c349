"""The page families: each returns its pages (Markdown, by path in the docs folder) and its files.

A family reads the SiteContext and nothing else; render/site.py lists them in order as data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sitegen import feedlinks
from sitegen.memo import Memo, key
from sitegen.model import Annotated
from sitegen.parallel import beside
from sitegen.render import bibtex, feeds, pages, paging, topic_order
from sitegen.render.context import SiteContext
from sitegen.render.paper import paper_page
from sitegen.render.stats import stats_page

NEWEST_ON_HOME = 20
NEWEST_DAY_ON_HOME = 30
"""Papers of the newest capture day the home page leads with; the day's listing pages show them all."""
TOP_TOPICS_ON_HOME = 12
PARALLEL_FROM = 2000
"""Paper pages are most of the rendering: from this many, the second core renders half of them."""


@dataclass(slots=True)
class Output:
    """What a family adds to the docs folder."""

    pages: dict[str, str] = field(default_factory=dict)
    """Markdown pages, rendered by MkDocs."""
    files: dict[str, str] = field(default_factory=dict)
    """Other files, copied as they are: feeds, .bib files and robots.txt."""


def paper_family(site: SiteContext) -> Output:
    """One page per paper: those whose paper, related papers, listings and citation are as the last build
    found them from its memo (sitegen/memo.py), the others rendered, half on the second core when many."""
    memo: Memo[str] = Memo(site.work, "paper-pages")
    each = site.digests
    # A page names its own listings' pages only (Seen in): a new listing changes no other paper's key.
    keys = {a.slug: key([site.listing_pages[s.listing] for s in a.paper.seen_in], each[a.slug], a.related,
                        [each[s] for s in a.related if s in each], site.citations[a.slug])
            for a in site.annotated}
    kept = {a.slug: memo.get(keys[a.slug]) for a in site.annotated}
    todo = tuple(a for a in site.annotated if kept[a.slug] is None)
    made = _rendered(site, todo)
    for a in todo:
        kept[a.slug] = memo.put(keys[a.slug], made[f"papers/{a.slug}.md"])
    memo.save()
    return Output({f"papers/{slug}.md": str(page) for slug, page in kept.items()})


def _rendered(site: SiteContext, papers: tuple[Annotated, ...]) -> dict[str, str]:
    count = len(papers)
    if count < PARALLEL_FROM:
        return paper_pages(site, papers)
    with beside(paper_pages, site, papers[count // 2:]) as second_half:
        return {**paper_pages(site, papers[:count // 2]), **second_half.result()}


def paper_pages(site: SiteContext, papers: Sequence[Annotated]) -> dict[str, str]:
    """Return these papers' pages (their related papers looked up in the site)."""
    out = {}
    for a in papers:
        related = [site.by_slug[slug] for slug in a.related if slug in site.by_slug]
        out[f"papers/{a.slug}.md"] = paper_page(a, site.listing_pages, related, site.citations[a.slug])
    return out


def topic_family(site: SiteContext) -> Output:
    """A page (cut into pages when long: render/paging.py), a .bib file and an Atom and a JSON feed per topic, and
    the topics overview. Pages and feeds showing what the last build's showed are taken from its memos."""
    out = Output()
    name, undated = site.options.site_name, feeds.undated_day(site.listings)
    order_key = topic_order.ordering(site.options.topic_order, {a.slug: n for n, a in enumerate(site.newest)})
    arrived = {a.slug: n for n, a in enumerate(sorted(site.annotated, key=paging.arrival_key))}
    kept = _kept(site, "topic-pages")
    kept_feeds: Memo[dict[str, str]] = Memo(site.work, "topic-feeds")
    for tag in site.topics:
        items = sorted(site.by_topic[tag], key=order_key)
        out.files[f"topics/{tag.slug}.bib"] = _bib(site, items)
        feed = feeds.Feed(f"topics/{tag.slug}.xml", f"{name}: {tag.name}", f"The newest papers on {tag.name}",
                          f"topics/{tag.slug}.html", undated)
        made = _feed_files(site, feed, site.by_topic[tag], kept_feeds)
        out.files.update(made)
        by_date = topic_order.by_date(site.options.topic_order, items)
        view = paging.PagedList(f"topics/{tag.slug}", tag.name,
                                pages.topic_intro(len(items), topic_order.describe(site.options.topic_order, items)),
                                "newest first" if by_date else "in the topic's order",
                                _list_links("All topics", "index.md", tag.slug, bool(made)))
        parts = paging.cut(items, order_key, by_date, lambda a: arrived[a.slug])
        made_pages = paging.paged(view, parts, kept)
        made_pages[f"{view.path}.md"] = _offering(made_pages[f"{view.path}.md"], feed.title, made)
        out.pages.update(made_pages)
    kept.memo.save()
    kept_feeds.save()
    out.pages["topics/index.md"] = pages.topics_overview(site.topic_sizes(), len(site.untagged))
    return out


def _kept(site: SiteContext, kind: str) -> paging.Kept:
    """The list pages of a family the last build made (memo-<kind>), by what they show."""
    return paging.Kept(Memo(site.work, kind), site.digests)


def _list_links(up: str, index: str, name: str, feed: bool = False) -> tuple[tuple[str, str], ...]:
    """A list page's introduction links: the overview it belongs to, its .bib file, its Atom feed when it has one."""
    return ((up, index), ("BibTeX", f"{name}.bib"), *((("Atom feed", f"{name}.xml"),) if feed else ()))


def untagged_family(site: SiteContext) -> Output:
    """The page of papers no topic matched (cut into pages when long), when there are any."""
    if not site.untagged:
        return Output()
    papers = list(site.untagged)
    view = paging.PagedList("topics/untagged", pages.UNTAGGED_TITLE, pages.untagged_intro(len(papers)),
                            "newest first", _list_links("All topics", "index.md", "untagged"))
    kept = _kept(site, "untagged-pages")
    made = paging.paged(view, paging.cut(papers, Annotated.newest_first_key), kept)
    kept.memo.save()
    return Output(made, {"topics/untagged.bib": _bib(site, papers)})


def month_family(site: SiteContext) -> Output:
    """A page (cut into pages when long) and a .bib file per month of publication."""
    out, kept = Output(), _kept(site, "month-pages")
    for (year, month), items in site.by_month.items():
        name = f"{year:04d}-{month:02d}"
        out.files[f"dates/{name}.bib"] = _bib(site, items)
        view = paging.PagedList(f"dates/{name}", pages.month_title(year, month), pages.month_intro(len(items)),
                                "newest first", _list_links("All dates", "index.md", name))
        out.pages.update(paging.paged(view, paging.cut(items, Annotated.newest_first_key), kept))
    kept.memo.save()
    return out


def listing_family(site: SiteContext) -> Output:
    """A page (cut into pages by position when long: a listing never grows) and a .bib file per listing."""
    out, kept = Output(), _kept(site, "listing-pages")
    titles = pages.listing_titles(site.listings)
    for listing in site.listings:
        name, seen = site.listing_pages[listing.name], site.in_listing.get(listing.name, [])
        out.files[f"dates/{name}.bib"] = _bib(site, seen)
        view = paging.PagedList(f"dates/{name}", titles[listing.name], pages.listing_intro(listing, len(seen)),
                                "in the listing's order", _list_links("All dates", "index.md", name))
        out.pages.update(paging.paged(view, paging.cut(seen, _position_in(seen), by_arrival=False), kept))
    kept.memo.save()
    return out


def _position_in(papers: list[Annotated]) -> Callable[[Annotated], int]:
    """Return a sort key keeping papers in the order of this list."""
    position = {a.slug: n for n, a in enumerate(papers)}
    return lambda a: position[a.slug]


def dates_family(site: SiteContext) -> Output:
    """The dates overview: months by year, then listings, newest first."""
    months = sorted(((y, m, len(items)) for (y, m), items in site.by_month.items()), reverse=True)
    titles = pages.listing_titles(site.listings)
    rows = [pages.ListingRow(listing, site.listing_pages[listing.name], titles[listing.name],
                             len(site.in_listing.get(listing.name, []))) for listing in site.listings]
    undated = sum(1 for a in site.annotated if a.paper.published is None)
    year_unknown = sum(1 for a in site.annotated if a.paper.published and not a.paper.published.year)
    return Output({"dates/index.md": pages.dates_overview(months, rows, undated, year_unknown)})


def stats_family(site: SiteContext) -> Output:
    """The stats page and its charts."""
    return Output({"stats.md": site.stats if site.stats is not None else stats_page(site.annotated)})


def feed_family(site: SiteContext) -> Output:
    """The site's Atom and JSON feeds of the newest papers, when any paper has a date."""
    return Output(files=_feed_files(site, _site_feed(site), site.annotated))


def _site_feed(site: SiteContext) -> feeds.Feed:
    return feeds.Feed("feed.xml", site.options.site_name, feeds.SITE_FEED, "index.html",
                      feeds.undated_day(site.listings))


def saved_search_family(site: SiteContext) -> Output:
    """An Atom and a JSON feed per saved search (`extra.sitegen.feeds`), once any paper has a date."""
    searches, name, undated = site.options.feeds, site.options.site_name, feeds.undated_day(site.listings)
    out = Output()
    for search in searches:
        chosen = set(site.saved.get(search.slug, ()))
        papers = [a for a in site.annotated if a.slug in chosen]
        subtitle = f"The newest papers a saved search finds: {search.query()}"
        feed = feeds.Feed(search.feed_paths()[0], f"{name}: {search.name}", subtitle, search.query(), undated)
        out.files.update(_feed_files(site, feed, papers))
    return out


def home_family(site: SiteContext) -> Output:
    """The home page: the newest day's papers, top topics, newest papers, the feeds (linked, and offered to feed
    readers)."""
    day = newest_day(site)
    shown = {a.slug for a in day.papers} if day else set()
    newest = tuple(a for a in site.newest[:NEWEST_ON_HOME + len(shown)] if a.slug not in shown)[:NEWEST_ON_HOME]
    view = pages.HomeView(site.options.site_name, site.counts, newest, tuple(site.topic_sizes()[:TOP_TOPICS_ON_HOME]),
                          feeds=site.latest is not None, day=day)
    made = {"feed.xml": "", "feed.json": ""} if site.latest is not None else {}
    return Output({"index.md": _offering(pages.home_page(view), site.options.site_name, made)})


def newest_day(site: SiteContext) -> pages.NewestDay | None:
    """Return the newest capture day's papers, in its listings' order (each once); None when no listing has a
    capture date."""
    captured = site.listings[0].captured if site.listings else None
    if captured is None:
        return None
    listings = sorted(listing.name for listing in site.listings if listing.captured == captured)
    titles = pages.listing_titles(site.listings)
    papers: dict[str, Annotated] = {}
    for name in listings:
        for a in site.in_listing.get(name, []):
            papers.setdefault(a.slug, a)
    return pages.NewestDay(captured, tuple((titles[name], site.listing_pages[name]) for name in listings),
                           tuple(papers.values())[:NEWEST_DAY_ON_HOME], len(papers))


def robots_family(site: SiteContext) -> Output:
    """robots.txt, naming the sitemap, when the site's address is known (without it, it would say nothing)."""
    if not site.options.site_url:
        return Output()
    return Output(files={"robots.txt": f"User-agent: *\nAllow: /\n\nSitemap: {site.options.site_url}sitemap.xml\n"})


def _feed_files(site: SiteContext, feed: feeds.Feed, papers: Sequence[Annotated],
                kept: Memo[dict[str, str]] | None = None) -> dict[str, str]:
    """Return a page's Atom feed (at feed.path) and JSON feed (beside it, .json); none when no paper of the site
    has a date (a feed of a page whose papers have none is empty, updated on the site's newest date). kept: the
    feeds the last build made, by what they show."""
    if site.latest is None:
        return {}
    newest = feeds.newest(papers, undated=feed.undated, order=site.feed_order)
    name, url = site.options.site_name, site.options.site_url
    digest = key(feed, name, url, site.latest, feeds.WRITERS, [(site.digests[a.slug], day) for a, day in newest])
    made = kept.get(digest) if kept is not None else None
    if made is not None:
        return made
    shown = [a for a, _ in newest]  # the newest of these are the same papers
    as_json = replace(feed, path=feed.path.removesuffix(".xml") + ".json")
    made = {feed.path: feeds.atom(feed, shown, name, url, empty=site.latest) or "",
            as_json.path: feeds.json_feed(as_json, shown, name, url, empty=True) or ""}
    return kept.put(digest, made) if kept is not None else made


def _offering(page: str, title: str, made: dict[str, str]) -> str:
    """Return a page with its feeds (made: their paths) in its front matter, as `sitegen_feeds`, which the
    theme prints as discovery links (partials/sitegen-feeds.html)."""
    links = feedlinks.offered(title, next((path for path in made if path.endswith(".xml")), None),
                              next((path for path in made if path.endswith(".json")), None))
    if not links or not page.startswith("---\n"):
        return page
    return f"---\nsitegen_feeds: {json.dumps(links, ensure_ascii=False, sort_keys=True)}\n{page[4:]}"


def _bib(site: SiteContext, papers: list[Annotated]) -> str:
    return bibtex.bib_file(site.citations[a.slug] for a in papers)
