"""HTTP for the fetch commands: httpx through the guarded transport (no private addresses but the configured
endpoint), every answer bounded in time and size, retries on what passes, and the waits services ask for.

Endpoints come from the environment, as the services' own clients read them: HF_ENDPOINT (and HF_TOKEN), as
huggingface_hub does, and SITEGEN_ARXIV_API. sitegen does not use huggingface_hub's or the arxiv package's
typed clients here because the archive keeps the APIs' answers unchanged, and those clients hand back parsed
objects instead.

- HTTP 5xx and dropped connections: retried (ATTEMPTS tries), waiting SITEGEN_HTTP_BACKOFF seconds (2) and twice
  as long each time, or what Retry-After asks.
- HTTP 429: waited out as the answer's RateLimit field (`"api";r=0;t=SECONDS`, which Hugging Face sends without
  Retry-After) or Retry-After says, up to MAX_RATE_WAIT a time and RATE_WAITS times, with a line on stderr.
- An answer over SITEGEN_HTTP_MAX_MB megabytes (50), or unfinished after SITEGEN_HTTP_DEADLINE seconds (120), a
  redirect to a private address, or too many redirects: one error line at once, nothing written.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from sitegen import __version__
from sitegen.errors import SitegenError
from sitegen.net.answers import (
    AnswerTooLarge,
    DeadlinePassed,
    deadline,
    max_bytes,
    rate_limit_wait,
    read_bounded,
    setting,
)
from sitegen.net.guard import BlockedAddress, Policy
from sitegen.net.transport import GuardedTransport
from sitegen.progress import notice

HF_DEFAULT = "https://huggingface.co"
ARXIV_DEFAULT = "https://export.arxiv.org/api/query"
ARXIV_INTERVAL = 3.0
"""Seconds between two requests to arXiv's API, as arXiv asks."""
ATTEMPTS = 4
"""Tries of one request that fails in a way that may pass (5xx, a dropped connection)."""
RATE_WAITS = 5
"""Times one request waits out a rate limit before giving up."""
MAX_RATE_WAIT = 600.0
"""Longest single wait for a rate limit; a longer one is an error that says when to run again."""
USER_AGENT = f"sitegen/{__version__} (a static site generator for paper archives)"


class FetchError(SitegenError):
    """A service failed or answered something that is not what it should be."""


def _endpoint(name: str, default: str) -> str:
    return (os.environ.get(name) or default).rstrip("/")


def hf_endpoint() -> str:
    return _endpoint("HF_ENDPOINT", HF_DEFAULT)


def arxiv_api() -> str:
    return _endpoint("SITEGEN_ARXIV_API", ARXIV_DEFAULT)


def _shown_url(url: str, params: Mapping[str, str | int] | None) -> str:
    full = f"{url}?{urlencode(params)}" if params else url
    return full if len(full) <= 160 else full[:157] + "…"


@dataclass
class Service:
    """One service the fetch commands talk to: its client, and when it may next be asked."""

    name: str
    """What messages call it, e.g. "Hugging Face's API"."""
    endpoint: str
    """Its base URL (the one address, with its redirects to the same place, that may be private)."""
    interval: float = 0.0
    """Seconds to leave between two requests."""
    headers: dict[str, str] = field(default_factory=dict)
    backoff: float = field(default_factory=lambda: setting("SITEGEN_HTTP_BACKOFF", 2.0))
    """Seconds before the first retry; each later retry waits twice as long (a Retry-After header wins)."""
    _client: httpx.Client | None = None
    _next: float = 0.0

    @classmethod
    def hugging_face(cls) -> Service:
        token = os.environ.get("HF_TOKEN")
        return cls("Hugging Face's API", hf_endpoint(), headers={"Authorization": f"Bearer {token}"} if token else {})

    @classmethod
    def arxiv(cls) -> Service:
        return cls("the arXiv API", arxiv_api(), interval=setting("SITEGEN_ARXIV_INTERVAL", ARXIV_INTERVAL))

    def get(self, url: str, params: Mapping[str, str | int] | None = None, accept: tuple[int, ...] = (200,)) -> bytes:
        """Return the body of an answer whose status is in accept; retry and wait as above; raise FetchError."""
        shown = _shown_url(url, params)
        problem, attempt, waits = "", 0, 0
        while attempt < ATTEMPTS:
            self._wait()
            try:
                status, reason, headers, body = self._once(url, params)
            except httpx.TransportError as exc:  # refused, reset, timed out: may pass
                problem, attempt = f"could not be reached ({_transport(exc)})", attempt + 1
                self._pause(attempt, None)
                continue
            if status in accept:
                return body
            if status == 429 and waits < RATE_WAITS:
                waits += 1
                self._rate_limited(shown, rate_limit_wait(headers))
                continue
            if status == 429 or status >= 500:
                problem, attempt = f"answered HTTP {status} {reason}", attempt + 1
                self._pause(attempt, rate_limit_wait(headers))
                continue
            raise FetchError(f"{self.name} answered HTTP {status} {reason} for GET {shown}",
                             hint="check the date, the id, or the endpoint's environment variable")
        raise FetchError(f"{self.name} {problem} {ATTEMPTS} times (GET {shown})",
                         hint="the service may be down; try again later")

    def _once(self, url: str, params: Mapping[str, str | int] | None) -> tuple[int, str, httpx.Headers, bytes]:
        """Ask once: the status, its reason, the headers, and the body read within the deadline and the cap."""
        limit = deadline()
        until = time.monotonic() + limit
        timeout = httpx.Timeout(min(30.0, limit), connect=min(10.0, limit))
        with self._refusals(_shown_url(url, params), limit), \
                self._http().stream("GET", url, params=params, timeout=timeout) as r:
            # The body of an error answer is not needed (arXiv's 400 carries its Error entry: that one is read).
            body = read_bounded(r, until, max_bytes()) if r.status_code < 300 or r.status_code == 400 else b""
            return r.status_code, r.reason_phrase, r.headers, body

    @contextlib.contextmanager
    def _refusals(self, shown: str, limit: float) -> Iterator[None]:
        """Turn what must not be retried into one error line: a private address, a redirect loop, an answer too
        large or too slow; note when the service may next be asked."""
        try:
            yield
        except BlockedAddress as exc:
            raise FetchError(f"{self.name} sent GET {shown} on to {exc}, which sitegen does not ask",
                             hint="check the endpoint; set SITEGEN_ALLOW_PRIVATE_LINKS=1 for a service on your own "
                                  "network") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"{self.name} redirected GET {shown} too many times",
                             hint="check the endpoint's environment variable; the service may be misconfigured") \
                from None
        except AnswerTooLarge as exc:
            raise FetchError(f"the answer of {self.name} to GET {shown} {exc}, more than sitegen takes",
                             hint="set SITEGEN_HTTP_MAX_MB higher if the answer is real") from None
        except DeadlinePassed as exc:
            raise FetchError(f"the answer of {self.name} to GET {shown} {exc} ({limit:g} s)",
                             hint="the service is too slow now; try again later, or set SITEGEN_HTTP_DEADLINE") \
                from None
        finally:
            self._next = time.monotonic() + self.interval  # counted from the answer: never two requests closer

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(headers={"User-Agent": USER_AGENT, **self.headers}, follow_redirects=True,
                                        max_redirects=10, transport=GuardedTransport(Policy.for_endpoints(
                                            self.endpoint)))
        return self._client

    def _wait(self) -> None:
        now = time.monotonic()
        if now < self._next:
            time.sleep(self._next - now)

    def _pause(self, attempt: int, asked: float | None) -> None:
        if attempt >= ATTEMPTS:
            return
        wait = self.backoff * 2 ** (attempt - 1)
        if asked is not None:
            wait = min(asked, 120.0)
        time.sleep(wait)

    def _rate_limited(self, shown: str, asked: float | None) -> None:
        """Wait as long as a 429 asks (one backoff step when it does not say), or give up when that is too long."""
        wait = asked if asked is not None else self.backoff
        if wait > MAX_RATE_WAIT:
            until = time.strftime("%H:%M UTC", time.gmtime(time.time() + wait))
            raise FetchError(f"{self.name} is rate limited for {wait:.0f} s (GET {shown})",
                             hint=f"run again after {until}; set HF_TOKEN for a higher limit")
        notice(f"{self.name} is rate limited: waiting {wait:.0f} s, as its answer asks")
        time.sleep(wait)


@dataclass(frozen=True)
class Services:
    """The services the fetch commands ask: Hugging Face's API and arXiv's."""

    hf: Service
    arxiv: Service

    @classmethod
    def from_environment(cls) -> Services:
        return cls(Service.hugging_face(), Service.arxiv())

    def close(self) -> None:
        self.hf.close()
        self.arxiv.close()


def _transport(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:200]

