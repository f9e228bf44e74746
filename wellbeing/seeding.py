"""Runs each service's `seed()` (its demo data) against its database."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from common.db import make_engine, make_sessionmaker

SeedFunction = Callable[[AsyncSession], Awaitable[bool]]


def seed_function(service: str) -> SeedFunction | None:
    try:
        module = importlib.import_module(f"services.{service}.seed")
    except ModuleNotFoundError:
        return None
    fn: SeedFunction = module.seed
    return fn


async def seed_service(service: str, database_url: str) -> bool | None:
    """True if demo data was inserted, False if present already, None if the service has none."""
    fn = seed_function(service)
    if fn is None:
        return None
    engine = make_engine(database_url, pool_size=1, application_name=f"seed-{service}")
    try:
        async with make_sessionmaker(engine)() as session:
            inserted = await fn(session)
            await session.commit()
            return inserted
    finally:
        await engine.dispose()
