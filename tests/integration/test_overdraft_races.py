"""Backdated approvals and tranches racing on PostgreSQL cannot together overdraw a past
day: each fits alone, both together would not, and the ledger's lock lets one win."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import InsufficientFunds
from fundledger.allocations.models import Allocation
from fundledger.allocations.pools import lowest_available, lowest_money
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.errors import Overdraft
from fundledger.ledger.operations import Line, post_entry
from tests.races import all_at_once

SEC = Actor("sec@oas.org")
ROUNDS = 3


def test_two_backdated_approvals_cannot_together_overdraw_a_past_day(
    postgres_database: Database,
) -> None:
    """Each round: 100,000 in on 10 Jan, 60,000 approved on 1 June; two approvals of
    30,000 dated 1 March each fit (1 June leaves 40,000) but not both."""
    database = postgres_database
    with database.transaction() as session:
        canada = create_donor(session, SEC, code="CAN", name="Canada", type="member_state")
    for round_number in range(ROUNDS):
        earmark = f"activity:{round_number + 1}"
        pool = f"CAN/{earmark}"
        with database.transaction() as session:
            record_receipt(session, SEC, canada, value_date=dt.date(2025, 1, 10),
                           amount=Decimal(100000), currency="USD", unpledged=True,
                           earmark=earmark, reference=f"round {round_number}")  # fmt: skip
            ids = []
            for amount in (60000, 30000, 30000):
                allocation = ops.propose_allocation(
                    session, SEC, activity=round_number + 1, amount=Decimal(amount),
                    purpose="race", period_start=dt.date(2025, 1, 1),
                    period_end=dt.date(2025, 12, 31), pools=[pool],
                )  # fmt: skip
                ops.submit_allocation(session, SEC, allocation)
                ids.append(allocation.id)
            ops.decide_allocation(session, Actor("cajp@oas.org"),
                                  session.get_one(Allocation, ids[0]), decision="approve",
                                  on=dt.date(2025, 6, 1), reference="CP/CAJP-1")  # fmt: skip

        def approve(i: int, ids: list[int] = ids) -> str:
            try:
                with database.transaction() as session:
                    ops.decide_allocation(
                        session, Actor(f"cajp{i}@oas.org"), session.get_one(Allocation, ids[1 + i]),
                        decision="approve", on=dt.date(2025, 3, 1), reference="CP/CAJP-race",
                    )  # fmt: skip
                return "approved"
            except InsufficientFunds:
                return "refused"

        assert sorted(all_at_once(2, approve)) == ["approved", "refused"]
        with database.session() as session:
            lowest = lowest_available(session, [pool], since=dt.date(2025, 1, 10),
                                      with_receivables=False)[pool]  # fmt: skip
            assert lowest.balance == Decimal("10000.00")


def test_two_backdated_payments_cannot_together_overdraw_a_past_day(
    postgres_database: Database,
) -> None:
    """1,000 in on 10 Jan, 600 out on 1 June; two payments of 300 dated 1 March."""
    database = postgres_database
    with database.transaction() as session:
        canada = create_donor(session, SEC, code="CAN", name="Canada", type="member_state")
        record_receipt(session, SEC, canada, value_date=dt.date(2025, 1, 10),
                       amount=Decimal(1000), currency="USD", unpledged=True)  # fmt: skip
        post_entry(session, entry_date=dt.date(2025, 6, 1), created_by="test",
                   lines=[Line("5300", Decimal(600)), Line("1010", Decimal(-600))])  # fmt: skip
        canada_id = canada.id

    def pay(i: int) -> str:
        try:
            with database.transaction() as session:
                post_entry(session, entry_date=dt.date(2025, 3, 1), created_by=f"clerk {i}",
                           lines=[Line("5300", Decimal(300), donor_id=canada_id),
                                  Line("1010", Decimal(-300))])  # fmt: skip
            return "paid"
        except Overdraft:
            return "refused"

    assert sorted(all_at_once(2, pay)) == ["paid", "refused"]
    with database.session() as session:
        low = lowest_money(session, ["unrestricted"], since=dt.date(2025, 1, 10))["unrestricted"]
        assert low.balance == Decimal("100.00")
