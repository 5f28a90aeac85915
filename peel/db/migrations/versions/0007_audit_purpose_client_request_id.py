"""audit purpose and client request id

Two columns on the audit log: the purpose a user gave for a read, and the request id the client sent (kept
apart from the server's own request id, which is what the audit trusts). Plain ADD COLUMN on both backends, so
the append-only triggers on the table stay in place (a batch table copy on SQLite would drop them).

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("purpose", sa.String(length=200), server_default="", nullable=False))
    op.add_column(
        "audit_events", sa.Column("client_request_id", sa.String(length=64), server_default="", nullable=False)
    )


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+), not a batch copy, so the append-only triggers stay in place.
    op.drop_column("audit_events", "client_request_id")
    op.drop_column("audit_events", "purpose")
