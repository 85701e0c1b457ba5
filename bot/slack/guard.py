"""The front door for POST /slack/events: size, signature, then shape — before Bolt parses anything.

Order matters. A body over the limit gets 413 from its Content-Length alone, and reads are capped, so an
unauthenticated client cannot make a worker hold 50 MB. The timestamp and signature are checked on the raw
bytes (401), so nothing from an unsigned request is decoded or parsed. Only then is the body decoded and
parsed (400 when it is not UTF-8, not JSON, or has the wrong types where Bolt or srm reads a field), and
payload types srm does not handle get 200 and are ignored — Bolt never sees a request it could trip on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_BODY_BYTES = 1_000_000  # Slack's payloads are a few KB; 1 MB is generous
MAX_FORM_FIELDS = 100
MAX_CLOCK_SKEW = 300  # Slack's rule: reject requests more than five minutes old (or ahead)
HANDLED_EVENTS = {"app_mention": ("channel", "ts"), "message": ("channel",), "app_home_opened": ("user",),
                  "app_uninstalled": (), "tokens_revoked": ()}  # the last two: OAuth mode forgets the team
HANDLED_COMMANDS = {"/srm"}
HANDLED_INTERACTIONS = {"block_actions", "message_action", "view_submission"}
HANDLED_SHORTCUTS = {"who_owns_this"}  # message shortcuts' callback_id (manifest.yaml)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

log = logging.getLogger("srm.guard")


@dataclass(frozen=True)
class Verdict:
    """What the guard decided: pass `body` on to Bolt, or answer `status` itself."""

    status: int
    reason: str
    body: str = ""

    @property
    def passes(self) -> bool:
        return self.status == 0


PASS = 0


# ---- shapes: only the fields Bolt's request parsing or srm's listeners read, with the types they assume --

class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Ref(_Model):
    id: str | None = None
    team_id: str | None = None
    enterprise_id: str | None = None


class Who(_Model):
    id: str


class Authorization(_Model):
    enterprise_id: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    is_enterprise_install: bool | None = None
    is_bot: bool | None = None


class Common(_Model):
    type: str | None = None
    team: str | Ref | None = None
    enterprise: str | Ref | None = None
    user: str | Ref | None = None
    channel: str | Ref | None = None
    team_id: str | None = None
    enterprise_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    text: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    event_ts: str | None = None
    bot_id: str | None = None
    subtype: str | None = None
    channel_type: str | None = None
    tab: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    is_ext_shared_channel: bool | None = None
    is_enterprise_install: bool | None = None
    authorizations: list[Authorization] | None = None
    message: Common | None = None
    previous_message: Common | None = None
    item: Common | None = None
    view: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None


class Event(Common):
    type: str


class EventCallback(Common):
    type: Literal["event_callback"]
    event_id: str = Field(min_length=1, max_length=200)
    event: Event


class UrlVerification(_Model):
    type: Literal["url_verification"]
    challenge: str


class Action(_Model):
    action_id: str
    value: str | None = None
    block_id: str | None = None
    type: str | None = None
    action_ts: str | None = None


class Container(_Model):
    type: str | None = None
    is_ephemeral: bool | None = None


class BlockActions(Common):
    type: Literal["block_actions"]
    user: Who
    actions: list[Action] = Field(min_length=1, max_length=25)
    container: Container | None = None


class MessageAction(Common):
    """A message shortcut: the message it was used on, and where to answer (response_url)."""

    type: Literal["message_action"]
    callback_id: str
    trigger_id: str = Field(min_length=1, max_length=300)
    response_url: str = Field(pattern=r"^https?://")
    user: Who
    message: dict[str, Any]  # read defensively, every field of any type (bot.slack.message_text)
    message_ts: str | None = None


class ViewState(_Model):
    values: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class SubmittedView(_Model):
    id: str
    type: str  # Bolt reads it (workflow steps) before any listener runs
    callback_id: str
    team_id: str | None = None
    private_metadata: str = ""
    state: ViewState = Field(default_factory=ViewState)


class ViewSubmission(Common):
    """A submitted modal ("Suggest a correction"): its inputs' state and what the button put in its metadata."""

    type: Literal["view_submission"]
    user: Who
    view: SubmittedView  # type: ignore[assignment]
    response_urls: list[dict[str, Any]] = Field(default_factory=list)  # Bolt reads the first one


class Command(_Model):
    command: str
    text: str = ""
    response_url: str = Field(pattern=r"^https?://")
    user_id: str
    team_id: str | None = None
    channel_id: str | None = None
    trigger_id: str | None = None


Common.model_rebuild()


# ---- the checks, in order ------------------------------------------------------------------------------

def read_capped(environ: dict[str, Any], limit: int = MAX_BODY_BYTES) -> bytes | Verdict:
    """The body, read at most limit + 1 bytes; 413 from Content-Length before reading anything."""
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    if declared and not declared.isdigit():
        return Verdict(400, "bad content-length")
    if declared and int(declared) > limit:
        return Verdict(413, "body too large")
    stream = environ.get("wsgi.input")
    want = min(int(declared), limit + 1) if declared else limit + 1  # chunked: no length, still capped
    body = stream.read(want) if stream is not None and want else b""
    if len(body) > limit:
        return Verdict(413, "body too large")
    return body


def verify(body: bytes, timestamp: str, signature: str, secret: str, now: float | None = None) -> Verdict | None:
    """None when Slack signed this body recently; otherwise 401 (malformed, stale or forged)."""
    if not _TIMESTAMP.fullmatch(timestamp):
        return Verdict(401, "malformed timestamp")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_CLOCK_SKEW:
        return Verdict(401, "stale timestamp")
    if not _SIGNATURE.fullmatch(signature):
        return Verdict(401, "malformed signature")
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest("v0=" + expected, signature):
        return Verdict(401, "bad signature")
    return None


def classify(text: str, content_type: str) -> Verdict:
    """Parse and check the shape. PASS for what Bolt should see, 200 for types srm ignores, 400 otherwise."""
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            return _json_payload(json.loads(text))
        if kind == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FORM_FIELDS)
            fields = {k: v[0] for k, v in form.items()}
            if "payload" in fields:
                return _interaction(json.loads(fields["payload"]))
            return _command(fields)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and too many fields are ValueErrors
        return Verdict(400, f"unparsable body: {type(exc).__name__}")
    except ValidationError as exc:
        return Verdict(400, f"unexpected shape: {_where(exc)}")
    return Verdict(400, "unsupported content type")


def _where(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"])[:100] or first["type"]


def _json_payload(data: object) -> Verdict:
    if not isinstance(data, dict):
        return Verdict(400, "payload is not an object")
    kind = data.get("type")
    if kind == "url_verification":
        UrlVerification.model_validate(data)
        return Verdict(PASS, "url_verification")
    if kind != "event_callback":
        return Verdict(200, "ignored payload type")
    event = data.get("event")
    if isinstance(event, dict) and isinstance(event.get("type"), str) and event["type"] not in HANDLED_EVENTS:
        return Verdict(200, "ignored event type")  # whatever its shape: srm does not read it
    envelope = EventCallback.model_validate(data)
    required = HANDLED_EVENTS[envelope.event.type]
    missing = [f for f in required if not isinstance(getattr(envelope.event, f), str)]
    if missing:
        return Verdict(400, f"event lacks {', '.join(missing)}")
    return Verdict(PASS, envelope.event.type)


def _interaction(data: object) -> Verdict:
    if not isinstance(data, dict):
        return Verdict(400, "payload is not an object")
    if not isinstance(data.get("type"), str) or data["type"] not in HANDLED_INTERACTIONS:
        return Verdict(200, "ignored interaction type")
    if data["type"] == "message_action":
        if isinstance(data.get("callback_id"), str) and data["callback_id"] not in HANDLED_SHORTCUTS:
            return Verdict(200, "ignored shortcut")
        MessageAction.model_validate(data)
    else:
        (BlockActions if data["type"] == "block_actions" else ViewSubmission).model_validate(data)
    return Verdict(PASS, data["type"])


def _command(fields: dict[str, str]) -> Verdict:
    if "command" not in fields:
        return Verdict(400, "no command")
    if fields["command"] not in HANDLED_COMMANDS:
        return Verdict(200, "ignored command")
    Command.model_validate(fields)
    return Verdict(PASS, "command")


def check(environ: dict[str, Any], secret: str) -> Verdict:
    """Everything above, in order, for one request."""
    body = read_capped(environ)
    if isinstance(body, Verdict):
        return body
    rejected = verify(body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                      environ.get("HTTP_X_SLACK_SIGNATURE", ""), secret)
    if rejected is not None:
        return rejected
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict(400, "body is not UTF-8")
    verdict = classify(text, environ.get("CONTENT_TYPE", ""))
    return Verdict(verdict.status, verdict.reason, text) if verdict.passes else verdict


# ---- the WSGI middleware ---------------------------------------------------------------------------------

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Dispatch = Callable[[str, dict[str, Any]], tuple[int, dict[str, str], str]]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            413: "Payload Too Large", 503: "Service Unavailable"}


def reply(start_response: Callable[..., Any], status: int, body: bytes = b"",
          headers: dict[str, str] | None = None) -> list[bytes]:
    out = {"Content-Type": "text/plain; charset=utf-8", **(headers or {}), "Content-Length": str(len(body))}
    start_response(f"{status} {_REASONS.get(status, 'Unknown')}", list(out.items()))
    return [body]


def protect(dispatch: Dispatch, secret: str, path: str = "/slack/events") -> WSGIApp:
    """WSGI app for `path`: the guard, then `dispatch(verified_body, environ)` for what passes."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != path:
            return reply(start_response, 404, b"Not Found")
        if environ.get("REQUEST_METHOD") != "POST":
            return reply(start_response, 405, headers={"Allow": "POST"})
        verdict = check(environ, secret)
        if not verdict.passes:
            if verdict.status >= 400:
                log.info("request rejected", extra={"status": verdict.status, "reason": verdict.reason})
            return reply(start_response, verdict.status)
        status, headers, body = dispatch(verdict.body, environ)
        if status == 404:  # Bolt found no listener: a type srm ignores, not a missing page
            status, body = 200, ""
        return reply(start_response, status, body.encode(), headers)

    return application
