"""The childcare demo data set: deterministic, reproducing every [demo] figure of docs/FACTS.md.

From the report (呼和浩特晚报, 2023-06-06): 126 institutions with 9,745 slots by end of May 2023;
by organiser 8 employer / 27 kindergarten class / 2 community / 68 private / 21 home-based;
米亚蒙台梭利托育园 regional demonstration 2020; 8 city demonstration institutions for 2022, three
named (新城区多乐小熊托育园, 赛罕区抱抱熊托育园, 土左旗蓝莓果托育园); 抱抱熊托育中心 at 金地家园;
内蒙古嗨妈呗童托育 as the first government-purchased inclusive community institution (海东路办事处,
新城区); the 2023 plan: 45 institutions, 2,880 slots, 9 public / 13 community / 23 private.
Generated (not in the report): every other name, the districts of 米亚蒙台梭利托育园, locations,
per-institution capacities (they sum to 9,745), fees, age ranges, hours, phones, the five unnamed
2022 city demonstration institutions, the plan's project list, and the district population split
(only the 2020 census total 3,446,100 is real).
Not modelled: 市妇幼保健院, the city's childcare guidance centre since 2022 — it trains staff and
guides families but offers no slots, and an extra institution would break the reported 126.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from common.demo import DEMO_CITIZEN
from common.districts import DISTRICT_CENTRES, District

TOTAL_INSTITUTIONS = 126
TOTAL_SLOTS = 9_745
KIND_COUNTS = {
    "employer": 8,
    "kindergarten_class": 27,
    "community": 2,
    "private": 68,
    "home_based": 21,
}
CENSUS_2020_TOTAL = 3_446_100

# generated split of the real total; the city updates these through the API
DISTRICT_POPULATION: dict[District, int] = {
    District.xincheng: 779_000,
    District.huimin: 448_000,
    District.yuquan: 454_000,
    District.saihan: 690_000,
    District.tumote_zuoqi: 331_000,
    District.tuoketuo: 183_000,
    District.helingeer: 187_000,
    District.qingshuihe: 94_000,
    District.wuchuan: 101_000,
    District.economic_development_zone: 179_100,
}
assert sum(DISTRICT_POPULATION.values()) == CENSUS_2020_TOTAL
POPULATION_SOURCE = "2020 census total 3,446,100; split between districts generated for the demo"

# where generated institutions go: the urban districts hold most of the demand
DISTRICT_WEIGHTS: dict[District, int] = {
    District.xincheng: 20,
    District.huimin: 12,
    District.yuquan: 12,
    District.saihan: 24,
    District.tumote_zuoqi: 6,
    District.tuoketuo: 4,
    District.helingeer: 4,
    District.qingshuihe: 2,
    District.wuchuan: 2,
    District.economic_development_zone: 8,
}

TYPICAL_CAPACITY = {
    "employer": 90,
    "kindergarten_class": 60,
    "community": 90,
    "private": 100,
    "home_based": 12,
}
KIND_WORD = {
    "employer": "职工托育园",
    "kindergarten_class": "幼儿园托班",
    "community": "社区托育中心",
    "private": "托育园",
    "home_based": "家庭托育点",
}
NAME_STEMS = [
    "小太阳",
    "星星",
    "彩虹",
    "贝贝",
    "童乐",
    "暖阳",
    "嘟嘟",
    "青禾",
    "小橡树",
    "乐园",
    "蒲公英",
    "小海豚",
    "葵花",
    "七色花",
    "云朵",
    "小蜜蜂",
    "萌芽",
    "知乐",
    "启蒙",
    "童心",
    "果果",
    "花园",
]
STREETS = [
    "新华大街",
    "中山路",
    "昭乌达路",
    "大学东街",
    "鄂尔多斯大街",
    "海拉尔大街",
    "锡林郭勒路",
    "通道街",
    "南二环路",
    "呼伦贝尔路",
    "兴安路",
    "丰州路",
    "金桥路",
    "石羊桥路",
]


@dataclass(frozen=True)
class DemoInstitution:
    name: str
    district: District
    address: str
    lat: float
    lon: float
    kind: str
    inclusive: bool
    public_owned: bool
    demonstration_level: str | None
    demonstration_year: int | None
    capacity: int
    monthly_fee_fen: int
    min_age_months: int
    max_age_months: int
    opening_hours: str
    phone: str


@dataclass(frozen=True)
class Named:
    name: str
    district: District
    kind: str
    address: str
    lat: float
    lon: float
    inclusive: bool = True
    public_owned: bool = False
    demonstration: tuple[str, int] | None = None


# the institutions the report names (locations and addresses are plausible, not surveyed)
NAMED: list[Named] = [
    Named(
        "米亚蒙台梭利托育园",
        District.saihan,
        "private",
        "赛罕区大学东街118号",
        40.8205,
        111.7280,
        demonstration=("regional", 2020),
    ),
    Named(
        "多乐小熊托育园",
        District.xincheng,
        "private",
        "新城区海拉尔东街36号",
        40.8710,
        111.6960,
        demonstration=("city", 2022),
    ),
    Named(
        "抱抱熊托育园",
        District.saihan,
        "private",
        "赛罕区昭乌达路225号",
        40.8010,
        111.7040,
        demonstration=("city", 2022),
    ),
    Named(
        "蓝莓果托育园",
        District.tumote_zuoqi,
        "private",
        "土默特左旗察素齐镇新华路12号",
        40.7300,
        111.1450,
        demonstration=("city", 2022),
    ),
    Named(
        "抱抱熊托育中心（金地家园）",
        District.saihan,
        "private",
        "赛罕区金地家园小区南门",
        40.7902,
        111.7405,
    ),
    Named(
        "嗨妈呗童社区托育中心（海东路）",
        District.xincheng,
        "community",
        "新城区海东路办事处社区服务中心一层",
        40.8555,
        111.7090,
        public_owned=False,
    ),
]
# five further 2022 city demonstration institutions ("and others" in the report), generated
GENERATED_CITY_DEMONSTRATION_2022 = 5


def _point_near(rng: random.Random, district: District, spread_km: float) -> tuple[float, float]:
    lat0, lon0 = DISTRICT_CENTRES[district]
    r = spread_km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    return (
        round(lat0 + (r / 111.32) * math.sin(theta), 6),
        round(lon0 + (r / (111.32 * math.cos(math.radians(lat0)))) * math.cos(theta), 6),
    )


def _ages(rng: random.Random, kind: str) -> tuple[int, int]:
    if kind == "kindergarten_class":
        return 18, 36  # 托班 of a kindergarten: toddlers from a year and a half
    return rng.choice([0, 6, 12, 18]), 36


def _fee(rng: random.Random, kind: str, inclusive: bool) -> int:
    base = {
        "employer": 1200,
        "kindergarten_class": 1500,
        "community": 1100,
        "private": 2600,
        "home_based": 1800,
    }
    yuan = base[kind] + rng.randrange(0, 13) * 100
    if inclusive:
        yuan = min(yuan, 2000)  # 普惠: capped price
    return yuan * 100


def institutions() -> list[DemoInstitution]:
    """126 institutions, 9,745 slots, the kind split and the named ones; same output every call."""
    rng = random.Random(20230606)
    districts = list(DISTRICT_WEIGHTS)
    weights = [DISTRICT_WEIGHTS[d] for d in districts]
    remaining = dict(KIND_COUNTS)
    out: list[DemoInstitution] = []
    city_demo_left = GENERATED_CITY_DEMONSTRATION_2022

    def add(
        name: str,
        district: District,
        kind: str,
        address: str,
        lat: float,
        lon: float,
        inclusive: bool,
        public_owned: bool,
        demo: tuple[str, int] | None,
    ) -> None:
        capacity = max(
            6, TYPICAL_CAPACITY[kind] + rng.randrange(-20, 21) * TYPICAL_CAPACITY[kind] // 100
        )
        lo, hi = _ages(rng, kind)
        out.append(
            DemoInstitution(
                name=name,
                district=district,
                address=address,
                lat=lat,
                lon=lon,
                kind=kind,
                inclusive=inclusive,
                public_owned=public_owned,
                demonstration_level=demo[0] if demo else None,
                demonstration_year=demo[1] if demo else None,
                capacity=capacity,
                monthly_fee_fen=_fee(rng, kind, inclusive),
                min_age_months=lo,
                max_age_months=hi,
                opening_hours="07:30-18:00" if kind != "home_based" else "08:00-17:30",
                phone=f"0471-{rng.randrange(3000000, 7000000)}",
            )
        )

    for n in NAMED:
        add(
            n.name,
            n.district,
            n.kind,
            n.address,
            n.lat,
            n.lon,
            n.inclusive,
            n.public_owned,
            n.demonstration,
        )
        remaining[n.kind] -= 1

    serial = 0
    for kind, count in remaining.items():
        for _ in range(count):
            serial += 1
            district = rng.choices(districts, weights)[0]
            spread = (
                4.0
                if district
                in (District.xincheng, District.huimin, District.yuquan, District.saihan)
                else 3.0
            )
            lat, lon = _point_near(rng, district, spread)
            stem = NAME_STEMS[serial % len(NAME_STEMS)]
            name = f"{district.value[:2]}{stem}{KIND_WORD[kind]}"
            if kind == "home_based":
                name = f"{district.value[:2]}{stem}家庭托育点{serial}号"
            elif any(i.name == name for i in out):
                name = f"{name}（{serial}）"
            street = STREETS[serial % len(STREETS)]
            address = f"{district.value}{street}{rng.randrange(1, 400)}号"
            inclusive = (
                kind in ("employer", "kindergarten_class", "community") or rng.random() < 0.45
            )
            public_owned = kind in ("employer", "kindergarten_class") and rng.random() < 0.7
            demo = None
            if kind == "private" and city_demo_left and serial % 9 == 0:
                demo, city_demo_left = ("city", 2022), city_demo_left - 1
            add(name, district, kind, address, lat, lon, inclusive, public_owned, demo)

    # make the slots add up to the report's total exactly, adjusting private institutions
    diff = TOTAL_SLOTS - sum(i.capacity for i in out)
    privates = [
        k for k, i in enumerate(out) if i.kind == "private" and i.demonstration_level is None
    ]
    for k in range(abs(diff)):
        idx = privates[k % len(privates)]
        inst = out[idx]
        out[idx] = DemoInstitution(
            **{**inst.__dict__, "capacity": inst.capacity + (1 if diff > 0 else -1)}
        )
    assert len(out) == TOTAL_INSTITUTIONS and sum(i.capacity for i in out) == TOTAL_SLOTS
    assert city_demo_left == 0
    return out


@dataclass(frozen=True)
class DemoProject:
    name: str
    district: District
    address: str
    lat: float
    lon: float
    category: str
    kind: str
    planned_slots: int


PLAN_2023 = {
    "year": 2023,
    "title": "2023年新建、改扩建托育机构计划",
    "institutions": 45,
    "slots": 2_880,
}
PLAN_2023_SPLIT = {
    "public": (9, 80),
    "community": (13, 60),
    "private": (23, 60),
}  # count, slots each
PROJECT_KIND = {"public": "kindergarten_class", "community": "community", "private": "private"}
CATEGORY_WORD = {"public": "公立托育园", "community": "社区托育中心", "private": "托育园"}


def _project_name(district: District, category: str, k: int, taken: list[DemoProject]) -> str:
    name = f"{district.value}{NAME_STEMS[(k * 3) % len(NAME_STEMS)]}{CATEGORY_WORD[category]}"
    return name if all(p.name != name for p in taken) else f"{name}（{k}）"


def plan_2023_projects() -> list[DemoProject]:
    rng = random.Random(2023)
    districts = list(DISTRICT_WEIGHTS)
    weights = [DISTRICT_WEIGHTS[d] for d in districts]
    out: list[DemoProject] = []
    for category, (count, slots) in PLAN_2023_SPLIT.items():
        for k in range(1, count + 1):
            district = rng.choices(districts, weights)[0]
            lat, lon = _point_near(rng, district, 4.0)
            out.append(
                DemoProject(
                    name=_project_name(district, category, k, out),
                    district=district,
                    address=f"{district.value}{STREETS[(k * 5) % len(STREETS)]}{rng.randrange(1, 300)}号",  # noqa: E501
                    lat=lat,
                    lon=lon,
                    category=category,
                    kind=PROJECT_KIND[category],
                    planned_slots=slots,
                )
            )
    assert (
        len(out) == PLAN_2023["institutions"]
        and sum(p.planned_slots for p in out) == PLAN_2023["slots"]
    )
    return out


# --- enrollments (generated): who holds the places, and who waits -------------------------
# Not in the report. Most institutions are partly full; the popular ones below are full with a
# waitlist, so `has_vacancy=false`, waitlist positions and offers are there to see. The demo
# citizen has a child with a place at 抱抱熊托育中心 (the family of the report's example) and a
# younger one third on the waitlist of the full 抱抱熊托育园.
FULL_WITH_WAITLIST = (
    "抱抱熊托育园",
    "多乐小熊托育园",
    "米亚蒙台梭利托育园",
    "蓝莓果托育园",
)
FULL_EVERY = 9  # besides the named ones, every ninth generated institution is full
DEMO_PLACE = "抱抱熊托育中心（金地家园）"
DEMO_WAITING_AT = "抱抱熊托育园"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "子梓浩宇轩涵欣怡诗雨晨思可一依若悦佳嘉睿泽俊博文然安乐天小朵朵豆果萱琪瑶"


@dataclass(frozen=True)
class DemoEnrollment:
    institution: str  # its name (names are unique in the demo set)
    guardian_sub: str
    child_name: str
    birth_date: date
    status: str  # enrolled | waitlisted
    start_date: date


def _birth(today: date, months: int, rng: random.Random) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, rng.randint(1, 28))


def enrollments(today: date) -> list[DemoEnrollment]:
    """Deterministic for a given `today`: enrolled places first, then waitlists in FIFO order."""
    rng = random.Random(20230531)
    insts = institutions()
    full = set(FULL_WITH_WAITLIST) | {i.name for n, i in enumerate(insts) if n % FULL_EVERY == 4}
    placed: list[DemoEnrollment] = []
    waiting: list[DemoEnrollment] = []
    guardian = iter(range(1, 1_000_000))

    def child_name() -> str:
        return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))

    for inst in insts:
        lo, hi = inst.min_age_months, inst.max_age_months
        share = 1.0 if inst.name in full else rng.uniform(0.55, 0.92)
        taken = inst.capacity if inst.name in full else int(inst.capacity * share)
        if inst.name == DEMO_PLACE:
            taken -= 1  # the demo citizen's child holds the last place taken here
            placed.append(
                DemoEnrollment(
                    inst.name,
                    DEMO_CITIZEN,
                    "小满",
                    _birth(today, 26, rng),
                    "enrolled",
                    today - timedelta(days=90),
                )
            )
        for _ in range(taken):
            age = rng.randint(min(lo + 6, hi), hi)
            placed.append(
                DemoEnrollment(
                    inst.name,
                    f"demo-guardian-{next(guardian)}",
                    child_name(),
                    _birth(today, age, rng),
                    "enrolled",
                    today - timedelta(days=rng.randint(7, 150)),
                )
            )
        if inst.name not in full:
            continue
        queue = rng.randint(3, 8)
        for position in range(1, queue + 1):
            start = today + timedelta(days=rng.randint(14, 60))
            if inst.name == DEMO_WAITING_AT and position == 3:
                sub, name, birth = DEMO_CITIZEN, "小禾", _birth(today, max(lo, 10), rng)
            else:
                sub, name = f"demo-guardian-{next(guardian)}", child_name()
                birth = _birth(today, rng.randint(lo, max(lo, hi - 3)), rng)
            waiting.append(DemoEnrollment(inst.name, sub, name, birth, "waitlisted", start))
    return placed + waiting
