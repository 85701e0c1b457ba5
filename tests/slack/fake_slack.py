"""A local stand-in for the Slack Web API and response_url endpoints that records every call.

Runs a real HTTP server on 127.0.0.1 (random port). Tests point SLACK_API_BASE_URL at `<url>/api/` and
put `<url>/response/<name>` in payloads as the response_url.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER_ID = "UBOTSRM01"
BOT_ID = "BBOTSRM01"


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int
    at: float  # time.monotonic() on arrival, for benchmarks


@dataclass
class Workspace:
    """A workspace (or an Enterprise Grid org, org_install) that installs srm through OAuth: oauth.v2.access
    with `code` returns its bot token; auth.test with that token answers for it."""

    code: str
    team: str | None
    token: str
    enterprise: str | None = None
    org_install: bool = False
    refresh_token: str | None = None  # token rotation on: the bot token expires after `expires_in` seconds
    expires_in: int = 43_200
    bot_user: str = BOT_USER_ID
    bot_id: str = BOT_ID

    def access(self) -> dict[str, Any]:
        reply: dict[str, Any] = {
            "ok": True, "app_id": "A111", "token_type": "bot", "access_token": self.token,
            "scope": "commands,app_mentions:read,chat:write,im:history,assistant:write",
            "bot_user_id": self.bot_user, "authed_user": {"id": "UINSTALLER"},
            "team": {"id": self.team, "name": f"Team {self.team}"} if self.team else None,
            "enterprise": {"id": self.enterprise, "name": "Org"} if self.enterprise else None,
            "is_enterprise_install": self.org_install}
        if self.refresh_token:
            reply.update(refresh_token=self.refresh_token, expires_in=self.expires_in)
        return reply


@dataclass(frozen=True)
class Faults:
    """Random faults on calls whose path starts with one of `paths`: HTTP 500s, and hangs that end with a
    dropped connection (never delivered). Seeded, so a run can be repeated."""

    paths: tuple[str, ...] = ("/api/chat.postMessage", "/response/")
    error_rate: float = 0.0
    hang_rate: float = 0.0
    hang_seconds: float = 10.0
    seed: int = 1


HANG = -1  # Call.status of a call the stand-in held and then dropped without an answer


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default of 5 drops connections under 20 concurrent senders
    daemon_threads = True


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._scripted: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = defaultdict(list)
        self._hangs: dict[str, list[threading.Event | float]] = defaultdict(list)
        self.arrivals: list[str] = []  # every path, recorded when the request arrives (calls: when answered)
        self.faults = Faults()
        self.workspaces: list[Workspace] = []  # OAuth installs (add_workspace)
        self.refreshes = 0
        self._random = random.Random(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                with fake._lock:
                    fake.arrivals.append(self.path)
                if fake._hang(self.path):
                    with fake._lock:
                        fake.calls.append(Call(self.path, dict(self.headers), body, HANG, time.monotonic()))
                    self.close_connection = True
                    return
                status, headers, reply = fake._reply(self.path, body, self.headers.get("Authorization", ""))
                with fake._lock:
                    fake.calls.append(Call(self.path, dict(self.headers), body, status, time.monotonic()))
                data = json.dumps(reply).encode() if isinstance(reply, dict) else str(reply).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json" if isinstance(reply, dict) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (its timeout): nothing to deliver to
                    self.wfile.write(data)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def script(self, path: str, status: int, headers: dict[str, str] | None = None,
               body: dict[str, Any] | None = None) -> None:
        """The next call to `path` gets this reply instead of the normal one."""
        self._scripted[path].append((status, headers or {}, body or {"ok": False, "error": "ratelimited"}))

    def add_workspace(self, workspace: Workspace) -> Workspace:
        with self._lock:
            self.workspaces.append(workspace)
        return workspace

    def _workspace(self, **match: Any) -> Workspace | None:
        with self._lock:
            return next((w for w in self.workspaces if all(getattr(w, k) == v for k, v in match.items())), None)

    def _oauth(self, body: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: a code from an install, or (token rotation) a refresh token for a new bot token."""
        if body.get("grant_type") == "refresh_token":
            w = self._workspace(refresh_token=body.get("refresh_token"))
            if w is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            with self._lock:
                self.refreshes += 1
                w.token = f"{w.token.split('~')[0]}~{self.refreshes}"  # a new bot token for every refresh
            return {**w.access(), "expires_in": w.expires_in}
        w = self._workspace(code=body.get("code"))
        return w.access() if w else {"ok": False, "error": "invalid_code"}

    def _auth_test(self, token: str) -> dict[str, Any]:
        w = self._workspace(token=token)
        if w is None:  # the single-workspace token of most tests
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": "T111",
                    "user": "srm", "team": "Test", "url": "https://test.slack.com/"}
        return {"ok": True, "user_id": w.bot_user, "bot_id": w.bot_id, "team_id": w.team,
                "enterprise_id": w.enterprise, "is_enterprise_install": w.org_install, "user": "srm",
                "team": f"Team {w.team}", "url": "https://test.slack.com/"}

    def tokens_used(self, path: str) -> list[str]:
        """The bot token each call to `path` carried (Authorization: Bearer …)."""
        return [c.headers.get("Authorization", "").removeprefix("Bearer ") for c in self.received(path)]

    def hang(self, path: str, seconds: float = 10.0, times: int = 1) -> None:
        """The next `times` calls to `path` are held for `seconds`, then dropped without an answer."""
        with self._lock:
            self._hangs[path].extend([seconds] * times)

    def hold(self, path: str) -> threading.Event:
        """The next call to `path` is held until the returned event is set (at most 60 s), then dropped."""
        release = threading.Event()
        with self._lock:
            self._hangs[path].append(release)
        return release

    def inject(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._random = random.Random(faults.seed)

    def _hang(self, path: str) -> bool:
        with self._lock:
            how = self._hangs[path].pop(0) if self._hangs[path] else None
            f = self.faults
            if how is None and f.hang_rate and path.startswith(f.paths) and self._random.random() < f.hang_rate:
                how = f.hang_seconds
        if how is None:
            return False
        if isinstance(how, threading.Event):
            how.wait(60)
        else:
            time.sleep(how)
        return True

    def _reply(self, path: str, body: dict[str, Any], auth: str = "") -> tuple[int, dict[str, str], Any]:
        with self._lock:
            if self._scripted[path]:
                return self._scripted[path].pop(0)
            f = self.faults
            if f.error_rate and path.startswith(f.paths) and self._random.random() < f.error_rate:
                return 500, {}, "internal error"
        if path.startswith("/response/"):
            return 200, {}, "ok"
        method = path.removeprefix("/api/")
        if method == "auth.test":
            return 200, {}, self._auth_test(auth.removeprefix("Bearer ") or str(body.get("token", "")))
        if method == "oauth.v2.access":
            return 200, {}, self._oauth(body)
        if method == "chat.postMessage":
            return 200, {}, {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}",
                             "message": {"text": body.get("text", "")}}
        if method in ("views.publish", "views.open"):
            return 200, {}, {"ok": True, "view": {"id": "V1"}}
        if method == "chat.getPermalink":
            return 200, {}, {"ok": True, "channel": body.get("channel"),
                             "permalink": f"https://test.slack.com/archives/{body.get('channel')}/"
                                          f"p{str(body.get('message_ts', '')).replace('.', '')}"}
        return 200, {}, {"ok": True}

    def received(self, path: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.path == path and (where is None or where(c))]

    def delivered(self, path: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Calls Slack accepted (200): what a user would see."""
        return self.received(path, lambda c: c.status == 200 and (where is None or where(c)))

    def wait_arrival(self, path: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while path not in self.arrivals:
            assert time.monotonic() < deadline, f"nothing arrived at {path}"
            time.sleep(0.02)

    def wait_for(self, path: str, count: int = 1, *, where: Callable[[Call], bool] | None = None,
                 timeout: float = 10.0) -> list[Call]:
        """Listeners answer after the ack, on other threads or processes: poll until the calls arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(path, where)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} call(s) to {path}, got {len(self.received(path, where))}: "
                             f"{[(c.path, c.status) for c in self.calls[-10:]]}")

    def settle(self, seconds: float = 0.5) -> None:
        """Give background listeners time to make calls that must NOT happen."""
        time.sleep(seconds)
