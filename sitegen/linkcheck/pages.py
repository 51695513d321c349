"""Checking a page: an HTTP HEAD (a GET of the headers only where HEAD is refused), redirects followed, each hop
through the guarded transport, within a deadline."""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from sitegen.model import Check, LinkStatus
from sitegen.net.guard import BlockedAddress, blocked, origin

_BLOCKED = {401, 403, 407, 429}
"""Statuses of a server that refuses to be checked rather than of a link that is gone."""
_RETRY_WITH_GET = {400, 403, 404, 405, 406, 429, 500, 501, 502, 503}
"""HEAD answers some servers give where GET would work."""


@dataclass(frozen=True)
class Outcome:
    """A check, and what it says of the network: whether a server answered, or none could even be reached."""

    check: Check
    answered: bool = False
    """A server sent an HTTP answer (or accepted the connection and stayed silent)."""
    unreachable: bool = False
    """The name did not resolve or the connection was refused: what a machine without a network sees."""


async def check_page(client: httpx.AsyncClient, url: str, today: datetime.date, timeout: float) -> Outcome:
    """Check one page link."""
    try:
        response = await asyncio.wait_for(_head_or_get(client, url), timeout=2.5 * timeout)
    except (asyncio.TimeoutError, httpx.TimeoutException) as exc:
        return Outcome(Check(today, LinkStatus.UNREACHABLE, reason=f"timed out after {timeout:g} s"),
                       answered=not isinstance(exc, httpx.ConnectTimeout),
                       unreachable=isinstance(exc, httpx.ConnectTimeout))
    except httpx.TooManyRedirects:
        return Outcome(Check(today, LinkStatus.DEAD, reason="too many redirects"), answered=True)
    except Exception as exc:  # the transport's refusal of a private address comes through httpx as it is
        private = blocked(exc)
        if private is not None:
            return Outcome(not_checked(url, private, today))
        if isinstance(exc, httpx.ConnectError):
            return Outcome(Check(today, LinkStatus.UNREACHABLE, reason=reason(exc)), unreachable=True)
        if isinstance(exc, (httpx.TransportError, httpx.InvalidURL)):
            return Outcome(Check(today, LinkStatus.UNREACHABLE, reason=reason(exc)), answered=True)
        raise
    return Outcome(from_response(url, response, today), answered=True)


def not_checked(url: str, refused: BlockedAddress, today: datetime.date) -> Check:
    """The check of a link the guard refused: its own host is private, or a redirect led to one."""
    own = origin(url) == (refused.host.strip("[]").rstrip(".").lower(), refused.port)
    return Check(today, LinkStatus.NOT_CHECKED, reason="private address" if own else "redirects to a private address")


async def _head_or_get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    response = await client.head(url)
    if response.status_code in _RETRY_WITH_GET:
        async with client.stream("GET", url) as streamed:  # headers only; the body is never read
            return streamed
    return response


def from_response(url: str, response: httpx.Response, today: datetime.date) -> Check:
    code = response.status_code
    if code in _BLOCKED:
        return Check(today, LinkStatus.UNREACHABLE, http=code, reason="the server refused the check")
    if code >= 400:
        return Check(today, LinkStatus.DEAD, http=code)
    final = str(response.url)
    if response.history and bare(final) != bare(url):
        return Check(today, LinkStatus.MOVED, http=code, location=final)
    return Check(today, LinkStatus.LIVE, http=code)


def bare(url: str) -> str:
    """A URL as compared for "moved": scheme, case of the host and a final slash set aside."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower().removeprefix('www.')}{parts.path.rstrip('/')}?{parts.query}".lower()


def reason(exc: Exception) -> str:
    """Say in a few words why a link could not be reached."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name resolution" in text or "name or service" in text or "nodename" in text:
            return "its host name does not resolve"
        return "the connection was refused"
    return type(exc).__name__
