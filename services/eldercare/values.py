"""The values the eldercare tables store in their enumerated columns, in one place: the
models' CHECKs, the settings and the API enums follow these lists."""

from __future__ import annotations

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
REGISTRATION_STATUSES = ("registered", "waitlisted", "cancelled")
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
CARE_STATUSES = ("requested", "assigned", "completed", "cancelled")
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
RENOVATION_STATUSES = ("requested", "assessed", "scheduled", "completed", "cancelled")
VISIT_OUTCOMES = ("completed", "missed")
MISSED_REASONS = ("not_home", "refused", "in_hospital", "moved", "other")
