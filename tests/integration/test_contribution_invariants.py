"""Property: any interleaving of pledges, receipts, reductions, overpayments and credit
applications keeps each donor's books consistent and the ledger's invariants intact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.db import Database
from fundledger.donors.errors import ContributionError
from fundledger.donors.models import Donor, Pledge, PledgeReduction, ReceiptApplication
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge, reduce_pledge
from fundledger.donors.queries import donor_position, pledge_statuses
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.ledger.verify import verify_ledger
from tests.factories import TEST_ACTOR as ACTOR
from tests.factories import ledger_state

CURRENCIES = {"USD": Decimal(1), "EUR": Decimal("1.0850"), "JPY": Decimal("0.0067")}
amounts = st.integers(min_value=1, max_value=5_000_000)
rates = st.sampled_from([Decimal("0.9"), Decimal(1), Decimal("1.1234")])

operations = st.one_of(
    st.tuples(st.just("pledge"), st.integers(0, 1), amounts, st.sampled_from(list(CURRENCIES)),
              st.sampled_from([None, "activity:5", "organ:CIM"])),
    st.tuples(st.just("receive"), st.integers(0, 1), amounts, st.sampled_from(list(CURRENCIES)),
              rates, st.booleans(), st.booleans()),
    st.tuples(st.just("reduce"), st.integers(0, 9), st.sampled_from([None, 1, 3])),
    st.tuples(st.just("apply"), st.integers(0, 9)),
)  # fmt: skip


def money(units: int, currency: str) -> Decimal:
    """An amount with the currency's places (yen have none)."""
    return Decimal(units) if currency == "JPY" else Decimal(units) / 100


def perform(session: Session, donors: list[Donor], step: tuple, on: dt.date) -> None:
    pledges = session.scalars(select(Pledge).order_by(Pledge.id)).all()
    kind = step[0]
    if kind == "pledge":
        _, who, units, currency, earmark = step
        record_pledge(session, ACTOR, donors[who], pledge_date=on, amount=money(units, currency),
                      currency=currency, rate=CURRENCIES[currency], earmark=earmark)  # fmt: skip
    elif kind == "receive":
        _, who, units, currency, factor, overpayment, unpledged = step
        record_receipt(
            session, ACTOR, donors[who], value_date=on, amount=money(units, currency),
            currency=currency, rate=(CURRENCIES[currency] * factor).quantize(Decimal("1e-6")),
            overpayment=overpayment and not unpledged, unpledged=unpledged,
        )  # fmt: skip
    elif kind == "reduce" and pledges:
        _, index, divisor = step
        pledge = pledges[index % len(pledges)]
        amount = None  # a cancellation
        if divisor:
            (status,) = [s for s in pledge_statuses(session) if s.pledge.id == pledge.id]
            places = Decimal(1) if pledge.currency == "JPY" else Decimal("0.01")
            amount = (status.outstanding / divisor).quantize(places)  # 0 is refused
        reduce_pledge(session, ACTOR, pledge, on=on, reason="property", amount=amount)
    elif kind == "apply" and pledges:
        apply_credit(session, ACTOR, pledges[step[1] % len(pledges)], on=on)


def check_books(session: Session, donors: list[Donor]) -> None:
    for donor in donors:
        position = donor_position(session, donor)
        statuses = pledge_statuses(session, donor)
        assert all(status.outstanding >= 0 for status in statuses)
        # outstanding = pledged − reductions − receipts applied, in USD, from two sources
        applied = session.scalar(
            select(func.coalesce(func.sum(ReceiptApplication.pledge_usd), Decimal(0)))
            .join(Pledge, Pledge.id == ReceiptApplication.pledge_id)
            .where(Pledge.donor_id == donor.id)
        )
        assert position.outstanding == position.pledged - applied
        assert position.outstanding == sum((s.outstanding_usd for s in statuses), Decimal(0))
        assert position.unapplied >= 0
        for status in statuses:
            reduced = session.scalar(
                select(func.coalesce(func.sum(PledgeReduction.amount), Decimal(0))).filter_by(
                    pledge_id=status.pledge.id
                )
            )
            paid = session.scalar(
                select(func.coalesce(func.sum(ReceiptApplication.amount), Decimal(0))).filter_by(
                    pledge_id=status.pledge.id
                )
            )
            assert status.outstanding == status.pledge.amount - reduced - paid
            if status.outstanding == 0:
                assert status.outstanding_usd == 0


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=14))
def test_random_contribution_histories_keep_the_books(database: Database, steps: list) -> None:
    with database.session(write=True) as session:
        donors = [
            create_donor(session, ACTOR, code=code, name=code, type="member_state")
            for code in ("MEX", "CAN")
        ]
        on = dt.date(2025, 1, 1)
        for step in steps:
            on += dt.timedelta(days=3)
            before = ledger_state(session)
            try:
                with session.begin_nested():
                    perform(session, donors, step, on)
            except ContributionError:
                assert ledger_state(session) == before
        check_books(session, donors)
        report = verify_ledger(session)
        assert report.ok, report.violations
        session.rollback()
