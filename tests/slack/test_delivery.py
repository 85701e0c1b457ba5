"""Delivery in-process against the stand-in: retried while the deadline allows, then logged with the id."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from bot.slack.delivery import RESPONSE_URL, Deliverer, Send, Timing
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


def deliverer(fake: FakeSlack, deadline: float = 3.0) -> Deliverer:
    return Deliverer("xoxb-test", fake.api_url, Timing(call_timeout=0.5, deadline=deadline, max_backoff=0.5))


def test_any_5xx_and_a_hang_are_retried_until_delivered(fake: FakeSlack) -> None:
    fake.script("/response/d1", 502, body={})
    fake.hang("/response/d1", seconds=3)
    fake.script("/response/d1", 504, body={})
    start = time.monotonic()
    assert deliverer(fake).send(Send(RESPONSE_URL, {"text": "hi"}, url=fake.response_url("d1")),
                                time.monotonic() + 3, "q1")
    assert time.monotonic() - start < 3  # the hang cost one call timeout, not its 3 s
    assert [c.status for c in fake.received("/response/d1")][-1] == 200


def test_web_api_500s_then_ok(fake: FakeSlack) -> None:
    for _ in range(2):
        fake.script("/api/chat.postMessage", 500, body={"ok": False, "error": "internal_error"})
    assert deliverer(fake).send(Send("chat.postMessage", {"channel": "C1", "text": "hi"}), time.monotonic() + 3, "q2")
    assert [c.status for c in fake.received("/api/chat.postMessage")] == [500, 500, 200]


def test_past_the_deadline_it_gives_up_and_logs_the_question_id(fake: FakeSlack,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    for _ in range(100):
        fake.script("/response/d3", 500, body={})
    start = time.monotonic()
    ok = deliverer(fake, 1.5).send(Send(RESPONSE_URL, {"text": "hi"}, url=fake.response_url("d3")),
                                   time.monotonic() + 1.5, "q3")
    assert not ok and time.monotonic() - start < 1.5 + 0.5 + 0.5  # deadline + one call timeout + slack
    assert len(fake.received("/response/d3")) >= 3
    [record] = [r for r in caplog.records if r.getMessage() == "delivery failed"]
    assert (record.question_id, record.error) == ("q3", "HTTP 500")
