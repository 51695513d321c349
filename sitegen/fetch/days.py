"""Which days to fetch, and fetching them: one file per day with papers, nothing for an empty day.

    listings/YYYY-MM-DD-hf-daily.json     the day's daily papers, as the API returned them

A day is held when the listings folder has a `.json` listing whose name starts with it; a held day is never
fetched again. An empty answer writes nothing (weekends are normal); several weekdays in a row with no
papers are reported, since that is how a broken upstream looks.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import fs
from sitegen.archive import Archive
from sitegen.errors import Report, SitegenError
from sitegen.fetch.http import FetchError, Service
from sitegen.fetch.sources import daily_papers
from sitegen.ingest.stage import capture_dates
from sitegen.progress import bar

EMPTY_WEEKDAYS = 3
"""Weekdays in a row without papers that are reported."""
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass
class Fetched:
    """What fetching days did, for the summary line."""

    written: list[Path] = field(default_factory=list)
    papers: int = 0
    empty: list[datetime.date] = field(default_factory=list)

    def summary(self, asked: int) -> str:
        return (f"Fetched {asked} day{'s' if asked != 1 else ''} from Hugging Face: {len(self.written)} with papers "
                f"({self.papers} papers, {len(self.written)} files added), {len(self.empty)} empty")


def file_for(archive: Archive, day: datetime.date) -> Path:
    return archive.listings_dir / f"{day.isoformat()}-hf-daily.json"


def held_days(archive: Archive) -> set[datetime.date]:
    """Return the days the listings folder holds a JSON listing of."""
    if not archive.listings_dir.is_dir():
        return set()
    days = set()
    for name in (p.name for p in archive.listings_dir.iterdir() if p.suffix == ".json"):
        match = _DAY.match(name)
        if match:
            try:
                days.add(datetime.date.fromisoformat(match[1]))
            except ValueError:
                continue
    return days


def newest_day(archive: Archive, report: Report) -> datetime.date | None:
    """Return the newest capture date any listing states (file name or archive.yml)."""
    if not archive.listings_dir.is_dir():
        return None
    files = sorted(p for p in archive.listings_dir.iterdir() if not p.name.startswith("."))
    dates = [d for d in capture_dates(archive, files, report).values() if d.year]
    return max((datetime.date(d.year or 1, d.month, d.day) for d in dates), default=None)


def days_between(since: datetime.date, until: datetime.date, held: set[datetime.date]) -> list[datetime.date]:
    """Return every day from since to until (both included) that is not held."""
    count = (until - since).days + 1
    return [day for day in (since + datetime.timedelta(n) for n in range(max(count, 0))) if day not in held]


def fetch_days(archive: Archive, days: list[datetime.date], hf: Service, report: Report) -> Fetched:
    """Fetch each day in order; stop at the first that fails (FetchError says which; earlier days are kept)."""
    done = Fetched()
    with bar(len(days), "daily papers", "day") as progress:
        for day in days:
            progress.set_postfix_str(day.isoformat())
            try:
                body = daily_papers(hf, day.isoformat())
            except SitegenError as exc:
                raise FetchError(f"{day.isoformat()}: {exc.message}; nothing was written for this day"
                                 f"{_kept(done)}", hint=f"{exc.hint}: sitegen fetch --since {day.isoformat()}") \
                    from None
            if body is None:
                done.empty.append(day)
            else:
                path = file_for(archive, day)
                fs.add_file(path, body)
                done.written.append(path)
                done.papers += _count(body)
            progress.update()
    _warn_empty_weekdays(done.empty, report)
    return done


def _kept(done: Fetched) -> str:
    return f" (the {len(done.written)} days fetched before it are kept)" if done.written else ""


def _count(body: bytes) -> int:
    value = json.loads(body)
    return len(value) if isinstance(value, list) else 1


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
