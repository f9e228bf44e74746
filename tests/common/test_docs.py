"""Every service's `/docs` is Swagger UI served by the service itself (a city intranet may not
reach a CDN), and `DOCS_ENABLED=false` removes it. The gateway's own page is tested in
tests/gateway/test_openapi_and_docs.py."""

from __future__ import annotations

import importlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from common.registry import SERVICES, ProcessSpec
from tests.fixtures.tokens import DevTokens

ASSET_TYPES = {
    ".js": {"text/javascript", "application/javascript"},
    ".css": {"text/css"},
    ".png": {"image/png"},
}


def _build(spec: ProcessSpec, monkeypatch: pytest.MonkeyPatch, tokens: DevTokens) -> FastAPI:
    """The app as `uvicorn --factory` builds it: the registry's factory, settings from the
    environment. `/docs` needs no database, so the lifespan is not run."""
    for name, value in tokens.settings().items():
        monkeypatch.setenv(name.upper(), str(value))
    module, function = spec.app_factory.split(":")
    app: FastAPI = getattr(importlib.import_module(module), function)()
    return app


@asynccontextmanager
async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
async def test_docs_page_and_its_assets_come_from_the_service_alone(
    spec: ProcessSpec, monkeypatch: pytest.MonkeyPatch, tokens: DevTokens
) -> None:
    app = _build(spec, monkeypatch, tokens)
    async with _client(app) as client:
        page = await client.get("/docs")
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
        fetched = {url: await client.get(url) for url in assets}
        [spec_url] = re.findall(r"""\burl: ?["']([^"']+)["']""", page.text)
        openapi = await client.get(spec_url)

    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in page.text and app.title in page.text
    assert not re.search(r"https?://|//[a-z0-9]", page.text, re.IGNORECASE), "names a host"
    assert '"validatorUrl": null' in page.text  # the spec is never sent to a public validator
    assert {url.rsplit(".", 1)[-1] for url in assets} == {"js", "css", "png"}
    assert all(url.startswith("/docs/assets/") for url in assets)
    for url, asset in fetched.items():
        media = asset.headers["content-type"].split(";")[0]
        assert asset.status_code == 200, url
        assert media in ASSET_TYPES["." + url.rsplit(".", 1)[-1]], (url, media)
    script = next(r for url, r in fetched.items() if url.endswith("swagger-ui-bundle.js"))
    assert len(script.content) > 500_000  # the real bundle, not a placeholder
    assert spec_url == "/openapi.json"
    assert openapi.status_code == 200 and openapi.json()["info"]["title"] == app.title


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
async def test_docs_can_be_switched_off(
    spec: ProcessSpec, monkeypatch: pytest.MonkeyPatch, tokens: DevTokens
) -> None:
    monkeypatch.setenv("DOCS_ENABLED", "false")
    app = _build(spec, monkeypatch, tokens)
    async with _client(app) as client:
        page = await client.get("/docs")
        asset = await client.get("/docs/assets/swagger-ui.css")
        openapi = await client.get("/openapi.json")

    assert page.status_code == 404 and page.json()["code"] == "not_found"
    assert asset.status_code == 404 and asset.json()["code"] == "not_found"
    assert openapi.status_code == 200  # the spec stays: mobile teams generate clients from it
