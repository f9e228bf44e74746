"""The merged OpenAPI describes the gateway's own typed routes beside the services' routes, and
`/docs` serves its Swagger UI from the gateway itself."""

from __future__ import annotations

import re

from tests.gateway.conftest import GatewayFactory, dead_url


async def test_merged_openapi_has_typed_view_districts_and_backend_paths(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(
        childcare_url=echo_url, jobs_url=dead_url(), eldercare_url=echo_url
    ) as gw:
        spec = (await gw.get("/openapi.json")).json()

    paths, schemas = spec["paths"], spec["components"]["schemas"]
    assert "/childcare/v1/things" in paths
    assert spec["x-missing-services"] == ["jobs"]
    me = paths["/wellbeing/v1/me"]["get"]
    assert me["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CitizenView"
    }
    assert me["security"] == [{"bearer": []}]
    view = schemas["CitizenView"]["properties"]
    assert view["jobs"] == {"$ref": "#/components/schemas/JobsSection"}
    jobs_data = schemas["JobsSection"]["properties"]["data"]["anyOf"]
    assert {"$ref": "#/components/schemas/JobsSummary"} in jobs_data
    assert set(schemas["JobsSummary"]["required"]) == {
        "graduate",
        "applications",
        "fair_registrations",
    }
    assert set(schemas["EldercareSummary"]["required"]) == {
        "elders",
        "activities",
        "care_requests",
        "renovations",
    }
    assert schemas["SectionStatus"]["enum"] == ["ok", "unavailable", "timeout", "error"]
    one = paths["/wellbeing/v1/districts/{district}"]["get"]
    # public: the token is optional — the document's own `security`, which it inherits
    assert "security" not in one
    assert spec["security"] == [{}, {"bearer": []}]
    assert one["responses"]["404"]["content"]["application/problem+json"]
    assert "xincheng" in one["parameters"][0]["description"]
    assert schemas["DistrictList"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/DistrictIndicators"
    }
    assert "circle_coverage" in schemas["EldercareIndicators"]["properties"]
    assert "Problem" in schemas


async def test_docs_page_and_its_assets_come_from_the_gateway_alone(
    make_gateway: GatewayFactory, echo_url: str
) -> None:
    async with make_gateway(childcare_url=echo_url) as gw:
        page = await gw.get("/docs")
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
        fetched = {url: await gw.get(url) for url in assets}

    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert not re.search(r"https?://", page.text), "the page names a host"
    assert "validatorUrl" in page.text and '"validatorUrl": null' in page.text
    assert len(assets) >= 3
    assert all(url.startswith("/docs/assets/") for url in assets)
    assert all(r.status_code == 200 for r in fetched.values())
    script = next(r for url, r in fetched.items() if url.endswith("swagger-ui-bundle.js"))
    assert len(script.content) > 500_000  # the real bundle, not a placeholder


async def test_docs_can_be_switched_off(make_gateway: GatewayFactory, echo_url: str) -> None:
    async with make_gateway(childcare_url=echo_url, docs_enabled=False) as gw:
        page = await gw.get("/docs")
        asset = await gw.get("/docs/assets/swagger-ui.css")
        spec = await gw.get("/openapi.json")

    assert page.status_code == 404 and page.json()["code"] == "not_found"
    assert asset.status_code == 404
    assert spec.status_code == 200  # the spec stays: mobile teams generate clients from it
