"""Demo communities and their facilities: deterministic, from the report where it says something.

From the report (呼和浩特晚报, 2023-06-06): 赛罕区人民路街道兴康社区 gives home and community
eldercare (basic medical care, day care, culture and recreation, emotional comfort), built a
15-minute circle (home-care centre, health station, culture and sports centre, a community
service information platform), retrofitted handrails and washbasins of its activity rooms and the
ramps, stairs and handrails of residential buildings, and was recommended in 2022 as a
全国示范性老年友好型社区. 回民区三顺店社区 runs expert lectures on physical and mental health and
chronic disease, care for special groups (aged elders living alone, 失独 families) with social
workers and charities, a course teaching adult children to care for their parents, and
elder-university classes (dance, calligraphy, singing, silk flowers), with a "2+X+N" structure.
Generated: the street office of 三顺店社区, every other community, all locations, addresses,
phones and hours. Communities are at least 2 km apart, so one community's facilities never fill
another's gaps, and every fourth generated community lacks one essential kind on purpose.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from common.districts import DISTRICT_CENTRES, District, in_district
from common.geo import haversine_m

ESSENTIAL = ("home_care_centre", "health_station", "culture_sports_centre", "canteen", "grocery")
OPTIONAL = ("day_care", "pharmacy", "elder_university", "service_platform")
KIND_NAME = {
    "home_care_centre": "居家养老服务中心",
    "health_station": "卫生服务站",
    "culture_sports_centre": "文体活动中心",
    "canteen": "老年助餐点",
    "day_care": "日间照料中心",
    "elder_university": "老年大学教学点",
    "pharmacy": "便民药店",
    "grocery": "便民超市",
    "service_platform": "综合服务信息平台",
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
# the days each kind opens: an elder university keeps school days, the rest the whole week
WEEKDAYS_OF = {kind: range(1, 6) if kind == "elder_university" else range(1, 8) for kind in HOURS}
AWARD_2022 = {"title": "全国示范性老年友好型社区", "year": 2022, "note": "2022年推荐名单"}
# a community's facilities lie within this distance of its centre (inside a 15-minute walk)
SPREAD_M = 600.0
MIN_SPACING_M = 2000.0


@dataclass(frozen=True)
class DemoCommunity:
    district: District
    street_office: str
    name: str
    centre: tuple[float, float]
    kinds: tuple[str, ...]
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)
    awards: tuple[dict[str, Any], ...] = ()
    programmes: tuple[dict[str, Any], ...] = ()


XINGKANG = DemoCommunity(
    District.saihan,
    "人民路街道",
    "兴康社区",
    (40.8042, 111.7015),
    (*ESSENTIAL, "day_care", "pharmacy", "service_platform"),
    services={
        "home_care_centre": ("基本医疗", "日间照料", "文化娱乐", "精神慰藉"),
        "culture_sports_centre": ("唱歌", "读书", "绘画", "器乐"),
    },
    awards=(AWARD_2022,),
    programmes=(
        {
            "name": "居家和社区养老服务",
            "description": "基本医疗、日间照料、文化娱乐、精神慰藉等生活服务，满足老人服务需求。",
            "categories": ["singing", "reading", "painting", "musical_instruments"],
        },
        {
            "name": "15分钟便民圈",
            "description": "居家养老服务中心、卫生服务站、文体活动中心和社区综合服务信息平台等"
            "生活设施齐全，供老年人休息、健身、娱乐。",
            "categories": [],
        },
        {
            "name": "适老化改造",
            "description": "老年人活动室的扶手、盥洗等设施适老化改造；住宅公共部分的坡道、楼梯、"
            "扶手等无障碍改造或建设。",
            "categories": [],
        },
    ),
)
SANSHUNDIAN = DemoCommunity(
    District.huimin,
    "环河街街道",
    "三顺店社区",
    (40.8125, 111.6520),
    (*ESSENTIAL, "elder_university"),
    services={
        "elder_university": ("舞蹈", "书法", "歌唱", "绢花"),
        "health_station": ("身心健康讲座", "慢性病预防讲座"),
        "home_care_centre": ("高龄独居老人关爱", "失独家庭老人关爱", "子女照护课堂"),
    },
    programmes=(
        {
            "name": "专家健康讲座",
            "description": "邀请专家开展生理、心理健康知识讲座，普及慢性病预防及心理健康知识。",
            "categories": ["health_lecture"],
        },
        {
            "name": "特殊老年群体关爱",
            "description": "针对计生家庭中的高龄独居老人、失独家庭老人，引入专业社工组织、"
            "公益组织介入，实施初步干预，提供贴心关爱服务。",
            "categories": [],
        },
        {
            "name": "子女照护课堂",
            "description": "向赡养父母的子女普及饮食搭配、老年人生理特点、常见疾病预防和应急处理、"
            "老年抑郁症和孤独症的预防与初步处理等照料知识。",
            "categories": ["caregiver_course"],
        },
        {
            "name": "老年大学",
            "description": "借助老年大学平台学习舞蹈、书法、歌唱、绢花等。",
            "categories": ["dance", "calligraphy", "singing", "silk_flowers"],
        },
        {
            "name": "“2+X+N”社区养老服务架构",
            "description": "社区公共服务、市场有偿服务、社会组织服务、公益志愿服务互补共融。",
            "categories": [],
        },
    ),
)
STREET_OFFICES = (
    "中山路街道",
    "东风路街道",
    "通道街街道",
    "昭君路街道",
    "大学路街道",
    "乌素图街道",
)
STEMS = ("和平", "幸福", "康乐", "安泰", "福寿", "长青", "祥和", "明珠", "润园", "新苑", "春晖")
# generated communities per district: the urban districts hold most of the elders
LAYOUT = (
    (District.xincheng, 5),
    (District.huimin, 3),
    (District.yuquan, 4),
    (District.saihan, 5),
    (District.tumote_zuoqi, 2),
    (District.tuoketuo, 1),
    (District.helingeer, 1),
    (District.qingshuihe, 1),
    (District.wuchuan, 1),
    (District.economic_development_zone, 2),
)


def _name(n: int) -> str:
    stem = STEMS[n % len(STEMS)]
    return f"{stem}社区" if n < len(STEMS) else f"{stem}{n}社区"


def _offset(centre: tuple[float, float], metres: float, theta: float) -> tuple[float, float]:
    lat = centre[0] + metres / 111_320.0 * math.sin(theta)
    lon = centre[1] + metres / (111_320.0 * math.cos(math.radians(centre[0]))) * math.cos(theta)
    return lat, lon


def _place(
    rng: random.Random, district: District, taken: list[tuple[float, float]]
) -> tuple[float, float]:
    """A centre inside the district, at least MIN_SPACING_M from every other community."""
    spread = 3000.0
    while True:
        for _ in range(200):
            point = _offset(
                DISTRICT_CENTRES[district],
                spread * math.sqrt(rng.random()),
                rng.random() * 2 * math.pi,
            )
            if in_district(district, *point) and all(
                haversine_m(*point, *other) >= MIN_SPACING_M for other in taken
            ):
                return point
        spread += 1000.0


def communities() -> list[DemoCommunity]:
    rng = random.Random(15)
    out = [XINGKANG, SANSHUNDIAN]
    taken = [c.centre for c in out]
    n = 0
    for district, count in LAYOUT:
        for _ in range(count):
            n += 1
            centre = _place(rng, district, taken)
            taken.append(centre)
            kinds = list(ESSENTIAL) + rng.sample(OPTIONAL, 2)
            if n % 4 == 0:  # a gap in the circle: one essential kind missing
                kinds.remove(ESSENTIAL[n % len(ESSENTIAL)])
            out.append(
                DemoCommunity(
                    district,
                    STREET_OFFICES[n % len(STREET_OFFICES)],
                    _name(n),
                    centre,
                    tuple(kinds),
                )
            )
    return out


@dataclass(frozen=True)
class DemoFacility:
    community: str
    name: str
    kind: str
    district: str
    address: str
    lat: float
    lon: float
    phone: str
    opening_hours: str
    services: tuple[str, ...]


def facilities(places: list[DemoCommunity]) -> list[DemoFacility]:
    rng = random.Random(60)
    out: list[DemoFacility] = []
    for c in places:
        for kind in c.kinds:
            lat, lon = _offset(c.centre, SPREAD_M * math.sqrt(rng.random()), rng.random() * 6.2832)
            out.append(
                DemoFacility(
                    community=c.name,
                    name=f"{c.name}{KIND_NAME[kind]}",
                    kind=kind,
                    district=c.district.value,
                    address=f"{c.district.value}{c.street_office}{c.name}{rng.randrange(1, 60)}号",
                    lat=round(lat, 6),
                    lon=round(lon, 6),
                    phone=f"0471-{rng.randrange(3000000, 7000000)}",
                    opening_hours=HOURS[kind],
                    services=c.services.get(kind, ()),
                )
            )
    return out
