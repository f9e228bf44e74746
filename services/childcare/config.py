"""Childcare settings: every field can be set by an environment variable of the same name."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, settings_of


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    # how long an offered place waits for the guardian's answer
    offer_ttl_hours: int = Field(48, ge=1, le=24 * 14)
    offer_sweep_seconds: float = Field(30.0, gt=0)

    @property
    def offer_ttl(self) -> timedelta:
        return timedelta(hours=self.offer_ttl_hours)


SettingsDep = Annotated[Settings, Depends(settings_of(Settings))]
