"""The ledger's bounds (docs/LEDGER.md): a line and an entry below 10¹⁴ USD, an account's
balance and a day's total below 10¹⁵ USD, on every path and in the database itself.

Without them a voucher of huge lines turned SQLite's cached balances into floating point
(the trial balance stopped balancing, ``verify`` crashed) and PostgreSQL answered a
"numeric field overflow" traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fundledger.db import Database
from fundledger.ledger.bulk import EntrySpec, append_entries
from fundledger.ledger.errors import BeyondBound
from fundledger.ledger.operations import credit, debit
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from tests.factories import TEST_ACTOR, create_donor, ledger_state, post

Run = Callable[..., Result]
LARGEST = "99999999999999.99"
BOUND = "the ledger's bound is ±999,999,999,999,999.99 USD"


def _largest_entries(session: Session, count: int) -> None:
    """``count`` entries of the largest amount an entry may move: 1010 grows each time."""
    for _ in range(count):
        post(session, debit("1010", LARGEST), credit("4100", LARGEST))


def _clean(session: Session) -> None:
    """The trial balance balances and ``verify`` finds nothing wrong."""
    balance = trial_balance(session)
    assert balance.total_debit == balance.total_credit
    assert verify_ledger(session).violations == []


def test_a_voucher_of_many_huge_lines_is_refused_and_writes_nothing(
    run: Run, tmp_path: Path
) -> None:
    lines = [{"account": "1010", "debit": LARGEST}] * 1000 + [
        {"account": "4100", "credit": LARGEST}
    ] * 1000
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"date": "2025-03-04", "lines": lines}))
    refused = run("entry", "post", str(path))
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        "fundledger: entry moves 99,999,999,999,999,990.00 USD; "
        "an entry moves less than 100,000,000,000,000.00 USD\n"
    )
    assert run("trial-balance", "--format", "csv").stdout == "account,name,debit,credit\n"
    verified = run("verify")
    assert verified.exit_code == 0
    assert verified.stdout.startswith("ledger verified: 0 entries")


def test_a_balance_beyond_the_bound_is_refused_naming_the_account(database: Database) -> None:
    """Ten of the largest entries fit (999,999,999,999,999.90); the eleventh is refused,
    and the caller's transaction goes on as it was."""
    with database.transaction() as session:
        _largest_entries(session, 10)
        before = ledger_state(session)
        with pytest.raises(BeyondBound) as refused:
            _largest_entries(session, 1)
        assert str(refused.value) == (
            f"the balance of account 1010 would be 1,099,999,999,999,999.89 USD; {BOUND}"
        )
        assert ledger_state(session) == before
        _clean(session)
        post(session, debit("1010", "0.09"), credit("4100", "0.09"))
        assert ledger_state(session).entries == 11


def test_a_daily_total_beyond_the_bound_is_refused_naming_it(database: Database) -> None:
    """Money in and out of the bank on one day, the out with a donor: the balance stays
    small while the day's total of the manual postings without a donor grows."""
    with database.transaction() as session:
        donor = create_donor(session)
        for _ in range(10):
            post(session, debit("1010", LARGEST), credit("4100", LARGEST), on="2025-03-04")
            post(session, debit("4100", LARGEST, donor_id=donor.id),
                 credit("1010", LARGEST, donor_id=donor.id), on="2025-03-04")  # fmt: skip
        before = ledger_state(session)
        with pytest.raises(BeyondBound) as refused:
            post(session, debit("1010", LARGEST), credit("4100", LARGEST), on="2025-03-04")
        assert str(refused.value) == (
            "the manual postings of 2025-03-04 on account 1010 would total "
            f"1,099,999,999,999,999.89 USD; {BOUND}"
        )
        assert ledger_state(session) == before
        _clean(session)


@pytest.mark.parametrize("entries", [11, 1000])
def test_a_bulk_load_beyond_the_bound_is_refused_and_rolled_back(
    database: Database, entries: int
) -> None:
    """1000 of the largest entries sum past what PostgreSQL's column and SQLite's integers
    hold in one statement: still the same refusal, not an overflow."""
    specs = [
        EntrySpec(dt.date(2025, 3, 4), [debit("1010", LARGEST), credit("4100", LARGEST)])
        for _ in range(entries)
    ]
    with database.transaction() as session:
        with pytest.raises(
            BeyondBound, match=f"^the balance of account 1010 would be .*; {BOUND}$"
        ):
            append_entries(session, specs, created_by=TEST_ACTOR.name)
        assert ledger_state(session).entries == 0
        _clean(session)
        assert append_entries(session, specs[:10], created_by=TEST_ACTOR.name) == 10
        _clean(session)  # and the load stored the amounts exact (no float on the way)
        assert trial_balance(session).total_debit == Decimal("999999999999999.90")


def _raw_entry(connection: Connection, amount: object) -> None:
    """An entry of two postings written with SQL, past the services."""
    connection.execute(text(
        "INSERT INTO journal_entries (id, number, entry_date, kind, memo, content_digest,"
        " created_by, created_at, prev_hash, hash) VALUES (900, 900, '2025-03-04', 'manual',"
        " '', 'x', 'sql', '2025-01-01 00:00:00', 'x', 'h900')"
    ))  # fmt: skip
    connection.execute(
        text(
            "INSERT INTO postings (entry_id, line_no, account_id, entry_date, amount) VALUES"
            " (900, 1, (SELECT id FROM accounts WHERE code = '1010'), '2025-03-04', :amount),"
            " (900, 2, (SELECT id FROM accounts WHERE code = '4100'), '2025-03-04', -:amount)"
        ),
        {"amount": amount},
    )


@pytest.mark.parametrize("usd", [Decimal("1000000000000000.00"), Decimal("9000000000000000.00")])
def test_the_database_refuses_a_raw_posting_past_the_bound(
    database: Database, usd: Decimal
) -> None:
    """SQLite holds cents, PostgreSQL USD; 9e15 USD is 9e17 cents, within what SQLite's
    integers hold but far past the bound."""
    amount = int(usd * 100) if database.dialect == "sqlite" else usd
    refused = pytest.raises(DBAPIError, match=r"within_bound|within the ledger's bound")
    with refused, database.engine.begin() as connection:
        _raw_entry(connection, amount)
    with database.session() as session:
        assert ledger_state(session).entries == 0


def test_sqlite_refuses_a_balance_that_is_not_whole_cents(sqlite_database: Database) -> None:
    """A non-integer reaching the cached balance is refused: SQLite turns an integer sum
    that overflows into a REAL, and a raw half cent is one (PostgreSQL's NUMERIC holds
    exact decimals, so this is SQLite's own guard)."""
    half_cent = text("SELECT CAST(1 AS REAL) / 2")
    refused = pytest.raises(DBAPIError, match="within the ledger's bound")
    with refused, sqlite_database.engine.begin() as connection:
        _raw_entry(connection, connection.scalar(half_cent))
    with sqlite_database.session() as session:
        assert ledger_state(session).entries == 0
