"""The jobs demo data set besides stations (demo_stations.py) and programmes
(demo_programmes.py): deterministic, reproducing every [demo] figure of docs/FACTS.md.

From the report (呼和浩特晚报, 2023-06-06): 31,700+ graduates stayed in, returned to or came to
Hohhot by end of November 2022 (十万大学生留呼工程 / 丁香扎根计划, target 100,000); a large job
fair on 2023-06-10, a final-year student of 内蒙古财经大学 attending his second retention-plan
fair of the year; ~700 people paid rent or home-purchase subsidies by early 2023.
Generated (not in the report): the split of the 31,736 by district and kind, the fairs' names,
venues, times, capacities, employers and positions (and the earlier 2023 fair), every job
posting, the 703 subsidy recipients (520 rent, 183 purchase) and their dates, live graduate
registrations since 2023, and station check-ins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from common.clock import CITY_TZ
from common.districts import DISTRICT_CENTRES, District
from services.jobs.models import DEGREES

RETENTION_2022_TOTAL = 31_736  # "3.17万余人" by end of November 2022
RETENTION_2022_AS_OF = date(2022, 11, 30)
RETENTION_SOURCE = "呼和浩特晚报 2023-06-06：截至2022年11月底留呼、回呼、来呼大学生3.17万余人"
RENT_RECIPIENTS = 520
PURCHASE_RECIPIENTS = 183  # 703 in all: "约有700余人拿到补贴资金"
JUNE_10_FAIR = "2023年“十万大学生留呼计划”大型招聘会"

# how the graduates split between districts and kinds (generated)
_DISTRICT_WEIGHTS: dict[District, int] = {
    District.xincheng: 20,
    District.huimin: 12,
    District.yuquan: 11,
    District.saihan: 27,
    District.tumote_zuoqi: 5,
    District.tuoketuo: 3,
    District.helingeer: 4,
    District.qingshuihe: 1,
    District.wuchuan: 1,
    District.economic_development_zone: 16,
}
_RETENTION_SHARES = {"stayed": 0.56, "returned": 0.26, "came": 0.18}
UNIVERSITIES = (
    "内蒙古大学",
    "内蒙古财经大学",
    "内蒙古工业大学",
    "内蒙古师范大学",
    "内蒙古农业大学",
    "内蒙古医科大学",
    "呼和浩特民族学院",
    "内蒙古艺术学院",
)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CITY_TZ).astimezone(UTC)


def _split(total: int, weights: dict[Any, float]) -> dict[Any, int]:
    """Whole numbers in proportion to `weights` that add up to `total` exactly."""
    scale = sum(weights.values())
    shares = {k: int(total * w / scale) for k, w in weights.items()}
    rest = total - sum(shares.values())
    for key in sorted(weights, key=lambda k: -weights[k])[:rest]:
        shares[key] += 1
    return shares


def retention_2022() -> list[dict[str, Any]]:
    """Rows of `retention_aggregate` for 2022 summing to 31,736."""
    by_kind = _split(RETENTION_2022_TOTAL, _RETENTION_SHARES)
    rows = []
    for kind, count in by_kind.items():
        for district, n in _split(count, dict(_DISTRICT_WEIGHTS)).items():
            rows.append(
                {
                    "year": 2022,
                    "district": district.value,
                    "retention": kind,
                    "graduates": n,
                    "as_of_date": RETENTION_2022_AS_OF,
                    "source": RETENTION_SOURCE,
                }
            )
    return rows


def _district(rng: random.Random) -> District:
    return rng.choices(list(_DISTRICT_WEIGHTS), weights=list(_DISTRICT_WEIGHTS.values()))[0]


@dataclass(frozen=True)
class DemoRecipient:
    citizen_sub: str
    kind: str  # rent_subsidy | home_purchase_subsidy
    district: District
    facts: dict[str, Any]
    applied_at: datetime
    decided_at: datetime
    disbursed_at: datetime


def subsidy_recipients() -> list[DemoRecipient]:
    """703 graduates paid a rent or home-purchase subsidy during 2022 and January 2023, each
    meeting every rule of the programme on the day they applied."""
    rng = random.Random(20230101)
    recipients = []
    kinds = ["rent_subsidy"] * RENT_RECIPIENTS + ["home_purchase_subsidy"] * PURCHASE_RECIPIENTS
    for n, kind in enumerate(kinds, start=1):
        applied = date(2022, 1, 10) + timedelta(days=rng.randint(0, 300))
        decided = applied + timedelta(days=rng.randint(7, 30))
        paid = decided + timedelta(days=rng.randint(5, 40))
        district = _district(rng)
        # drawn as before, so the rest of the stream (districts included) stays the same
        graduated = _not_after(date(rng.randint(2018, 2022), 7, 1), applied)
        facts = {
            "graduation_date": graduated.isoformat(),
            "degree": rng.choices(("bachelor", "master", "doctorate"), (80, 17, 3))[0],
            "district": district.value,
            "works_in_hohhot": True,
            "owns_home_in_hohhot": kind != "rent_subsidy",
        }
        if kind == "home_purchase_subsidy":
            facts["first_home_in_hohhot"] = True
        recipients.append(
            DemoRecipient(
                citizen_sub=f"demo-recipient-{n:04d}",
                kind=kind,
                district=district,
                facts=facts,
                applied_at=_local(applied, 10),
                decided_at=_local(decided, 15),
                disbursed_at=_local(min(paid, date(2023, 1, 31)), 11),
            )
        )
    return recipients


def _not_after(graduated: date, day: date) -> date:
    """A demo graduate has graduated by `day` (applying, registering): a graduation still ahead
    becomes the one of the year before."""
    return graduated if graduated <= day else graduated.replace(year=day.year - 1)


def live_graduates(today: date) -> list[dict[str, Any]]:
    """240 graduates registered one by one since 2023 (after the reported 2022 figure), each
    on or after their graduation day."""
    rng = random.Random(2023)
    start = date(2023, 1, 1)
    span = max((today - start).days, 1)
    rows = []
    kinds = list(_RETENTION_SHARES)
    for n in range(1, 241):
        registered = start + timedelta(days=rng.randint(0, span - 1))
        rows.append(
            {
                "citizen_sub": f"demo-graduate-{n:04d}",
                "university": rng.choice(UNIVERSITIES),
                "degree": rng.choices(DEGREES, (25, 60, 13, 2))[0],
                # drawn as before, so the rest of the stream (districts included) stays the same
                "graduation_date": _not_after(
                    date(registered.year - rng.randint(0, 3), 7, 1), registered
                ),
                "retention": rng.choices(kinds, [_RETENTION_SHARES[k] for k in kinds])[0],
                "employment_status": rng.choice(
                    ("employed", "employed", "self_employed", "starting_business", "seeking")
                ),
                "district": _district(rng).value,
                "registered_at": _local(registered, 9 + rng.randint(0, 8)),
            }
        )
    return rows


_EMPLOYER_WORDS = (
    "青城",
    "敕勒川",
    "大青山",
    "昭君",
    "塞上",
    "北疆",
    "云中",
    "金川",
    "草原",
    "鸿盛",
)
_EMPLOYER_KINDS = (
    ("科技有限公司", "technology", ("软件开发工程师", "测试工程师", "运维工程师", "产品助理")),
    ("乳业有限公司", "agriculture_food", ("质量检验员", "生产储备干部", "营养顾问")),
    ("物流有限公司", "logistics", ("仓储管理员", "调度员", "配送司机")),
    ("新能源有限公司", "energy", ("电气工程师", "光伏运维技术员", "储能研发工程师")),
    ("会计师事务所", "finance", ("审计助理", "会计", "税务专员")),
    ("医院", "healthcare", ("护士", "药剂师", "康复治疗师")),
    ("教育科技有限公司", "education", ("学科教师", "课程顾问", "教研专员")),
    ("酒店管理有限公司", "hospitality", ("前厅主管", "餐饮服务员", "营销经理")),
    ("建设工程有限公司", "construction", ("施工员", "造价工程师", "安全员")),
    ("商贸有限公司", "sales_marketing", ("销售代表", "新媒体运营", "客户经理")),
)
_EDUCATION = (
    ("high_school", 2),
    ("vocational", 2),
    ("associate", 4),
    ("bachelor", 8),
    ("master", 2),
)


_EDUCATION_ZH = {
    "none": "不限学历",
    "high_school": "高中及以上学历",
    "vocational": "中专及以上学历",
    "associate": "大专及以上学历",
    "bachelor": "本科及以上学历",
    "master": "硕士及以上学历",
    "doctorate": "博士学历",
}
_STREETS = ("新华大街", "中山路", "锡林郭勒南路", "大学西路", "如意和大街", "昭乌达路", "兴安南路")
_SURNAMES = "王李张刘陈杨赵黄周吴"


def _posting_details(n: int, row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """What a seeker needs to act on a posting: the work described, whom to ask, how to apply,
    where it is (a point near the district's centre)."""
    district = District(row["district"])
    lat, lon = DISTRICT_CENTRES[district]
    low, high = row["salary_min_fen"] // 100, row["salary_max_fen"] // 100
    fresh = "，欢迎应届毕业生" if row["graduate_friendly"] else ""
    phone = f"0471-{6_000_000 + n * 1_373 % 3_000_000}"
    email = f"hr{n:03d}@jobs.example.cn"
    return {
        "description": (
            f"{row['employer']}招聘{row['title']}{row['openings']}名。"
            f"{_EDUCATION_ZH[row['education']]}{fresh}。月薪{low}–{high}元，"
            "缴纳五险一金，双休，法定节假日休息。"
        ),
        "contact_name": f"{rng.choice(_SURNAMES)}{rng.choice(('女士', '先生'))}",
        "contact_phone": phone,
        "contact_email": email,
        "how_to_apply": f"请将简历发送至 {email}（邮件标题注明“应聘{row['title']}”），"
        f"或工作日 9:00–17:00 致电 {phone} 预约面试。",
        "apply_url": None,
        "address": f"{district.value}{rng.choice(_STREETS)}{rng.randint(1, 300)}号",
        "lat": round(lat + rng.uniform(-0.02, 0.02), 6),
        "lon": round(lon + rng.uniform(-0.02, 0.02), 6),
    }


def postings(today: date) -> list[dict[str, Any]]:
    """150 postings posted over the last 60 days; 12 of them already expired. Their details
    (description, contact, how to apply, place) come from a second generator, so the postings
    themselves stay what they were."""
    rng = random.Random(20230606)
    details = random.Random(20230607)
    rows = []
    for n in range(150):
        word = rng.choice(_EMPLOYER_WORDS)
        suffix, category, titles = rng.choice(_EMPLOYER_KINDS)
        district = _district(rng)
        education = rng.choices([e for e, _ in _EDUCATION], [w for _, w in _EDUCATION])[0]
        low = rng.randrange(3_000, 9_000, 500) * 100
        posted = today - timedelta(days=rng.randint(1, 60))
        expires = posted + timedelta(days=rng.choice((30, 45, 60, 90)))
        if n % 12 == 0:  # a few that have run out already
            expires = today - timedelta(days=rng.randint(1, 10))
            posted = expires - timedelta(days=30)
        rows.append(
            {
                "employer": f"内蒙古{word}{suffix}" if n % 3 else f"呼和浩特{word}{suffix}",
                "title": rng.choice(titles),
                "category": category,
                "district": district.value,
                "salary_min_fen": low,
                "salary_max_fen": low + rng.randrange(1_000, 5_000, 500) * 100,
                "education": education,
                "graduate_friendly": education in ("associate", "bachelor", "master")
                and rng.random() < 0.7,
                "openings": rng.randint(1, 10),
                "status": "open",
                "posted_at": _local(posted, 9),
                "expires_at": _local(expires, 18),
            }
        )
    return [row | _posting_details(n, row, details) for n, row in enumerate(rows)]


def _employers(rng: random.Random, count: int) -> list[dict[str, Any]]:
    employers = []
    for _ in range(count):
        word = rng.choice(_EMPLOYER_WORDS)
        suffix, _, titles = rng.choice(_EMPLOYER_KINDS)
        positions = [
            {"title": t, "openings": rng.randint(1, 8), "education": "bachelor"}
            for t in rng.sample(titles, rng.randint(1, len(titles)))
        ]
        employers.append({"employer": f"内蒙古{word}{suffix}", "positions": positions})
    return employers


def fairs(today: date) -> list[dict[str, Any]]:
    """The 2023-06-10 fair, an earlier 2023 one, and two upcoming ones relative to today."""
    rng = random.Random(20230610)
    common = {
        "address": "新城区海拉尔东街1号",
        "district": District.xincheng.value,
        "lat": 40.8585,
        "lon": 111.7003,
    }
    spring, soon, later = date(2023, 3, 18), today + timedelta(days=14), today + timedelta(days=45)
    return [
        {
            **common,
            "name": "2023年“十万大学生留呼计划”春季招聘会",
            "description": "丁香扎根计划2023年行动：就业创业进校园。",
            "starts_at": _local(spring, 9),
            "ends_at": _local(spring, 16),
            "venue": "呼和浩特市人力资源市场",
            "capacity": 3_000,
            "employers": _employers(rng, 40),
        },
        {
            **common,
            "name": JUNE_10_FAIR,
            "description": "十万大学生留呼工程 · 丁香扎根计划大型招聘会。",
            "starts_at": _local(date(2023, 6, 10), 9),
            "ends_at": _local(date(2023, 6, 10), 16),
            "venue": "呼和浩特市人力资源市场",
            "capacity": 5_000,
            "employers": _employers(rng, 60),
        },
        {
            "name": f"{soon.year}年高校毕业生专场招聘会",
            "description": "面向应届及离校未就业高校毕业生。",
            "starts_at": _local(soon, 9),
            "ends_at": _local(soon, 15, 30),
            "venue": "内蒙古大学体育馆",
            "address": "赛罕区大学西路235号",
            "district": District.saihan.value,
            "lat": 40.8093,
            "lon": 111.6816,
            "capacity": 800,
            "employers": _employers(rng, 25),
        },
        {
            "name": f"{later.year}年“丁香扎根”创新创业项目推介会",
            "description": "创业项目推介、创业担保贷款政策宣讲。",
            "starts_at": _local(later, 14),
            "ends_at": _local(later, 17),
            "venue": "“丁香扎根”大学生创新创业示范基地",
            "address": "经济技术开发区如意和大街1号",
            "district": District.economic_development_zone.value,
            "lat": 40.8265,
            "lon": 111.7768,
            "capacity": 200,
            "employers": _employers(rng, 8),
        },
    ]


FAIR_ATTENDEES = {JUNE_10_FAIR: 1_200, "2023年“十万大学生留呼计划”春季招聘会": 900}


def check_ins(station_ids: list[int], now: datetime) -> list[dict[str, Any]]:
    """Anonymous visits over the last 30 days: couriers and riders most."""
    rng = random.Random(2021)
    types = ("courier", "food_delivery", "truck_driver", "ride_hailing", "other")
    rows = []
    for station_id in station_ids:
        for _ in range(rng.randint(5, 40)):
            rows.append(
                {
                    "station_id": station_id,
                    "worker_type": rng.choices(types, (35, 40, 8, 12, 5))[0],
                    "checked_in_at": now - timedelta(minutes=rng.randint(1, 30 * 24 * 60)),
                }
            )
    return rows
