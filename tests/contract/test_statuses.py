"""Each lifecycle's statuses are one enum (`services/<svc>/values.py`): the lifecycle's table of
moves, the database's CHECK on the status column (as migrated) and the status field of the API's
answer name exactly the same values. A lifecycle added without a line here fails the discovery
test, so a new one cannot drift either."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import asyncpg
import pytest
from pydantic import BaseModel

import services
from common.lifecycle import Lifecycle
from common.provisioning import ProvisionedDatabase, asyncpg_dsn
from services.childcare.enrollments.lifecycle import ENROLLMENT
from services.childcare.enrollments.schemas import EnrollmentRead
from services.childcare.planning.plans import PROJECT
from services.childcare.planning.schemas import PlanProjectRead
from services.eldercare.activities.lifecycle import ACTIVITY
from services.eldercare.activities.lifecycle import REGISTRATION as CLASS_REGISTRATION
from services.eldercare.activities.schemas import ActivityRead, RegistrationRead
from services.eldercare.care.lifecycle import CARE_REQUEST, RENOVATION
from services.eldercare.care.schemas import CareRequestRead, RenovationRead
from services.jobs.fairs.lifecycle import REGISTRATION as FAIR_REGISTRATION
from services.jobs.fairs.schemas import FairRegistrationRead
from services.jobs.programmes.lifecycle import APPLICATION
from services.jobs.programmes.schemas import ApplicationRead

# lifecycle -> (service, table, the answer whose `status` shows it)
TIED: dict[int, tuple[Lifecycle, str, str, type[BaseModel]]] = {
    id(lc): (lc, service, table, answer)
    for lc, service, table, answer in [
        (ENROLLMENT, "childcare", "enrollment", EnrollmentRead),
        (PROJECT, "childcare", "plan_project", PlanProjectRead),
        (FAIR_REGISTRATION, "jobs", "fair_registration", FairRegistrationRead),
        (APPLICATION, "jobs", "application", ApplicationRead),
        (ACTIVITY, "eldercare", "activity", ActivityRead),
        (CLASS_REGISTRATION, "eldercare", "activity_registration", RegistrationRead),
        (CARE_REQUEST, "eldercare", "care_request", CareRequestRead),
        (RENOVATION, "eldercare", "renovation", RenovationRead),
    ]
}


def _every_lifecycle() -> list[Lifecycle]:
    found: dict[int, Lifecycle] = {}
    for module in pkgutil.walk_packages(services.__path__, "services."):
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, Lifecycle):
                found[id(value)] = value
    return list(found.values())


def test_every_lifecycle_is_tied_to_its_table_and_answer() -> None:
    untied = [lc.name for lc in _every_lifecycle() if id(lc) not in TIED]
    assert untied == []


def _answer_values(answer: type[BaseModel]) -> set[str]:
    schema = answer.model_json_schema()
    status: dict[str, Any] = schema["properties"]["status"]
    if "$ref" in status:
        status = schema["$defs"][status["$ref"].rsplit("/", 1)[-1]]
    return set(status["enum"])


async def _check_values(db: ProvisionedDatabase, service: str, table: str) -> set[str]:
    conn = await asyncpg.connect(asyncpg_dsn(db.admin_url))
    try:
        clause = await conn.fetchval(
            """SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
               JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE n.nspname = $1 AND t.relname = $2 AND c.conname = $3""",
            service,
            table,
            f"ck_{table}_status",
        )
    finally:
        await conn.close()
    assert clause is not None, f"{service}.{table} has no status CHECK"
    return set(re.findall(r"'([a-z_]+)'", clause))


@pytest.mark.parametrize("key", list(TIED), ids=[t[0].name for t in TIED.values()])
async def test_the_lifecycle_the_check_and_the_answer_name_the_same_statuses(
    key: int, db: ProvisionedDatabase
) -> None:
    lifecycle, service, table, answer = TIED[key]
    statuses = {s.value for s in lifecycle.enum}

    assert set(lifecycle.moves) == statuses
    assert await _check_values(db, service, table) == statuses
    assert _answer_values(answer) == statuses
