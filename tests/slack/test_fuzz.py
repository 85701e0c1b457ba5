"""Hostile input gets 4xx (or 200 and ignored), never a 5xx and never a traceback in the server log.

The corpus (tests/fixtures/fuzz/malformed.yaml) is sent signed and unsigned to the Procfile's gunicorn; so
are generated mutations of valid payloads, where every field in turn gets every wrong type.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from tests.conftest import FIXTURES
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack
from tests.slack.server import Response, WebProcess, web_env
from tests.slack.signing import SECRET, action_body, command_body, event_body, headers

WRONG = [None, 0, 1.5, True, [], {}, [1, "x"], {"id": 7}, "x" * 5000, "<!channel>"]


@dataclass(frozen=True)
class Case:
    name: str
    content_type: str
    body: bytes
    expect: frozenset[int]


def corpus(response_url: str) -> list[Case]:
    cases = []
    for c in yaml.safe_load((FIXTURES / "fuzz" / "malformed.yaml").read_text()):
        body = bytes.fromhex(c["body_hex"]) if "body_hex" in c else c["body"].encode()
        if "repeat_tail" in c:
            tail, times = c["repeat_tail"]
            body += tail.encode() * times
        body = body.replace(b"RESPONSE_URL", quote(response_url, safe="").encode())
        cases.append(Case(c["name"], c["type"], body, frozenset([c["expect"]])))
    return cases


def _mutations(name: str, valid: dict[str, Any], encode: Any) -> Iterator[Case]:
    """Every key (top level and one level down) replaced by every wrong value, and removed."""
    paths = [(k,) for k in valid] + [(k, j) for k, v in valid.items() if isinstance(v, dict) for j in v]
    paths += [(k, 0, j) for k, v in valid.items() if isinstance(v, list) and v and isinstance(v[0], dict) for j in v[0]]
    for path in paths:
        for i, value in enumerate([*WRONG, KeyError]):
            body = copy.deepcopy(valid)
            parent = body
            for p in path[:-1]:
                parent = parent[p]
            if value is KeyError:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            text, ctype = encode(body)
            yield Case(f"{name}:{'.'.join(map(str, path))}={i}", ctype, text.encode(), frozenset([200, 400]))


def mutations(fake: FakeSlack) -> list[Case]:
    mention = payloads.mention("who patches rds")
    click = payloads.click("share_answer", "who patches rds", fake.response_url("fuzz-click"))
    slash = payloads.slash("who patches rds", fake.response_url("fuzz-cmd"))
    home = payloads.home_opened()
    shortcut = payloads.shortcut(payloads.load("message_action")["message"], fake.response_url("fuzz-shortcut"))
    submission = payloads.correction_submission({"a": "a1", "q": "who patches rds", "c": "C1"}, "wrong",
                                                "aws", "https://docs.aws.amazon.com/x")
    cases = [*_mutations("mention", mention, event_body), *_mutations("home", home, event_body),
             *_mutations("click", click, action_body), *_mutations("shortcut", shortcut, action_body),
             *_mutations("submission", submission, action_body),
             *_mutations("messages-tab", payloads.messages_tab(), event_body),
             *_mutations("file-share", payloads.file_share("who owns EC2.8?"), event_body)]
    for key in slash:  # form fields are always strings: remove each, empty it, make it huge or hostile
        for i, value in enumerate([None, "", "x" * 5000, "<!channel> \u0000 \udcff".encode(errors="replace").decode()]):
            fields = {k: v for k, v in slash.items() if k != key or value is not None}
            if value is not None:
                fields[key] = value
            text, ctype = command_body(fields)
            cases.append(Case(f"slash:{key}={i}", ctype, text.encode(), frozenset([200, 400])))
    return cases


@pytest.fixture(scope="module")
def web(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    store = tmp_path_factory.mktemp("fuzz") / "events.sqlite3"
    proc = WebProcess(web_env(fake.api_url, f"sqlite:///{store}"))
    proc.wait_ready()
    yield proc
    proc.stop()


def send(web: WebProcess, case: Case, signed: bool) -> Response:
    h = {"Content-Type": case.content_type} if case.content_type else {}
    if signed:
        h = headers(case.body.decode("latin-1"), case.content_type)  # signs the text; bytes below
        h = {**h, "X-Slack-Signature": _sign(case.body, h["X-Slack-Request-Timestamp"])}
        if not case.content_type:
            h.pop("Content-Type")
    return web.request_bytes("POST", "/slack/events", case.body, h)


def _sign(body: bytes, ts: str) -> str:
    import hashlib
    import hmac

    return "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()


def run(web: WebProcess, cases: list[Case], signed: bool) -> list[tuple[str, int]]:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda c: (c, send(web, c, signed).status), cases))
    return [(c.name, status) for c, status in results if status not in (c.expect if signed else {401})]


def test_the_corpus_signed_gets_the_expected_status(web: WebProcess, fake: FakeSlack) -> None:
    cases = corpus(fake.response_url("fuzz"))
    assert len(cases) >= 60
    assert run(web, cases, signed=True) == []


def test_the_corpus_unsigned_gets_401(web: WebProcess, fake: FakeSlack) -> None:
    assert run(web, corpus(fake.response_url("fuzz")), signed=False) == []


def test_every_field_with_every_wrong_type_gets_200_or_400(web: WebProcess, fake: FakeSlack) -> None:
    cases = mutations(fake)
    assert len(cases) >= 300
    assert run(web, cases, signed=True) == []
    assert run(web, cases[::10], signed=False) == []


@pytest.mark.parametrize("stamp", ["", "abc", "1e9", " 1700000000", "-1", "1700000000.5", "170000000²",
                                   "99999999999999999999"])
def test_malformed_timestamps_get_401(web: WebProcess, stamp: str) -> None:
    body, ctype = event_body(payloads.mention("who patches rds"))
    h = {"Content-Type": ctype, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": _sign(body.encode(), stamp)}
    assert web.request_bytes("POST", "/slack/events", body.encode(), h).status == 401


def test_a_body_over_1_mb_gets_413_before_the_signature_and_before_the_body(web: WebProcess) -> None:
    """A client announcing 50 MB gets 413 after sending only its headers and a few bytes."""
    head = (b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 52428800\r\n\r\n{\"type\": \"event_callback\"")
    with socket.create_connection(("127.0.0.1", web.port), timeout=5) as s:
        s.sendall(head)
        assert s.recv(100).startswith(b"HTTP/1.1 413")


def test_other_methods_and_paths(web: WebProcess) -> None:
    assert web.request("GET", "/slack/events").status == 405
    assert web.request("POST", "/elsewhere", "x").status == 404


def test_no_5xx_and_no_traceback_in_the_server_log(web: WebProcess) -> None:
    """Runs last in this module: everything above went through the same server."""
    log = web.output()
    assert "Traceback" not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert [x for x in lines if x["msg"] in ("listener failed", "answer failed", "sweep failed")] == []
    assert "request rejected" in log


def test_corpus_file_is_well_formed() -> None:
    data = yaml.safe_load(Path(FIXTURES / "fuzz" / "malformed.yaml").read_text())
    names = [c["name"] for c in data]
    assert len(names) == len(set(names))
