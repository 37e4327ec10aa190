"""Property (issue 14): whatever pledges, receipts (with bank charges, at any rate, over
several pledges), overpayments, credit applications and revaluations of what is open at
other rates (reversed the next day) were recorded, on every date
each class's net assets in the trial balance equal the sum of its pools', to the cent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.db import Database
from fundledger.donors.errors import ContributionError
from fundledger.donors.models import Donor, Pledge
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.donors.revaluation import revalue
from fundledger.ledger.errors import Overdraft
from fundledger.ledger.verify import verify_ledger
from fundledger.reporting.net_assets import net_assets
from tests.factories import TEST_ACTOR as ACTOR

CURRENCIES = {"USD": Decimal(1), "EUR": Decimal("1.0850"), "JPY": Decimal("0.0067")}
START = dt.date(2025, 1, 1)
units = st.integers(min_value=1, max_value=2_000_000)
currencies = st.sampled_from(list(CURRENCIES))
earmarks = st.sampled_from([None, "activity:5", "organ:CIM"])

operations = st.one_of(
    st.tuples(st.just("pledge"), st.integers(0, 1), units, currencies, earmarks),
    st.tuples(st.just("receive"), st.integers(0, 1), units, currencies,
              st.sampled_from([Decimal("0.93"), Decimal(1), Decimal("1.1177")]),
              st.integers(0, 3000), st.booleans(), earmarks),
    st.tuples(st.just("unpledged"), st.integers(0, 1), units, currencies, earmarks,
              st.integers(0, 3000)),
    st.tuples(st.just("apply"), st.integers(0, 9)),
    st.tuples(st.just("revalue"), st.sampled_from([Decimal("0.93"), Decimal("1.1177")])),
)  # fmt: skip


def money(amount: int, currency: str) -> Decimal:
    return Decimal(amount) if currency == "JPY" else Decimal(amount) / 100


def perform(session: Session, donors: list[Donor], step: tuple, on: dt.date) -> None:
    kind = step[0]
    if kind == "pledge":
        _, who, amount, currency, earmark = step
        record_pledge(session, ACTOR, donors[who], pledge_date=on, amount=money(amount, currency),
                      currency=currency, rate=CURRENCIES[currency], earmark=earmark)  # fmt: skip
    elif kind == "receive":
        _, who, amount, currency, factor, charges, overpayment, _earmark = step
        record_receipt(
            session, ACTOR, donors[who], value_date=on, amount=money(amount, currency),
            currency=currency, rate=(CURRENCIES[currency] * factor).quantize(Decimal("1e-6")),
            charges=money(charges, currency), overpayment=overpayment,
        )  # fmt: skip
    elif kind == "unpledged":
        _, who, amount, currency, earmark, charges = step
        record_receipt(
            session, ACTOR, donors[who], value_date=on, amount=money(amount, currency),
            currency=currency, rate=CURRENCIES[currency] * Decimal("1.01"),
            charges=money(charges, currency), unpledged=True, earmark=earmark,
        )  # fmt: skip
    elif kind == "revalue":  # what is open that day at other rates, reversed the next
        for currency, rate in CURRENCIES.items():
            if currency != "USD":
                set_rate(session, ACTOR, currency=currency, on=on,
                         rate=(rate * step[1]).quantize(Decimal("1e-6")))  # fmt: skip
        revalue(session, ACTOR, on)
    else:
        pledges = session.scalars(select(Pledge).order_by(Pledge.id)).all()
        if pledges:
            apply_credit(session, ACTOR, pledges[step[1] % len(pledges)], on=on)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(operations, min_size=1, max_size=12),
    asked=st.lists(st.integers(0, 40), min_size=1, max_size=4),
)
def test_each_class_equals_its_pools_on_every_date(
    database: Database, steps: list, asked: list[int]
) -> None:
    with database.session(write=True) as session:
        donors = [
            create_donor(session, ACTOR, code=code, name=code, type="member_state")
            for code in ("MEX", "CAN")
        ]
        for number, step in enumerate(steps, start=1):
            try:
                with session.begin_nested():
                    perform(session, donors, step, START + dt.timedelta(days=3 * number))
            except (ContributionError, Overdraft):
                # Refused, wrote nothing (test_contribution_invariants checks that). A receipt
                # whose charges exceed what it settles, the rest held as the donor's credit,
                # would leave an otherwise empty pool paying the charges: an overdraft.
                pass
        for offset in asked:
            figures = net_assets(session, START + dt.timedelta(days=offset))
            for total in (figures.unrestricted, figures.restricted):
                assert total.pools.net_assets == total.net_assets, (offset, total)
        report = verify_ledger(session)  # the same, on every day, from the daily totals
        assert report.ok, report.violations
        session.rollback()
