"""An announced pledge the donor takes back is kept, marked withdrawn with who recorded
that, when and why, instead of being deleted.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

WHOLE_AND_UNSIGNED = (
    "(withdrawn_at IS NULL AND withdrawn_by IS NULL AND withdrawn_reason IS NULL)"
    " OR (withdrawn_at IS NOT NULL AND withdrawn_by IS NOT NULL"
    " AND withdrawn_reason IS NOT NULL AND pledge_id IS NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("pledge_announcements") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.Text(), nullable=True))
        batch.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_pledge_announcements_withdrawn_whole_and_unsigned"), WHOLE_AND_UNSIGNED
        )


def downgrade() -> None:
    with op.batch_alter_table("pledge_announcements") as batch:
        batch.drop_constraint(
            op.f("ck_pledge_announcements_withdrawn_whole_and_unsigned"), type_="check"
        )
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_at")
