"""What an issued statement is: interim or final, which statement it supersedes, and
what ``statement verify`` needs to tell whether its figures have since changed (the
ledger's last entry number at issue and a digest of the figures).

The register stays append-only: a newer statement names the one it supersedes, so the
older row is never updated.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("interim", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("supersedes", sa.String(length=30)),
        sa.Column("last_entry", sa.Integer()),
        sa.Column("figures_digest", sa.String(length=64)),
    ]


def upgrade() -> None:
    # Column by column, in place (no batch copy on SQLite, so the append-only triggers
    # of revision 0005 stay).
    for column in _columns():
        op.add_column("statement_records", column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column in reversed(_columns()):
        if sqlite:  # in place, as added (SQLite 3.35 and later)
            op.execute(f"ALTER TABLE statement_records DROP COLUMN {column.name}")
        else:
            op.drop_column("statement_records", column.name)
