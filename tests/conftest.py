"""Suite-wide fixtures: one real PostgreSQL (embedded, or TEST_DATABASE_URL), migrated once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from common.testing import DevTokens, SuiteDatabase, provision_database


@pytest.fixture(scope="session")
def db() -> Iterator[SuiteDatabase]:
    with provision_database() as database:
        yield database


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> DevTokens:
    return DevTokens(Path(tmp_path_factory.mktemp("devkeys")))
