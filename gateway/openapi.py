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


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
    return schemas


def _renames(own: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per service, its schemas that must take another name in the merged document: every
    service's version of a name that means different things in two documents becomes
    `<Service><Name>` (`JobsMeSummary`, `EldercareMeSummary`); the gateway's own keep theirs.
    Repeated until stable: a schema that refers to a renamed one differs as well."""
    taken = set(_schemas(own)).union(*(_schemas(spec) for spec in services.values()))
    renames: dict[str, dict[str, str]] = {name: {} for name in services}
    changed = True
    while changed:
        changed = False
        versions: dict[str, list[tuple[str | None, str]]] = {}
        for key, value in _schemas(own).items():
            versions.setdefault(key, []).append((None, json.dumps(value, sort_keys=True)))
        for service, spec in services.items():
            for key, value in _schemas(spec).items():
                body = json.dumps(_rewrite_refs(value, renames[service]), sort_keys=True)
                versions.setdefault(key, []).append((service, body))
        for key, owners in versions.items():
            if len({body for _, body in owners}) < 2:
                continue
            for service in (owner for owner, _ in owners if owner is not None):
                if key not in renames[service]:
                    new = service.capitalize() + key
                    while new in taken:
                        new = f"{service.capitalize()}Service{key}"
                    taken.add(new)
                    renames[service][key] = new
                    changed = True
    return renames


def merge(own: dict[str, Any], services: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """The gateway's document with every answering service's paths, schemas and tags; a schema
    renamed to keep names unique gets the new name as its `title` too (generators name classes
    by title). Services that did not answer are named in `x-missing-services`."""
    merged = copy.deepcopy(own)
    paths = merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    security = merged["components"].setdefault("securitySchemes", {})
    tags = merged.setdefault("tags", [])
    answered = {name: spec for name, spec in services.items() if spec is not None}
    renames = _renames(own, answered)
    for name, spec in answered.items():
        mine = renames[name]
        for key, value in _schemas(spec).items():
            schema = _rewrite_refs(value, mine)
            if key in mine:
                schema["title"] = mine[key]
            schemas[mine.get(key, key)] = schema
        security.update(spec.get("components", {}).get("securitySchemes", {}))
        if "security" in spec:  # what public operations inherit (the same in every document)
            merged.setdefault("security", spec["security"])
        declared = {tag["name"] for tag in tags}
        tags.extend(tag for tag in spec.get("tags", []) if tag["name"] not in declared)
        for path, item in spec.get("paths", {}).items():
            paths[path] = _rewrite_refs(item, mine)
    missing = [name for name, spec in services.items() if spec is None]
    if missing:
        merged["x-missing-services"] = missing
        info = merged["info"]
        info["description"] = (
            f"{info.get('description', '')}\n\n**Incomplete:** no answer from "
            f"{', '.join(missing)}; their operations are missing from this document. "
            "Fetch it again later (it is not cached)."
        ).strip()
    return merged


class MergedOpenAPI:
    def __init__(self, clients: dict[str, ServiceClient], ttl: float) -> None:
        self._clients = clients
        self._ttl = ttl
        self._cached: tuple[float, dict[str, Any]] | None = None

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
        """The merged document. Only a complete one is kept (for `ttl` seconds): after a partial
        one (see `is_partial`) the next call asks every service again."""
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] <= self._ttl:
            return self._cached[1]
        names = list(self._clients)
        specs = await asyncio.gather(*(self._fetch(self._clients[n]) for n in names))
        merged = merge(own, dict(zip(names, specs, strict=True)))
        self._cached = None if is_partial(merged) else (now, merged)
        return merged


def is_partial(merged: dict[str, Any]) -> bool:
    return bool(merged.get("x-missing-services"))
