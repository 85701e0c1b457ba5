"""Migrations: from an empty database to the newest revision, re-run as a no-op, concurrently from several
processes, on a file that already held the claims table of SRM_EVENT_STORE, and by `srm migrate`."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.store import open_store
from bot.store.db import database_url
from bot.store.records import Privacy

HEAD = "0002"
TABLES = {"claims", "thread_context", "quiz_progress", "answers", "feedback", "corrections", "srm_meta",
          "alembic_version", "slack_installations", "slack_bots", "slack_oauth_states"}  # 0002: OAuth mode


def _open(url: str) -> str | None:
    s = open_store(url, Privacy(), migrate=False)
    try:
        return s.migrate()
    finally:
        s.close()


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_from_empty_to_head_and_again_is_a_no_op(store_url: str) -> None:
    assert _open(store_url) == HEAD
    assert tables(store_url) >= TABLES
    s = open_store(store_url, Privacy())
    salt = s._user_salt()
    assert _open(store_url) == HEAD
    assert open_store(store_url, Privacy())._user_salt() == salt  # a re-run never regenerates the salt
    s.close()


def test_several_processes_starting_at_once_migrate_once(store_url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open, [store_url] * 4) == [HEAD] * 4


def test_the_sqlite_file_is_created_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "srm.sqlite3"
    open_store(f"sqlite:///{path}", Privacy()).close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_event_store_file_keeps_its_claims(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE claims (key TEXT PRIMARY KEY, job TEXT NOT NULL, holder TEXT NOT NULL, "
                "claimed_at REAL NOT NULL, first_seen REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 1, "
                "sent INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'claimed')")
    old.execute("INSERT INTO claims VALUES ('Ev1', '{}', 'h', 1e12, 1e12, 1, 0, 'done')")
    old.commit()
    old.close()
    url = database_url({"SRM_EVENT_STORE": str(path)})
    s = open_store(url, Privacy())
    assert s.claims.state("Ev1") == ("done", 1, 0)
    s.close()


def test_default_url_is_a_file_under_the_data_dir(tmp_path: Path) -> None:
    assert database_url({"SRM_DATA_DIR": str(tmp_path)}) == f"sqlite:///{tmp_path}/srm.sqlite3"
    assert database_url({"XDG_DATA_HOME": str(tmp_path)}) == f"sqlite:///{tmp_path}/srm/srm.sqlite3"
    assert database_url({"SRM_DATABASE_URL": "postgresql://x/y", "SRM_EVENT_STORE": "/e"}) == "postgresql://x/y"


def test_srm_migrate(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--database", store_url]) == 0
    assert capsys.readouterr().out.strip() == "database at revision 0002"
    assert main(["migrate", "--database", store_url]) == 0


def test_srm_migrate_on_an_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://srm@127.0.0.1:1/srm"
    assert main(["migrate", "--database", url]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("srm: cannot migrate the database:")
