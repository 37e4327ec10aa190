"""How many SQL statements a pledge or a receipt costs: each one is most of the time the
service layer spends (issue 7), so the count must not grow back unnoticed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from fundledger.db import Database
from fundledger.donors import operations as donors
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.operations import credit, debit, post_or_replay
from tests.factories import TEST_ACTOR as ACTOR
from tests.factories import statements_sent

ON = dt.date(2026, 3, 2)


@contextmanager
def counted(database: Database) -> Iterator[Callable[[], list[str]]]:
    """The statements sent to the database inside the block (not BEGIN: the caller's)."""
    with statements_sent(database.engine) as sent:
        yield lambda: [sql for sql in sent if not sql.startswith("BEGIN")]


def test_a_pledge_takes_thirteen_statements(database: Database) -> None:
    """Lock and idempotency look-up (a retry racing the first call waits for it, then
    replays it), accounts, savepoint, lock, key under the lock, open period, entry,
    postings (one executemany), ledger head, release, pledge, audit event."""
    with database.transaction() as session:
        donor = donors.create_donor(session, ACTOR, code="MEX", name="Mexico", type="member_state")
        with counted(database) as statements:
            record_pledge(
                session, ACTOR, donor, pledge_date=ON, amount=Decimal("1000.00"),
                currency="USD", idempotency_key="pledge-1",
            )  # fmt: skip
        assert len(statements()) == 13, statements()


def test_an_unpledged_receipt_takes_thirteen_statements(database: Database) -> None:
    with database.transaction() as session:
        donor = donors.create_donor(session, ACTOR, code="MEX", name="Mexico", type="member_state")
        with counted(database) as statements:
            record_receipt(
                session, ACTOR, donor, value_date=ON, amount=Decimal("500.00"),
                currency="USD", unpledged=True, idempotency_key="receipt-1",
            )  # fmt: skip
        assert len(statements()) == 13, statements()


def test_a_receipt_settling_a_pledge_adds_only_the_pledge_and_its_application(
    database: Database,
) -> None:
    """Thirteen, plus the donor's pledges, which of them were reversed, what each still
    owes (reductions and receipts applied: two sums) and the application row."""
    with database.transaction() as session:
        donor = donors.create_donor(session, ACTOR, code="MEX", name="Mexico", type="member_state")
        record_pledge(
            session, ACTOR, donor, pledge_date=ON, amount=Decimal("1000.00"), currency="USD"
        )
        with counted(database) as statements:
            record_receipt(
                session, ACTOR, donor, value_date=ON, amount=Decimal("1000.00"),
                currency="USD", idempotency_key="receipt-1",
            )  # fmt: skip
        assert len(statements()) == 18, statements()


def test_a_replay_is_not_new_and_posts_nothing(database: Database) -> None:
    lines = [debit("1010", "25.00"), credit("4100", "25.00")]
    with database.transaction() as session:
        first = post_or_replay(
            session, entry_date=ON, lines=lines, created_by="clerk", idempotency_key="k"
        )
        with counted(database) as statements:
            again = post_or_replay(
                session, entry_date=ON, lines=lines, created_by="clerk", idempotency_key="k"
            )
        assert (first.new, again.new) == (True, False)
        assert again.entry is first.entry
        assert not [sql for sql in statements() if sql.startswith("INSERT")]
