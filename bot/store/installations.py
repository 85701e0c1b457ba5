"""Slack installations in the same database: slack_sdk's SQLAlchemy installation and OAuth state stores.

The tables are created by migration 0002 (not by `create_tables`), and each store reaches the database through
the Store, so that after gunicorn's fork every worker uses its own connections.
"""

from __future__ import annotations

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from bot.store.store import Store

INSTALLATIONS, BOTS, STATES = "slack_installations", "slack_bots", "slack_oauth_states"
STATE_SECONDS = 600  # an install started and not finished within ten minutes starts again


def slack_tables(meta: sa.MetaData) -> list[sa.Table]:
    """slack_sdk's own table definitions (migration 0002 creates them)."""
    return [SQLAlchemyInstallationStore.build_installations_table(meta, INSTALLATIONS),
            SQLAlchemyInstallationStore.build_bots_table(meta, BOTS),
            SQLAlchemyOAuthStateStore.build_oauth_states_table(meta, STATES)]


class _ThroughStore:
    """slack_sdk's SQLAlchemy stores keep the engine they are given; these reach it through the Store instead,
    fork-safe and migrated. slack_sdk assigns `engine` in its __init__: the assignment is ignored."""

    _store: Store

    @property
    def engine(self) -> Engine:
        return self._store.engine()

    @engine.setter
    def engine(self, _: object) -> None:
        pass


class Installations(_ThroughStore, SQLAlchemyInstallationStore):
    """One row per install (workspace, or Enterprise Grid org for an org-wide install) and its bot."""

    def __init__(self, store: Store, client_id: str):
        self._store = store
        super().__init__(client_id=client_id, engine=None,  # type: ignore[arg-type]
                         bots_table_name=BOTS, installations_table_name=INSTALLATIONS)

    def states(self) -> OAuthStates:
        """The OAuth state store beside it, in the same database."""
        return OAuthStates(self._store)

    def ping(self) -> bool:
        """The installation table answers (for /readyz in OAuth mode)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.select(sa.func.count()).select_from(self.installations))
            return True
        except Exception:  # down, or not migrated: not ready either way
            return False


class OAuthStates(_ThroughStore, SQLAlchemyOAuthStateStore):
    """The `state` of each install in progress (checked on the redirect, used once)."""

    def __init__(self, store: Store, expiration_seconds: int = STATE_SECONDS):
        self._store = store
        super().__init__(expiration_seconds=expiration_seconds, engine=None,  # type: ignore[arg-type]
                         table_name=STATES)
