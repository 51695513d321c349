"""What the fetch commands ask each API, and how an answer is checked before anything is written.

    GET {HF_ENDPOINT}/api/daily_papers?date=YYYY-MM-DD&p=0&limit=100   a day's papers, page by page
    GET {HF_ENDPOINT}/api/papers/{id}                                 one paper
    GET {HF_ENDPOINT}/api/papers/search?q=TITLE                       papers by title
    GET {SITEGEN_ARXIV_API}?id_list=ID,ID,…&max_results=N             arXiv entries by id
    GET {SITEGEN_ARXIV_API}?search_query=ti:"TITLE"&max_results=10     arXiv entries by title

An answer is checked with the same readers the build uses: what they would refuse is never written. arXiv
reports some failures with HTTP 200 (an entry titled `Error`, or a plain "Rate exceeded."): those are errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitegen.errors import Report, SitegenError, shown
from sitegen.fetch.http import FetchError, Service, arxiv_api, hf_endpoint
from sitegen.ingest.arxiv import read_arxiv
from sitegen.ingest.hf import entry_from_row
from sitegen.model import Entry

PAGE_SIZE = 100
"""Papers per page of the daily list (the API's largest page)."""
MAX_PAGES = 50
ARXIV_BATCH = 50
"""arXiv ids asked for in one request."""


def daily_papers(hf: Service, day: str) -> bytes | None:
    """Return a day's daily papers as one JSON array (the API's bytes when it is one page); None when empty."""
    pages: list[bytes] = []
    rows: list[Any] = []
    for page in range(MAX_PAGES):
        body = hf.get(f"{hf_endpoint()}/api/daily_papers", params={"date": day, "p": page, "limit": PAGE_SIZE})
        found = _json_list(body, f"the daily papers of {day}")
        pages.append(body)
        rows += found
        if len(found) < PAGE_SIZE:
            break
    if not rows:
        return None
    _check_rows(rows, f"the daily papers of {day}")
    if len(pages) == 1 or all(not p.strip(b" \n[]") for p in pages[1:]):
        return pages[0]
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def paper(hf: Service, arxiv_id: str) -> bytes:
    """Return `/api/papers/{id}`'s answer, checked to describe that paper."""
    body = hf.get(f"{hf_endpoint()}/api/papers/{arxiv_id}")
    try:
        value = json.loads(body)
    except ValueError:
        raise FetchError(f"Hugging Face's answer for paper {arxiv_id} is not JSON", hint="try again later") from None
    _check_rows([value], f"paper {arxiv_id}")
    return body


def search_hf(hf: Service, title: str) -> list[Entry]:
    """Return the papers Hugging Face's search finds for a title."""
    body = hf.get(f"{hf_endpoint()}/api/papers/search", params={"q": title})
    rows = _json_list(body, f"the search for {shown(title)}")
    report = Report()
    return [entry for n, row in enumerate(rows, start=1) if (entry := entry_from_row(row, n, Path("search"), report))]


def arxiv_by_ids(arxiv: Service, ids: list[str]) -> bytes:
    """Return arXiv's answer for these ids, checked to be entries and not an error."""
    body = arxiv.get(arxiv_api(), params={"id_list": ",".join(ids), "max_results": len(ids)})
    _arxiv_entries(body, f"the arXiv ids {ids[0]}{f' and {len(ids) - 1} more' if len(ids) > 1 else ''}")
    return body


def search_arxiv(arxiv: Service, title: str) -> list[Entry]:
    """Return the entries arXiv's title search finds (none when it finds none)."""
    phrase = title.replace('"', " ")
    body = arxiv.get(arxiv_api(), params={"search_query": f'ti:"{phrase}"', "max_results": 10})
    if b"<entry" not in body and not body.strip().lower().startswith(b"rate exceeded"):
        return []  # a feed of no entries: nothing found
    return _arxiv_entries(body, f"the arXiv search for {shown(title)}")


def _json_list(body: bytes, what: str) -> list[Any]:
    try:
        value = json.loads(body)
    except ValueError:
        raise FetchError(f"the answer for {what} is not JSON", hint="try again later") from None
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
    if body.strip().lower().startswith(b"rate exceeded"):
        raise FetchError(f"the arXiv API refused {what}: rate exceeded", hint="wait a few minutes and try again")
    try:
        return read_arxiv(Path(what), body, Report())
    except SitegenError as exc:
        raise FetchError(exc.message.replace("is an error", f"{what} is an error")
                         if exc.message.startswith("is an error") else f"the answer for {what} {exc.message}",
                         hint=exc.hint) from None
