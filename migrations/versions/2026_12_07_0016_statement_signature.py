"""Signed statements: the register keeps the SHA-256 of the document as rendered before
it was signed (what ``statement rebuild-check`` reproduces, the signature not being
deterministic), beside ``sha256``, now that of the signed file as issued (what
``statement verify`` and downloads compare). NULL for statements issued unsigned,
before this revision, whose ``sha256`` is their render's.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place (no batch copy on SQLite, so the append-only triggers of 0005 stay).
    op.add_column("statement_records", sa.Column("render_sha256", sa.String(length=64)))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # in place, as added (SQLite 3.35 and later)
        op.execute("ALTER TABLE statement_records DROP COLUMN render_sha256")
    else:
        op.drop_column("statement_records", "render_sha256")
