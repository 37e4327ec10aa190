"""Allocations through their lifecycle, checked against WORKED-EXAMPLES.md §2 and §3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import (
    AllocationError,
    IllegalTransition,
    InsufficientFunds,
    NotAllowed,
)
from fundledger.allocations.models import Allocation
from fundledger.allocations.pool_moves import refund_to_donor
from fundledger.allocations.pools import availability
from fundledger.allocations.settings import set_setting
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from tests.factories import entry_lines

D = Decimal
SECRETARIAT = Actor("secretariat@oas.org")
COLLEAGUE = Actor("colleague@oas.org")
CAJP = Actor("cajp@oas.org")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def available(session: Session, pool: str = "unrestricted") -> Decimal:
    return availability(session, with_receivables=False)[pool].available


def mexico_pays_50000_for_activity_5(session: Session) -> None:
    mexico = create_donor(session, SECRETARIAT, code="MEX", name="México", type="member_state")
    pledge = record_pledge(
        session, SECRETARIAT, mexico, pledge_date=day("2025-01-20"), amount=D(50000),
        currency="USD", earmark="activity:5",
    )  # fmt: skip
    record_receipt(session, SECRETARIAT, mexico, value_date=day("2025-01-20"), amount=D(50000),
                   currency="USD", pledges=[pledge])  # fmt: skip


def propose(session: Session, activity: int, amount: str, *pools: str) -> Allocation:
    return ops.propose_allocation(
        session, SECRETARIAT, activity=activity, amount=D(amount), purpose="Research",
        period_start=day("2025-03-01"), period_end=day("2025-12-31"), pools=pools,
    )  # fmt: skip


def test_worked_example_2(database: Database) -> None:
    with database.transaction() as session:
        mexico_pays_50000_for_activity_5(session)
        assert available(session, "MEX/activity:5") == D("50000.00")

        with pytest.raises(AllocationError, match="earmarked to activity:5; it cannot fund"):
            propose(session, 6, "1000", "MEX/activity:5")

        allocation = propose(session, 5, "40000", "MEX/activity:5")
        assert allocation.organ_code == "CIM"
        ops.submit_allocation(session, SECRETARIAT, allocation)
        with pytest.raises(NotAllowed, match="cannot decide on it"):
            ops.decide_allocation(session, SECRETARIAT, allocation, decision="approve",
                                  on=day("2025-03-18"), reference="CP/CAJP-0000/25")  # fmt: skip
        with pytest.raises(AllocationError, match=r"exceeds the 40000\.00 requested"):
            ops.decide_allocation(session, CAJP, allocation, decision="approve",
                                  on=day("2025-03-18"), reference="CP/CAJP-0000/25",
                                  approved_amount=D(51000))  # fmt: skip
        ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-03-18"),
                              reference="CP/CAJP-0000/25", approved_amount=D(35000))  # fmt: skip
        assert allocation.state == "approved"
        assert available(session, "MEX/activity:5") == D("15000.00")

        first = ops.disburse(
            session, SECRETARIAT, allocation, amount=D(20000), on=day("2025-04-01")
        )
        assert entry_lines(first) == [("1200", "20000.00"), ("1010", "-20000.00")]
        assert (first.postings[0].activity_number, first.postings[0].organ_code) == (5, "CIM")
        ops.disburse(session, SECRETARIAT, allocation, amount=D(15000), on=day("2025-07-01"))
        with pytest.raises(AllocationError, match=r"approved for 35000\.00 and 35000\.00 is"):
            ops.disburse(session, SECRETARIAT, allocation, amount=D("0.01"), on=day("2025-08-01"))
        assert available(session, "MEX/activity:5") == D("15000.00")

        report = ops.report_expenditure(
            session, SECRETARIAT, allocation, amount=D(31500), period_end=day("2025-12-15"),
            category="contractual_services",
        )  # fmt: skip
        assert entry_lines(report) == [
            ("5100", "31500.00"), ("1200", "-31500.00"),
            ("4290", "31500.00"), ("4190", "-31500.00"),
        ]  # fmt: skip
        closing = ops.close_allocation(session, SECRETARIAT, allocation, on=day("2026-01-31"))
        assert closing is not None
        assert entry_lines(closing) == [("1010", "3500.00"), ("1200", "-3500.00")]
        assert allocation.state == "closed"
        assert available(session, "MEX/activity:5") == D("18500.00")
        assert [event.action for event in allocation.events] == [
            "submit", "approve", "disburse", "disburse", "report", "close",
        ]  # fmt: skip
        balances = {row.code: row.balance for row in trial_balance(session).rows}
        assert balances == {
            "1010": D("18500.00"), "4190": D("-31500.00"), "4200": D("-50000.00"),
            "4290": D("31500.00"), "5100": D("31500.00"),
        }  # fmt: skip
        assert verify_ledger(session).ok


def canada_gives_100000(session: Session) -> None:
    canada = create_donor(session, SECRETARIAT, code="CAN", name="Canada", type="member_state")
    record_receipt(session, SECRETARIAT, canada, value_date=day("2025-01-10"), amount=D(100000),
                   currency="USD", unpledged=True)  # fmt: skip


def approved(session: Session, activity: int, amount: str, *pools: str) -> Allocation:
    allocation = propose(session, activity, amount, *pools)
    ops.submit_allocation(session, SECRETARIAT, allocation)
    return ops.decide_allocation(session, CAJP, allocation, decision="approve",
                                 on=day("2025-02-01"), reference="CP/CAJP-1/25")  # fmt: skip


def test_worked_example_3_unrestricted_pool(database: Database) -> None:
    with database.transaction() as session:
        canada_gives_100000(session)
        approved(session, 1, "60000")
        approved(session, 29, "40000")
        assert available(session) == D("0.00")
        third = propose(session, 1, "1.00")
        ops.submit_allocation(session, SECRETARIAT, third)
        with pytest.raises(InsufficientFunds, match=r"only 0\.00 available \(unrestricted 0\.00\)"):
            ops.decide_allocation(session, CAJP, third, decision="approve", on=day("2025-02-02"),
                                  reference="CP/CAJP-2/25")  # fmt: skip
        assert third.state == "submitted"


def test_a_returned_allocation_is_revised_and_resubmitted(database: Database) -> None:
    with database.transaction() as session:
        canada_gives_100000(session)
        allocation = propose(session, 12, "5000")
        ops.submit_allocation(session, COLLEAGUE, allocation)
        ops.decide_allocation(
            session,
            CAJP,
            allocation,
            decision="return",
            on=day("2025-02-01"),
            reference="CP/CAJP-3/25",
            comment="Budget the travel separately",
        )
        with pytest.raises(IllegalTransition, match="is returned: it cannot submit"):
            ops.submit_allocation(session, SECRETARIAT, allocation)
        ops.revise_allocation(
            session,
            SECRETARIAT,
            allocation,
            amount=D(4000),
            purpose="Forum",
            period_start=day("2025-03-01"),
            period_end=day("2025-06-30"),
        )
        ops.submit_allocation(session, SECRETARIAT, allocation)
        with pytest.raises(NotAllowed):  # submitted by, and proposed by, are both barred
            ops.decide_allocation(session, COLLEAGUE, allocation, decision="reject",
                                  on=day("2025-03-01"), reference="x")  # fmt: skip
        ops.decide_allocation(session, CAJP, allocation, decision="reject", on=day("2025-03-01"),
                              reference="CP/CAJP-4/25")  # fmt: skip
        assert allocation.state == "rejected"
        with pytest.raises(IllegalTransition, match="is rejected: it cannot disburse"):
            ops.disburse(session, SECRETARIAT, allocation, amount=D(1), on=day("2025-03-02"))


def test_pool_eligibility_follows_the_cross_reference(database: Database) -> None:
    with database.transaction() as session:
        for code in ("A", "B"):
            create_donor(session, SECRETARIAT, code=code, name=code, type="other")
        # activity 1 serves objectives 9 and 13; its organ is the IACHR
        propose(session, 1, "10", "A/objective:9", "B/organ:IACHR", "unrestricted")
        with pytest.raises(AllocationError, match="objective 1, which activity 1 does not serve"):
            propose(session, 1, "10", "A/objective:1")
        with pytest.raises(AllocationError, match="earmarked to organ:CIM"):
            propose(session, 1, "10", "A/organ:CIM")
        with pytest.raises(AllocationError, match="not one the fund may finance"):
            propose(session, 40, "10")
        with pytest.raises(AllocationError, match="unknown donor ZZ"):
            propose(session, 1, "10", "ZZ/activity:1")


def test_indirect_cost_recovery_is_committed_and_posted_on_its_own_line(
    database: Database,
) -> None:
    with database.transaction() as session:
        set_setting(session, Actor("admin@oas.org"), "indirect_cost_rate", "0.07")
        canada_gives_100000(session)
        allocation = approved(session, 2, "10000")
        assert available(session) == D("89300.00")
        entry = ops.disburse(
            session, SECRETARIAT, allocation, amount=D("5000"), on=day("2025-03-01")
        )
        assert entry_lines(entry) == [("1200", "5000.00"), ("5200", "350.00"), ("1010", "-5350.00")]
        ops.close_allocation(session, SECRETARIAT, allocation, on=day("2025-12-31"))
        # closing released the undrawn commitment and took back the unspent advance
        assert available(session) == D("99650.00")


def test_indirect_costs_paid_from_an_earmark_are_released_from_it(database: Database) -> None:
    """Issue 14: an expense paid from earmarked money is matched by a release, so the
    earmark's class falls with its cash and the classes equal their pools."""
    with database.transaction() as session:
        set_setting(session, Actor("admin@oas.org"), "indirect_cost_rate", "0.07")
        mexico_pays_50000_for_activity_5(session)
        allocation = approved(session, 5, "10000", "MEX/activity:5")
        entry = ops.disburse(
            session, SECRETARIAT, allocation, amount=D("5000"), on=day("2025-03-01")
        )
        assert entry_lines(entry) == [
            ("1200", "5000.00"), ("5200", "350.00"), ("4290", "350.00"), ("4190", "-350.00"),
            ("1010", "-5350.00"),
        ]  # fmt: skip
        assert verify_ledger(session).ok


def test_cash_basis_refuses_money_not_received_and_receivables_basis_counts_it(
    database: Database,
) -> None:
    with database.transaction() as session:
        usa = create_donor(session, SECRETARIAT, code="USA", name="USA", type="member_state")
        record_pledge(session, SECRETARIAT, usa, pledge_date=day("2025-01-05"), amount=D(20000),
                      currency="USD")  # fmt: skip
        allocation = propose(session, 3, "20000")
        ops.submit_allocation(session, SECRETARIAT, allocation)
        with pytest.raises(InsufficientFunds):
            ops.decide_allocation(session, CAJP, allocation, decision="approve",
                                  on=day("2025-02-01"), reference="r")  # fmt: skip
        set_setting(session, Actor("admin@oas.org"), "availability_basis", "cash_and_receivables")
        ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-02-01"),
                              reference="r")  # fmt: skip
        with pytest.raises(InsufficientFunds, match="pledged money not received yet"):
            ops.disburse(session, SECRETARIAT, allocation, amount=D(1), on=day("2025-02-02"))


def test_refund_of_unused_earmarked_money(database: Database) -> None:
    with database.transaction() as session:
        mexico_pays_50000_for_activity_5(session)
        approved(session, 5, "45000", "MEX/activity:5")
        with pytest.raises(InsufficientFunds, match=r"has 5000\.00 available"):
            refund_to_donor(session, SECRETARIAT, pool="MEX/activity:5", amount=D(6000),
                                on=day("2025-06-01"), reason="project ended")  # fmt: skip
        entry = refund_to_donor(session, SECRETARIAT, pool="MEX/activity:5", amount=D(5000),
                                    on=day("2025-06-01"), reason="project ended")  # fmt: skip
        assert entry_lines(entry) == [("4200", "5000.00"), ("1010", "-5000.00")]
        assert available(session, "MEX/activity:5") == D("0.00")
