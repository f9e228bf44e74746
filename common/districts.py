"""Hohhot's county-level divisions (旗县区), the names every service and the gateway share."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from common.errors import Unprocessable
from common.i18n import t


class District(StrEnum):
    """One of Hohhot's 旗县区, by its name (`赛罕区`) or its key (`saihan`), in filters and
    bodies alike; answers always give the name."""

    xincheng = "新城区"
    huimin = "回民区"
    yuquan = "玉泉区"
    saihan = "赛罕区"
    tumote_zuoqi = "土默特左旗"
    tuoketuo = "托克托县"
    helingeer = "和林格尔县"
    qingshuihe = "清水河县"
    wuchuan = "武川县"
    economic_development_zone = "经济技术开发区"

    @classmethod
    def _missing_(cls, value: Any) -> District | None:
        """The key of a district (`saihan`) stands for its name, as in
        `/wellbeing/v1/districts/{district}`: an app may send either form."""
        return cls.__members__.get(value) if isinstance(value, str) else None


# Rough WGS-84 centres, used to place generated demo records plausibly inside each district.
DISTRICT_CENTRES: dict[District, tuple[float, float]] = {
    District.xincheng: (40.8636, 111.6934),
    District.huimin: (40.8090, 111.6244),
    District.yuquan: (40.7526, 111.6746),
    District.saihan: (40.7940, 111.7330),
    District.tumote_zuoqi: (40.7270, 111.1480),
    District.tuoketuo: (40.2770, 111.1940),
    District.helingeer: (40.3790, 111.8220),
    District.qingshuihe: (39.9210, 111.6470),
    District.wuchuan: (41.0960, 111.4510),
    District.economic_development_zone: (40.8300, 111.7900),
}


# Generous WGS-84 boxes (south, west, north, east) around each district: a point outside its
# district's box is a typo (0°N 0°E, swapped lat/lon, another city), not a place in Hohhot.
DISTRICT_BOUNDS: dict[District, tuple[float, float, float, float]] = {
    District.xincheng: (40.78, 111.55, 41.15, 112.05),
    District.huimin: (40.74, 111.45, 40.98, 111.72),
    District.yuquan: (40.58, 111.50, 40.84, 111.80),
    District.saihan: (40.60, 111.65, 40.92, 112.10),
    District.tumote_zuoqi: (40.40, 110.70, 41.05, 111.70),
    District.tuoketuo: (39.95, 110.90, 40.55, 111.55),
    District.helingeer: (39.90, 111.35, 40.65, 112.25),
    District.qingshuihe: (39.55, 111.30, 40.30, 112.10),
    District.wuchuan: (40.95, 110.90, 41.50, 111.90),
    District.economic_development_zone: (40.72, 111.65, 40.95, 111.95),
}


def in_district(district: District, lat: float, lon: float) -> bool:
    south, west, north, east = DISTRICT_BOUNDS[district]
    return south <= lat <= north and west <= lon <= east


class LocationOutsideDistrict(Unprocessable, code="location_outside_district"): ...


def ensure_in_district(district: District | str, lat: float, lon: float) -> None:
    """Refuses a WGS-84 point that cannot be in `district` (a typo, swapped lat/lon, 0°N 0°E)."""
    known = District(district)
    if not in_district(known, lat, lon):
        south, west, north, east = DISTRICT_BOUNDS[known]
        raise LocationOutsideDistrict(
            t(
                "The location ({lat:.5f}, {lon:.5f}, WGS-84) is not in {known} (latitude "
                "{south}–{north}, longitude {west}–{east}).",
                lat=lat,
                lon=lon,
                known=known.value,
                south=south,
                north=north,
                west=west,
                east=east,
            ),
            district=known.value,
        )
