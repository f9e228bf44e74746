"""District reference populations: the city updates them; slots per 1,000 residents use them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from common.districts import District
from common.i18n import t
from services.childcare.models import DistrictPopulation
from services.childcare.planning import repository
from services.childcare.planning.errors import DistrictNotFound
from services.childcare.planning.schemas import DistrictPopulationRead, PopulationUpdate


def parse_district(raw: str) -> District:
    """A district by its Chinese name (新城区) or its API member name (xincheng)."""
    try:
        return District(raw)
    except ValueError:
        pass
    try:
        return District[raw]
    except KeyError:
        raise DistrictNotFound(
            t(
                "Unknown district {raw!r}; one of: {items}.",
                raw=raw,
                items=", ".join(d.value for d in District),
            )
        ) from None


async def set_population(
    session: AsyncSession, *, district: str, update: PopulationUpdate
) -> DistrictPopulationRead:
    """Sets a district's reference population (creates the row for a district without one)."""
    known = parse_district(district)
    row = await repository.lock_population(session, known.value)
    if row is None:
        row = DistrictPopulation(
            district=known.value, population=update.population, source=update.source
        )
        session.add(row)
    else:
        row.population = update.population
        row.source = update.source
    await session.flush()
    await session.refresh(row)
    return DistrictPopulationRead(
        district=known, population=row.population, source=row.source, updated_at=row.updated_at
    )
