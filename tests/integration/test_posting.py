"""The posting service on both databases: what it accepts, what it refuses, and how."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from fundledger.db import Database
from fundledger.ledger import errors
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import credit, debit, reverse_entry
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from tests.factories import closed_year, create_donor, ledger_state, post

D = Decimal


def balances_by_code(database: Database, as_of: dt.date | None = None) -> dict[str, Decimal]:
    with database.session() as session:
        return {row.code: row.balance for row in trial_balance(session, as_of).rows}


def eur(original: str, rate: str, **dimensions: object) -> dict[str, object]:
    """Dimensions of a line that was in euros (signed like the USD amount)."""
    return {"currency": "EUR", "original_amount": D(original), "rate": D(rate), **dimensions}


def test_worked_example_1_euro_pledge_paid_in_two_instalments(database: Database) -> None:
    """WORKED-EXAMPLES.md §1, to the cent."""
    with database.transaction() as session:
        spain = create_donor(session, "ES-OBS", type="permanent_observer").id
        post(
            session,
            debit("1100", "54250.00", **eur("50000", "1.0850", donor_id=spain)),
            credit("4100", "54250.00", **eur("-50000", "1.0850", donor_id=spain)),
            on="2025-02-10",
            kind=EntryKind.PLEDGE,
        )
        post(
            session,
            debit("1010", "32978.00", **eur("29980", "1.1", donor_id=spain)),
            debit("5300", "22.00", **eur("20", "1.1")),
            credit("1100", "32550.00", **eur("-30000", "1.0850", donor_id=spain)),
            credit("4400", "450.00"),
            on="2025-04-15",
            kind=EntryKind.RECEIPT,
        )
    assert balances_by_code(database)["1100"] == D("21700.00")  # EUR 20,000 at the pledge rate
    with database.transaction() as session:
        post(
            session,
            debit("1010", "21400.00", **eur("20000", "1.07", donor_id=spain)),
            debit("5400", "300.00"),
            credit("1100", "21700.00", **eur("-20000", "1.0850", donor_id=spain)),
            on="2025-09-30",
            kind=EntryKind.RECEIPT,
        )

    assert balances_by_code(database) == {
        "1010": D("54378.00"),
        "4100": D("-54250.00"),
        "4400": D("-450.00"),
        "5300": D("22.00"),
        "5400": D("300.00"),
    }
    with database.session() as session:
        final = trial_balance(session)
        assert final.total_debit == final.total_credit == D("54700.00")
        assert balances_by_code(database, dt.date(2025, 4, 30))["1100"] == D("21700.00")
        assert verify_ledger(session).ok


@pytest.mark.parametrize(
    ("lines", "error", "message"),
    [
        ([debit("1010", "100.00")], errors.TooFewLines, "at least two lines"),
        ([debit("1010", "100.00"), credit("4100", "90.00")], errors.UnbalancedEntry,
         "debits 100.00, credits 90.00, difference 10.00"),
        ([debit("1010", "10.005"), credit("4100", "10.005")], errors.TooManyDecimals,
         "line 1: 10.005 has more decimals than USD allows (2)"),
        ([debit("1010", "0"), debit("1010", "5"), credit("4100", "5")], errors.ZeroLine,
         "line 1: amount is zero"),
        ([debit("9999", "5"), credit("4100", "5")], errors.UnknownAccount,
         "unknown account '9999'"),
        ([debit("1010", "5", activity=101), credit("4100", "5")], errors.UnknownDimension,
         "unknown activity 101"),
        ([debit("1010", "5", earmark="activity:33"), credit("4100", "5")], errors.UnknownDimension,
         "the fund finances 1–32"),
        ([debit("1010", "5", earmark="organ:NOPE"), credit("4100", "5")], errors.UnknownDimension,
         "unknown organ 'NOPE'"),
        ([debit("1010", "5", donor_id=999), credit("4100", "5")], errors.UnknownDimension,
         "unknown donor 999"),
        ([debit("1010", "1", currency="JPY", original_amount=D("150.5"), rate=D("0.0066")),
          credit("4100", "1")], errors.TooManyDecimals,
         "150.5 has more decimals than JPY allows (0)"),
        ([debit("1010", "108.49", currency="EUR", original_amount=D(100), rate=D("1.0850")),
          credit("4100", "108.49")], errors.ConversionMismatch,
         "100 EUR at 1.0850 is 108.50 USD, not 108.49"),
        ([debit("1010", "5", currency="EUR"), credit("4100", "5")], errors.InvalidEntry,
         "needs currency, original amount and rate"),
    ],
)  # fmt: skip
def test_invalid_entries_are_refused_with_a_reason_and_write_nothing(
    database: Database, lines: list, error: type[Exception], message: str
) -> None:
    with database.transaction() as session:
        post(session, debit("1010", "1.00"), credit("4100", "1.00"))
    with database.transaction() as session:
        before = ledger_state(session)
        with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
            post(session, *lines)
        assert ledger_state(session) == before


def test_a_date_in_a_closed_period_is_refused_by_the_service_and_the_database(
    database: Database,
) -> None:
    with database.transaction() as session:
        session.add(closed_year(2024))
    with database.transaction() as session:
        with pytest.raises(errors.ClosedPeriod, match="2024-12-31 falls in fiscal year 2024"):
            post(session, debit("1010", "1"), credit("4100", "1"), on="2024-12-31")
        post(session, debit("1010", "1"), credit("4100", "1"), on="2025-01-01")
    with pytest.raises(Exception, match="closed fiscal period"), database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO journal_entries (number, entry_date, kind, memo, content_digest,"
                " created_by, created_at, prev_hash, hash) VALUES (99, '2024-06-01', 'manual',"
                " '', 'x', 'sql', '2025-01-01 00:00:00', 'x', 'y')"
            )
        )


def test_the_same_idempotency_key_returns_the_first_entry(database: Database) -> None:
    with database.transaction() as session:
        first = post(session, debit("1010", "5"), credit("4100", "5"), key="bank:2025-0001")
        again = post(session, debit("1010", "5.00"), credit("4100", "5.00"), key="bank:2025-0001")
        assert again.id == first.id
        assert ledger_state(session).entries == 1


def test_the_same_key_with_other_content_is_a_conflict(database: Database) -> None:
    with database.transaction() as session:
        post(session, debit("1010", "5"), credit("4100", "5"), key="bank:2025-0001")
    with database.transaction() as session:
        with pytest.raises(errors.IdempotencyConflict, match="already used for entry #1"):
            post(session, debit("1010", "6"), credit("4100", "6"), key="bank:2025-0001")
        assert ledger_state(session).entries == 1


def test_a_reversal_mirrors_the_entry_and_cannot_be_repeated(database: Database) -> None:
    with database.transaction() as session:
        original = post(session, debit("1010", "70.00"), credit("4100", "70.00"), on="2025-05-05")
    with database.transaction() as session:
        entry = session.scalar(select(JournalEntry).filter_by(number=original.number))
        assert entry is not None
        reversal = reverse_entry(session, entry, reason="typed twice", created_by="test")
        assert reversal.entry_date == dt.date(2025, 5, 5)
        assert [p.amount for p in reversal.postings] == [D("-70.00"), D("70.00")]
        assert reversal.memo == "Reversal of #1: typed twice"
        with pytest.raises(errors.CannotReverse, match="already reversed by #2"):
            reverse_entry(session, entry, reason="again", created_by="test")
        with pytest.raises(errors.CannotReverse, match="itself a reversal"):
            reverse_entry(session, reversal, reason="undo", created_by="test")
    assert balances_by_code(database) == {}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_entries SET memo = 'rewritten'",
        "DELETE FROM journal_entries",
        "UPDATE postings SET amount = amount * 2",
        "DELETE FROM postings",
    ],
)
def test_raw_sql_cannot_rewrite_posted_history(database: Database, statement: str) -> None:
    with database.transaction() as session:
        post(session, debit("1010", "5"), credit("4100", "5"))
    with pytest.raises(Exception, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))
    with database.session() as session:
        assert verify_ledger(session).ok
        assert ledger_state(session).postings == 2


def test_cached_balances_follow_every_posting(database: Database) -> None:
    with database.transaction() as session:
        post(session, debit("1010", "100.10"), credit("4100", "100.10"))
        post(session, debit("1200", "40.05"), credit("1010", "40.05"))
    with database.session() as session:
        cached = {row.code: row.balance for row in trial_balance(session).rows}
        summed = {row.code: row.balance for row in trial_balance(session, dt.date.max).rows}
    assert cached == summed == {"1010": D("60.05"), "1200": D("40.05"), "4100": D("-100.10")}


def test_entry_numbers_are_gapless_and_chained(database: Database) -> None:
    with database.transaction() as session:
        entries = [post(session, debit("1010", str(n)), credit("4100", str(n))) for n in (1, 2, 3)]
        with pytest.raises(errors.UnbalancedEntry):
            post(session, debit("1010", "1"), credit("4100", "2"))
        entries.append(post(session, debit("1010", "4"), credit("4100", "4")))
    assert [e.number for e in entries] == [1, 2, 3, 4]
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
