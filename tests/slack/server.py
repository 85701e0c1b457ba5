"""Run the Procfile's `web:` process (gunicorn) against a FakeSlack, and talk to it over real HTTP."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT
from tests.slack import signing


def web_env(api_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a web process answering one workspace through the recording stand-in at `api_url`."""
    return {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": signing.SECRET, "SLACK_API_BASE_URL": api_url,
            "SRM_DATABASE_URL": database_url, "WEB_CONCURRENCY": "2", **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(kind: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == kind:
            return shlex.split(command.strip())
    raise AssertionError(f"Procfile has no {kind}: process")


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


class WebProcess:
    def __init__(self, env: dict[str, str], cwd: Path = ROOT, app: str | None = None):
        self.port = free_port()
        command = [arg.replace("$PORT", str(self.port)) for arg in procfile_command("web")]  # as a shell would
        command[0] = str(Path(sys.executable).with_name(command[0]))  # gunicorn from this venv
        if app is not None:  # the same server settings with another WSGI app (the benchmark's floor)
            command[-1] = app
        self.env = {**os.environ, **env, "PORT": str(self.port)}
        # Logs go to a file, not a pipe: an unread pipe fills up and blocks the server mid-request.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(command, cwd=cwd, env=self.env, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 30.0, health: bool = True) -> None:
        """Until GET /healthz answers 200 (or, with health=False, until anything answers)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"web process exited: {self.output()[-2000:]}")
            try:
                status = self.get("/healthz").status
                if status == 200 or not health:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("web process did not become ready")

    def stop(self) -> str:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        text = self.output()
        self.log.close()
        return text

    def output(self) -> str:
        if self.log.closed:
            return ""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def request(self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> Response:
        return self.request_bytes(method, path, body.encode() if method == "POST" else b"", headers or {})

    def request_bytes(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Response:
        req = urllib.request.Request(self.url + path, data=body, headers=headers, method=method)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return Response(r.status, r.read(), time.perf_counter() - start, list(r.headers.items()))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read(), time.perf_counter() - start, list(e.headers.items()))

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_signed(self, body_and_type: tuple[str, str], *, ts: int | None = None,
                    secret: str = signing.SECRET, extra: dict[str, str] | None = None) -> Response:
        body, content_type = body_and_type
        return self.request("POST", "/slack/events", body,
                            signing.headers(body, content_type, ts=ts, secret=secret, extra=extra))
