"""Who issued a statement, as its issue block prints it: the officer's name and role
at the time of issue, kept so that a re-render prints the same block after the user is
renamed or changes role.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("issuer_name", sa.Text()),
        sa.Column("issuer_role", sa.String(length=20)),
    ]


def upgrade() -> None:
    # In place (no batch copy on SQLite, so the append-only triggers of 0005 stay).
    for column in _columns():
        op.add_column("statement_records", column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column in reversed(_columns()):
        if sqlite:  # in place, as added (SQLite 3.35 and later)
            op.execute(f"ALTER TABLE statement_records DROP COLUMN {column.name}")
        else:
            op.drop_column("statement_records", column.name)
