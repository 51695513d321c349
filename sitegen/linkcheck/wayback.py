"""The Web Archive's copy of a dead link, from its availability API (`$SITEGEN_WAYBACK_API`, default
https://archive.org):

    GET /wayback/available?url=U&timestamp=YYYYMMDD
    → {"archived_snapshots": {"closest": {"available": true, "url": "http://web.archive.org/web/2013…/U",
                                          "timestamp": "2013…", "status": "200"}}}
    → {"archived_snapshots": {}}                                  no copy

The timestamp is the last day the link was seen alive, so the copy is the one closest to when it worked. The
snapshot's URL is kept as https, and only when it is on web.archive.org. An answer that is not one of these
(the API unreachable, slow, or rate limited) records nothing: the page then links the general list of copies.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

DEFAULT = "https://archive.org"
MAX_ANSWER = 200_000


def wayback_api() -> str:
    return (os.environ.get("SITEGEN_WAYBACK_API") or DEFAULT).rstrip("/")


@dataclass(frozen=True)
class Copy:
    """What the availability API said of a URL."""

    snapshot: str | None = None
    """The copy's https URL."""
    none: bool = False
    """It holds no copy."""


async def closest_copy(client: httpx.AsyncClient, url: str, alive: datetime.date | None, timeout: float) -> Copy | None:
    """Ask for the copy of url closest to the day it was last alive; None when the API gave no usable answer."""
    params = {"url": url, **({"timestamp": alive.strftime("%Y%m%d")} if alive else {})}
    try:
        body = await asyncio.wait_for(_get(client, f"{wayback_api()}/wayback/available", params),
                                      timeout=2.5 * timeout)
        data = json.loads(body) if body is not None else None
    except (asyncio.TimeoutError, httpx.HTTPError, ValueError, RecursionError):
        return None
    except Exception as exc:  # the guard's refusal of a redirect elsewhere: no answer
        from sitegen.net.guard import blocked

        if blocked(exc) is None:
            raise
        return None
    return _copy(data)


async def _get(client: httpx.AsyncClient, url: str, params: dict[str, str]) -> bytes | None:
    async with client.stream("GET", url, params=params) as response:
        if response.status_code != 200:
            return None
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_ANSWER:
                return None
        return bytes(body)


def _copy(data: Any) -> Copy | None:
    snapshots = data.get("archived_snapshots") if isinstance(data, dict) else None
    if not isinstance(snapshots, dict):
        return None
    closest = snapshots.get("closest")
    if not snapshots or not isinstance(closest, dict) or closest.get("available") is False:
        return Copy(none=True)
    found = closest.get("url")
    if not isinstance(found, str):
        return Copy(none=True)
    parts = urlsplit(found.strip())
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != "web.archive.org":
        return None
    return Copy(snapshot=parts._replace(scheme="https").geturl())
