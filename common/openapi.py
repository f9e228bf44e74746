"""What makes every process's OpenAPI a good input for client generators: one operationId rule,
declared tags, and a description on every operation (DESIGN §6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def operation_id(route: APIRoute) -> str:
    """`<first path segment>_<route function>`: `childcare_list_institutions`,
    `wellbeing_me`. Generators name functions after it, so it reads as a call; the prefix keeps
    it unique across the merged spec (tests check that no two operations share one)."""
    prefix = route.path_format.strip("/").split("/", 1)[0].replace("-", "_")
    return f"{prefix}_{route.name}"


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) of a document, in document order."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def effective_security(spec: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    """What an operation asks: its own `security`, else the document's (OpenAPI's rule)."""
    security: list[dict[str, Any]] = operation.get("security", spec.get("security", []))
    return security


def describe_operations(spec: dict[str, Any]) -> None:
    """An operation without a description gets one from its summary and who may call it, so
    every generated function carries a docstring (its own words stay where a route has them)."""
    for _, _, operation in operations(spec):
        if operation.get("description"):
            continue
        summary = operation.get("summary", "").rstrip(".")
        security = effective_security(spec, operation)
        who = (
            "Needs a bearer token."
            if security and {} not in security
            else "Public: no token needed (one that is sent is verified)."
        )
        operation["description"] = f"{summary}. {who}" if summary else who
