"""The register of issued statements (donor and fund statements, CAJP meeting packs),
append-only like the ledger and the audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_APPEND_ONLY = "statement_records is append-only"
GUARDS = {
    "sqlite": [
        f"CREATE TRIGGER statement_records_refuse_{verb.lower()} BEFORE {verb}"
        f" ON statement_records BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    # fundledger_refuse_change() comes from revision 0001.
    "postgresql": [
        "CREATE TRIGGER statement_records_refuse_change BEFORE UPDATE OR DELETE"
        " ON statement_records FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_change()",
        "CREATE TRIGGER statement_records_refuse_truncate BEFORE TRUNCATE"
        " ON statement_records FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_change()",
    ],
}
UNGUARDS = {
    "sqlite": [
        "DROP TRIGGER statement_records_refuse_update",
        "DROP TRIGGER statement_records_refuse_delete",
    ],
    "postgresql": [
        "DROP TRIGGER statement_records_refuse_change ON statement_records",
        "DROP TRIGGER statement_records_refuse_truncate ON statement_records",
    ],
}


def upgrade() -> None:
    op.create_table(
        "statement_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("issued_by", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('donor', 'fund', 'cajp_pack')", name=op.f("ck_statement_records_kind_known")
        ),
        sa.CheckConstraint(
            "language IN ('en', 'es', 'fr', 'pt')",
            name=op.f("ck_statement_records_language_known"),
        ),
        sa.CheckConstraint("sequence > 0", name=op.f("ck_statement_records_sequence_positive")),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donors.id"],
            name=op.f("fk_statement_records_donor_id_donors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_records")),
        sa.UniqueConstraint("kind", "year", "sequence", name=op.f("uq_statement_records_kind")),
        sa.UniqueConstraint("number", name=op.f("uq_statement_records_number")),
        sa.UniqueConstraint("sha256", name=op.f("uq_statement_records_sha256")),
    )
    with op.batch_alter_table("statement_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_records_donor_id"), ["donor_id"], unique=False
        )
    for statement in GUARDS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in UNGUARDS[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table("statement_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_records_donor_id"))

    op.drop_table("statement_records")
