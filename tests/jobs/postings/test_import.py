"""`wellbeing import jobs postings FILE`: per-row report, good rows land through the API's own
rules, bad rows leave nothing, re-importing changes nothing, a changed row updates in place."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from common.state import service_context
from services.jobs.importer import run_import
from services.jobs.models import Posting

HEADER = (
    "employer,title,category,district,salary_min_fen,salary_max_fen,education,"
    "graduate_friendly,openings,description,posted_at,expires_at"
)
GOOD_A = "导测甲科技有限公司,前端开发,technology,赛罕区,500000,800000,bachelor,是,2,,,2099-12-31"
GOOD_B = (
    "导测乙物流有限公司,仓储管理员,logistics,新城区,400000,550000,high_school,false,1,"
    "负责仓库进出库,2026-06-01T09:00:00+08:00,2099-06-30T18:00:00"
)
BAD_RANGE = "导测丙公司,会计,finance,玉泉区,900000,500000,bachelor,true,1,,,2099-12-31"
BAD_DISTRICT = "导测丁公司,会计,finance,火星区,100,500,bachelor,true,1,,,2099-12-31"
BAD_SALARY = "导测戊公司,会计,finance,玉泉区,1800.50,500000,bachelor,true,1,,,2099-12-31"
BAD_EXPIRY = "导测己公司,会计,finance,玉泉区,100,500,bachelor,true,1,,2026-06-01,2026-05-01"
BAD_CELLS = "导测庚公司,会计,finance,玉泉区,100,500,bachelor,true,1,,,2099-12-31,surplus"


@pytest.fixture
def app(client: httpx.AsyncClient, jobs_app: FastAPI) -> FastAPI:
    """The app while `client` holds the rolled-back test transaction."""
    return jobs_app


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "postings.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def _imported(app: FastAPI) -> dict[str, Posting]:
    async with service_context(app).database.sessionmaker() as session:
        rows = (await session.scalars(select(Posting).where(Posting.employer.like("导测%")))).all()
    return {r.employer: r for r in rows}


async def test_good_rows_land_and_bad_rows_are_reported_with_their_reason(
    app: FastAPI, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path, GOOD_A, BAD_RANGE, GOOD_B, BAD_DISTRICT, BAD_SALARY, BAD_EXPIRY, BAD_CELLS
    )

    report = await run_import(service_context(app).database.sessionmaker, "postings", path)

    assert (report.accepted, report.updated, report.unchanged) == (2, 0, 0)
    reasons = {r.row: r.reason for r in report.rejected}
    assert sorted(reasons) == [2, 4, 5, 6, 7]
    assert reasons[2].startswith("invalid_salary_range:")
    assert reasons[4].startswith("district:")
    assert reasons[5].startswith("salary_min_fen:")
    assert reasons[6].startswith("invalid_expiry:")
    assert "more cells" in reasons[7]
    rows = await _imported(app)
    assert set(rows) == {"导测甲科技有限公司", "导测乙物流有限公司"}
    assert rows["导测甲科技有限公司"].graduate_friendly is True
    found = (await client.get("/jobs/v1/postings", params={"q": "仓储"})).json()["items"]
    assert [p["employer"] for p in found] == ["导测乙物流有限公司"]
    assert found[0]["posted_at"] == "2026-06-01T01:00:00Z"


async def test_importing_the_same_file_twice_changes_nothing_and_a_change_updates(
    app: FastAPI, tmp_path: Path
) -> None:
    await run_import(
        service_context(app).database.sessionmaker, "postings", _csv(tmp_path, GOOD_A, GOOD_B)
    )
    again = await run_import(
        service_context(app).database.sessionmaker, "postings", _csv(tmp_path, GOOD_A, GOOD_B)
    )
    raised = GOOD_A.replace("500000,800000", "550000,850000")
    changed = await run_import(
        service_context(app).database.sessionmaker, "postings", _csv(tmp_path, raised)
    )

    assert (again.accepted, again.updated, again.unchanged, again.rejected) == (0, 0, 2, [])
    assert (changed.accepted, changed.updated) == (0, 1)
    posting = (await _imported(app))["导测甲科技有限公司"]
    assert (posting.salary_min_fen, posting.salary_max_fen) == (550_000, 850_000)


async def test_json_imports_too_and_unknown_kinds_are_refused(app: FastAPI, tmp_path: Path) -> None:
    path = tmp_path / "postings.json"
    row = dict(zip(HEADER.split(","), GOOD_A.split(","), strict=True))
    path.write_text(json.dumps([row, {"employer": "导测"}]), encoding="utf-8")

    report = await run_import(service_context(app).database.sessionmaker, "postings", path)

    assert report.accepted == 1 and [r.row for r in report.rejected] == [2]
    with pytest.raises(ValueError, match="postings"):
        await run_import(service_context(app).database.sessionmaker, "fairs", path)
