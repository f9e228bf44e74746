"""The transport every service client shares: one aiohttp session, a circuit breaker per
service, retries of idempotent calls on connection errors, and typed failures.

aiohttp, not httpx, at run time: on this machine a shared httpx.AsyncClient cost ~1,000 µs of
CPU per proxied call against ~85 µs for aiohttp (httpcore rescans its pool on every request,
encode/httpx#3215), and the gateway is CPU-bound on exactly this. Only the configured base URLs
are ever called; no URL comes from a request (SSRF), and redirects are not followed.

Failures, and what the caller sees:
- `ServiceDown` (503): refused or reset, or the circuit is open (then no connection is tried);
- `ServiceTimeout` (504): no answer within the call's budget;
- `BadGateway` (502): an answer that is not HTTP, or (`get_model`) not the documented JSON.
Their `detail` is the gateway's own sentence; the backend's exception text never reaches a
client.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import aiohttp
import stamina
from multidict import CIMultiDict
from pydantic import BaseModel, ValidationError
from yarl import URL

from common.errors import ProblemError
from gateway.clients.breakers import Breakers, CircuitOpen

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
# the gateway's server writes its own; a second copy (or the backend's name) must not leak
BACKEND_ONLY = frozenset({"date", "server", "via", "x-powered-by", "x-request-id"})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})

M = TypeVar("M", bound=BaseModel)


class ServiceDown(
    ProblemError, status=503, code="service_unavailable", title="Service unavailable"
): ...


class ServiceTimeout(ProblemError, status=504, code="service_timeout", title="Service timeout"): ...


class BadGateway(ProblemError, status=502, code="bad_gateway", title="Bad gateway"): ...


class _Refused(Exception):
    """A connection error worth one more try (idempotent methods only)."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Resilience:
    breakers: Breakers
    retry_attempts: int
    connect_timeout: float
    reset_seconds: float = 10.0  # how long an open circuit refuses calls


class ServiceClient:
    def __init__(
        self, name: str, base_url: str, session: aiohttp.ClientSession, resilience: Resilience
    ) -> None:
        self.name = name
        self.base_url = base_url
        self._session = session
        self._resilience = resilience

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: CIMultiDict[str] | None = None,
        body: bytes | None = None,
        timeout: float,  # noqa: ASYNC109 - per-call budget handed to aiohttp
    ) -> Reply:
        """One call under the service's breaker; idempotent methods retried on refusal.
        `path` and `query` are sent as given (percent-encoded already): no normalisation."""
        url = URL(f"{self.base_url}{path}" + (f"?{query}" if query else ""), encoded=True)
        attempts = self._resilience.retry_attempts if method in IDEMPOTENT else 1
        try:
            async with self._resilience.breakers.guard(self.name):
                async for attempt in stamina.retry_context(
                    on=_Refused,
                    attempts=attempts,
                    timeout=timeout,
                    wait_initial=0.02,
                    wait_max=0.25,
                    wait_jitter=0.05,
                ):
                    with attempt:
                        return await self._send(method, url, headers, body, timeout)
        except CircuitOpen as exc:
            down = ServiceDown(
                f"The {self.name} service is not reachable (circuit open); retry shortly.",
                service=self.name,
            )
            down.headers["Retry-After"] = str(max(1, math.ceil(self._resilience.reset_seconds)))
            raise down from exc
        except _Refused as exc:
            down = ServiceDown(f"The {self.name} service is not reachable.", service=self.name)
            down.headers["Retry-After"] = "1"
            raise down from exc
        raise AssertionError("unreachable: retry_context ends in a return or a raise")

    async def _send(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str] | None,
        body: bytes | None,
        timeout: float,  # noqa: ASYNC109
    ) -> Reply:
        budget = aiohttp.ClientTimeout(
            total=timeout, sock_connect=min(timeout, self._resilience.connect_timeout)
        )
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                auto_decompress=False,
                timeout=budget,
            ) as response:
                payload = await response.read()
                kept = [
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() not in HOP_BY_HOP and k.lower() not in BACKEND_ONLY
                ]
                return Reply(response.status, kept, payload)
        except (aiohttp.ClientConnectorError, aiohttp.ServerDisconnectedError) as exc:
            raise _Refused(str(exc)) from exc
        except TimeoutError as exc:
            raise ServiceTimeout(
                f"The {self.name} service did not answer within {timeout:g} s.", service=self.name
            ) from exc
        except aiohttp.ClientError as exc:
            raise BadGateway(
                f"The {self.name} service gave an invalid answer.", service=self.name
            ) from exc

    async def get_model(
        self,
        path: str,
        model: type[M],
        *,
        headers: dict[str, str],
        timeout: float,  # noqa: ASYNC109
    ) -> M:
        """GET a JSON document and validate it against the gateway's mirror of its contract.

        A 503 is the service saying it is unavailable; any other status, or a body outside the
        contract, is `BadGateway` (a deployment error, not an outage)."""
        sent = CIMultiDict(headers)
        # the session decompresses nothing; ask for plain bytes
        sent["Accept-Encoding"] = "identity"
        reply = await self.request("GET", path, headers=sent, timeout=timeout)
        if reply.status == 503:
            raise ServiceDown(f"The {self.name} service reports itself unavailable.")
        if reply.status != 200:
            raise BadGateway(f"The {self.name} service answered {reply.status} to {path}.")
        try:
            return model.model_validate_json(reply.body)
        except ValidationError as exc:
            raise BadGateway(
                f"The {self.name} service answered {path} outside its documented contract."
            ) from exc
