"""Issue 14, the books across time: no entry dated after today (in the fund's timezone),
and no pool or bank below zero at the end of any day, for every verb that moves money,
through the service layer and the command line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from sqlalchemy.orm import Session

from fundledger import clock
from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import AllocationError, InsufficientFunds
from fundledger.allocations.models import Allocation
from fundledger.allocations.pool_moves import refund_to_donor
from fundledger.config import ConfigurationError, fund_timezone
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger import operations as ledger_ops
from fundledger.ledger.errors import FutureDate, Overdraft
from fundledger.ledger.operations import Line
from fundledger.ledger.verify import verify_ledger
from tests.factories import create_donor, ledger_state, post

SEC = Actor("secretariat@oas.org")
CAJP = Actor("cajp@oas.org")
D = dt.date.fromisoformat
Run = Callable[..., Result]


def receive(
    session: Session, donor: Donor, on: str, amount: str, earmark: str | None = None
) -> None:
    record_receipt(session, SEC, donor, value_date=D(on), amount=Decimal(amount),
                   currency="USD", unpledged=True, earmark=earmark,
                   reference=f"r{on}{amount}")  # fmt: skip


def submitted(session: Session, amount: str, pools: tuple[str, ...] = ()) -> Allocation:
    allocation = ops.propose_allocation(
        session, SEC, activity=5, amount=Decimal(amount), purpose="research",
        period_start=D("2025-01-01"), period_end=D("2025-12-31"), pools=pools,
    )  # fmt: skip
    return ops.submit_allocation(session, SEC, allocation)


def approve(session: Session, allocation: Allocation, on: str) -> Allocation:
    return ops.decide_allocation(session, CAJP, allocation, decision="approve", on=D(on),
                                 reference="CP/CAJP-14/25")  # fmt: skip


# --- no entry dated after today ----------------------------------------------------------


def test_today_is_the_date_at_the_organizations_seat(monkeypatch: pytest.MonkeyPatch) -> None:
    # 02:30 UTC on 8 December is still 7 December in Washington.
    monkeypatch.setattr(clock, "utc_now", lambda: dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.UTC))
    monkeypatch.delenv("FUNDLEDGER_TIMEZONE", raising=False)
    assert clock.today() == dt.date(2026, 12, 7)
    monkeypatch.setenv("FUNDLEDGER_TIMEZONE", "UTC")
    assert clock.today() == dt.date(2026, 12, 8)
    monkeypatch.setenv("FUNDLEDGER_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigurationError, match="FUNDLEDGER_TIMEZONE 'Mars/Olympus'"):
        fund_timezone()


def test_an_entry_dated_tomorrow_is_refused_and_writes_nothing(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "utc_now", lambda: dt.datetime(2026, 12, 8, 2, 30, tzinfo=dt.UTC))
    with database.session(write=True) as session:
        donor = create_donor(session)
        receive(session, donor, "2026-12-07", "100")  # today in Washington: accepted
        before = ledger_state(session)
        with pytest.raises(FutureDate, match=r"date 2026-12-08 is after today \(2026-12-07"):
            receive(session, donor, "2026-12-08", "100")
        with pytest.raises(FutureDate, match="2027-01-05 is after today"):
            record_pledge(session, SEC, donor, pledge_date=D("2027-01-05"),
                          amount=Decimal(500), currency="USD")  # fmt: skip
        assert ledger_state(session) == before


def test_a_pledge_may_fall_due_after_today(database: Database) -> None:
    with database.session(write=True) as session:
        donor = create_donor(session)
        later = clock.today() + dt.timedelta(days=400)
        pledge = record_pledge(session, SEC, donor, pledge_date=clock.today(),
                               amount=Decimal(500), currency="USD", due_date=later,
                               instalments=[(later, Decimal(500))])  # fmt: skip
        assert pledge.id is not None


def test_a_decision_dated_after_today_is_refused(database: Database) -> None:
    with database.session(write=True) as session:
        receive(session, create_donor(session), "2025-01-10", "1000")
        allocation = submitted(session, "100")
        tomorrow = clock.today() + dt.timedelta(days=1)
        with pytest.raises(FutureDate, match=f"{tomorrow.isoformat()} is after today"):
            approve(session, allocation, tomorrow.isoformat())
        assert allocation.state == "submitted"


# --- no overdraft on any day -------------------------------------------------------------


def test_the_issues_example_money_spent_before_it_arrived_is_refused(database: Database) -> None:
    """An earmarked pledge and its receipt on 2025-06-01; an allocation approved on
    2025-01-15 from that earmark would have spent money the fund did not yet have."""
    with database.session(write=True) as session:
        mexico = create_donor(session)
        pledge = record_pledge(session, SEC, mexico, pledge_date=D("2025-06-01"),
                               amount=Decimal(40000), currency="USD",
                               earmark="activity:5")  # fmt: skip
        record_receipt(session, SEC, mexico, value_date=D("2025-06-01"), amount=Decimal(40000),
                       currency="USD", pledges=[pledge])  # fmt: skip
        allocation = submitted(session, "40000", ("MEX/activity:5",))
        with pytest.raises(InsufficientFunds) as refused:
            approve(session, allocation, "2025-01-15")
        assert str(refused.value) == (
            "approving 40000.00 needs 40000.00 but its pools have only 0.00 available "
            "(MEX/activity:5 0.00); counting every day from 2025-01-15 on, the lowest is "
            "MEX/activity:5 on 2025-01-15: 40000.00 short"
        )
        assert allocation.state == "submitted"
        approve(session, allocation, "2025-06-01")
        with pytest.raises(AllocationError, match="approved on 2025-06-01; a tranche cannot be "
                           "paid on 2025-02-01, before it"):  # fmt: skip
            ops.disburse(session, SEC, allocation, amount=Decimal(40000), on=D("2025-02-01"))
        ops.disburse(session, SEC, allocation, amount=Decimal(40000), on=D("2025-06-02"))
        assert verify_ledger(session).ok


def test_a_voucher_paying_from_an_empty_bank_is_refused(database: Database) -> None:
    with database.session(write=True) as session:
        before = ledger_state(session)
        with pytest.raises(Overdraft) as refused:
            post(session, Line("5300", Decimal("10.00")), Line("1010", Decimal("-10.00")),
                 on="2025-03-01")  # fmt: skip
        assert str(refused.value) == (
            "an entry dated 2025-03-01 would overdraw pool unrestricted: it would hold -10.00 at "
            "the end of 2025-03-01, 10.00 short (no balance may fall below zero on any day)"
        )
        assert ledger_state(session) == before


def paid_from_earmark(donor_id: int, amount: Decimal) -> list[Line]:
    """Bank charges paid out of a donor's ``activity:5`` money, released from the earmark
    as the restriction rule asks (DESIGN.md §3)."""
    return [Line("5300", amount, donor_id=donor_id),
            Line("1010", -amount, donor_id=donor_id, earmark="activity:5"),
            Line("4290", amount, donor_id=donor_id, earmark="activity:5"),
            Line("4190", -amount)]  # fmt: skip


def test_a_backdated_payment_is_checked_against_every_later_day(database: Database) -> None:
    """100 in on 1 March, 80 out on 10 March, 50 in on 1 June: 30 more out on 5 March
    fits that day (100) but not 10 March (20), and names the pool, the day and the gap."""
    with database.session(write=True) as session:
        mexico = create_donor(session)
        receive(session, mexico, "2025-03-01", "100", earmark="activity:5")
        post(session, *paid_from_earmark(mexico.id, Decimal(80)), on="2025-03-10")
        receive(session, mexico, "2025-06-01", "50", earmark="activity:5")
        before = ledger_state(session)
        more = paid_from_earmark(mexico.id, Decimal(30))
        with pytest.raises(Overdraft) as refused:
            post(session, *more, on="2025-03-05")
        assert str(refused.value) == (
            "an entry dated 2025-03-05 would overdraw pool MEX/activity:5: it would hold -10.00 "
            "at the end of 2025-03-10, 10.00 short (no balance may fall below zero on any day)"
        )
        assert ledger_state(session) == before
        post(session, *more, on="2025-06-01")  # after the second receipt it fits
        assert verify_ledger(session).ok


def test_a_backdated_approval_counts_later_commitments(database: Database) -> None:
    """100,000 in on 10 Jan; 80,000 approved on 1 March. A backdated approval of 30,000 on
    1 Feb would leave 1 March 10,000 short; after 50,000 more on 1 June it fits."""
    with database.session(write=True) as session:
        receive(session, create_donor(session), "2025-01-10", "100000")
        approve(session, submitted(session, "80000"), "2025-03-01")
        late = submitted(session, "30000")
        with pytest.raises(InsufficientFunds, match=r"only 20000\.00 available .*the lowest is "
                           r"unrestricted on 2025-03-01: 10000\.00 short"):  # fmt: skip
            approve(session, late, "2025-02-01")
        receive(session, create_donor(session, "CAN"), "2025-06-01", "50000")
        with pytest.raises(InsufficientFunds, match="unrestricted on 2025-03-01"):
            approve(session, late, "2025-02-01")  # 1 March is still short
        approve(session, late, "2025-06-01")
        assert late.state == "approved"


def test_a_backdated_refund_is_checked_against_every_later_day(database: Database) -> None:
    with database.session(write=True) as session:
        mexico = create_donor(session)
        receive(session, mexico, "2025-01-10", "5000", earmark="activity:5")
        approve(session, submitted(session, "4000", ("MEX/activity:5",)), "2025-04-01")
        with pytest.raises(InsufficientFunds, match=r"has 1000\.00 available; it cannot refund "
                           r"2000\.00 \(counting every day from 2025-02-01 on, the lowest is "
                           r"2025-04-01: 1000\.00 short\)"):  # fmt: skip
            refund_to_donor(session, SEC, pool="MEX/activity:5", amount=Decimal(2000),
                                on=D("2025-02-01"), reason="unused")  # fmt: skip
        refund_to_donor(session, SEC, pool="MEX/activity:5", amount=Decimal(1000),
                            on=D("2025-02-01"), reason="unused")  # fmt: skip


def test_a_disbursement_needs_the_money_on_every_day_from_its_date(database: Database) -> None:
    """5,000 in on 10 Jan; 3,000 paid out by voucher on 1 May: a tranche of 3,000 dated
    1 March has the money that day but leaves 1 May short."""
    with database.session(write=True) as session:
        mexico = create_donor(session)
        receive(session, mexico, "2025-01-10", "5000", earmark="activity:5")
        allocation = approve(session, submitted(session, "5000", ("MEX/activity:5",)),
                             "2025-02-01")  # fmt: skip
        post(session, Line("5300", Decimal(3000), donor_id=mexico.id),
             Line("1010", Decimal(-3000), donor_id=mexico.id, earmark="activity:5"),
             on="2025-05-01")  # fmt: skip
        with pytest.raises(InsufficientFunds, match=r"has 2000\.00 in hand; the tranche needs "
                           r"3000\.00 .*the lowest is 2025-05-01: 1000\.00 short"):  # fmt: skip
            ops.disburse(session, SEC, allocation, amount=Decimal(3000), on=D("2025-03-01"))
        ops.disburse(session, SEC, allocation, amount=Decimal(2000), on=D("2025-03-01"))


def test_a_reversed_receipt_cannot_take_back_money_already_spent(database: Database) -> None:
    with database.session(write=True) as session:
        mexico = create_donor(session)
        receive(session, mexico, "2025-01-10", "500")
        receipt_entry = post(session, Line("1010", Decimal(300)), Line("4100", Decimal(-300)),
                             on="2025-01-11")  # fmt: skip
        post(session, Line("5300", Decimal(700)), Line("1010", Decimal(-700)), on="2025-02-01")
        with pytest.raises(Overdraft, match=r"would hold -200\.00 at the end of 2025-02-01"):
            ledger_ops.reverse_entry(session, receipt_entry, reason="bounced",
                                     created_by="test")  # fmt: skip


def test_verify_reports_each_pool_and_the_bank_below_zero(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger written before the rule (the check switched off to write it)."""
    monkeypatch.setattr(ledger_ops, "refuse_overdraft", lambda session, entries: None)
    with database.session(write=True) as session:
        mexico = create_donor(session)
        post(session, *paid_from_earmark(mexico.id, Decimal(40)), on="2025-03-01")
        receive(session, mexico, "2025-03-11", "100", earmark="activity:5")
        report = verify_ledger(session)
        assert report.violations == [
            "the bank is below zero on 10 day(s) from 2025-03-01; lowest -40.00 on 2025-03-01",
            "pool MEX/activity:5 is below zero on 10 day(s) from 2025-03-01; lowest -40.00 "
            "on 2025-03-01",
        ]


# --- the command line --------------------------------------------------------------------


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def fund(run: Run) -> Run:
    for email, role in (("sec@oas.org", "secretariat"), ("cajp@oas.org", "cajp")):
        ok(run("user", "add", "--email", email, "--role", role, "--password-stdin",
               stdin="correct horse battery staple\n"))  # fmt: skip
    ok(run("donor", "add", "--code", "MEX", "--name", "México", "--type", "member_state"))
    ok(run("receive", "--donor", "MEX", "--date", "2025-06-01", "--amount", "50000",
           "--currency", "USD", "--unpledged", "--earmark", "activity:5"))  # fmt: skip
    return run


def test_the_command_line_refuses_a_future_date_and_an_overdraft(
    fund: Run, database: Database
) -> None:
    run = fund
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    with database.session() as session:
        before = ledger_state(session)
    future = run("receive", "--donor", "MEX", "--date", tomorrow, "--amount", "5",
                 "--currency", "USD", "--unpledged")  # fmt: skip
    assert future.exit_code == 1
    assert f"date {tomorrow} is after today" in future.stderr
    voucher = {"date": "2025-05-01", "memo": "charges",
               "lines": [{"account": "5300", "debit": "10.00"},
                         {"account": "1010", "credit": "10.00"}]}  # fmt: skip
    paid = run("entry", "post", "-", stdin=json.dumps(voucher))
    assert paid.exit_code == 1
    assert "would overdraw pool unrestricted: it would hold -10.00 at the end of 2025-05-01" in (
        paid.stderr
    )
    allocation = ok(run("allocation", "propose", "--activity", "5", "--amount", "40000",
                        "--purpose", "Research", "--from", "2025-01-01",
                        "--pool", "earmark:MEX/activity:5", "--gender-marker", "1",
                        "--as", "sec@oas.org")).strip()  # fmt: skip
    ok(run("allocation", "submit", allocation, "--as", "sec@oas.org"))
    early = run("allocation", "decide", allocation, "--approve", "--decision-ref", "CP/1",
                "--date", "2025-01-15", "--as", "cajp@oas.org")  # fmt: skip
    assert early.exit_code == 1
    assert "the lowest is MEX/activity:5 on 2025-01-15: 40000.00 short" in early.stderr
    refund = run("refund", "--pool", "MEX/activity:5", "--amount", "10", "--date", "2025-02-01",
                 "--reason", "unused", "--as", "sec@oas.org")  # fmt: skip
    assert refund.exit_code == 1
    assert "has 0.00 available; it cannot refund 10.00" in refund.stderr
    with database.session() as session:
        assert ledger_state(session) == before
    assert ok(run("verify")).startswith("ledger verified")
