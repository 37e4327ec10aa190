"""Donors may appear in public as "Anonymous donor" (``anonymous``), and may have a name
per language (``name_en`` … ``name_pt``) that statements and pages in that language print.

Revision ID: 0026
Revises: 0027
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0027"
branch_labels = None
depends_on = None

NAMES = ("name_en", "name_es", "name_fr", "name_pt")


def upgrade() -> None:
    op.add_column(
        "donors", sa.Column("anonymous", sa.Boolean(), server_default="0", nullable=False)
    )
    for name in NAMES:
        op.add_column("donors", sa.Column(name, sa.Text()))


def downgrade() -> None:
    for name in ("anonymous", *NAMES):
        if op.get_bind().dialect.name == "sqlite":  # in place, as added (SQLite 3.35 and later)
            op.execute(f"ALTER TABLE donors DROP COLUMN {name}")
        else:
            op.drop_column("donors", name)
