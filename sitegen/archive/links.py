"""links.json: what `sitegen check-links` learnt of each link, one check at a time; read by the build.

    {"format": 1,
     "links": {"https://github.com/horseee/LLM-Pruner": [
        {"date": "2025-12-20", "status": "live", "http": 200, "stars": 1050, "archived": false, "empty": false,
         "pushed": "2025-06-01", "license": "MIT", "language": "Python", "fork": false}, …],
      "https://example.org/gone": [{"date": "2025-12-20", "status": "dead", "http": 404,
                                    "snapshot": "https://web.archive.org/web/20250101000000/https://example.org/gone"}],
      "http://10.0.0.1/": [{"date": "2025-12-20", "status": "not-checked", "reason": "private address"}], …}}

A link's checks are oldest first; at most HISTORY are kept. The file is the command's own: it rewrites it
atomically, and no other file. A link whose checks cannot all be read (a hand edit, a date of year 1) is
reported, left out of the build's states, and written back exactly as it was: what could not be read is never
rewritten. A file that cannot be read at all is reported by the build, and check-links refuses to replace it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sitegen import fs
from sitegen.archive import Archive
from sitegen.errors import ConfigError, Report, SitegenError, shown
from sitegen.model import FIRST_YEAR, LAST_YEAR, Check, LinkStatus

FORMAT = 1
HISTORY = 20
"""Checks kept per link."""
FILE = "links.json"


Checks = Mapping[str, tuple[Check, ...]]
"""Every link's checks, by URL, oldest first."""


@dataclass
class Results:
    """What links.json holds: the links whose checks were read, and the raw entries of those that were not."""

    checks: dict[str, tuple[Check, ...]] = field(default_factory=dict)
    unread: dict[str, Any] = field(default_factory=dict)
    """Entries that could not be read, by URL, exactly as the file holds them."""
    readable: bool = True
    """False when the file itself could not be read (it must then not be replaced)."""


def results_path(archive: Archive) -> Path:
    return archive.root / FILE


def read_results(archive: Archive, report: Report) -> dict[str, tuple[Check, ...]]:
    """Return what links.json records (nothing when there is none); report what cannot be read and skip it."""
    return read_all(archive, report).checks


def read_all(archive: Archive, report: Report) -> Results:
    """Read links.json: every link whose checks all read, the raw entries of the others, reported one by one."""
    path = results_path(archive)
    if not archive.has(path):
        return Results()
    try:
        data = json.loads(archive.read_bytes(path))
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("links"), dict):
            raise ValueError("not a links.json sitegen wrote")
    except SitegenError as exc:
        report.skip(exc)
        return Results(readable=False)
    except RecursionError:
        report.skip(ConfigError("is nested too deeply to be a links.json", path=path,
                                hint="restore it from the repository's history, or remove it"))
        return Results(readable=False)
    except ValueError as exc:
        report.skip(ConfigError(f"cannot be read: {str(exc)[:200]}", path=path,
                                hint="restore it from the repository's history, or remove it"))
        return Results(readable=False)
    return _entries(data["links"], path, report)


def _entries(links: dict[Any, Any], path: Path, report: Report) -> Results:
    results = Results()
    for url, raw in links.items():
        try:
            if not isinstance(raw, list) or not raw:
                raise ValueError("its checks are not a list")
            results.checks[str(url)] = tuple(_check(c) for c in raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            results.unread[str(url)] = raw
            report.warn(f"the checks of {shown(url)} cannot be read ({str(exc)[:100]}); that link is left as it "
                        "is", path=path, hint="fix or remove that entry; check-links keeps it unchanged")
    return results


def write_results(path: Path, results: Checks, unread: Mapping[str, Any] | None = None) -> None:
    """Write every link's checks atomically (sorted, so the file changes only where a check did); entries that
    could not be read go back as they were."""
    links: dict[str, Any] = {url: [_json(c) for c in checks[-HISTORY:]] for url, checks in results.items()}
    links.update({url: raw for url, raw in (unread or {}).items() if url not in results})
    data = {"format": FORMAT, "links": dict(sorted(links.items()))}
    fs.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def _json(check: Check) -> dict[str, Any]:
    out = {k: v for k, v in asdict(check).items() if v is not None}
    out["date"] = check.date.isoformat()
    out["status"] = check.status.value
    if check.pushed:
        out["pushed"] = check.pushed.isoformat()
    return out


def _check(raw: Any) -> Check:
    if not isinstance(raw, dict):
        raise ValueError("a check is not an object")
    return Check(date=_date(raw["date"]), status=LinkStatus(raw["status"]), http=_int(raw.get("http")),
                 location=_str(raw.get("location")), reason=_str(raw.get("reason")), stars=_int(raw.get("stars")),
                 archived=_bool(raw.get("archived")), empty=_bool(raw.get("empty")),
                 pushed=_date(raw["pushed"]) if raw.get("pushed") else None, license=_str(raw.get("license"), 100),
                 language=_str(raw.get("language"), 100), fork=_bool(raw.get("fork")),
                 snapshot=_str(raw.get("snapshot")), no_snapshot=_bool(raw.get("no_snapshot")))


def _date(value: Any) -> datetime.date:
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{shown(value)} is not a date from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12 else None


def _str(value: Any, limit: int = 2000) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
