"""The gateway's own routes: the citizen view, the district indicators, the merged OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from common.districts import District
from common.middleware import RequestIdDep
from common.problems import problem_responses
from common.responses import model_response
from gateway.access import CallerDep, CitizenCallerDep
from gateway.aggregate import citizen_view
from gateway.districts import (
    DistrictIndicators,
    DistrictList,
    district_indicators,
    parse_district,
)
from gateway.labels import LabelSet, label_set
from gateway.notifications import (
    MergedNotification,
    NotificationFeed,
    NotificationNotFound,
    mark_read,
    merged_feed,
)
from gateway.openapi import is_partial
from gateway.schemas import CitizenView
from gateway.state import GatewayDep

router = APIRouter()
# public routes: a token is optional (verified when sent), so generated clients may call
# them anonymously; `{}` is OpenAPI's "no security requirement" (FastAPI appends it to the
# bearer requirement its dependency declares); the document then states that optional bearer
# once, as its own `security`, which these operations inherit (common/app.py)
PUBLIC: dict[str, Any] = {"security": [{}]}


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request, gateway: GatewayDep) -> JSONResponse:
    merged = await gateway.merged_openapi.document(request.app.openapi())
    # a partial document must not outlive the outage in any cache (the gateway's included)
    headers = {"Cache-Control": "no-store"} if is_partial(merged) else None
    return JSONResponse(merged, headers=headers)


@router.get(
    "/wellbeing/v1/me",
    tags=["wellbeing"],
    summary="The citizen's aggregated view",
    description=(
        "Each service's part of the citizen's records, asked concurrently with the citizen's "
        "token under one deadline (2 s by default). Always `200` inside the deadline: a section "
        "the gateway could not fill says why (`unavailable`, `timeout`, `error`) with "
        "`data: null`, and `complete` is false. Personal data: `Cache-Control: no-store`."
    ),
    response_model=CitizenView,
    responses=problem_responses(401, 403, 429),
    name="get_citizen_view",
)
async def me(
    gateway: GatewayDep, principal: CitizenCallerDep, request_id: RequestIdDep
) -> Response:
    # rendered once (FastAPI would validate the whole view a second time)
    return model_response(await citizen_view(gateway, principal, request_id))


@router.get(
    "/wellbeing/v1/notifications",
    tags=["wellbeing"],
    summary="The citizen's notices from every service, newest first",
    description=(
        "The three services' inboxes merged newest first under one opaque cursor, in the "
        "language of `Accept-Language` (zh-CN by default), with `unread` over every source that "
        "answered. Like the citizen view, each source says how it went (`sources`) and "
        "`complete` is false when one could not be asked; a failed source's notices are not on "
        "that page. Personal data: `Cache-Control: no-store`."
    ),
    response_model=NotificationFeed,
    responses=problem_responses(400, 401, 403, 429),
)
async def notifications(
    gateway: GatewayDep,
    principal: CitizenCallerDep,
    request_id: RequestIdDep,
    accept_language: Annotated[str | None, Header()] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1–100.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=512, description="The previous page's `next_cursor`.")
    ] = None,
) -> Response:
    feed = await merged_feed(
        gateway,
        principal,
        limit=limit,
        cursor=cursor,
        request_id=request_id,
        accept_language=accept_language,
    )
    return model_response(feed, headers={"Vary": "Accept-Language"})


@router.post(
    "/wellbeing/v1/notifications/{notification_id}/read",
    tags=["wellbeing"],
    summary="Mark one of the citizen's notices read (at the service that owns it)",
    response_model=MergedNotification,
    responses=problem_responses(401, 403, 429, 502, 503, 504, NotificationNotFound),
)
async def read_notification(
    notification_id: Annotated[
        str, Path(min_length=3, max_length=40, description="An `id` of the merged list.")
    ],
    gateway: GatewayDep,
    principal: CitizenCallerDep,
    request_id: RequestIdDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    found = await mark_read(
        gateway,
        principal,
        notification_id,
        request_id=request_id,
        accept_language=accept_language,
    )
    return model_response(found)


_DISTRICTS_HELP = (
    "Public. Per 旗县区, indicators from the three services' statistics: childcare slots per "
    "1,000 residents and vacancies; job postings, fairs, Red Bee Stations, check-ins, graduates "
    "retained and support awards; eldercare facilities, 15-minute circle coverage, activities "
    "and open care requests. Cached briefly by the gateway; when a service fails, its part is "
    "its last good figures marked `stale` with their age. Carries an `ETag`; send it back in "
    "`If-None-Match` for a `304`."
)


@router.get(
    "/wellbeing/v1/districts",
    tags=["wellbeing"],
    summary="Indicators of every district",
    description=_DISTRICTS_HELP,
    response_model=DistrictList,
    responses=problem_responses(429),
    openapi_extra=PUBLIC,
    name="list_districts",
)
async def districts(gateway: GatewayDep, _: CallerDep) -> Response:
    items = await district_indicators(gateway.stats)
    return model_response(DistrictList(items=items, complete=all(i.complete for i in items)))


@router.get(
    "/wellbeing/v1/districts/{district}",
    tags=["wellbeing"],
    summary="Indicators of one district",
    description=_DISTRICTS_HELP + " Unknown district: `404 district_not_found`.",
    response_model=DistrictIndicators,
    responses=problem_responses(404, 429),
    openapi_extra=PUBLIC,
    name="get_district",
)
async def district(
    district: Annotated[
        str,
        Path(
            min_length=1,
            max_length=40,
            description="The Chinese name (URL-encoded) or the API name: "
            + "; ".join(f"{d.value} ({d.name})" for d in District),
        ),
    ],
    gateway: GatewayDep,
    _: CallerDep,
) -> Response:
    wanted = parse_district(district)
    items = await district_indicators(gateway.stats)
    return model_response(next(i for i in items if i.district is wanted))


# labels change with a release only: cacheable for an hour, revalidated with the ETag
LABELS_CACHE = "public, max-age=3600"


@router.get(
    "/wellbeing/v1/labels",
    tags=["wellbeing"],
    summary="Display labels of every enum value, in Chinese and English",
    description=(
        "Public. For each enum a client shows (districts, institution kinds and the 普惠 tag, "
        "statuses, care types, facility kinds, categories …) the label of every value in zh-CN "
        "and en, so an app never hard-codes 普惠 or 家庭式托育点. Both languages in one answer "
        f"(`Content-Language: zh-CN, en`), `Cache-Control: {LABELS_CACHE}` and an `ETag`: send "
        "it back in `If-None-Match` for a `304`."
    ),
    response_model=LabelSet,
    responses=problem_responses(429),
    openapi_extra=PUBLIC,
)
async def labels(_: CallerDep) -> Response:
    response = model_response(label_set())
    response.headers["Cache-Control"] = LABELS_CACHE
    response.headers["Content-Language"] = "zh-CN, en"
    return response
