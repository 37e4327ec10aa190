"""Approvals racing for the same pool: the pool never goes below zero (WORKED-EXAMPLES §3)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import InsufficientFunds
from fundledger.allocations.models import Allocation
from fundledger.allocations.pools import availability
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt

WORKERS = 10
ROUNDS = 4
SECRETARIAT = Actor("secretariat@oas.org")


def test_ten_approvals_of_20000_race_for_100000_and_exactly_five_win(database: Database) -> None:
    with database.transaction() as session:
        canada = create_donor(session, SECRETARIAT, code="CAN", name="Canada", type="member_state")
    for round_number in range(ROUNDS):
        with database.transaction() as session:
            record_receipt(
                session, SECRETARIAT, canada, value_date=dt.date(2025, 1, 10),
                amount=Decimal(100000), currency="USD", unpledged=True,
                reference=f"round {round_number}",
            )  # fmt: skip
            ids = []
            for _ in range(WORKERS):
                allocation = ops.propose_allocation(
                    session, SECRETARIAT, activity=1, amount=Decimal(20000), purpose="race",
                    period_start=dt.date(2025, 2, 1), period_end=dt.date(2025, 12, 31),
                )  # fmt: skip
                ops.submit_allocation(session, SECRETARIAT, allocation)
                ids.append(allocation.id)
        start = threading.Barrier(WORKERS)

        def approve(allocation_id: int, start: threading.Barrier = start) -> str:
            start.wait()
            try:
                with database.transaction() as session:
                    allocation = session.get(Allocation, allocation_id)
                    assert allocation is not None
                    ops.decide_allocation(
                        session, Actor(f"cajp{allocation_id}@oas.org"), allocation,
                        decision="approve", on=dt.date(2025, 2, 1), reference="CP/CAJP-race",
                    )  # fmt: skip
                return "approved"
            except InsufficientFunds:
                return "refused"

        with ThreadPoolExecutor(WORKERS) as pool:
            outcomes = list(pool.map(approve, ids))

        assert sorted(outcomes) == ["approved"] * 5 + ["refused"] * 5
        with database.session() as session:
            pools = availability(session, with_receivables=False)
            assert pools["unrestricted"].available == Decimal("0.00")
            states = [session.get(Allocation, i).state for i in ids]  # type: ignore[union-attr]
            assert sorted(states) == ["approved"] * 5 + ["submitted"] * 5
