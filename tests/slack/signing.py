"""Requests signed exactly as Slack signs them: v0=HMAC_SHA256(secret, "v0:{ts}:{body}")."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

SECRET = "test-signing-secret"


def signature(body: str, ts: str, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def headers(body: str, content_type: str, *, ts: int | None = None, secret: str = SECRET,
            extra: dict[str, str] | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(body, stamp, secret), **(extra or {})}


def event_body(payload: dict[str, Any]) -> tuple[str, str]:
    return json.dumps(payload), "application/json"


def command_body(fields: dict[str, str]) -> tuple[str, str]:
    return urlencode(fields), "application/x-www-form-urlencoded"


def action_body(payload: dict[str, Any]) -> tuple[str, str]:
    return f"payload={quote(json.dumps(payload))}", "application/x-www-form-urlencoded"
