"""The gateway's mirrors of the services' documents (DESIGN §6) against the services' live OpenAPI:
every value a service can put in an enum is one the mirror accepts, and every field the mirror
needs is one the service always sends, with a type that fits. A service that adds a status (as
childcare once added `ineligible`) fails here, not in a family's citizen view."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from common.registry import SERVICE_NAMES
from gateway.clients.base import ServiceClient
from gateway.clients.childcare import childcare_client
from gateway.clients.eldercare import eldercare_client
from gateway.clients.jobs import jobs_client
from gateway.clients.typed import ContractModel

Schema = dict[str, Any]
CLIENTS = {"childcare": childcare_client, "jobs": jobs_client, "eldercare": eldercare_client}


def _documents() -> list[tuple[str, str, type[ContractModel]]]:
    found = []
    for service, make in CLIENTS.items():
        client = make(ServiceClient(service, "http://unused", None, None))  # type: ignore[arg-type]
        found += [(service, path, model) for path, model in client.documents().items()]
    return found


DOCUMENTS = _documents()


def test_every_service_has_its_mirrors() -> None:
    assert sorted({service for service, _, _ in DOCUMENTS}) == sorted(SERVICE_NAMES)


class Comparison:
    """Walks a mirror's JSON Schema beside the service's, collecting every way they disagree."""

    def __init__(self, service_spec: Schema, mirror_defs: Schema) -> None:
        self.service_defs = service_spec.get("components", {}).get("schemas", {})
        self.mirror_defs = mirror_defs
        self.problems: list[str] = []

    @staticmethod
    def _resolve(node: Schema, defs: Schema) -> Schema:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        if "allOf" in node and len(node["allOf"]) == 1:
            return Comparison._resolve(node["allOf"][0], defs)
        return node

    def _variants(self, node: Schema, defs: Schema) -> tuple[list[Schema], bool]:
        """The non-null alternatives of a schema, and whether `null` is one of them."""
        node = self._resolve(node, defs)
        options = node.get("anyOf") or node.get("oneOf")
        if options is None:
            if node.get("type") == "null":
                return [], True
            return [node], False
        variants, nullable = [], False
        for option in options:
            inner, null = self._variants(option, defs)
            variants += inner
            nullable = nullable or null
        return variants, nullable

    def compare(self, service: Schema, mirror: Schema, where: str) -> None:
        s_variants, s_null = self._variants(service, self.service_defs)
        m_variants, m_null = self._variants(mirror, self.mirror_defs)
        if s_null and not m_null:
            self.problems.append(f"{where}: the service may send null, the mirror refuses it")
        if not m_variants:
            return  # the mirror takes anything here
        for s in s_variants:
            if not any(self._fits(s, m, where, dry=True) for m in m_variants):
                self.problems.append(f"{where}: the mirror takes none of the service's {s}")
            else:
                match = next(m for m in m_variants if self._fits(s, m, where, dry=True))
                self._fits(s, match, where, dry=False)

    def _fits(self, s: Schema, m: Schema, where: str, *, dry: bool) -> bool:
        s_type, m_type = s.get("type"), m.get("type")
        widened = m_type == "number" and s_type == "integer"
        if m_type is not None and s_type is not None and s_type != m_type and not widened:
            return False
        if "format" in m and s.get("format") != m["format"]:
            return False
        if "enum" in m:
            extra = set(s.get("enum", [s.get("const")])) - set(m["enum"])
            if extra:
                if not dry:
                    self.problems.append(f"{where}: the mirror lacks enum values {sorted(extra)}")
                return dry
        if dry:
            return True
        if m_type == "array":
            self.compare(s.get("items", {}), m.get("items", {}), f"{where}[]")
        if "properties" in m:
            s_props, s_required = s.get("properties", {}), set(s.get("required", []))
            for name, m_prop in m["properties"].items():
                if name not in s_props:
                    if name in m.get("required", []):
                        self.problems.append(f"{where}.{name}: the service has no such field")
                    continue
                if name in m.get("required", []) and name not in s_required:
                    self.problems.append(f"{where}.{name}: required by the mirror, optional here")
                self.compare(s_props[name], m_prop, f"{where}.{name}")
        return True


@pytest.mark.parametrize(
    ("service", "path", "mirror"), DOCUMENTS, ids=[path for _, path, _ in DOCUMENTS]
)
def test_the_mirror_accepts_everything_the_service_documents(
    service: str,
    path: str,
    mirror: type[ContractModel],
    childcare_app: FastAPI,
    jobs_app: FastAPI,
    eldercare_app: FastAPI,
) -> None:
    app = {"childcare": childcare_app, "jobs": jobs_app, "eldercare": eldercare_app}[service]
    spec = app.openapi()
    answer = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    mirror_schema = mirror.model_json_schema(ref_template="#/$defs/{model}")
    comparison = Comparison(spec, mirror_schema.get("$defs", {}))

    comparison.compare(answer["schema"], mirror_schema, path)

    assert comparison.problems == []


def test_the_comparison_catches_a_missing_enum_value_and_a_missing_field() -> None:
    """The check above can fail: a service enum with a value the mirror lacks, and a field the
    mirror needs that the service does not send, are both reported."""
    service_spec: Schema = {
        "components": {
            "schemas": {
                "Status": {"type": "string", "enum": ["a", "b", "new"]},
                "Doc": {
                    "type": "object",
                    "properties": {"status": {"$ref": "#/components/schemas/Status"}},
                    "required": ["status"],
                },
            }
        }
    }
    mirror: Schema = {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["a", "b"]},
            "count": {"type": "integer"},
        },
        "required": ["status", "count"],
    }
    comparison = Comparison(service_spec, {})
    comparison.compare({"$ref": "#/components/schemas/Doc"}, mirror, "doc")
    assert comparison.problems == [
        "doc.status: the mirror lacks enum values ['new']",
        "doc.count: the service has no such field",
    ]
