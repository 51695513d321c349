"""Assemble every generated page of the site in memory: gather everything first, then write.

The page families run in the order FAMILIES lists them (markdown-it-py's rule lists); each is a function of
the SiteContext returning its pages and files (render/families.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sitegen.model import Tag
from sitegen.render import families
from sitegen.render.context import SiteContext
from sitegen.render.pages import cards_made_once

FAMILIES: tuple[tuple[str, Callable[[SiteContext], families.Output]], ...] = (
    ("papers", families.paper_family),
    ("topics", families.topic_family),
    ("untagged", families.untagged_family),
    ("months", families.month_family),
    ("listings", families.listing_family),
    ("dates", families.dates_family),
    ("stats", families.stats_family),
    ("feeds", families.feed_family),
    ("saved searches", families.saved_search_family),
    ("home", families.home_family),
    ("robots", families.robots_family),
)
"""Every page family, in the order the site is assembled."""
PAPERS = frozenset({"papers"})
"""The family that shows related papers (every other family is rendered without them)."""
STATS = frozenset({"stats"})
"""The stats page's family (the pipeline may make the page beforehand: SiteContext.stats)."""
NAV = ({"Home": "index.md"}, {"Topics": "topics/index.md"}, {"Dates": "dates/index.md"}, {"Stats": "stats.md"})
"""The navigation: index pages only (listing thousands of papers in it would make every page huge)."""


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """Generated pages by path inside the docs folder, and the navigation that lists index pages only."""

    pages: dict[str, str]
    nav: list[dict[str, str]]
    topics: tuple[Tag, ...]
    """Topics that have at least one paper."""
    files: dict[str, str] = field(default_factory=dict)
    """Other files for the docs folder, copied as they are: feeds and .bib files."""


def render(site: SiteContext, skip: frozenset[str] = frozenset()) -> RenderedSite:
    """Return every page family's pages and files, in FAMILIES order (but the families named in skip)."""
    pages: dict[str, str] = {}
    files: dict[str, str] = {}
    with cards_made_once():
        for name, family in FAMILIES:
            if name in skip:
                continue
            output = family(site)
            pages.update(output.pages)
            files.update(output.files)
    return RenderedSite(pages=pages, nav=[dict(item) for item in NAV], topics=site.topics, files=files)
