"""Foundation: Program reference data, donors, and the append-only ledger.

Besides the tables, this revision installs the database's own guard rails (see
the statements below): journal entries and postings refuse UPDATE and
DELETE, nothing can be inserted dated in a closed fiscal period, and the cached
account balances follow every posting.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fundledger.db import Money

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: The hash the first entry chains from.
GENESIS_HASH = "0" * 64

_APPEND_ONLY = "is append-only: correct it with a reversal entry"
_CLOSED = "entry date falls in a closed fiscal period"
_IN_CLOSED_PERIOD = (
    "EXISTS (SELECT 1 FROM fiscal_periods WHERE closed"
    " AND NEW.entry_date BETWEEN start_date AND end_date)"
)

GUARDS = {
    "sqlite": [
        *(
            f"CREATE TRIGGER {table}_refuse_{verb.lower()} BEFORE {verb} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{table} {_APPEND_ONLY}'); END"
            for table in ("journal_entries", "postings")
            for verb in ("UPDATE", "DELETE")
        ),
        *(
            f"CREATE TRIGGER {table}_refuse_closed_period BEFORE INSERT ON {table}"
            f" WHEN {_IN_CLOSED_PERIOD} BEGIN SELECT RAISE(ABORT, '{_CLOSED}'); END"
            for table in ("journal_entries", "postings")
        ),
        "CREATE TRIGGER postings_date_is_entry_date BEFORE INSERT ON postings"
        " WHEN NEW.entry_date IS NOT (SELECT entry_date FROM journal_entries WHERE id = NEW.entry_id)"
        " BEGIN SELECT RAISE(ABORT, 'a posting carries its entry''s date'); END",
        "CREATE TRIGGER accounts_open_balance AFTER INSERT ON accounts"
        " BEGIN INSERT INTO account_balances (account_id, balance) VALUES (NEW.id, 0); END",
        "CREATE TRIGGER postings_update_balance AFTER INSERT ON postings"
        " BEGIN UPDATE account_balances SET balance = balance + NEW.amount"
        " WHERE account_id = NEW.account_id; END",
    ],
    "postgresql": [
        f"""CREATE FUNCTION fundledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% {_APPEND_ONLY}', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END $$""",
        *(
            f"CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_change()"
            for table in ("journal_entries", "postings")
        ),
        *(
            f"CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_change()"
            for table in ("journal_entries", "postings")
        ),
        f"""CREATE FUNCTION fundledger_refuse_closed_period() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {_IN_CLOSED_PERIOD} THEN
                RAISE EXCEPTION '{_CLOSED}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$""",
        *(
            f"CREATE TRIGGER {table}_refuse_closed_period BEFORE INSERT ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_closed_period()"
            for table in ("journal_entries", "postings")
        ),
        """CREATE FUNCTION fundledger_check_posting_date() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.entry_date IS DISTINCT FROM
                    (SELECT entry_date FROM journal_entries WHERE id = NEW.entry_id) THEN
                RAISE EXCEPTION 'a posting carries its entry''s date' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$""",
        "CREATE TRIGGER postings_date_is_entry_date BEFORE INSERT ON postings"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_check_posting_date()",
        """CREATE FUNCTION fundledger_open_balance() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO account_balances (account_id, balance) VALUES (NEW.id, 0);
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER accounts_open_balance AFTER INSERT ON accounts"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_open_balance()",
        """CREATE FUNCTION fundledger_update_balance() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE account_balances SET balance = balance + NEW.amount
            WHERE account_id = NEW.account_id;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER postings_update_balance AFTER INSERT ON postings"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_update_balance()",
        # Checked at commit, once the whole entry is in: it sums to zero over two lines or more.
        """CREATE FUNCTION fundledger_check_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            total numeric;
            lines integer;
        BEGIN
            SELECT coalesce(sum(amount), 0), count(*) INTO total, lines
            FROM postings WHERE entry_id = NEW.entry_id;
            IF total <> 0 OR lines < 2 THEN
                RAISE EXCEPTION 'journal entry % does not balance (sum %, % lines)',
                    NEW.entry_id, total, lines USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE CONSTRAINT TRIGGER postings_entry_balances AFTER INSERT ON postings"
        " DEFERRABLE INITIALLY DEFERRED"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_check_entry_balances()",
    ],
}

UNGUARDS = {
    "sqlite": [
        f"DROP TRIGGER {name}"
        for name in (
            "journal_entries_refuse_update",
            "journal_entries_refuse_delete",
            "postings_refuse_update",
            "postings_refuse_delete",
            "journal_entries_refuse_closed_period",
            "postings_refuse_closed_period",
            "postings_date_is_entry_date",
            "accounts_open_balance",
            "postings_update_balance",
        )
    ],
    "postgresql": [
        f"DROP FUNCTION {name}() CASCADE"
        for name in (
            "fundledger_refuse_change",
            "fundledger_refuse_closed_period",
            "fundledger_check_posting_date",
            "fundledger_open_balance",
            "fundledger_update_balance",
            "fundledger_check_entry_balances",
        )
    ],
}


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("normal_side", sa.String(length=6), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "normal_side IN ('debit', 'credit')", name=op.f("ck_accounts_normal_side_known")
        ),
        sa.CheckConstraint(
            "type IN ('asset', 'liability', 'net_assets', 'revenue', 'expense')",
            name=op.f("ck_accounts_type_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_table(
        "donors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "language IN ('en', 'es', 'fr', 'pt')", name=op.f("ck_donors_language_known")
        ),
        sa.CheckConstraint(
            "type IN ('member_state', 'permanent_observer', 'regional_org', 'international_org', 'civil_society', 'other')",
            name=op.f("ck_donors_type_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donors")),
        sa.UniqueConstraint("code", name=op.f("uq_donors_code")),
    )
    op.create_table(
        "fiscal_periods",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.CheckConstraint("start_date <= end_date", name=op.f("ck_fiscal_periods_dates_ordered")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_fiscal_periods")),
    )
    op.create_table(
        "general_objectives",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_general_objectives")),
    )
    op.create_table(
        "implementers",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_implementers")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entries_reverses_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_journal_entries_hash")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_journal_entries_idempotency_key")),
        sa.UniqueConstraint("number", name=op.f("uq_journal_entries_number")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_journal_entries_reverses_id")),
    )
    op.create_index(
        op.f("ix_journal_entries_entry_date"), "journal_entries", ["entry_date"], unique=False
    )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_ledger_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_head")),
    )
    op.create_table(
        "objectives",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.CheckConstraint("number BETWEEN 1 AND 20", name=op.f("ck_objectives_number_range")),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_objectives")),
    )
    op.create_table(
        "account_balances",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("balance", Money(18, 2), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_balances_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_balances")),
    )
    op.create_table(
        "activities",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("implementer_code", sa.String(length=20), nullable=False),
        sa.Column("fundable", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "fundable = (number <= 32)", name=op.f("ck_activities_fundable_only_oas_activities")
        ),
        sa.CheckConstraint("number BETWEEN 1 AND 100", name=op.f("ck_activities_number_range")),
        sa.ForeignKeyConstraint(
            ["implementer_code"],
            ["implementers.code"],
            name=op.f("fk_activities_implementer_code_implementers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_activities")),
    )
    op.create_index(
        op.f("ix_activities_implementer_code"), "activities", ["implementer_code"], unique=False
    )
    op.create_table(
        "activity_objectives",
        sa.Column("activity_number", sa.Integer(), nullable=False),
        sa.Column("objective_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_number"],
            ["activities.number"],
            name=op.f("fk_activity_objectives_activity_number_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["objective_number"],
            ["objectives.number"],
            name=op.f("fk_activity_objectives_objective_number_objectives"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "activity_number", "objective_number", name=op.f("pk_activity_objectives")
        ),
    )
    op.create_table(
        "postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("amount", Money(18, 2), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=True),
        sa.Column("activity_number", sa.Integer(), nullable=True),
        sa.Column("objective_number", sa.Integer(), nullable=True),
        sa.Column("organ_code", sa.String(length=20), nullable=True),
        sa.Column("earmark", sa.String(length=30), nullable=True),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("original_amount", Money(20, 4), nullable=True),
        sa.Column("rate", Money(20, 10), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(currency IS NULL AND original_amount IS NULL AND rate IS NULL) OR (currency IS NOT NULL AND original_amount IS NOT NULL AND rate > 0)",
            name=op.f("ck_postings_original_currency_complete"),
        ),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_postings_nonzero")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_postings_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["activity_number"],
            ["activities.number"],
            name=op.f("fk_postings_activity_number_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donors.id"],
            name=op.f("fk_postings_donor_id_donors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_postings_entry_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["objective_number"],
            ["objectives.number"],
            name=op.f("fk_postings_objective_number_objectives"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organ_code"],
            ["implementers.code"],
            name=op.f("fk_postings_organ_code_implementers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postings")),
    )
    op.create_index(
        "ix_postings_account_date_amount",
        "postings",
        ["account_id", "entry_date", "amount"],
        unique=False,
    )
    op.create_index(op.f("ix_postings_allocation_id"), "postings", ["allocation_id"], unique=False)
    op.create_index(op.f("ix_postings_donor_id"), "postings", ["donor_id"], unique=False)
    op.create_index(op.f("ix_postings_earmark"), "postings", ["earmark"], unique=False)
    op.create_index(op.f("ix_postings_entry_id"), "postings", ["entry_id"], unique=False)
    op.execute(
        sa.text(
            "INSERT INTO ledger_head (id, last_number, last_hash) VALUES (1, 0, :genesis)"
        ).bindparams(genesis=GENESIS_HASH)
    )
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index(op.f("ix_postings_entry_id"), table_name="postings")
    op.drop_index(op.f("ix_postings_earmark"), table_name="postings")
    op.drop_index(op.f("ix_postings_donor_id"), table_name="postings")
    op.drop_index(op.f("ix_postings_allocation_id"), table_name="postings")
    op.drop_index("ix_postings_account_date_amount", table_name="postings")
    op.drop_table("postings")
    op.drop_table("activity_objectives")
    op.drop_index(op.f("ix_activities_implementer_code"), table_name="activities")
    op.drop_table("activities")
    op.drop_table("account_balances")
    op.drop_table("objectives")
    op.drop_table("ledger_head")
    op.drop_index(op.f("ix_journal_entries_entry_date"), table_name="journal_entries")
    op.drop_table("journal_entries")
    op.drop_table("implementers")
    op.drop_table("general_objectives")
    op.drop_table("fiscal_periods")
    op.drop_table("donors")
    op.drop_table("accounts")
