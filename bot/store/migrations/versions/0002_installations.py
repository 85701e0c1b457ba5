"""Slack installations (OAuth mode): the tables of slack_sdk's SQLAlchemy installation and OAuth state stores.

The table definitions are slack_sdk's own (its `build_*_table` class methods), so the stores in
bot.store.installations read and write exactly what they expect; Alembic only decides when they are created.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.installations import slack_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _tables() -> list[sa.Table]:
    return slack_tables(sa.MetaData())


def upgrade() -> None:
    for table in _tables():
        table.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    for table in reversed(_tables()):
        table.drop(op.get_bind(), checkfirst=True)
