"""httpx transports that check every connection's address against the guard (guard.py), and use proxies.

Every connection goes through GuardedBackend, an httpcore network backend: it resolves the host once, refuses it
when any address is private, and connects to the address it checked, so nothing resolves the name a second
time. Redirects are followed by httpx as usual; each hop opens its connection here, so each hop is checked.

Proxies: the standard variables (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, upper or lower case) are
honoured, as `urllib.request` reads them. Through a proxy the proxy resolves the target's name, so the guard can
check only the host as written and what it resolves to here (where it resolves at all).

httpx has no public way to give httpcore a network backend: GuardedTransport replaces the connection pool that
httpx.HTTPTransport made with an equal one that has the guarded backend (`_pool`, the one private name used here;
tests/test_net.py fails if httpx stops routing requests through it).
"""

from __future__ import annotations

import contextlib
import socket
import urllib.request
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
import httpx

from sitegen.net.guard import Address, Policy, literal

LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=16)


def _addresses(infos: Iterable[tuple[Any, ...]]) -> list[Address]:
    found: list[Address] = []
    for info in infos:
        address = literal(str(info[4][0]))
        if address is not None and address not in found:
            found.append(address)
    return found


def _unresolved(host: str, exc: OSError) -> httpcore.ConnectError:
    return httpcore.ConnectError(f"name resolution failed for {host}: {exc}")


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve, check, then connect to the checked address (synchronous)."""

    def __init__(self, policy: Policy) -> None:
        self.policy, self.inner = policy, httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        if self.policy.trusts(host, port):
            return self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        self.policy.check_host(host, port)
        try:
            found = _addresses(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            raise _unresolved(host, exc) from None
        self.policy.check_addresses(host, port, found)
        problem: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in found:
            try:
                return self.inner.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                problem = exc
        raise problem

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class AsyncGuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check, then connect to the checked address (asyncio, through anyio)."""

    def __init__(self, policy: Policy) -> None:
        self.policy, self.inner = policy, httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        if self.policy.trusts(host, port):
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        self.policy.check_host(host, port)
        try:
            with anyio.fail_after(timeout):
                found = _addresses(await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"name resolution timed out for {host}") from None
        except OSError as exc:
            raise _unresolved(host, exc) from None
        self.policy.check_addresses(host, port, found)
        problem: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in found:
            try:
                return await self.inner.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                problem = exc
        raise problem

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def proxy_for(url: httpx.URL) -> str | None:
    """Return the proxy the standard environment variables name for url, or None (direct, or NO_PROXY)."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy:
        return None
    hostport = f"{url.host}:{url.port}" if url.port else url.host
    return None if urllib.request.proxy_bypass(hostport) else proxy


def _pool_options(policy: Policy) -> dict[str, Any]:
    return {"ssl_context": httpx.create_ssl_context(), "max_connections": LIMITS.max_connections,
            "max_keepalive_connections": LIMITS.max_keepalive_connections,
            "keepalive_expiry": LIMITS.keepalive_expiry}


def _default_port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport, every direct connection through GuardedBackend; proxied requests through the proxy."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(limits=LIMITS)
        self.policy = policy
        self._pool = httpcore.ConnectionPool(network_backend=GuardedBackend(policy), **_pool_options(policy))
        self._proxied: dict[str, httpx.HTTPTransport] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url, port = request.url, _default_port(request.url)
        self.policy.check_host(url.host, port)
        proxy = proxy_for(url)
        if proxy is None:
            return super().handle_request(request)
        if not self.policy.trusts(url.host, port):
            with contextlib.suppress(OSError):  # where it does not resolve here, the proxy resolves it
                self.policy.check_addresses(url.host, port, _addresses(socket.getaddrinfo(url.host, port)))
        if proxy not in self._proxied:
            self._proxied[proxy] = httpx.HTTPTransport(proxy=proxy, limits=LIMITS)
        return self._proxied[proxy].handle_request(request)

    def close(self) -> None:
        for transport in self._proxied.values():
            transport.close()
        super().close()


class AsyncGuardedTransport(httpx.AsyncHTTPTransport):
    """The asyncio twin of GuardedTransport."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(limits=LIMITS)
        self.policy = policy
        self._pool = httpcore.AsyncConnectionPool(network_backend=AsyncGuardedBackend(policy),
                                                  **_pool_options(policy))
        self._proxied: dict[str, httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url, port = request.url, _default_port(request.url)
        self.policy.check_host(url.host, port)
        proxy = proxy_for(url)
        if proxy is None:
            return await super().handle_async_request(request)
        if not self.policy.trusts(url.host, port):
            with contextlib.suppress(OSError):  # where it does not resolve here, the proxy resolves it
                self.policy.check_addresses(url.host, port, _addresses(await anyio.getaddrinfo(url.host, port)))
        if proxy not in self._proxied:
            self._proxied[proxy] = httpx.AsyncHTTPTransport(proxy=proxy, limits=LIMITS)
        return await self._proxied[proxy].handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._proxied.values():
            await transport.aclose()
        await super().aclose()
