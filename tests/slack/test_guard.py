"""The guard in-process: what it reads, and the order of its checks."""

from __future__ import annotations

import io
import time

import pytest

from bot.slack.guard import MAX_BODY_BYTES, check, read_capped, verify
from tests.slack import payloads
from tests.slack.signing import SECRET, action_body, event_body, headers


class NoRead(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def environ(body: bytes, hdrs: dict[str, str], **extra: object) -> dict[str, object]:
    env: dict[str, object] = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events",
                              "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    for k, v in hdrs.items():
        key = k.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = v
    env.update(extra)
    return env


def test_a_large_content_length_is_refused_without_reading() -> None:
    env = {"CONTENT_LENGTH": str(50 * 1024 * 1024), "wsgi.input": NoRead()}
    verdict = read_capped(env)
    assert not isinstance(verdict, bytes) and verdict.status == 413


def test_without_content_length_reads_stop_after_the_limit() -> None:
    stream = io.BytesIO(b"x" * (MAX_BODY_BYTES * 3))
    verdict = read_capped({"wsgi.input": stream})
    assert not isinstance(verdict, bytes) and verdict.status == 413
    assert stream.tell() == MAX_BODY_BYTES + 1


@pytest.mark.parametrize("stamp", ["", "abc", "1e9", "0x10", " 1", "1 ", "+1", "²"])
def test_malformed_timestamps_are_401_before_the_signature(stamp: str) -> None:
    verdict = verify(b"{}", stamp, "v0=" + "0" * 64, SECRET)
    assert verdict is not None and (verdict.status, verdict.reason) == (401, "malformed timestamp")


def test_an_unsigned_body_is_never_parsed() -> None:
    body = b'{"type": "event_callback", "event": ' + b"[" * 100_000
    verdict = check(environ(body, {"Content-Type": "application/json", "X-Slack-Request-Timestamp":
                                   str(int(time.time())), "X-Slack-Signature": "v0=" + "a" * 64}), SECRET)
    assert (verdict.status, verdict.reason) == (401, "bad signature")


def test_a_signed_valid_mention_passes_with_its_body() -> None:
    text, ctype = event_body(payloads.mention("who patches rds"))
    verdict = check(environ(text.encode(), headers(text, ctype)), SECRET)
    assert verdict.passes and verdict.body == text and verdict.reason == "app_mention"


def test_a_signed_message_shortcut_passes() -> None:
    text, ctype = action_body(payloads.shortcut("message_securityhub_attachments", "https://hooks.slack.com/app/x"))
    verdict = check(environ(text.encode(), headers(text, ctype)), SECRET)
    assert verdict.passes and verdict.reason == "message_action"


@pytest.mark.parametrize(("key", "value", "status"), [
    ("message", None, 400), ("message", [], 400), ("user", {"name": "x"}, 400), ("callback_id", 5, 400),
    ("callback_id", "another_shortcut", 200), ("type", "shortcut", 200), ("channel", 7, 400),
])
def test_message_shortcut_shapes(key: str, value: object, status: int) -> None:
    body = payloads.shortcut("message_securityhub_blocks", "https://hooks.slack.com/app/x")
    if value is None:
        body.pop(key)
    else:
        body[key] = value
    text, ctype = action_body(body)
    assert check(environ(text.encode(), headers(text, ctype)), SECRET).status == status
