"""HTTP for the fetch commands: httpx, with retries on the failures that pass (HTTP 429 and 5xx, a dropped
connection), backoff, and a minimum interval between requests to one service (arXiv asks for 3 seconds).

Endpoints come from the environment, as the services' own clients read them: HF_ENDPOINT (and HF_TOKEN), as
huggingface_hub does, and SITEGEN_ARXIV_API. sitegen does not use huggingface_hub's or the arxiv package's
typed clients here because the archive keeps the APIs' answers unchanged, and those clients hand back parsed
objects instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from sitegen import __version__
from sitegen.errors import SitegenError

HF_DEFAULT = "https://huggingface.co"
ARXIV_DEFAULT = "https://export.arxiv.org/api/query"
ARXIV_INTERVAL = 3.0
"""Seconds between two requests to arXiv's API, as arXiv asks."""
ATTEMPTS = 4
"""Tries of one request before its failure is reported."""
USER_AGENT = f"sitegen/{__version__} (a static site generator for paper archives)"


class FetchError(SitegenError):
    """A service failed or answered something that is not what it should be."""


def hf_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", HF_DEFAULT).rstrip("/")


def arxiv_api() -> str:
    return os.environ.get("SITEGEN_ARXIV_API", ARXIV_DEFAULT)


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass
class Service:
    """One service the fetch commands talk to: its client, and when it may next be asked."""

    name: str
    """What messages call it, e.g. "Hugging Face's API"."""
    interval: float = 0.0
    """Seconds to leave between two requests."""
    headers: dict[str, str] = field(default_factory=dict)
    backoff: float = field(default_factory=lambda: _seconds("SITEGEN_HTTP_BACKOFF", 2.0))
    """Seconds before the first retry; each later retry waits twice as long (a Retry-After header wins)."""
    _client: httpx.Client | None = None
    _next: float = 0.0

    @classmethod
    def hugging_face(cls) -> Service:
        token = os.environ.get("HF_TOKEN")
        return cls("Hugging Face's API", headers={"Authorization": f"Bearer {token}"} if token else {})

    @classmethod
    def arxiv(cls) -> Service:
        return cls("the arXiv API", interval=_seconds("SITEGEN_ARXIV_INTERVAL", ARXIV_INTERVAL))

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> bytes:
        """Return the body of a successful GET; retry what may pass; raise FetchError for the rest."""
        problem = ""
        for attempt in range(ATTEMPTS):
            self._wait()
            try:
                response = self._http().get(url, params=params)
            except httpx.TransportError as exc:  # refused, reset, timed out: may pass
                self._next = time.monotonic() + self.interval
                problem = f"could not be reached ({type(exc).__name__}: {exc})"
                self._pause(attempt, None)
                continue
            self._next = time.monotonic() + self.interval  # counted from the answer: never two requests closer
            if response.status_code == 429 or response.status_code >= 500:
                problem = f"answered HTTP {response.status_code} {response.reason_phrase}"
                self._pause(attempt, response.headers.get("Retry-After"))
                continue
            if response.status_code != 200:
                raise FetchError(f"{self.name} answered HTTP {response.status_code} {response.reason_phrase} for "
                                 f"{response.request.url}", hint="check the date, id or endpoint")
            return response.content
        raise FetchError(f"{self.name} {problem} {ATTEMPTS} times", hint="the service may be down; try again later")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(headers={"User-Agent": USER_AGENT, **self.headers}, follow_redirects=True,
                                        timeout=httpx.Timeout(30.0, connect=10.0))
        return self._client

    def _wait(self) -> None:
        now = time.monotonic()
        if now < self._next:
            time.sleep(self._next - now)

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        if attempt == ATTEMPTS - 1:
            return
        wait = self.backoff * 2 ** attempt
        if retry_after and retry_after.strip().isdigit():
            wait = min(float(retry_after), 120.0)
        time.sleep(wait)
