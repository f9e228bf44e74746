"""What an app holds for its requests, typed — one object on `app.state.context` instead of loose
attributes: `ServiceContext` for a service, the gateway's `gateway.state.GatewayContext`.

Dependencies read it through `context_of`/`service_context` (`ClockDep`, `SettingsDep`,
`ReaderDep`, `SessionDep`, …). A test changes what it is meant to change — the `clock`, the
request `sessionmaker` and the `reader` (the isolation fixture) — on this object, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import re

    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
    from starlette.applications import Starlette

    from common.auth import TokenVerifier
    from common.clock import Clock
    from common.notifications.wiring import Notifications
    from common.pagination import CursorCodec
    from common.read import Reader
    from common.settings import ServiceSettings


@dataclass(kw_only=True)
class AppContext:
    """Every process: how tokens are verified and what time it is."""

    token_verifier: TokenVerifier
    clock: Clock  # a test that moves time replaces it
    # (path regex, methods) of every route, for `405 Allow`; built on first use
    route_table: list[tuple[re.Pattern[str], frozenset[str]]] | None = None


@dataclass
class Database:
    """A service's database, built by its lifespan."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]  # requests' unit of work (tests isolate it)
    # periodic jobs' own: never the request one, which a test may have bound to its transaction
    background_sessionmaker: async_sessionmaker[AsyncSession]
    reader: Reader  # the read path (tests bind it to their transaction)


@dataclass(kw_only=True)
class ServiceContext(AppContext):
    """A service: its settings, schema and database, and the parts of its requests' plumbing."""

    name: str
    schema: str
    settings: ServiceSettings
    migration_head: str | None
    known_revisions: frozenset[str]  # every revision this image's migrations know
    idempotency_table: Table
    audit_table: Table  # the access audit of staff reads and changes of personal data
    cursor_codec: CursorCodec
    notifications: Notifications | None = None  # its outbox and inbox (common.notifications)
    _database: Database | None = None

    @property
    def database(self) -> Database:
        if self._database is None:
            raise RuntimeError(f"{self.name}: the database is set up by the app's lifespan")
        return self._database

    @database.setter
    def database(self, value: Database | None) -> None:
        self._database = value


def context_of(app: Starlette | Any) -> AppContext:
    found = app.state.context
    if not isinstance(found, AppContext):
        raise TypeError(f"app.state.context is {type(found).__name__}, not an AppContext")
    return found


def service_context(app: Starlette | Any) -> ServiceContext:
    found = context_of(app)
    if not isinstance(found, ServiceContext):
        raise TypeError(f"{type(found).__name__} is not a service's context")
    return found
