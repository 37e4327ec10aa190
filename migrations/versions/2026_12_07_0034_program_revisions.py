"""Program revisions: the CAJP's decisions that add an activity or an implementer, move an
activity to another carrier, or amend the cross-reference, with their changes; both
append-only. Activities may now be numbered after 100, and which are fundable follows
from their carrier, not from their number.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

_TABLES = ("program_revisions", "program_changes")
GUARDS = {
    "sqlite": [
        f"CREATE TRIGGER {table}_refuse_{verb.lower()} BEFORE {verb} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for table in _TABLES
        for verb in ("UPDATE", "DELETE")
    ],
    # fundledger_refuse_change() comes from revision 0001.
    "postgresql": [
        f"CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_change()"
        for table in _TABLES
    ],
}
UNGUARDS = {
    "sqlite": [
        f"DROP TRIGGER {table}_refuse_{verb}" for table in _TABLES for verb in ("update", "delete")
    ],
    "postgresql": [f"DROP TRIGGER {table}_refuse_change ON {table}" for table in _TABLES],
}


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint(op.f("ck_activities_fundable_only_oas_activities"), type_="check")
        batch.drop_constraint(op.f("ck_activities_number_range"), type_="check")
        batch.create_check_constraint(op.f("ck_activities_number_positive"), "number >= 1")
    op.create_table(
        "program_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("existing_continue", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_program_revisions_meeting_id_meetings"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_revisions")),
    )
    op.create_index(op.f("ix_program_revisions_effective_on"), "program_revisions",
                    ["effective_on"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_program_revisions_meeting_id"), "program_revisions",
                    ["meeting_id"], unique=False)  # fmt: skip
    op.create_table(
        "program_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("activity_number", sa.Integer(), nullable=True),
        sa.Column("objective_number", sa.Integer(), nullable=True),
        sa.Column("implementer_code", sa.String(length=20), nullable=True),
        sa.Column("previous_code", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("implementer_kind", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "kind IN ('add_activity', 'add_implementer', 'move_activity', 'link', 'unlink')",
            name=op.f("ck_program_changes_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["program_revisions.id"],
            name=op.f("fk_program_changes_revision_id_program_revisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_changes")),
    )
    op.create_index(op.f("ix_program_changes_revision_id"), "program_changes",
                    ["revision_id"], unique=False)  # fmt: skip
    op.create_index(op.f("ix_program_changes_activity_number"), "program_changes",
                    ["activity_number"], unique=False)  # fmt: skip
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("program_changes")
    op.drop_table("program_revisions")
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint(op.f("ck_activities_number_positive"), type_="check")
        batch.create_check_constraint(op.f("ck_activities_number_range"),
                                      "number BETWEEN 1 AND 100")  # fmt: skip
        batch.create_check_constraint(op.f("ck_activities_fundable_only_oas_activities"),
                                      "fundable = (number <= 32)")  # fmt: skip
