"""A restricted-class line names its donor and earmark; "supersedes" is a foreign key.

1. A posting to the restricted class of net assets (3200 and the 42xx accounts) must
   carry the donor and the earmark whose money it is, or no pool holds what the class
   holds (DESIGN.md §3). The ledger service refuses such a line first, naming it
   (``chart.restriction_problem``); this guard holds for raw SQL and bulk loads. A CHECK
   cannot read the account's code (postings hold its id), so it is a trigger: per row
   on SQLite (the WHEN clause reads the account only for a line without donor or
   earmark), once per INSERT or COPY on PostgreSQL, like revision 0007's guards.
   Existing rows are not checked; ``fundledger verify`` compares classes and pools.

2. The statement a re-issue supersedes was a number in a text column (revision 0011),
   with nothing tying it to a statement. It becomes ``supersedes_id``, a foreign key to
   the superseded statement, unique (a statement is superseded once) and earlier than
   the row naming it. SQLite keeps a named foreign key (one its schema reports, so
   models and schema do not drift) only in the table's own definition, so the table is
   copied with the new, empty column, and the append-only triggers of revision 0005,
   dropped with the old table, are created again; an empty column also means dropping
   the old table breaks no reference. The guard on updates is lifted for the one UPDATE
   that copies the old numbers into the new column.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: What both databases say; the service refuses the line before, naming it.
_REFUSED = "a posting to the restricted class (3200, 42xx) names its donor and earmark"
#: The restricted class, as ledger/chart.py's is_restricted says it (frozen here).
_RESTRICTED = "(accounts.code = '3200' OR accounts.code LIKE '42%')"

GUARDS = {
    "sqlite": [
        "CREATE TRIGGER postings_restricted_names_earmark BEFORE INSERT ON postings"  # noqa: S608 - this module's constants
        " WHEN (NEW.donor_id IS NULL OR NEW.earmark IS NULL) AND EXISTS"
        f" (SELECT 1 FROM accounts WHERE accounts.id = NEW.account_id AND {_RESTRICTED})"
        f" BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
    ],
    "postgresql": [
        f"""CREATE FUNCTION fundledger_refuse_unearmarked_restricted() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM inserted JOIN accounts ON accounts.id = inserted.account_id
                       WHERE (inserted.donor_id IS NULL OR inserted.earmark IS NULL)
                       AND {_RESTRICTED}) THEN
                RAISE EXCEPTION '{_REFUSED}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$""",  # noqa: S608 - composed of this module's constants
        "CREATE TRIGGER postings_restricted_names_earmark AFTER INSERT ON postings"
        " REFERENCING NEW TABLE AS inserted"
        " FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_unearmarked_restricted()",
    ],
}
UNGUARDS = {
    "sqlite": ["DROP TRIGGER postings_restricted_names_earmark"],
    "postgresql": [
        "DROP TRIGGER postings_restricted_names_earmark ON postings",
        "DROP FUNCTION fundledger_refuse_unearmarked_restricted()",
    ],
}

_FK = "fk_statement_records_supersedes_id_statement_records"
_EARLIER = "ck_statement_records_supersedes_earlier"
_UNIQUE = "ix_statement_records_supersedes_id"
_REGISTER = "statement_records"
#: SQLite's append-only guards on the register (revision 0005), created again after a copy.
_APPEND_ONLY = [
    f"CREATE TRIGGER statement_records_refuse_{verb.lower()} BEFORE {verb}"
    " ON statement_records BEGIN SELECT RAISE(ABORT, 'statement_records is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
#: The guard on the register's updates, lifted around the copy of a column.
_LIFT = {
    "sqlite": ["DROP TRIGGER statement_records_refuse_update"],
    "postgresql": ["ALTER TABLE statement_records DISABLE TRIGGER statement_records_refuse_change"],
}
_RESTORE = {
    "sqlite": _APPEND_ONLY[:1],
    "postgresql": ["ALTER TABLE statement_records ENABLE TRIGGER statement_records_refuse_change"],
}


def _copy(statement: str) -> None:
    dialect = op.get_bind().dialect.name
    for lift in _LIFT[dialect]:
        op.execute(lift)
    op.execute(statement)
    for restore in _RESTORE[dialect]:
        op.execute(restore)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in GUARDS[dialect]:
        op.execute(statement)
    if dialect == "sqlite":
        with op.batch_alter_table(_REGISTER, recreate="always") as batch:
            batch.add_column(sa.Column("supersedes_id", sa.Integer()))
            batch.create_foreign_key(op.f(_FK), _REGISTER, ["supersedes_id"], ["id"],
                                     ondelete="RESTRICT")  # fmt: skip
            batch.create_check_constraint(op.f(_EARLIER), "supersedes_id < id")
        for statement in _APPEND_ONLY:
            op.execute(statement)
    else:
        op.add_column(_REGISTER, sa.Column("supersedes_id", sa.Integer()))
        op.create_foreign_key(op.f(_FK), _REGISTER, _REGISTER, ["supersedes_id"], ["id"],
                              ondelete="RESTRICT")  # fmt: skip
        op.create_check_constraint(op.f(_EARLIER), _REGISTER, "supersedes_id < id")
    _copy(
        "UPDATE statement_records SET supersedes_id = (SELECT older.id FROM statement_records"
        " AS older WHERE older.number = statement_records.supersedes)"
        " WHERE supersedes IS NOT NULL"
    )
    op.create_index(_UNIQUE, _REGISTER, ["supersedes_id"], unique=True)
    if dialect == "sqlite":  # in place (SQLite 3.35 and later)
        op.execute("ALTER TABLE statement_records DROP COLUMN supersedes")
    else:
        op.drop_column(_REGISTER, "supersedes")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":  # in place, as revision 0011 added it
        op.execute("ALTER TABLE statement_records ADD COLUMN supersedes VARCHAR(30)")
    else:
        op.add_column(_REGISTER, sa.Column("supersedes", sa.String(length=30)))
    # The numbers back, and the links gone: SQLite's copy below then drops a table that
    # no row of it references.
    _copy(
        "UPDATE statement_records SET supersedes = (SELECT older.number FROM statement_records"
        " AS older WHERE older.id = statement_records.supersedes_id), supersedes_id = NULL"
        " WHERE supersedes_id IS NOT NULL"
    )
    op.drop_index(_UNIQUE, table_name=_REGISTER)
    if dialect == "sqlite":
        with op.batch_alter_table(_REGISTER, recreate="always") as batch:
            batch.drop_constraint(op.f(_EARLIER), type_="check")
            batch.drop_constraint(op.f(_FK), type_="foreignkey")
            batch.drop_column("supersedes_id")
        for statement in _APPEND_ONLY:
            op.execute(statement)
    else:
        op.drop_constraint(op.f(_EARLIER), _REGISTER, type_="check")
        op.drop_constraint(op.f(_FK), _REGISTER, type_="foreignkey")
        op.drop_column(_REGISTER, "supersedes_id")
    for statement in UNGUARDS[dialect]:
        op.execute(statement)
