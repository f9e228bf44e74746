from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from common.registry import SERVICE_NAMES
from common.settings import AuthSettings


class Settings(AuthSettings):
    """Gateway settings; each field can be set by the environment variable of the same name."""

    model_config = SettingsConfigDict(extra="ignore")

    childcare_url: str = "http://127.0.0.1:8001"
    jobs_url: str = "http://127.0.0.1:8002"
    eldercare_url: str = "http://127.0.0.1:8003"
    connect_timeout_seconds: float = 1.0
    proxy_timeout_seconds: float = 10.0
    # the citizen view answers inside this deadline whatever the services do
    aggregate_deadline_seconds: float = 2.0
    openapi_cache_seconds: float = 30.0
    redis_url: str | None = None
    rate_limit: str = "600/minute"
    anonymous_rate_limit: str = "300/minute"
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"

    def service_urls(self) -> dict[str, str]:
        """Each registered service's base URL (`<SERVICE>_URL`)."""
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICE_NAMES}
