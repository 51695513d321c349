"""Fakes of GitHub's REST API and the Web Archive's availability API that answer as the real services do (from
GitHub's REST docs and the Internet Archive's API docs), served on 127.0.0.1; and a machine without a network.

Every request is recorded with when its handling started and ended (the end is taken before the answer is sent,
so a client that waits for each answer can never be seen to overlap); a small delay in the handler makes requests
that do run at once visibly overlap.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import ipaddress
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.browser import serving

GITHUB_DOCS = "https://docs.github.com/rest"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """JSON to send (None: no body)."""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    """Header names in lower case."""
    start: float
    end: float = 0.0


class Service:
    """A fake service: reply() answers one request; every request is recorded in `requests`."""

    delay = 0.0
    """Seconds each request takes to handle."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.base = ""
        """The base URL it is served at (set by `served`)."""
        self.lock = threading.Lock()

    def reply(self, seen: Seen) -> Reply:
        raise NotImplementedError

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]


@contextlib.contextmanager
def served(service: Service) -> Iterator[str]:
    """Serve a fake service on a free loopback port, one thread per connection; yield its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # the body goes out at once, not held back until the headers are acknowledged

        def do_GET(self) -> None:
            self._answer()

        def do_HEAD(self) -> None:
            self._answer()

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            seen = Seen(self.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                        {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            with service.lock:
                service.requests.append(seen)
            time.sleep(service.delay)
            reply = service.reply(seen)
            body = b"" if reply.body is None else json.dumps(reply.body).encode()
            seen.end = time.monotonic()
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as port:
        service.base = f"http://127.0.0.1:{port}"
        yield service.base


def overlapping(requests: list[Seen]) -> list[tuple[str, str]]:
    """Return the pairs of requests (by path) that were handled at the same time."""
    ordered = sorted(requests, key=lambda seen: seen.start)
    return [(a.path, b.path) for a, b in itertools.pairwise(ordered) if b.start < a.end]


def closed_port() -> str:
    """Return the base URL of a loopback port nothing listens on (it refuses connections)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# GitHub ------------------------------------------------------------------------------------------------------------


def primary_limit(reset: int, status: int = 403) -> Reply:
    """GitHub's primary rate limit: no requests left until `reset` (epoch seconds)."""
    return Reply(status, {"message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                                     "Authenticated requests get a higher rate limit. Check out the documentation "
                                     "for more details.)",
                          "documentation_url": f"{GITHUB_DOCS}/overview/rate-limits-for-the-rest-api"},
                 {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-used": "60",
                  "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"})


def secondary_limit(retry_after: int | None, status: int = 403) -> Reply:
    """GitHub's secondary rate limit: requests are left in the hour, but these came too fast."""
    headers = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "57", "x-ratelimit-used": "3",
               "x-ratelimit-reset": str(int(time.time()) + 3000), "x-ratelimit-resource": "core"}
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    return Reply(status, {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
                                     "you try again. If you reach out to GitHub Support for help, please include "
                                     "the request ID 0000:0000:0000000:0000000:00000000.",
                          "documentation_url": f"{GITHUB_DOCS}/overview/rate-limits-for-the-rest-api"
                                               "#about-secondary-rate-limits"}, headers)


_REPO = re.compile(r"^/repos/([^/]+)/([^/]+)(/commits)?$")
_BY_ID = re.compile(r"^/repositories/(\d+)(/commits)?$")


class FakeGitHub(Service):
    """GitHub's REST API for repositories: GET /repos/{o}/{r}, renamed ones (301 to /repositories/{id}), and
    /commits?per_page=1 (409 "Git Repository is empty." for a repository without commits)."""

    delay = 0.02

    def __init__(self) -> None:
        super().__init__()
        self.repos: dict[int, dict[str, Any]] = {}
        self.names: dict[str, int] = {}
        """Lower-case owner/name (current or former) to id: GitHub's names are case-insensitive."""
        self.former: set[str] = set()
        self.empty: set[int] = set()
        self.limits: list[Reply] = []
        """Rate-limit answers given, one a request, before any other answer."""
        self.limited_forever: Reply | None = None
        self.remaining = 60

    def add(self, full_name: str, *, stars: int = 0, size: int = 1024, license: str | None = "MIT",
            archived: bool = False, fork: bool = False, language: str | None = "Python",
            pushed: str = "2025-11-02T10:00:00Z", empty: bool = False) -> int:
        """Add a repository as GET /repos answers it; return its id."""
        repo_id = 1000 + len(self.repos)
        owner = full_name.partition("/")[0]
        spdx = {"key": license.lower(), "name": f"{license} License", "spdx_id": license, "url": None,
                "node_id": "MDc6TGljZW5zZTA="} if license else None
        if license == "NOASSERTION":
            spdx = {"key": "other", "name": "Other", "spdx_id": "NOASSERTION", "url": None, "node_id": "x"}
        self.repos[repo_id] = {
            "id": repo_id, "node_id": f"R_{repo_id}", "name": full_name.split("/")[1], "full_name": full_name,
            "private": False, "owner": {"login": owner, "id": 1, "type": "User"},
            "html_url": f"https://github.com/{full_name}", "description": "Code for the paper.", "fork": fork,
            "url": f"https://api.github.com/repos/{full_name}", "created_at": "2023-01-01T00:00:00Z",
            "updated_at": "2025-11-02T10:00:00Z", "pushed_at": pushed, "size": size, "stargazers_count": stars,
            "watchers_count": stars, "language": language, "forks_count": 0, "archived": archived,
            "disabled": False, "open_issues_count": 0, "license": spdx, "topics": [], "visibility": "public",
            "default_branch": "main"}
        self.names[full_name.lower()] = repo_id
        if empty:
            self.empty.add(repo_id)
        return repo_id

    def rename(self, old: str, new: str) -> None:
        """Rename a repository: its old name answers 301 to /repositories/{id}, as GitHub's does."""
        repo_id = self.names[old.lower()]
        data = self.repos[repo_id]
        data.update(full_name=new, name=new.split("/")[1], html_url=f"https://github.com/{new}")
        self.names[new.lower()] = repo_id
        self.former.add(old.lower())

    def _headers(self) -> dict[str, str]:
        self.remaining = max(1, self.remaining - 1)
        return {"content-type": "application/json; charset=utf-8", "x-github-api-version-selected": "2022-11-28",
                "x-ratelimit-limit": "60", "x-ratelimit-remaining": str(self.remaining),
                "x-ratelimit-reset": str(int(time.time()) + 3000), "x-ratelimit-resource": "core",
                "x-ratelimit-used": str(60 - self.remaining)}

    def reply(self, seen: Seen) -> Reply:
        with self.lock:
            if self.limits:
                return self.limits.pop(0)
        if self.limited_forever is not None:
            return self.limited_forever
        headers = self._headers()
        found = _REPO.match(seen.path)
        if found:
            name = f"{found[1]}/{found[2]}".lower()
            repo_id = self.names.get(name)
            if repo_id is not None and name in self.former:
                moved = f"{self.base}/repositories/{repo_id}{found[3] or ''}"
                query = "?per_page=1" if found[3] else ""
                return Reply(301, {"message": "Moved Permanently", "url": moved + query,
                                   "documentation_url": f"{GITHUB_DOCS}/guides/best-practices-for-using-the-rest-api"
                                                        "#follow-redirects"}, {**headers, "location": moved + query})
            return self._repository(repo_id, bool(found[3]), headers)
        by_id = _BY_ID.match(seen.path)
        if by_id:
            return self._repository(int(by_id[1]) if int(by_id[1]) in self.repos else None, bool(by_id[2]), headers)
        return Reply(404, {"message": "Not Found", "documentation_url": GITHUB_DOCS, "status": "404"}, headers)

    def _repository(self, repo_id: int | None, commits: bool, headers: dict[str, str]) -> Reply:
        if repo_id is None:
            return Reply(404, {"message": "Not Found", "documentation_url": f"{GITHUB_DOCS}/repos/repos"
                                                                            "#get-a-repository", "status": "404"},
                         headers)
        if not commits:
            return Reply(200, self.repos[repo_id], headers)
        if repo_id in self.empty:
            return Reply(409, {"message": "Git Repository is empty.", "documentation_url": f"{GITHUB_DOCS}/commits"
                                                                                             "/commits#list-commits",
                               "status": "409"}, headers)
        return Reply(200, [{"sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "commit": {"message": "Initial"}}],
                     headers)


# The Web Archive ---------------------------------------------------------------------------------------------------


class FakeWayback(Service):
    """The Wayback Machine's availability API: GET /wayback/available?url=U&timestamp=YYYYMMDD answers the copy of
    U closest to the timestamp, or `{"archived_snapshots": {}}`."""

    def __init__(self) -> None:
        super().__init__()
        self.copies: dict[str, list[str]] = {}
        """URL to the 14-digit timestamps of its copies."""

    def reply(self, seen: Seen) -> Reply:
        if seen.path != "/wayback/available":
            return Reply(404, {"error": "not found"})
        url = seen.query.get("url", "")
        stamps = self.copies.get(url)
        if not stamps:
            return Reply(200, {"url": url, "archived_snapshots": {}}, {"content-type": "application/json"})
        wanted = int(seen.query.get("timestamp", "99991231").ljust(14, "0")[:14])
        stamp = min(stamps, key=lambda s: abs(int(s) - wanted))
        return Reply(200, {"url": url, "archived_snapshots": {"closest": {
            "status": "200", "available": True, "url": f"http://web.archive.org/web/{stamp}/{url}",
            "timestamp": stamp}}}, {"content-type": "application/json"})


# A machine without a network ---------------------------------------------------------------------------------------


class Offline:
    """Names resolve only as a test says, and only loopback addresses can be connected to; what was tried is kept."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        """Host names and the addresses they resolve to; any other name does not resolve."""
        self.lookups: list[str] = []
        """Names looked up (not addresses)."""
        self.refused: list[tuple[str, int]] = []
        """Connections tried to an address that is not loopback (none was made)."""

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Offline:
        real_lookup, real_connect = socket.getaddrinfo, socket.socket.connect

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if name is None or _numeric(name):
                return real_lookup(host, port, *args, **kwargs)
            self.lookups.append(name)
            if name.lower().rstrip(".") == "localhost":
                return real_lookup("127.0.0.1", port, *args, **kwargs)
            if name not in self.names:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (a, int(port or 0), 0, 0) if ":" in a else (a, int(port or 0))) for a in self.names[name]]

        def connect(sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
                self.refused.append((address[0], address[1]))
                raise OSError(errno.ENETUNREACH, "Network is unreachable")
            real_connect(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        return self


def _numeric(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%")[0])
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(host)
        return True
    except OSError:
        return False


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.partition("%")[0]).is_loopback
    except ValueError:
        return False
