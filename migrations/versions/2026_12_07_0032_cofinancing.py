"""Co-financing: resources spent on the Program outside the Fund (the Regular Fund,
implementers' own money, states' reports), memorandum items per activity and year,
never posted to the ledger; withdrawn with a reason, never deleted.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cofinancing_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_number", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "source_kind IN ('regular_fund', 'own_resources', 'member_state', 'other')",
            name=op.f("ck_cofinancing_items_source_kind_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_cofinancing_items_amount_positive")),
        sa.CheckConstraint(
            "year BETWEEN 2005 AND 2199", name=op.f("ck_cofinancing_items_year_range")
        ),
        sa.CheckConstraint(
            "(withdrawn_at IS NULL) = (withdrawn_by IS NULL)"
            " AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL)",
            name=op.f("ck_cofinancing_items_withdrawal_complete"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_number"],
            ["activities.number"],
            name=op.f("fk_cofinancing_items_activity_number_activities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cofinancing_items")),
    )
    op.create_index(op.f("ix_cofinancing_items_activity_number"), "cofinancing_items",
                    ["activity_number"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_cofinancing_items_year"), "cofinancing_items", ["year"],
                    unique=False)  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f("ix_cofinancing_items_year"), table_name="cofinancing_items")
    op.drop_index(op.f("ix_cofinancing_items_activity_number"), table_name="cofinancing_items")
    op.drop_table("cofinancing_items")
