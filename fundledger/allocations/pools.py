"""Funding pools: where an allocation's money comes from, and how much is available.

A pool is the fund's unrestricted money, or one donor's money under one earmark
(``MEX/activity:5``). Money in a pool is what the ledger holds for it — bank, less
unapplied credits and refunds payable (they are owed back), plus receivables when the
fund counts them — and what is available is that money less open commitments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.allocations.errors import AllocationError
from fundledger.allocations.models import Allocation, AllocationPool, State
from fundledger.donors.models import Donor
from fundledger.ledger.balances import pool_balances
from fundledger.ledger.chart import CASH_ACCOUNTS, RECEIVABLE
from fundledger.program.earmarks import parse_earmark
from fundledger.program.models import Activity
from fundledger.program.usable import fundable_activities

UNRESTRICTED = "unrestricted"
ZERO = Decimal("0.00")
#: States whose approval still reserves money.
COMMITTING = (State.APPROVED, State.DISBURSED, State.REPORTED)
_POOL = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]{0,19})/(.+)")


@dataclass(frozen=True, slots=True)
class Pool:
    donor_code: str | None
    earmark: str | None

    @property
    def key(self) -> str:
        return UNRESTRICTED if self.earmark is None else f"{self.donor_code}/{self.earmark}"

    def __str__(self) -> str:
        return self.key


def parse_pool(text: str) -> Pool:
    """``unrestricted``, ``DONOR/earmark`` or ``earmark:DONOR/earmark`` (the CLI's form)."""
    cleaned = text.strip().removeprefix("earmark:")
    if cleaned.lower() == UNRESTRICTED:
        return Pool(None, None)
    match = _POOL.fullmatch(cleaned)
    if not match:
        raise AllocationError(
            f"pool {text[:40]!r} must be 'unrestricted' or DONOR/earmark, e.g. MEX/activity:5"
        )
    return Pool(match.group(1).upper(), str(parse_earmark(match.group(2))))


def eligibility_problem(session: Session, pool: Pool, activity: Activity) -> str | None:
    """Why ``pool`` may not fund ``activity`` (DESIGN.md §3, flow 3), or None if it may."""
    if pool.earmark is None:
        return None
    earmark = parse_earmark(pool.earmark)
    if activity.number in fundable_activities(session, earmark):
        return None
    if earmark.kind == "objective":
        return (
            f"pool {pool} is earmarked to objective {earmark.target}, which activity "
            f"{activity.number} does not serve in the cross-reference table"
        )
    return f"pool {pool} is earmarked to {earmark}; it cannot fund activity {activity.number}"


def pool_money(
    session: Session, *, with_receivables: bool, as_of: dt.date | None = None
) -> dict[str, Decimal]:
    """Money in every pool that has any, by pool key, now or at the end of ``as_of``,
    from the ledger's daily totals (approving an allocation asks for it; the postings
    would grow with the ledger)."""
    accounts = [*CASH_ACCOUNTS, *((RECEIVABLE,) if with_receivables else ())]
    held = pool_balances(session, accounts, as_of=as_of)
    donor_ids = sorted({donor_id for donor_id, _earmark in held if donor_id is not None})
    codes = dict(session.execute(select(Donor.id, Donor.code).where(Donor.id.in_(donor_ids))).all())
    money: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (donor_id, earmark), total in held.items():
        money[Pool(None if donor_id is None else codes[donor_id], earmark).key] += total
    return dict(money)


def open_commitments(session: Session, *, excluding: int | None = None) -> dict[str, Decimal]:
    """What approved allocations have reserved and not yet drawn, by pool key."""
    query = (
        select(AllocationPool.pool, func.sum(AllocationPool.committed - AllocationPool.advanced
                                             - AllocationPool.indirect))
        .join(Allocation, Allocation.id == AllocationPool.allocation_id)
        .where(Allocation.state.in_([str(state) for state in COMMITTING]))
        .group_by(AllocationPool.pool)
    )  # fmt: skip
    if excluding is not None:
        query = query.where(Allocation.id != excluding)
    return {pool: total for pool, total in session.execute(query)}


@dataclass(frozen=True, slots=True)
class Availability:
    pool: str
    money: Decimal
    committed: Decimal

    @property
    def available(self) -> Decimal:
        return self.money - self.committed


def availability(
    session: Session, *, with_receivables: bool, excluding: int | None = None
) -> dict[str, Availability]:
    """Money, open commitments and what is available, for every pool that has either."""
    money = pool_money(session, with_receivables=with_receivables)
    committed = open_commitments(session, excluding=excluding)
    keys = sorted(set(money) | set(committed), key=lambda key: (key != UNRESTRICTED, key))
    return {key: Availability(key, money.get(key, ZERO), committed.get(key, ZERO)) for key in keys}
