"""One paper's page, section by section; the sections run in the order SECTIONS lists them.

Archive and API text goes through escape.text(), always; a URL becomes a link only when annotate/ or this
module checked it (clean https, a DOI, an arXiv id), and it is escaped as an attribute even then.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

from sitegen.model import (
    Annotated,
    Check,
    HubRepos,
    Link,
    LinkKind,
    LinkStatus,
    Note,
    PartialDate,
    SourceKind,
    TagMatch,
    TagSource,
)
from sitegen.render import bibtex
from sitegen.render.head import paper_head
from sitegen.render.math import note_math
from sitegen.render.pages import abstract_html, counted, curation, front_matter, paper_item
from sitegen.text import escape
from sitegen.text.latex import plain
from sitegen.text.links import clean_url
from sitegen.text.note_markup import embeddable

AUTHORS_SHOWN = 50
"""Author names on the page; a longer list ends with "and N more"."""
AFFILIATIONS_SHOWN = 50
"""Affiliations on the page; a longer list ends with "and N more"."""
HUB_SHOWN = 5
"""Ids of each kind of citing Hugging Face repository linked on the page."""
_HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?")
"""A Hub repository id (ingest/hub_repos.py keeps no other; checked again before it becomes a link)."""
_PRIVATE_NAMES = (".localhost", ".local", ".internal", ".home.arpa", ".lan")
"""Names that are never public (RFC 6761, 6762, 8375, and the usual home-network one)."""
_DOI = re.compile(r"^10\.\d{4,9}/[^\s\"'<>]{1,200}$")


@dataclass(frozen=True, slots=True)
class PaperView:
    """What a paper's page shows besides the paper itself."""

    a: Annotated
    listing_pages: dict[str, str]
    """Each listing file's page name under dates/."""
    related: tuple[Annotated, ...]
    citation: str
    """Its BibTeX entry."""


def paper_page(a: Annotated, listing_pages: dict[str, str], related: Iterable[Annotated] = (),
               citation: str | None = None) -> str:
    """Return one paper's page: title, authors, the curator's note, abstract, links, related papers, citation."""
    view = PaperView(a, listing_pages, tuple(related), citation if citation is not None else bibtex.entry(a))
    return "".join(section(view) for section in SECTIONS)


def _heading(view: PaperView) -> str:
    title = plain(view.a.display_title)
    head = paper_head(view.a)
    out = (front_matter(title, {"description": head.description, "sitegen_head": head.html})
           + f'<h1 class="sg-title">{escape.text(title)}</h1>\n\n')
    note = view.a.note
    if note and (note.rating or note.status):
        out += curation(note, "p") + "\n\n"
    return out


def _withdrawn(view: PaperView) -> str:
    """A notice under the title when a source says the paper was withdrawn."""
    withdrawal = view.a.paper.facts.withdrawn
    if withdrawal is None:
        return ""
    if withdrawal.source is SourceKind.HF:
        when = f" on {withdrawal.date.display()}" if withdrawal.date else ""
        said = "Hugging Face"
    else:
        when, said = "", "arXiv: its newest version carries a withdrawal notice"
    return f'<p class="sg-withdrawn"><strong>Withdrawn</strong>{when} ({said})</p>\n\n'


def _authors(view: PaperView) -> str:
    names = view.a.paper.facts.authors
    if not names:
        return ""
    # Each name isolated: a right-to-left override in one name must not reorder the others.
    shown = ", ".join(f"<bdi>{escape.text(name)}</bdi>" for name in names[:AUTHORS_SHOWN])
    more = f" and {len(names) - AUTHORS_SHOWN} more" if len(names) > AUTHORS_SHOWN else ""
    return f'<p class="sg-authors">{shown}{more}</p>\n\n'


def _affiliations(view: PaperView) -> str:
    names = view.a.paper.facts.affiliations
    if not names:
        return ""
    shown = "; ".join(f"<bdi>{escape.text(name)}</bdi>" for name in names[:AFFILIATIONS_SHOWN])
    more = f" and {len(names) - AFFILIATIONS_SHOWN} more" if len(names) > AFFILIATIONS_SHOWN else ""
    return f'<p class="sg-affiliations">{shown}{more}</p>\n\n'


def _facts(view: PaperView) -> str:
    a, p = view.a, view.a.paper
    facts = [f"Published {p.published.display()}" if p.published else "Publication date not stated"]
    if p.author_count is not None:
        facts.append(counted(p.author_count, "author"))
    if p.upvote_count is not None:
        facts.append(counted(p.upvote_count, "upvote"))
    if p.facts.comments:  # 0 comments says nothing worth a place on the line
        facts.append(counted(p.facts.comments, "comment") + " on Hugging Face")
    if a.arxiv_id:
        updated = p.facts.updated
        # The first version's date is the publication date already shown.
        when = f", updated {updated.display()}" if updated and updated != p.published else ""
        facts.append(f"arXiv {escape.text(a.arxiv_id)}{escape.text(p.facts.version or '')}{when}")
    if p.facts.categories:
        facts.append(", ".join(escape.text(c) for c in p.facts.categories))
    return f'<p class="sg-facts">{" · ".join(facts)}</p>\n\n'


def _topics(view: PaperView) -> str:
    if not view.a.tags:
        return ""
    tags = ", ".join(f"[{escape.text(m.tag.name)}](../topics/{m.tag.slug}.md \"{_why(m)}\")" for m in view.a.tags)
    return f"Topics: {tags}\n\n"


def _why(match: TagMatch) -> str:
    """Return a topic link's tooltip: the phrase that matched, or that the curator added it."""
    if match.source is TagSource.CURATOR:
        return "added by the curator's note"
    return f"matched: {escape.text(match.phrase)}"


def _note(view: PaperView) -> str:
    """The curator's note: its added topics, then its Markdown as written (headings moved down, math as MathML)."""
    note: Note | None = view.a.note
    if not note or not (note.body.strip() or note.tags):
        return ""
    out = "## Curator's note\n\n"
    if note.tags:
        out += "Tags: " + " ".join(f"[{escape.text(tag.name)}](../topics/{tag.slug}.md)" for tag in note.tags) + "\n\n"
    if note.body.strip():
        out += note_math(embeddable(note.body)) + "\n\n"
    return out


def _abstract(view: PaperView) -> str:
    if not view.a.display_abstract:
        return "## Abstract\n\n*The listing shows no abstract for this paper.*\n\n"
    return f'## Abstract\n\n<p class="sg-abstract">{abstract_html(view.a.display_abstract)}</p>\n\n'


def _ai_summary(view: PaperView) -> str:
    facts = view.a.paper.facts
    if not (facts.ai_summary or facts.ai_keywords):
        return ""
    out = "## AI summary\n\n"
    if facts.ai_summary:
        out += (f'<p class="sg-ai"><em>Machine-written by Hugging Face, not by the authors.</em> '
                f"{escape.text(facts.ai_summary)}</p>\n\n")
    if facts.ai_keywords:
        out += (f'<p class="sg-ai">Keywords, chosen by a machine: '
                f"{', '.join(escape.text(k) for k in facts.ai_keywords)}</p>\n\n")
    return out


def _links(view: PaperView) -> str:
    out = list(_paper_links(view.a))
    for kind in LinkKind:
        links = [link for link in view.a.links if link.kind is kind]
        if links:
            out.append(f"**{kind.label}**\n\n")
            out.extend(f"- {_anchor(link.url, link.url)}{_stars(link)}{_state(link)}\n" for link in links)
            out.append("\n")
    out.extend(_hub(view.a.paper.facts.hub_repos))
    return "## Links\n\n" + "".join(out) if out else ""


def _hub(repos: HubRepos | None) -> Iterable[str]:
    """The Hugging Face models, datasets and spaces that cite the paper: how many, and the first few of each."""
    if repos is None:
        return
    kinds = [(word, ids, count, prefix) for word, ids, count, prefix in (
        ("model", repos.models, repos.model_count, ""),
        ("dataset", repos.datasets, repos.dataset_count, "datasets/"),
        ("space", repos.spaces, repos.space_count, "spaces/")) if count]
    if not kinds:
        return
    yield f"**Hugging Face: {', '.join(counted(count, word) for word, _, count, _ in kinds)} cite this paper**\n\n"
    for word, ids, count, prefix in kinds:
        shown = [_anchor(f"https://huggingface.co/{prefix}{i}", i) for i in ids[:HUB_SHOWN] if _HUB_ID.fullmatch(i)]
        if shown:
            more = f" and {count - len(shown):,} more" if count > len(shown) else ""
            yield f"- {word.capitalize()}s: {', '.join(shown)}{more}\n"
    yield "\n"


def _paper_links(a: Annotated) -> Iterable[str]:
    if not a.arxiv_id:
        return
    arxiv_id = a.arxiv_id
    yield "**Paper**\n\n"
    yield f"- {_anchor(f'https://arxiv.org/abs/{arxiv_id}', f'arXiv:{arxiv_id}')}\n"
    yield f"- {_anchor(f'https://arxiv.org/pdf/{arxiv_id}', 'PDF')}\n"
    yield f"- {_anchor(f'https://huggingface.co/papers/{arxiv_id}', 'Hugging Face paper page')}\n\n"


def _anchor(url: str, text: str) -> str:
    # Every URL here was validated (a clean http(s) URL, an arXiv id, a DOI); it is still escaped in both places.
    return f'<a href="{escape.attr(url)}" rel="nofollow noopener">{escape.text(text)}</a>'


def _stars(link: Link) -> str:
    stars = link.health.latest.stars if link.health and link.health.latest.stars is not None else link.stars
    return f" <small>★ {stars:,}</small>" if stars is not None else ""


def _state(link: Link) -> str:
    """A checked link's state in words; a dead or unreachable one points to its copies in the Web Archive."""
    if link.health is None:
        return ""
    check = link.health.latest
    if check.status is LinkStatus.NOT_CHECKED:
        # Never requested (a private address): no location, no archive copy, nothing the check did not learn.
        reason = f": {escape.text(check.reason)}" if check.reason else ""
        return f' <small class="sg-link-{check.status.value}">not checked{reason} ({_day(check.date)})</small>'
    words = [_status(link, check, _day(link.health.since)), *_repository(check)]
    return f' <small class="sg-link-{check.status.value}">{" · ".join(words)} (checked {_day(check.date)})</small>'


def _status(link: Link, check: Check, since: str) -> str:
    if check.status is LinkStatus.LIVE:
        return "live"
    if check.status is LinkStatus.MOVED:
        target = _public_url(check.location)
        return f"moved to {_anchor(target, target)}" if target else "moved"
    detail = f"HTTP {check.http}" if check.http else (check.reason or "no answer")
    return f"{check.status.value} ({escape.text(detail)}, since {since}) · {_archive_copy(link.url, check)}"


def _archive_copy(url: str, check: Check) -> str:
    """The Web Archive's copy of a dead link when the check found one, else its list of copies."""
    snapshot = _public_url(check.snapshot)
    if snapshot and snapshot.startswith("https://web.archive.org/"):
        return _anchor(snapshot, "Web Archive copy")
    if check.no_snapshot:
        return "no archived copy"
    return _anchor(f"https://web.archive.org/web/*/{url}", "Web Archive copies")


def _repository(check: Check) -> Iterable[str]:
    """What GitHub said of a repository: archived, empty, fork, licence, language, last push."""
    if check.archived:
        yield "archived"
    if check.empty:
        yield "empty: no commits"
    if check.fork:
        yield "fork"
    if check.license and check.license.upper() != "NOASSERTION":  # GitHub could not tell which licence
        yield f"{escape.text(check.license[:100])} licence"
    if check.language:
        yield escape.text(check.language[:100])
    if check.pushed:
        yield f"last push {_day(check.pushed)}"


def _public_url(value: str | None) -> str | None:
    """Return value when it is a clean http(s) URL, exactly as written, on a public host; else None."""
    url = clean_url(value) if value else None
    if url is None or url != value:
        return None
    host = (urlsplit(url).hostname or "").lower()
    last = host.rsplit(".", 1)[-1]
    if last.isdigit() or last.startswith("0x"):  # an address, in any of the forms browsers read (127.1, 0x7f.1)
        try:
            return url if ipaddress.ip_address(host).is_global else None
        except ValueError:
            return None
    return None if host.endswith(_PRIVATE_NAMES) else url


def _day(day: datetime.date) -> str:
    return PartialDate(day.year, day.month, day.day).display()


def _details(view: PaperView) -> str:
    facts = view.a.paper.facts
    rows = []
    if facts.comment:
        rows.append(f"- Comment: {escape.text(facts.comment)}\n")
    if facts.journal_ref:
        rows.append(f"- Journal reference: {escape.text(facts.journal_ref)}\n")
    if facts.doi:
        doi = (_anchor("https://doi.org/" + quote(facts.doi, safe="/:;()._-"), facts.doi) if _DOI.match(facts.doi)
               else escape.text(facts.doi))
        rows.append(f"- DOI: {doi}\n")
    if facts.organization:
        rows.append(f"- Organization on Hugging Face: {escape.text(facts.organization)}\n")
    return "## Details\n\n" + "".join(rows) + "\n" if rows else ""


def _related(view: PaperView) -> str:
    if not view.related:
        return ""
    return "## Related papers\n\n" + "".join(paper_item(r, "../") + "\n" for r in view.related) + "\n"


def _cite(view: PaperView) -> str:
    """The BibTeX entry in a code block with a copy button (Material's `.copy`)."""
    lines = view.citation.rstrip("\n").split("\n")
    # Each line is escaped for HTML; the leading spaces are written as they are (escape.text() drops them).
    code = "\n".join(" " * (len(line) - len(line.lstrip(" "))) + escape.text(line) for line in lines)
    return f'## Cite\n\n<pre class="copy sg-bibtex"><code>{code}</code></pre>\n\n'


def _find(view: PaperView) -> str:
    if view.a.arxiv_id:
        return ""
    query = quote_plus(plain(view.a.display_title))
    return ("## Find this paper\n\n"
            f"- [Search arXiv by title](https://arxiv.org/search/?query={query}&searchtype=title)\n"
            f"- [Search Hugging Face papers](https://huggingface.co/papers?q={query})\n\n")


def _seen_in(view: PaperView) -> str:
    out = ["## Seen in\n\n"]
    for s in view.a.paper.seen_in:
        captured = s.captured.display() if s.captured else "capture date unknown"
        votes = f", {counted(s.upvote_count, 'upvote')}" if s.upvote_count is not None else ""
        where = f"line {s.line}" if s.source is SourceKind.PASTE else f"paper {s.line} of the API's list"
        out.append(f"- [{escape.text(s.listing)}](../dates/{view.listing_pages[s.listing]}.md), "
                   f"captured {captured}, {where}{votes}\n")
    return "".join(out)




SECTIONS: tuple[Callable[[PaperView], str], ...] = (
    _heading, _withdrawn, _authors, _affiliations, _facts, _topics, _note, _abstract, _ai_summary, _links, _details,
    _related, _cite, _find, _seen_in,
)
"""A paper page's sections, in page order; each returns its Markdown, or "" when it has nothing to show."""
