"""Listeners in-process: the Bolt app from build_app, signed BoltRequests, a recording Slack stand-in."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App, BoltRequest

from bot.config import Settings
from bot.engine import Engine
from bot.slack.app import build_app, build_work, web_client
from bot.slack.listeners.replies import command_payload
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.signing import SECRET, command_body, event_body, headers


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


@pytest.fixture
def app(fake: FakeSlack, engine: Engine, tmp_path: Path) -> App:
    settings = Settings(bot_token="xoxb-test", signing_secret=SECRET, app_token=None, api_base_url=fake.api_url,
                        port=0, knowledge_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/srm.sqlite3",
                        claim_lease=10, delivery_deadline=2, call_timeout=1)
    return build_app(settings, build_work(settings, engine), client=web_client(settings))


def dispatch(app: App, body_and_type: tuple[str, str]) -> int:
    body, content_type = body_and_type
    raw = headers(body, content_type)
    return app.dispatch(BoltRequest(body=body, headers={k.lower(): [v] for k, v in raw.items()})).status


@pytest.mark.parametrize(("text", "kind"), [("", "usage"), ("help", "help"), ("services", "services"),
                                            ("service eks", "card"), ("service nosuch", "unknown"),
                                            ("who patches rds", "answer")])
def test_command_payload_routes_subcommands(engine: Engine, text: str, kind: str) -> None:
    p = command_payload(engine, text)
    dumped = json.dumps(p)
    expected = {"usage": "Usage", "help": "/srm service", "services": "Infrastructure services",
                "card": "Amazon EKS", "unknown": "I don't know a service", "answer": "share_answer"}[kind]
    assert p["text"] and p["blocks"] and expected in dumped


def test_a_web_api_error_is_logged_and_the_app_keeps_serving(app: App, fake: FakeSlack,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    fake.script("/api/chat.postMessage", 200, body={"ok": False, "error": "channel_not_found"})
    caplog.set_level(logging.ERROR)
    assert dispatch(app, event_body(payloads.direct_message("who patches rds", channel="D0ERR0001"))) == 200
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == "D0ERR0001")
    fake.settle(0.3)
    assert any(getattr(r, "error", None) == "channel_not_found" for r in caplog.records)
    assert dispatch(app, event_body(payloads.direct_message("who patches rds", channel="D0ERR0002"))) == 200
    [ok] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == "D0ERR0002")
    assert ok.status == 200


def test_home_opened_on_the_messages_tab_publishes_nothing(app: App, fake: FakeSlack) -> None:
    assert dispatch(app, event_body(payloads.home_opened(tab="messages"))) == 200
    fake.settle(0.5)
    assert fake.received("/api/views.publish") == []


def test_home_example_button_answers_in_a_dm(app: App, fake: FakeSlack) -> None:
    from tests.slack.signing import action_body

    click = payloads.click("ask_example_0", "who patches rds?", response_url=None)
    assert dispatch(app, action_body(click)) == 200
    [call] = fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == "W111")
    assert "AWS" in call.body["text"]


def test_slash_command_with_a_broken_response_url_is_logged_not_raised(app: App, fake: FakeSlack,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    url = "http://127.0.0.1:9/nothing-listens-here"
    assert dispatch(app, command_body(payloads.slash("who patches rds", url))) == 200
    deadline = time.monotonic() + 10  # retried with backoff until the 2 s delivery deadline, then logged
    while not any(r.getMessage() == "delivery failed" for r in caplog.records):
        assert time.monotonic() < deadline, "the failure was not logged"
        time.sleep(0.05)


def test_every_answer_is_logged_with_its_match(app: App, fake: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    dm = payloads.direct_message("who patches the guest os on ec2", channel="D0LOG0001")
    assert dispatch(app, event_body(dm)) == 200
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("channel") == "D0LOG0001")
    [record] = [r for r in caplog.records if r.getMessage() == "answer"]
    assert (record.surface, record.owner, record.service, record.duty) == ("dm", "customer", "ec2", "guest-os-patching")
