"""Each account's balance per pool (donor and earmark), kept by a trigger on postings, so
that the day-by-day overdraft check (issue 14) reads a pool's balance at the end of the
day before an entry's date as *now less what came after*: the days after the date, not
the whole history.

The key holds no NULLs (``donor_key`` 0 for no donor, ``earmark_key`` '' for no
earmark), so one unique index lets both databases add to a row or insert it in one
statement. Appends hold the ledger head's lock, so two never add to the same row at
once; ``fundledger verify`` checks the balances against the postings.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fundledger.db import Money

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

GUARDS = {
    "sqlite": [
        "CREATE TRIGGER postings_add_to_pool_balances AFTER INSERT ON postings BEGIN"
        " INSERT INTO pool_balances (account_id, donor_key, earmark_key, balance)"
        " VALUES (NEW.account_id, coalesce(NEW.donor_id, 0), coalesce(NEW.earmark, ''),"
        " NEW.amount) ON CONFLICT (account_id, donor_key, earmark_key)"
        " DO UPDATE SET balance = pool_balances.balance + excluded.balance;"
        " END",
    ],
    "postgresql": [
        """CREATE FUNCTION fundledger_add_to_pool_balances() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO pool_balances (account_id, donor_key, earmark_key, balance)
            SELECT account_id, coalesce(donor_id, 0), coalesce(earmark, ''), sum(amount)
            FROM inserted GROUP BY account_id, coalesce(donor_id, 0), coalesce(earmark, '')
            ON CONFLICT (account_id, donor_key, earmark_key)
            DO UPDATE SET balance = pool_balances.balance + excluded.balance;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER postings_add_to_pool_balances AFTER INSERT ON postings"
        " REFERENCING NEW TABLE AS inserted"
        " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_add_to_pool_balances()",
    ],
}
UNGUARDS = {
    "sqlite": ["DROP TRIGGER postings_add_to_pool_balances"],
    "postgresql": [
        "DROP TRIGGER postings_add_to_pool_balances ON postings",
        "DROP FUNCTION fundledger_add_to_pool_balances()",
    ],
}
#: The balances of the postings already in the ledger.
BACKFILL = (
    "INSERT INTO pool_balances (account_id, donor_key, earmark_key, balance)"
    " SELECT account_id, coalesce(donor_id, 0), coalesce(earmark, ''), sum(amount)"
    " FROM postings GROUP BY account_id, coalesce(donor_id, 0), coalesce(earmark, '')"
)


def upgrade() -> None:
    op.create_table(
        "pool_balances",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("donor_key", sa.Integer(), nullable=False),
        sa.Column("earmark_key", sa.String(length=30), nullable=False),
        sa.Column("balance", Money(18, 2), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_pool_balances_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "donor_key", "earmark_key", name=op.f("pk_pool_balances")
        ),
    )
    op.execute(BACKFILL)
    # One pool's days from a date on, without reading every other pool's.
    op.create_index("ix_daily_totals_pool", "daily_totals", ["earmark", "donor_id", "entry_date"])
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_daily_totals_pool", table_name="daily_totals")
    op.drop_table("pool_balances")
