"""The store's tests run on every database the machine can start: SQLite always, PostgreSQL when its server
binaries are installed (tests/store/postgres.py starts a throwaway server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store, open_store
from bot.store.records import Privacy


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a fresh SQLite file and on a fresh PostgreSQL database."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres").new_database()
    return f"sqlite:///{tmp_path}/srm.sqlite3"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url, Privacy(), lease=30)
    try:
        yield s
    finally:
        s.close()
