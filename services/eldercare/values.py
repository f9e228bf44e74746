"""The values the eldercare tables store in their enumerated columns, in one place: the
models' CHECKs, the settings and the API enums follow these lists. The statuses are enums: the
schemas answer with them and each lifecycle's table names exactly their values
(`common.lifecycle.Lifecycle` refuses one that does not; `tests/contract/test_statuses.py` ties
model, schema and lifecycle together)."""

from __future__ import annotations

from enum import StrEnum


class ActivityStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class RegistrationStatus(StrEnum):
    registered = "registered"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class CareStatus(StrEnum):
    requested = "requested"
    assigned = "assigned"
    completed = "completed"
    cancelled = "cancelled"


class RenovationStatus(StrEnum):
    requested = "requested"
    assessed = "assessed"
    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"


FACILITY_KINDS = (
    "home_care_centre",
    "health_station",
    "culture_sports_centre",
    "canteen",
    "day_care",
    "elder_university",
    "pharmacy",
    "grocery",
    "service_platform",
)
ACTIVITY_CATEGORIES = (
    "singing",
    "reading",
    "painting",
    "musical_instruments",
    "dance",
    "calligraphy",
    "silk_flowers",
    "health_lecture",
    "caregiver_course",
)
CARE_TYPES = (
    "meal",
    "cleaning",
    "health_check",
    "companionship",
    "psychological_support",
    "day_care",
    "bathing",
    "medical_escort",
    "rehabilitation",
)
PROVIDER_CATEGORIES = ("public", "market", "social_org", "volunteer")
RENOVATION_ITEMS = (
    "handrails",
    "ramp",
    "bathroom",
    "lighting",
    "anti_slip_flooring",
    "washbasin",
    "stairs",
    "emergency_call",
)
VISIT_OUTCOMES = ("completed", "missed")
MISSED_REASONS = ("not_home", "refused", "in_hospital", "moved", "other")
