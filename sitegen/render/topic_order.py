"""How a topic page orders its papers (`extra.sitegen.topic_order`), and how its introduction says so."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sitegen.model import Annotated
from sitegen.options import TopicOrder


def ordering(order: TopicOrder, newest: Mapping[str, int]) -> Callable[[Annotated], tuple[Any, ...]]:
    """Return the sort key of a topic page's papers; newest: each paper's place in the site's papers newest first
    (SiteContext.newest), which orders them as Annotated.newest_first_key() does, for the cost of a look-up."""
    if order is TopicOrder.NOTES_FIRST:
        return lambda a: (a.note is None, newest[a.slug])
    if order is TopicOrder.RATING:
        return lambda a: (-_rating(a), newest[a.slug])
    return lambda a: (newest[a.slug],)


def _rating(a: Annotated) -> int:
    return a.note.rating if a.note and a.note.rating else 0


def describe(order: TopicOrder, papers: list[Annotated]) -> str:
    """Return how the page is ordered, for its introduction."""
    noted = sum(1 for a in papers if a.note)
    if order is TopicOrder.NOTES_FIRST and noted:
        return f"newest first; the {noted} with a curator's note come first"
    if order is TopicOrder.RATING and any(a.note and a.note.rating for a in papers):
        return "newest first within each curator's rating, highest rated first"
    return "newest first"


def by_date(order: TopicOrder, papers: list[Annotated]) -> bool:
    """Whether a topic's papers are in date order (newest first), so that its pages can be cut by when the archive
    added them (render/paging.py); an order that puts the curator's choices first and has some is not."""
    if order is TopicOrder.NOTES_FIRST:
        return not any(a.note for a in papers)
    if order is TopicOrder.RATING:
        return not any(a.note and a.note.rating for a in papers)
    return True
