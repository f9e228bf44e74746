"""The gateway's own routes: the citizen view, the merged OpenAPI and its docs page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse

from common.auth import Principal, Role, require_roles
from gateway.aggregate import citizen_view
from gateway.config import Settings
from gateway.openapi import MergedOpenAPI
from gateway.proxy import RateLimitedPrincipal
from gateway.schemas import CitizenView

router = APIRouter()


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    merged: MergedOpenAPI = request.app.state.merged_openapi
    return JSONResponse(await merged.document(request.app.openapi()))


@router.get("/docs", include_in_schema=False)
async def docs(request: Request) -> Response:
    return get_swagger_ui_html(openapi_url="/openapi.json", title=request.app.title)


@router.get("/wellbeing/v1/me", tags=["wellbeing"], summary="The citizen's aggregated view")
async def me(
    request: Request,
    principal: Annotated[Principal, require_roles(Role.citizen)],
    _: RateLimitedPrincipal,
) -> CitizenView:
    settings: Settings = request.app.state.settings
    return await citizen_view(
        request.app.state.clients,
        principal,
        request.state.request_id,
        settings.aggregate_deadline_seconds,
    )
