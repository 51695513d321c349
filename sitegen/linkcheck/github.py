"""Checking a repository through GitHub's REST API, one request at a time, as GitHub's docs ask.

    GET {GITHUB_API_URL}/repos/{owner}/{repo}                  the repository; a renamed one answers 301 with
                                                               Location …/repositories/{id}, followed
    GET {GITHUB_API_URL}/repos/{owner}/{repo}/commits?per_page=1   only when size is 0: 409 "Git Repository is
                                                               empty." is the real sign (size is computed hourly)

Owner and repository names are checked against GitHub's own character rules before anything is asked, so no text
in an abstract can steer the request elsewhere (`github.com/../user`). Rate limits are waited out, never recorded
as a state of the link: the primary limit (403 or 429 with x-ratelimit-remaining 0) until x-ratelimit-reset, a
secondary limit (403 or 429 with retry-after, or saying so) for retry-after seconds, else a minute doubling each
time. A wait longer than MAX_WAIT leaves the remaining repositories for the next run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import json
import os
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from sitegen.linkcheck.pages import bare
from sitegen.model import Check, LinkStatus
from sitegen.net.answers import setting
from sitegen.progress import notice

MAX_WAIT = 120.0
"""Seconds the checker waits for a GitHub rate limit before it leaves the rest for the next run."""
TRIES = 4
"""Asks of one request that a secondary rate limit keeps answering before it is left for the next run."""
MAX_ANSWER = 2_000_000
"""Bytes of one API answer read (a repository's JSON is a few kilobytes)."""
_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_NOT_OWNERS = {"orgs", "topics", "features", "marketplace", "sponsors", "settings", "apps", "login", "about",
               "search", "collections", "explore", "notifications", "pulls", "issues", "site", "enterprise"}


def github_repo(url: str) -> tuple[str, str] | None:
    """Return (owner, repository) when url is a GitHub repository or a page inside one, by GitHub's name rules."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower().removeprefix("www.") != "github.com":
        return None
    segments = parts.path.split("/")
    if len(segments) < 3 or segments[0] != "":
        return None
    owner, name = segments[1], segments[2].removesuffix(".git")
    if not _OWNER.match(owner) or "--" in owner or owner.lower() in _NOT_OWNERS:
        return None
    if not _NAME.match(name) or name in (".", ".."):
        return None
    return owner, name


class RateLimited(Exception):
    """GitHub's rate limit asks for a longer wait than the checker gives it; no more requests this run."""

    def __init__(self, reset: float | None) -> None:
        super().__init__(reset)
        self.reset = reset
        """When it resets (epoch seconds), where GitHub said."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    redirected: bool


class GitHub:
    """GitHub's REST API, asked one request at a time."""

    def __init__(self, client: httpx.AsyncClient, today: datetime.date, timeout: float) -> None:
        self.client, self.today, self.timeout = client, today, timeout
        self.api = self.api_url()
        token = os.environ.get("GITHUB_TOKEN")
        self.headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                        **({"Authorization": f"Bearer {token}"} if token else {})}
        self.one_at_a_time = asyncio.Lock()
        self.backoff = setting("SITEGEN_HTTP_BACKOFF", 2.0)
        self.stopped: RateLimited | None = None
        """Set once a rate limit stopped the run: every later repository is left unasked."""

    @staticmethod
    def api_url() -> str:
        return (os.environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")

    async def check(self, url: str, owner: str, name: str) -> Check | None:
        """Check one repository; None when GitHub could not say (an outage: asked again on the next run)."""
        async with self.one_at_a_time:
            if self.stopped is not None:
                raise self.stopped
            try:
                answer = await self.get(f"/repos/{owner}/{name}")
            except RateLimited as limited:
                self.stopped = limited
                raise
            if answer.status == 200:
                return await self._repository(url, f"{owner}/{name}", answer)
            if answer.status in (401, 403):
                return Check(self.today, LinkStatus.UNREACHABLE, http=answer.status,
                             reason="GitHub refused the check")
            if answer.status >= 500:
                return None
            return Check(self.today, LinkStatus.DEAD, http=answer.status)

    async def get(self, path: str) -> Answer:
        """GET an API path within the deadline, waiting out rate limits; raise RateLimited for a long one."""
        for attempt in range(TRIES):
            answer = await asyncio.wait_for(self._get(path), timeout=2.5 * self.timeout)
            wait = self._limit_wait(answer, attempt)
            if wait is None:
                return answer
            if wait > MAX_WAIT:
                reset = answer.headers.get("x-ratelimit-reset", "")
                raise RateLimited(float(reset) if reset.isdigit() else None)
            notice(f"GitHub's API asks to slow down: waiting {wait:.0f} s")
            await asyncio.sleep(wait)
        raise RateLimited(None)

    async def _get(self, path: str) -> Answer:
        async with self.client.stream("GET", self.api + path, headers=self.headers) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER:
                    break
            return Answer(response.status_code, response.headers, bytes(body[:MAX_ANSWER]), bool(response.history))

    def _limit_wait(self, answer: Answer, attempt: int) -> float | None:
        """Return how long a rate-limit answer asks to wait; None when the answer is not one."""
        if answer.status not in (403, 429):
            return None
        headers = answer.headers
        if headers.get("x-ratelimit-remaining") == "0":
            reset = headers.get("x-ratelimit-reset", "")
            return max(0.0, float(reset) - time.time()) + 1 if reset.isdigit() else 3600.0
        retry = headers.get("retry-after", "").strip()
        if retry.isdigit():
            return float(retry)
        if answer.status == 429 or b"rate limit" in answer.body.lower():
            return 30 * self.backoff * float(2 ** attempt)  # GitHub: at least a minute, longer each time
        return None

    async def _repository(self, url: str, asked: str, answer: Answer) -> Check:
        try:
            data = json.loads(answer.body)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return Check(self.today, LinkStatus.UNREACHABLE, reason="GitHub's API answered something else")
        check = from_repository(url, data, self.today)
        if data.get("size") == 0:
            full = data.get("full_name")
            name = full if isinstance(full, str) and _full_name(full) else asked  # a renamed one: its new name
            commits = await self.get(f"/repos/{name}/commits?per_page=1")
            empty = True if commits.status == 409 else (False if commits.status == 200 else None)
            check = dataclasses.replace(check, empty=empty)
        return check


def _full_name(text: str) -> bool:
    owner, _, name = text.partition("/")
    return bool(_OWNER.match(owner) and _NAME.match(name) and name not in (".", ".."))


def from_repository(url: str, data: dict[str, Any], today: datetime.date) -> Check:
    """A repository's check from its API answer: moved when GitHub names it otherwise than the link."""
    html = data.get("html_url") if isinstance(data.get("html_url"), str) else None
    moved = html is not None and bare(html) != bare(_repo_root(url))
    licence = data.get("license")
    spdx = licence.get("spdx_id") if isinstance(licence, dict) else None
    return Check(today, LinkStatus.MOVED if moved else LinkStatus.LIVE, http=200, location=html if moved else None,
                 stars=_count(data.get("stargazers_count")), archived=_flag(data.get("archived")),
                 empty=False if data.get("size") != 0 else None, pushed=_date(data.get("pushed_at")),
                 license=spdx[:100] if isinstance(spdx, str) and spdx != "NOASSERTION" else None,
                 language=data["language"][:100] if isinstance(data.get("language"), str) else None,
                 fork=_flag(data.get("fork")))


def _repo_root(url: str) -> str:
    repo = github_repo(url)
    return f"https://github.com/{repo[0]}/{repo[1]}" if repo else url


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12 else None


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2099 else None
