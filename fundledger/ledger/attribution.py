"""Whose unrestricted money each unrestricted expenditure used.

Unrestricted money is pooled, so no expenditure can be traced to one donor; a donor is
shown a share instead. The share is a pure function of the ledger's dated history, so
that it never depends on the period a statement covers: going through the days in
order, each donor's unrestricted money joins the pool on the day the pool receives it,
and each unrestricted expenditure is attributed to the donors in proportion to each
one's money still unattributed in the pool on its day, and consumes that money. The
shares of two consecutive periods therefore add up to the share of their union, and
nobody is charged with spending that happened before their money arrived.

The rules, also stated in docs/STATEMENTS.md:

- *Money in*: the net of a donor's unrestricted cash lines of the day (bank, less
  unapplied credit and refunds owed: what the pool holds for the donor). A day that
  takes a donor's money out (a refund) lowers what is unattributed, not below zero.
- *An expenditure* is one allocation's unrestricted use of one day (expenditure reported
  and indirect costs, closing entries left out). Within a day, money in comes first,
  then the expenditures in allocation order.
- *Beyond the donors' money*: when an expenditure exceeds all the unattributed money
  (it was paid from interest, say), the excess is attributed to no donor.
- *A negative expenditure* (a correction) gives back to the donors what that allocation
  had been attributed, in proportion, and returns it to their unattributed money.
- *Cents*: each expenditure is split by the largest remainder — every donor gets the
  cents of its exact share rounded down, and the cents left go one each to the largest
  fractions (ties: the larger balance, then the lower donor id) — so the donors' shares
  add up exactly to what was attributed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

from sqlalchemy.orm import Session

from fundledger.ledger.balances import movements
from fundledger.ledger.chart import CASH_ACCOUNTS, USE_ACCOUNTS
from fundledger.ledger.models import EntryKind

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Inflow:
    """A donor's unrestricted money that joined (or, negative, left) the pool on a day."""

    day: dt.date
    donor_id: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Use:
    """One allocation's unrestricted use of one day."""

    day: dt.date
    allocation_id: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Attribution:
    """One use, and what of it each donor's money paid (donor id → USD, none at zero)."""

    use: Use
    donors: Mapping[int, Decimal]


def split(amount: Decimal, weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` (whole cents) in proportion to positive ``weights``, by the largest
    remainder, so that the parts add up to it exactly; parts at zero are left out."""
    total = sum(weights.values(), ZERO)
    cents = int(amount * 100)
    if not cents or total <= 0:
        return {}
    exact = {key: Fraction(cents) * Fraction(weight) / Fraction(total)
             for key, weight in weights.items()}  # fmt: skip
    parts = {key: floor(value) for key, value in exact.items()}
    left = cents - sum(parts.values())
    ranked = sorted(weights, key=lambda key: (parts[key] - exact[key], -weights[key], key))
    for key in ranked[:left]:
        parts[key] += 1
    return {key: Decimal(part).scaleb(-2) for key, part in sorted(parts.items()) if part}


def attribute(inflows: Iterable[Inflow], uses: Iterable[Use]) -> list[Attribution]:
    """Every use, in date order, with the donors' shares of it (see the module's rules)."""
    days: dict[dt.date, tuple[list[Inflow], list[Use]]] = defaultdict(lambda: ([], []))
    for inflow in inflows:
        days[inflow.day][0].append(inflow)
    for use in uses:
        days[use.day][1].append(use)
    unattributed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    charged: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    result = []
    for day in sorted(days):
        arriving, spending = days[day]
        for inflow in arriving:
            unattributed[inflow.donor_id] = max(ZERO, unattributed[inflow.donor_id] + inflow.amount)
        for use in sorted(spending, key=lambda u: u.allocation_id):
            if use.amount > 0:
                held = {donor: money for donor, money in unattributed.items() if money > 0}
                parts = split(min(use.amount, sum(held.values(), ZERO)), held)
                sign = Decimal(1)
            else:
                paid = {donor: money for donor, money in charged[use.allocation_id].items()
                        if money > 0}  # fmt: skip
                parts = split(min(-use.amount, sum(paid.values(), ZERO)), paid)
                sign = Decimal(-1)
            for donor, part in parts.items():
                unattributed[donor] -= sign * part
                charged[use.allocation_id][donor] += sign * part
            result.append(Attribution(use, {donor: sign * part for donor, part in parts.items()}))
    return result


def unrestricted_inflows(session: Session, until: dt.date) -> list[Inflow]:
    """Each donor's unrestricted money joining or leaving the pool, day by day."""
    net: dict[tuple[dt.date, int], Decimal] = defaultdict(lambda: ZERO)
    for moved in movements(session, CASH_ACCOUNTS, until=until, earmarked=False,
                           donors_only=True):  # fmt: skip
        if moved.donor_id is not None:  # always, by the query; narrows the type
            net[(moved.day, moved.donor_id)] += moved.amount
    return [Inflow(day, donor, amount) for (day, donor), amount in net.items() if amount]


def unrestricted_uses(session: Session, until: dt.date) -> list[Use]:
    """Each allocation's unrestricted use, day by day (closing entries left out)."""
    net: dict[tuple[dt.date, int], Decimal] = defaultdict(lambda: ZERO)
    for moved in movements(session, USE_ACCOUNTS, until=until, earmarked=False,
                           allocations_only=True):  # fmt: skip
        if moved.allocation_id is not None and moved.kind != EntryKind.CLOSING:
            net[(moved.day, moved.allocation_id)] += moved.amount
    return [Use(day, allocation, amount) for (day, allocation), amount in net.items() if amount]
