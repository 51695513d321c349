"""An answer's limits and a service's wishes: the body read within a deadline and a size cap, and the waits
that rate-limit headers ask for.

Hugging Face answers HTTP 429 with the IETF RateLimit fields (`RateLimit: "api";r=0;t=42`: 0 requests left,
42 s until the window resets) and need not send Retry-After; other services send Retry-After (seconds, or an
HTTP date). GitHub states its limit in `x-ratelimit-remaining` and `x-ratelimit-reset` (epoch seconds).
"""

from __future__ import annotations

import email.utils
import os
import re
import time
from collections.abc import Iterator, Mapping

import httpx

DEADLINE = 120.0
"""Seconds one request may take, from asking to the last byte (SITEGEN_HTTP_DEADLINE)."""
MAX_MB = 50.0
"""Megabytes one answer may hold (SITEGEN_HTTP_MAX_MB)."""
_RATELIMIT = re.compile(r'(?:^|,)\s*"?([\w-]+)"?\s*;(?:[^,]*?;)?\s*r\s*=\s*(\d+)\s*;(?:[^,]*?;)?\s*t\s*=\s*(\d+)')


class AnswerTooLarge(Exception):
    """An answer over the size cap; the rest is not read."""


class DeadlinePassed(Exception):
    """A request still unfinished at its deadline; it is dropped."""


def setting(name: str, default: float, least: float = 0.0) -> float:
    """Return a number of seconds or megabytes from the environment, or the default when it is not a number."""
    try:
        return max(least, float(os.environ.get(name, default)))
    except ValueError:
        return default


def deadline() -> float:
    return setting("SITEGEN_HTTP_DEADLINE", DEADLINE, 0.1)


def max_bytes() -> int:
    return int(setting("SITEGEN_HTTP_MAX_MB", MAX_MB, 0.001) * 1_000_000)


def read_bounded(response: httpx.Response, until: float, cap: int) -> bytes:
    """Read a streamed answer's body; raise DeadlinePassed after `until` (monotonic), AnswerTooLarge past cap."""
    stated = response.headers.get("content-length", "")
    if stated.isdigit() and int(stated) > cap:
        raise AnswerTooLarge(f"says it holds {int(stated):,} bytes")
    body = bytearray()
    for chunk in _chunks(response.iter_bytes(), until):
        body += chunk
        if len(body) > cap:
            raise AnswerTooLarge(f"held more than {cap:,} bytes")
    return bytes(body)


def _chunks(chunks: Iterator[bytes], until: float) -> Iterator[bytes]:
    for chunk in chunks:
        if time.monotonic() > until:
            raise DeadlinePassed("was still arriving at its deadline")
        yield chunk


def rate_limit_wait(headers: Mapping[str, str]) -> float | None:
    """Return the seconds a 429's headers ask to wait: the RateLimit field's t, else Retry-After; None if neither."""
    for name in ("ratelimit", "RateLimit"):
        value = headers.get(name)
        if value:
            waits = [int(t) for _, r, t in _RATELIMIT.findall(value) if int(r) == 0]
            if waits:
                return float(max(waits))
    return retry_after(headers)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Return Retry-After in seconds (it may be seconds or an HTTP date); None when absent or unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
