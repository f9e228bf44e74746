"""A week of demo classes, from tomorrow on (city time): deterministic, after the report.

兴康社区: 李大娘 (67) sings and reads at the community centre in the mornings and paints and plays
instruments in the afternoons, so those are its classes, with a health lecture. 三顺店社区: its
elder university (dance, calligraphy, singing, silk flowers), expert lectures on physical and
mental health and on chronic disease, and the course for adult children caring for parents.
Every generated community runs one class a week. Generated: titles, times, places, capacities
and how full each session is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from common.clock import CITY_TZ
from services.eldercare.demo_places import KIND_NAME, SANSHUNDIAN, XINGKANG, DemoCommunity

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI, SAT)


@dataclass(frozen=True)
class Slot:
    """A class that meets on `weekdays` at `start` for `minutes`."""

    title: str
    category: str
    description: str
    kind: str  # the facility where it meets
    room: str
    weekdays: tuple[int, ...]
    start: time
    minutes: int
    capacity: int
    waitlist: int


XINGKANG_SLOTS = (
    Slot(
        "兴康社区歌唱小组（李大娘和老姐妹们）",
        "singing",
        "每天上午唱唱歌：红歌、民歌、合唱练习。",
        "culture_sports_centre",
        "二楼多功能厅",
        WEEKDAYS,
        time(9, 0),
        90,
        30,
        10,
    ),
    Slot(
        "兴康社区读书会",
        "reading",
        "看看书、读读报，交流读书心得。",
        "culture_sports_centre",
        "阅览室",
        WEEKDAYS,
        time(10, 30),
        60,
        20,
        5,
    ),
    Slot(
        "国画班",
        "painting",
        "学学绘画：花鸟、山水入门。",
        "culture_sports_centre",
        "书画室",
        (MON, WED, FRI),
        time(14, 30),
        90,
        15,
        5,
    ),
    Slot(
        "器乐班（二胡、电子琴）",
        "musical_instruments",
        "学学器乐，零基础可报名。",
        "culture_sports_centre",
        "音乐室",
        (TUE, THU),
        time(14, 30),
        90,
        12,
        5,
    ),
    Slot(
        "健康讲座：老年人常见慢性病预防",
        "health_lecture",
        "社区卫生服务站医生主讲。",
        "home_care_centre",
        "一楼活动室",
        (THU,),
        time(15, 0),
        90,
        60,
        0,
    ),
)
SANSHUNDIAN_SLOTS = (
    Slot(
        "老年大学·舞蹈班",
        "dance",
        "广场舞与民族舞基础。",
        "elder_university",
        "舞蹈教室",
        (MON, WED),
        time(9, 30),
        90,
        25,
        10,
    ),
    Slot(
        "老年大学·书法班",
        "calligraphy",
        "楷书入门与临帖。",
        "elder_university",
        "书法教室",
        (TUE, THU),
        time(9, 30),
        90,
        20,
        10,
    ),
    Slot(
        "老年大学·声乐班",
        "singing",
        "发声练习与合唱。",
        "elder_university",
        "声乐教室",
        (FRI,),
        time(9, 30),
        90,
        30,
        10,
    ),
    Slot(
        "老年大学·绢花班",
        "silk_flowers",
        "绢花制作，材料由社区提供。",
        "elder_university",
        "手工教室",
        (WED, SAT),
        time(14, 30),
        90,
        15,
        5,
    ),
    Slot(
        "专家讲座：老年人生理、心理健康知识",
        "health_lecture",
        "邀请专家普及心理健康知识，提升自我保健意识和能力。",
        "health_station",
        "会议室",
        (TUE,),
        time(15, 0),
        90,
        80,
        0,
    ),
    Slot(
        "专家讲座：慢性病预防",
        "health_lecture",
        "高血压、糖尿病等慢性病的预防与管理。",
        "health_station",
        "会议室",
        (FRI,),
        time(15, 0),
        90,
        80,
        0,
    ),
    Slot(
        "子女照护课堂：饮食搭配、生理特点与常见病应急处理",
        "caregiver_course",
        "面向赡养父母的子女：科学照料父母的知识。",
        "home_care_centre",
        "多功能厅",
        (SAT,),
        time(19, 0),
        90,
        40,
        10,
    ),
    Slot(
        "子女照护课堂：老年抑郁与孤独的预防和初步处理",
        "caregiver_course",
        "面向赡养父母的子女：老年人心理特点与精神需要。",
        "home_care_centre",
        "多功能厅",
        (SUN,),
        time(19, 0),
        90,
        40,
        10,
    ),
)
ROTATION = (
    ("合唱兴趣班", "singing"),
    ("广场舞队", "dance"),
    ("书法兴趣班", "calligraphy"),
    ("绘画兴趣班", "painting"),
    ("健康讲座", "health_lecture"),
    ("读书会", "reading"),
    ("绢花手工坊", "silk_flowers"),
    ("子女照护课堂", "caregiver_course"),
)


@dataclass(frozen=True)
class DemoSession:
    community: str
    facility: str  # the facility's name
    title: str
    category: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    waitlist_capacity: int
    taken: int  # seats taken by generated residents
    waiting: int


def _slots(c: DemoCommunity, n: int) -> tuple[Slot, ...]:
    if c is XINGKANG:
        return XINGKANG_SLOTS
    if c is SANSHUNDIAN:
        return SANSHUNDIAN_SLOTS
    name, category = ROTATION[n % len(ROTATION)]
    kind = "culture_sports_centre" if "culture_sports_centre" in c.kinds else "home_care_centre"
    return (
        Slot(f"{c.name}{name}", category, "", kind, "活动室", (n % 7,), time(9, 30), 90, 20, 5),
    )


def week(places: list[DemoCommunity], today: date) -> list[DemoSession]:
    """Every session from tomorrow to a week from today, in time order per community."""
    rng = random.Random(7)
    out: list[DemoSession] = []
    for n, c in enumerate(places):
        for day in (today + timedelta(days=d) for d in range(1, 8)):
            for slot in _slots(c, n):
                if day.weekday() not in slot.weekdays:
                    continue
                starts = datetime.combine(day, slot.start, tzinfo=CITY_TZ)
                taken = rng.randint(slot.capacity // 3, slot.capacity)
                # the second calligraphy class is full, with a short waitlist
                full = slot.category == "calligraphy" and c is SANSHUNDIAN and day.weekday() == THU
                out.append(
                    DemoSession(
                        community=c.name,
                        facility=f"{c.name}{KIND_NAME[slot.kind]}",
                        title=slot.title,
                        category=slot.category,
                        description=slot.description,
                        place=f"{c.name}{KIND_NAME[slot.kind]}{slot.room}",
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=slot.minutes),
                        capacity=slot.capacity,
                        waitlist_capacity=slot.waitlist,
                        taken=slot.capacity if full else min(taken, slot.capacity - 2),
                        waiting=min(2, slot.waitlist) if full else 0,
                    )
                )
    return out
