"""Reversals waiting for a second Secretariat user's approval (issue 15, corrections).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reversal_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id", sa.Integer(),
            sa.ForeignKey("journal_entries.id", ondelete="RESTRICT"), nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reversal_date", sa.Date()),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_note", sa.Text()),
        sa.Column(
            "reversal_id", sa.Integer(),
            sa.ForeignKey("journal_entries.id", ondelete="RESTRICT"), unique=True,
        ),
    )
    op.create_index("ix_reversal_requests_entry_id", "reversal_requests", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_reversal_requests_entry_id", "reversal_requests")
    op.drop_table("reversal_requests")
