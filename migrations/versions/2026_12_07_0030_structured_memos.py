"""Generated memos as data: each journal entry and posting keeps, beside its English
``memo`` (the hashed record), the msgid it was worded from and the msgid's parameters as
JSON, so that every reader sees it in their own language and number format (issue 15,
finding 3). Older rows keep their text alone and read as it.

Plain ``ADD COLUMN`` on both databases: the ledger's tables refuse UPDATE and DELETE by
trigger, and a nullable column needs neither (nor SQLite's copy of the table).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_TABLES = ("journal_entries", "postings")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("memo_id", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("memo_params", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("memo_params")
            batch_op.drop_column("memo_id")
