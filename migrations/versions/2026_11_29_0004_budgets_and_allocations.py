"""Budgets (work plans) and allocations with their funding pools, timeline and the
fund's settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fundledger.db import Money

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_ref", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected', 'superseded')",
            name=op.f("ck_budgets_status_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budgets")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_budgets_year")),
    )
    op.create_table(
        "fund_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fund_settings")),
    )
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_number", sa.Integer(), nullable=False),
        sa.Column("organ_code", sa.String(length=20), nullable=False),
        sa.Column("requested_amount", Money(18, 2), nullable=False),
        sa.Column("approved_amount", Money(18, 2), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "approved_amount IS NULL OR approved_amount > 0",
            name=op.f("ck_allocations_approved_positive"),
        ),
        sa.CheckConstraint(
            "period_start <= period_end", name=op.f("ck_allocations_period_ordered")
        ),
        sa.CheckConstraint("requested_amount > 0", name=op.f("ck_allocations_requested_positive")),
        sa.ForeignKeyConstraint(
            ["activity_number"],
            ["activities.number"],
            name=op.f("fk_allocations_activity_number_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organ_code"],
            ["implementers.code"],
            name=op.f("fk_allocations_organ_code_implementers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocations_activity_number"), ["activity_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_allocations_state"), ["state"], unique=False)

    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("activity_number", sa.Integer(), nullable=False),
        sa.Column("amount", Money(18, 2), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'rejected')",
            name=op.f("ck_budget_lines_status_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_budget_lines_positive")),
        sa.ForeignKeyConstraint(
            ["activity_number"],
            ["activities.number"],
            name=op.f("fk_budget_lines_activity_number_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["budgets.id"],
            name=op.f("fk_budget_lines_budget_id_budgets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint("budget_id", "activity_number", name=op.f("uq_budget_lines_budget_id")),
    )
    op.create_table(
        "allocation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=10), nullable=False),
        sa.Column("to_state", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("amount", Money(18, 2), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocations.id"],
            name=op.f("fk_allocation_events_allocation_id_allocations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_allocation_events_entry_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_events")),
    )
    with op.batch_alter_table("allocation_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocation_events_allocation_id"), ["allocation_id"], unique=False
        )

    op.create_table(
        "allocation_pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pool", sa.String(length=60), nullable=False),
        sa.Column("committed", Money(18, 2), nullable=False),
        sa.Column("advanced", Money(18, 2), nullable=False),
        sa.Column("indirect", Money(18, 2), nullable=False),
        sa.Column("spent", Money(18, 2), nullable=False),
        sa.Column("returned", Money(18, 2), nullable=False),
        sa.CheckConstraint(
            "advanced + indirect <= committed",
            name=op.f("ck_allocation_pools_draws_within_commitment"),
        ),
        sa.CheckConstraint(
            "committed >= 0", name=op.f("ck_allocation_pools_committed_not_negative")
        ),
        sa.CheckConstraint(
            "spent + returned <= advanced", name=op.f("ck_allocation_pools_uses_within_advances")
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocations.id"],
            name=op.f("fk_allocation_pools_allocation_id_allocations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_pools")),
        sa.UniqueConstraint(
            "allocation_id", "pool", name=op.f("uq_allocation_pools_allocation_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("allocation_pools")
    with op.batch_alter_table("allocation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_events_allocation_id"))

    op.drop_table("allocation_events")
    op.drop_table("budget_lines")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocations_state"))
        batch_op.drop_index(batch_op.f("ix_allocations_activity_number"))

    op.drop_table("allocations")
    op.drop_table("fund_settings")
    op.drop_table("budgets")
