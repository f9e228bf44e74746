"""The transport every service client shares: one aiohttp session, a circuit breaker per
service, retries of idempotent calls on connection errors, and typed failures.

aiohttp, not httpx, at run time: on this machine a shared httpx.AsyncClient cost ~1,000 µs of
CPU per proxied call against ~85 µs for aiohttp (httpcore rescans its pool on every request,
encode/httpx#3215), and the gateway is CPU-bound on exactly this. Only the configured base URLs
are ever called; no URL comes from a request (SSRF), and redirects are not followed.

Failures (`gateway/clients/failures.py` says which is which): `ServiceDown` (503) when the
call could not start or the circuit is open (then no connection is tried), `ServiceTimeout`
(504) when no answer came within the call's budget, `BadGateway` (502) when the service may
have acted but gave no valid answer, or (`get_model`) not the documented JSON.
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

from common.i18n import t
from gateway.clients.breakers import Breakers, CircuitOpen
from gateway.clients.failures import (
    Attempt,
    BadGateway,
    Dropped,
    NotStarted,
    ServiceDown,
    ServiceTimeout,
    before_answer,
    connection_reuse_trace,
)

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


# below uvicorn's keep-alive timeout (5 s): the gateway lets go of an idle connection before
# the service closes it, so a request rarely goes out on a connection that is being closed
KEEPALIVE_SECONDS = 4.0


def service_session(
    trace_configs: list[aiohttp.TraceConfig] | None = None,
) -> aiohttp.ClientSession:
    """The one session the gateway calls every service with (built in its lifespan); tracing
    adds its own trace configs beside the connection-reuse one."""
    connector = aiohttp.TCPConnector(
        limit=200, limit_per_host=100, keepalive_timeout=KEEPALIVE_SECONDS
    )
    return aiohttp.ClientSession(
        connector=connector,
        auto_decompress=False,
        trace_configs=[connection_reuse_trace(), *(trace_configs or [])],
    )


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
        """One call under the service's breaker; an idempotent one is retried once when it did
        not start or was dropped unanswered. `path` and `query` are sent as given
        (percent-encoded already): no normalisation."""
        url = URL(f"{self.base_url}{path}" + (f"?{query}" if query else ""), encoded=True)
        attempts = self._resilience.retry_attempts if method in IDEMPOTENT else 1
        try:
            async with self._resilience.breakers.guard(self.name):
                async for attempt in stamina.retry_context(
                    on=(NotStarted, Dropped),
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
                t(
                    "The {service} service is not reachable (circuit open); retry shortly.",
                    service=self.name,
                ),
                service=self.name,
            )
            down.headers["Retry-After"] = str(max(1, math.ceil(self._resilience.reset_seconds)))
            raise down from exc
        except NotStarted as exc:
            down = ServiceDown(
                t(
                    "The {service} service is not reachable; the request was not started.",
                    service=self.name,
                ),
                service=self.name,
            )
            down.headers["Retry-After"] = "1"
            raise down from exc
        except Dropped as exc:
            raise BadGateway(
                t(
                    "The {service} service closed the connection without answering; the outcome "
                    "is unknown (retry with the same Idempotency-Key).",
                    service=self.name,
                ),
                service=self.name,
            ) from exc
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
        sent = Attempt()
        answered = False
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                auto_decompress=False,
                timeout=budget,
                trace_request_ctx=sent,
            ) as response:
                answered = True
                payload = await response.read()
                kept = [
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() not in HOP_BY_HOP and k.lower() not in BACKEND_ONLY
                ]
                return Reply(response.status, kept, payload)
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            # a connect timeout is one of these too: a service never reached is not slow
            if isinstance(exc, aiohttp.ServerTimeoutError) and not isinstance(
                exc, aiohttp.ConnectionTimeoutError
            ):
                raise self._timeout(timeout) from exc
            if answered:
                raise Dropped("the answer broke off") from exc
            raise before_answer(exc, sent) from exc
        except TimeoutError as exc:
            raise self._timeout(timeout) from exc
        except aiohttp.ClientError as exc:
            raise BadGateway(
                t("The {service} service gave an invalid answer.", service=self.name),
                service=self.name,
            ) from exc

    def _timeout(self, timeout: float) -> ServiceTimeout:
        return ServiceTimeout(
            t(
                "The {service} service did not answer within {timeout:g} s.",
                service=self.name,
                timeout=timeout,
            ),
            service=self.name,
        )

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
        return self.model_of(reply, path, model)

    def model_of(self, reply: Reply, path: str, model: type[M]) -> M:
        """A `200` reply to `path` as `model`: a 503 is the service saying it is unavailable;
        any other status, or a body outside the contract, is `BadGateway` (a deployment error,
        not an outage)."""
        if reply.status == 503:
            raise ServiceDown(
                t("The {service} service reports itself unavailable.", service=self.name)
            )
        if reply.status != 200:
            raise BadGateway(
                t(
                    "The {service} service answered {status} to {path}.",
                    service=self.name,
                    status=reply.status,
                    path=path,
                )
            )
        try:
            return model.model_validate_json(reply.body)
        except ValidationError as exc:
            raise BadGateway(
                t(
                    "The {service} service answered {path} outside its documented contract.",
                    service=self.name,
                    path=path,
                )
            ) from exc
