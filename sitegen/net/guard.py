"""Which hosts sitegen may ask: never a private address, unless the user configured it or opted in.

Links come from text anyone can put on Hugging Face. Requesting them from a scheduled runner must not turn it
into a scanner of the runner's own network, so a host that is, or resolves to, a loopback, private, link-local,
shared, multicast or reserved address is not asked, and neither is a redirect's target there. The check is made
twice: on the URL's host as written (literal addresses in every spelling inet_aton accepts, such as `127.1` and
`0x7f.1`, and names that are private by definition: `localhost`, `*.internal`, `*.local`, single labels), and on
every address the name resolves to, right before connecting to that very address (transport.py), so a name
that resolves to a public address for the check and to a private one for the connection (DNS rebinding) gets
nowhere.

The endpoints a user configures (HF_ENDPOINT, GITHUB_API_URL, SITEGEN_ARXIV_API, SITEGEN_WAYBACK_API) are
trusted as they are: a mirror or a test server may well be on a private address. SITEGEN_ALLOW_PRIVATE_LINKS=1
lifts the rule for everything (tests, an intranet archive).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOW_PRIVATE = "SITEGEN_ALLOW_PRIVATE_LINKS"
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain", ".lan", ".intranet", ".corp")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC = re.compile(r"^[0-9a-fA-FxX.]+$")


class BlockedAddress(Exception):
    """A request that would reach a private address; never sent."""

    def __init__(self, host: str, port: int, address: str | None = None) -> None:
        self.host, self.port, self.address = host, port, address
        where = f"{host} resolves to {address}" if address and address != host else host
        super().__init__(f"{where}: a private address")


def is_public(address: Address) -> bool:
    """Tell whether an address is on the public internet (an IPv6 address that embeds an IPv4 one: that one)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_private
                                      or address.is_loopback or address.is_link_local or address.is_unspecified)


def literal(host: str) -> Address | None:
    """Return the address a host written as an address means (`127.1`, `0x7f.1`, `[::1]`, `2130706433`)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    if _NUMERIC.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def private_name(host: str) -> bool:
    """Tell whether a host name is private by definition, whatever it resolves to."""
    name = host.lower().rstrip(".")
    return name == "localhost" or "." not in name or name.endswith(_PRIVATE_SUFFIXES)


@dataclass(frozen=True)
class Policy:
    """What a client may ask: the trusted endpoints, and whether private addresses are allowed at all."""

    trusted: frozenset[tuple[str, int]] = frozenset()
    """(host, port) of endpoints the user configured."""
    allow_private: bool = False

    @classmethod
    def for_endpoints(cls, *urls: str) -> Policy:
        """Trust these configured endpoints; allow private addresses when SITEGEN_ALLOW_PRIVATE_LINKS=1."""
        return cls(frozenset(filter(None, (origin(url) for url in urls))),
                   os.environ.get(ALLOW_PRIVATE, "").strip() == "1")

    def trusts(self, host: str, port: int) -> bool:
        return self.allow_private or (host.lower().rstrip("."), port) in self.trusted

    def check_host(self, host: str, port: int) -> None:
        """Refuse a host that is private as written (no lookup); raise BlockedAddress."""
        if self.trusts(host, port):
            return
        address = literal(host)
        if (address is not None and not is_public(address)) or (address is None and private_name(host)):
            raise BlockedAddress(host, port)

    def check_addresses(self, host: str, port: int, addresses: list[Address]) -> None:
        """Refuse a host when any address it resolves to is private (one is enough to be turned against us)."""
        if self.trusts(host, port):
            return
        for address in addresses:
            if not is_public(address):
                raise BlockedAddress(host, port, str(address))


def origin(url: str) -> tuple[str, int] | None:
    """Return (host, port) of a URL, the port filled in from its scheme."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    return ((parts.hostname or "").rstrip(".").lower(), port) if parts.hostname and port else None


def blocked(exc: BaseException) -> BlockedAddress | None:
    """Return the BlockedAddress behind an exception (httpx wraps what a transport raises), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, BlockedAddress):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
