"""The cached balances and daily totals stay exact and within the ledger's bound.

An account's balance and a day's total are sums the triggers keep; nothing bounded them.
On SQLite, where money is 64-bit integer cents, a sum past 2⁶³ cents silently became a
floating-point number (1.00000000003668e+19), the trial balance stopped balancing and
``verify`` failed with "integer overflow"; PostgreSQL's NUMERIC(18, 2) answered
"numeric field overflow" instead. Both now refuse any balance or total whose magnitude
reaches 10¹⁵ USD (the bound of docs/LEDGER.md, ten times below what NUMERIC(18, 2)
holds), and SQLite refuses one that is not a whole number of cents. The ledger service
refuses such an entry first, naming the account (fundledger/ledger/operations.py); these
guards hold for raw SQL and for a bulk load's grouped updates alike.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: The largest magnitude allowed, in cents (SQLite) and in USD (PostgreSQL): 10¹⁵ USD less a cent.
_CENTS = "99999999999999999"
_USD = "999999999999999.99"
#: What SQLite says; the service finds it in the error and names the account.
_REFUSED = "a ledger balance or daily total must stay whole cents within the ledger''s bound"

#: The cached sums: table and column.
_SUMS = (("account_balances", "balance"), ("daily_totals", "amount"))

GUARDS = {
    "sqlite": [
        f"CREATE TRIGGER {table}_within_bound_{verb.split()[0].lower()}"
        f" BEFORE {verb} ON {table}"
        f" WHEN typeof(NEW.{column}) != 'integer'"
        f" OR NEW.{column} NOT BETWEEN -{_CENTS} AND {_CENTS}"
        f" BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END"
        for table, column in _SUMS
        for verb in ("INSERT", f"UPDATE OF {column}")
    ],
    "postgresql": [
        f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_within_bound"
        f" CHECK ({column} BETWEEN -{_USD} AND {_USD})"
        for table, column in _SUMS
    ],
}
UNGUARDS = {
    "sqlite": [
        f"DROP TRIGGER {table}_within_bound_{verb}"
        for table, _column in _SUMS
        for verb in ("insert", "update")
    ],
    "postgresql": [
        f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_within_bound" for table, _column in _SUMS
    ],
}


def upgrade() -> None:
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
