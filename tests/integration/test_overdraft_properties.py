"""Hypothesis state machine over dated money movements in random order (issue 14).

Receipts, vouchers paying out of the bank, approvals, tranches and refunds, each with a
random business date in 2025, so most steps are backdated against what came before.
A refused step must change nothing; after every step no pool and not the bank ends any
day below zero, recomputed here from the postings themselves (not the daily totals the
check reads), and no pool's availability (money less what approvals had committed by
then) is below zero on any day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import AllocationError
from fundledger.allocations.models import Allocation
from fundledger.allocations.pool_moves import refund_to_donor
from fundledger.allocations.pools import lowest_available
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from fundledger.errors import FundledgerError
from fundledger.ledger.models import Account, Posting
from fundledger.ledger.operations import Line, post_entry
from fundledger.ledger.verify import overdrawn_days
from tests.factories import ledger_state

SEC = Actor("sec@oas.org")
CAJP = Actor("cajp@oas.org")
POOLS = ("unrestricted", "CAN/activity:5", "MEX/activity:5")
CASH = ("1010", "2100", "2200")
days = st.integers(min_value=0, max_value=364).map(lambda n: dt.date(2025, 1, 1) + dt.timedelta(n))
amounts = st.integers(min_value=1, max_value=500).map(lambda n: Decimal(n * 100))


class DatedMoney(RuleBasedStateMachine):
    database: Database

    def __init__(self) -> None:
        super().__init__()
        self.session = self.database.session(write=True)
        self.donors = {
            code: create_donor(self.session, SEC, code=code, name=code, type="member_state")
            for code in ("CAN", "MEX")
        }
        self.ids: list[int] = []

    def attempt(self, step: object, *args: object, **kwargs: object) -> None:
        """Run a step; a refusal must change nothing."""
        before = ledger_state(self.session)
        states = [(a.state, a.committed) for a in self.allocations()]
        try:
            with self.session.begin_nested():
                step(*args, **kwargs)  # type: ignore[operator]
        except (FundledgerError, AllocationError):
            assert ledger_state(self.session) == before
            assert [(a.state, a.committed) for a in self.allocations()] == states

    def allocations(self) -> list[Allocation]:
        return [self.session.get_one(Allocation, i) for i in self.ids]

    def donor_and_earmark(self, pool: str) -> tuple[int, str | None]:
        if pool == "unrestricted":
            return self.donors["CAN"].id, None
        code, earmark = pool.split("/")
        return self.donors[code].id, earmark

    @rule(on=days, pool=st.sampled_from(POOLS), amount=amounts)
    def receive(self, on: dt.date, pool: str, amount: Decimal) -> None:
        donor_id, earmark = self.donor_and_earmark(pool)
        donor = self.donors["CAN" if donor_id == self.donors["CAN"].id else "MEX"]
        self.attempt(record_receipt, self.session, SEC, donor, value_date=on, amount=amount,
                     currency="USD", unpledged=True, earmark=earmark)  # fmt: skip

    @rule(on=days, pool=st.sampled_from(POOLS), amount=amounts)
    def pay_by_voucher(self, on: dt.date, pool: str, amount: Decimal) -> None:
        donor_id, earmark = self.donor_and_earmark(pool)
        lines = [Line("5300", amount, donor_id=donor_id),
                 Line("1010", -amount, donor_id=donor_id, earmark=earmark)]  # fmt: skip
        self.attempt(post_entry, self.session, entry_date=on, lines=lines, created_by="test")

    @rule(on=days, pool=st.sampled_from(POOLS), amount=amounts)
    def approve(self, on: dt.date, pool: str, amount: Decimal) -> None:
        allocation = ops.propose_allocation(
            self.session, SEC, activity=5, amount=amount, purpose="p",
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), pools=[pool],
        )  # fmt: skip
        ops.submit_allocation(self.session, SEC, allocation)
        self.ids.append(allocation.id)
        self.attempt(ops.decide_allocation, self.session, CAJP, allocation, decision="approve",
                     on=on, reference="CP/CAJP")  # fmt: skip

    @rule(on=days, index=st.integers(min_value=0, max_value=50), amount=amounts)
    def disburse(self, on: dt.date, index: int, amount: Decimal) -> None:
        if not self.ids:
            return
        allocation = self.session.get_one(Allocation, self.ids[index % len(self.ids)])
        self.attempt(ops.disburse, self.session, SEC, allocation, amount=amount, on=on)

    @rule(on=days, pool=st.sampled_from(POOLS[1:]), amount=amounts)
    def refund(self, on: dt.date, pool: str, amount: Decimal) -> None:
        self.attempt(refund_to_donor, self.session, SEC, pool=pool, amount=amount, on=on,
                     reason="unused")  # fmt: skip

    @invariant()
    def no_pool_and_not_the_bank_below_zero_on_any_day(self) -> None:
        moves: dict[object, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for code, donor_id, earmark, on, amount in self.session.execute(
            select(Account.code, Posting.donor_id, Posting.earmark, Posting.entry_date,
                   Posting.amount)
            .join(Account, Account.id == Posting.account_id)
            .where(Account.code.in_(CASH))
        ):  # fmt: skip
            moves[None if earmark is None else (donor_id, earmark)][on] += amount
            if code == "1010":
                moves["bank"][on] += amount
        for pool, by_day in moves.items():
            running = Decimal(0)
            for on in sorted(by_day):
                running += by_day[on]
                assert running >= 0, (pool, on, running)
        assert list(overdrawn_days(self.session)) == []

    @invariant()
    def no_pool_commits_more_than_it_has_on_any_day(self) -> None:
        lowest = lowest_available(self.session, POOLS, since=dt.date(2025, 1, 1),
                                  with_receivables=False)  # fmt: skip
        assert all(point.balance >= 0 for point in lowest.values()), lowest

    def teardown(self) -> None:
        self.session.rollback()
        self.session.close()


def test_dated_money_never_overdraws_a_day(database: Database) -> None:
    DatedMoney.database = database
    run_state_machine_as_test(
        DatedMoney,
        settings=settings(
            max_examples=12, stateful_step_count=20, deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )  # fmt: skip
