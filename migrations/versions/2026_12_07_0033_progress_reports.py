"""Progress reports on allocations and their results against the specific objectives;
documents may belong to a progress report.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_KINDS = "'donor', 'pledge', 'allocation', 'meeting'"


def upgrade() -> None:
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "period_start <= period_end", name=op.f("ck_progress_reports_period_ordered")
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'reviewed')",
            name=op.f("ck_progress_reports_state_known"),
        ),
        sa.CheckConstraint(
            "length(narrative) > 0", name=op.f("ck_progress_reports_narrative_present")
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocations.id"],
            name=op.f("fk_progress_reports_allocation_id_allocations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
    )
    op.create_index(op.f("ix_progress_reports_allocation_id"), "progress_reports",
                    ["allocation_id"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_progress_reports_state"), "progress_reports", ["state"],
                    unique=False)  # fmt: skip
    op.create_table(
        "progress_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective_number", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("baseline", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("target", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("actual", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("length(unit) > 0", name=op.f("ck_progress_results_unit_present")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_reports.id"],
            name=op.f("fk_progress_results_report_id_progress_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["objective_number"],
            ["objectives.number"],
            name=op.f("fk_progress_results_objective_number_objectives"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_results")),
    )
    op.create_index(op.f("ix_progress_results_report_id"), "progress_results", ["report_id"],
                    unique=False)  # fmt: skip
    with op.batch_alter_table("documents") as batch:
        batch.alter_column("owner_kind", type_=sa.String(length=16),
                           existing_type=sa.String(length=12), existing_nullable=False)  # fmt: skip
        batch.drop_constraint(op.f("ck_documents_owner_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_documents_owner_kind_known"),
                                      f"owner_kind IN ({_KINDS}, 'progress_report')")  # fmt: skip


def downgrade() -> None:
    # Refused by the CHECK while a document belongs to a progress report: remove those first.
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint(op.f("ck_documents_owner_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_documents_owner_kind_known"),
                                      f"owner_kind IN ({_KINDS})")  # fmt: skip
        batch.alter_column("owner_kind", type_=sa.String(length=12),
                           existing_type=sa.String(length=16), existing_nullable=False)  # fmt: skip
    op.drop_index(op.f("ix_progress_results_report_id"), table_name="progress_results")
    op.drop_table("progress_results")
    op.drop_index(op.f("ix_progress_reports_state"), table_name="progress_reports")
    op.drop_index(op.f("ix_progress_reports_allocation_id"), table_name="progress_reports")
    op.drop_table("progress_reports")
