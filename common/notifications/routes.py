"""`GET {prefix}/me/notifications`, `POST {prefix}/me/notifications/{id}/read` (the citizen's
own inbox) and `GET {prefix}/admin/undelivered` (what the push gateway never took)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from common.auth import AdminDep, CitizenDep
from common.clock import ClockDep
from common.db import SessionDep, driver_connection
from common.i18n import negotiate
from common.notifications.inbox import Inbox, NotificationNotFound
from common.notifications.schemas import Notification, NotificationPage, UndeliveredPage
from common.notifications.wiring import Notifications
from common.pagination import CursorCodecDep, CursorQuery, LimitQuery
from common.problems import problem_responses
from common.read import ReaderDep
from common.responses import model_response
from common.validation import Id

AcceptLanguage = Annotated[
    str | None, Header(description="`zh-CN` (default) or `en`: the language of the texts.")
]


def _lang_headers(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


def notification_router(
    prefix: str, service: str, notifications: Notifications, *, tags: list[str]
) -> APIRouter:
    inbox = Inbox(
        service, notifications.inbox, notifications.outbox.table, notifications.outbox.catalog
    )
    router = APIRouter(prefix=prefix, tags=list(tags))

    @router.get(
        "/me/notifications",
        summary="Your notices from this service, newest first, with the unread count",
        response_model=NotificationPage,
        responses=problem_responses(400, 401, 403),
    )
    async def list_notifications(
        reader: ReaderDep,
        codec: CursorCodecDep,
        citizen: CitizenDep,
        accept_language: AcceptLanguage = None,
        limit: LimitQuery = 20,
        cursor: CursorQuery = None,
        before_at: Annotated[
            datetime | None,
            Query(
                description="Only notices older than this position (`before_at`, `before_id`), "
                "for merging lists (the gateway); apps page with `cursor`."
            ),
        ] = None,
        before_id: Annotated[int, Query(ge=0, le=2**63 - 1)] = 2**63 - 1,
    ) -> Response:
        lang = negotiate(accept_language)
        scope = f"inbox:{citizen.sub}"
        before = (before_at, before_id) if before_at is not None else None
        if cursor is not None:
            at, ident = codec.decode(cursor, scope)
            before = (datetime.fromisoformat(at), int(ident))
        async with reader.connection() as conn:
            items, unread = await inbox.page(
                conn, sub=citizen.sub, before=before, limit=limit, lang=lang
            )
        next_cursor = None
        if len(items) == limit:
            last = items[-1]
            next_cursor = codec.encode([last.at.isoformat(), last.id], scope)
        page = NotificationPage(items=items, next_cursor=next_cursor, unread=unread)
        return model_response(page, headers=_lang_headers(lang))

    @router.post(
        "/me/notifications/{notification_id}/read",
        summary="Mark one of your notices read (again: no change)",
        response_model=Notification,
        responses=problem_responses(401, 403, NotificationNotFound),
    )
    async def read_notification(
        notification_id: Id,
        session: SessionDep,
        clock: ClockDep,
        citizen: CitizenDep,
        accept_language: AcceptLanguage = None,
    ) -> Response:
        lang = negotiate(accept_language)
        conn = await driver_connection(session)
        found = await inbox.mark_read(
            conn, sub=citizen.sub, ident=notification_id, now=clock.now(), lang=lang
        )
        return model_response(found, headers=_lang_headers(lang))

    @router.get(
        "/admin/undelivered",
        summary="Events the push gateway never took after 24 h of retries (admin)",
        description="Newest first; each row names the event id every attempt carried.",
        response_model=UndeliveredPage,
        responses=problem_responses(400, 401, 403),
    )
    async def list_undelivered(
        reader: ReaderDep,
        codec: CursorCodecDep,
        _: AdminDep,
        limit: LimitQuery = 20,
        cursor: CursorQuery = None,
    ) -> Response:
        before = int(codec.decode(cursor, "undelivered")[0]) if cursor is not None else None
        async with reader.connection() as conn:
            items = await inbox.undelivered(conn, before_id=before, limit=limit)
        next_cursor = codec.encode([items[-1].id], "undelivered") if len(items) == limit else None
        return model_response(UndeliveredPage(items=items, next_cursor=next_cursor))

    return router
