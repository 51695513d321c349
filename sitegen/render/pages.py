"""The Markdown of the generated list pages (a paper's own page is render/paper.py). Archive text goes through
escape.text(), always, and where it stands beside other text it is bidi-isolated (`<bdi>`, or `dir="auto"` on
its element): a right-to-left override (U+202E) in a title would otherwise reverse the date after it.

Pages link to each other with relative `.md` links so that MkDocs validates every one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.model import MONTH_NAMES, Annotated, Check, LinkKind, LinkStatus, Listing, Note, PartialDate, Tag
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


def card_item(a: Annotated, to_root: str) -> str:
    """Return a list page's item showing a paper as a card: its title (isolated, linking its page), date (or
    "undated") and withdrawn mark, then a line of what else the archive knows of it (paper_card), when it knows
    more. (A paper page's related papers stay compact items: paper_item.)"""
    date = a.paper.published.display() if a.paper.published else "undated"
    withdrawn = WITHDRAWN_BADGE if a.paper.facts.withdrawn else ""
    return (f"- [<bdi>{escape.text(plain(a.display_title))}</bdi>]({to_root}papers/{a.slug}.md) "
            f"<small>{date}</small>{withdrawn}{paper_card(a)}")


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


def downloads(bib: str | None = None, feed: str | None = None) -> str:
    """Return the links to a page's .bib file and Atom feed, for its introduction line."""
    out = f" · [BibTeX]({bib})" if bib else ""
    return out + (f" · [Atom feed]({feed})" if feed else "")


def topic_page(tag: Tag, papers: list[Annotated], order: str = "newest first", links: str = "") -> str:
    """Return a topic's page: its papers in the order given, which order describes."""
    out = [front_matter(tag.name), f"# {escape.text(tag.name)}\n\n",
           f"{len(papers)} paper{'s' if len(papers) != 1 else ''}, {order}. "
           f"[All topics](index.md){links}\n\n"]
    out.extend(card_item(a, "../") + "\n" for a in papers)
    return "".join(out)


def topics_overview(topics: list[tuple[Tag, int]], untagged: int) -> str:
    """Return the topics overview: every topic with its paper count, largest first."""
    out = [front_matter("Topics"), "# Topics\n\n", "| Topic | Papers |\n| --- | ---: |\n"]
    out.extend(f"| [{escape.text(tag.name)}]({tag.slug}.md) | {count} |\n" for tag, count in topics)
    if untagged:
        out.append(f"| [No topic](untagged.md) | {untagged} |\n")
    return "".join(out)


def untagged_page(papers: list[Annotated], links: str = "") -> str:
    """Return the page of papers no topic matched."""
    out = [front_matter("No topic"), "# No topic\n\n",
           f"{len(papers)} papers matched no phrase of the taxonomy. [All topics](index.md){links}\n\n"]
    out.extend(card_item(a, "../") + "\n" for a in papers)
    return "".join(out)


def month_page(year: int, month: int, papers: list[Annotated], links: str = "") -> str:
    """Return the page of papers published in one month, newest first."""
    title = f"{MONTH_NAMES[month - 1]} {year}"
    out = [front_matter(title), f"# {title}\n\n",
           f"{len(papers)} paper{'s' if len(papers) != 1 else ''} published this month. "
           f"[All dates](index.md){links}\n\n"]
    out.extend(card_item(a, "../") + "\n" for a in papers)
    return "".join(out)


def listing_page(listing: Listing, papers: list[Annotated], links: str = "") -> str:
    """Return the page of one listing: its capture date and papers in listing order."""
    captured = listing.captured.display() if listing.captured else "capture date unknown"
    title = f"Listing {listing.name}"
    out = [front_matter(title), f"# {escape.text(title)}\n\n",
           f"Captured {captured}. {len(listing.entries)} entries, {len(papers)} unique papers, "
           f"in the listing's order. [All dates](index.md){links}\n\n"]
    out.extend(card_item(a, "../") + "\n" for a in papers)
    return "".join(out)


def dates_overview(months: list[tuple[int, int, int]], listings: list[tuple[Listing, str, int]],
                   undated: int, year_unknown: int) -> str:
    """Return the dates overview: months by year (newest first), then listings by capture date."""
    out = [front_matter("Dates"), "# Dates\n\n", "## By publication month\n\n"]
    by_year: dict[int, list[str]] = {}
    for y, m, count in months:
        by_year.setdefault(y, []).append(f"[{MONTH_NAMES[m - 1][:3]}]({y:04d}-{m:02d}.md) ({count})")
    out.extend(f"- **{y}**: {' · '.join(links)}\n" for y, links in by_year.items())
    out.append("\n")
    if undated or year_unknown:
        out.append(f"Not in a month above: {_undated(undated, year_unknown)}. Find them under the listings "
                   "that showed them, below.\n\n")
    out.append("## By listing capture date\n\n| Listing | Captured | Papers |\n| --- | --- | ---: |\n")
    for listing, page, count in listings:
        captured = listing.captured.display() if listing.captured else "unknown"
        out.append(f"| [{escape.text(listing.name)}]({page}.md) | {captured} | {count} |\n")
    return "".join(out)


def _undated(undated: int, year_unknown: int) -> str:
    """Say plainly how many papers have no date, and how many a date without its year (only what there is)."""
    parts = [f"{counted(undated, 'paper')} with no publication date" if undated else "",
             f"{counted(year_unknown, 'paper')} whose date has no year" if year_unknown else ""]
    return " and ".join(part for part in parts if part)


def counted(n: int, word: str) -> str:
    """Return "1 paper", "2,000 papers": a count and its word, plural unless one."""
    return f"{n:,} {word}{'s' if n != 1 else ''}"


@dataclass(frozen=True, slots=True)
class NewestDay:
    """The newest capture day's papers, as the day's listings show them, for the home page to lead with."""

    captured: PartialDate
    listings: tuple[tuple[str, str], ...]
    """The day's listings: (file name, page name under dates/)."""
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
        out.extend(card_item(a, "") + "\n" for a in view.newest)
    return "".join(out)


def _newest_day(day: NewestDay) -> str:
    """The section the home page leads with: the newest day's papers, in its listings' order."""
    listings = ", ".join(f"[{escape.text(name)}](dates/{page}.md)" for name, page in day.listings)
    shown = (f"the first {len(day.papers)} of {day.total} papers" if day.total > len(day.papers)
             else counted(day.total, "paper"))
    out = [f"## Newest day: {day.captured.display()}\n\n",
           f"{shown[0].upper()}{shown[1:]} captured that day, in the order of "
           f"{'its listing' if len(day.listings) == 1 else 'its listings'} ({listings}).\n\n"]
    out.extend(card_item(a, "") + "\n" for a in day.papers)
    return "".join(out) + "\n"
