"""The CAJP's meetings (regular sessions, the annual meeting with the implementers, the
meeting of experts before a Summit), and the meeting a decision on an allocation or a
work plan names. Decisions recorded before keep their own reference and name none.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

#: The tables whose decisions may name a meeting.
_DECIDED = ("allocation_events", "budgets")


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('regular', 'implementers', 'experts')", name=op.f("ck_meetings_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("reference", name=op.f("uq_meetings_reference")),
    )
    op.create_index(op.f("ix_meetings_held_on"), "meetings", ["held_on"], unique=False)
    for table in _DECIDED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
            batch.create_index(op.f(f"ix_{table}_meeting_id"), ["meeting_id"], unique=False)
            batch.create_foreign_key(
                op.f(f"fk_{table}_meeting_id_meetings"), "meetings", ["meeting_id"], ["id"],
                ondelete="RESTRICT",
            )  # fmt: skip


def downgrade() -> None:
    for table in reversed(_DECIDED):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_meeting_id_meetings"), type_="foreignkey")
            batch.drop_index(op.f(f"ix_{table}_meeting_id"))
            batch.drop_column("meeting_id")
    op.drop_index(op.f("ix_meetings_held_on"), table_name="meetings")
    op.drop_table("meetings")
