"""The Markdown of the generated list pages (a paper's own page is render/paper.py). Archive text goes through
escape.text(), always, and where it stands beside other text it is bidi-isolated (`<bdi>`, or `dir="auto"` on
its element): a right-to-left override (U+202E) in a title would otherwise reverse the date after it.

Pages link to each other with relative `.md` links so that MkDocs validates every one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from sitegen.model import MONTH_NAMES, Annotated, Listing, Note, Tag
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
    out.extend(paper_item(a, "../") + "\n" for a in papers)
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
    out.extend(paper_item(a, "../") + "\n" for a in papers)
    return "".join(out)


def month_page(year: int, month: int, papers: list[Annotated], links: str = "") -> str:
    """Return the page of papers published in one month, newest first."""
    title = f"{MONTH_NAMES[month - 1]} {year}"
    out = [front_matter(title), f"# {title}\n\n",
           f"{len(papers)} paper{'s' if len(papers) != 1 else ''} published this month. "
           f"[All dates](index.md){links}\n\n"]
    out.extend(paper_item(a, "../") + "\n" for a in papers)
    return "".join(out)


def listing_page(listing: Listing, papers: list[Annotated], links: str = "") -> str:
    """Return the page of one listing: its capture date and papers in listing order."""
    captured = listing.captured.display() if listing.captured else "capture date unknown"
    title = f"Listing {listing.name}"
    out = [front_matter(title), f"# {escape.text(title)}\n\n",
           f"Captured {captured}. {len(listing.entries)} entries, {len(papers)} unique papers, "
           f"in the listing's order. [All dates](index.md){links}\n\n"]
    out.extend(paper_item(a, "../") + "\n" for a in papers)
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


def home_page(site_name: str, counts: SiteCounts, newest: list[Annotated],
              top_topics: list[tuple[Tag, int]], feeds: bool = False) -> str:
    """Return the home page: counts, newest papers, top topics; links to the feeds when there are any."""
    feed_links = " · [Atom feed](feed.xml) · [JSON Feed](feed.json)" if feeds else ""
    out = [front_matter(site_name), f"# {escape.text(site_name)}\n\n",
           f"{counts.paper_count} papers from {counts.listing_count} listings "
           f"({counts.duplicate_count} duplicates merged), {counts.topic_count} topics, "
           f"{counts.with_code_count} with code links.\n\n",
           f"[Browse topics](topics/index.md) · [Browse by date](dates/index.md) · [Stats](stats.md){feed_links}\n\n",
           "## Top topics\n\n"]
    out.extend(f"- [<bdi>{escape.text(tag.name)}</bdi>](topics/{tag.slug}.md) ({count})\n" for tag, count in top_topics)
    out.append("\n## Newest papers\n\n")
    out.extend(paper_item(a, "") + "\n" for a in newest)
    return "".join(out)
