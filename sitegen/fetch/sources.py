"""What the fetch commands ask each API, and how an answer is checked before anything is written.

    GET {HF_ENDPOINT}/api/daily_papers?date=YYYY-MM-DD&p=N&limit=100   a day's papers, page by page
    GET {HF_ENDPOINT}/api/papers/{id}                                 one paper
    GET {HF_ENDPOINT}/api/arxiv/{id}/repos                            the models, datasets, spaces citing it
    GET {HF_ENDPOINT}/api/papers/search?q=TITLE                       papers by title
    GET {SITEGEN_ARXIV_API}?id_list=ID,ID,…&max_results=N             arXiv entries by id
    GET {SITEGEN_ARXIV_API}?search_query=ti:"TITLE"&max_results=10     arXiv entries by title

The daily list's page size is the service's choice (huggingface_hub documents a default of 50; whether it caps
what is asked is not documented, so a short page is never taken for the last): pages are asked for until one is
empty, or holds only papers already seen (a service that ignores `p`). A day past MAX_DAY_PAPERS papers, MAX_PAGES
pages or the size cap is an error, never silently cut.

An answer is checked with the same readers the build uses: what they would refuse is never written. arXiv
reports some failures with HTTP 200 (an entry titled `Error`, or a plain "Rate exceeded."): those are errors. An
`id_list` arXiv does not know gets an empty feed (totalResults 0): those ids are "not found"; an empty page whose
totalResults is above 0 is transient (the `arxiv` package retries it too) and is asked again.
"""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from sitegen.errors import Report, SitegenError, shown
from sitegen.fetch.http import ATTEMPTS, FetchError, Service, arxiv_api, hf_endpoint
from sitegen.ingest.arxiv import read_arxiv
from sitegen.ingest.hf import entry_from_row
from sitegen.model import Entry
from sitegen.net.answers import max_bytes, setting
from sitegen.text.arxiv_ids import arxiv_id

PAGE_SIZE = 100
"""Papers asked for per page of the daily list (the service may give fewer)."""
MAX_PAGES = 500
MAX_DAY_PAPERS = 5000
"""Papers one day may list (SITEGEN_MAX_DAY_PAPERS): real days list up to a few hundred."""
ARXIV_BATCH = 50
"""arXiv ids asked for in one request."""
_TOTAL = re.compile(rb"<(?:\w+:)?totalResults[^>]*>\s*(\d+)\s*<")


@dataclass(frozen=True)
class Day:
    """A day of the daily list, as fetched: its rows (one per paper, in the service's order) and the file's bytes."""

    rows: tuple[Any, ...]
    body: bytes
    """What a capture file holds: the API's bytes when one page held the day as it is, else the rows as one array."""
    repeated: bool = False
    """Whether a page held only papers of earlier pages (a service that ignores `p`)."""


def row_id(row: Any) -> str | None:
    """Return the arXiv id a row of the daily list names (inside `paper`, or flat)."""
    if not isinstance(row, dict):
        return None
    paper = row["paper"] if isinstance(row.get("paper"), dict) else row
    return arxiv_id(paper.get("id"))


def daily_papers(hf: Service, day: str) -> Day | None:
    """Return a day's daily papers, every page of them; None when the service lists none."""
    what = f"the daily papers of {day}"
    rows: list[Any] = []
    seen: set[str] = set()
    bodies: list[bytes] = []
    limit, cap, repeated = int(setting("SITEGEN_MAX_DAY_PAPERS", MAX_DAY_PAPERS, 1)), max_bytes(), False
    for page in range(MAX_PAGES + 1):
        if page == MAX_PAGES:
            raise _cut(day, f"goes on past {MAX_PAGES} pages")
        body = hf.get(f"{hf_endpoint()}/api/daily_papers", params={"date": day, "p": page, "limit": PAGE_SIZE})
        found = _json_list(body, what)
        if not found:
            break
        fresh = _fresh(found, seen)
        if not fresh and page > 0:
            repeated = True  # the same papers again: the service ignores p, or the list shifted a whole page
            break
        bodies.append(body)
        rows += fresh
        if len(rows) > limit or sum(map(len, bodies)) > cap:
            raise _cut(day, f"lists more than {limit:,} papers" if len(rows) > limit else
                       f"takes more than {cap:,} bytes", "SITEGEN_MAX_DAY_PAPERS" if len(rows) > limit else
                       "SITEGEN_HTTP_MAX_MB")
    if not rows:
        return None
    _check_rows(rows, what)
    whole = len(bodies) == 1 and len(_json_list(bodies[0], what)) == len(rows)
    return Day(tuple(rows), bodies[0] if whole else _array(rows), repeated)


def _fresh(found: list[Any], seen: set[str]) -> list[Any]:
    """Return the rows naming a paper not seen yet (one row per paper), and note them as seen."""
    fresh = []
    for row in found:
        identifier = row_id(row)
        if identifier is not None and identifier not in seen:
            seen.add(identifier)
            fresh.append(row)
    return fresh


def _cut(day: str, why: str, setting_name: str = "SITEGEN_MAX_DAY_PAPERS") -> FetchError:
    return FetchError(f"Hugging Face's daily list of {day} {why}, more than sitegen takes for one day, so it would "
                      "be cut short", hint=f"nothing was written for this day; if the list is real, set "
                      f"{setting_name} higher and fetch it again")


def _array(rows: list[Any]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def paper(hf: Service, identifier: str) -> bytes:
    """Return `/api/papers/{id}`'s answer, checked to describe that very paper."""
    body = hf.get(f"{hf_endpoint()}/api/papers/{identifier}")
    value = _json(body, f"paper {identifier}")
    _check_rows([value], f"paper {identifier}")
    if row_id(value) != identifier:
        raise FetchError(f"Hugging Face's API answered about paper {shown(row_id(value) or value.get('id'))} when "
                         f"asked for {identifier}; the answer was refused", hint="nothing was written for it; the "
                         "service may be misbehaving: try again later")
    return body


def hub_repos(hf: Service, identifier: str) -> bytes | None:
    """Return `/api/arxiv/{id}/repos` (the models, datasets and spaces citing a paper); None when HF has none."""
    body = hf.get(f"{hf_endpoint()}/api/arxiv/{identifier}/repos", accept=(200, 404))
    value = _json(body, f"the repositories citing {identifier}") if body.strip() else None
    if value is None or (isinstance(value, dict) and "error" in value and not _repo_lists(value)):
        return None
    if not isinstance(value, dict) or not _repo_lists(value):
        raise FetchError(f"the answer for the repositories citing {identifier} is not an object of models, datasets "
                         "and spaces", hint="the API may have changed; nothing was written")
    return body


def _repo_lists(value: dict[str, Any]) -> bool:
    return any(isinstance(value.get(kind), list) for kind in ("models", "datasets", "spaces"))


def search_hf(hf: Service, title: str) -> list[Entry]:
    """Return the papers Hugging Face's search finds for a title."""
    body = hf.get(f"{hf_endpoint()}/api/papers/search", params={"q": title})
    rows = _json_list(body, f"the search for {shown(title)}")
    report = Report()
    return [entry for n, row in enumerate(rows, start=1) if (entry := entry_from_row(row, n, Path("search"), report))]


@dataclass(frozen=True)
class ArxivAnswer:
    """arXiv's answer to a list of ids: the feed (None when it held no entry) and the ids it has no entry for."""

    body: bytes | None
    missing: tuple[str, ...]


def arxiv_by_ids(arxiv: Service, ids: list[str]) -> ArxivAnswer:
    """Return arXiv's answer for these ids: its entries, checked, and which ids it does not know."""
    what = f"the arXiv ids {ids[0]}{f' and {len(ids) - 1} more' if len(ids) > 1 else ''}"
    body, entries = _arxiv(arxiv, {"id_list": ",".join(ids), "max_results": len(ids)}, what)
    found = {e.facts.arxiv_id for e in entries}
    return ArxivAnswer(body if entries else None, tuple(i for i in ids if i not in found))


def search_arxiv(arxiv: Service, title: str) -> list[Entry]:
    """Return the entries arXiv's title search finds (none when it finds none)."""
    phrase = title.replace('"', " ")
    return _arxiv(arxiv, {"search_query": f'ti:"{phrase}"', "max_results": 10},
                  f"the arXiv search for {shown(title)}")[1]


def _arxiv(arxiv: Service, params: dict[str, str | int], what: str) -> tuple[bytes, list[Entry]]:
    """Ask arXiv; an empty page of a result arXiv says is not empty is transient: asked again (ATTEMPTS times)."""
    for attempt in range(ATTEMPTS):
        body = arxiv.get(arxiv_api(), params=params, accept=(200, 400))
        if body.strip().lower().startswith(b"rate exceeded"):
            raise FetchError(f"the arXiv API refused {what}: rate exceeded", hint="wait a few minutes and try again")
        total = _total(body)
        if b"<entry" in body or total == 0:
            return body, (_arxiv_entries(body, what) if b"<entry" in body else [])
        if attempt < ATTEMPTS - 1:
            time.sleep(arxiv.backoff * 2 ** attempt)
    raise FetchError(f"the arXiv API answered {what} with an empty page {ATTEMPTS} times, though it says "
                     f"{total if total is not None else 'an unknown number of'} entries exist",
                     hint="arXiv's API is having trouble; nothing was written: try again later")


def _total(body: bytes) -> int | None:
    """Return the feed's opensearch:totalResults, or None when it states none."""
    match = _TOTAL.search(body[:20_000])
    return int(match[1]) if match else None


def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise FetchError(f"the answer for {what} is not JSON", hint="try again later") from None
    except RecursionError:
        raise FetchError(f"the answer for {what} is nested too deeply to be an API answer",
                         hint="the service is misbehaving; nothing was written: try again later") from None


def _json_list(body: bytes, what: str) -> list[Any]:
    value = _json(body, what)
    if isinstance(value, dict) and "error" in value:
        raise FetchError(f"the API refused {what}: {shown(value['error'])}", hint="check the date or the query")
    if not isinstance(value, list):
        raise FetchError(f"the answer for {what} is not a list of papers", hint="try again later")
    return value


def _check_rows(rows: list[Any], what: str) -> None:
    """Refuse an answer none of whose rows is a paper: a broken API must not look like data."""
    report = Report()
    if not any(entry_from_row(row, n, Path("answer"), report) for n, row in enumerate(rows, start=1)):
        raise FetchError(f"the answer for {what} holds no paper with an id and a title",
                         hint="the API may have changed; nothing was written")


def _arxiv_entries(body: bytes, what: str) -> list[Entry]:
    try:
        return read_arxiv(Path(what), body, Report())
    except SitegenError as exc:
        raise FetchError(exc.message.replace("is an error", f"{what} is an error")
                         if exc.message.startswith("is an error") else f"the answer for {what} {exc.message}",
                         hint=exc.hint) from None
    except (ET.ParseError, DefusedXmlException, RecursionError):
        raise FetchError(f"the answer for {what} is not an arXiv feed", hint="try again later") from None
