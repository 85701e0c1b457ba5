"""Settings from the environment (contract 3 in DESIGN.md). Missing values fail with one line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.paths import default_dir
from bot.store.db import database_url
from bot.store.records import Privacy

SLACK_API_DEFAULT = "https://slack.com/api/"


class ConfigError(Exception):
    """One line that names what is missing or wrong."""


@dataclass(frozen=True)
class OAuth:
    """SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: install in many workspaces (each team's bot token is kept in the
    database, bot.slack.tokens) instead of one SLACK_BOT_TOKEN."""

    client_id: str
    client_secret: str
    redirect_uri: str | None = None  # SLACK_REDIRECT_URI: only when the app lists several redirect URLs


@dataclass(frozen=True)
class Settings:
    bot_token: str  # "" in OAuth mode: every workspace has its own, looked up per request
    signing_secret: str | None
    app_token: str | None
    api_base_url: str
    port: int
    knowledge_dir: Path
    database_url: str  # SRM_DATABASE_URL (bot.store): claims, thread context, quiz progress, records
    claim_lease: float = 30.0  # seconds before an unfinished claim may be taken over
    delivery_deadline: float = 15.0  # seconds of retries for one answer's messages
    call_timeout: float = 3.0  # seconds for one HTTP call to Slack
    answer_threads: int = 32  # answer pool threads per process (they mostly wait on Slack)
    privacy: Privacy = field(default_factory=Privacy)  # what the learning loop keeps, and for how long
    admins: frozenset[str] = frozenset()  # SRM_ADMINS: user ids who see the week's gaps on the Home tab
    escalation_channel: str | None = None  # SRM_ESCALATION_CHANNEL: where "Ask the security team" posts
    health_port: int | None = None  # SRM_HEALTH_PORT: the Socket Mode worker's /healthz, /readyz, /metrics
    oauth: OAuth | None = None  # many workspaces (install at /slack/install); None: SLACK_BOT_TOKEN, one workspace

    @classmethod
    def from_env(cls, *, mode: str, env: Mapping[str, str] | None = None) -> Settings:
        """mode is "http" (needs the signing secret) or "socket" (needs the app-level token)."""
        env = os.environ if env is None else env
        oauth = _oauth(env)
        required = ["SLACK_SIGNING_SECRET" if mode == "http" else "SLACK_APP_TOKEN"]
        if oauth is None:
            required.insert(0, "SLACK_BOT_TOKEN")
        for name in required:
            if not env.get(name, "").strip():
                raise ConfigError(f"{name} is not set; it is required to run srm in {mode} mode (see README).")
        port = env.get("PORT", "3000")
        if not port.isdigit():
            raise ConfigError(f"PORT must be a number, got {port!r}")
        health_port = env.get("SRM_HEALTH_PORT", "").strip()
        if health_port and not (health_port.isdigit() and 0 < int(health_port) < 65536):
            raise ConfigError(f"SRM_HEALTH_PORT must be a port number, got {health_port!r}")
        base = env.get("SLACK_API_BASE_URL", "").strip() or SLACK_API_DEFAULT
        knowledge = env.get("SRM_KNOWLEDGE_DIR", "").strip()
        lease = _number(env, "SRM_CLAIM_LEASE_SECONDS", 30.0)
        deadline = _number(env, "SRM_DELIVERY_DEADLINE_SECONDS", 15.0)
        timeout = _number(env, "SRM_CALL_TIMEOUT_SECONDS", 3.0)
        if lease < deadline + timeout + 1:  # else a slow but live answer could be taken over and sent twice
            raise ConfigError(f"SRM_CLAIM_LEASE_SECONDS ({lease:g}) must exceed SRM_DELIVERY_DEADLINE_SECONDS "
                              f"+ SRM_CALL_TIMEOUT_SECONDS + 1 ({deadline + timeout + 1:g})")
        return cls(
            bot_token="" if oauth else env["SLACK_BOT_TOKEN"].strip(),
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
            app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
            api_base_url=base if base.endswith("/") else base + "/",  # slack_sdk joins with urljoin
            port=int(port),
            knowledge_dir=Path(knowledge) if knowledge else default_dir(),
            database_url=database_url(env),
            claim_lease=lease,
            delivery_deadline=deadline,
            call_timeout=timeout,
            answer_threads=int(_number(env, "SRM_ANSWER_THREADS", 32)),
            privacy=_privacy(env),
            admins=frozenset(u.strip() for u in env.get("SRM_ADMINS", "").split(",") if u.strip()),
            escalation_channel=env.get("SRM_ESCALATION_CHANNEL", "").strip() or None,
            health_port=int(health_port) if health_port else None,
            oauth=oauth,
        )


def _oauth(env: Mapping[str, str]) -> OAuth | None:
    """Both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, or neither (then SLACK_BOT_TOKEN is the one workspace's)."""
    client_id = env.get("SLACK_CLIENT_ID", "").strip()
    secret = env.get("SLACK_CLIENT_SECRET", "").strip()
    if bool(client_id) != bool(secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise ConfigError(f"{missing} is not set; installing in several workspaces needs both SLACK_CLIENT_ID "
                          "and SLACK_CLIENT_SECRET (or neither, and SLACK_BOT_TOKEN for one workspace)")
    if not client_id:
        return None
    return OAuth(client_id, secret, env.get("SLACK_REDIRECT_URI", "").strip() or None)


def _privacy(env: Mapping[str, str]) -> Privacy:
    try:
        return Privacy.from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise ConfigError(f"{name} must be a positive number, got {raw!r}")
    return value
