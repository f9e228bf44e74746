"""Keyset cursor pagination: `?limit=` (1–100, default 20) and an opaque, signed `?cursor=`.

A cursor holds the sort-key values of the last row of a page plus the filter fingerprint,
signed so a client cannot forge positions or reuse a cursor with other filters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from common.errors import BadRequest
from common.i18n import t
from common.state import service_context

T = TypeVar("T")

LimitQuery = Annotated[int, Query(ge=1, le=100, description="Page size, 1–100.")]
CursorQuery = Annotated[
    str | None,
    Query(max_length=512, description="Opaque cursor from the previous page's `next_cursor`."),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


async def get_cursor_codec(request: Request) -> CursorCodec:
    return service_context(request.app).cursor_codec


class CursorCodec:
    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:12]

    def encode(self, values: list[Any], scope: str) -> str:
        payload = json.dumps(
            {"k": values, "s": _fingerprint(scope)}, separators=(",", ":")
        ).encode()
        return base64.urlsafe_b64encode(self._sign(payload) + payload).decode().rstrip("=")

    def decode(self, cursor: str, scope: str) -> list[Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            tag, payload = raw[:12], raw[12:]
            if not hmac.compare_digest(tag, self._sign(payload)):
                raise ValueError("bad signature")
            data = json.loads(payload)
            values = data["k"]
            if not isinstance(values, list):
                raise ValueError("bad cursor")
        except (ValueError, KeyError, TypeError) as exc:
            raise BadRequest(t("The cursor is not valid."), code="invalid_cursor") from exc
        if data.get("s") != _fingerprint(scope):
            raise BadRequest(
                t("The cursor belongs to a query with other filters; start from the first page."),
                code="invalid_cursor",
            )
        return values


def _fingerprint(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


CursorCodecDep = Annotated[CursorCodec, Depends(get_cursor_codec)]
