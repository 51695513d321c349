"""Check links concurrently and in bounded time: an HTTP HEAD (falling back to GET) for a page, GitHub's REST
API for a repository.

Every check has a deadline (a server that never answers, or answers one byte a minute, is "timed out", not a
hang); at most CONCURRENCY checks run at once, at most PER_HOST against one host, and at most GITHUB_CONCURRENCY
against GitHub's API. GitHub's rate limit is waited out when its reset is near (MAX_WAIT), else the remaining
repositories are left for the next run, and the checker says how far it got.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from sitegen import __version__
from sitegen.model import Check, LinkStatus

CONCURRENCY = 16
PER_HOST = 3
GITHUB_CONCURRENCY = 4
MAX_WAIT = 120.0
"""Seconds the checker waits for GitHub's rate limit to reset before it stops asking."""
_REPO = re.compile(r"^/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?:/.*)?$")
_BLOCKED = {401, 403, 407, 429}
"""Statuses of a server that refuses to be checked rather than of a link that is gone."""
_RETRY_WITH_GET = {400, 403, 404, 405, 406, 429, 500, 501, 502, 503}
"""HEAD answers some servers give where GET would work."""
USER_AGENT = f"sitegen/{__version__} link checker"


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.05, float(os.environ.get(name, default)))
    except ValueError:
        return default


def github_repo(url: str) -> tuple[str, str] | None:
    """Return (owner, repository) when url is a GitHub repository or a page inside one."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower().removeprefix("www.") != "github.com":
        return None
    match = _REPO.match(parts.path)
    if not match or match[1] in ("orgs", "topics", "features", "marketplace", "sponsors", "settings"):
        return None
    return match[1], match[2]


@dataclass
class Progress:
    """How far a run got: what it learnt, and what it had to leave."""

    done: Callable[[str, Check], None]
    """Called as each link's check ends."""
    left: list[str] = field(default_factory=list)
    """Repositories left unchecked because GitHub's rate limit ran out."""
    reset: datetime.datetime | None = None
    """When GitHub's rate limit resets, when it ran out."""


class RateLimited(Exception):
    def __init__(self, reset: float) -> None:
        super().__init__(reset)
        self.reset = reset


async def check_all(urls: list[str], today: datetime.date, progress: Progress) -> None:
    """Check every url; call progress.done for each as it finishes."""
    timeout = _seconds("SITEGEN_LINK_TIMEOUT", 5.0)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    headers = {"User-Agent": USER_AGENT}
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), limits=limits, headers=headers,
                                 follow_redirects=True, max_redirects=10) as client:
        checker = _Checker(client, today, timeout, progress)
        await asyncio.gather(*(checker.check(url) for url in urls))


class _Checker:
    def __init__(self, client: httpx.AsyncClient, today: datetime.date, timeout: float, progress: Progress) -> None:
        self.client, self.today, self.timeout, self.progress = client, today, timeout, progress
        self.all = asyncio.Semaphore(CONCURRENCY)
        self.hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(PER_HOST))
        self.github = asyncio.Semaphore(GITHUB_CONCURRENCY)
        self.api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        token = os.environ.get("GITHUB_TOKEN")
        self.github_headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                               **({"Authorization": f"Bearer {token}"} if token else {})}
        self.stopped = False

    async def check(self, url: str) -> None:
        repo = github_repo(url)
        if repo is not None:
            check = await self._repository(url, *repo)
        else:
            async with self.all, self.hosts[(urlsplit(url).hostname or "").lower()]:
                check = await self._page(url)
        if check is not None:
            self.progress.done(url, check)

    async def _page(self, url: str) -> Check:
        try:
            response = await asyncio.wait_for(self._head_or_get(url), timeout=2.5 * self.timeout)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            return Check(self.today, LinkStatus.UNREACHABLE, reason=f"timed out after {self.timeout:g} s")
        except httpx.TooManyRedirects:
            return Check(self.today, LinkStatus.DEAD, reason="too many redirects")
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            return Check(self.today, LinkStatus.UNREACHABLE, reason=_reason(exc))
        return _from_response(url, response, self.today)

    async def _head_or_get(self, url: str) -> httpx.Response:
        response = await self.client.head(url)
        if response.status_code in _RETRY_WITH_GET:
            async with self.client.stream("GET", url) as streamed:  # headers only; the body is never read
                return streamed
        return response

    async def _repository(self, url: str, owner: str, name: str) -> Check | None:
        async with self.github:
            for _ in range(3):
                if self.stopped:
                    self.progress.left.append(url)
                    return None
                try:
                    return await asyncio.wait_for(self._ask_github(url, owner, name), timeout=2.5 * self.timeout)
                except (asyncio.TimeoutError, httpx.TimeoutException):
                    return Check(self.today, LinkStatus.UNREACHABLE, reason="GitHub's API timed out")
                except httpx.TransportError as exc:
                    return Check(self.today, LinkStatus.UNREACHABLE, reason=f"GitHub's API: {_reason(exc)}")
                except RateLimited as limited:
                    wait = limited.reset - time.time()
                    if wait > MAX_WAIT:
                        self.stopped = True
                        self.progress.reset = datetime.datetime.fromtimestamp(limited.reset, datetime.timezone.utc)
                        self.progress.left.append(url)
                        return None
                    await asyncio.sleep(max(wait, 0) + 1)
            self.progress.left.append(url)
            return None

    async def _ask_github(self, url: str, owner: str, name: str) -> Check:
        response = await self.client.get(f"{self.api}/repos/{owner}/{name}", headers=self.github_headers)
        if response.status_code in (403, 429) and response.headers.get("x-ratelimit-remaining") == "0":
            raise RateLimited(float(response.headers.get("x-ratelimit-reset") or time.time() + 3600))
        if response.status_code != 200:
            status = LinkStatus.UNREACHABLE if response.status_code in _BLOCKED else LinkStatus.DEAD
            return Check(self.today, status, http=response.status_code,
                         reason="GitHub refused the check" if status is LinkStatus.UNREACHABLE else None)
        return _from_repository(url, response.json(), self.today)


def _from_response(url: str, response: httpx.Response, today: datetime.date) -> Check:
    code = response.status_code
    if code in _BLOCKED:
        return Check(today, LinkStatus.UNREACHABLE, http=code, reason="the server refused the check")
    if code >= 400:
        return Check(today, LinkStatus.DEAD, http=code)
    final = str(response.url)
    if response.history and _bare(final) != _bare(url):
        return Check(today, LinkStatus.MOVED, http=code, location=final)
    return Check(today, LinkStatus.LIVE, http=code)


def _from_repository(url: str, data: Any, today: datetime.date) -> Check:
    if not isinstance(data, dict):
        return Check(today, LinkStatus.UNREACHABLE, reason="GitHub's API answered something else")
    html = data.get("html_url") if isinstance(data.get("html_url"), str) else None
    moved = html is not None and _bare(html) != _bare(_repo_root(url))
    pushed = data.get("pushed_at")
    return Check(today, LinkStatus.MOVED if moved else LinkStatus.LIVE, http=200, location=html if moved else None,
                 stars=_count(data.get("stargazers_count")), archived=bool(data.get("archived")),
                 empty=data.get("size") == 0,
                 pushed=_date(pushed) if isinstance(pushed, str) else None)


def _repo_root(url: str) -> str:
    repo = github_repo(url)
    return f"https://github.com/{repo[0]}/{repo[1]}" if repo else url


def _bare(url: str) -> str:
    """A URL as compared for "moved": scheme, case of the host and a final slash set aside."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower().removeprefix('www.')}{parts.path.rstrip('/')}?{parts.query}".lower()


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service" in text or "nodename" in text or "resolution" in text:
            return "its host name does not resolve"
        return "the connection was refused"
    return f"{type(exc).__name__}"
