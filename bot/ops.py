"""Health, readiness and metrics, for both processes (contract 7 in DESIGN.md).

`GET /healthz`: the process is alive; cheap, touches nothing (a container engine or load balancer polls it).
`GET /readyz`: the process can do its job: the knowledge base is loaded and not empty, and the database
answers. 503 otherwise, with a JSON body that names the check that failed.
`GET /metrics`: Prometheus text (bot.metrics).

The web process serves these through its WSGI app (bot.wsgi); the Socket Mode worker has no HTTP server of
its own, so `serve` runs a small stdlib one on a daemon thread when `SRM_HEALTH_PORT` is set.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from bot import metrics
from bot.engine import Engine
from bot.store import Store

log = logging.getLogger("srm.ops")

JSON = "application/json"


def health_body(engine: Engine) -> bytes:
    kb = engine.kb
    return json.dumps({"status": "ok", "knowledge": {"version": kb.version, **kb.counts()}}).encode()


def knowledge_loaded(engine: Engine | None) -> bool:
    """An engine whose knowledge base has services and duties: something to answer with."""
    if engine is None:
        return False
    try:
        counts = engine.kb.counts()
    except Exception:  # a knowledge base that cannot even count itself is not loaded
        return False
    return counts.get("services", 0) > 0 and counts.get("duties", 0) > 0


class Pingable(Protocol):
    def ping(self) -> bool: ...


def readiness(engine: Engine | None, store: Store | None,
              installations: Pingable | None = None) -> tuple[int, bytes]:
    """(status, JSON body): 200 when every check passes, else 503 naming the ones that failed. In OAuth mode
    the installation store is checked too: without it no workspace's token can be found."""
    checks = {"knowledge": "ok" if knowledge_loaded(engine) else "failed",
              "database": "ok" if store is None or store.ping() else "unreachable"}
    if installations is not None:
        checks["installations"] = "ok" if installations.ping() else "unreachable"
    failed = [name for name, value in checks.items() if value != "ok"]
    body = {"status": "not ready" if failed else "ready", **checks}
    if failed:
        body["failed"] = failed
    return (503 if failed else 200), json.dumps(body).encode()


def route(path: str, engine: Engine | None, store: Store | None, health: bytes | None = None,
          installations: Pingable | None = None) -> tuple[int, bytes, str] | None:
    """(status, body, content type) for the three operations paths; None for any other path."""
    if path == "/healthz":
        return 200, health if health is not None else json.dumps({"status": "ok"}).encode(), JSON
    if path == "/readyz":
        status, body = readiness(engine, store, installations)
        return status, body, JSON
    if path == "/metrics":
        return 200, metrics.exposition(), metrics.CONTENT_TYPE
    return None


def serve(port: int, engine: Engine | None, store: Store | None, host: str = "0.0.0.0",
          installations: Pingable | None = None) -> ThreadingHTTPServer:
    """Serve /healthz, /readyz and /metrics on `port` from a daemon thread; returns the server (port 0: any)."""
    health = health_body(engine) if engine is not None else None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = route(self.path.split("?", 1)[0], engine, store, health, installations)
            status, body, kind = found if found is not None else (404, b'{"error": "not found"}', JSON)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, format: str, *args: Any) -> None:  # probes every few seconds: not worth a line
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="srm-health", daemon=True).start()
    log.info("health and metrics port open", extra={"port": server.server_address[1]})
    return server
