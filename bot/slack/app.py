"""The Bolt app factory. Nothing Slack-related is built at import time, so tests inject a client."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.config import Settings
from bot.engine import Engine
from bot.slack import listeners
from bot.slack.dedupe import EventStore

LISTENER_THREADS = 16  # Bolt's default of 5 starves under a burst of mentions


def web_client(settings: Settings) -> WebClient:
    """Web API client: retries a 429 after Retry-After (twice at most) and one dropped connection."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_base_url,
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def build_app(settings: Settings, engine: Engine, *, client: WebClient | None = None,
              events: EventStore | None = None) -> App:
    app = App(
        client=client or web_client(settings),
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=settings.signing_secret is not None,  # off only for Socket Mode
        token_verification_enabled=False,  # no network call at start; auth.test runs on first request
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="srm"),
        logger=logging.getLogger("srm.slack"),
    )
    store = events or EventStore(settings.event_store)

    @app.middleware
    def answer_each_event_once(body: dict, next, logger: logging.Logger) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not store.claim(event_id):
            logger.info("duplicate event ignored", extra={"event_id": event_id})
            return BoltResponse(status=200, body="")
        return next()

    @app.error
    def log_errors(error: Exception, body: dict, logger: logging.Logger) -> None:
        logger.error("listener failed", exc_info=error,
                     extra={"payload_type": body.get("type") or body.get("command")})

    listeners.register(app, engine)
    return app
