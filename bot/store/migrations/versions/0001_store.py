"""The store: claims, thread context, quiz progress, and the learning loop's records.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "claims" not in existing:  # a file from SRM_EVENT_STORE (before this store) already has it
        op.create_table(
            "claims",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("job", sa.Text, nullable=False),
            sa.Column("holder", sa.Text, nullable=False),
            sa.Column("claimed_at", sa.Float, nullable=False),
            sa.Column("first_seen", sa.Float, nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
            sa.Column("sent", sa.Integer, nullable=False, server_default="0"),
            sa.Column("state", sa.Text, nullable=False, server_default="claimed"),
        )
        op.create_index("claims_open", "claims", ["state", "claimed_at"])
    op.create_table(
        "thread_context",
        sa.Column("team", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("thread", sa.Text, primary_key=True),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_thread_context_updated_at", "thread_context", ["updated_at"])
    op.create_table(
        "quiz_progress",
        sa.Column("team", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("surface", sa.String(20), nullable=False),
        sa.Column("team", sa.String(40)),
        sa.Column("channel", sa.String(40)),
        sa.Column("user_key", sa.String(80)),
        sa.Column("question", sa.Text),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("detail", sa.Text),
        sa.Column("owner", sa.String(20)),
        sa.Column("service", sa.String(80)),
        sa.Column("duty", sa.String(80)),
        sa.Column("scenario", sa.String(80)),
        sa.Column("confidence", sa.Float, nullable=False, server_default="0"),
    )
    op.create_index("ix_answers_at", "answers", ["at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("answer_id", sa.String(40)),
        sa.Column("helpful", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("team", sa.String(40)),
        sa.Column("user_key", sa.String(80)),
        sa.Column("service", sa.String(80)),
        sa.Column("duty", sa.String(80)),
        sa.Column("owner", sa.String(20)),
        sa.Column("question", sa.Text),
    )
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_index("ix_feedback_answer_id", "feedback", ["answer_id"])
    op.create_table(
        "corrections",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("answer_id", sa.String(40)),
        sa.Column("team", sa.String(40)),
        sa.Column("user_key", sa.String(80)),
        sa.Column("question", sa.Text),
        sa.Column("what_is_wrong", sa.Text, nullable=False),
        sa.Column("right_owner", sa.String(20)),
        sa.Column("source_url", sa.Text),
    )
    op.create_index("ix_corrections_at", "corrections", ["at"])
    op.create_index("ix_corrections_answer_id", "corrections", ["answer_id"])
    meta = op.create_table(
        "srm_meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"key": "user_salt", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    for table in ("srm_meta", "corrections", "feedback", "answers", "quiz_progress", "thread_context"):
        op.drop_table(table)
