"""The learning loop's records: what is kept (user ids hashed, questions only when allowed), retention,
thread context and quiz progress, and a database that is down (one log line, nothing raised)."""

from __future__ import annotations

import logging
import time

import pytest
import sqlalchemy as sa

from bot.store import AnswerRecord, Correction, FeedbackAbout, Store, open_store
from bot.store.records import Privacy
from bot.store.schema import answers, corrections, feedback, metadata, quiz_progress, thread_context

DAY = 86400


def everything(store: Store) -> str:
    """Every value of every table, as one string: what a privacy check has to search."""
    with store._db().connect() as conn:
        return "\n".join(repr(row) for t in metadata.sorted_tables for row in conn.execute(sa.select(t)))


def test_an_answer_is_recorded_once_with_a_hashed_user(store: Store) -> None:
    record = AnswerRecord("command", False, question="who patches zorblax", team="T1", channel="C1", user="U0SECRET",
                          reason="unknown_service", detail="zorblax", id="a1")
    assert store.record_answer(record) == "a1"
    assert store.record_answer(record) == "a1"  # a retried answer: the same id, still one row
    [row] = store.rows(answers, 0)
    assert row["question"] == "who patches zorblax" and row["detail"] == "zorblax"
    assert row["user_key"].startswith("h:") and "U0SECRET" not in everything(store)


def test_the_hash_is_stable_per_database_and_differs_between_databases(store: Store, tmp_path) -> None:
    other = open_store(f"sqlite:///{tmp_path}/other.sqlite3", Privacy())
    for s in (store, other):
        s.record_answer(AnswerRecord("dm", True, user="U1", id="x"))
        s.record_answer(AnswerRecord("dm", True, user="U1", id="y"))
    mine = {r["user_key"] for r in store.rows(answers, 0)}
    theirs = {r["user_key"] for r in other.rows(answers, 0)}
    assert len(mine) == 1 and mine != theirs  # the same user is one key here; the salt is per database
    other.close()


def test_raw_user_ids_only_when_asked(store_url: str) -> None:
    store = open_store(store_url, Privacy(store_user_ids=True))
    store.record_answer(AnswerRecord("dm", True, user="U0KEEP", id="k"))
    assert store.rows(answers, 0)[0]["user_key"] == "U0KEEP"
    store.close()


def test_no_question_text_anywhere_when_questions_are_off(store_url: str) -> None:
    store = open_store(store_url, Privacy(store_questions=False))
    store.record_answer(AnswerRecord("command", False, question="zzsecretzz one", user="U1", id="a",
                                     reason="unknown_service", detail="zzsecretzz"))
    store.record_feedback("a", False, "zzsecretzz is wrong", about=FeedbackAbout(question="zzsecretzz two"))
    store.record_correction(Correction("zzsecretzz three", answer_id="a", question="zzsecretzz four",
                                       right_owner="aws", source_url="https://docs.aws.amazon.com/x"))
    dump = everything(store)
    assert "zzsecretzz" not in dump and "unknown_service" in dump and "docs.aws.amazon.com" in dump
    store.close()


def test_feedback_and_corrections_point_at_their_answer(store: Store) -> None:
    store.record_feedback("a1", False, "the engine is AWS's", key="act:1",
                          about=FeedbackAbout(service="rds", duty="engine-patching", user="U1"))
    store.record_feedback("a1", False, key="act:1")  # the same click again
    store.record_correction(Correction("RDS Custom is yours", answer_id="a1", right_owner="customer"))
    [f] = store.rows(feedback, 0)
    assert (f["answer_id"], f["helpful"], f["comment"], f["service"]) == ("a1", False, "the engine is AWS's", "rds")
    [c] = store.rows(corrections, 0)
    assert (c["answer_id"], c["right_owner"]) == ("a1", "customer")


def test_prune_removes_what_is_past_retention(store: Store) -> None:
    now = time.time()
    store.record_answer(AnswerRecord("dm", True, id="old", at=now - 91 * DAY))
    store.record_answer(AnswerRecord("dm", True, id="new", at=now - 89 * DAY))
    store.record_correction(Correction("old", at=now - 100 * DAY))
    store.put_context("T", "C", "1.1", {"duty": "backups"}, now=now - 2 * DAY)
    store.put_context("T", "C", "2.2", {"duty": "backups"}, now=now)
    assert store.prune(90, now=now) == 3
    assert [r["id"] for r in store.rows(answers, 0)] == ["new"]
    assert store.rows(corrections, 0) == []
    assert store.get_context("T", "C", "2.2", now=now) == {"duty": "backups"}


def test_a_long_running_process_prunes_hourly(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.record_answer(AnswerRecord("dm", True, id="old", at=time.time() - 91 * DAY))
    assert [r["id"] for r in store.rows(answers, 0)] == ["old"]  # within the hour: kept until the next prune
    monkeypatch.setattr(store, "_pruned_at", time.monotonic() - 3601)
    store.record_answer(AnswerRecord("dm", True, id="new"))
    assert [r["id"] for r in store.rows(answers, 0)] == ["new"]


def test_thread_context_expires_after_a_day_and_quiz_progress_is_per_user(store: Store) -> None:
    store.put_context("T", "C", "1.1", {"service": "rds"}, now=1000.0)
    store.put_context("T", "C", "1.1", {"service": "eks"}, now=1001.0)
    assert store.get_context("T", "C", "1.1", now=1002.0) == {"service": "eks"}
    assert store.get_context("T", "C", "1.1", now=1001.0 + DAY + 1) is None
    assert store.get_context("T", "C", "9.9") is None
    store.put_quiz("T", "U1", {"q": 3, "right": 2})
    store.put_quiz("T", "U1", {"q": 4, "right": 3})
    assert store.get_quiz("T", "U1") == {"q": 4, "right": 3} and store.get_quiz("T", "U2") is None
    with store._db().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(quiz_progress)).scalar() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(thread_context)).scalar() == 1


def test_srm_prune_cli(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    store = open_store(store_url, Privacy())
    store.record_answer(AnswerRecord("dm", True, id="old", at=time.time() - 10 * DAY))
    assert main(["prune", "--days", "5", "--database", store_url]) == 0
    assert "removed 1 row(s) older than 5 day(s)" in capsys.readouterr().out
    assert store.rows(answers, 0) == []
    store.close()


def test_a_database_that_is_down_logs_one_line_and_raises_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="srm.store")
    store = open_store("postgresql://srm@127.0.0.1:1/srm", Privacy())  # nothing listens on port 1
    assert store.record_answer(AnswerRecord("dm", True, id="lost")) == "lost"
    store.record_feedback("lost", False)
    assert store.get_context("T", "C", "1") is None
    claim = store.claims.claim("Ev1", "{}")
    assert claim is not None and store.claims.claim("Ev1", "{}") is None  # held in this process
    assert store.claims.done(claim) and store.claims.take_abandoned(5) == [] and not store.ping()
    lines = [r for r in caplog.records if r.name == "srm.store"]
    assert len(lines) == 1 and lines[0].getMessage() == "store unavailable; answering without it"
    assert lines[0].exc_info is None and "127.0.0.1" in lines[0].error
    assert store.health.dropped == 2
