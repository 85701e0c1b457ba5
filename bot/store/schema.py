"""The store's tables (SQLAlchemy Core). Alembic's migrations (bot/store/migrations) create them; this module
is what the queries use. Times are seconds since the epoch (float): the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Effectively-once answers (bot.store.claims): one row per question key, with a lease.
claims = sa.Table(
    "claims", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("job", sa.Text, nullable=False),  # JSON of bot.slack.work.Job; emptied once done
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("claimed_at", sa.Float, nullable=False),
    sa.Column("first_seen", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    sa.Column("sent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("state", sa.Text, nullable=False, server_default="claimed"),  # claimed | done | failed
    sa.Index("claims_open", "state", "claimed_at"),
)

# Thread context for follow-ups: per (team, channel, thread), expires after a day.
thread_context = sa.Table(
    "thread_context", metadata,
    sa.Column("team", sa.Text, primary_key=True),
    sa.Column("channel", sa.Text, primary_key=True),
    sa.Column("thread", sa.Text, primary_key=True),
    sa.Column("context", sa.Text, nullable=False),  # JSON
    sa.Column("updated_at", sa.Float, nullable=False, index=True),
)

# Onboarding quiz progress: per (team, user).
quiz_progress = sa.Table(
    "quiz_progress", metadata,
    sa.Column("team", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("progress", sa.Text, nullable=False),  # JSON
    sa.Column("updated_at", sa.Float, nullable=False),
)

# The learning loop: one row per answer given, per feedback click, per suggested correction.
answers = sa.Table(
    "answers", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("surface", sa.String(20), nullable=False),  # command | mention | dm | suggest | example | cli …
    sa.Column("team", sa.String(40)),
    sa.Column("channel", sa.String(40)),
    sa.Column("user_key", sa.String(80)),  # salted hash of the user id (the id itself if SRM_STORE_USER_IDS)
    sa.Column("question", sa.Text),  # NULL when SRM_STORE_QUESTIONS=false
    sa.Column("answered", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(40)),  # why not answered: unsure | unknown_service | other_cloud | …
    sa.Column("detail", sa.Text),  # the unknown service or control named, when that is the reason
    sa.Column("owner", sa.String(20)),
    sa.Column("service", sa.String(80)),
    sa.Column("duty", sa.String(80)),
    sa.Column("scenario", sa.String(80)),
    sa.Column("confidence", sa.Float, nullable=False, server_default="0"),
)

feedback = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("answer_id", sa.String(40), index=True),  # NULL for an answer given before answers were recorded
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("team", sa.String(40)),
    sa.Column("user_key", sa.String(80)),
    sa.Column("service", sa.String(80)),  # what the answer was about, from the button (if the answer row is gone)
    sa.Column("duty", sa.String(80)),
    sa.Column("owner", sa.String(20)),
    sa.Column("question", sa.Text),
)

corrections = sa.Table(
    "corrections", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("answer_id", sa.String(40), index=True),
    sa.Column("team", sa.String(40)),
    sa.Column("user_key", sa.String(80)),
    sa.Column("question", sa.Text),
    sa.Column("what_is_wrong", sa.Text, nullable=False),
    sa.Column("right_owner", sa.String(20)),
    sa.Column("source_url", sa.Text),
)

# Small settings of this database: the salt of the user-id hash (the same for every host that shares it).
meta = sa.Table(
    "srm_meta", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
