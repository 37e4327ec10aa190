"""PostgreSQL: the ledger's insert guards run once per statement, not once per row.

Revision 0001's row triggers updated ``account_balances`` once per posting. Inside one
transaction every such UPDATE of the same account row leaves a new row version that
the next UPDATE must walk past, so a load of N postings cost O(N²): 870 µs per posting
in a 20,000-entry load, 40 of its 46 seconds. The same guards now run once per INSERT
statement over its transition table (the rows it inserted): the balances are
increased by one grouped UPDATE, and the closed-period and posting-date checks are one
query each, and revision 0006's daily totals grow by one grouped statement. What they
refuse, and their messages, are unchanged. SQLite has no statement triggers; a load
there replaces its row triggers per batch instead (fundledger/ledger/load_guards.py).

The check that every entry balances stays a deferred constraint trigger: constraint
triggers are row-level only, and it must run at commit, after all of an entry's lines.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_CLOSED = "entry date falls in a closed fiscal period"

#: A row of daily_totals (aliased ``{total}``) for the same group as ``added``.
_SAME_TOTAL = (
    "{total}.entry_date = added.entry_date AND {total}.account_id = added.account_id"
    " AND {total}.kind = added.kind"
    " AND {total}.donor_id IS NOT DISTINCT FROM added.donor_id"
    " AND {total}.earmark IS NOT DISTINCT FROM added.earmark"
    " AND {total}.allocation_id IS NOT DISTINCT FROM added.allocation_id"
)

_STATEMENT_GUARDS = [
    f"""CREATE FUNCTION fundledger_refuse_closed_period_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM inserted JOIN fiscal_periods AS period ON period.closed
                   AND inserted.entry_date BETWEEN period.start_date AND period.end_date) THEN
            RAISE EXCEPTION '{_CLOSED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",  # noqa: S608 - composed of this module's constants
    *(
        f"CREATE TRIGGER {table}_refuse_closed_period AFTER INSERT ON {table}"
        " REFERENCING NEW TABLE AS inserted"
        " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_closed_period_rows()"
        for table in ("journal_entries", "postings")
    ),
    """CREATE FUNCTION fundledger_check_posting_dates() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM inserted JOIN journal_entries AS entry
                   ON entry.id = inserted.entry_id
                   WHERE entry.entry_date IS DISTINCT FROM inserted.entry_date) THEN
            RAISE EXCEPTION 'a posting carries its entry''s date' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER postings_date_is_entry_date AFTER INSERT ON postings"
    " REFERENCING NEW TABLE AS inserted"
    " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_check_posting_dates()",
    """CREATE FUNCTION fundledger_update_balances() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE account_balances SET balance = balance + added.total
        FROM (SELECT account_id, sum(amount) AS total FROM inserted GROUP BY account_id)
            AS added
        WHERE account_balances.account_id = added.account_id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER postings_update_balance AFTER INSERT ON postings"
    " REFERENCING NEW TABLE AS inserted"
    " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_update_balances()",
    # Revision 0006's totals: the inserted rows summed by day, account, kind, donor,
    # earmark and allocation; existing totals grow, new ones are added.
    f"""CREATE FUNCTION fundledger_add_to_daily_totals_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        WITH added AS (
            SELECT inserted.entry_date, inserted.account_id, entry.kind, inserted.donor_id,
                   inserted.earmark, inserted.allocation_id, sum(inserted.amount) AS amount
            FROM inserted JOIN journal_entries AS entry ON entry.id = inserted.entry_id
            GROUP BY inserted.entry_date, inserted.account_id, entry.kind, inserted.donor_id,
                     inserted.earmark, inserted.allocation_id
        ), grown AS (
            UPDATE daily_totals AS total SET amount = total.amount + added.amount
            FROM added WHERE {_SAME_TOTAL.format(total="total")}
            RETURNING total.entry_date, total.account_id, total.kind, total.donor_id,
                      total.earmark, total.allocation_id
        )
        INSERT INTO daily_totals (entry_date, account_id, kind, donor_id, earmark,
                                  allocation_id, amount)
        SELECT * FROM added
        WHERE NOT EXISTS (SELECT 1 FROM grown WHERE {_SAME_TOTAL.format(total="grown")});
        RETURN NULL;
    END $$""",  # noqa: S608 - composed of this module's constants
    "CREATE TRIGGER postings_add_to_daily_totals AFTER INSERT ON postings"
    " REFERENCING NEW TABLE AS inserted"
    " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_add_to_daily_totals_rows()",
]

_ROW_TRIGGERS = [
    ("journal_entries", "journal_entries_refuse_closed_period"),
    ("postings", "postings_refuse_closed_period"),
    ("postings", "postings_date_is_entry_date"),
    ("postings", "postings_update_balance"),
    ("postings", "postings_add_to_daily_totals"),
]

_ROW_GUARDS = [
    *(
        f"CREATE TRIGGER {table}_refuse_closed_period BEFORE INSERT ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_closed_period()"
        for table in ("journal_entries", "postings")
    ),
    "CREATE TRIGGER postings_date_is_entry_date BEFORE INSERT ON postings"
    " FOR EACH ROW EXECUTE FUNCTION fundledger_check_posting_date()",
    "CREATE TRIGGER postings_update_balance AFTER INSERT ON postings"
    " FOR EACH ROW EXECUTE FUNCTION fundledger_update_balance()",
    "CREATE TRIGGER postings_add_to_daily_totals AFTER INSERT ON postings"
    " FOR EACH ROW EXECUTE FUNCTION fundledger_add_to_daily_totals()",
]

_STATEMENT_FUNCTIONS = (
    "fundledger_refuse_closed_period_rows",
    "fundledger_check_posting_dates",
    "fundledger_update_balances",
    "fundledger_add_to_daily_totals_rows",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, trigger in _ROW_TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for statement in _STATEMENT_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function in _STATEMENT_FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}() CASCADE")
    for statement in _ROW_GUARDS:
        op.execute(statement)
