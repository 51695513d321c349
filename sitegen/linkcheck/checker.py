"""Check links concurrently and in bounded time: pages (pages.py) at most CONCURRENCY at once and PER_HOST per
host, repositories through GitHub's API one at a time (github.py), then the Web Archive's copy of each dead link
(wayback.py).

Every connection goes through the guarded transport (sitegen/net): a link whose host is, or resolves to, a
private address is not requested, nor followed there by a redirect, and is recorded as not checked. The
configured APIs (GITHUB_API_URL, SITEGEN_WAYBACK_API) are trusted; page links never are.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from sitegen import __version__
from sitegen.linkcheck.github import GitHub, RateLimited, github_repo
from sitegen.linkcheck.pages import Outcome, check_page, not_checked, reason
from sitegen.linkcheck.wayback import Copy, closest_copy, wayback_api
from sitegen.model import Check, LinkStatus
from sitegen.net.answers import setting
from sitegen.net.guard import Policy, blocked
from sitegen.net.transport import AsyncGuardedTransport

CONCURRENCY = 16
PER_HOST = 3
USER_AGENT = f"sitegen/{__version__} link checker"


@dataclass
class Progress:
    """How far a run got: what it learnt, and what it had to leave."""

    done: Callable[[str, Check], None]
    """Called as each link's check ends."""
    left: list[str] = field(default_factory=list)
    """Repositories left unchecked: GitHub's rate limit ran out, or its API failed."""
    limited: bool = False
    """Whether GitHub's rate limit stopped the repositories."""
    reset: datetime.datetime | None = None
    """When GitHub's rate limit resets, when it ran out and GitHub said when."""
    answered: int = 0
    """Checks a server answered."""
    unreachable: int = 0
    """Checks whose host did not resolve or refused the connection."""


def timeout() -> float:
    return setting("SITEGEN_LINK_TIMEOUT", 5.0, 0.05)


def _client(policy: Policy) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout()), headers={"User-Agent": USER_AGENT},
                             follow_redirects=True, max_redirects=10, transport=AsyncGuardedTransport(policy))


async def check_all(urls: list[str], today: datetime.date, progress: Progress) -> None:
    """Check every url; call progress.done for each as it finishes."""
    github_api = GitHub.api_url()
    async with _client(Policy.for_endpoints()) as pages, _client(Policy.for_endpoints(github_api)) as api:
        checker = _Checker(pages, GitHub(api, today, timeout()), today, progress)
        await asyncio.gather(*(checker.check(url) for url in urls))


class _Checker:
    def __init__(self, pages: httpx.AsyncClient, github: GitHub, today: datetime.date, progress: Progress) -> None:
        self.pages, self.github, self.today, self.progress = pages, github, today, progress
        self.all = asyncio.Semaphore(CONCURRENCY)
        self.hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(PER_HOST))

    async def check(self, url: str) -> None:
        repo = github_repo(url)
        if repo is not None:
            outcome = await self._repository(url, *repo)
        else:
            async with self.all, self.hosts[(urlsplit(url).hostname or "").lower()]:
                outcome = await check_page(self.pages, url, self.today, timeout())
        if outcome is None:
            return
        self.progress.answered += outcome.answered
        self.progress.unreachable += outcome.unreachable
        self.progress.done(url, outcome.check)

    async def _repository(self, url: str, owner: str, name: str) -> Outcome | None:
        try:
            check = await self.github.check(url, owner, name)
        except RateLimited as limited:
            if limited.reset is not None:
                self.progress.reset = datetime.datetime.fromtimestamp(limited.reset, datetime.timezone.utc)
            self.progress.limited = True
            self.progress.left.append(url)
            return None
        except (asyncio.TimeoutError, httpx.TimeoutException):
            return Outcome(Check(self.today, LinkStatus.UNREACHABLE, reason="GitHub's API timed out"), answered=True)
        except Exception as exc:
            return self._failed(url, exc)
        if check is None:  # GitHub's own trouble (HTTP 5xx) says nothing of the repository
            self.progress.left.append(url)
            return None
        return Outcome(check, answered=True)

    def _failed(self, url: str, exc: Exception) -> Outcome:
        private = blocked(exc)
        if private is not None:
            return Outcome(not_checked(url, private, self.today))
        if isinstance(exc, httpx.ConnectError):
            return Outcome(Check(self.today, LinkStatus.UNREACHABLE, reason=f"GitHub's API: {reason(exc)}"),
                           unreachable=True)
        if isinstance(exc, httpx.TransportError):
            return Outcome(Check(self.today, LinkStatus.UNREACHABLE, reason=f"GitHub's API: {reason(exc)}"),
                           answered=True)
        raise exc


async def copies(wanted: dict[str, datetime.date | None]) -> dict[str, Copy]:
    """Ask the Web Archive, one link at a time, for the copy of each dead link closest to when it was alive."""
    found: dict[str, Copy] = {}
    started = time.monotonic()
    async with _client(Policy.for_endpoints(wayback_api())) as client:
        for url, alive in sorted(wanted.items()):
            copy = await closest_copy(client, url, alive, timeout())
            if copy is None and time.monotonic() - started > 10 * timeout():
                break  # the archive is not answering: the rest link its general list
            if copy is not None:
                found[url] = copy
    return found
