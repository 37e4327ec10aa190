"""The daily totals the postings trigger keeps (revision 0006), which the statements,
dashboards and availability read instead of the postings, and ``verify``'s check of them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from fundledger.db import Database
from fundledger.ledger.models import Account, DailyTotal, EntryKind
from fundledger.ledger.operations import credit, debit, reverse_entry
from fundledger.ledger.verify import verify_ledger
from tests.factories import create_donor, post

Row = tuple[str, str, str, str | None, str | None, Decimal]


def kept(database: Database) -> list[Row]:
    """(day, account, kind, donor, earmark, amount) of every kept total, in order."""
    with database.session() as session:
        rows = session.execute(
            select(DailyTotal.entry_date, Account.code, DailyTotal.kind, DailyTotal.donor_id,
                   DailyTotal.earmark, DailyTotal.amount)
            .join(Account, Account.id == DailyTotal.account_id)
        )  # fmt: skip
        return sorted(
            (day.isoformat(), code, kind, None if donor is None else "MEX", earmark, amount)
            for day, code, kind, donor, earmark, amount in rows
        )


@pytest.fixture
def ledger(database: Database) -> Database:
    """Two gifts from MEX and a transfer of its money on one day, and a receipt the next
    day."""
    with database.transaction() as session:
        mex = create_donor(session, "MEX").id
        for amount in ("100.00", "50.00"):
            post(session, debit("1010", amount, donor_id=mex, earmark="activity:5"),
                 credit("4200", amount, donor_id=mex, earmark="activity:5"),
                 kind=EntryKind.RECEIPT, on="2025-03-01")  # fmt: skip
        # An advance out of MEX's earmarked money, in its pool: the unrestricted pool holds
        # nothing that day, and the money stays restricted.
        post(session, debit("1200", "30.00", donor_id=mex, earmark="activity:5"),
             credit("1010", "30.00", donor_id=mex, earmark="activity:5"),
             on="2025-03-01")  # fmt: skip
        post(session, debit("1010", "7.00"), credit("4100", "7.00"),
             kind=EntryKind.RECEIPT, on="2025-03-02")  # fmt: skip
    return database


def test_the_trigger_adds_each_posting_to_its_days_total(ledger: Database) -> None:
    assert kept(ledger) == [
        ("2025-03-01", "1010", "manual", "MEX", "activity:5", Decimal("-30.00")),
        ("2025-03-01", "1010", "receipt", "MEX", "activity:5", Decimal("150.00")),
        ("2025-03-01", "1200", "manual", "MEX", "activity:5", Decimal("30.00")),
        ("2025-03-01", "4200", "receipt", "MEX", "activity:5", Decimal("-150.00")),
        ("2025-03-02", "1010", "receipt", None, None, Decimal("7.00")),
        ("2025-03-02", "4100", "receipt", None, None, Decimal("-7.00")),
    ]
    with ledger.session() as session:
        assert verify_ledger(session).ok


def test_a_reversal_is_totalled_under_its_own_kind_and_date(ledger: Database) -> None:
    with ledger.transaction() as session:
        gift = post(session, debit("1010", "20.00"), credit("4100", "20.00"),
                    kind=EntryKind.RECEIPT, on="2025-03-02")  # fmt: skip
        reverse_entry(session, gift, reason="bounced", created_by="test",
                      entry_date=dt.date(2025, 3, 3))  # fmt: skip
    assert kept(ledger)[-4:] == [
        ("2025-03-02", "1010", "receipt", None, None, Decimal("27.00")),
        ("2025-03-02", "4100", "receipt", None, None, Decimal("-27.00")),
        ("2025-03-03", "1010", "reversal", None, None, Decimal("-20.00")),
        ("2025-03-03", "4100", "reversal", None, None, Decimal("20.00")),
    ]
    with ledger.session() as session:
        assert verify_ledger(session).ok


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("UPDATE daily_totals SET amount = amount + 1 WHERE kind = 'manual' AND amount > 0",
         r"daily total 2025-03-01 1200 manual donor \d+ earmark \S+ allocation -: kept 3"),
        ("DELETE FROM daily_totals WHERE kind = 'manual' AND amount > 0",
         r"daily total 2025-03-01 1200 manual donor \d+ earmark \S+ allocation -: kept None"),
        ("UPDATE daily_totals SET kind = 'fx' WHERE kind = 'manual' AND amount > 0",
         r"daily total 2025-03-01 1200 fx donor \d+ earmark \S+ allocation -: kept 30.00 but no"),
    ],
)  # fmt: skip
def test_verify_finds_a_daily_total_that_drifted(
    ledger: Database, statement: str, found: str
) -> None:
    """(On SQLite the amounts are cents, so ``+ 1`` keeps 30.01; on PostgreSQL 31.00.)"""
    with ledger.engine.begin() as connection:
        connection.execute(text(statement))
    with ledger.session() as session:
        report = verify_ledger(session)
    assert any(re.search(found, violation) for violation in report.violations), report.violations
