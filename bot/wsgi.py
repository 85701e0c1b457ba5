"""The production HTTP entry point: `gunicorn 'bot.wsgi:create()'` (see Procfile and gunicorn_conf.py).

POST /slack/events serves events, slash commands and interactivity through Bolt's WSGI adapter;
GET /healthz reports status and the knowledge base's version and counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import logs
from bot.engine import Engine
from bot.slack.app import build_app
from bot.startup import prepare

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def health_body(engine: Engine) -> bytes:
    kb = engine.kb
    return json.dumps({"status": "ok", "knowledge": {"version": kb.version, **kb.counts()}}).encode()


def wrap(slack: WSGIApp, engine: Engine) -> WSGIApp:
    health = health_body(engine)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
                start_response("405 Method Not Allowed", [("Allow", "GET"), ("Content-Length", "0")])
                return [b""]
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(health)))])
            return [health]
        return slack(environ, start_response)

    return application


def create() -> WSGIApp:
    logs.setup()
    settings, engine = prepare("http")
    return wrap(SlackRequestHandler(build_app(settings, engine), path="/slack/events"), engine)
