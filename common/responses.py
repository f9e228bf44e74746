"""Answers rendered once: a model validated by the route's own code is serialised by pydantic
straight to bytes, skipping FastAPI's second validation of the return value (the route still
declares `response_model=`, so the OpenAPI is exact)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import Response
from pydantic import BaseModel


class JSONBytes(Response):
    media_type = "application/json"


def model_response(
    model: BaseModel | Sequence[BaseModel],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Renders an already-validated model once, bypassing FastAPI's second validation; the
    route still declares `response_model=` so the OpenAPI is exact."""
    if isinstance(model, BaseModel):
        body = model.model_dump_json().encode()
    else:
        body = b"[" + b",".join(m.model_dump_json().encode() for m in model) + b"]"
    return JSONBytes(body, status_code=status_code, headers=dict(headers or {}))
