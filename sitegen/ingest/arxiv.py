"""Read arXiv API responses (Atom 1.0 with the `arxiv:` namespace) saved under metadata/arxiv/.

    <feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
      <entry>
        <id>http://arxiv.org/abs/2305.11627v3</id> <published>2023-05-19T17:15:15Z</published> <updated>…
        <title>LLM-Pruner: On the Structural Pruning of Large Language Models</title>   (hard-wrapped)
        <summary>  Large language models (LLMs) have shown …</summary>                     (hard-wrapped)
        <author><name>Xinyin Ma</name> <arxiv:affiliation>…</arxiv:affiliation></author> …   (zero or more)
        <arxiv:comment>…</arxiv:comment> <arxiv:journal_ref>…</arxiv:journal_ref> <arxiv:doi>…</arxiv:doi>
        <arxiv:primary_category term="cs.CL"/> <category term="cs.CL"/> <category term="cs.AI"/>
        <link href="…/abs/2305.11627v3" rel="alternate"/> <link title="pdf" href="…/pdf/2305.11627v3"/>
      </entry>
    </feed>

The XML is parsed with defusedxml (no entities, no external fetches). A response whose only entry is titled
`Error` is arXiv's way of reporting a failure: the file is reported and skipped. A file cut short keeps the
entries before the cut. `updated` is the date of the version the entry describes. A withdrawn paper is a new
version whose comment says so ("This paper has been withdrawn by the author"), or whose abstract does.
"""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from sitegen.errors import ListingError, Report, shown
from sitegen.ingest.limits import bounded
from sitegen.model import Entry, Facts, PartialDate, SourceKind, Withdrawal
from sitegen.text.arxiv_ids import parse_arxiv_id

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
MAX_AUTHORS = 5000
MAX_FIELD = 1000
"""Characters of a comment, journal reference, DOI, author name or affiliation kept."""
MAX_AFFILIATIONS = 200
"""Distinct affiliations kept per paper."""
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)
_WITHDRAWN_ABSTRACT = "this paper has been withdrawn"


def read_arxiv(path: Path, data: bytes, report: Report) -> list[Entry]:
    """Return the papers an arXiv API response describes; raise ListingError when it holds none."""
    elements, cut = _entries(path, data)
    if len(elements) == 1 and _text(elements[0].find(f"{ATOM}title")) == "Error":
        raise ListingError(f"is an error from the arXiv API: {shown(_text(elements[0].find(f'{ATOM}summary')))}",
                           path=path, hint="fetch it again (sitegen fetch --enrich) or remove the file")
    entries = []
    for position, element in enumerate(elements, start=1):
        entry = _entry(element, position, path, report)
        if entry is not None:
            entries.append(entry)
    if cut and entries:
        report.warn(f"ends before the feed closes ({cut}); the {len(entries)} entries before it are read", path=path,
                    hint="fetch it again (sitegen fetch --enrich)")
    if not entries:
        raise ListingError(f"holds no arXiv entry{f' ({cut})' if cut else ''}", path=path,
                           hint="save the arXiv API's answer unchanged, or remove the file")
    return entries


def _entries(path: Path, data: bytes) -> tuple[list[ET.Element], str]:
    """Return the feed's entry elements, and what cut the feed short ("" when nothing did)."""
    found: list[ET.Element] = []
    try:
        for _, element in SafeET.iterparse(io.BytesIO(data), events=("end",), forbid_dtd=True):
            if element.tag == f"{ATOM}entry":
                found.append(element)
    except ET.ParseError as exc:
        return found, f"XML error at line {exc.position[0]}"
    except DefusedXmlException as exc:
        raise ListingError(f"uses XML features an API response never needs ({type(exc).__name__})", path=path,
                           hint="save the arXiv API's answer unchanged") from None
    return found, ""


def _entry(element: ET.Element, position: int, path: Path, report: Report) -> Entry | None:
    parsed = parse_arxiv_id(_text(element.find(f"{ATOM}id")))
    title = _text(element.find(f"{ATOM}title"))
    if parsed is None or not title:
        report.warn(f"entry {position} has no arXiv id or title; skipped", path=path)
        return None
    identifier, version = parsed
    authors = element.findall(f"{ATOM}author")[:MAX_AUTHORS]
    names = tuple(name[:MAX_FIELD] for a in authors if (name := _text(a.find(f"{ATOM}name"))))
    primary = element.find(f"{ARXIV}primary_category")
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in element.findall(f"{ATOM}category")]
    abstract = _text(element.find(f"{ATOM}summary"))
    comment = _field(element, "comment")
    return Entry(
        title=bounded(title, "title", path, None, report),
        abstract=bounded(abstract, "abstract", path, None, report),
        author_count=len(names) or None, published=_day(_text(element.find(f"{ATOM}published"))),
        upvote_count=None, line=position,
        facts=Facts(arxiv_id=identifier, version=version, authors=names,
                    categories=tuple(dict.fromkeys(c[:100] for c in categories if c)),
                    comment=comment, journal_ref=_field(element, "journal_ref"), doi=_field(element, "doi"),
                    updated=_day(_text(element.find(f"{ATOM}updated"))), affiliations=_affiliations(authors),
                    withdrawn=Withdrawal(SourceKind.ARXIV) if _withdrawn(comment, abstract) else None))


def _affiliations(authors: list[ET.Element]) -> tuple[str, ...]:
    """Return the authors' affiliations, each once, in the authors' order (at most MAX_AFFILIATIONS)."""
    kept: dict[str, None] = {}
    for author in authors:
        for element in author.findall(f"{ARXIV}affiliation"):
            if (name := _text(element)[:MAX_FIELD]) and name not in kept:
                kept[name] = None
                if len(kept) == MAX_AFFILIATIONS:
                    return tuple(kept)
    return tuple(kept)


def _withdrawn(comment: str | None, abstract: str) -> bool:
    """Whether the version carries arXiv's withdrawal notice: in its comment, or as its abstract."""
    # arXiv does not document the notice's words; "This paper has been withdrawn by the author(s)" is usual.
    return bool(comment and _WITHDRAWN.search(comment)) or abstract.lower().startswith(_WITHDRAWN_ABSTRACT)


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _field(element: ET.Element, name: str) -> str | None:
    return _text(element.find(f"{ARXIV}{name}"))[:MAX_FIELD] or None


def _day(value: str) -> PartialDate | None:
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return PartialDate.checked(day.year, day.month, day.day)
