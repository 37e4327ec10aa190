"""Add the restricted class's exchange accounts, 4240 and 4250, to a chart made before
them (issue 14: gains and losses on earmarked money stay in the earmark's class, and the
year-end revaluation posts an earmarked receivable's difference there).

A data migration: ``fundledger init`` adds every missing account of chart.csv, but a
database only migrated (``fundledger migrate``, a restored backup) would not have them
and every earmarked receipt at another rate than its pledge's would be refused. Only a
chart that exists gets them (an empty database gets the whole chart from ``init``), and
only those missing: running it again, or after ``init``, adds nothing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: As chart.csv has them (code, name, type, normal side).
ACCOUNTS = (
    ("4240", "Foreign exchange gains — restricted class", "revenue", "credit"),
    ("4250", "Foreign exchange losses — restricted class", "revenue", "debit"),
)
_accounts = sa.table(
    "accounts",
    sa.column("code", sa.String),
    sa.column("name", sa.Text),
    sa.column("type", sa.String),
    sa.column("normal_side", sa.String),
    sa.column("active", sa.Boolean),
)


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(bind.scalars(sa.select(_accounts.c.code)))
    if not existing:  # no chart yet: init loads all of it
        return
    missing = [
        {"code": code, "name": name, "type": kind, "normal_side": side, "active": True}
        for code, name, kind, side in ACCOUNTS
        if code not in existing
    ]
    if missing:
        op.bulk_insert(_accounts, missing)


#: Those of the two accounts nothing was posted to: one in use stays (postings are
#: never deleted), with the zero balance row its insert opened (revision 0001's trigger).
_UNUSED = (
    "SELECT id FROM accounts WHERE code IN ('4240', '4250') "
    "AND NOT EXISTS (SELECT 1 FROM postings WHERE postings.account_id = accounts.id)"
)


def downgrade() -> None:
    op.execute(f"DELETE FROM account_balances WHERE account_id IN ({_UNUSED})")  # noqa: S608 - constant SQL
    op.execute(f"DELETE FROM accounts WHERE id IN ({_UNUSED})")  # noqa: S608 - constant SQL
