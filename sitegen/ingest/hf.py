"""Read Hugging Face API responses: a day's daily papers (`/api/daily_papers?date=…`) and single papers
(`/api/papers/{id}`), saved as the API returned them.

    [{"paper": {"id": "2305.11627", "title": …, "summary": …, "authors": [{"name": …}], "publishedAt": …,
                "submittedOnDailyAt": …, "upvotes": 120, "githubRepo": …, "githubStars": …, "projectPage": …,
                "ai_summary": …, "ai_keywords": […], "organization": {"name": …, "fullname": …}, "withdrawnAt": …},
      "publishedAt": …, "title": …, "summary": …, "thumbnail": "https://…", "numComments": 4, …}, …]

Each field is read from `paper`, else from the row: huggingface_hub reads most of them (`numComments`,
`githubRepo`, `organization`, …) at the row's level, other clients inside `paper`. The row's own `publishedAt` is
the day the paper was listed, never its publication date. A row may also be flat (the paper's fields at the top
level, as `/api/papers/{id}` answers, with `models`/`datasets`/`spaces` lists when it has them), and a file may
hold one object instead of an array. Every field beyond the id and the title may be missing, null or of the
wrong type: such a value is left out, never guessed. A row without an id or title is reported and skipped; a
file cut short keeps the rows before the cut.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sitegen.errors import ListingError, Report, shown
from sitegen.ingest.hub_repos import hub_repos
from sitegen.ingest.limits import bounded
from sitegen.model import Entry, Facts, Listing, PartialDate, SourceKind, Withdrawal
from sitegen.text.arxiv_ids import arxiv_id
from sitegen.text.links import api_url

MAX_AUTHORS = 5000
"""Author names kept per paper (the largest collaborations list a few thousand)."""
MAX_NAME = 200
"""Characters of one author name, keyword or organization kept."""
MAX_KEYWORDS = 50
MAX_URL = 2000
"""Characters of an image URL kept."""
_T = TypeVar("_T")
_WHAT = "a Hugging Face papers response (an array of papers, as /api/daily_papers returns)"


def read_hf_listing(path: Path, data: bytes, captured: PartialDate | None, report: Report) -> Listing:
    """Read a day's daily papers; the capture date is the stated one, else the day the rows were listed."""
    entries, days = [], []
    for position, row in enumerate(json_rows(path, data, report), start=1):
        entry = entry_from_row(row, position, path, report)
        if entry is not None:
            entries.append(entry)
            days.append(listed_day(row))
    if not entries:
        raise ListingError("holds no paper with an id and a title", path=path,
                           hint="save the API's answer unchanged, or move the file out of the listings folder")
    stated = [day for day in days if day is not None]
    return Listing(name=path.name, captured=captured or (max(stated) if stated else None), entries=tuple(entries),
                   source=SourceKind.HF)


def read_hf_records(path: Path, data: bytes, report: Report) -> list[Entry]:
    """Read `/api/papers/{id}` responses (metadata/hf/): the papers they describe."""
    rows = json_rows(path, data, report)
    entries = [entry for n, row in enumerate(rows, start=1) if (entry := entry_from_row(row, n, path, report))]
    if not entries:
        raise ListingError("holds no paper with an id and a title", path=path, hint="save the API's answer unchanged")
    return entries


def json_rows(path: Path, data: bytes, report: Report) -> list[Any]:
    """Return the top-level values of a JSON array (or the one object); a truncated array keeps its whole rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ListingError("is not UTF-8 text, so not an API response", path=path, hint="save it as the API sent it") \
            from None
    at = _skip(text, 0)
    try:
        if text[at:at + 1] != "[":
            return [_object(_checked_depth(_one_value(text, at, path), path), path)]
        return [_checked_depth(row, path) for row in _array_rows(text, at, path, report)]
    except RecursionError:
        # json's decoder recurses once per bracket: a file of 100,000 `[` would otherwise stop the whole build.
        raise _too_deep(path) from None


def _one_value(text: str, at: int, path: Path) -> Any:
    try:
        return json.JSONDecoder().raw_decode(text, at)[0]
    except json.JSONDecodeError as exc:
        raise ListingError(f"is not JSON: {exc.msg}", path=path, line=exc.lineno, hint=f"it should be {_WHAT}") \
            from None


def _array_rows(text: str, at: int, path: Path, report: Report) -> list[Any]:
    decoder, rows, at = json.JSONDecoder(), [], _skip(text, at + 1)
    try:
        while text[at:at + 1] != "]":
            value, at = decoder.raw_decode(text, at)
            rows.append(value)
            at = _skip(text, at)
            if text[at:at + 1] == ",":
                at = _skip(text, at + 1)
            elif text[at:at + 1] != "]":
                raise json.JSONDecodeError("expected ',' or ']'", text, at)
    except json.JSONDecodeError as exc:
        where = "ends before the array closes" if not text.rstrip().endswith("]") else f"is malformed ({exc.msg})"
        if not rows:
            raise ListingError(f"{where}: no whole paper in it", path=path, line=exc.lineno,
                               hint="fetch it again (sitegen fetch) or remove it") from None
        report.warn(f"{where} after {len(rows)} papers; those are read", path=path, line=exc.lineno,
                    hint="fetch it again (sitegen fetch) to get the rest")
    return rows


MAX_DEPTH = 64
"""Levels of brackets one row may nest (an API row nests four or five); deeper is no API response, and its
values could not be shown or copied without recursing as deep."""


def _checked_depth(value: Any, path: Path) -> Any:
    """Return value, unless it nests more than MAX_DEPTH levels (measured without recursing)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        if children and depth >= MAX_DEPTH:
            raise _too_deep(path)
        stack += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]
    return value


def _too_deep(path: Path) -> ListingError:
    return ListingError("is nested too deeply to be an API response", path=path,
                        hint=f"an API answer nests a few levels of brackets, never over {MAX_DEPTH}; "
                             "fetch it again (sitegen fetch) or remove it")


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _object(value: Any, path: Path) -> Any:
    if isinstance(value, dict) and ("error" in value and "id" not in value and "paper" not in value):
        raise ListingError(f"is an error from the API: {shown(value.get('error'))}", path=path,
                           hint="fetch the day again, or remove the file")
    if not isinstance(value, dict):
        raise ListingError(f"is {type(value).__name__} JSON, not {_WHAT}", path=path)
    return value


def entry_from_row(row: Any, position: int, path: Path, report: Report) -> Entry | None:
    """Return the paper a row states, or None (reported) when it has no usable id and title."""
    if not isinstance(row, dict):
        report.warn(f"paper {position} is {type(row).__name__}, not an object; skipped", path=path)
        return None
    paper = row["paper"] if isinstance(row.get("paper"), dict) else row
    identifier = _either(paper, row, "id", arxiv_id)
    title = _either(paper, row, "title", _text)
    if identifier is None or not title:
        missing = "arXiv id" if identifier is None else "title"
        report.warn(f"paper {position} has no {missing} (id {shown(paper.get('id'))}); skipped", path=path,
                    hint="the API's rows name each paper by its arXiv id")
        return None
    authors = _either(paper, row, "authors", _authors)
    return Entry(
        title=bounded(title, "title", path, None, report),
        abstract=bounded(_either(paper, row, "summary", _text), "abstract", path, None, report),
        # Only the paper's own publishedAt: a daily row's is the day it was listed (listed_day reads that).
        author_count=len(authors) or None, published=_day(paper.get("publishedAt")),
        upvote_count=_either(paper, row, "upvotes", _count), line=position,
        facts=_facts(paper, row, identifier, path, report))


def _facts(paper: dict[str, Any], row: dict[str, Any], identifier: str, path: Path, report: Report) -> Facts:
    """Return what a row states beyond its title and abstract, each field the paper's, else the row's."""
    withdrawn = _either(paper, row, "withdrawnAt", _day)
    authors = _either(paper, row, "authors", _authors)
    return Facts(
        arxiv_id=identifier, authors=authors, repository=_either(paper, row, "githubRepo", _text) or None,
        repository_stars=_either(paper, row, "githubStars", _count),
        project_page=_either(paper, row, "projectPage", _text) or None,
        ai_summary=bounded(_either(paper, row, "ai_summary", _text), "AI summary", path, None, report),
        ai_keywords=_either(paper, row, "ai_keywords", lambda v: _names(v, MAX_KEYWORDS)),
        organization=_either(paper, row, "organization", _organization),
        comments=_either(paper, row, "numComments", _count),
        thumbnail=_either(paper, row, "thumbnail", _thumbnail),
        withdrawn=Withdrawal(SourceKind.HF, withdrawn) if withdrawn else None,
        hub_repos=hub_repos(paper) or (hub_repos(row) if row is not paper else None))


def _either(paper: dict[str, Any], row: dict[str, Any], key: str, read: Callable[[Any], _T]) -> _T:
    """Return a field as the paper states it, else as the row does (huggingface_hub reads most at the row's level)."""
    value = read(paper.get(key))
    if value in (None, "", ()) and row is not paper:
        return read(row.get(key))
    return value


def listed_day(row: Any) -> PartialDate | None:
    """Return the day a row says its paper entered the daily list."""
    paper = row.get("paper") if isinstance(row.get("paper"), dict) else row
    return _day(paper.get("submittedOnDailyAt")) or (_day(row.get("publishedAt")) if paper is not row else None)


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**12:
        return None
    return value


def _day(value: Any) -> PartialDate | None:
    """Return the date of an ISO 8601 timestamp (`2023-05-19T17:15:15.000Z`), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return PartialDate.checked(day.year, day.month, day.day)


def _authors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = (_text(a.get("name")) if isinstance(a, Mapping) else _text(a) for a in value[:MAX_AUTHORS])
    return tuple(name[:MAX_NAME] for name in names if name)


def _names(value: Any, limit: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(t[:MAX_NAME] for t in (_text(v) for v in value[:limit]) if t))


def _thumbnail(value: Any) -> str | None:
    """Return an image URL when it is a clean https:// URL, as the API wrote it; anything else is left out."""
    url = api_url(value) if isinstance(value, str) and len(value) <= MAX_URL else None
    return url if url == value else None


def _organization(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("fullname") or value.get("name")
    return _text(value)[:MAX_NAME] or None
