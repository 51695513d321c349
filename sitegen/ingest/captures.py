"""Capture files of Hugging Face's daily list: which day a file holds, and when it was taken.

    listings/2025-12-18-hf-daily.json                    a capture of 2025-12-18, moment unknown (older sitegen)
    listings/2025-12-18-hf-daily-20251219T071702Z.json   a capture of 2025-12-18 taken 2025-12-19 07:17:02 UTC

A day's list fills while the day lasts, so one day may have several captures; their papers merge by arXiv id,
the newest capture's counts winning. The moment in the name orders the captures of one day.
"""

from __future__ import annotations

import datetime
import re

_DAILY = re.compile(r"^(\d{4}-\d{2}-\d{2})-hf-daily(?:-(\d{8}T\d{6}Z))?\.json$")
_MOMENT = re.compile(r"-(\d{8}T\d{6}Z)\.[A-Za-z]+$")
MOMENT_FORMAT = "%Y%m%dT%H%M%SZ"


def daily_capture(name: str) -> tuple[datetime.date, datetime.datetime | None] | None:
    """Return (the day, the moment of capture or None) a daily-papers file name states; None for other names."""
    match = _DAILY.match(name)
    if not match:
        return None
    try:
        day = datetime.date.fromisoformat(match[1])
    except ValueError:
        return None
    return day, _moment(match[2]) if match[2] else None


def capture_file(day: datetime.date, moment: datetime.datetime) -> str:
    """Return the file name of a capture of day taken at moment (UTC)."""
    return f"{day.isoformat()}-hf-daily-{moment.astimezone(datetime.timezone.utc).strftime(MOMENT_FORMAT)}.json"


def capture_order(name: str) -> int:
    """Return a number that orders captures of one day by when they were taken (0 when the name does not say)."""
    match = _MOMENT.search(name)
    moment = _moment(match[1]) if match else None
    return int(moment.strftime("%Y%m%d%H%M%S")) if moment else 0


def _moment(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(text, MOMENT_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
