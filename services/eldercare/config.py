"""Eldercare settings: every field can be set by an environment variable of the same name."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, settings_of
from services.eldercare.values import FACILITY_KINDS


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    # The walking model of the 15-minute circle (docs/api/eldercare.md, "The walking model").
    # Older pedestrians walk about 1 m/s (60 m a minute; healthy adults ~1.3 m/s), and streets
    # make a walk about a quarter longer than the straight line (the detour or circuity factor
    # of a city grid is 1.2–1.4). Reach = minutes × speed / detour: 15 minutes ≈ 720 m.
    walk_speed_m_per_min: float = Field(60.0, ge=20.0, le=120.0)
    walk_detour_factor: float = Field(1.25, ge=1.0, le=3.0)
    # the circle every community is measured by in the statistics
    circle_minutes: int = Field(15, ge=1, le=60)
    # what a circle must hold to count as covered (15分钟便民圈: care centre, health station,
    # culture and sports centre, a meal point and a shop)
    circle_essential_kinds: tuple[str, ...] = (
        "home_care_centre",
        "health_station",
        "culture_sports_centre",
        "canteen",
        "grocery",
    )
    # special groups: aged and living alone from this age; visits due every this many days
    at_risk_age_years: int = Field(80, ge=60, le=120)
    visit_interval_days: int = Field(30, ge=1, le=365)
    # an elder profile is for a person of at least this age (老年人权益保障法: 60)
    elder_min_age_years: int = Field(60, ge=0, le=120)

    @field_validator("circle_essential_kinds")
    @classmethod
    def _known_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(kinds) - set(FACILITY_KINDS))
        if unknown or not kinds:
            raise ValueError(f"unknown or no facility kinds: {unknown}")
        return tuple(dict.fromkeys(kinds))

    def reach_m(self, minutes: float) -> float:
        """The straight-line radius an elder covers on foot in `minutes`."""
        return minutes * self.walk_speed_m_per_min / self.walk_detour_factor

    def walk_minutes(self, distance_m: float) -> float:
        """Minutes on foot to a place `distance_m` away in a straight line."""
        return distance_m * self.walk_detour_factor / self.walk_speed_m_per_min


SettingsDep = Annotated[Settings, Depends(settings_of(Settings))]
