"""Donor statements over time (issue 14, finding 4): the unrestricted shares of
consecutive periods add up to the share of their union, nobody is charged with spending
that predates their money, each statement closes on the ledger as of its end date, and
yearly statements chain (one year's closing is the next year's opening)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fundledger.allocations import operations as ops
from fundledger.allocations.settings import SettingValues
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.errors import FundledgerError
from fundledger.ledger.balances import balances, pool_balances
from fundledger.ledger.chart import CASH_ACCOUNTS, RECEIVABLE, UNAPPLIED
from fundledger.reporting.donor_data import DonorStatementData, donor_statement
from fundledger.reporting.uses import unrestricted_share
from tests.integration.test_statements import CAJP, SECRETARIAT, day, donor_pdf

D = Decimal


def spend(session: Session, activity: int, amount: Decimal, on: dt.date, reference: str) -> None:
    """An allocation from the unrestricted pool, approved, disbursed and spent on ``on``."""
    allocation = ops.propose_allocation(
        session, SECRETARIAT, activity=activity, amount=amount, purpose="Programme work",
        period_start=on, period_end=on + dt.timedelta(days=300),
    )  # fmt: skip
    ops.submit_allocation(session, SECRETARIAT, allocation)
    ops.decide_allocation(session, CAJP, allocation, decision="approve", on=on,
                          reference=reference)  # fmt: skip
    ops.disburse(session, SECRETARIAT, allocation, amount=amount, on=on)
    ops.report_expenditure(session, SECRETARIAT, allocation, amount=amount, period_end=on,
                           category="general_operating")  # fmt: skip


def canada_then_spain(session: Session) -> tuple[Donor, Donor]:
    """§3: Canada 100,000 on 10 January 2025, Spain 50,000 on 1 June; 30,000 spent on
    1 March, 60,000 on 1 September."""
    canada = create_donor(session, SECRETARIAT, code="CAN", name="Canada", type="member_state")
    spain = create_donor(session, SECRETARIAT, code="ES-OBS", name="España",
                         type="permanent_observer", language="es")  # fmt: skip
    record_receipt(session, SECRETARIAT, canada, value_date=day("2025-01-10"), amount=D(100000),
                   currency="USD", unpledged=True)  # fmt: skip
    spend(session, 1, D(30000), day("2025-03-01"), "CP/CAJP-1001/25")
    record_receipt(session, SECRETARIAT, spain, value_date=day("2025-06-01"), amount=D(50000),
                   currency="USD", unpledged=True)  # fmt: skip
    spend(session, 29, D(60000), day("2025-09-01"), "CP/CAJP-1002/25")
    return canada, spain


def share(session: Session, donor: Donor, start: str, end: str) -> Decimal:
    return unrestricted_share(session, donor, day(start), day(end)).share


def test_worked_example_3_shares_at_the_time_of_each_use(database: Database) -> None:
    with database.transaction() as session:
        canada, spain = canada_then_spain(session)
        halves = [(share(session, donor, "2025-01-01", "2025-06-30"),
                   share(session, donor, "2025-07-01", "2025-12-31"),
                   share(session, donor, "2025-01-01", "2025-12-31"))
                  for donor in (canada, spain)]  # fmt: skip
        text = donor_pdf(session, "CAN", "2025-07-01", "2025-12-31", "en")
    assert halves == [(D("30000.00"), D("35000.00"), D("65000.00")),
                      (D("0.00"), D("25000.00"), D("25000.00"))]  # fmt: skip
    assert "35,000.00" in text
    assert "in proportion to each donor's unrestricted money still unattributed" in text


def statement(session: Session, donor: Donor, start: dt.date, end: dt.date) -> DonorStatementData:
    return donor_statement(session, donor, start, end, settings=SettingValues.now(session))


DONORS = ("CAN", "MEX", "JP-OBS")
steps = st.lists(
    st.one_of(
        st.tuples(st.just("gift"), st.integers(0, 2), st.integers(1, 90_000),
                  st.integers(0, 729), st.sampled_from([None, None, "activity:5"])),
        st.tuples(st.just("pledge"), st.integers(0, 2), st.integers(1, 90_000),
                  st.integers(0, 729)),
        st.tuples(st.just("spend"), st.sampled_from([1, 29]), st.integers(1, 60_000),
                  st.integers(0, 729)),
    ),
    min_size=1,
    max_size=9,
)  # fmt: skip


def perform(session: Session, donors: list[Donor], step: tuple, number: int) -> None:
    first = dt.date(2024, 1, 1)
    if step[0] == "gift":
        _, who, units, offset, earmark = step
        record_receipt(session, SECRETARIAT, donors[who], value_date=first
                       + dt.timedelta(days=offset), amount=D(units), currency="USD",
                       unpledged=True, earmark=earmark)  # fmt: skip
    elif step[0] == "pledge":
        _, who, units, offset = step
        record_pledge(session, SECRETARIAT, donors[who], amount=D(units), currency="USD",
                      pledge_date=first + dt.timedelta(days=offset))  # fmt: skip
    else:
        _, activity, units, offset = step
        spend(session, activity, D(units), first + dt.timedelta(days=offset),
              f"CP/CAJP-{number:04d}/25")  # fmt: skip


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, cut=st.integers(0, 729))
def test_statements_over_random_histories_add_up_and_chain(
    database: Database, history: list, cut: int
) -> None:
    """Dated operations recorded in random order (so some are backdated); what the
    operations refuse is skipped."""
    with database.session(write=True) as session:
        donors = [create_donor(session, SECRETARIAT, code=code, name=code, type="member_state")
                  for code in DONORS]  # fmt: skip
        for number, step in enumerate(history):
            try:
                with session.begin_nested():
                    perform(session, donors, step, number)
            except FundledgerError:
                pass
        start, end = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
        middle = start + dt.timedelta(days=cut)
        used = unrestricted_share(session, donors[0], start, end).used
        charged = D(0)
        for donor in donors:
            whole = unrestricted_share(session, donor, start, end).share
            before = unrestricted_share(session, donor, start, middle).share
            after = unrestricted_share(session, donor, middle + dt.timedelta(days=1), end).share
            assert before + after == whole
            charged += whole
            arrivals = [r.date for r in statement(session, donor, start, end).receipts
                        if r.earmark is None]  # fmt: skip
            if arrivals and min(arrivals) > start:
                assert (
                    unrestricted_share(
                        session, donor, start, min(arrivals) - dt.timedelta(days=1)
                    ).share
                    == 0
                )
            elif not arrivals:
                assert whole == 0
        assert charged <= used
        for donor in donors:
            years = [statement(session, donor, dt.date(y, 1, 1), dt.date(y, 12, 31))
                     for y in (2024, 2025)]  # fmt: skip
            for data in years:  # each closes on the ledger as of its end date
                ledger = balances(session, data.end, donor_id=donor.id)
                money = pool_balances(session, CASH_ACCOUNTS, as_of=data.end)
                assert data.receivable.closing == ledger.get(RECEIVABLE, 0)
                assert data.unapplied.closing == -ledger.get(UNAPPLIED, 0)
                for pool in data.earmarked:
                    assert pool.closing == money.get((donor.id, pool.earmark), 0)
            first, second = years  # and the years chain
            assert first.receivable.closing == second.receivable.opening
            assert first.unapplied.closing == second.unapplied.opening
            closings = {pool.earmark: pool.closing for pool in first.earmarked}
            openings = {pool.earmark: pool.opening for pool in second.earmarked}
            for earmark in closings.keys() | openings.keys():
                assert closings.get(earmark, 0) == openings.get(earmark, 0)
            yearly = (row.used_unrestricted for data in years for row in data.years)
            assert sum(yearly, D(0)) == unrestricted_share(session, donor, start, end).share
        session.rollback()
