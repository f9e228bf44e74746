"""Facility errors."""

from __future__ import annotations

from common.errors import NotFound


class FacilityNotFound(
    NotFound, code="facility_not_found", message="Facility {id} does not exist."
): ...


class CommunityNotFound(
    NotFound, code="community_not_found", message="Community {id} does not exist."
): ...
