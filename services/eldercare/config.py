from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Eldercare settings; every field can be set by an environment variable of the same name."""

    model_config = SettingsConfigDict(extra="ignore")
