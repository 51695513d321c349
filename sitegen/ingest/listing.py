"""Read one pasted Hugging Face listing page into entries.

The page, as a person's paste gives it: header noise, the page's date line (`Dec 16`), then one block per
paper: a title line, an abstract line, and optionally `• N authors`, `·`, `May 4[, 2024][ upvotes]`.
Blank lines separate everything; CRLF, a BOM and trailing spaces are common.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import ListingError, Report, shown
from sitegen.ingest.decode import decode
from sitegen.ingest.limits import bounded
from sitegen.model import FIRST_YEAR, LAST_YEAR, MONTHS, Entry, Listing, PartialDate

_MONTH = "|".join(MONTHS)
HEADER_DATE = re.compile(rf"^({_MONTH})[a-z]*\.? (\d{{1,2}})(?:, (\d{{4}}))?$")
# A count is at most a dozen characters; a longer run of digits is text (int() refuses over 4300 digits).
_COUNT = r"(\d[\d,]{0,11})"
_META_AUTHORS = re.compile(rf"^[•·*-]?\s*{_COUNT}\s+authors?$", re.IGNORECASE)
_META_DOT = re.compile(r"^[·•]$")
_META_DATE = re.compile(rf"^({_MONTH})[a-z]*\.? (\d{{1,2}})(?:, (\d{{4}}))?(?:\s+{_COUNT})?$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACE = re.compile(r"\s+")

# Lines of the page around the listing that a paste picks up.
HEADER_NOISE = frozenset({
    "new", "get trending papers in your email inbox!", "subscribe", "daily papers",
    "byak and the research community", "trending papers", "papers",
})


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


@dataclass
class _Block:
    """A paper block being assembled."""

    title: _Line
    abstract: str = ""
    author_count: int | None = None
    date: re.Match[str] | None = None
    meta_seen: bool = False
    extra: list[_Line] = field(default_factory=list)


def read_listing(path: Path, captured: PartialDate | None, report: Report, data: bytes | None = None) -> Listing:
    """Read a listing file (or its bytes, read already); raise ListingError when it is not a listing at all."""
    decoded = decode(path.read_bytes() if data is None else data, str(path))
    if decoded.fallback:
        report.warn("not valid UTF-8, read as Latin-1 (Windows-1252); re-save it as UTF-8 to silence this",
                    path=path)
    return parse_listing(decoded.text, path, captured, report)


def parse_listing(text: str, path: Path | str, captured: PartialDate | None, report: Report) -> Listing:
    """Parse listing text; captured carries the year the archive states for it, if any."""
    lines = [_Line(n, _clean(raw)) for n, raw in enumerate(_LINE_BREAK.split(text), start=1)]
    lines = [line for line in lines if line.text]
    body_start, header_date = _header(lines)
    captured = _capture_date(header_date, captured, path, report)
    blocks = _blocks(lines[body_start:], path, report)
    entries = tuple(_entry(block, captured, path, report) for block in blocks)
    # Lines alone are not papers: a listing has at least one block with an abstract or metadata.
    if not any(entry.abstract or entry.published or entry.author_count for entry in entries):
        raise ListingError(
            "no paper blocks found: not a Hugging Face listing",
            path=path, hint="a listing has a title line followed by an abstract line per paper; "
                            "fix the file or move it out of the listings folder")
    return Listing(name=Path(path).name, captured=captured, entries=entries)


def _clean(raw: str) -> str:
    return _SPACE.sub(" ", raw.replace("\ufeff", "")).strip()


def _header(lines: list[_Line]) -> tuple[int, _Line | None]:
    """Skip header noise; return where the papers start and the page's date line."""
    header_date = None
    for index, line in enumerate(lines):
        if line.text.casefold() in HEADER_NOISE:
            continue
        if header_date is None and HEADER_DATE.match(line.text):
            header_date = line
            continue
        return index, header_date
    return len(lines), header_date


def _capture_date(header: _Line | None, stated: PartialDate | None, path: Path | str,
                  report: Report) -> PartialDate | None:
    """Combine the page's date line with the year the archive states."""
    if header is None:
        return stated
    match = HEADER_DATE.match(header.text)
    if match is None:
        return stated
    month, day = MONTHS.index(match[1]) + 1, int(match[2])
    year = int(match[3]) if match[3] else None
    if PartialDate.checked(year, month, day) is None:
        report.warn(f"page date {shown(header.text)} {_invalid(year)}; ignored", path=path, line=header.number)
        return stated
    if stated is None:
        return PartialDate(year, month, day)
    if (stated.month, stated.day) != (month, day):
        report.warn(f"page date {shown(header.text)} differs from the stated capture date {stated.display()}; "
                    "using the stated date", path=path, line=header.number)
    return stated


def _blocks(lines: list[_Line], path: Path | str, report: Report) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for index, line in enumerate(lines):
        text = line.text
        if _META_DOT.match(text):
            continue
        authors, date = _META_AUTHORS.match(text), _META_DATE.match(text)
        if authors or date:
            if current is None:
                report.warn(f"metadata line {shown(text)} before any title; ignored", path=path, line=line.number)
            elif authors:
                current.author_count = int(authors[1].replace(",", ""))
                current.meta_seen = True
            elif current.date is None:
                current.date, current.meta_seen = date, True
            else:
                report.warn(f"second date line {shown(text)} for one paper; ignored", path=path, line=line.number)
            continue
        if current is not None and not current.abstract and not current.meta_seen \
                and _is_abstract(text, lines[index + 1:index + 2]):
            current.abstract = text
            continue
        if current is not None and current.abstract and not current.meta_seen and _is_abstract(text, []):
            report.warn(f"a second abstract-like line after {shown(current.title.text)}; ignored", path=path,
                        line=line.number)
            continue
        current = _Block(title=line)
        blocks.append(current)
    return blocks


def _is_abstract(text: str, following: list[_Line]) -> bool:
    """Tell an abstract line from the next paper's title (titles are short, abstracts are prose)."""
    if len(text) >= 250 or len(text.split()) >= 40:
        return True
    breaks = len(_SENTENCE_BREAK.findall(text))
    if len(text) >= 120 and (breaks >= 2 or (breaks == 1 and text.endswith((".", "!", "?")))):
        return True
    # A short line ending a sentence, directly followed by the metadata block, is a short abstract.
    nxt = following[0].text if following else ""
    return text.endswith((".", "!", "?")) and bool(_META_AUTHORS.match(nxt) or _META_DATE.match(nxt))


def _entry(block: _Block, captured: PartialDate | None, path: Path | str, report: Report) -> Entry:
    published, upvotes = None, None
    if block.date:
        published = _published(block.date, captured)
        if published is None:
            year = int(block.date[3]) if block.date[3] else None
            report.warn(f"date {shown(block.date[0])} {_invalid(year)}; ignored", path=path, line=block.title.number)
        upvotes = int(block.date[4].replace(",", "")) if block.date[4] else None
    line = block.title.number
    return Entry(title=bounded(block.title.text, "title", path, line, report),
                 abstract=bounded(block.abstract, "abstract", path, line, report),
                 author_count=block.author_count, published=published, upvote_count=upvotes, line=line)


def _published(match: re.Match[str], captured: PartialDate | None) -> PartialDate | None:
    """Resolve a listing date; a date without a year takes the capture year, never a guess."""
    month, day = MONTHS.index(match[1]) + 1, int(match[2])
    if match[3]:
        year: int | None = int(match[3])
    elif captured and captured.year:
        # A listing shows no paper dated after its capture: a later day means the year before.
        year = captured.year - 1 if (month, day) > (captured.month, captured.day) else captured.year
    else:
        year = None
    return PartialDate.checked(year, month, day)


def _invalid(year: int | None) -> str:
    """Say why a date PartialDate.checked() refused is not used."""
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        return f"is outside the years {FIRST_YEAR}-{LAST_YEAR} (a typo?)"
    return "is not a calendar date"
