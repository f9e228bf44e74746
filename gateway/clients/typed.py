"""What every typed service client has in common: the two documents the gateway reads from a
service (`me/summary` for the citizen view, `stats` for the district indicators), each
validated against the gateway's own mirror of the service's contract."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, model_validator

from common.districts import District
from gateway.clients.base import ServiceClient


class ContractModel(BaseModel):
    """A mirror of a service's answer: unknown fields are ignored, documented ones required."""

    model_config = {"extra": "ignore"}


class DistrictRow(ContractModel):
    district: District


class StatsBase(ContractModel):
    """`by_district` has one entry for every district, in enum order (the district indicators of
    DESIGN §6 list every 旗县区)."""

    as_of: datetime
    by_district: Sequence[DistrictRow]

    @model_validator(mode="after")
    def _every_district_once(self) -> StatsBase:
        if sorted(row.district for row in self.by_district) != sorted(District):
            raise ValueError("by_district must hold every district exactly once")
        return self

    def row(self, district: District) -> DistrictRow | None:
        return next((r for r in self.by_district if r.district is district), None)


S = TypeVar("S", bound=ContractModel)
T = TypeVar("T", bound=StatsBase)


class TypedClient(Generic[S, T]):
    """A service's two documents, typed by the service module's mirror models."""

    def __init__(self, transport: ServiceClient, summary: type[S], stats: type[T]) -> None:
        self.transport = transport
        self._summary = summary
        self._stats = stats

    @property
    def name(self) -> str:
        return self.transport.name

    def documents(self) -> dict[str, type[ContractModel]]:
        """Each path the gateway reads from the service, with the mirror that validates it."""
        return {
            f"/{self.name}/v1/me/summary": self._summary,
            f"/{self.name}/v1/stats": self._stats,
        }

    async def me_summary(self, *, headers: dict[str, str], timeout: float) -> S:  # noqa: ASYNC109
        """The citizen's part of the view, read with the citizen's own token."""
        path = f"/{self.name}/v1/me/summary"
        return await self.transport.get_model(path, self._summary, headers=headers, timeout=timeout)

    async def stats(self, *, headers: dict[str, str], timeout: float) -> T:  # noqa: ASYNC109
        """The public statistics, of which the district indicators take a few figures."""
        path = f"/{self.name}/v1/stats"
        return await self.transport.get_model(path, self._stats, headers=headers, timeout=timeout)
