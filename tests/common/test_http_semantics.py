"""HTTP done right on every service (DESIGN §2): HEAD on every GET, 405 with the full Allow
list, no redirect that would name this server, the request id on a 500, an honest OpenAPI."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from common.provisioning import ProvisionedDatabase
from common.settings import ServiceSettings
from tests.common.conftest import build_probe_app
from tests.fixtures.clients import running_app
from tests.fixtures.problems import assert_problem
from tests.fixtures.tokens import DevTokens


async def test_head_answers_like_get_without_a_body(probe: httpx.AsyncClient) -> None:
    get = await probe.get("/probe/public")
    head = await probe.head("/probe/public")

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"] != "0"
    # the cache layer tags a HEAD as it tags the GET (a HEAD is how a client revalidates)
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["cache-control"] == get.headers["cache-control"]


async def test_405_names_every_method_of_the_path(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    r = await probe.put("/probe/notes", headers=tokens.headers("c-405", "citizen"))

    assert_problem(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD, POST"


async def test_a_trailing_slash_is_a_404_not_a_redirect(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/probe/public/", follow_redirects=False)

    assert_problem(r, 404, "not_found")
    assert "location" not in r.headers


async def test_a_500_carries_the_request_id(probe_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=probe_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/probe/boom", headers={"X-Request-ID": "trace-500"})

    assert_problem(r, 500, "internal_error")
    assert r.headers["x-request-id"] == "trace-500"


async def test_openapi_marks_public_routes_as_optionally_authenticated(
    probe: httpx.AsyncClient,
) -> None:
    spec = (await probe.get("/openapi.json")).json()
    paths = spec["paths"]

    # the optional bearer is the document's; a public operation inherits it by naming none
    # (what openapi-python-client needs to let an anonymous client call it)
    assert spec["security"] == [{}, {"bearer": []}]
    assert "security" not in paths["/probe/public"]["get"]
    assert paths["/probe/staff"]["get"]["security"] == [{"bearer": []}]
    assert set(spec["components"]["securitySchemes"]) == {"bearer"}
    header = next(
        p for p in paths["/probe/notes"]["post"]["parameters"] if p["name"] == "Idempotency-Key"
    )
    assert header["schema"]["minLength"] == 1
    assert header["schema"]["maxLength"] == 255


async def test_the_openapi_document_is_built_before_the_service_is_ready(
    db: ProvisionedDatabase, tokens: DevTokens
) -> None:
    """Built during start-up (uvicorn listens only after it), so the gateway's first merge
    finds it at once instead of timing out while a busy process builds it."""
    settings = ServiceSettings(database_url=db.service_urls["childcare"], **tokens.settings())
    app = build_probe_app(settings)
    assert app.openapi_schema is None
    async with running_app(app):
        built = app.openapi_schema
    assert built is not None and "/probe/public" in built["paths"]
