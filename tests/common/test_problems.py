"""Every error the app can produce is RFC 9457 problem+json with a stable code."""

from __future__ import annotations

import httpx

from tests.fixtures.clients import running_app
from tests.fixtures.problems import assert_problem
from tests.fixtures.processes import free_port
from tests.fixtures.tokens import DevTokens


async def test_validation_error_lists_each_issue(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    r = await probe.post(
        "/probe/notes",
        json={"text": "x" * 21, "count": "3"},
        headers=tokens.headers("citizen-1", "citizen"),
    )

    body = assert_problem(r, 422, "validation_error")
    locs = {tuple(e["loc"]) for e in body["errors"]}  # type: ignore[attr-defined]
    assert locs == {("body", "text"), ("body", "count")}


async def test_malformed_json_is_400(probe: httpx.AsyncClient, tokens: DevTokens) -> None:
    r = await probe.post(
        "/probe/notes",
        content=b'{"text": "unterminated',
        headers={**tokens.headers("citizen-1", "citizen"), "content-type": "application/json"},
    )

    assert_problem(r, 400, "malformed_json")


async def test_unknown_route_and_method(probe: httpx.AsyncClient) -> None:
    assert_problem(await probe.get("/nowhere"), 404, "not_found")
    assert_problem(await probe.delete("/probe/boom"), 405, "method_not_allowed")


async def test_unexpected_error_is_500_without_internals(probe_app: object) -> None:
    from fastapi import FastAPI

    assert isinstance(probe_app, FastAPI)
    transport = httpx.ASGITransport(app=probe_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/probe/boom")

    assert_problem(r, 500, "internal_error")
    assert "hunter2" not in r.text and "RuntimeError" not in r.text


async def test_oversized_body_is_refused_before_reading(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    big = b'{"text": "' + b"a" * (1024 * 1024 + 10) + b'", "count": 1}'

    r = await probe.post(
        "/probe/notes",
        content=big,
        headers={**tokens.headers("citizen-1", "citizen"), "content-type": "application/json"},
    )

    assert_problem(r, 413, "payload_too_large")


async def test_oversized_chunked_body_is_refused_while_streaming(
    probe: httpx.AsyncClient, tokens: DevTokens
) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"a" * 65536

    r = await probe.post(
        "/probe/notes",
        content=chunks(),
        headers={**tokens.headers("citizen-1", "citizen"), "content-type": "application/json"},
    )

    assert_problem(r, 413, "payload_too_large")


async def test_request_id_is_echoed_or_generated(probe: httpx.AsyncClient) -> None:
    given = await probe.get("/healthz", headers={"X-Request-ID": "abc-123"})
    generated = await probe.get("/healthz")
    unsafe = await probe.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})

    assert given.headers["x-request-id"] == "abc-123"
    assert len(generated.headers["x-request-id"]) == 32
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


async def test_readyz_reports_database_and_migrations(probe: httpx.AsyncClient) -> None:
    r = await probe.get("/readyz")

    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "migrations": "ok"}


async def test_metrics_use_route_templates(probe: httpx.AsyncClient) -> None:
    # a path no number in the exposition can contain (a timestamp once held "12345")
    await probe.get("/nowhere/no-such-thing")
    text = (await probe.get("/metrics")).text

    assert 'http_requests_total{method="GET",route="<unmatched>",status="404"}' in text
    assert "no-such-thing" not in text


async def test_openapi_documents_problem_responses(probe: httpx.AsyncClient) -> None:
    spec = (await probe.get("/openapi.json")).json()

    op = spec["paths"]["/probe/notes"]["post"]
    assert op["responses"]["422"]["content"]["application/problem+json"]
    assert op["responses"]["default"]["content"]["application/problem+json"]
    assert "Problem" in spec["components"]["schemas"]


async def test_database_errors_become_problems_not_500(probe: httpx.AsyncClient) -> None:
    assert_problem(await probe.get("/probe/overflow"), 422, "invalid_value")
    assert_problem(await probe.get("/probe/duplicate"), 409, "conflict")


async def test_unreachable_database_is_503(tokens: DevTokens) -> None:
    from common.settings import ServiceSettings
    from tests.common.conftest import build_probe_app

    url = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    app = build_probe_app(ServiceSettings(database_url=url, **tokens.settings()))
    async with running_app(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            r = await client.get("/probe/overflow")
            read = await client.get("/probe/read")
            ready = await client.get("/readyz")

    body = assert_problem(r, 503, "database_unavailable")
    # the read path (a raw pooled connection, no SQLAlchemy error wrapping) answers the same
    assert_problem(read, 503, "database_unavailable")
    assert read.headers["retry-after"] == "5"
    assert r.headers["retry-after"] == "5" and "nobody" not in str(body)
    assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("unreachable")
