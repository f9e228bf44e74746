"""Who is calling (behind trusted proxies only) and what of a backend's answer may leave."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from fastapi import Request

from common.networks import Networks


class ClientAddress:
    """The caller's address: the direct peer, or, when the peer is a configured trusted proxy,
    the first untrusted hop of `X-Forwarded-For` read from the right (the left part of the
    header is whatever the client wrote, and believing it would let anyone pick their own rate
    limit bucket)."""

    def __init__(self, trusted_cidrs: list[str]) -> None:
        self._trusted = Networks(trusted_cidrs)

    def of(self, request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        if peer not in self._trusted:
            return peer
        hops = [
            hop.strip()
            for value in request.headers.getlist("x-forwarded-for")
            for hop in value.split(",")
            if hop.strip()
        ]
        for hop in reversed(hops):
            if hop not in self._trusted:
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return peer  # garbage from a proxy we trust: fall back to the peer
        return hops[0] if hops else peer

    def forwarded_chain(self, request: Request) -> str:
        """`X-Forwarded-For` to send on: a trusted proxy's chain plus the peer, else the peer."""
        peer = request.client.host if request.client else "unknown"
        prior = ", ".join(request.headers.getlist("x-forwarded-for"))
        if prior and peer in self._trusted:
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
