"""The language layer with the cache layer as the apps stack them: a representation per
language, each with its own ETag and its own 304, `Content-Language` and `Vary` on each."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from starlette.responses import JSONResponse

from common.http_cache import HttpCacheMiddleware
from common.i18n import t
from common.middleware import LanguageMiddleware


def texts_app() -> FastAPI:
    app = FastAPI()

    @app.get("/note")
    async def note() -> dict[str, str]:
        return {"title": t("Not found")}

    app.add_middleware(HttpCacheMiddleware, max_age=30)
    app.add_middleware(LanguageMiddleware)
    return app


async def test_each_language_is_its_own_representation_with_its_own_etag() -> None:
    transport = httpx.ASGITransport(app=texts_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        zh = await client.get("/note")
        en = await client.get("/note", headers={"Accept-Language": "en-GB,en;q=0.9"})
        en_with_zh_tag = await client.get(
            "/note", headers={"Accept-Language": "en", "If-None-Match": zh.headers["etag"]}
        )
        zh_again = await client.get("/note", headers={"If-None-Match": zh.headers["etag"]})
        en_again = await client.get(
            "/note", headers={"Accept-Language": "en", "If-None-Match": en.headers["etag"]}
        )

    assert zh.json() == {"title": "未找到"} and zh.headers["content-language"] == "zh-CN"
    assert en.json() == {"title": "Not found"} and en.headers["content-language"] == "en"
    assert zh.headers["etag"] != en.headers["etag"]
    for r in (zh, en, zh_again, en_again):
        assert r.headers["vary"] == "Accept-Language"
    # a tag of the other language does not revalidate: the client gets the body it asked for
    assert en_with_zh_tag.status_code == 200 and en_with_zh_tag.json() == en.json()
    assert zh_again.status_code == 304 and zh_again.headers["content-language"] == "zh-CN"
    assert en_again.status_code == 304 and en_again.headers["etag"] == en.headers["etag"]
    assert en_again.headers["content-language"] == "en"


async def test_vary_is_merged_with_what_the_route_said() -> None:
    app = FastAPI()

    @app.get("/origin")
    async def origin() -> JSONResponse:
        return JSONResponse({}, headers={"Vary": "Origin"})

    app.add_middleware(LanguageMiddleware)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/origin")
    assert r.headers.get_list("vary") == ["Origin, Accept-Language"]
