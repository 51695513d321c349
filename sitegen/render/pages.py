"""The Markdown of the generated list pages (a paper's own page is render/paper.py). Archive text goes through
escape.text(), always, and where it stands beside other text it is bidi-isolated (`<bdi>`, or `dir="auto"` on
its element): a right-to-left override (U+202E) in a title would otherwise reverse the date after it.

Pages link to each other with relative `.md` links so that MkDocs validates every one of them.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sitegen.model import MONTH_NAMES, MONTHS, Annotated, Check, LinkKind, LinkStatus, Listing, Note, PartialDate, Tag
from sitegen.render.context import SiteCounts
from sitegen.render.math import to_mathml
from sitegen.text import escape
from sitegen.text.latex import display_text, plain, split_math

_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Unicode's explicit direction marks: embeddings, overrides and isolates."""


def front_matter(title: str, meta: Mapping[str, str] | None = None) -> str:
    """Return YAML front matter giving the page title, already inert for the theme's templates, then meta's keys.

    meta's values are written as given: the caller has made them what the theme may print as it is (escaped),
    on characters YAML allows.
    """
    shown = escape.text(title)
    if _BIDI_CONTROLS.search(shown):
        # The theme puts the title where no element can isolate it (the window's title, beside the site's
        # name): FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE ends whatever direction it sets, there too.
        shown = f"\u2068{shown}\u2069"
    # A JSON string is a valid YAML double-quoted scalar, and far quicker to write than yaml.safe_dump.
    lines = [f"title: {json.dumps(shown, ensure_ascii=False)}\n"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in (meta or {}).items()]
    return "---\n" + "".join(lines) + "---\n\n"


def abstract_html(abstract: str) -> str:
    """Return the abstract as HTML: escaped text, with `$…$` math as sanitised MathML."""
    out = []
    for segment, is_math in split_math(abstract):
        mathml = to_mathml(segment) if is_math else None
        # inline(), not text(): the spaces between words and math are part of the sentence.
        out.append(mathml if mathml else escape.inline(display_text(segment)))
    return "".join(out).strip(" ")


def paper_item(a: Annotated, to_root: str) -> str:
    """Return a list item linking a paper (its title isolated), with its date and marks."""
    date = a.paper.published.display() if a.paper.published else "undated"
    withdrawn = WITHDRAWN_BADGE if a.paper.facts.withdrawn else ""
    badges = f" {curation(a.note, 'small')}" if a.note and (a.note.rating or a.note.status) else ""
    return (f"- [<bdi>{escape.text(plain(a.display_title))}</bdi>]({to_root}papers/{a.slug}.md) "
            f"<small>{date}</small>{withdrawn}{badges}")


def card_list(papers: Iterable[Annotated], to_root: str) -> str:
    """Return papers as cards, one HTML list (a block of its own: a blank line before and after it).

    HTML rather than a Markdown list: MkDocs passes an HTML block through as it is, where it would parse every
    item's link and inline HTML (a page of 199 cards: 19 ms instead of 93, and a topic's pages are rendered
    again each day). Every piece of it is escaped here as it would be in Markdown; the links go to the pages'
    HTML (`use_directory_urls: false`, set by sitegen)."""
    items = "".join(card_item(a, to_root) + "\n" for a in papers)
    return f'<ul class="sg-cards">\n{items}</ul>\n' if items else ""


def card_item(a: Annotated, to_root: str) -> str:
    """Return a list page's item showing a paper as a card: its title (isolated, linking its page), date (or
    "undated") and withdrawn mark, then a line of what else the archive knows of it (paper_card), when it knows
    more. (A paper page's related papers stay compact items: paper_item.)"""
    return f'<li><a href="{escape.attr(f"{to_root}papers/{a.slug}.html")}">{_card_rest(a)}'


_rests: contextvars.ContextVar[dict[int, tuple[Annotated, str]] | None] = contextvars.ContextVar("cards", default=None)
"""While cards_made_once() runs: what a card shows after its link's address, by paper record (kept with it, so
that the id stays its own)."""


@contextlib.contextmanager
def cards_made_once() -> Iterator[None]:
    """Make each paper's card once while the block runs (a whole render: a paper is a card on each of its topics',
    its month's and its listings' pages), and forget them after."""
    token = _rests.set({})
    try:
        yield
    finally:
        _rests.reset(token)


def _card_rest(a: Annotated) -> str:
    made = _rests.get()
    kept = made.get(id(a)) if made is not None else None
    if kept is not None and kept[0] is a:
        return kept[1]
    date = a.paper.published.display() if a.paper.published else "undated"
    withdrawn = WITHDRAWN_BADGE if a.paper.facts.withdrawn else ""
    rest = f"<bdi>{escape.text(plain(a.display_title))}</bdi></a> <small>{date}</small>{withdrawn}{paper_card(a)}</li>"
    if made is not None:
        made[id(a)] = (a, rest)
    return rest


AUTHORS_ON_CARD = 3
"""Author names a card shows; more are "et al."."""
TOPICS_ON_CARD = 4
"""Topics a card shows; more are counted ("+2")."""


def paper_card(a: Annotated) -> str:
    """Return a card's line: first authors, upvotes, then badges for code, topics and the curator's marks; ""
    when none is known.

    Few elements (each costs MkDocs' Markdown time, and a topic page at 10,000 papers lists thousands of cards): the
    facts are text, joined by " · ", and each author is isolated by FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE
    rather than a <bdi> apiece. The line is a block of its own: a direction override in the title cannot reach it.
    """
    facts = " · ".join(part for part in (_card_authors(a), _card_upvotes(a)) if part)
    badges = [badge for badge in (_card_code(a), _card_topics(a)) if badge]
    if a.note and (a.note.rating or a.note.status):
        badges.append(curation(a.note, "span"))
    parts = [facts, *badges] if facts else badges
    return f' <span class="sg-card">{" ".join(parts)}</span>' if parts else ""


def _card_authors(a: Annotated) -> str:
    names, count = a.paper.facts.authors, a.paper.author_count
    if not names:
        return counted(count, "author") if count else ""
    # Each name's own direction marks are dropped, so that none can end its isolate early.
    shown = ", ".join(f"\u2068{_BIDI_CONTROLS.sub('', escape.text(name))}\u2069" for name in names[:AUTHORS_ON_CARD])
    return shown + (" et al." if len(names) > AUTHORS_ON_CARD else "")


def _card_upvotes(a: Annotated) -> str:
    votes = a.paper.upvote_count
    return counted(votes, "upvote") if votes is not None else ""


def _card_code(a: Annotated) -> str:
    """The code badge: the first code link's stars and state, where known."""
    link = next((link for link in a.links if link.kind is LinkKind.CODE), None)
    if link is None:
        return ""
    check = link.health.latest if link.health else None
    stars = check.stars if check and check.stars is not None else link.stars
    words = ["Code", f"\u2605 {stars:,}" if stars is not None else "", _code_state(check) if check else ""]
    return f'<span class="md-tag sg-card-code">{" · ".join(word for word in words if word)}</span>'


def _code_state(check: Check) -> str:
    """A checked repository's state in a word; "" when it was not checked (a private address)."""
    if check.status is LinkStatus.NOT_CHECKED:
        return ""
    if check.empty:
        return "empty"
    return "archived" if check.archived and check.working else check.status.value


def _card_topics(a: Annotated) -> str:
    names = [escape.text(m.tag.name) for m in a.tags]
    tags = " ".join(f'<bdi class="md-tag">{name}</bdi>' for name in names[:TOPICS_ON_CARD])
    return tags + (f" +{len(names) - TOPICS_ON_CARD}" if len(names) > TOPICS_ON_CARD else "")


WITHDRAWN_BADGE = ' <small class="sg-withdrawn-badge" title="A source says this paper was withdrawn">withdrawn</small>'
"""What a list item adds after the date of a paper a source says was withdrawn."""


def curation(note: Note, element: str) -> str:
    """Return a note's rating and status as small badges."""
    badges = []
    if note.rating:
        stars = "\u2605" * note.rating + "\u2606" * (5 - note.rating)
        badges.append(f'<span class="md-tag sg-rating" title="Curator\'s rating: {note.rating} of 5">{stars}</span>')
    if note.status:
        badges.append(f'<span class="md-tag sg-status" title="Reading status" dir="auto">{escape.text(note.status)}'
                      '</span>')
    return f'<{element} class="sg-curation">{" ".join(badges)}</{element}>'


def list_page(title: str, intro: str, papers: Sequence[Annotated], to_root: str = "../") -> str:
    """Return a list page: its title (untrusted, escaped here) as heading, its introduction line (Markdown, made
    inert by the caller), then a card per paper."""
    return "".join([front_matter(title), f"# {escape.text(title)}\n\n", f"{intro}\n\n", card_list(papers, to_root)])


def topic_intro(count: int, order: str) -> str:
    """Return the first sentence of a topic page's introduction."""
    return f"{count} paper{'s' if count != 1 else ''}, {order}"


def topic_page(tag: Tag, papers: list[Annotated], order: str = "newest first", links: str = "") -> str:
    """Return a topic's page, as it is when one page holds it (render/paging.py): its papers in the order given,
    which order describes; links: what its introduction ends with (" · [BibTeX](x.bib)")."""
    return list_page(tag.name, f"{topic_intro(len(papers), order)}. [All topics](index.md){links}", papers)


def topics_overview(topics: list[tuple[Tag, int]], untagged: int) -> str:
    """Return the topics overview: every topic with its paper count, largest first."""
    out = [front_matter("Topics"), "# Topics\n\n", "| Topic | Papers |\n| --- | ---: |\n"]
    out.extend(f"| [{escape.text(tag.name)}]({tag.slug}.md) | {count} |\n" for tag, count in topics)
    if untagged:
        out.append(f"| [No topic](untagged.md) | {untagged} |\n")
    return "".join(out)


UNTAGGED_TITLE = "No topic"


def untagged_intro(count: int) -> str:
    """Return the first sentence of the untagged page's introduction."""
    return f"{count} papers matched no phrase of the taxonomy"


def month_title(year: int, month: int) -> str:
    """Return a month page's title: "May 2024"."""
    return f"{MONTH_NAMES[month - 1]} {year}"


def month_intro(count: int) -> str:
    """Return the first sentence of a month page's introduction."""
    return f"{count} paper{'s' if count != 1 else ''} published this month"


def listing_intro(listing: Listing, count: int) -> str:
    """Return the first sentences of a listing page's introduction: its file, capture date and counts."""
    captured = listing.captured.display() if listing.captured else "capture date unknown"
    entries = len(listing.entries)
    return (f"Captured {captured}. {entries} entr{'y' if entries == 1 else 'ies'}, {count} unique "
            f"paper{'' if count == 1 else 's'}, in the listing's order "
            f"(file <code>{escape.text(listing.name)}</code>)")


def listing_page(listing: Listing, papers: list[Annotated], links: str = "", title: str | None = None) -> str:
    """Return the page of one listing, as it is when one page holds it (render/paging.py): its capture date and
    papers in listing order; title: what the site calls it (listing_titles()), its file name when not given."""
    return list_page(title or f"Listing {listing.name}",
                     f"{listing_intro(listing, len(papers))}. [All dates](index.md){links}", papers)


def listing_titles(listings: Iterable[Listing]) -> dict[str, str]:
    """Return what pages call each listing, by file name: "Listing captured 2024-05-03" where its capture date has
    a year ("Listing captured May 3, year unknown" where not), with " (2)", " (3)" … after the first of a date
    in file name order; "Listing <file name>" when the date is unknown. The file names stay beside them."""
    by_date: dict[PartialDate | None, list[str]] = {}
    for listing in sorted(listings, key=lambda item: item.name):
        by_date.setdefault(listing.captured, []).append(listing.name)
    titles = {}
    for date, names in by_date.items():
        for n, name in enumerate(names, 1):
            if date is None:
                titles[name] = f"Listing {name}"
                continue
            shown = iso_date(date) if date.year else f"{MONTHS[date.month - 1]} {date.day}, year unknown"
            titles[name] = f"Listing captured {shown}" + (f" ({n})" if n > 1 else "")
    return titles


def iso_date(date: PartialDate) -> str:
    """Return a date whose year is known as ISO 8601: 2024-05-03."""
    return f"{date.year or 0:04d}-{date.month:02d}-{date.day:02d}"


@dataclass(frozen=True, slots=True)
class ListingRow:
    """A listing as the dates overview lists it."""

    listing: Listing
    page: str
    """Its page name under dates/."""
    title: str
    """What the site calls it (listing_titles())."""
    count: int
    """Its unique papers."""


def dates_overview(months: list[tuple[int, int, int]], listings: list[ListingRow], undated: int,
                   year_unknown: int) -> str:
    """Return the dates overview: months by year (newest first), then listings by capture date, each called by its
    capture date, its file name beside it."""
    out = [front_matter("Dates"), "# Dates\n\n", "## By publication month\n\n"]
    by_year: dict[int, list[str]] = {}
    for y, m, count in months:
        by_year.setdefault(y, []).append(f"[{MONTH_NAMES[m - 1][:3]}]({y:04d}-{m:02d}.md) ({count})")
    out.extend(f"- **{y}**: {' · '.join(links)}\n" for y, links in by_year.items())
    out.append("\n")
    if undated or year_unknown:
        them = "it" if undated + year_unknown == 1 else "them"
        out.append(f"{_undated(undated, year_unknown)}, so no month above lists {them}; the listings below that "
                   f"showed {them} do.\n\n")
    out.append("## By listing capture date\n\n| Listing | Papers | File |\n| --- | ---: | --- |\n")
    out.extend(f"| [{escape.text(row.title)}]({row.page}.md) | {row.count} | "
               f"<small>{escape.text(row.listing.name)}</small> |\n" for row in listings)
    return "".join(out)


def _undated(undated: int, year_unknown: int) -> str:
    """Say plainly how many papers have no publication date and how many one without a year, leaving out a zero:
    "5 papers have no publication date and 1 has one without a year"."""
    if not undated:
        return f"{_papers_have(year_unknown)} a publication date without a year"
    out = f"{_papers_have(undated)} no publication date"
    if year_unknown:
        out += f" and {year_unknown} {'has' if year_unknown == 1 else 'have'} one without a year"
    return out


def _papers_have(n: int) -> str:
    return f"{n} paper has" if n == 1 else f"{n} papers have"


def counted(n: int, word: str) -> str:
    """Return "1 paper", "2,000 papers": a count and its word, plural unless one."""
    return f"{n:,} {word}{'s' if n != 1 else ''}"


@dataclass(frozen=True, slots=True)
class NewestDay:
    """The newest capture day's papers, as the day's listings show them, for the home page to lead with."""

    captured: PartialDate
    listings: tuple[tuple[str, str], ...]
    """The day's listings: (what the site calls it, page name under dates/)."""
    papers: tuple[Annotated, ...]
    """The papers shown: the first of the day's, in its listings' order."""
    total: int
    """How many papers the day's listings show (more than papers when the home page shows only the first)."""


@dataclass(frozen=True, slots=True)
class HomeView:
    """What the home page shows."""

    site_name: str
    counts: SiteCounts
    newest: tuple[Annotated, ...]
    """The newest papers by publication, those of the newest day left out."""
    top_topics: tuple[tuple[Tag, int], ...]
    feeds: bool = False
    """Whether the site has feeds to link."""
    day: NewestDay | None = None


def home_page(view: HomeView) -> str:
    """Return the home page: counts, the newest day's papers, top topics, newest papers; the feeds when any."""
    counts = view.counts
    feed_links = " · [Atom feed](feed.xml) · [JSON Feed](feed.json)" if view.feeds else ""
    out = [front_matter(view.site_name), f"# {escape.text(view.site_name)}\n\n",
           f"{counts.paper_count} papers from {counts.listing_count} listings "
           f"({counts.duplicate_count} duplicates merged), {counts.topic_count} topics, "
           f"{counts.with_code_count} with code links.\n\n",
           f"[Browse topics](topics/index.md) · [Browse by date](dates/index.md) · [Stats](stats.md){feed_links}\n\n"]
    if view.day:
        out.append(_newest_day(view.day))
    out.append("## Top topics\n\n")
    out.extend(f"- [<bdi>{escape.text(tag.name)}</bdi>](topics/{tag.slug}.md) ({count})\n"
               for tag, count in view.top_topics)
    if view.newest:
        out.append("\n## Newest papers\n\n")
        out.append(card_list(view.newest, ""))
    return "".join(out)


def _newest_day(day: NewestDay) -> str:
    """The section the home page leads with: the newest day's papers, in its listings' order."""
    if len(day.listings) == 1:
        listings = f"[its listing](dates/{day.listings[0][1]}.md)"
    else:
        listings = "its listings (" + ", ".join(f"[{escape.text(title)}](dates/{page}.md)"
                                                for title, page in day.listings) + ")"
    shown = (f"the first {len(day.papers)} of {day.total} papers" if day.total > len(day.papers)
             else counted(day.total, "paper"))
    out = [f"## Newest day: {day.captured.display()}\n\n",
           f"{shown[0].upper()}{shown[1:]} captured that day, in the order of {listings}.\n\n"]
    out.append(card_list(day.papers, ""))
    return "".join(out) + "\n"
