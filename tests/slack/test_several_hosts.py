"""Several hosts: two web processes (the Procfile's gunicorn, on two ports) sharing one PostgreSQL server.
The same event delivered to both at once, then retried to both, is answered exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.pg import Server
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.server import WebProcess, web_env
from tests.slack.signing import command_body, event_body


@pytest.fixture
def hosts(postgres: Server) -> Iterator[tuple[str, list[WebProcess], FakeSlack]]:
    url = postgres.new_database()
    with FakeSlack() as fake:
        env = web_env(fake.api_url, url)
        procs = [WebProcess(env), WebProcess(env)]  # started together: both migrate the empty database at once
        try:
            for p in procs:
                p.wait_ready()
            yield url, procs, fake
        finally:
            for p in procs:
                p.stop()


def test_the_same_event_on_two_hosts_and_its_retries_is_answered_once(
        hosts: tuple[str, list[WebProcess], FakeSlack]) -> None:
    url, procs, fake = hosts
    mention = payloads.mention("who patches rds", event_id="EvTWOHOSTS1")
    slash = payloads.slash("who patches the guest os on ec2", fake.response_url("two-hosts"))
    deliveries = [(p, event_body(mention), {}) for p in procs] + [(p, command_body(slash), {}) for p in procs]
    deliveries += [(p, event_body(mention), {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
                   for n in (1, 2) for p in procs]
    with ThreadPoolExecutor(len(deliveries)) as pool:
        statuses = list(pool.map(lambda d: d[0].post_signed(d[1], extra=d[2]).status, deliveries))
    assert statuses == [200] * len(deliveries)
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == mention["event"]["ts"])
    fake.wait_for("/response/two-hosts")
    fake.settle(1.5)
    assert len(fake.received("/api/chat.postMessage", lambda c: c.body.get("thread_ts") == mention["event"]["ts"])) == 1
    assert len(fake.received("/response/two-hosts")) == 1
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        states = conn.exec_driver_sql("SELECT key, state FROM claims ORDER BY key").all()
        recorded = conn.exec_driver_sql("SELECT surface, question FROM answers ORDER BY surface").all()
    engine.dispose()
    assert [s for _, s in states] == ["done", "done"]
    assert [tuple(r) for r in recorded] == [("command", "who patches the guest os on ec2"),
                                            ("mention", "who patches rds")]
    assert json.loads(procs[0].get("/healthz").body)["status"] == "ok"
