"""Faults at the Slack end and at ours: answers arrive after retries, acks stay immediate, a killed server's
question is answered once after a restart, SIGTERM drains in-flight answers, slow clients starve nothing.

Every test runs the Procfile's gunicorn against the recording stand-in (tests/slack/fake_slack.py), with a
short lease and deadline so that take-overs happen within seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.slack import payloads
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.server import WebProcess, web_env
from tests.slack.signing import command_body, event_body

FAST = {"SRM_CLAIM_LEASE_SECONDS": "4", "SRM_DELIVERY_DEADLINE_SECONDS": "2", "SRM_CALL_TIMEOUT_SECONDS": "1"}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


def start(fake: FakeSlack, store: Path, **env: str) -> WebProcess:
    proc = WebProcess(web_env(fake.api_url, f"sqlite:///{store}", **{**FAST, **env}))
    proc.wait_ready()
    return proc


def in_thread(ts: str) -> Callable[[Call], bool]:
    return lambda c: c.body.get("thread_ts") == ts


@pytest.fixture
def web(fake: FakeSlack, tmp_path: Path) -> Iterator[WebProcess]:
    proc = start(fake, tmp_path / "events.sqlite3")
    try:
        yield proc
    finally:
        proc.stop()


def test_web_api_500s_are_retried_until_the_answer_arrives(web: WebProcess, fake: FakeSlack) -> None:
    for _ in range(3):
        fake.script("/api/chat.postMessage", 500, body={"ok": False, "error": "internal_error"})
    body = payloads.mention("who patches rds")
    r = web.post_signed(event_body(body))
    assert r.status == 200 and r.seconds < 3
    calls = fake.wait_for("/api/chat.postMessage", 4, where=in_thread(body["event"]["ts"]))
    assert [c.status for c in calls] == [500, 500, 500, 200]


def test_response_url_500s_and_hangs_are_retried(web: WebProcess, fake: FakeSlack) -> None:
    url = fake.response_url("flaky")
    fake.script("/response/flaky", 503, body={})
    fake.hang("/response/flaky", seconds=5)
    r = web.post_signed(command_body(payloads.slash("who patches rds", url)))
    assert r.status == 200 and r.seconds < 3
    [answer] = fake.wait_for("/response/flaky", where=lambda c: c.status == 200)
    assert "AWS" in answer.body["text"]
    assert len(fake.delivered("/response/flaky")) == 1


def test_acks_do_not_wait_while_every_answer_hangs(web: WebProcess, fake: FakeSlack) -> None:
    """30 commands at once while Slack holds every answer: each ack is still immediate."""
    names = [f"held-{i}" for i in range(30)]
    releases = [fake.hold(f"/response/{n}") for n in names]
    with ThreadPoolExecutor(10) as pool:
        acks = list(pool.map(lambda n: web.post_signed(command_body(payloads.slash("who patches rds",
                                                                                 fake.response_url(n)))), names))
    for release in releases:
        release.set()
    assert [r.status for r in acks] == [200] * 30
    assert max(r.seconds for r in acks) < 3


def test_a_web_api_failure_past_the_deadline_is_logged_with_the_question_id(web: WebProcess,
                                                                            fake: FakeSlack) -> None:
    for _ in range(50):
        fake.script("/api/chat.postMessage", 500, body={"ok": False, "error": "internal_error"})
    body = payloads.mention("who patches rds", event_id="EvDEADLINE1")
    assert web.post_signed(event_body(body)).status == 200
    deadline = time.monotonic() + 10
    while '"question_id": "ev:EvDEADLINE1"' not in web.output() or "delivery failed" not in web.output():
        assert time.monotonic() < deadline, web.output()[-2000:]
        time.sleep(0.1)


@pytest.mark.parametrize("kind", ["mention", "command"])
def test_killed_after_claiming_then_restarted_answers_exactly_once(fake: FakeSlack, tmp_path: Path,
                                                                   kind: str) -> None:
    """kill -9 while the answer is in flight; after a restart, Slack's retry (events) or the sweeper
    (commands: Slack never retries them) answers it, once."""
    store = tmp_path / "events.sqlite3"
    if kind == "mention":
        body = payloads.mention("who patches rds", event_id="EvCRASH0001")
        request, path = event_body(body), "/api/chat.postMessage"
    else:
        request, path = command_body(payloads.slash("who patches rds", fake.response_url("crash"))), "/response/crash"
    release = fake.hold(path)
    first = start(fake, store)
    try:
        assert first.post_signed(request).status == 200
        fake.wait_arrival(path)  # claimed, and the answer is in flight
        os.killpg(first.proc.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
    finally:
        release.set()
        first.stop()
    assert fake.delivered(path) == []

    second = start(fake, store)
    try:
        if kind == "mention":
            r = second.post_signed(request, extra={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
            assert r.status == 200
        fake.wait_for(path, where=lambda c: c.status == 200, timeout=20)
        fake.settle(6.0)  # past another lease: nobody answers it again
        if kind == "mention":
            assert second.post_signed(request, extra={"X-Slack-Retry-Num": "2"}).status == 200
            fake.settle(1.0)
    finally:
        second.stop()
    assert len(fake.delivered(path)) == 1


def test_sigterm_stops_accepting_and_finishes_the_answer_in_flight(fake: FakeSlack, tmp_path: Path) -> None:
    # A 3 s call timeout: the held call is still in flight while the server stops accepting. The deadline leaves
    # room for a loaded machine, where the last process may take several seconds to close the listening socket.
    web = start(fake, tmp_path / "events.sqlite3", SRM_CALL_TIMEOUT_SECONDS="3", SRM_DELIVERY_DEADLINE_SECONDS="12",
                SRM_CLAIM_LEASE_SECONDS="20")
    release = fake.hold("/response/draining")
    try:
        r = web.post_signed(command_body(payloads.slash("who patches rds", fake.response_url("draining"))))
        assert r.status == 200
        fake.wait_arrival("/response/draining")
        os.killpg(web.proc.pid, signal.SIGTERM)
        assert refused_within(web.port, 10.0)  # stopped accepting, while the answer is still in flight
        assert fake.delivered("/response/draining") == []
        release.set()  # Slack drops the held call; the worker retries and delivers before it exits
        assert web.proc.wait(timeout=20) == 0
    finally:
        release.set()
        log = web.stop()
    [answer] = fake.delivered("/response/draining")
    assert "AWS" in answer.body["text"]
    assert '"unfinished": 0' in log


def refused_within(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.1)
    return False


def _slow_sender(port: int, stop: threading.Event, seconds: float) -> None:
    """Open a connection and send a request's headers one byte every 0.2 s, for at most `seconds`."""
    head = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 200
    deadline = time.monotonic() + seconds
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        for byte in head:
            if stop.is_set() or time.monotonic() > deadline:
                return
            s.sendall(bytes([byte]))
            time.sleep(0.2)


def test_fifty_slow_clients_do_not_delay_valid_commands(web: WebProcess, fake: FakeSlack) -> None:
    stop = threading.Event()
    with ThreadPoolExecutor(50) as slow:
        for _ in range(50):
            slow.submit(_slow_sender, web.port, stop, 15.0)
        time.sleep(1.5)  # every slow connection is open and has started its headers
        try:
            acks = []
            for i in range(10):
                body = command_body(payloads.slash("who patches rds", fake.response_url(f"amid-slow-{i}")))
                acks.append(web.post_signed(body))
        finally:
            stop.set()
    assert [r.status for r in acks] == [200] * 10
    assert max(r.seconds for r in acks) < 3
    fake.wait_for("/response/amid-slow-9", where=lambda c: c.status == 200)


def test_the_token_is_checked_once_before_forking_so_no_ack_waits_on_auth_test(fake: FakeSlack,
                                                                                 tmp_path: Path) -> None:
    web = start(fake, tmp_path / "events.sqlite3")
    try:
        assert len(fake.received("/api/auth.test")) == 1  # in the master, before the workers exist
        fake.hang("/api/auth.test", seconds=10, times=5)  # were a worker to call it now, its ack would wait
        for i in range(6):
            r = web.post_signed(command_body(payloads.slash("who patches rds", fake.response_url(f"tok-{i}"))))
            assert r.status == 200 and r.seconds < 3
    finally:
        web.stop()


def test_slack_unreachable_at_start_does_not_stop_the_server(fake: FakeSlack, tmp_path: Path) -> None:
    fake.script("/api/auth.test", 200, body={"ok": False, "error": "service_unavailable"})
    web = start(fake, tmp_path / "events.sqlite3")
    try:
        assert "auth.test failed at start" in web.output()
        web.post_signed(command_body(payloads.slash("who patches rds", fake.response_url("late-auth"))))
        fake.wait_for("/response/late-auth", where=lambda c: c.status == 200)
    finally:
        web.stop()
