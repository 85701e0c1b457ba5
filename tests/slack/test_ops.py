"""Operations (contract 7): /metrics from the Procfile's gunicorn summed over its workers, /readyz naming the
failed check, gunicorn's own log lines as JSON, and the Socket Mode worker's health port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import ops
from bot.engine import Engine
from bot.engine.compiled import load_engine
from bot.wsgi import Server
from tests.conftest import ROOT
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.server import WebProcess, free_port, web_env
from tests.slack.signing import action_body, command_body, event_body


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, parsed by prometheus_client's own parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def web(fake: FakeSlack, data_dir: Path) -> Iterator[WebProcess]:
    proc = WebProcess(web_env(fake.api_url, f"sqlite:///{data_dir / 'srm.sqlite3'}", SRM_DATA_DIR=str(data_dir)))
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()


def worker_pids(data_dir: Path) -> set[str]:
    """Processes that have written counters (the master's own file holds only the zeros of start)."""
    [metrics_dir] = (data_dir / "metrics").glob("web-*")
    master = metrics_dir.name.removeprefix("web-")
    return {m.group(1) for p in metrics_dir.glob("counter_*.db") if (m := re.match(r"counter_(\d+)", p.name))} - {
        master}


def test_metrics_sum_every_worker_and_move_with_requests(web: WebProcess, fake: FakeSlack, data_dir: Path) -> None:
    before = samples(web.get("/metrics").body.decode())
    sent = 0

    def ask(i: int) -> None:
        web.post_signed(command_body(payloads.slash("who patches rds", fake.response_url(f"m{i}"))))

    with ThreadPoolExecutor(10) as pool:  # concurrent, so that both workers take some
        for _ in range(6):
            list(pool.map(ask, range(sent, sent + 10)))
            sent += 10
            for i in range(sent):
                fake.wait_for(f"/response/m{i}")
            if len(worker_pids(data_dir)) >= 2:
                break
    assert len(worker_pids(data_dir)) >= 2, "both workers should have answered some"

    body = payloads.mention("who patches the guest os on ec2")
    web.post_signed(event_body(body))
    web.post_signed(event_body(body))  # Slack's retry of the same event: claimed once, the other deduplicated
    web.post_signed(event_body(payloads.mention("who owns the zzyzx service")))  # not answered
    value_ = json.dumps({"q": "who patches rds", "owner": "aws", "duty": "engine-patching"})
    web.post_signed(action_body(payloads.click("feedback_helpful", value_, fake.response_url("fb-m"))))
    fake.wait_for("/response/fb-m")
    fake.wait_for("/api/chat.postMessage", count=2)
    fake.settle(0.5)

    response = web.get("/metrics")
    assert response.status == 200
    for _ in range(6):  # whichever worker answers the scrape, it reports the sum over both
        after = samples(web.get("/metrics").body.decode())
        moved = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
        assert value(moved, "srm_requests_total", surface="command") == sent
        assert value(moved, "srm_requests_total", surface="mention") == 3
        assert value(moved, "srm_events_deduplicated_total") == 1
        assert value(moved, "srm_answers_total", surface="command", answered="true") == sent
        assert value(moved, "srm_answers_total", surface="mention", answered="true") == 1
        assert value(moved, "srm_answers_total", surface="mention", answered="false") == 1
        assert value(moved, "srm_owner_given_total", owner="aws") >= sent
        assert value(moved, "srm_feedback_total", feedback="helpful") == 1
        assert value(moved, "srm_answer_seconds_count") == sent + 3  # the click's reply is one answer too
        assert value(moved, "srm_answer_seconds_bucket", le="+Inf") == sent + 3


def test_metrics_count_web_api_retries_and_errors(web: WebProcess, fake: FakeSlack) -> None:
    before = samples(web.get("/metrics").body.decode())
    fake.script("/api/chat.postMessage", 503)
    body = payloads.mention("who patches rds")
    web.post_signed(event_body(body))
    fake.wait_for("/api/chat.postMessage", where=lambda c: c.body.get("thread_ts") == body["event"]["ts"]
                  and c.status == 200)
    fake.settle(0.3)
    after = samples(web.get("/metrics").body.decode())
    assert (value(after, "srm_web_api_retries_total", reason="server_error")
            - value(before, "srm_web_api_retries_total", reason="server_error")) == 1
    fake.script("/api/chat.postMessage", 200, body={"ok": False, "error": "channel_not_found"})  # not retried
    web.post_signed(event_body(payloads.mention("who patches the guest os on ec2")))
    errors = 0.0
    for _ in range(50):
        final = samples(web.get("/metrics").body.decode())
        errors = (value(final, "srm_web_api_errors_total", method="chat.postMessage")
                  - value(before, "srm_web_api_errors_total", method="chat.postMessage"))
        if errors:
            break
        fake.settle(0.1)
    assert errors == 1


def test_gunicorn_lines_are_json_like_the_app(web: WebProcess) -> None:
    web.get("/healthz")
    lines = [line for line in web.output().splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # every line, gunicorn's included
    access = [x for x in parsed if x["logger"] == "gunicorn.access"]
    assert any(x["path"] == "/healthz" and x["status"] == 200 and x["method"] == "GET" for x in access)
    assert all(set(x) >= {"ts", "level", "msg", "duration_ms"} for x in access)
    assert any(x["logger"] == "gunicorn.error" and "Booting worker" in x["msg"] for x in parsed)


def test_metrics_and_health_refuse_post(web: WebProcess) -> None:
    assert web.request("POST", "/metrics").status == 405


# ---- readiness, in-process ---------------------------------------------------------------------------------


class _Store:
    def __init__(self, up: bool):
        self.up = up

    def ping(self) -> bool:
        return self.up


def _empty_engine() -> SimpleNamespace:
    return SimpleNamespace(kb=SimpleNamespace(version="0", counts=lambda: {"services": 0, "duties": 0}))


def _call(app: Server, path: str) -> tuple[str, bytes]:
    out: dict[str, str] = {}
    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda s, h: out.update(status=s)))
    return out["status"], body


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine()


def test_readyz_names_the_knowledge_base_when_it_is_not_loaded(engine: Engine) -> None:
    status, body = ops.readiness(_empty_engine(), _Store(True))  # type: ignore[arg-type]
    data = json.loads(body)
    assert status == 503 and data["knowledge"] == "failed" and data["failed"] == ["knowledge"]
    assert ops.readiness(None, None)[0] == 503
    assert ops.readiness(engine, None) == (200, json.dumps({"status": "ready", "knowledge": "ok",
                                                             "database": "ok"}).encode())


def test_readyz_names_the_database_when_it_is_down(engine: Engine) -> None:
    app = Server(slack=lambda e, s: [], engine=engine, work=None, drain_seconds=0, store=_Store(False))  # type: ignore[arg-type]
    status, body = _call(app, "/readyz")
    assert status.startswith("503") and json.loads(body)["failed"] == ["database"]
    status, body = _call(app, "/healthz")  # liveness does not touch the database
    assert status.startswith("200") and json.loads(body)["status"] == "ok"
    status, body = _call(app, "/metrics")
    assert status.startswith("200") and b"srm_requests_total" in body


# ---- the Socket Mode worker's health port ------------------------------------------------------------------


def test_the_worker_health_port_serves_health_readiness_and_metrics(engine: Engine) -> None:
    server = ops.serve(0, engine, _Store(True), host="127.0.0.1")
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
            assert r.status == 200 and json.loads(r.read())["knowledge"]["services"] > 0
        with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
            assert json.loads(r.read())["status"] == "ready"
        with urllib.request.urlopen(url + "/metrics", timeout=5) as r:
            assert r.headers["Content-Type"].startswith("text/plain")
            assert "srm_answer_seconds_bucket" in r.read().decode()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "/nope", timeout=5)
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
    down = ops.serve(0, engine, _Store(False), host="127.0.0.1")
    try:
        with pytest.raises(urllib.error.HTTPError) as not_ready:
            urllib.request.urlopen(f"http://127.0.0.1:{down.server_address[1]}/readyz", timeout=5)
        assert not_ready.value.code == 503
    finally:
        down.shutdown()
        down.server_close()


def test_the_socket_mode_worker_serves_its_health_port(fake: FakeSlack, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m bot` with SRM_HEALTH_PORT: the port answers while the worker (re)connects to Slack, here the
    stand-in, whose apps.connections.open gives no usable URL; and the probe of the image's HEALTHCHECK passes."""
    from bot import probe

    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SRM_", "PROMETHEUS_"))},
           "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-test", "SLACK_API_BASE_URL": fake.api_url,
           "SRM_HEALTH_PORT": str(port), "SRM_DATABASE_URL": f"sqlite:///{tmp_path / 'srm.sqlite3'}"}
    with (tmp_path / "worker.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                assert proc.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                        assert json.loads(r.read()) == {"status": "ready", "knowledge": "ok", "database": "ok"}
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the health port never opened"
                    time.sleep(0.1)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                assert "srm_requests_total" in r.read().decode()
            monkeypatch.setenv("SRM_HEALTH_PORT", str(port))
            assert probe.main() == 0
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    monkeypatch.setenv("SRM_HEALTH_PORT", str(port))
    assert probe.main() == 1  # nothing listens any more
