"""Eldercare app factory: `uvicorn --factory services.eldercare.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_service_app
from common.audit import audit_router
from services.eldercare.activities.registration_routes import router as registrations_router
from services.eldercare.activities.routes import router as activities_router
from services.eldercare.care.renovation_routes import router as renovations_router
from services.eldercare.care.routes import router as care_router
from services.eldercare.config import Settings
from services.eldercare.elders.routes import router as elders_router
from services.eldercare.elders.visit_routes import router as visits_router
from services.eldercare.facilities.routes import router as facilities_router
from services.eldercare.models import SCHEMA, access_audit, idempotency_key
from services.eldercare.notifications.kinds import NOTIFICATIONS
from services.eldercare.notifications.reminders import class_reminders
from services.eldercare.overview.routes import router as overview_router

# the OpenAPI tags of this service's routes; generated clients group their calls by them
TAGS = [
    {
        "name": "eldercare facilities and the 15-minute circle",
        "description": "Facilities (day centres, canteens, homes), communities and the "
        "15-minute walking circle of services around each, and the public statistics.",
    },
    {
        "name": "eldercare activities and classes",
        "description": "Classes and activities for elders: schedule, search, register (for "
        "yourself or an elder you act for), waitlist and cancel.",
    },
    {
        "name": "eldercare elders",
        "description": "Elder profiles linked to their family, and the citizen's eldercare "
        "summary. Sensitive personal data: reads by staff are audited.",
    },
    {
        "name": "eldercare visits and special groups",
        "description": "Staff visits to elders and the at-risk round (living alone, disabled, "
        "not visited recently).",
    },
    {
        "name": "eldercare care requests (2+X+N)",
        "description": "Home care requests: ask, assign a provider, complete or cancel.",
    },
    {
        "name": "eldercare age-friendly renovations",
        "description": "Age-friendly home renovations: apply, schedule, complete or cancel.",
    },
    {
        "name": "eldercare",
        "description": "The access audit: who read which elder's personal record, when, why.",
    },
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="eldercare",
        title="Eldercare service (老有所养)",
        description=(
            "Community eldercare: facilities and the 15-minute circle, classes, elder profiles, "
            "2+X+N care, age-friendly renovations, visits and the at-risk round."
        ),
        settings=settings,
        schema=SCHEMA,
        routers=[
            facilities_router,
            activities_router,
            registrations_router,
            elders_router,
            visits_router,
            care_router,
            renovations_router,
            overview_router,
            audit_router(
                "/eldercare/v1",
                access_audit,
                tags=["eldercare"],
                records="an elder's profile, care requests, renovations or visits",
            ),
        ],
        tags=TAGS,
        idempotency_table=idempotency_key,
        audit_table=access_audit,
        hooks=[class_reminders],
        notifications=NOTIFICATIONS,
    )
    return app
