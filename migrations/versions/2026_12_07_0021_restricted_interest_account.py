"""Add the restricted class's interest account, 4230, to a chart made before it (issue
16: bank interest shared to an earmark, under ``setting interest_distribution pro_rata``,
stays in that earmark's restricted class).

A data migration, as revision 0012 is: ``fundledger init`` adds every missing account of
chart.csv, but a database only migrated would not have it and the first interest shared
to an earmark would be refused. Only a chart that exists gets it, and only once.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

#: As chart.csv has it (code, name, type, normal side).
ACCOUNT = ("4230", "Interest income — restricted class", "revenue", "credit")
_accounts = sa.table(
    "accounts",
    sa.column("code", sa.String),
    sa.column("name", sa.Text),
    sa.column("type", sa.String),
    sa.column("normal_side", sa.String),
    sa.column("active", sa.Boolean),
)


def upgrade() -> None:
    existing = set(op.get_bind().scalars(sa.select(_accounts.c.code)))
    code, name, kind, side = ACCOUNT
    if existing and code not in existing:  # no chart yet: init loads all of it
        op.bulk_insert(_accounts, [{"code": code, "name": name, "type": kind,
                                    "normal_side": side, "active": True}])  # fmt: skip


#: The account, if nothing was posted to it: one in use stays (postings are never
#: deleted), with the zero balance row its insert opened (revision 0001's trigger).
_UNUSED = (
    "SELECT id FROM accounts WHERE code = '4230' "
    "AND NOT EXISTS (SELECT 1 FROM postings WHERE postings.account_id = accounts.id)"
)


def downgrade() -> None:
    op.execute(f"DELETE FROM account_balances WHERE account_id IN ({_UNUSED})")  # noqa: S608 - constant SQL
    op.execute(f"DELETE FROM accounts WHERE id IN ({_UNUSED})")  # noqa: S608 - constant SQL
