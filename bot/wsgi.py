"""The production HTTP entry point: `gunicorn 'bot.wsgi:create()'` (see Procfile and gunicorn_conf.py).

POST /slack/events goes through the guard (bot.slack.guard: size, signature, shape) and then Bolt; events,
slash commands and interactivity are acked at once and answered by the answer pool (bot.slack.work).
In OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) GET /slack/install and GET /slack/oauth_redirect run
Bolt's OAuth flow, and each workspace is answered with its own bot token (bot.slack.tokens).
GET /healthz reports status and the knowledge base's version and counts; GET /readyz says whether the
knowledge base is loaded and the database answers (503 naming the failed check: with the database down,
answers still go out, but nothing is recorded or shared); GET /metrics is Prometheus text (bot.ops,
bot.metrics).
gunicorn's hooks call `start` in each worker (the sweeper) and `stop` when the worker exits (drain
in-flight answers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

from bot import logs, ops
from bot.engine import Engine
from bot.slack.app import build_app_verified, build_store, build_work, installation_store
from bot.slack.guard import protect, reply
from bot.slack.work import Work
from bot.startup import prepare
from bot.store import Store

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


health_body = ops.health_body  # where it was first defined; kept for callers


def bolt_dispatch(app: App) -> Callable[[str, dict[str, Any]], tuple[int, dict[str, str], str]]:
    """Hand a body the guard has verified to Bolt (which checks the signature again: cheap, and harmless)."""

    def dispatch(body: str, environ: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        headers = WsgiHttpRequest(environ).get_headers()
        r = app.dispatch(BoltRequest(body=body, query=environ.get("QUERY_STRING", ""), headers=headers))
        kept = {k: v for k, v in r.first_headers().items() if k.lower() != "content-length"}
        return r.status, kept, r.body

    return dispatch


OAuthRoute = Callable[[BoltRequest], BoltResponse]


def oauth_routes(app: App) -> dict[str, OAuthRoute]:
    """OAuth mode: GET /slack/install (the "Add to Slack" page, with a fresh state) and GET /slack/oauth_redirect
    (Slack sends the installer back with a code, exchanged at oauth.v2.access and stored). None otherwise."""
    flow = app.oauth_flow
    if flow is None:
        return {}
    return {flow.install_path: flow.handle_installation, flow.redirect_uri_path: flow.handle_callback}


def serve_oauth(route: OAuthRoute, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    req = BoltRequest(body="", query=environ.get("QUERY_STRING", ""), headers=WsgiHttpRequest(environ).get_headers())
    r = route(req)
    body = r.body.encode() if isinstance(r.body, str) else bytes(r.body)
    headers = [(k, v) for k, values in r.headers.items() if k.lower() != "content-length" for v in values]
    start_response(f"{r.status} {HTTPStatus(r.status).phrase}", [*headers, ("Content-Length", str(len(body)))])
    return [body]


class Server:
    """The WSGI app gunicorn serves, with the background work each worker runs."""

    def __init__(self, slack: WSGIApp, engine: Engine, work: Work, drain_seconds: float,
                 store: Store | None = None, oauth: dict[str, OAuthRoute] | None = None,
                 installations: ops.Pingable | None = None):
        self.slack = slack
        self.work = work
        self.drain_seconds = drain_seconds
        self.engine = engine
        self.health = health_body(engine)
        self.store = store
        self.oauth = oauth or {}
        self.installations = installations

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path in ("/healthz", "/readyz", "/metrics"):
            if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
                return reply(start_response, 405, headers={"Allow": "GET"})
            status, body, kind = ops.route(path, self.engine, self.store, self.health,
                                           self.installations) or (404, b"", "text/plain")
            return reply(start_response, status, body, {"Content-Type": kind})
        if path in self.oauth:
            if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
                return reply(start_response, 405, headers={"Allow": "GET"})
            return serve_oauth(self.oauth[path], environ, start_response)
        return self.slack(environ, start_response)

    def start(self) -> None:
        self.work.start_background()

    def stop(self) -> None:
        self.work.stop(self.drain_seconds)


def create() -> Server:
    logs.setup()
    settings, engine = prepare("http")
    store = build_store(settings)
    work = build_work(settings, engine, store)
    app = build_app_verified(settings, work)
    drain = settings.delivery_deadline + settings.call_timeout  # the longest one answer can take
    return Server(protect(bolt_dispatch(app), settings.signing_secret or ""), engine, work, drain, store,
                  oauth_routes(app), installation_store(work))
