"""account lockout per source address, admin flags, forced password change

Failed sign-ins are now counted per account and source address (``login_failures``); ``users`` gains the
forced-change flag set by an administrator's password reset, the last sign-in time, and the time the account-wide
safety net flagged the account. Existing accounts get no flag and no forced change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import peel.db.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", peel.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", peel.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_failures_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        sa.UniqueConstraint("user_id", "source", name=op.f("uq_login_failures_user_id")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("last_login_at", peel.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("flagged_at", peel.db.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("flagged_at")
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("must_change_password")
    op.drop_table("login_failures")
