"""`common.http_cache` on a bare Starlette app: what gets an ETag, what gets no-store, when a
304 is sent, and what passes through untouched."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from common.http_cache import HttpCacheMiddleware, etag_matches


async def doc(request: Request) -> Response:
    return JSONResponse({"figures": [1, 2, 3]})


async def own_policy(request: Request) -> Response:
    return JSONResponse({"x": 1}, headers={"Cache-Control": "private, max-age=5", "ETag": '"v7"'})


async def text(request: Request) -> Response:
    return PlainTextResponse("not json")


async def created(request: Request) -> Response:
    return JSONResponse({"id": 1}, status_code=201)


def _client() -> httpx.AsyncClient:
    app = Starlette(
        routes=[
            Route("/doc", doc, methods=["GET", "POST"]),
            Route("/own", own_policy),
            Route("/text", text),
            Route("/created", created, methods=["GET", "POST"]),
            Route("/readyz", doc),
        ]
    )
    app.add_middleware(HttpCacheMiddleware, max_age=12)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_public_json_gets_a_strong_etag_and_304_on_a_match() -> None:
    async with _client() as client:
        first = await client.get("/doc")
        tag = first.headers["etag"]
        matched = await client.get("/doc", headers={"If-None-Match": f'"other", W/{tag}'})
        star = await client.get("/doc", headers={"If-None-Match": "*"})
        missed = await client.get("/doc", headers={"If-None-Match": '"other"'})

    assert first.json() == {"figures": [1, 2, 3]}
    assert first.headers["cache-control"] == "public, max-age=12"
    assert not tag.startswith("W/") and tag.startswith('"')
    assert matched.status_code == 304 and matched.content == b""
    assert matched.headers["etag"] == tag and "content-type" not in matched.headers
    assert star.status_code == 304
    assert missed.status_code == 200 and missed.json() == first.json()


async def test_a_request_with_a_token_gets_no_store_and_no_etag() -> None:
    async with _client() as client:
        r = await client.get("/doc", headers={"Authorization": "Bearer x"})
        tagged = (await client.get("/doc")).headers["etag"]
        conditional = await client.get(
            "/doc", headers={"Authorization": "Bearer x", "If-None-Match": tagged}
        )

    assert r.headers["cache-control"] == "no-store" and "etag" not in r.headers
    assert conditional.status_code == 200  # personal answers are never served as 304


async def test_a_write_with_a_token_gets_no_store_whatever_its_status() -> None:
    async with _client() as client:
        made = await client.post("/created", headers={"Authorization": "Bearer x"})
        refused = await client.post("/text", headers={"Authorization": "Bearer x"})
        anonymous = await client.post("/created")

    assert made.status_code == 201 and made.json() == {"id": 1}
    assert made.headers["cache-control"] == "no-store" and "etag" not in made.headers
    assert refused.status_code == 405 and refused.headers["cache-control"] == "no-store"
    assert "cache-control" not in anonymous.headers


async def test_a_route_keeps_its_own_policy_and_tag() -> None:
    async with _client() as client:
        r = await client.get("/own")
        again = await client.get("/own", headers={"If-None-Match": '"v7"'})

    assert r.headers["cache-control"] == "private, max-age=5"
    assert r.headers["etag"] == '"v7"'
    assert again.status_code == 304


async def test_non_json_writes_other_statuses_and_probes_pass_through() -> None:
    async with _client() as client:
        plain = await client.get("/text")
        post = await client.post("/doc")
        made = await client.get("/created")
        probe = await client.get("/readyz")

    for r in (plain, post, made, probe):
        assert "etag" not in r.headers and "cache-control" not in r.headers
    assert plain.text == "not json" and made.status_code == 201


def test_etag_comparison_is_weak_as_rfc_9110_says_for_if_none_match() -> None:
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches('"b", "a"', 'W/"a"')
    assert not etag_matches('"ab"', '"a"')
