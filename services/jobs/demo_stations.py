"""Deterministic demo data: 142 Red Bee Stations (docs/FACTS.md: "140+"), denser in the urban
districts.

Street-office names are real Hohhot 街道/镇 names used as plausible places; positions, hours and
amenities are generated from a fixed seed, so every run produces the same stations.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from common.districts import DISTRICT_CENTRES, District
from services.jobs.models import Station, StationException, StationHours

# (district, how many stations, spread radius in metres, street offices / towns)
_LAYOUT: list[tuple[District, int, float, tuple[str, ...]]] = [
    (
        District.xincheng,
        30,
        3500,
        ("海东路街道", "东街街道", "西街街道", "中山东路街道", "锡林路街道", "东风路街道"),
    ),
    (
        District.huimin,
        24,
        3000,
        ("中山西路街道", "环河街街道", "通道街街道", "新华西路街道", "钢铁路街道", "光明路街道"),
    ),
    (
        District.yuquan,
        22,
        3000,
        ("小召前街街道", "长和廊街道", "大南街街道", "石东路街道", "兴隆巷街道", "昭君路街道"),
    ),
    (
        District.saihan,
        34,
        4000,
        (
            "人民路街道",
            "大学西路街道",
            "中专路街道",
            "大学东路街道",
            "昭乌达路街道",
            "敕勒川路街道",
        ),
    ),
    (District.economic_development_zone, 8, 2500, ("如意开发区", "金海工业园区")),
    (District.tumote_zuoqi, 7, 2000, ("察素齐镇",)),
    (District.tuoketuo, 5, 1500, ("双河镇",)),
    (District.helingeer, 5, 1500, ("城关镇", "盛乐镇")),
    (District.wuchuan, 4, 1500, ("可可以力更镇",)),
    (District.qingshuihe, 3, 1200, ("城关镇",)),
]
_ROADS = ("路", "大街", "街", "巷")
_ROAD_NAMES = ("新华", "兴安", "锡林", "昭乌达", "鄂尔多斯", "乌兰察布", "呼伦贝尔", "健康", "团结")
_OPTIONAL_AMENITIES = (
    ("rest_area", 0.9),
    ("restroom", 0.6),
    ("microwave", 0.5),
    ("first_aid", 0.6),
    ("wifi", 0.7),
    ("air_conditioning", 0.5),
    ("ebike_charging", 0.4),
    ("book_corner", 0.3),
    ("fitness", 0.3),
    ("recreation", 0.3),
)
# (opens, closes) in minutes; the same every day of the week
_SCHEDULES = ((8 * 60, 20 * 60), (7 * 60, 22 * 60), (0, 1440), (9 * 60, 18 * 60))
# Spring Festival eve and day (2026, 2027): stations that are not round-the-clock close
_HOLIDAY_CLOSURES = (
    (date(2026, 2, 16), "除夕闭站"),
    (date(2026, 2, 17), "春节闭站"),
    (date(2027, 2, 5), "除夕闭站"),
    (date(2027, 2, 6), "春节闭站"),
)
_NATIONAL_DAY = date(2026, 10, 1)


@dataclass(frozen=True)
class DemoStation:
    station: Station
    schedule: tuple[int, int]


def _offset(lat: float, lon: float, rng: random.Random, radius_m: float) -> tuple[float, float]:
    distance = radius_m * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320.0
    dlon = distance * math.sin(bearing) / (111_320.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def demo_stations() -> list[DemoStation]:
    rng = random.Random(20210601)  # stations have been built since 2021
    demos: list[DemoStation] = []
    for district, count, spread, streets in _LAYOUT:
        centre = DISTRICT_CENTRES[district]
        for n in range(count):
            street = streets[n % len(streets)]
            ordinal = n // len(streets) + 1
            name = f"{district.value}{street}红蜂驿站" + (
                f"（{ordinal}号站）" if ordinal > 1 else ""
            )
            lat, lon = _offset(*centre, rng, spread)
            road = rng.choice(_ROAD_NAMES) + rng.choice(_ROADS)
            amenities = ["hot_water", "phone_charging"] + [
                a for a, p in _OPTIONAL_AMENITIES if rng.random() < p
            ]
            kind = rng.choice(("community", "community", "street_office", "trade_union"))
            operator = {
                "community": f"{street}{rng.choice(('和平', '幸福', '光明', '新兴', '康乐'))}社区",
                "street_office": f"{district.value}{street}办事处",
                "trade_union": f"{district.value}总工会",
            }[kind]
            station = Station(
                name=name,
                district=district.value,
                address=f"{district.value}{street}{road}{rng.randint(1, 300)}号",
                lat=lat,
                lon=lon,
                amenities=amenities,
                operator=operator,
                operator_kind=kind,
                phone=f"0471-{rng.randint(2_000_000, 6_999_999)}",
            )
            demos.append(DemoStation(station, rng.choice(_SCHEDULES)))
    return demos


def schedule_rows(
    demo: DemoStation, index: int
) -> tuple[list[StationHours], list[StationException]]:
    opens, closes = demo.schedule
    hours = [StationHours(weekday=d, opens=opens, closes=closes) for d in range(1, 8)]
    exceptions: list[StationException] = []
    if (opens, closes) != (0, 1440):
        exceptions = [
            StationException(on_date=day, closed=True, note=note) for day, note in _HOLIDAY_CLOSURES
        ]
        if index % 3 == 0:
            exceptions.append(
                StationException(
                    on_date=_NATIONAL_DAY,
                    closed=False,
                    opens=600,
                    closes=960,
                    note="国庆节缩短开放",
                )
            )
    return hours, exceptions
