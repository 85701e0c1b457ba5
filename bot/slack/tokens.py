"""Which bot token answers a question: the one SLACK_BOT_TOKEN, or in OAuth mode the token of the workspace (or
Enterprise Grid org, for an org-wide install) that asked, kept in the database by the installation store.

Answers are sent after the ack, on the answer pool, sometimes by another process (the sweeper), so the token is
looked up when the answer is sent, never stored with the question. With token rotation on, a bot token lives
12 hours: a token that expires within two hours is refreshed (oauth.v2.access, grant_type=refresh_token) and
saved before use, whether the lookup comes from Bolt's authorize or from the answer pool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.slack.work import Job
from bot.store.installations import Installations

log = logging.getLogger("srm.tokens")

REFRESH_MINUTES = 120  # Bolt's default: refresh a rotating token that expires within this many minutes


class Tokens(Protocol):
    def for_job(self, job: Job) -> str | None:
        """The bot token to answer `job` with; None when its workspace has no installation (any more)."""
        ...


@dataclass(frozen=True)
class OneWorkspace:
    """Single-workspace mode: SLACK_BOT_TOKEN for everything."""

    token: str

    def for_job(self, job: Job) -> str | None:
        return self.token or None


class Installed:
    """OAuth mode: each workspace's bot, from the installation store, refreshed when it is about to expire."""

    def __init__(self, store: Installations, client_id: str, client_secret: str, client: WebClient):
        self.store = store
        self.rotator = TokenRotator(client_id=client_id, client_secret=client_secret, client=client)

    def bot(self, enterprise: str | None, team: str | None, org_install: bool) -> Bot | None:
        bot = self.store.find_bot(enterprise_id=enterprise, team_id=team, is_enterprise_install=org_install)
        if bot is None or not bot.bot_refresh_token:
            return bot
        refreshed = self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=REFRESH_MINUTES)
        if refreshed is None:
            return bot
        self.store.save_bot(refreshed)
        return refreshed

    def for_job(self, job: Job) -> str | None:
        try:
            bot = self.bot(job.enterprise, job.team, job.org_install)
        except Exception as exc:  # the database, or a refused refresh: this answer cannot go out
            log.error("no bot token", extra={"question_id": job.key, "team": job.team, "error": repr(exc)[:300]})
            return None
        return bot.bot_token if bot else None


class InstalledAuthorize(Authorize):
    """Bolt's authorize for OAuth mode, from the stored bot alone. Bolt's InstallationStoreAuthorize also calls
    auth.test on every request, which would put a Web API round trip (and Slack's latency) before every ack;
    the installation row already holds what auth.test would say (bot id, bot user id, team, scopes)."""

    def __init__(self, installed: Installed):
        self.installed = installed

    def __call__(self, *, context: BoltContext, enterprise_id: str | None, team_id: str | None,
                 user_id: str | None, **_: Any) -> AuthorizeResult | None:
        bot = self.installed.bot(enterprise_id, team_id, bool(context.is_enterprise_install))
        if bot is None:
            return None  # not installed (or uninstalled): Bolt answers nothing to this team
        return AuthorizeResult(enterprise_id=bot.enterprise_id, team_id=bot.team_id, user_id=user_id,
                               bot_id=bot.bot_id, bot_user_id=bot.bot_user_id, bot_token=bot.bot_token,
                               bot_scopes=bot.bot_scopes)
