"""Settings shared by every process, read once from the environment by pydantic-settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from fastapi import Request
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.state import service_context


class Environment(StrEnum):
    development = "development"
    production = "production"


class _EnvironmentOnly(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = Environment.production


def current_environment() -> Environment:
    """ENVIRONMENT as every process reads it (production unless said otherwise)."""
    return _EnvironmentOnly().environment


class AuthSettings(BaseSettings):
    """How bearer tokens are verified. A development key is honoured only in development mode."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = Environment.production
    jwt_issuer: str = "hohhot-wellbeing-dev"
    jwt_audience: str = "hohhot-wellbeing"
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["ES256", "RS256"])
    jwt_public_key: str | None = None
    jwt_jwks_url: str | None = None
    # how long a fetched JWKS (and a token verified with it) is trusted: a key removed from the
    # JWKS stops verifying within twice this; a new key is fetched within it (docs/operations.md)
    jwt_jwks_refresh_seconds: float = Field(300.0, gt=0, le=3600)
    # the claim holding the caller's roles (a list of strings); a dotted path reaches into an
    # object, e.g. Keycloak's `realm_access.roles`
    jwt_roles_claim: str = Field("roles", min_length=1, pattern=r"^[^.\s]+(\.[^.\s]+)*$")
    # a token issued a few seconds "in the future" by a clock that runs ahead is still valid
    jwt_leeway_seconds: int = Field(10, ge=0, le=300)
    dev_key_file: Path | None = None

    @field_validator("jwt_public_key", "jwt_jwks_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # compose passes `${JWT_PUBLIC_KEY:-}`: an empty variable means "not configured"
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _dev_key_only_in_development(self) -> AuthSettings:
        if self.dev_key_file is not None and self.environment is not Environment.development:
            raise ValueError("DEV_KEY_FILE is refused unless ENVIRONMENT=development")
        return self

    @model_validator(mode="after")
    def _one_source_of_keys(self) -> AuthSettings:
        # with both, one would silently win and tokens signed for the other would all be 401
        if self.jwt_jwks_url and self.jwt_public_key:
            raise ValueError(
                "JWT_JWKS_URL and JWT_PUBLIC_KEY are both set; set exactly one "
                "(the identity provider's JWKS URL, or one PEM public key)"
            )
        return self


class EdgeSettings(AuthSettings):
    """What every process's HTTP edge holds to (`common.middleware.RequestBodyLimitMiddleware`)."""

    # a larger declared body is refused (413) before it is read
    max_body_bytes: int = Field(1024 * 1024, ge=1)
    # a body not all there this long after the request began is refused (408), and its
    # connection closed: a Content-Length longer than the body cannot hold a connection
    body_read_timeout_seconds: float = Field(30.0, gt=0)


class ServiceSettings(EdgeSettings):
    """Base of each service's settings class."""

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    # connections per process: about the requests it serves at once (see docs/operations.md for
    # the sum against PostgreSQL's max_connections, and pgbouncer for many replicas)
    database_pool_size: int = Field(16, ge=1, le=200)
    database_max_overflow: int = Field(0, ge=0, le=200)
    database_pool_recycle_seconds: int = Field(1800, ge=60)
    # DATABASE_URL is a PgBouncer in transaction mode: no named prepared statements
    database_pgbouncer: bool = False
    log_level: str = "INFO"
    idempotency_retention_hours: int = Field(48, ge=24)
    idempotency_purge_seconds: float = Field(3600.0, gt=0)
    # /docs (Swagger UI, served from the package, no CDN); off where operators want no docs
    docs_enabled: bool = True
    # Cache-Control max-age of anonymous public reads (ETag/304 on top)
    public_cache_seconds: int = Field(30, ge=0, le=3600)
    # keyed hash of national ID numbers; the default works only in development
    id_hash_key: str = "development-only-id-hash-key"
    cursor_key: str = "development-only-cursor-key"
    # notifications (DESIGN §10): the push gateway is optional; without it only the inbox fills
    notify_webhook_url: str | None = None
    notify_webhook_secret: str | None = None  # Standard Webhooks `whsec_…` (base64)
    # run the dispatcher in this process (in-process tests drive it themselves)
    notify_dispatch: bool = True
    notify_poll_seconds: float = Field(0.25, gt=0, le=60)
    # how often reminders due by now are looked for (they fire once whatever the interval)
    notify_reminder_seconds: float = Field(60.0, gt=0)
    notify_batch_size: int = Field(200, ge=1, le=5000)
    notify_retry_base_seconds: float = Field(2.0, gt=0)
    notify_retry_cap_seconds: float = Field(3600.0, gt=0)
    notify_give_up_hours: float = Field(24.0, gt=0)
    notify_webhook_timeout_seconds: float = Field(10.0, gt=0)

    @model_validator(mode="after")
    def _no_default_secrets_outside_development(self) -> ServiceSettings:
        if self.environment is not Environment.development:
            for name in ("id_hash_key", "cursor_key"):
                if getattr(self, name).startswith("development-only"):
                    raise ValueError(f"{name.upper()} must be set outside development mode")
        if self.notify_webhook_url and not self.notify_webhook_secret:
            raise ValueError("NOTIFY_WEBHOOK_SECRET must be set with NOTIFY_WEBHOOK_URL")
        return self


S = TypeVar("S", bound=BaseSettings)


def settings_of(cls: type[S]) -> Callable[[Request], Awaitable[S]]:
    """A dependency giving a route the app's settings, typed as the service's own class
    (`SettingsDep = Annotated[Settings, Depends(settings_of(Settings))]`)."""

    # async: FastAPI runs a plain `def` dependency in its thread pool, a hop per request
    async def get(request: Request) -> S:

        settings = service_context(request.app).settings
        if not isinstance(settings, cls):
            raise TypeError(f"app settings are {type(settings).__name__}, not {cls.__name__}")
        return settings

    return get
