"""Childcare app factory: `uvicorn --factory services.childcare.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_service_app
from common.audit import audit_router
from services.childcare.children.routes import router as children_router
from services.childcare.config import Settings
from services.childcare.enrollments.routes import router as enrollments_router
from services.childcare.enrollments.tasks import offer_sweeper
from services.childcare.institutions.routes import router as institutions_router
from services.childcare.models import SCHEMA, access_audit, idempotency_key
from services.childcare.notifications.kinds import NOTIFICATIONS
from services.childcare.notifications.reminders import offer_reminders
from services.childcare.overview.routes import router as overview_router
from services.childcare.planning.routes import router as planning_router

# the OpenAPI tags of this service's routes; generated clients group their calls by them
TAGS = [
    {
        "name": "childcare",
        "description": "Institutions for children under 3 (search, nearby, vacancies), a "
        "guardian's children, enrollments with waitlist positions and offers, rosters, and the "
        "access audit of children's records.",
    },
    {
        "name": "childcare statistics and plans",
        "description": "Public figures: institutions and slots by kind and district, per 1,000 "
        "residents, and the capacity plans with their projects' progress.",
    },
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="childcare",
        title="Childcare service (少有所学)",
        description="Childcare institutions for children under 3, enrollments and waitlists.",
        settings=settings,
        schema=SCHEMA,
        routers=[
            institutions_router,
            children_router,
            enrollments_router,
            overview_router,
            planning_router,
            audit_router(
                "/childcare/v1",
                access_audit,
                tags=["childcare"],
                records="a child's record (an institution's roster lists its children)",
            ),
        ],
        tags=TAGS,
        idempotency_table=idempotency_key,
        audit_table=access_audit,
        hooks=[offer_sweeper, offer_reminders],
        notifications=NOTIFICATIONS,
    )
    return app
