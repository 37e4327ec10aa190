"""Pledges announced and not yet signed: no journal entry (they commit no money), kept
until signed, when they name the pledge recorded for them.

Revision ID: 0029
Revises: 0026
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fundledger.db import Money

revision = "0029"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pledge_announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money(20, 4), nullable=False),
        sa.Column("rate", Money(20, 10), nullable=False),
        sa.Column("usd_amount", Money(18, 2), nullable=False),
        sa.Column("earmark", sa.String(length=30), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("pledge_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_pledge_announcements_positive")),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"],
                                name=op.f("fk_pledge_announcements_donor_id_donors"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["pledge_id"], ["pledges.id"],
                                name=op.f("fk_pledge_announcements_pledge_id_pledges"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_announcements")),
        sa.UniqueConstraint("pledge_id", name=op.f("uq_pledge_announcements_pledge_id")),
    )
    op.create_index(op.f("ix_pledge_announcements_donor_id"), "pledge_announcements",
                    ["donor_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pledge_announcements_donor_id"), table_name="pledge_announcements")
    op.drop_table("pledge_announcements")
