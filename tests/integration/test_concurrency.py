"""Concurrent posters on real connections: one entry per key, one unforked chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from fundledger.db import Database
from fundledger.donors.models import Pledge
from fundledger.donors.operations import create_donor, known_donor
from fundledger.donors.pledges import record_pledge
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import credit, debit
from fundledger.ledger.verify import verify_ledger
from tests.factories import TEST_ACTOR, post
from tests.races import all_at_once

THREADS = 8


def test_one_idempotency_key_from_eight_threads_posts_one_entry(database: Database) -> None:
    def post_same(_: int) -> int:
        with database.transaction() as session:
            return post(session, debit("1010", "25"), credit("4100", "25"), key="wire-42").number

    numbers = all_at_once(THREADS, post_same)

    assert set(numbers) == {1}
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 1
        assert verify_ledger(session).ok


def test_concurrent_posts_keep_numbers_gapless_and_the_chain_unforked(
    database: Database,
) -> None:
    def post_own(i: int) -> int:
        numbers = []
        for n in range(5):
            with database.transaction() as session:
                entry = post(session, debit("1010", f"{i}.{n}1"), credit("4100", f"{i}.{n}1"))
                numbers.append(entry.number)
        return max(numbers)

    all_at_once(THREADS, post_own)

    with database.session() as session:
        numbers = list(session.scalars(select(JournalEntry.number).order_by(JournalEntry.number)))
        report = verify_ledger(session)
    assert numbers == list(range(1, THREADS * 5 + 1))
    assert report.ok, report.violations


def test_one_pledge_submitted_eight_times_at_once_is_recorded_once(database: Database) -> None:
    """A double-clicked form or a retried request: same key, one pledge, one entry."""
    with database.transaction() as session:
        create_donor(session, TEST_ACTOR, code="MEX", name="México", type="member_state")

    def pledge_same(_: int) -> int:
        with database.transaction() as session:
            mexico = known_donor(session, "MEX")
            return record_pledge(
                session, TEST_ACTOR, mexico, pledge_date=dt.date(2025, 1, 20),
                amount=Decimal(50000), currency="USD", idempotency_key="form:pledge:1",
            ).id  # fmt: skip

    ids = all_at_once(THREADS, pledge_same)

    assert len(set(ids)) == 1
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Pledge)) == 1
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 1
