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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.allocations.errors import AllocationError
from fundledger.allocations.models import Allocation, AllocationEvent, AllocationPool, State
from fundledger.donors.models import Donor
from fundledger.i18n import N_
from fundledger.ledger.balances import (
    UNRESTRICTED_POOL,
    DayBalance,
    PoolKey,
    draws_since,
    pool_balances,
    pool_histories,
)
from fundledger.ledger.chart import CASH_ACCOUNTS, DRAW_ACCOUNTS, RECEIVABLE
from fundledger.ledger.models import EntryKind
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
            N_("pool '%(pool)s' must be 'unrestricted' or DONOR/earmark, e.g. MEX/activity:5"),
            pool=text[:40],
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


# --- Availability across time (issue 14: no overdraft on any day) ------------------------
# What a pool has available at the end of each day from a business date on: its money
# that day less what approvals had committed by then and not yet drawn by then. An
# approval dated D commits money on D and every later day, so it may commit at most the
# lowest of those days; a refund or disbursement dated D likewise.


@dataclass(frozen=True, slots=True)
class _Commitment:
    """One allocation's reservation in one pool, with the days it was open."""

    allocation_id: int
    key: PoolKey
    committed: Decimal
    drawn: Decimal
    approved_on: dt.date
    closed_on: dt.date | None


def pool_keys(session: Session, pools: Iterable[str]) -> dict[str, PoolKey]:
    """The ledger's (donor id, earmark) of each pool named (an unknown donor's is -1)."""
    parsed = {name: parse_pool(name) for name in pools}
    codes = {pool.donor_code for pool in parsed.values() if pool.donor_code is not None}
    ids = dict(session.execute(select(Donor.code, Donor.id).where(Donor.code.in_(codes))).all())
    return {
        name: UNRESTRICTED_POOL if pool.earmark is None
        else (ids.get(pool.donor_code or "", -1), pool.earmark)
        for name, pool in parsed.items()
    }  # fmt: skip


def lowest_money(
    session: Session, pools: Iterable[str], *, since: dt.date
) -> dict[str, DayBalance]:
    """Each named pool's lowest money in hand (cash accounts) at the end of a day from
    ``since`` on: what a payment dated ``since`` may take from it."""
    keys = pool_keys(session, pools)
    histories = pool_histories(session, CASH_ACCOUNTS, since=since, pools=set(keys.values()))
    return {name: histories[key].lowest() for name, key in keys.items()}


def lowest_available(
    session: Session,
    pools: Iterable[str],
    *,
    since: dt.date,
    with_receivables: bool,
    excluding: int | None = None,
) -> dict[str, DayBalance]:
    """Each named pool's lowest availability (money less open commitments) at the end of
    a day from ``since`` on; the caller holds the ledger's lock."""
    keys = pool_keys(session, pools)
    accounts = [*CASH_ACCOUNTS, *((RECEIVABLE,) if with_receivables else ())]
    money = pool_histories(session, accounts, since=since, pools=set(keys.values()))
    commitments = _commitments(session, list(keys), keys, since=since, excluding=excluding)
    draws = draws_since(session, DRAW_ACCOUNTS, since=since, kind=EntryKind.DISBURSEMENT,
                        pools=set(keys.values()))  # fmt: skip
    lowest: dict[str, DayBalance] = {}
    for name, key in keys.items():
        own = [commitment for commitment in commitments if commitment.key == key]
        days = {point.day for point in money[key].days()}
        days |= {day for c in own for day in (c.approved_on, c.closed_on) if day and day >= since}
        days |= {day for c in own for day, _ in draws.get((c.allocation_id, key), ())}
        balances = dict((point.day, point.balance) for point in money[key].days())
        running = money[key].opening
        points = []
        for day in sorted(days):
            running = balances.get(day, running)
            reserved = sum(
                (_open_on(c, day, draws.get((c.allocation_id, key), ())) for c in own), ZERO
            )
            points.append(DayBalance(day, running - reserved))
        lowest[name] = min(points, key=lambda point: point.balance)
    return lowest


def _open_on(
    commitment: _Commitment, day: dt.date, draws: tuple[tuple[dt.date, Decimal], ...]
) -> Decimal:
    """What ``commitment`` still reserved at the end of ``day``."""
    if commitment.approved_on > day or (
        commitment.closed_on is not None and commitment.closed_on <= day
    ):
        return ZERO
    drawn_later = sum((amount for on, amount in draws if on > day), ZERO)
    return commitment.committed - (commitment.drawn - drawn_later)


def _commitments(
    session: Session,
    names: list[str],
    keys: dict[str, PoolKey],
    *,
    since: dt.date,
    excluding: int | None,
) -> list[_Commitment]:
    """The reservations in the named pools that were open on some day from ``since`` on."""
    approved = (
        select(AllocationEvent.allocation_id, func.max(AllocationEvent.on).label("on"))
        .where(AllocationEvent.action == "approve")
        .group_by(AllocationEvent.allocation_id)
        .subquery()
    )
    closed = (
        select(AllocationEvent.allocation_id, func.max(AllocationEvent.on).label("on"))
        .where(AllocationEvent.action == "close")
        .group_by(AllocationEvent.allocation_id)
        .subquery()
    )
    rows = session.execute(
        select(AllocationPool.allocation_id, AllocationPool.pool, AllocationPool.committed,
               AllocationPool.advanced + AllocationPool.indirect, approved.c.on, closed.c.on)
        .join(Allocation, Allocation.id == AllocationPool.allocation_id)
        .join(approved, approved.c.allocation_id == Allocation.id)
        .outerjoin(closed, closed.c.allocation_id == Allocation.id)
        .where(Allocation.state.in_([str(state) for state in (*COMMITTING, State.CLOSED)]),
               AllocationPool.pool.in_(names),
               (closed.c.on.is_(None)) | (closed.c.on > since))
    ).all()  # fmt: skip
    return [
        _Commitment(allocation_id, keys[pool], committed, drawn, approved_on, closed_on)
        for allocation_id, pool, committed, drawn, approved_on, closed_on in rows
        if allocation_id != excluding and approved_on is not None
    ]


# --- end of availability across time -----------------------------------------------------
