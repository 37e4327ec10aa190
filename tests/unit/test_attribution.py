"""The attribution of unrestricted spending to donors, as a pure function: cents by the
largest remainder, and shares that depend on the dated history only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fundledger.ledger.attribution import Attribution, Inflow, Use, attribute, split

D = Decimal
START = dt.date(2025, 1, 1)


def on(days: int) -> dt.date:
    return START + dt.timedelta(days=days)


def test_worked_example_3_shares_at_the_time_of_each_use() -> None:
    """Canada 100,000 on 10 January, Spain 50,000 on 1 June; 30,000 spent on 1 March is
    all Canada's; 60,000 on 1 September meets 70,000 and 50,000: 35,000 and 25,000."""
    canada, spain = 1, 2
    inflows = [Inflow(dt.date(2025, 1, 10), canada, D("100000.00")),
               Inflow(dt.date(2025, 6, 1), spain, D("50000.00"))]  # fmt: skip
    uses = [Use(dt.date(2025, 3, 1), 7, D("30000.00")), Use(dt.date(2025, 9, 1), 8, D("60000.00"))]
    first, second = attribute(inflows, uses)
    assert first.donors == {canada: D("30000.00")}
    assert second.donors == {canada: D("35000.00"), spain: D("25000.00")}


def test_cents_go_to_the_largest_remainders() -> None:
    """100.00 over three equal balances: 33.34, 33.33, 33.33 (the tie to the lowest id);
    0.05 over 1:1:1 gives 0.02, 0.02, 0.01 and never a share above what a donor holds."""
    assert split(D("100.00"), {3: D(10), 1: D(10), 2: D(10)}) == {
        1: D("33.34"), 2: D("33.33"), 3: D("33.33"),
    }  # fmt: skip
    assert split(D("0.05"), {1: D(1), 2: D(1), 3: D(1)}) == {1: D("0.02"), 2: D("0.02"),
                                                              3: D("0.01")}  # fmt: skip
    assert split(D("10.00"), {1: D("9.99"), 2: D("0.01")}) == {1: D("9.99"), 2: D("0.01")}


def test_spending_beyond_the_donors_money_is_attributed_to_no_one() -> None:
    (attribution,) = attribute([Inflow(on(0), 1, D("40.00"))], [Use(on(1), 5, D("100.00"))])
    assert attribution.donors == {1: D("40.00")}


def test_a_correction_gives_back_what_the_allocation_had_been_charged() -> None:
    inflows = [Inflow(on(0), 1, D("300.00")), Inflow(on(0), 2, D("100.00"))]
    uses = [Use(on(1), 5, D("200.00")), Use(on(2), 5, D("-40.00")), Use(on(3), 6, D("360.00"))]
    spent, corrected, later = attribute(inflows, uses)
    assert spent.donors == {1: D("150.00"), 2: D("50.00")}
    assert corrected.donors == {1: D("-30.00"), 2: D("-10.00")}
    # the 40.00 given back is theirs again: 180.00 and 60.00 left, used in full by 360.00
    assert later.donors == {1: D("180.00"), 2: D("60.00")}


cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c).scaleb(-2))
histories = st.tuples(
    st.lists(st.tuples(st.integers(0, 730), st.integers(1, 4), cents), max_size=12),
    st.lists(st.tuples(st.integers(0, 730), st.integers(1, 3), cents, st.booleans()),
             max_size=16),
)  # fmt: skip


def shares(attributions: list[Attribution], first: dt.date, last: dt.date) -> dict[int, Decimal]:
    """Each donor's share of the uses dated in [first, last]."""
    total: dict[int, Decimal] = defaultdict(lambda: D("0.00"))
    for attribution in attributions:
        if first <= attribution.use.day <= last:
            for donor, part in attribution.donors.items():
                total[donor] += part
    return {donor: part for donor, part in total.items() if part}


@given(history=histories, cut=st.integers(0, 730))
def test_shares_add_up_over_any_split_and_never_predate_the_money(
    history: tuple[list, list], cut: int
) -> None:
    raw_inflows, raw_uses = history
    inflows = [Inflow(on(day), donor, amount) for day, donor, amount in raw_inflows]
    uses = [Use(on(day), allocation, -amount if negative else amount)
            for day, allocation, amount, negative in raw_uses]  # fmt: skip
    attributions = attribute(inflows, uses)
    assert [a.use for a in attributions] == sorted(uses, key=lambda u: (u.day, u.allocation_id))
    whole = shares(attributions, on(0), on(730))
    first, second = shares(attributions, on(0), on(cut)), shares(attributions, on(cut + 1), on(730))
    for donor in whole.keys() | first.keys() | second.keys():
        assert first.get(donor, 0) + second.get(donor, 0) == whole.get(donor, 0)
    # The history up to a day decides the shares up to that day: later entries do not.
    earlier = attribute(
        [i for i in inflows if i.day <= on(cut)], [u for u in uses if u.day <= on(cut)]
    )
    assert shares(earlier, on(0), on(cut)) == first
    arrived = {donor: min(i.day for i in inflows if i.donor_id == donor)
               for donor in {i.donor_id for i in inflows}}  # fmt: skip
    given_in = defaultdict(lambda: D(0))
    for inflow in inflows:
        given_in[inflow.donor_id] += inflow.amount
    for attribution in attributions:
        parts = attribution.donors
        assert all(part.as_tuple().exponent >= -2 for part in parts.values())
        used = attribution.use.amount
        # the parts add up exactly, to no more than the use, each with the use's sign
        assert abs(sum(parts.values(), D(0))) <= abs(used)
        assert all((part > 0) == (used > 0) for part in parts.values())
        for donor in parts:  # nobody is charged before their money arrived
            assert arrived[donor] <= attribution.use.day
    for donor, part in whole.items():  # nor with more than they gave
        assert 0 < part <= given_in[donor]
