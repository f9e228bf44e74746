from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from common.registry import SERVICE_NAMES
from common.settings import EdgeSettings

# `TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1` reads better in a deployment than a JSON list
CommaList = Annotated[list[str], NoDecode]


class Settings(EdgeSettings):
    """Gateway settings; each field can be set by the environment variable of the same name."""

    model_config = SettingsConfigDict(extra="ignore")

    childcare_url: str = "http://127.0.0.1:8001"
    jobs_url: str = "http://127.0.0.1:8002"
    eldercare_url: str = "http://127.0.0.1:8003"

    # --- budgets: reads fail fast, writes may take longer (a POST is never retried) ---
    connect_timeout_seconds: float = Field(0.5, gt=0)
    read_timeout_seconds: float = Field(3.0, gt=0, description="proxied GET/HEAD/OPTIONS")
    write_timeout_seconds: float = Field(10.0, gt=0, description="proxied POST/PUT/PATCH/DELETE")
    # the citizen view and the district indicators answer inside this deadline
    aggregate_deadline_seconds: float = Field(2.0, gt=0, le=10)
    # connection errors of idempotent requests: this many attempts in all, jittered backoff
    retry_attempts: int = Field(2, ge=1, le=5)
    # consecutive failures (refused, timed out) that open a service's circuit, and how long it
    # stays open before one trial request is let through
    breaker_threshold: int = Field(3, ge=1)
    breaker_reset_seconds: float = Field(10.0, gt=0)

    # --- district indicators ---
    stats_cache_seconds: float = Field(30.0, ge=0, description="fresh for this long")
    stats_max_stale_seconds: float = Field(
        24 * 3600.0, ge=0, description="a last good value older than this is not served"
    )
    startup_warm_seconds: float = Field(3.0, ge=0, description="start-up waits at most this")

    openapi_cache_seconds: float = 30.0
    # the public base URL apps call (the merged OpenAPI's `servers`); unset, the spec names
    # the host it was fetched from (`/`), never a backend address
    public_url: str | None = Field(None, description="e.g. https://wellbeing.example.gov.cn")

    # --- the edge ---
    redis_url: str | None = None
    redis_retry_seconds: float = Field(
        5.0, gt=0, description="while Redis is down, try it again this often"
    )
    rate_limit: str = "600/minute"
    anonymous_rate_limit: str = "300/minute"
    # anonymous Red Bee Station check-ins, per address (they feed usage statistics)
    check_in_rate_limit: str = "30/minute"
    trusted_proxies: CommaList = Field(
        default_factory=list,
        description="CIDRs of proxies whose X-Forwarded-For is believed (e.g. 10.0.0.0/8)",
    )
    metrics_allow: CommaList = Field(
        default_factory=lambda: ["127.0.0.0/8", "::1/128"],
        description="CIDRs whose direct peers may read /metrics; others get 404",
    )
    cors_origins: CommaList = Field(default_factory=list)
    gzip_minimum_bytes: int = Field(1024, ge=0)
    public_cache_seconds: int = Field(30, ge=0, description="max-age of public reads")
    docs_enabled: bool = True
    log_level: str = "INFO"

    @field_validator("trusted_proxies", "metrics_allow", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", "metrics_allow")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for cidr in value:
            ipaddress.ip_network(cidr, strict=False)  # raises a clear error on a typo
        return value

    def service_urls(self) -> dict[str, str]:
        """Each registered service's base URL (`<SERVICE>_URL`)."""
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICE_NAMES}
