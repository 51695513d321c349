"""The network edge (sitegen/net): which hosts may be asked, checked again on every address a name resolves to,
each redirect's hop through the guard, and the rate-limit headers read as the services send them."""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import ipaddress
import time
from typing import Any

import httpcore
import httpx
import pytest
from fakeapi import Answer, FakeApi, serve
from fakegithub import Offline

from sitegen.linkcheck.pages import check_page, reason
from sitegen.model import LinkStatus
from sitegen.net.answers import rate_limit_wait, retry_after
from sitegen.net.guard import BlockedAddress, Policy, blocked, is_public, literal, private_name
from sitegen.net.transport import AsyncGuardedBackend, AsyncGuardedTransport, GuardedBackend, GuardedTransport

PUBLIC = "93.184.216.34"
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def offline(monkeypatch) -> Offline:
    """No names resolve but those a test gives; nothing but loopback can be connected to; no proxy."""
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("SITEGEN_ALLOW_PRIVATE_LINKS", raising=False)
    return Offline().install(monkeypatch)


# The policy --------------------------------------------------------------------------------------------------------

PRIVATE_HOSTS = [
    "127.0.0.1", "127.1", "0x7f.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.255.255.254",
    "localhost", "localhost.", "LOCALHOST", "api.localhost", "[::1]", "::1", "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "[fe80::1%25eth0]", "[fc00::1]", "[::]",
    "0.0.0.0", "0", "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254", "224.0.0.1",
    "255.255.255.255", "240.0.0.1", "metadata.google.internal", "printer.local", "router.home.arpa", "intranet",
    "nas.lan", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]",
]
PUBLIC_HOSTS = ["example.org", "github.com", "web.archive.org", PUBLIC, "1.1.1.1", "[2606:4700:4700::1111]",
                "[::ffff:93.184.216.34]", "0x5d.0xb8.0xd8.0x22"]


@pytest.mark.parametrize("host", PRIVATE_HOSTS)
def test_a_private_host_is_refused_as_written_in_every_spelling(host):
    with pytest.raises(BlockedAddress):
        Policy().check_host(host, 80)
    Policy(allow_private=True).check_host(host, 80)  # the opt-in lifts it


@pytest.mark.parametrize("host", PUBLIC_HOSTS)
def test_a_public_host_is_asked(host):
    Policy().check_host(host, 443)


def test_the_spellings_are_read_as_the_addresses_they_mean():
    assert [str(literal(h)) for h in ("127.1", "0x7f.1", "2130706433", "0177.0.0.1", "[::1]")] == [
        "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1", "::1"]
    assert literal("example.org") is None and literal("deadbeef.com") is None
    assert private_name("metadata.google.internal") and private_name("localhost.") and private_name("intranet")
    assert not private_name("example.org") and not private_name("github.com")
    embedded = ["::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:a00:1::", "2001:0:4136:e378:8000:63bf:80ff:fffe"]
    assert [is_public(ipaddress.ip_address(a)) for a in embedded] == [False, False, False, False]
    assert is_public(ipaddress.ip_address("2001:0:4136:e378:8000:63bf:a247:46dd"))  # Teredo of public 93.184.185.34


def test_only_the_configured_endpoints_are_trusted(monkeypatch):
    monkeypatch.delenv("SITEGEN_ALLOW_PRIVATE_LINKS", raising=False)
    policy = Policy.for_endpoints("http://127.0.0.1:8080/api/", "https://mirror.internal", "")
    policy.check_host("127.0.0.1", 8080)
    policy.check_host("mirror.internal", 443)
    policy.check_addresses("mirror.internal", 443, [ipaddress.ip_address("10.1.2.3")])
    for host, port in (("127.0.0.1", 8081), ("127.0.0.1", 80), ("mirror.internal", 80), ("127.1", 8080)):
        with pytest.raises(BlockedAddress):
            policy.check_host(host, port)
    with pytest.raises(BlockedAddress, match=r"resolves to 10\.1\.2\.3"):
        policy.check_addresses("public.example", 443, [ipaddress.ip_address(a) for a in (PUBLIC, "10.1.2.3")])
    for value, allowed in (("1", True), (" 1 ", True), ("0", False), ("yes", False), ("", False)):
        monkeypatch.setenv("SITEGEN_ALLOW_PRIVATE_LINKS", value)
        assert Policy.for_endpoints().trusts("10.0.0.1", 80) is allowed


# The backend: resolve once, check every address, connect to the address checked ------------------------------------


class Recorder:
    """Stands in for httpcore's own backend: records where it was asked to connect, and connects nowhere."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def connect_tcp(self, host: str, port: int, *args: Any) -> Any:
        self.calls.append((host, port))
        raise httpcore.ConnectError("recorded, not connected")


class AsyncRecorder(Recorder):
    async def connect_tcp(self, host: str, port: int, *args: Any) -> Any:  # type: ignore[override]
        return Recorder.connect_tcp(self, host, port)


def rebinding(monkeypatch: pytest.MonkeyPatch, *answers: list[str]) -> list[str]:
    """Make rebind.example resolve to each answer in turn (the last repeating); return the names looked up."""
    import socket

    looked: list[str] = []
    left = list(answers)
    other = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name != "rebind.example":
            return other(host, port, *args, **kwargs)
        looked.append(name)
        addresses = left.pop(0) if len(left) > 1 else left[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked


def test_dns_rebinding_gets_the_address_that_was_checked(offline, monkeypatch):
    looked = rebinding(monkeypatch, [PUBLIC], ["127.0.0.1"])
    backend = AsyncGuardedBackend(Policy())
    backend.inner = AsyncRecorder()  # type: ignore[assignment]
    with pytest.raises(httpcore.ConnectError, match="recorded"):
        asyncio.run(backend.connect_tcp("rebind.example", 8080, timeout=1.0))
    assert backend.inner.calls == [(PUBLIC, 8080)]  # type: ignore[attr-defined]
    assert looked == ["rebind.example"]  # resolved once: the second (private) answer was never asked for

    looked = rebinding(monkeypatch, [PUBLIC], ["127.0.0.1"])
    sync = GuardedBackend(Policy())
    sync.inner = Recorder()  # type: ignore[assignment]
    with pytest.raises(httpcore.ConnectError, match="recorded"):
        sync.connect_tcp("rebind.example", 8080, timeout=1.0)
    assert sync.inner.calls == [(PUBLIC, 8080)] and looked == ["rebind.example"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("answer", [[PUBLIC, "127.0.0.1"], ["10.0.0.7"], [PUBLIC, "169.254.169.254"],
                                    ["::ffff:127.0.0.1"]])
def test_a_name_with_any_private_address_is_refused_before_connecting(offline, monkeypatch, answer):
    rebinding(monkeypatch, answer)
    backend = AsyncGuardedBackend(Policy())
    backend.inner = AsyncRecorder()  # type: ignore[assignment]
    with pytest.raises(BlockedAddress) as refused:
        asyncio.run(backend.connect_tcp("rebind.example", 80, timeout=1.0))
    assert refused.value.host == "rebind.example"
    assert ipaddress.ip_address(refused.value.address or "") in [ipaddress.ip_address(a) for a in answer]
    assert backend.inner.calls == []  # type: ignore[attr-defined]
    sync = GuardedBackend(Policy())
    sync.inner = Recorder()  # type: ignore[assignment]
    with pytest.raises(BlockedAddress):
        sync.connect_tcp("rebind.example", 80, timeout=1.0)
    assert sync.inner.calls == []  # type: ignore[attr-defined]


def test_a_trusted_endpoint_is_connected_to_as_configured_and_a_name_that_does_not_resolve_says_so(offline):
    backend = AsyncGuardedBackend(Policy(frozenset({("mirror.internal", 8443)})))
    backend.inner = AsyncRecorder()  # type: ignore[assignment]
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(backend.connect_tcp("mirror.internal", 8443, timeout=1.0))
    assert backend.inner.calls == [("mirror.internal", 8443)]  # type: ignore[attr-defined]
    backend = AsyncGuardedBackend(Policy())
    with pytest.raises(httpcore.ConnectError) as failed:
        asyncio.run(backend.connect_tcp("no-such-host.invalid", 443, timeout=1.0))
    assert reason(httpx.ConnectError(str(failed.value))) == "its host name does not resolve"


def test_a_rebinding_name_reaches_only_the_checked_address_through_httpx(offline, monkeypatch):
    """The whole stack: httpx, the guarded transport and pool, anyio; the second answer would be our own server."""
    site = FakeApi()
    site.fallback = Answer(200, b"secret")
    with serve(site) as base:
        port = int(base.rsplit(":", 1)[1])
        rebinding(monkeypatch, [PUBLIC], ["127.0.0.1"])

        async def get() -> None:
            async with httpx.AsyncClient(transport=AsyncGuardedTransport(Policy()), timeout=2.0) as client:
                await client.get(f"http://rebind.example:{port}/")

        with pytest.raises(httpx.ConnectError):
            asyncio.run(get())
    assert offline.refused == [(PUBLIC, port)] and site.requests == []


# Redirects: each hop through the guard --------------------------------------------------------------------------


@pytest.fixture
def two_servers():
    """(the trusted server, whose /go redirects to the other; the other, on another loopback port)."""
    inside, trusted = FakeApi(), FakeApi()
    inside.fallback = Answer(200, b"the inside")
    with serve(inside) as inner_base:
        trusted.on(lambda p, q: p == "/go", Answer(302, b"", {"Location": f"{inner_base}/admin"}))
        trusted.fallback = Answer(200, b"ok")
        with serve(trusted) as base:
            yield (trusted, base), (inside, inner_base)


def _policy(base: str) -> Policy:
    return Policy.for_endpoints(base)


def test_a_redirect_from_a_trusted_endpoint_to_another_private_port_is_refused(offline, two_servers):
    (trusted, base), (inside, inner_base) = two_servers
    with httpx.Client(transport=GuardedTransport(_policy(base)), follow_redirects=True, timeout=2.0) as client:
        assert client.get(f"{base}/fine").text == "ok"  # the trusted endpoint itself is asked
        with pytest.raises(Exception) as refused:  # the guard's refusal, as httpx passes it on
            client.get(f"{base}/go")
    assert blocked(refused.value) is not None and blocked(refused.value).host == "127.0.0.1"  # type: ignore[union-attr]

    async def follow() -> BaseException:
        async with httpx.AsyncClient(transport=AsyncGuardedTransport(_policy(base)), follow_redirects=True,
                                     timeout=2.0) as client:
            try:
                await client.get(f"{base}/go")
            except Exception as exc:
                return exc
        raise AssertionError("the redirect was followed")

    assert isinstance(blocked(asyncio.run(follow())), BlockedAddress)
    assert [r.path for r in trusted.requests] == ["/fine", "/go", "/go"] and inside.requests == []


def _check_through(base: str, url: str) -> Any:
    async def run() -> Any:
        async with httpx.AsyncClient(transport=AsyncGuardedTransport(_policy(base)), follow_redirects=True,
                                     timeout=2.0) as client:
            return await check_page(client, url, datetime.date(2025, 12, 20), 1.0)

    return asyncio.run(run())


def test_a_page_that_redirects_to_a_private_address_is_not_checked_and_keeps_no_location(offline, two_servers):
    (trusted, base), (inside, inner_base) = two_servers
    outcome = _check_through(base, f"{base}/go")
    check = outcome.check
    assert (check.status, check.location, check.http) == (LinkStatus.NOT_CHECKED, None, None)
    assert not outcome.unreachable and not outcome.answered and inside.requests == []
    trusted.on(lambda p, q: p == "/to-localhost", Answer(301, b"", {"Location": inner_base.replace("127.0.0.1",
                                                                                                   "localhost")}))
    check = _check_through(base, f"{base}/to-localhost").check
    assert (check.status, check.reason, check.location) == (
        LinkStatus.NOT_CHECKED, "redirects to a private address", None)
    assert inside.requests == []


def test_the_reason_says_redirect_when_the_redirect_goes_to_another_port_of_the_same_host(offline, two_servers):
    """The trusted page is 127.0.0.1:P1, its redirect 127.0.0.1:P2: the link's own origin was asked and answered,
    so the reason is the redirect's, not "private address" (pages.not_checked compares hosts, not origins)."""
    (trusted, base), (inside, inner_base) = two_servers
    assert _check_through(base, f"{base}/go").check.reason == "redirects to a private address"


def test_httpx_routes_requests_through_the_guarded_pool(offline, monkeypatch):
    """The transport swaps httpx's connection pool for a guarded one; fail the day httpx stops using it."""
    site = FakeApi()
    with serve(site) as base:
        port = int(base.rsplit(":", 1)[1])
        rebinding(monkeypatch, ["127.0.0.1"])  # public as written; only the pool's backend resolves and refuses it
        with httpx.Client(transport=GuardedTransport(Policy()), timeout=2.0) as client, \
                pytest.raises(Exception) as sync_refused:
            client.get(f"http://rebind.example:{port}/")

        async def get() -> BaseException:
            async with httpx.AsyncClient(transport=AsyncGuardedTransport(Policy()), timeout=2.0) as client:
                try:
                    await client.get(f"http://rebind.example:{port}/")
                except Exception as exc:
                    return exc
            raise AssertionError("asked")

        async_refused = asyncio.run(get())
    assert blocked(sync_refused.value) is not None and blocked(async_refused) is not None
    assert site.requests == []


def test_through_a_proxy_a_private_host_is_still_refused(offline, monkeypatch):
    proxy = FakeApi()
    proxy.fallback = Answer(200, b"via the proxy")
    with serve(proxy) as proxy_url:
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        rebinding(monkeypatch, ["10.9.8.7"])
        with httpx.Client(transport=GuardedTransport(Policy()), timeout=2.0) as client:
            for url in ("http://10.0.0.1/", "http://metadata.google.internal/", "http://rebind.example/"):
                with pytest.raises(BlockedAddress):
                    client.get(url)
            assert proxy.requests == []
            # A name this machine cannot resolve is the proxy's to resolve.
            assert client.get("http://public.example/page").text == "via the proxy"
    assert [(r.path, r.headers.get("Host")) for r in proxy.requests] == [("/page", "public.example")]


# The services' rate-limit headers ----------------------------------------------------------------------------------


def test_rate_limit_waits_as_the_services_state_them():
    assert rate_limit_wait({"ratelimit": '"api";r=0;t=42'}) == 42.0
    assert rate_limit_wait({"RateLimit": '"api";r=3;t=42'}) is None  # requests are left
    assert rate_limit_wait({"ratelimit": '"api";r=3;t=9, "pages";r=0;t=17', "retry-after": "5"}) == 17.0
    assert rate_limit_wait({"retry-after": "7"}) == 7.0
    assert rate_limit_wait({}) is None and retry_after({"retry-after": "soon"}) is None
    later = email.utils.format_datetime(datetime.datetime.fromtimestamp(time.time() + 30, datetime.timezone.utc),
                                        usegmt=True)
    assert 25 <= (retry_after({"retry-after": later}) or 0) <= 31
