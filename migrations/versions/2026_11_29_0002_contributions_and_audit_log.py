"""Contributions (exchange rates, pledges, instalments, reductions, receipts and their
applications) and the audit log, which is append-only like the ledger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fundledger.db import Money

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_APPEND_ONLY = "audit_events is append-only"
GUARDS = {
    "sqlite": [
        f"CREATE TRIGGER audit_events_refuse_{verb.lower()} BEFORE {verb} ON audit_events"
        f" BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    # fundledger_refuse_change() comes from revision 0001.
    "postgresql": [
        "CREATE TRIGGER audit_events_refuse_change BEFORE UPDATE OR DELETE ON audit_events"
        " FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_change()",
        "CREATE TRIGGER audit_events_refuse_truncate BEFORE TRUNCATE ON audit_events"
        " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_change()",
    ],
}
UNGUARDS = {
    "sqlite": [
        "DROP TRIGGER audit_events_refuse_update",
        "DROP TRIGGER audit_events_refuse_delete",
    ],
    "postgresql": [
        "DROP TRIGGER audit_events_refuse_change ON audit_events",
        "DROP TRIGGER audit_events_refuse_truncate ON audit_events",
    ],
}


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=60), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_actor"), ["actor"], unique=False)
        batch_op.create_index("ix_audit_events_object", ["object_type", "object_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("rate", Money(20, 10), nullable=False),
        sa.Column("entered_by", sa.Text(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_exchange_rates_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint("currency", "rate_date", name=op.f("uq_exchange_rates_currency")),
    )
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("pledge_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money(20, 4), nullable=False),
        sa.Column("rate", Money(20, 10), nullable=False),
        sa.Column("usd_amount", Money(18, 2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("earmark", sa.String(length=30), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_pledges_positive")),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donors.id"],
            name=op.f("fk_pledges_donor_id_donors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_pledges_entry_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_pledges_entry_id")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_donor_id"), ["donor_id"], unique=False)

    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", Money(20, 4), nullable=False),
        sa.Column("charges", Money(20, 4), nullable=False),
        sa.Column("rate", Money(20, 10), nullable=False),
        sa.Column("usd_amount", Money(18, 2), nullable=False),
        sa.Column("usd_charges", Money(18, 2), nullable=False),
        sa.Column("unapplied_usd", Money(18, 2), nullable=False),
        sa.Column("revenue_amount", Money(20, 4), nullable=False),
        sa.Column("earmark", sa.String(length=30), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_receipts_positive")),
        sa.CheckConstraint("charges >= 0", name=op.f("ck_receipts_charges_not_negative")),
        sa.CheckConstraint("revenue_amount >= 0", name=op.f("ck_receipts_revenue_not_negative")),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donors.id"],
            name=op.f("fk_receipts_donor_id_donors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_receipts_entry_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_receipts_entry_id")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_donor_id"), ["donor_id"], unique=False)

    op.create_table(
        "pledge_instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", Money(20, 4), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_pledge_instalments_positive")),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_instalments_pledge_id_pledges"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_instalments")),
        sa.UniqueConstraint("pledge_id", "due_date", name=op.f("uq_pledge_instalments_pledge_id")),
    )
    op.create_table(
        "pledge_reductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("reduction_date", sa.Date(), nullable=False),
        sa.Column("amount", Money(20, 4), nullable=False),
        sa.Column("usd_amount", Money(18, 2), nullable=False),
        sa.Column("cancellation", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_pledge_reductions_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_pledge_reductions_entry_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_reductions_pledge_id_pledges"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_reductions")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_pledge_reductions_entry_id")),
    )
    with op.batch_alter_table("pledge_reductions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_reductions_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "receipt_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("amount", Money(20, 4), nullable=False),
        sa.Column("pledge_usd", Money(18, 2), nullable=False),
        sa.Column("receipt_usd", Money(18, 2), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_receipt_applications_positive")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_receipt_applications_entry_id_journal_entries"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_receipt_applications_pledge_id_pledges"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipts.id"],
            name=op.f("fk_receipt_applications_receipt_id_receipts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_applications")),
    )
    with op.batch_alter_table("receipt_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipt_applications_entry_id"), ["entry_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_receipt_applications_pledge_id"), ["pledge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_receipt_applications_receipt_id"), ["receipt_id"], unique=False
        )

    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table("receipt_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_applications_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_receipt_applications_pledge_id"))
        batch_op.drop_index(batch_op.f("ix_receipt_applications_entry_id"))

    op.drop_table("receipt_applications")
    with op.batch_alter_table("pledge_reductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_reductions_pledge_id"))

    op.drop_table("pledge_reductions")
    op.drop_table("pledge_instalments")
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_donor_id"))

    op.drop_table("receipts")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_donor_id"))

    op.drop_table("pledges")
    op.drop_table("exchange_rates")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index("ix_audit_events_object")
        batch_op.drop_index(batch_op.f("ix_audit_events_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
