"""``verify`` finds what a stray script with enough privileges could do to the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fundledger.db import Database
from fundledger.ledger.operations import credit, debit
from fundledger.ledger.verify import verify_ledger
from tests.factories import post


def tamper(database: Database, table: str, statement: str) -> None:
    """Run ``statement`` with the table's append-only guard switched off."""
    with database.engine.begin() as connection:
        if database.dialect == "sqlite":
            connection.execute(text(f"DROP TRIGGER {table}_refuse_update"))
        else:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        connection.execute(text(statement))


@pytest.fixture
def ledger(database: Database) -> Database:
    with database.transaction() as session:
        post(session, debit("1010", "500.00"), credit("4100", "500.00"), memo="Canada")
        post(session, debit("1200", "200.00"), credit("1010", "200.00"), memo="tranche")
    with database.session() as session:
        assert verify_ledger(session).ok
    return database


@pytest.mark.parametrize(
    ("table", "statement", "found"),
    [
        ("journal_entries", "UPDATE journal_entries SET memo = 'Mexico' WHERE number = 1",
         ["entry #1 was altered: its content no longer matches its digest"]),
        ("journal_entries", "UPDATE journal_entries SET created_by = 'someone' WHERE number = 2",
         ["entry #2 was altered: its hash does not match its record"]),
        ("postings", "UPDATE postings SET amount = amount * 2 WHERE line_no = 1",
         ["entry #1 does not balance", "entry #1 was altered", "account 1010: cached balance"]),
    ],
)  # fmt: skip
def test_verify_names_each_violation(
    ledger: Database, table: str, statement: str, found: list[str]
) -> None:
    tamper(ledger, table, statement)
    with ledger.session() as session:
        report = verify_ledger(session)
    assert not report.ok
    for expected in found:
        assert any(expected in violation for violation in report.violations), report.violations


def test_verify_finds_a_cached_balance_that_drifted(ledger: Database) -> None:
    with ledger.engine.begin() as connection:
        connection.execute(text("UPDATE account_balances SET balance = balance + 1"))
    with ledger.session() as session:
        report = verify_ledger(session)
    assert "account 1010: cached balance" in report.violations[0]
