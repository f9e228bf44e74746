"""`/docs` with Swagger UI served by the process itself, never from a public CDN.

FastAPI's default page loads its script and stylesheet from a CDN that a city intranet or a
mainland government network often cannot reach (DESIGN §6). The assets here come from the
`fastapi-offline` wheel (Swagger UI 5, which reads OpenAPI 3.1 as FastAPI writes it; the
`swagger-ui-bundle` wheel ships Swagger UI 4, which refuses 3.1 documents).

Use: build the app with `docs_url=None, redoc_url=None`, then
`install_offline_docs(app, openapi_url="/openapi.json", enabled=settings.docs_enabled)`.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PATH = "/docs/assets"
_ASSETS_DIR = str(files("fastapi_offline") / "static")

# no validator badge: Swagger UI would otherwise send the spec to a public validator
_UI_PARAMETERS: dict[str, Any] = {"validatorUrl": None, "deepLinking": True}


def install_offline_docs(
    app: FastAPI,
    *,
    openapi_url: str = "/openapi.json",
    enabled: bool = True,
    docs_url: str = "/docs",
    title: str | None = None,
    ui_parameters: dict[str, Any] | None = None,
) -> None:
    """Serves Swagger UI for `openapi_url` at `docs_url`, assets under `/docs/assets`.

    With `enabled=False` (production, if the operator wants no docs) neither exists: `404`."""
    if not enabled:
        return
    app.mount(ASSETS_PATH, StaticFiles(directory=_ASSETS_DIR), name="docs-assets")
    parameters = {**_UI_PARAMETERS, **(ui_parameters or {})}

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{title or app.title} — API docs",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters=parameters,
        )
