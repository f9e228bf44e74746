"""Demo elders and what happens around them: deterministic, generated except for 李大娘.

- 李大娘 (67, 兴康社区, from the report) has her own account and is registered for the week's
  singing and reading mornings and painting and instrument afternoons.
- The demo citizen's mother 王秀英 (82, 三顺店社区, lives alone) was registered by the demo
  citizen, who acts for her: an upcoming lecture, an open meal-delivery request (and an earlier
  completed health check), an open bathroom-and-handrail retrofit, a visit 12 days ago.
- Special groups of 三顺店社区 and other communities for the at-risk round: aged elders living
  alone and elders of 失独 families, some never visited, some overdue.
- A few elders per generated community with care requests in every state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from common.demo import DEMO_CITIZEN
from services.eldercare.demo_places import SANSHUNDIAN, XINGKANG, DemoCommunity

LI_DANIANG_SUB = "elder-li-daniang"
DEMO_STAFF = "eldercare-staff-demo"
VISITOR = "社工小刘"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("桂兰", "秀英", "玉梅", "淑珍", "德福", "振华", "凤英", "建国", "秀珍", "国栋", "文华")
CARE_TYPES = (
    "meal",
    "cleaning",
    "health_check",
    "companionship",
    "psychological_support",
    "day_care",
)
PROVIDERS = {
    "public": "社区居家养老服务中心",
    "market": "福寿家政服务有限公司",
    "social_org": "青城社工服务中心",
    "volunteer": "社区志愿者服务队",
}


@dataclass(frozen=True)
class DemoCare:
    care_type: str
    provider_category: str
    status: str  # requested | assigned | completed | cancelled
    days_ago: int
    details: str = ""
    price_fen: int | None = None


@dataclass(frozen=True)
class DemoElder:
    name: str
    birth_date: date
    community: str
    lives_alone: bool = False
    lost_only_child: bool = False
    care_needs: tuple[str, ...] = ()
    subject_sub: str | None = None
    created_by_role: str = "staff"
    created_by_sub: str = DEMO_STAFF
    family: tuple[str, ...] = ()
    visited_days_ago: int | None = None  # the last completed visit
    missed_days_ago: int | None = None  # a missed visit after it
    care: tuple[DemoCare, ...] = ()
    renovation: tuple[str, ...] = ()  # items of an open retrofit, assessed
    classes: tuple[str, ...] = field(default=())  # titles of the week's sessions attended


def _born(today: date, years: int, month: int, day: int) -> date:
    """Born on month/day, aged `years` today."""
    birth = date(today.year - years, month, day)
    return birth if (month, day) <= (today.month, today.day) else birth.replace(year=birth.year - 1)


def named(today: date) -> list[DemoElder]:
    li = DemoElder(
        name="李大娘",
        birth_date=_born(today, 67, 3, 8),
        community=XINGKANG.name,
        care_needs=(),
        subject_sub=LI_DANIANG_SUB,
        created_by_role="self",
        created_by_sub=LI_DANIANG_SUB,
        classes=(
            "兴康社区歌唱小组（李大娘和老姐妹们）",
            "兴康社区读书会",
            "国画班",
            "器乐班（二胡、电子琴）",
        ),
    )
    mum = DemoElder(
        name="王秀英",
        birth_date=_born(today, 82, 4, 16),
        community=SANSHUNDIAN.name,
        lives_alone=True,
        care_needs=("meal", "health_check", "companionship"),
        created_by_role="family",
        created_by_sub=DEMO_CITIZEN,
        family=(DEMO_CITIZEN,),
        visited_days_ago=12,
        care=(
            DemoCare("health_check", "public", "completed", 20, "每月一次上门测血压"),
            DemoCare("meal", "public", "requested", 1, "工作日午餐送餐上门"),
        ),
        renovation=("bathroom", "handrails"),
        classes=("专家讲座：慢性病预防",),
    )
    return [li, mum]


def special_groups(today: date, places: list[DemoCommunity]) -> list[DemoElder]:
    """Aged elders living alone and 失独 families, with visits from never to yesterday."""
    rng = random.Random(80)
    visits = (None, 45, 20, 3, None, 33, 8, 61, 1, 14)
    out = []
    homes = [SANSHUNDIAN.name] * 4 + [c.name for c in places[2:8]]
    for n, home in enumerate(homes):
        shidu = n % 3 == 1
        age = rng.randint(70, 79) if shidu else rng.randint(80, 94)
        out.append(
            DemoElder(
                name=SURNAMES[n] + GIVEN[n % len(GIVEN)],
                birth_date=_born(today, age, rng.randint(1, 12), rng.randint(1, 28)),
                community=home,
                lives_alone=not shidu or n % 2 == 0,
                lost_only_child=shidu,
                care_needs=("companionship", "psychological_support") if shidu else ("meal",),
                visited_days_ago=visits[n],
                missed_days_ago=2 if visits[n] is None and n % 2 == 0 else None,
            )
        )
    return out


def residents(today: date, places: list[DemoCommunity]) -> list[DemoElder]:
    """Two elders per generated community, with care requests in every state."""
    rng = random.Random(2)
    statuses = ("requested", "assigned", "completed", "cancelled", "requested", "assigned")
    out = []
    for n, c in enumerate(places[2:]):
        for k in range(2):
            category = ("public", "market", "social_org", "volunteer")[(n + k) % 4]
            care = DemoCare(
                CARE_TYPES[(n + k) % len(CARE_TYPES)],
                category,
                statuses[(2 * n + k) % len(statuses)],
                rng.randint(1, 30),
                price_fen=rng.choice((3000, 5000, 8000)) if category == "market" else None,
            )
            out.append(
                DemoElder(
                    name=SURNAMES[(n * 2 + k + 5) % len(SURNAMES)] + GIVEN[(n + k) % len(GIVEN)],
                    birth_date=_born(today, rng.randint(62, 79), rng.randint(1, 12), 15),
                    community=c.name,
                    care_needs=(care.care_type,),
                    created_by_role="family",
                    created_by_sub=f"demo-family-{n}-{k}",
                    family=(f"demo-family-{n}-{k}",),
                    care=(care,),
                )
            )
    return out


def elders(today: date, places: list[DemoCommunity]) -> list[DemoElder]:
    return named(today) + special_groups(today, places) + residents(today, places)
