"""links.json: what `sitegen check-links` learnt of each link, one check at a time; read by the build.

    {"format": 1,
     "links": {"https://github.com/horseee/LLM-Pruner": [
        {"date": "2025-12-20", "status": "live", "http": 200, "stars": 1050, "archived": false, "empty": false,
         "pushed": "2025-06-01"}, …],
      "https://example.org/page": [{"date": "2025-12-20", "status": "moved", "http": 200,
                                    "location": "https://example.org/new"}], …}}

A link's checks are oldest first; at most HISTORY are kept. The file is the command's own: it rewrites it
atomically, and no other file.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sitegen import fs
from sitegen.archive import Archive
from sitegen.errors import ConfigError, Report, SitegenError
from sitegen.model import Check, LinkStatus

FORMAT = 1
HISTORY = 20
"""Checks kept per link."""
FILE = "links.json"


Checks = Mapping[str, tuple[Check, ...]]
"""Every link's checks, by URL, oldest first."""


def results_path(archive: Archive) -> Path:
    return archive.root / FILE


def read_results(archive: Archive, report: Report) -> dict[str, tuple[Check, ...]]:
    """Return what links.json records (nothing when there is none); report a broken file and use nothing."""
    path = results_path(archive)
    if not archive.has(path):
        return {}
    try:
        data = json.loads(archive.read_bytes(path))
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("links"), dict):
            raise ValueError("not a links.json sitegen wrote")
        return {str(url): tuple(_check(c) for c in checks) for url, checks in data["links"].items()}
    except SitegenError as exc:
        report.skip(exc)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        report.skip(ConfigError(f"cannot be read: {str(exc)[:200]}", path=path,
                                hint="run sitegen check-links again, or remove the file"))
    return {}


def write_results(path: Path, results: Checks) -> None:
    """Write every link's checks atomically (sorted, so the file changes only where a check did)."""
    data = {"format": FORMAT, "links": {url: [_json(c) for c in checks[-HISTORY:]]
                                        for url, checks in sorted(results.items())}}
    fs.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def _json(check: Check) -> dict[str, Any]:
    out = {k: v for k, v in asdict(check).items() if v is not None}
    out["date"] = check.date.isoformat()
    out["status"] = check.status.value
    if check.pushed:
        out["pushed"] = check.pushed.isoformat()
    return out


def _check(raw: Any) -> Check:
    return Check(date=datetime.date.fromisoformat(raw["date"]), status=LinkStatus(raw["status"]),
                 http=_int(raw.get("http")), location=_str(raw.get("location")), reason=_str(raw.get("reason")),
                 stars=_int(raw.get("stars")), archived=_bool(raw.get("archived")), empty=_bool(raw.get("empty")),
                 pushed=datetime.date.fromisoformat(raw["pushed"]) if raw.get("pushed") else None)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value[:2000] if isinstance(value, str) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
