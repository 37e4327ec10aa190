"""The OECD DAC gender-equality policy marker on allocations (0 not targeted,
1 significant, 2 principal). Allocations proposed before it existed were never screened:
they keep NULL, shown as "not screened", rather than a guessed 0.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_KNOWN = "ck_allocations_gender_marker_known"


def upgrade() -> None:
    with op.batch_alter_table("allocations") as batch:
        batch.add_column(sa.Column("gender_marker", sa.SmallInteger()))
        batch.create_check_constraint(op.f(_KNOWN), "gender_marker IS NULL OR gender_marker IN (0, 1, 2)")


def downgrade() -> None:
    with op.batch_alter_table("allocations") as batch:
        batch.drop_constraint(op.f(_KNOWN), type_="check")
        batch.drop_column("gender_marker")
