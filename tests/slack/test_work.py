"""The answer pool and the sweeper in-process: a full pool defers (with a log line) instead of dropping,
the sweeper answers what was deferred, and a lease shorter than the delivery deadline is refused."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.slack.delivery import RESPONSE_URL, Deliverer, Send, Timing
from bot.slack.work import AnswerPool, Job, Outcome, Work
from bot.store import open_store
from bot.store.records import Privacy
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


def make_work(fake: FakeSlack, tmp_path: Path, threads: int = 1, backlog: int = 0) -> Work:
    def plan(job: Job) -> list[Send]:
        return [Send(RESPONSE_URL, {"text": job.text}, url=job.response_url)]

    store = open_store(f"sqlite:///{tmp_path}/srm.sqlite3", Privacy(), lease=10)
    return Work(store.claims, AnswerPool(threads, backlog),
                Deliverer("xoxb-test", fake.api_url, Timing(call_timeout=1, deadline=3)), plan, deadline=3)


def test_pool_refuses_beyond_its_capacity() -> None:
    pool = AnswerPool(1, backlog=1)
    gate = [True]

    def block() -> None:
        while gate[0]:
            time.sleep(0.01)

    assert pool.submit(block) and pool.submit(block)
    assert not pool.submit(block) and pool.free() == 0
    gate[0] = False
    assert pool.drain(5) == 0


def test_a_full_pool_defers_with_a_log_line_and_the_sweeper_answers(fake: FakeSlack, tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    work = make_work(fake, tmp_path)
    release = fake.hold("/response/first")
    assert work.start(Job("q1", "command", "first", response_url=fake.response_url("first"))) is Outcome.ACCEPTED
    fake.wait_arrival("/response/first")
    second = Job("q2", "command", "second", response_url=fake.response_url("second"))
    assert work.start(second) is Outcome.DEFERRED
    assert any(r.getMessage() == "answer pool full: deferred to the sweeper" and r.question_id == "q2"
               for r in caplog.records)
    assert work.start(second) is Outcome.DEFERRED  # Slack's retry while the pool is still full: not lost either
    release.set()
    deadline = time.monotonic() + 10
    while not fake.delivered("/response/second"):
        work.sweep()
        assert time.monotonic() < deadline, "the deferred question was not answered"
        time.sleep(0.05)
    assert work.pool.drain(5) == 0
    assert work.store.state("q2")[0] == "done"
    assert len(fake.delivered("/response/first")) == 1  # retried after the dropped call, once


def test_a_duplicate_start_sends_nothing(fake: FakeSlack, tmp_path: Path) -> None:
    work = make_work(fake, tmp_path, threads=2)
    job = Job("q3", "command", "hi", response_url=fake.response_url("dup"))
    assert work.start(job) is Outcome.ACCEPTED
    assert work.start(job) is Outcome.DUPLICATE
    work.pool.drain(5)
    assert len(fake.delivered("/response/dup")) == 1


def test_a_lease_shorter_than_a_delivery_is_refused() -> None:
    env = {"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y", "SRM_CLAIM_LEASE_SECONDS": "10",
           "SRM_DELIVERY_DEADLINE_SECONDS": "15"}
    with pytest.raises(ConfigError, match="SRM_CLAIM_LEASE_SECONDS"):
        Settings.from_env(mode="http", env=env)
    with pytest.raises(ConfigError, match="SRM_CALL_TIMEOUT_SECONDS must be a positive number"):
        Settings.from_env(mode="http", env={**env, "SRM_CLAIM_LEASE_SECONDS": "", "SRM_CALL_TIMEOUT_SECONDS": "abc"})


def test_each_answer_goes_out_with_its_workspaces_token_and_an_uninstalled_one_only_at_response_url(
        fake: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from bot.slack.tokens import Tokens

    class PerTeam:  # the Tokens protocol; bot.slack.tokens.Installed reads these from the database
        def for_job(self, job: Job) -> str | None:
            return {"T1": "xoxb-one"}.get(job.team or "")

    def plan(job: Job) -> list[Send]:
        return [Send("chat.postMessage", {"channel": "C1", "text": job.text}),
                Send(RESPONSE_URL, {"text": job.text}, url=job.response_url)]

    tokens: Tokens = PerTeam()
    store = open_store(f"sqlite:///{tmp_path}/srm.sqlite3", Privacy(), lease=10)
    work = Work(store.claims, AnswerPool(2, 0), Deliverer("", fake.api_url, Timing(call_timeout=1, deadline=3)),
                plan, deadline=3, tokens=tokens)
    caplog.set_level(logging.WARNING)
    work.start(Job("k1", "command", "installed", response_url=fake.response_url("one"), team="T1"))
    work.start(Job("k2", "command", "gone", response_url=fake.response_url("gone"), team="T2"))
    assert work.pool.drain(5) == 0
    assert fake.tokens_used("/api/chat.postMessage") == ["xoxb-one"]
    assert len(fake.delivered("/response/one")) == len(fake.delivered("/response/gone")) == 1
    assert store.claims.state("k2")[0] == "done"  # nothing left to retry
    assert any(r.getMessage() == "workspace not installed: Web API messages dropped" for r in caplog.records)
