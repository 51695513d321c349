"""Long lists of papers cut into pages of a fixed size whose addresses and contents stay put as the archive grows.

A list (a topic's papers, a month's, the untagged ones) of fewer than 2 * SIZE papers is one page, as it always
was. A longer one is cut the way an append-only log is: its papers are put in the order the archive added them
(their first sighting in a listing with a known capture date), and blocks of exactly SIZE are taken from the
oldest end. Block N is then the same papers whatever arrives later; the list's own page keeps the rest, the
newest: between SIZE and 2 * SIZE - 1 of them, so it is never nearly empty. A new day of papers changes that page
only, and once it holds 2 * SIZE papers its oldest SIZE become the next block. (A listing backfilled with an
older capture date, or one whose date has no year, whose papers count as the oldest, moves papers into the older
blocks: the blocks from there shift once.)

Names: block N of `topics/<slug>.md` is `topics/<slug>/N.md`, in a folder named like the list's page, the number
counted from the oldest so that it names the same papers for good. Material's blog plugin pages the other way
(`page/2` is the second newest), so every one of its pages shifts each day; a `page/N` name would suggest that.

Where a topic's order is not by date (the curator's notes or ratings first, render/topic_order.py) its blocks are
cut by position in that order instead, from its end: they shift when a paper gains or loses a note or a rating,
or arrives with an older date than the first page's papers. A listing's page is cut by position too: a listing
never grows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from sitegen.memo import Memo, key
from sitegen.model import Annotated, PartialDate
from sitegen.render import pages
from sitegen.text import escape

SIZE = 100
"""Papers on a block page; the list's own page holds SIZE to 2 * SIZE - 1. A card is about 0.45 KB of HTML for a
pasted paper and about 1.05 KB for the richest (a long title, three long author names, upvotes, a checked code
repository with stars, four topics, withdrawn, a curator's rating and status), on some 15 KB of theme, plus about
0.13 KB a page for the pager: 199 of the richest cards make a page of 219 KB (tests/test_pagination.py builds
it), 199 pasted ones about 100 KB."""

NO_CAPTURE = ((0, 0, 0), "", 0)
"""Where a paper that no listing with a known capture year showed sorts: before every other, the oldest."""


@dataclass(frozen=True, slots=True)
class Part:
    """One page of a list: the first (the newest papers) or block `number` counted from the oldest."""

    number: int
    """0 for the list's own page, else the block's number: 1 is the oldest."""
    papers: tuple[Annotated, ...]
    """Its papers, in the list's order."""
    span: str
    """What the pager says of it: the dates its papers were added (or published, for a list in another order)."""


def arrival_key(a: Annotated) -> tuple[Any, ...]:
    """Return when the archive first saw a paper: its earliest sighting with a known capture year (date, listing,
    line), then its slug; NO_CAPTURE when none has one."""
    seen = [(s.captured.sort_key(), s.listing, s.line) for s in a.paper.seen_in if s.captured and s.captured.year]
    return (*(min(seen) if seen else NO_CAPTURE), a.slug)


def cut(papers: Sequence[Annotated], order: Callable[[Annotated], Any], by_arrival: bool = True,
        arrival: Callable[[Annotated], Any] = arrival_key) -> list[Part]:
    """Return the list's pages, its own page first, then its blocks from the newest (the highest number) to block 1;
    each page's papers sorted by order. by_arrival: blocks by when the archive added the papers (arrival: a key
    ordering papers as arrival_key() does); else by position in order, from its end."""
    size = SIZE
    if by_arrival:
        oldest_first = sorted(papers, key=arrival)
    else:
        oldest_first = sorted(papers, key=order, reverse=True)
    blocks = max(0, len(oldest_first) // size - 1)
    pieces = [(0, oldest_first[blocks * size:])]
    pieces += [(n, oldest_first[(n - 1) * size:n * size]) for n in range(blocks, 0, -1)]
    return [Part(number, tuple(sorted(piece, key=order)), _span(piece, by_arrival)) for number, piece in pieces]


def _span(papers: Sequence[Annotated], by_arrival: bool) -> str:
    """Return the dates a page's papers were added (by_arrival: papers in arrival order, so that the first and
    the last paper hold the earliest and the latest date, and a paper without one comes first) or published,
    as a pager shows them."""
    if by_arrival:
        first, last = (_first_capture(papers[0]), _first_capture(papers[-1])) if papers else (None, None)
        if last is None:
            return "capture date unknown"
        return "added " + (f"up to {_time(last)}" if first is None else _range([first, last]))
    published = [a.paper.published if a.paper.published and a.paper.published.year else None for a in papers]
    return "published " + _range(published) if any(published) else "publication date unknown"


def _first_capture(a: Annotated) -> PartialDate | None:
    seen = [s.captured for s in a.paper.seen_in if s.captured and s.captured.year]
    return min(seen, key=PartialDate.sort_key) if seen else None


def _range(dates: Sequence[PartialDate | None]) -> str:
    """Return "2024-05-01 – 2024-05-20" (one date when they are all the same day), "up to 2024-05-20" when
    some are unknown; each date a <time> element (the theme keeps it on one line)."""
    known = sorted((d for d in dates if d is not None), key=PartialDate.sort_key)
    first, last = _time(known[0]), _time(known[-1])
    if len(known) < len(dates):
        return f"up to {last}"
    return first if first == last else f"{first} – {last}"


def _time(date: PartialDate) -> str:
    day = pages.iso_date(date)
    return f'<time datetime="{day}">{day}</time>'


@dataclass(frozen=True, slots=True)
class PagedList:
    """A list page to cut into pages: what its pages say besides their papers."""

    path: str
    """The list's own page in the docs folder, without `.md`: topics/<slug>, dates/2024-05. Its blocks are
    `<path>/N.md`."""
    title: str
    """Its title (untrusted; escaped where shown)."""
    intro: str
    """The first sentence of its own page's introduction (Markdown, already inert): "3120 papers, newest first"."""
    order: str
    """How a block lists its papers: "newest first"."""
    links: tuple[tuple[str, str], ...]
    """The links its introduction ends with: (text, target relative to the list's folder)."""


@dataclass(frozen=True, slots=True)
class Kept:
    """List pages the last build made, kept by what they show (sitegen/memo.py): a new day changes a topic's own
    page and leaves its blocks as they were, so they are not made again."""

    memo: Memo[str]
    digests: Mapping[str, bytes]
    """Each paper's digest (SiteContext.digests): what its card shows is derived from it."""

    def page(self, view: PagedList, parts: Sequence[Part]) -> str:
        """Return _page(view, parts), the page of parts[0], from the memo when the last build made the same."""
        shown = view if parts[0].number == 0 else replace(view, intro="")  # a block does not show the intro
        digest = key(shown, [(part.number, part.span, len(part.papers)) for part in parts],
                     [self.digests[a.slug] for a in parts[0].papers])
        kept = self.memo.get(digest)
        return kept if kept is not None else self.memo.put(digest, _page(view, parts))


def paged(view: PagedList, parts: Sequence[Part], kept: Kept | None = None) -> dict[str, str]:
    """Return the list's pages by path in the docs folder: its own page and, when it is cut, its blocks (those
    kept shows the same papers on taken from it)."""
    make = kept.page if kept is not None else _page
    out = {f"{view.path}.md": make(view, parts)}
    for n, part in enumerate(parts[1:], 1):
        out[f"{view.path}/{part.number}.md"] = make(view, parts[n:])
    return out


def _page(view: PagedList, parts: Sequence[Part]) -> str:
    """Return the page of parts[0] (the list's own page, or a block), ending with the pager of parts when there
    are others."""
    here, name = parts[0], PurePosixPath(view.path).name
    if here.number:
        intro = (f"{pages.counted(len(here.papers), 'paper')} {here.span}, {view.order}. "
                 f"[Newest papers](../{name}.md) · {_links(view.links, '../')}")
        return (pages.list_page(f"{view.title}, page {here.number}", intro, here.papers, "../../")
                + _pager(view, parts, name, here.number))
    intro = f"{view.intro}. {_links(view.links, '')}"
    if len(parts) == 1:
        return pages.list_page(view.title, intro, here.papers)
    older = len(parts) - 1
    intro += (f"\n\nThis page shows {len(here.papers)} of them, {here.span}; the others are on {older} more "
              f"page{'s' if older != 1 else ''}, [listed at the end](#{PAGER_ID}).")
    return pages.list_page(view.title, intro, here.papers) + _pager(view, parts, name, 0)


def _links(links: Sequence[tuple[str, str]], up: str) -> str:
    return " · ".join(f"[{text}]({up}{target})" for text, target in links)


PAGER_ID = "sg-pages"


def _pager(view: PagedList, parts: Sequence[Part], name: str, here: int) -> str:
    """Return the pager a list page ends with: a link to the next older page (and, on a block, to the newest
    papers), then the pages with their dates. A block lists only the pages older than itself and the list's own
    page (which lists them all): a page added later must not change it."""
    newest = f"{name}.html" if here == 0 else f"../{name}.html"

    def href(number: int) -> str:
        return f"{name}/{number}.html" if here == 0 else f"{number}.html"

    older = parts[1] if len(parts) > 1 else None
    steps = [] if here == 0 else [f'<a href="{newest}">Newest papers</a>']
    if older:
        steps.append(f'<a href="{href(older.number)}">Older papers</a>')
    items = [f'<li><span aria-current="page">{_label(part)}</span></li>' if part.number == here
             else f'<li><a href="{href(part.number)}">{_label(part)}</a></li>' for part in parts]
    if here:
        items.insert(0, f'<li><a href="{newest}">Newest papers</a>, with the list of every page</li>')
    listed = "".join(f"{item}\n" for item in items)
    return (f'\n<nav class="sg-pager" id="{PAGER_ID}" aria-label="Pages of {escape.attr(view.title)}">\n'
            f'<p class="sg-pager__steps">{" · ".join(steps)}</p>\n'
            f'<ul class="sg-pager__pages">\n{listed}</ul>\n</nav>\n')


def _label(part: Part) -> str:
    """A page as the pager names it: "Newest: 142 papers, added …", "Page 3: 100 papers, added …"."""
    name = "Newest" if part.number == 0 else f"Page {part.number}"
    return f"{name}: {pages.counted(len(part.papers), 'paper')}, {part.span}"
