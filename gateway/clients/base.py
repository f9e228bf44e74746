"""The transport every service client shares: one aiohttp session, typed failures.

aiohttp, not httpx, at run time: on this machine a shared httpx.AsyncClient cost ~1,000 µs of
CPU per proxied call against ~85 µs for aiohttp (httpcore rescans its pool on every request,
encode/httpx#3215), and the gateway is CPU-bound on exactly this. Only the configured base URLs
are ever called; no URL comes from a request (SSRF), and redirects are not followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDict

from common.errors import ProblemError

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


class ServiceDown(ProblemError):
    status = 503
    code = "service_unavailable"
    title = "Service unavailable"


class ServiceTimeout(ProblemError):
    status = 504
    code = "service_timeout"
    title = "Service timeout"


class BadGateway(ProblemError):
    status = 502
    code = "bad_gateway"
    title = "Bad gateway"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class ServiceClient:
    def __init__(self, name: str, base_url: str, session: aiohttp.ClientSession) -> None:
        self.name = name
        self.base_url = base_url
        self._session = session

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: CIMultiDict[str] | None = None,
        body: bytes | None = None,
        timeout: float,  # noqa: ASYNC109 - per-call budget handed to aiohttp
        connect_timeout: float,
    ) -> Reply:
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                auto_decompress=False,
                timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=connect_timeout),
            ) as response:
                payload = await response.read()
                kept = [
                    (k, v)
                    for k, v in response.headers.items()
                    if k.lower() not in HOP_BY_HOP and k.lower() != "x-request-id"
                ]
                return Reply(response.status, kept, payload)
        except (aiohttp.ClientConnectorError, aiohttp.ServerDisconnectedError) as exc:
            raise ServiceDown(
                f"The {self.name} service is not reachable.", service=self.name
            ) from exc
        except TimeoutError as exc:
            raise ServiceTimeout(
                f"The {self.name} service did not answer within {timeout:g} s.", service=self.name
            ) from exc
        except aiohttp.ClientError as exc:
            raise BadGateway(
                f"The {self.name} service gave an invalid answer.", service=self.name
            ) from exc

    async def get_json(
        self,
        path: str,
        *,
        headers: dict[str, str],
        timeout: float,  # noqa: ASYNC109
    ) -> tuple[int, Any]:
        reply = await self.request(
            "GET", path, headers=CIMultiDict(headers), timeout=timeout, connect_timeout=timeout
        )
        import json

        try:
            return reply.status, json.loads(reply.body) if reply.body else None
        except ValueError as exc:
            raise BadGateway(
                f"The {self.name} service sent invalid JSON.", service=self.name
            ) from exc
