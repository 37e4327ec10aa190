"""The database's own guards on the ledger, met with raw SQL that bypasses the services.

PostgreSQL runs them once per INSERT statement over the rows it inserted (revision
0007), SQLite once per row; either way a statement of several rows must be judged row
by row and its balances added up in full.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from fundledger.db import Database
from fundledger.ledger.models import Account, AccountBalance
from fundledger.ledger.operations import credit, debit, post_entry
from tests.factories import closed_year

ENTRY = (
    "INSERT INTO journal_entries (id, number, entry_date, kind, memo, content_digest,"
    " created_by, created_at, prev_hash, hash) VALUES (:id, :id, :on, 'manual', '', 'x', 'sql',"
    " '2025-01-01 00:00:00', 'x', :hash)"
)
POSTINGS = (
    "INSERT INTO postings (entry_id, line_no, account_id, entry_date, amount) VALUES"
    " (:entry, 1, (SELECT id FROM accounts WHERE code = '1010'), :first, :amount),"
    " (:entry, 2, (SELECT id FROM accounts WHERE code = '1010'), :second, :amount),"
    " (:entry, 3, (SELECT id FROM accounts WHERE code = '4100'), :first, -2 * :amount)"
)


def _cash(database: Database) -> Decimal:
    with database.session() as session:
        return session.execute(
            select(AccountBalance.balance)
            .join(Account, Account.id == AccountBalance.account_id)
            .where(Account.code == "1010")
        ).scalar_one()


def _insert(database: Database, on: str, second: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(ENTRY), {"id": 900, "on": on, "hash": "h900"})
        amount = 125 if database.dialect == "sqlite" else Decimal("1.25")  # minor units
        connection.execute(
            text(POSTINGS), {"entry": 900, "first": on, "second": second, "amount": amount}
        )


def test_one_statement_of_several_postings_adds_each_to_the_cached_balance(
    database: Database,
) -> None:
    with database.transaction() as session:
        post_entry(session, entry_date=dt.date(2025, 1, 2), created_by="a",
                   lines=[debit("1010", "10.00"), credit("4100", "10.00")])  # fmt: skip
    _insert(database, "2025-02-01", "2025-02-01")
    assert _cash(database) == Decimal("12.50")


def test_a_posting_dated_otherwise_than_its_entry_refuses_the_statement(
    database: Database,
) -> None:
    with pytest.raises(Exception, match="a posting carries its entry's date"):
        _insert(database, "2025-02-01", "2025-02-02")
    assert _cash(database) == Decimal(0)


def test_a_posting_in_a_closed_period_is_refused(database: Database) -> None:
    with database.transaction() as session:
        session.add(closed_year(2024))
    with pytest.raises(Exception, match="closed fiscal period"):
        _insert(database, "2024-06-01", "2024-06-01")
    assert _cash(database) == Decimal(0)
