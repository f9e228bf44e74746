"""A set of IP networks written as CIDRs (`TRUSTED_PROXIES`, `METRICS_ALLOW`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable


class Networks:
    def __init__(self, cidrs: Iterable[str]) -> None:
        self._networks = [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]

    def __bool__(self) -> bool:
        return bool(self._networks)

    def __contains__(self, host: object) -> bool:
        """Whether `host` (an address as text) lies in one of the networks; anything that is
        not an address (a Unix socket peer, garbage) lies in none."""
        try:
            address = ipaddress.ip_address(str(host))
        except ValueError:
            return False
        return any(address in network for network in self._networks)
