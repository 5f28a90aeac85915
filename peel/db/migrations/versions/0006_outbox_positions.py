"""outbox positions

Replay positions assigned by the relay in commit order (``outbox_events.position``). Events already published
keep their id as their position, so pages open during the upgrade resume where they were.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_events_position"), ["position"], unique=True)
    op.execute("UPDATE outbox_events SET position = id WHERE published_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_events_position"))
        batch_op.drop_column("position")
