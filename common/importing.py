"""What every `wellbeing import <service> <kind> FILE` shares: reading CSV/JSON rows and the
per-row report. Each row is validated by the service's row model and written in its own
savepoint by the service's own function (the API's rules): a bad row is rejected with its
reason and leaves nothing behind, good rows land, one commit at the end.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.errors import ProblemError

Outcome = Literal["accepted", "updated", "unchanged"]
R = TypeVar("R", bound=BaseModel)


class RejectedRow(BaseModel):
    row: int = Field(description="1-based data row number (CSV: the header is row 0).")
    reason: str


class ImportReport(BaseModel):
    kind: str
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = []


def read_rows(path: Path) -> list[dict[str, Any]]:
    """A JSON list of objects, or a CSV file with a header row (UTF-8, BOM allowed)."""
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValueError("a JSON import file holds a list of objects")
        return data
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# spreadsheets kept by the city's offices often write yes/no as 是/否
CHINESE_BOOLEANS = {"是": True, "否": False}


def spreadsheet_cells(data: Any, booleans: frozenset[str] = frozenset()) -> Any:
    """A row as its model should see it (use in a `mode="before"` validator): blank cells are
    missing, 是/否 in the `booleans` columns are yes/no, surplus CSV cells are refused."""
    if not isinstance(data, dict):
        return data
    if None in data:  # csv.DictReader files surplus cells under the key None
        raise ValueError("the row has more cells than the header has columns")
    return {
        k: CHINESE_BOOLEANS.get(v, v) if k in booleans else v
        for k, v in data.items()
        if v not in ("", None)
    }


def validation_reason(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()
    )


def database_reason(exc: DBAPIError) -> str | None:
    """A constraint or value the row model does not mirror, named without any SQL; None when
    the error is not about the row (the database went away): the import stops."""
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    if not state.startswith(("22", "23")):
        return None
    cause = exc.orig.__cause__ if exc.orig is not None else None
    constraint = getattr(cause, "constraint_name", None) or getattr(
        exc.orig, "constraint_name", None
    )
    return f"rejected by the database ({constraint or 'invalid value'})"


async def import_rows(
    session_factory: async_sessionmaker[AsyncSession],
    kind: str,
    rows: list[dict[str, Any]],
    row_model: type[R],
    write: Callable[[AsyncSession, R], Awaitable[Outcome]],
) -> ImportReport:
    """Validates each row with `row_model` and writes it with `write` in its own savepoint."""
    report = ImportReport(kind=kind)
    async with session_factory() as session:
        for number, raw in enumerate(rows, start=1):
            try:
                row = row_model.model_validate(raw)
            except ValidationError as exc:
                report.rejected.append(RejectedRow(row=number, reason=validation_reason(exc)))
                continue
            try:
                async with session.begin_nested():
                    outcome = await write(session, row)
            except ProblemError as exc:  # the savepoint is rolled back; report and go on
                report.rejected.append(RejectedRow(row=number, reason=f"{exc.code}: {exc.detail}"))
                continue
            except ValidationError as exc:
                report.rejected.append(RejectedRow(row=number, reason=validation_reason(exc)))
                continue
            except DBAPIError as exc:
                reason = database_reason(exc)
                if reason is None:
                    raise
                report.rejected.append(RejectedRow(row=number, reason=reason))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        await session.commit()
    return report
