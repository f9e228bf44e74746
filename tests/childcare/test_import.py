"""`run_import`: per-row report, good rows land, bad rows leave nothing, re-import is a no-op."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from common.state import service_context
from services.childcare.importer import run_import
from services.childcare.models import Child, Enrollment, Institution
from tests.childcare.factories import add_institution

HEADER = (
    "name,district,address,lat,lon,kind,inclusive,public_owned,capacity,monthly_fee_fen,"
    "min_age_months,max_age_months,opening_hours,phone,demonstration_level,demonstration_year"
)
GOOD_A = (
    "导测甲托育园,新城区,新城区导测路1号,40.86,111.69,private,true,false,40,180000,12,36,"
    "07:30-18:00,0471-1111111,,"
)
GOOD_B = (  # 是/否 as spreadsheets write booleans
    "导测乙托育园,回民区,回民区导测路2号,40.81,111.62,community,是,否,30,120000,6,36,"
    "07:30-18:00,0471-2222222,city,2023"
)
BAD_DISTRICT = (
    "导测丙托育园,火星区,某地,40.8,111.7,private,true,false,40,180000,12,36,08-17,0471-3,,"
)
BAD_AGES = "导测丁托育园,赛罕区,某地,40.8,111.7,private,true,false,40,180000,30,12,08-17,0471-4,,"
BAD_FEE = "导测戊托育园,赛罕区,某地,40.8,111.7,private,true,false,40,1800.50,6,36,08-17,0471-5,,"
BAD_CELLS = (
    "导测己托育园,赛罕区,某地,40.8,111.7,private,true,false,40,180000,6,36,08-17,0471-6,,,surplus"
)
BAD_DEMO = (
    "导测庚托育园,赛罕区,某地,40.8,111.7,private,true,false,40,180000,6,36,08-17,0471-7,city,"
)


@pytest.fixture
def app(client: httpx.AsyncClient, childcare_app: FastAPI) -> FastAPI:
    """The app while `client` holds the rolled-back test transaction; the importer's commits
    become savepoints inside it."""
    return childcare_app


def _csv(tmp_path: Path, *rows: str, name: str = "institutions.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def _imported(app: FastAPI) -> dict[str, Institution]:
    async with service_context(app).database.sessionmaker() as session:
        rows = (
            await session.scalars(select(Institution).where(Institution.name.like("导测%")))
        ).all()
    return {r.name: r for r in rows}


async def test_good_rows_land_and_bad_rows_are_reported(
    app: FastAPI, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = _csv(tmp_path, GOOD_A, BAD_DISTRICT, GOOD_B, BAD_AGES, BAD_FEE, BAD_CELLS, BAD_DEMO)

    report = await run_import(service_context(app).database.sessionmaker, "institutions", path)

    assert (report.kind, report.accepted, report.updated, report.unchanged) == (
        "institutions",
        2,
        0,
        0,
    )
    reasons = {r.row: r.reason for r in report.rejected}
    assert sorted(reasons) == [2, 4, 5, 6, 7]
    assert reasons[2].startswith("district:")
    assert "min_age_months" in reasons[4]
    assert reasons[5].startswith("monthly_fee_fen:")
    assert "more cells than the header" in reasons[6]
    assert "demonstration_level and demonstration_year go together" in reasons[7]
    rows = await _imported(app)
    assert set(rows) == {"导测甲托育园", "导测乙托育园"}
    b = rows["导测乙托育园"]
    assert (b.district, b.kind, b.inclusive, b.public_owned) == ("回民区", "community", True, False)
    assert (b.capacity, b.monthly_fee_fen, b.enrolled, b.offered) == (30, 120_000, 0, 0)
    assert (b.demonstration_level, b.demonstration_year) == ("city", 2023)
    assert rows["导测甲托育园"].demonstration_level is None
    found = (await client.get("/childcare/v1/institutions", params={"q": "导测"})).json()["items"]
    assert {i["name"] for i in found} == {"导测甲托育园", "导测乙托育园"}


async def test_importing_the_same_file_twice_changes_nothing(app: FastAPI, tmp_path: Path) -> None:
    path = _csv(tmp_path, GOOD_A, GOOD_B, BAD_AGES)
    first = await run_import(service_context(app).database.sessionmaker, "institutions", path)
    ids = {name: inst.id for name, inst in (await _imported(app)).items()}

    second = await run_import(service_context(app).database.sessionmaker, "institutions", path)

    assert (first.accepted, first.unchanged) == (2, 0)
    assert (second.accepted, second.updated, second.unchanged) == (0, 0, 2)
    assert [r.row for r in second.rejected] == [3]
    assert {name: inst.id for name, inst in (await _imported(app)).items()} == ids


async def test_a_changed_row_updates_its_institution(app: FastAPI, tmp_path: Path) -> None:
    await run_import(
        service_context(app).database.sessionmaker, "institutions", _csv(tmp_path, GOOD_A)
    )
    before = (await _imported(app))["导测甲托育园"]

    changed = GOOD_A.replace(",40,180000,", ",45,190000,")
    report = await run_import(
        service_context(app).database.sessionmaker,
        "institutions",
        _csv(tmp_path, changed, name="b.csv"),
    )

    assert (report.accepted, report.updated, report.unchanged, report.rejected) == (0, 1, 0, [])
    after = (await _imported(app))["导测甲托育园"]
    assert after.id == before.id
    assert (after.capacity, after.monthly_fee_fen) == (45, 190_000)
    assert after.vacancies_as_of >= before.vacancies_as_of


async def test_capacity_below_the_places_taken_is_rejected(app: FastAPI, tmp_path: Path) -> None:
    inst = await add_institution(
        app, name="导测满园", district="赛罕区", capacity=20, enrolled=15, offered=2
    )
    row = GOOD_A.replace("导测甲托育园,新城区", "导测满园,赛罕区").replace(",40,", ",16,")

    report = await run_import(
        service_context(app).database.sessionmaker, "institutions", _csv(tmp_path, row)
    )

    assert report.accepted == report.updated == 0
    assert [r.row for r in report.rejected] == [1]
    assert report.rejected[0].reason.startswith("capacity_below_taken: ")
    assert "不能低于 17" in report.rejected[0].reason  # the detail in zh-CN, the default
    stored = (await _imported(app))["导测满园"]
    assert (stored.id, stored.capacity, stored.address) == (inst.id, 20, inst.address)


async def test_a_capacity_raised_by_import_offers_the_places_to_the_waitlist(
    app: FastAPI, tmp_path: Path
) -> None:
    inst = await add_institution(app, name="导测候补园", district="赛罕区", capacity=1, enrolled=1)
    async with service_context(app).database.sessionmaker() as session:
        child = Child(
            guardian_sub="g-1", name="小明", birth_date=date.today() - timedelta(days=700)
        )
        session.add(child)
        await session.flush()
        waiting = Enrollment(
            child_id=child.id,
            child_identity=f"child:{child.id}",
            institution_id=inst.id,
            guardian_sub="g-1",
            status="waitlisted",
            start_date=date.today() + timedelta(days=10),
        )
        session.add(waiting)
        await session.commit()
    row = GOOD_A.replace("导测甲托育园,新城区", "导测候补园,赛罕区").replace(",40,", ",5,")

    report = await run_import(
        service_context(app).database.sessionmaker, "institutions", _csv(tmp_path, row)
    )

    # the same rule as PATCH /institutions/{id}: new places go to the waitlist at once
    assert (report.updated, report.rejected) == (1, [])
    stored = (await _imported(app))["导测候补园"]
    assert (stored.capacity, stored.enrolled, stored.offered) == (5, 1, 1)
    async with service_context(app).database.sessionmaker() as session:
        assert (await session.get(Enrollment, waiting.id)).status == "offered"  # type: ignore[union-attr]


async def test_a_row_outside_its_district_is_rejected(app: FastAPI, tmp_path: Path) -> None:
    row = GOOD_A.replace("导测甲托育园,新城区", "导测远园,武川县")

    report = await run_import(
        service_context(app).database.sessionmaker, "institutions", _csv(tmp_path, row)
    )

    assert report.accepted == 0
    assert report.rejected[0].reason.startswith("location_outside_district: ")


async def test_json_list_of_objects_imports_too(app: FastAPI, tmp_path: Path) -> None:
    keys = HEADER.split(",")
    good: dict[str, Any] = dict(zip(keys, GOOD_A.split(","), strict=True))
    good.update(lat=40.86, lon=111.69, inclusive=True, capacity=40, demonstration_level=None)
    bad = {**good, "name": "导测JSON坏", "kind": "castle"}
    path = tmp_path / "institutions.json"
    path.write_text(json.dumps([good, bad], ensure_ascii=False), "utf-8")

    report = await run_import(service_context(app).database.sessionmaker, "institutions", path)

    assert (report.accepted, [r.row for r in report.rejected]) == (1, [2])
    assert report.rejected[0].reason.startswith("kind:")
    assert set(await _imported(app)) == {"导测甲托育园"}


async def test_unreadable_input_is_a_clear_error(app: FastAPI, tmp_path: Path) -> None:
    not_a_list = tmp_path / "x.json"
    not_a_list.write_text('{"name": "x"}', "utf-8")
    path = _csv(tmp_path, GOOD_A)

    with pytest.raises(ValueError, match="not 'children'"):
        await run_import(service_context(app).database.sessionmaker, "children", path)
    with pytest.raises(ValueError, match="list of objects"):
        await run_import(service_context(app).database.sessionmaker, "institutions", not_a_list)
    assert await _imported(app) == {}
