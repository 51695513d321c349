"""Which days to fetch, and fetching them: a new capture file when the day's list holds something new.

    listings/YYYY-MM-DD-hf-daily-YYYYMMDDTHHMMSSZ.json   a capture of the day's list, taken at that moment (UTC)

Hugging Face's list for day D fills while D lasts and may still change shortly after, so a day is **complete**
only once it is two days past: a capture taken at or after D+2 00:00 UTC. Until a day has a complete capture it
is asked for again: by a bare `sitegen fetch` on every run for RECHECK_DAYS days after D, and by any `--since`
range or `--date` that covers it. Files are never replaced: what a later fetch finds goes into a new capture
file, and the build merges the captures of a day by arXiv id, the newest capture's counts winning. A capture is
written when the list names a paper no earlier capture of the day holds, or, for the first complete capture,
when anything changed (upvotes, comments, stars), so that the final counts are kept. Otherwise nothing is
written. A capture from an older sitegen (`YYYY-MM-DD-hf-daily.json`, no moment) counts as not complete.

An empty answer writes nothing (weekends are normal); several weekdays in a row with no papers are reported,
since that is how a broken upstream looks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import fs
from sitegen.archive import Archive
from sitegen.archive.manifest import capture_dates
from sitegen.errors import Report, SitegenError
from sitegen.fetch.http import FetchError, Service
from sitegen.fetch.sources import Day, daily_papers, row_id
from sitegen.ingest.captures import capture_file, daily_capture
from sitegen.ingest.hf import json_rows
from sitegen.progress import bar

EMPTY_WEEKDAYS = 3
"""Weekdays in a row without papers that are reported."""
COMPLETE_AFTER = datetime.timedelta(days=2)
"""How long after the start of day D (UTC) its list is taken as complete."""
RECHECK_DAYS = 7
"""Days back a bare `sitegen fetch` looks for days that have no complete capture yet."""


def now() -> datetime.datetime:
    """The current moment, UTC (one place, so that tests can set the clock)."""
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class Capture:
    """One capture file of a day."""

    path: Path
    moment: datetime.datetime | None
    """When it was taken; None for a file whose name does not say (an older sitegen's)."""


def captures(archive: Archive) -> dict[datetime.date, list[Capture]]:
    """Return the capture files of each day the listings folder holds, oldest first."""
    found: dict[datetime.date, list[Capture]] = {}
    if not archive.listings_dir.is_dir():
        return found
    for path in sorted(archive.listings_dir.iterdir()):
        stated = daily_capture(path.name)
        if stated is not None:
            found.setdefault(stated[0], []).append(Capture(path, stated[1]))
    for held in found.values():
        held.sort(key=lambda c: (c.moment is not None, c.moment or datetime.datetime.min, c.path.name))
    return found


def is_complete(day: datetime.date, held: Iterable[Capture]) -> bool:
    """Tell whether a capture of day was taken once the day's list was complete."""
    return any(c.moment is not None and c.moment >= _completes(day) for c in held)


def _completes(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.timezone.utc) + COMPLETE_AFTER


def newest_day(archive: Archive, report: Report) -> datetime.date | None:
    """Return the newest capture date any listing states (file name or archive.yml)."""
    if not archive.listings_dir.is_dir():
        return None
    files = sorted(p for p in archive.listings_dir.iterdir() if not p.name.startswith("."))
    dates = [d for d in capture_dates(archive, files, report).values() if d.year]
    return max((datetime.date(d.year or 1, d.month, d.day) for d in dates), default=None)


def days_to_ask(since: datetime.date, until: datetime.date,
                held: dict[datetime.date, list[Capture]]) -> list[datetime.date]:
    """Return every day from since to until (both included) that has no complete capture."""
    count = (until - since).days + 1
    days = (since + datetime.timedelta(n) for n in range(max(count, 0)))
    return [day for day in days if not is_complete(day, held.get(day, ()))]


@dataclass
class Fetched:
    """What fetching days did, for the summary line."""

    written: list[Path] = field(default_factory=list)
    new_papers: int = 0
    unchanged: list[datetime.date] = field(default_factory=list)
    empty: list[datetime.date] = field(default_factory=list)

    def summary(self, asked: int) -> str:
        return (f"Fetched {asked} day{'s' if asked != 1 else ''} from Hugging Face: {len(self.written)} "
                f"capture{'s' if len(self.written) != 1 else ''} added ({self.new_papers} new papers), "
                f"{len(self.unchanged)} unchanged, {len(self.empty)} empty")


def fetch_days(archive: Archive, days: list[datetime.date], hf: Service, report: Report) -> Fetched:
    """Fetch each day in order; stop at the first that fails (FetchError says which; earlier days are kept)."""
    done = Fetched()
    held = captures(archive)
    with bar(len(days), "daily papers", "day") as progress:
        for day in days:
            progress.set_postfix_str(day.isoformat())
            try:
                answer = daily_papers(hf, day.isoformat())
            except SitegenError as exc:
                raise FetchError(f"{day.isoformat()}: {exc.message}; nothing was written for this day"
                                 f"{_kept(done)}", hint=f"{exc.hint}: sitegen fetch --since {day.isoformat()}") \
                    from None
            if answer is not None and answer.repeated:
                report.warn(f"Hugging Face's API answered a later page of {day} with papers of earlier pages; the "
                            f"{len(answer.rows)} different papers are kept", hint="it may ignore the page "
                            "parameter p; the next run asks for the day again")
            _take(archive, day, answer, held.get(day, []), done)
            progress.update()
    _warn_empty_weekdays(done.empty, report)
    return done


def _take(archive: Archive, day: datetime.date, answer: Day | None, held: list[Capture], done: Fetched) -> None:
    """Write a new capture of day when the answer holds something the earlier captures do not."""
    if answer is None:
        done.empty.append(day)
        return
    moment = now()
    earlier = _counts(archive, held)
    new = [r for r in answer.rows if row_id(r) not in earlier]
    completing = moment >= _completes(day) and not is_complete(day, held)
    changed = any(earlier.get(row_id(r)) != _row_counts(r) for r in answer.rows)
    if held and not new and not (completing and changed):
        done.unchanged.append(day)
        return
    path = archive.listings_dir / capture_file(day, moment)
    fs.add_file(path, answer.body)
    done.written.append(path)
    done.new_papers += len(new)


Counts = tuple[Any, Any, Any]


def _counts(archive: Archive, held: list[Capture]) -> dict[str | None, Counts]:
    """Return each paper's counts as the day's captures state them, the newest capture winning."""
    counts: dict[str | None, Counts] = {}
    for capture in held:
        try:
            rows = json_rows(capture.path, archive.read_bytes(capture.path), Report())
        except SitegenError:
            continue  # a capture that cannot be read holds nothing: the build reports it
        for row in rows:
            if row_id(row) is not None:
                counts[row_id(row)] = _row_counts(row)
    return counts


def _row_counts(row: Any) -> Counts:
    """Return what changes on a listed paper: upvotes, comments and stars."""
    paper = row["paper"] if isinstance(row.get("paper"), dict) else row

    def either(name: str) -> Any:
        return paper.get(name, row.get(name))

    return either("upvotes"), either("numComments"), either("githubStars")


def _kept(done: Fetched) -> str:
    return f" (the {len(done.written)} captures added before it are kept)" if done.written else ""


def _warn_empty_weekdays(empty: list[datetime.date], report: Report) -> None:
    """Report each run of EMPTY_WEEKDAYS or more weekdays in a row (weekends between them skipped) with no papers."""
    run: list[datetime.date] = []
    for day in sorted(d for d in empty if d.weekday() < 5):
        if run and _next_weekday(run[-1]) != day:
            _report_run(run, report)
            run = []
        run.append(day)
    _report_run(run, report)


def _next_weekday(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(1)
    while day.weekday() >= 5:
        day += datetime.timedelta(1)
    return day


def _report_run(run: list[datetime.date], report: Report) -> None:
    if len(run) >= EMPTY_WEEKDAYS:
        report.warn(f"Hugging Face listed no papers on {len(run)} weekdays in a row ({run[0]} to {run[-1]})",
                    hint="its API may be broken: check https://huggingface.co/papers before trusting the site, "
                         "and fetch those days again later")
