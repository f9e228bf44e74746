"""The merged OpenAPI is a good input for client generators (DESIGN §6): unique schema names and
titles, one readable operationId per operation, declared tags, servers, descriptions; and a
partial document (a service did not answer) says so and is never cached."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from common.openapi import effective_security, operations
from gateway.main import create_app
from gateway.openapi import merge
from tests.fixtures.processes import free_port, served
from tests.fixtures.tokens import DevTokens
from tests.gateway.conftest import GatewayFactory, gateway_settings


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _merged(tokens: DevTokens, apps: dict[str, FastAPI]) -> dict[str, Any]:
    gateway = create_app(gateway_settings(tokens))
    return merge(gateway.openapi(), {name: app.openapi() for name, app in apps.items()})


def test_the_merged_spec_of_the_real_services_is_unambiguous_and_described(
    tokens: DevTokens, childcare_app: FastAPI, jobs_app: FastAPI, eldercare_app: FastAPI
) -> None:
    apps = {"childcare": childcare_app, "jobs": jobs_app, "eldercare": eldercare_app}
    spec = _merged(tokens, apps)
    schemas: dict[str, Any] = spec["components"]["schemas"]
    ops = list(operations(spec))

    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [title for title, n in titles.items() if n > 1] == []
    # every reference resolves: a rename reached every `$ref` to the renamed schema
    dangling = {ref for ref in _refs(spec) if ref.rsplit("/", 1)[-1] not in schemas}
    assert dangling == set()
    # the clashes of main (issue 16) are gone, renamed with their titles
    for name in ("JobsMeSummary", "EldercareMeSummary", "JobsTotals", "EldercareTotals"):
        assert schemas[name]["title"] == name
    assert "x-missing-services" not in spec

    ids = [op["operationId"] for _, _, op in ops]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for path, _, op in ops:
        service = path.split("/")[1]
        assert re.fullmatch(rf"{service}_[a-z][a-z0-9_]*", op["operationId"]), op["operationId"]
    by_id = {op["operationId"]: (path, method) for path, method, op in ops}
    assert by_id["childcare_list_institutions"] == ("/childcare/v1/institutions", "get")
    assert by_id["wellbeing_get_citizen_view"] == ("/wellbeing/v1/me", "get")
    assert by_id["jobs_register_for_fair"] == ("/jobs/v1/fairs/{fair_id}/registrations", "post")
    assert by_id["jobs_register_graduate"] == ("/jobs/v1/graduates", "post")

    declared = {tag["name"]: tag.get("description", "") for tag in spec["tags"]}
    assert all(description.strip() for description in declared.values()), declared
    assert len(declared) == len(spec["tags"])  # each tag declared once
    used = {tag for _, _, op in ops for tag in op.get("tags", [])}
    assert used <= set(declared), used - set(declared)
    assert all(op.get("tags") for _, _, op in ops)
    assert [(p, m) for p, m, op in ops if not (op.get("summary") and op.get("description"))] == []

    assert spec["servers"] == [{"url": "/", "description": "The host that served this document"}]
    assert set(spec["components"]["securitySchemes"]) == {"bearer"}
    public = by_id["childcare_list_institutions"]
    assert spec["security"] == [{}, {"bearer": []}]  # what public operations inherit
    assert effective_security(spec, spec["paths"][public[0]]["get"]) == [{}, {"bearer": []}]
    assert "security" not in spec["paths"][public[0]]["get"]
    assert spec["paths"]["/wellbeing/v1/me"]["get"]["security"] == [{"bearer": []}]


def test_clashing_schemas_are_renamed_with_their_titles_and_every_reference_follows() -> None:
    """`Totals` means three things: the gateway keeps its own, each service's becomes
    `<Service>Totals`; `Stats` is the same text in two services but refers to different
    `Totals`, so it is renamed as well; `Same` is identical everywhere and stays one schema."""

    def doc(schemas: dict[str, Any], path: str, answer: str) -> dict[str, Any]:
        response = {"content": {"application/json": {"schema": {"$ref": answer}}}}
        return {
            "info": {"title": "t", "version": "1", "description": "The API."},
            "paths": {path: {"get": {"responses": {"200": response}}}},
            "components": {"schemas": schemas},
        }

    ref = "#/components/schemas/"
    same = {"type": "string", "title": "Same"}
    stats = {"type": "object", "title": "Stats", "properties": {"t": {"$ref": f"{ref}Totals"}}}
    own = {"Totals": {"type": "object", "title": "Totals"}, "Same": same}
    gateway = doc(own, "/g", f"{ref}Same")
    jobs = doc(
        {"Totals": {"type": "integer", "title": "Totals"}, "Stats": stats, "Same": same},
        "/jobs/v1/stats",
        f"{ref}Stats",
    )
    eldercare = doc(
        {"Totals": {"type": "string", "title": "Totals"}, "Stats": stats, "Same": same},
        "/eldercare/v1/stats",
        f"{ref}Stats",
    )

    merged = merge(gateway, {"jobs": jobs, "eldercare": eldercare})

    schemas = merged["components"]["schemas"]
    assert sorted(schemas) == [
        "EldercareStats",
        "EldercareTotals",
        "JobsStats",
        "JobsTotals",
        "Same",
        "Totals",
    ]
    assert {name: s["title"] for name, s in schemas.items()} == {n: n for n in schemas}
    assert schemas["Totals"]["type"] == "object"  # the gateway's own
    assert schemas["JobsTotals"]["type"] == "integer"
    assert schemas["JobsStats"]["properties"]["t"] == {"$ref": f"{ref}JobsTotals"}
    assert schemas["EldercareStats"]["properties"]["t"] == {"$ref": f"{ref}EldercareTotals"}
    answer = merged["paths"]["/jobs/v1/stats"]["get"]["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": f"{ref}JobsStats"}
    assert merged["info"]["description"] == "The API."


async def test_a_partial_spec_names_the_missing_service_is_not_cached_and_heals(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    """Jobs does not answer at first: the document names it, says so in its description, and
    carries `no-store`; once jobs answers, the next request gets the whole document."""
    port = free_port()
    jobs_url = f"http://127.0.0.1:{port}"
    async with make_gateway(
        childcare_url=echo_url,
        jobs_url=jobs_url,
        eldercare_url=echo_url,
        # the breaker would keep refusing jobs for a while: this test is about the spec alone
        breaker_threshold=100,
        openapi_cache_seconds=300.0,
    ) as gw:
        partial = await gw.get("/openapi.json")
        again = await gw.get("/openapi.json")
        with served("tests.gateway.backends:echo_app", {}, port=port):
            whole = await gw.get("/openapi.json")
            cached = await gw.get("/openapi.json")

    assert partial.status_code == 200
    assert partial.headers["cache-control"] == "no-store"
    body = partial.json()
    assert body["x-missing-services"] == ["jobs"]
    assert "**Incomplete:** no answer from jobs" in body["info"]["description"]
    assert "/childcare/v1/things" in body["paths"]
    assert again.headers["cache-control"] == "no-store"
    assert again.json()["x-missing-services"] == ["jobs"]

    assert whole.status_code == 200
    assert "x-missing-services" not in whole.json()
    assert "Incomplete" not in whole.json()["info"]["description"]
    assert whole.headers["cache-control"].startswith("public")
    assert cached.json() == whole.json()
