"""Jobs app factory: `uvicorn --factory services.jobs.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_service_app
from common.audit import audit_router
from services.jobs.config import Settings
from services.jobs.fairs.registration_routes import router as fair_registrations_router
from services.jobs.fairs.routes import router as fairs_router
from services.jobs.graduates.routes import router as graduates_router
from services.jobs.models import SCHEMA, access_audit, idempotency_key
from services.jobs.notifications.kinds import NOTIFICATIONS
from services.jobs.notifications.reminders import fair_reminders
from services.jobs.overview.routes import router as overview_router
from services.jobs.postings.routes import router as postings_router
from services.jobs.programmes.application_routes import router as applications_router
from services.jobs.programmes.routes import router as programmes_router
from services.jobs.stations.routes import router as stations_router

# the OpenAPI tags of this service's routes; generated clients group their calls by them
TAGS = [
    {
        "name": "jobs",
        "description": "Job postings, job fairs and registrations, graduate-retention "
        "registration and its progress, support programmes (pre-screen, apply, decide, pay "
        "once), Red Bee Stations and their check-ins, statistics and the access audit.",
    },
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="jobs",
        title="Jobs service (青有所为)",
        description="Jobs and support for young graduates and gig workers; Red Bee Stations.",
        settings=settings,
        schema=SCHEMA,
        routers=[
            postings_router,
            fairs_router,
            fair_registrations_router,
            graduates_router,
            programmes_router,
            applications_router,
            stations_router,
            overview_router,
            audit_router(
                "/jobs/v1",
                access_audit,
                tags=["jobs"],
                records="a support application (or its applicant's facts)",
            ),
        ],
        tags=TAGS,
        idempotency_table=idempotency_key,
        audit_table=access_audit,
        hooks=[fair_reminders],
        notifications=NOTIFICATIONS,
    )
    return app
