"""Settings shared by every process, read once from the environment by pydantic-settings."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    development = "development"
    production = "production"


class AuthSettings(BaseSettings):
    """How bearer tokens are verified. A development key is honoured only in development mode."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = Environment.production
    jwt_issuer: str = "hohhot-wellbeing-dev"
    jwt_audience: str = "hohhot-wellbeing"
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["ES256", "RS256"])
    jwt_public_key: str | None = None
    jwt_jwks_url: str | None = None
    dev_key_file: Path | None = None

    @model_validator(mode="after")
    def _dev_key_only_in_development(self) -> AuthSettings:
        if self.dev_key_file is not None and self.environment is not Environment.development:
            raise ValueError("DEV_KEY_FILE is refused unless ENVIRONMENT=development")
        return self


class ServiceSettings(AuthSettings):
    """Base of each service's settings class."""

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    database_pool_size: int = 10
    log_level: str = "INFO"
    idempotency_retention_hours: int = 48
    max_body_bytes: int = 1024 * 1024
    # keyed hash of national ID numbers; the default works only in development
    id_hash_key: str = "development-only-id-hash-key"
    cursor_key: str = "development-only-cursor-key"

    @model_validator(mode="after")
    def _no_default_secrets_outside_development(self) -> ServiceSettings:
        if self.environment is not Environment.development:
            for name in ("id_hash_key", "cursor_key"):
                if getattr(self, name).startswith("development-only"):
                    raise ValueError(f"{name.upper()} must be set outside development mode")
        return self
