"""Facility errors."""

from __future__ import annotations

from common.errors import NotFound


class FacilityNotFound(NotFound, code="facility_not_found"): ...


class CommunityNotFound(NotFound, code="community_not_found"): ...
