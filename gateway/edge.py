"""Who is calling (behind trusted proxies only) and what of a backend's answer may leave."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from fastapi import Request

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientAddress:
    """The caller's address: the direct peer, or, when the peer is a configured trusted proxy,
    the first untrusted hop of `X-Forwarded-For` read from the right (the left part of the
    header is whatever the client wrote, and believing it would let anyone pick their own rate
    limit bucket)."""

    def __init__(self, trusted_cidrs: list[str]) -> None:
        self._trusted: list[IPNetwork] = [
            ipaddress.ip_network(c, strict=False) for c in trusted_cidrs
        ]

    def _is_trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._trusted)

    def of(self, request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        if not self._trusted or not self._is_trusted(peer):
            return peer
        hops = [
            hop.strip()
            for value in request.headers.getlist("x-forwarded-for")
            for hop in value.split(",")
            if hop.strip()
        ]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return peer  # garbage from a proxy we trust: fall back to the peer
        return hops[0] if hops else peer

    def forwarded_chain(self, request: Request) -> str:
        """`X-Forwarded-For` to send on: a trusted proxy's chain plus the peer, else the peer."""
        peer = request.client.host if request.client else "unknown"
        prior = ", ".join(request.headers.getlist("x-forwarded-for"))
        if prior and self._is_trusted(peer):
            return f"{prior}, {peer}"
        return peer


class LocationRewriter:
    """A redirect must never name a backend: `Location` on a backend's own origin becomes a
    gateway-relative path (the gateway serves the same paths, DESIGN §2)."""

    def __init__(self, backend_urls: list[str]) -> None:
        self._origins = {urlsplit(u).netloc.lower() for u in backend_urls}

    def __call__(self, location: str) -> str:
        parts = urlsplit(location)
        if not parts.netloc or parts.netloc.lower() not in self._origins:
            return location
        return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
