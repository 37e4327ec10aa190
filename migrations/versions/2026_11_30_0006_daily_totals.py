"""Daily totals of the postings, kept by a trigger, so that readers are bounded by the
calendar and the fund's breadth rather than by the number of entries.

One row per day, account, entry kind, donor, earmark and allocation holds the sum of the
postings with those values. The statements, the dashboards and funds availability sum
these rows instead of millions of postings joined to their entries (1M entries come
down to some 15,000 rows). Every append holds the ledger head's lock, so two
transactions never add the same row at once (nor could a unique constraint stop them:
NULLs in the key all differ); ``fundledger verify`` checks the totals against the
postings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fundledger.db import Money

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: What a daily total adds up: the postings with these values.
KEY = ("entry_date", "account_id", "kind", "donor_id", "earmark", "allocation_id")
GUARDS = {
    # Add to the day's row (``IS`` matches NULLs, which a unique constraint would treat
    # as all different); only if there was none (changes() counts the trigger's own last
    # statement, per SQLite's documentation) insert it.
    "sqlite": [
        "CREATE TRIGGER postings_add_to_daily_totals AFTER INSERT ON postings BEGIN"
        " UPDATE daily_totals SET amount = amount + NEW.amount"
        " WHERE entry_date = NEW.entry_date AND account_id = NEW.account_id"
        " AND kind = (SELECT kind FROM journal_entries WHERE id = NEW.entry_id)"
        " AND donor_id IS NEW.donor_id AND earmark IS NEW.earmark"
        " AND allocation_id IS NEW.allocation_id;"
        " INSERT INTO daily_totals"
        " (entry_date, account_id, kind, donor_id, earmark, allocation_id, amount)"
        " SELECT NEW.entry_date, NEW.account_id,"
        " (SELECT kind FROM journal_entries WHERE id = NEW.entry_id),"
        " NEW.donor_id, NEW.earmark, NEW.allocation_id, NEW.amount"
        " WHERE changes() = 0;"
        " END",
    ],
    "postgresql": [
        """CREATE FUNCTION fundledger_add_to_daily_totals() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            entry_kind varchar(30);
        BEGIN
            SELECT kind INTO entry_kind FROM journal_entries WHERE id = NEW.entry_id;
            UPDATE daily_totals SET amount = amount + NEW.amount
            WHERE entry_date = NEW.entry_date AND account_id = NEW.account_id
                AND kind = entry_kind
                AND donor_id IS NOT DISTINCT FROM NEW.donor_id
                AND earmark IS NOT DISTINCT FROM NEW.earmark
                AND allocation_id IS NOT DISTINCT FROM NEW.allocation_id;
            IF NOT FOUND THEN
                INSERT INTO daily_totals (entry_date, account_id, kind, donor_id, earmark,
                                          allocation_id, amount)
                VALUES (NEW.entry_date, NEW.account_id, entry_kind, NEW.donor_id,
                        NEW.earmark, NEW.allocation_id, NEW.amount);
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER postings_add_to_daily_totals AFTER INSERT ON postings"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_add_to_daily_totals()",
    ],
}
UNGUARDS = {
    "sqlite": ["DROP TRIGGER postings_add_to_daily_totals"],
    "postgresql": [
        "DROP TRIGGER postings_add_to_daily_totals ON postings",
        "DROP FUNCTION fundledger_add_to_daily_totals()",
    ],
}
#: The totals of the postings already in the ledger.
BACKFILL = (
    "INSERT INTO daily_totals"
    " (entry_date, account_id, kind, donor_id, earmark, allocation_id, amount)"
    " SELECT p.entry_date, p.account_id, e.kind, p.donor_id, p.earmark, p.allocation_id,"
    " sum(p.amount) FROM postings p JOIN journal_entries e ON e.id = p.entry_id"
    " GROUP BY p.entry_date, p.account_id, e.kind, p.donor_id, p.earmark, p.allocation_id"
)


def upgrade() -> None:
    op.create_table(
        "daily_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=True),
        sa.Column("earmark", sa.String(length=30), nullable=True),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        sa.Column("amount", Money(18, 2), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_daily_totals_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donors.id"],
            name=op.f("fk_daily_totals_donor_id_donors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_totals")),
    )
    op.create_index("ix_daily_totals_key", "daily_totals", list(KEY), unique=False)
    op.execute(BACKFILL)
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_daily_totals_key", table_name="daily_totals")
    op.drop_table("daily_totals")
