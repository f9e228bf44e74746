"""The merged OpenAPI document of the gateway and the three services (one client for apps)."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

from gateway.clients.base import ServiceClient


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                out[key] = f"#/components/schemas/{renames.get(name, name)}"
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


def merge(own: dict[str, Any], services: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    merged = copy.deepcopy(own)
    paths = merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    security = merged["components"].setdefault("securitySchemes", {})
    unavailable = []
    for name, spec in services.items():
        if spec is None:
            unavailable.append(name)
            continue
        theirs = spec.get("components", {}).get("schemas", {})
        renames = {k: f"{name}_{k}" for k, v in theirs.items() if k in schemas and schemas[k] != v}
        for key, value in theirs.items():
            schemas[renames.get(key, key)] = _rewrite_refs(value, renames)
        security.update(spec.get("components", {}).get("securitySchemes", {}))
        for path, item in spec.get("paths", {}).items():
            paths[path] = _rewrite_refs(item, renames)
    if unavailable:
        merged["info"]["x-unavailable-services"] = unavailable
    return merged


class MergedOpenAPI:
    def __init__(self, clients: dict[str, ServiceClient], ttl: float) -> None:
        self._clients = clients
        self._ttl = ttl
        self._cached: tuple[float, dict[str, dict[str, Any] | None]] | None = None

    async def _fetch(self, client: ServiceClient) -> dict[str, Any] | None:
        try:
            reply = await client.request("GET", "/openapi.json", timeout=3.0)
            if reply.status != 200:
                return None
            spec: dict[str, Any] = json.loads(reply.body)
            return spec
        except Exception:  # a missing service is reported in the document, not raised
            return None

    async def document(self, own: dict[str, Any]) -> dict[str, Any]:
        now = time.monotonic()
        if (
            self._cached is None
            or now - self._cached[0] > self._ttl
            or None in self._cached[1].values()
        ):
            names = list(self._clients)
            specs = await asyncio.gather(*(self._fetch(self._clients[n]) for n in names))
            self._cached = (now, dict(zip(names, specs, strict=True)))
        return merge(own, self._cached[1])
