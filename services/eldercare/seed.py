"""Eldercare demo data: deterministic communities and the facilities around them.

From the report: 赛罕区人民路街道兴康社区 offers home and community eldercare (basic medical care,
day care, culture and recreation, emotional comfort) and was listed in 2022 as a recommended
全国示范性老年友好型社区; 回民区三顺店社区 runs health lectures, care for elders living alone or
who lost their only child, courses for adult children, and elder-university classes (dance,
calligraphy, singing, silk flowers). Everything else (other communities, addresses, locations,
phones, hours) is generated. Some generated communities lack one essential kind on purpose, so
the 15-minute circle has real gaps to show.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.districts import DISTRICT_CENTRES, District
from services.eldercare.models import Facility

AWARD_2022 = "全国示范性老年友好型社区（2022年推荐）"
ESSENTIAL = ("home_care_centre", "health_station", "culture_sports_centre", "canteen", "grocery")
KIND_NAME = {
    "home_care_centre": "居家养老服务中心",
    "health_station": "社区卫生服务站",
    "culture_sports_centre": "文体活动中心",
    "canteen": "老年助餐点",
    "day_care": "日间照料中心",
    "elder_university": "老年大学教学点",
    "pharmacy": "便民药店",
    "grocery": "便民超市",
    "service_platform": "社区服务信息平台",
}
HOURS = {
    "home_care_centre": "08:00-20:00",
    "health_station": "08:00-17:30",
    "culture_sports_centre": "08:30-21:00",
    "canteen": "11:00-13:00,17:00-18:30",
    "day_care": "08:00-18:00",
    "elder_university": "09:00-16:00",
    "pharmacy": "08:00-22:00",
    "grocery": "07:00-22:00",
    "service_platform": "00:00-24:00",
}


@dataclass(frozen=True)
class DemoCommunity:
    district: District
    street_office: str
    name: str
    centre: tuple[float, float]
    kinds: tuple[str, ...]
    services: dict[str, tuple[str, ...]]
    awards: dict[str, tuple[str, ...]]


NAMED = [
    DemoCommunity(
        District.saihan,
        "人民路街道",
        "兴康社区",
        (40.8042, 111.7015),
        (
            "home_care_centre",
            "health_station",
            "culture_sports_centre",
            "canteen",
            "day_care",
            "grocery",
            "pharmacy",
            "service_platform",
        ),
        {
            "home_care_centre": ("基本医疗", "日间照料", "文化娱乐", "精神慰藉"),
            "culture_sports_centre": ("唱歌", "读书", "绘画", "乐器"),
        },
        {"home_care_centre": (AWARD_2022,)},
    ),
    DemoCommunity(
        District.huimin,
        "环河街街道",
        "三顺店社区",
        (40.8125, 111.6520),
        (
            "home_care_centre",
            "health_station",
            "elder_university",
            "culture_sports_centre",
            "canteen",
            "grocery",
        ),
        {
            "elder_university": ("舞蹈", "书法", "声乐", "丝网花"),
            "health_station": ("身心健康讲座", "慢性病防治讲座"),
            "home_care_centre": ("高龄独居老人关爱", "失独老人关爱", "子女照护技能课程"),
        },
        {},
    ),
]
STREET_OFFICES = [
    "中山路街道",
    "东风路街道",
    "通道街街道",
    "昭君路街道",
    "大学路街道",
    "乌素图街道",
]
COMMUNITY_STEMS = [
    "和平",
    "幸福",
    "康乐",
    "安泰",
    "福寿",
    "长青",
    "祥和",
    "明珠",
    "润园",
    "新苑",
    "春晖",
]


def _community_name(n: int) -> str:
    stem = COMMUNITY_STEMS[n % len(COMMUNITY_STEMS)]
    return f"{stem}社区" if n < len(COMMUNITY_STEMS) else f"{stem}{n}社区"


def communities() -> list[DemoCommunity]:
    rng = random.Random(15)
    out = list(NAMED)
    layout = [
        (District.xincheng, 5),
        (District.huimin, 3),
        (District.yuquan, 4),
        (District.saihan, 5),
        (District.tumote_zuoqi, 2),
        (District.economic_development_zone, 2),
        (District.wuchuan, 1),
    ]
    n = 0
    for district, count in layout:
        for _ in range(count):
            n += 1
            lat0, lon0 = DISTRICT_CENTRES[district]
            r, theta = 3.0 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
            centre = (lat0 + r / 111.32 * math.sin(theta), lon0 + r / 85.0 * math.cos(theta))
            kinds = list(ESSENTIAL) + rng.sample(
                ["day_care", "pharmacy", "elder_university", "service_platform"], 2
            )
            if n % 4 == 0:  # a gap in the circle: one essential kind missing
                kinds.remove(ESSENTIAL[n % len(ESSENTIAL)])
            out.append(
                DemoCommunity(
                    district,
                    STREET_OFFICES[n % len(STREET_OFFICES)],
                    _community_name(n),
                    centre,
                    tuple(kinds),
                    {},
                    {},
                )
            )
    return out


def facilities() -> list[Facility]:
    rng = random.Random(60)
    out: list[Facility] = []
    for c in communities():
        for kind in c.kinds:
            # within about 700 m of the community centre: a short walk for most elders
            r, theta = 0.7 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
            out.append(
                Facility(
                    name=f"{c.name}{KIND_NAME[kind]}",
                    kind=kind,
                    district=c.district.value,
                    street_office=c.street_office,
                    community=c.name,
                    address=f"{c.district.value}{c.street_office}{c.name}{rng.randrange(1, 60)}号",
                    lat=round(c.centre[0] + r / 111.32 * math.sin(theta), 6),
                    lon=round(c.centre[1] + r / 85.0 * math.cos(theta), 6),
                    phone=f"0471-{rng.randrange(3000000, 7000000)}",
                    opening_hours=HOURS[kind],
                    awards=list(c.awards.get(kind, ())),
                    services=list(c.services.get(kind, ())),
                )
            )
    return out


async def seed(session: AsyncSession) -> bool:
    """Inserts the demo facilities unless 兴康社区's are there; True if it inserted."""
    if await session.scalar(select(exists().where(Facility.community == "兴康社区"))):
        return False
    session.add_all(facilities())
    await session.flush()
    return True
