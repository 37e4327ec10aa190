"""Hypothesis state machine over the allocation lifecycle.

Random sequences of proposals, submissions, decisions, tranches, expenditure reports
and closes: illegal steps are refused and change nothing; at every step commitments,
advances and expenditure reconcile with the ledger and no pool goes below zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import AllocationError
from fundledger.allocations.models import Allocation, AllocationPool
from fundledger.allocations.pools import availability
from fundledger.allocations.transitions import TRANSITIONS
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import Account, Posting
from fundledger.ledger.verify import verify_ledger
from tests.factories import ledger_state

SECRETARIAT = Actor("sec@oas.org")
CAJP = Actor("cajp@oas.org")
DAY = dt.date(2025, 3, 1)
amounts = st.integers(min_value=1, max_value=60_000).map(Decimal)


def ledger_sum(session: Session, account: str, allocation_id: int | None = None) -> Decimal:
    query = (
        select(func.coalesce(func.sum(Posting.amount), Decimal(0)))
        .join(Account, Account.id == Posting.account_id)
        .where(Account.code == account)
    )
    if allocation_id is not None:
        query = query.where(Posting.allocation_id == allocation_id)
    return session.scalar(query) or Decimal(0)


class Lifecycle(RuleBasedStateMachine):
    database: Database

    def __init__(self) -> None:
        super().__init__()
        self.session = self.database.session(write=True)
        donor = create_donor(self.session, SECRETARIAT, code="CAN", name="Canada",
                             type="member_state")  # fmt: skip
        for earmark in (None, "activity:1"):
            record_receipt(self.session, SECRETARIAT, donor, value_date=DAY,
                           amount=Decimal(100_000), currency="USD", unpledged=True,
                           earmark=earmark)  # fmt: skip
        self.ids: list[int] = []

    def pick(self, index: int) -> Allocation | None:
        if not self.ids:
            return None
        return self.session.get(Allocation, self.ids[index % len(self.ids)])

    def attempt(self, allocation: Allocation | None, action: str, step: object) -> None:
        """Run a step; if refused, it must have changed nothing."""
        if allocation is None:
            return
        before = (ledger_state(self.session), allocation.state)
        legal = (allocation.state, action) in {(str(s), a) for s, a in TRANSITIONS}
        try:
            with self.session.begin_nested():
                step()  # type: ignore[operator]
        except AllocationError:
            self.session.expire_all()
            assert (ledger_state(self.session), allocation.state) == before
        else:
            assert legal, f"{action} from {before[1]} should have been refused"

    @rule(
        activity=st.sampled_from([1, 2, 5]),
        amount=amounts,
        pools=st.sampled_from([(), ("CAN/activity:1",), ("CAN/activity:1", "unrestricted")]),
    )
    def propose(self, activity: int, amount: Decimal, pools: tuple[str, ...]) -> None:  # fmt: skip
        eligible = activity == 1 or not pools
        if not eligible:
            with pytest.raises(AllocationError, match="cannot fund activity"):
                ops.propose_allocation(
                    self.session, SECRETARIAT, activity=activity, amount=amount, purpose="p",
                    period_start=DAY, period_end=DAY.replace(month=12), pools=pools,
                )  # fmt: skip
            return
        allocation = ops.propose_allocation(
            self.session, SECRETARIAT, activity=activity, amount=amount, purpose="p",
            period_start=DAY, period_end=DAY.replace(month=12), pools=pools,
        )  # fmt: skip
        self.ids.append(allocation.id)

    @rule(index=st.integers(0, 20))
    def submit(self, index: int) -> None:
        allocation = self.pick(index)
        self.attempt(
            allocation,
            "submit",
            lambda: ops.submit_allocation(self.session, SECRETARIAT, allocation),
        )

    @rule(
        index=st.integers(0, 20),
        decision=st.sampled_from(["approve", "reject", "return"]),
        share=st.sampled_from([None, Decimal("0.5")]),
    )
    def decide(self, index: int, decision: str, share: Decimal | None) -> None:  # fmt: skip
        allocation = self.pick(index)
        amount = None
        if allocation is not None and share is not None:
            amount = (allocation.requested_amount * share).quantize(Decimal("0.01")) or None
        self.attempt(allocation, decision, lambda: ops.decide_allocation(
            self.session, CAJP, allocation, decision=decision, on=DAY, reference="CP/CAJP-x",
            approved_amount=amount))  # fmt: skip

    @rule(index=st.integers(0, 20), amount=amounts)
    def disburse(self, index: int, amount: Decimal) -> None:
        allocation = self.pick(index)
        self.attempt(allocation, "disburse",
                     lambda: ops.disburse(self.session, SECRETARIAT, allocation, amount=amount,
                                          on=DAY))  # fmt: skip

    @rule(index=st.integers(0, 20), amount=amounts)
    def report(self, index: int, amount: Decimal) -> None:
        allocation = self.pick(index)
        self.attempt(allocation, "report", lambda: ops.report_expenditure(
            self.session, SECRETARIAT, allocation, amount=amount, period_end=DAY,
            category="travel"))  # fmt: skip

    @rule(index=st.integers(0, 20))
    def close(self, index: int) -> None:
        allocation = self.pick(index)
        self.attempt(
            allocation,
            "close",
            lambda: ops.close_allocation(self.session, SECRETARIAT, allocation, on=DAY),
        )

    @invariant()
    def books_reconcile(self) -> None:
        session = self.session
        for pool in availability(session, with_receivables=False).values():
            assert pool.available >= 0, pool
        for allocation_id in self.ids:
            allocation = session.get(Allocation, allocation_id)
            assert allocation is not None
            pools = allocation.pools
            unspent = sum((p.unspent for p in pools), Decimal(0))
            assert ledger_sum(session, "1200", allocation_id) == unspent
            spent = sum((p.spent for p in pools), Decimal(0))
            assert ledger_sum(session, "5100", allocation_id) == spent
            if allocation.approved_amount is not None:
                assert sum((p.advanced for p in pools), Decimal(0)) <= allocation.approved_amount
                assert sum((p.committed for p in pools), Decimal(0)) == allocation.approved_amount
            else:
                assert all(p.committed == 0 for p in pools)
        total_committed = session.scalar(
            select(func.coalesce(func.sum(AllocationPool.committed), Decimal(0)))
        )
        approved = session.scalar(
            select(func.coalesce(func.sum(Allocation.approved_amount), Decimal(0)))
        )
        assert total_committed == approved

    def teardown(self) -> None:
        assert verify_ledger(self.session).ok
        self.session.rollback()
        self.session.close()


def test_allocation_lifecycle(database: Database) -> None:
    Lifecycle.database = database
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=15, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )  # fmt: skip
