"""The Bolt app factory. Nothing Slack-related is built at import time, so tests inject a client."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.engine import EXAMPLES, Engine
from bot.render import blocks as bk
from bot.slack import listeners
from bot.slack.delivery import Deliverer, Timing
from bot.slack.learning import Loop
from bot.slack.listeners.replies import plan
from bot.slack.state import Surfaces
from bot.slack.tokens import REFRESH_MINUTES, Installed, InstalledAuthorize, OneWorkspace, Tokens
from bot.slack.work import AnswerPool, Work
from bot.store import Store, open_store
from bot.store.installations import Installations

log = logging.getLogger("srm.slack")


def web_client(settings: Settings) -> WebClient:
    """Bolt's own client (auth.test at start; in OAuth mode oauth.v2.access and token refreshes, tokenless).
    Answers are sent by bot.slack.delivery."""
    return WebClient(
        token=settings.bot_token or None,
        base_url=settings.api_base_url,
        timeout=settings.call_timeout,
        retry_handlers=[ConnectionErrorRetryHandler(), ServerErrorRetryHandler(max_retry_count=2),
                        RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def build_store(settings: Settings) -> Store:
    """The database (migrated, and records past their retention pruned, at start)."""
    store = open_store(settings.database_url, settings.privacy, lease=settings.claim_lease)
    store.health.run("prune", lambda: store.prune(settings.privacy.retention_days), 0)
    return store


def build_tokens(settings: Settings, store: Store) -> Tokens:
    """One SLACK_BOT_TOKEN, or in OAuth mode each workspace's bot from the installation store."""
    if settings.oauth is None:
        return OneWorkspace(settings.bot_token)
    return Installed(Installations(store, settings.oauth.client_id), settings.oauth.client_id,
                     settings.oauth.client_secret, web_client(settings))


def installation_store(work: Work) -> Installations | None:
    """The installation store in OAuth mode (for Bolt's OAuth flow and /readyz); None for one workspace."""
    return work.tokens.store if isinstance(work.tokens, Installed) else None


def build_work(settings: Settings, engine: Engine, store: Store | None = None) -> Work:
    """Claims, the answer pool and delivery: everything between the ack and the answer. The same database
    keeps each thread's context for follow-ups and each user's quiz progress (bot.slack.state), and records
    every answer and feedback click for `srm gaps` (bot.slack.learning)."""
    timing = Timing(call_timeout=settings.call_timeout, deadline=settings.delivery_deadline)
    home = bk.home_view(engine.kb, EXAMPLES)  # the same for everyone (plus each user's quiz progress); built once
    store = store or build_store(settings)
    state = Surfaces(store)
    tokens = build_tokens(settings, store)
    loop = Loop(store, settings.privacy, settings.escalation_channel, settings.admins, settings.api_base_url,
                settings.call_timeout, tokens)
    return Work(store=store.claims,
                pool=AnswerPool(settings.answer_threads, backlog=4 * settings.answer_threads),
                deliverer=Deliverer(settings.bot_token, settings.api_base_url, timing),
                plan=lambda job: plan(engine, home, job, state, loop), deadline=settings.delivery_deadline,
                tokens=tokens)


class _SameToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when given a client, then warns at every start that
    the token "will be unused" — passing token= too only adds the same warning. Our client carries that very
    token, so the line says nothing; it is dropped, and nothing else is."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_LOG = logging.getLogger("srm.slack")
_BOLT_LOG.addFilter(_SameToken())


BOT_SCOPES = ("commands", "app_mentions:read", "chat:write", "im:history", "assistant:write")  # = manifest.yaml


def oauth_settings(settings: Settings, tokens: Installed) -> OAuthSettings:
    """/slack/install and /slack/oauth_redirect: Bolt's OAuth flow, its state and installations in our database.
    Token rotation is Slack's app setting (manifest.oauth.yaml); rotating tokens are refreshed by `tokens`."""
    assert settings.oauth is not None
    return OAuthSettings(
        client_id=settings.oauth.client_id, client_secret=settings.oauth.client_secret, scopes=list(BOT_SCOPES),
        redirect_uri=settings.oauth.redirect_uri, installation_store=tokens.store,
        state_store=tokens.store.states(), token_rotation_expiration_minutes=REFRESH_MINUTES,
    )


def build_app(settings: Settings, work: Work, *, client: WebClient | None = None, verify_token: bool = False) -> App:
    oauth: dict = {}
    if settings.oauth is not None and isinstance(work.tokens, Installed):
        oauth = {"oauth_settings": oauth_settings(settings, work.tokens),
                 "authorize": InstalledAuthorize(work.tokens)}
        verify_token = False  # no token of its own: each workspace has one
    app = App(
        client=client or web_client(settings),
        **oauth,
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=settings.signing_secret is not None,  # off only for Socket Mode
        token_verification_enabled=verify_token,  # False: auth.test runs inside the first request
        # Listeners only claim and hand over (bot.slack.work), so they run in the request thread and the
        # ack is sent when they return: no listener pool to fill up, no ack that waits behind one.
        process_before_response=True,
        logger=_BOLT_LOG,
    )

    @app.error
    def log_errors(error: Exception, body: dict, logger: logging.Logger) -> None:
        logger.error("listener failed", exc_info=error,
                     extra={"payload_type": body.get("type") or body.get("command")})

    if oauth:
        app.enable_token_revocation_listeners()  # app_uninstalled, tokens_revoked: delete what they must
    listeners.register(app, work)
    return app


def build_app_verified(settings: Settings, work: Work) -> App:
    """auth.test once at start (in gunicorn's master, before forking), so that no worker's first ack waits on
    the Web API; if Slack cannot be reached now, Bolt calls it inside the first request instead."""
    try:
        return build_app(settings, work, verify_token=True)
    except Exception as exc:  # BoltError for a refused token, URLError and the like for the network
        log.warning("auth.test failed at start; Bolt will retry it on the first request",
                    extra={"error": repr(exc)[:300]})
        return build_app(settings, work)
