"""The CAJP meeting pack's data: the proposals awaiting a decision and their pools.

A pack shows the queue as it stood when the pack was issued. It is built as of that
moment — journal entries and allocation events recorded up to it — so the register can
render it again later, after the committee has decided, and get the same document.
Measured the way the committee's queue is (:func:`fundledger.allocations.queries.
cajp_queue`): each proposal against the pools' availability on its own, in the order
its pools are listed, with the indirect cost recovery approval would also reserve.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation, AllocationEvent, AllocationPool, State
from fundledger.allocations.pools import COMMITTING
from fundledger.allocations.settings import SettingValues
from fundledger.donors.queries import donor_codes
from fundledger.ledger.chart import CASH_ACCOUNTS, RECEIVABLE
from fundledger.ledger.posting_totals import recorded_draws, recorded_pool_balances
from fundledger.program.models import Activity, Implementer
from fundledger.reporting.figures import ADDED_LATER, ZERO, pool_key


@dataclass(frozen=True, slots=True)
class PoolLine:
    """A pool in the fund's availability table."""

    pool: str
    money: Decimal
    committed: Decimal

    @property
    def available(self) -> Decimal:
        return self.money - self.committed


@dataclass(frozen=True, slots=True)
class PoolImpact:
    pool: str
    before: Decimal
    after: Decimal


@dataclass(frozen=True, slots=True)
class Proposal:
    allocation: int
    activity: int
    activity_title: str
    organ: str
    organ_name: str
    purpose: str
    period_start: dt.date
    period_end: dt.date
    requested: Decimal
    #: What approval in full would reserve: the request plus indirect cost recovery.
    needed: Decimal
    submitted_on: dt.date
    pools: tuple[PoolImpact, ...]
    #: Whether its pools can cover approval in full.
    fits: bool
    #: The OECD DAC gender-equality marker; None: not screened (and left out of the
    #: figures, so that packs issued before the marker keep their digest).
    gender_marker: int | None = field(default=None, metadata=ADDED_LATER)


@dataclass(frozen=True, slots=True)
class PackData:
    meeting: dt.date
    #: The moment the pack describes (its issue time).
    as_of: dt.datetime
    counts_receivables: bool
    indirect_rate: Decimal
    pools: tuple[PoolLine, ...]
    proposals: tuple[Proposal, ...]

    @property
    def requested(self) -> Decimal:
        return sum((p.requested for p in self.proposals), ZERO)


def meeting_pack(
    session: Session, meeting: dt.date, as_of: dt.datetime, *, settings: SettingValues
) -> PackData:
    """The pack for ``meeting`` as it stood at ``as_of``, with the fund's ``settings`` as
    they stood then (the availability basis, the indirect cost rate)."""
    states, submissions = _timeline(session, as_of)
    with_receivables = settings.counts_receivables
    codes = donor_codes(session)
    money = _money(session, as_of, with_receivables, codes)
    committed = _commitments(session, as_of, states, codes)
    keys = sorted(set(money) | set(committed), key=_pool_order)
    pools = [PoolLine(key, money.get(key, ZERO), committed.get(key, ZERO)) for key in keys]
    available = {line.pool: line.available for line in pools}
    rate = settings.indirect_rate
    pending = sorted(a for a, state in states.items() if state == State.SUBMITTED)
    proposals = []
    for allocation, title, organ_name in _allocations(session, pending):
        requested, submitted_at = submissions[allocation.id]
        needed = requested + (requested * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        impacts, left = [], needed
        for pool in allocation.pools:
            before = available.get(pool.pool, ZERO)
            take = max(ZERO, min(left, before))
            left -= take
            impacts.append(PoolImpact(pool.pool, before, before - take))
        proposals.append(
            Proposal(
                allocation.id, allocation.activity_number, title, allocation.organ_code,
                organ_name, allocation.purpose, allocation.period_start, allocation.period_end,
                requested, needed, _utc(submitted_at).date(), tuple(impacts), left <= 0,
                gender_marker=allocation.gender_marker,
            )
        )  # fmt: skip
    return PackData(meeting, as_of, with_receivables, rate, tuple(pools), tuple(proposals))


def _pool_order(key: str) -> tuple[bool, str, str, int, str]:
    """Unrestricted first, then by donor, kind of earmark and number (5 before 18)."""
    donor, _, earmark = key.partition("/")
    kind, _, target = earmark.partition(":")
    return (key != "unrestricted", donor, kind, int(target) if target.isdigit() else 0, target)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _timeline(
    session: Session, as_of: dt.datetime
) -> tuple[dict[int, str], dict[int, tuple[Decimal, dt.datetime]]]:
    """Each allocation's state at ``as_of``, and its latest submission by then."""
    states: dict[int, str] = {}
    created = session.execute(select(Allocation.id).where(Allocation.created_at <= as_of))
    for (allocation_id,) in created:
        states[allocation_id] = State.DRAFT
    submissions: dict[int, tuple[Decimal, dt.datetime]] = {}
    events = session.execute(
        select(AllocationEvent.allocation_id, AllocationEvent.action, AllocationEvent.to_state,
               AllocationEvent.amount, AllocationEvent.at)
        .where(AllocationEvent.at <= as_of)
        .order_by(AllocationEvent.id)
    )  # fmt: skip
    for allocation_id, action, to_state, amount, at in events:
        states[allocation_id] = to_state
        if action == "submit" and amount is not None:
            submissions[allocation_id] = (amount, at)
    return states, submissions


def _money(
    session: Session, as_of: dt.datetime, with_receivables: bool, codes: dict[int, str]
) -> dict[str, Decimal]:
    """Money in each pool in the entries recorded up to ``as_of``."""
    accounts = [*CASH_ACCOUNTS, *((RECEIVABLE,) if with_receivables else ())]
    money: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (donor_id, earmark), total in recorded_pool_balances(session, accounts, as_of).items():
        money[pool_key(None if donor_id is None else codes.get(donor_id), earmark)] += total
    return dict(money)


def _commitments(
    session: Session, as_of: dt.datetime, states: dict[int, str], codes: dict[int, str]
) -> dict[str, Decimal]:
    """Committed and not yet drawn, by pool, for allocations approved and open at ``as_of``."""
    committing = {a for a, state in states.items() if state in COMMITTING}
    taken: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for (allocation_id, donor_id, earmark), total in recorded_draws(session, as_of).items():
        key = pool_key(None if donor_id is None else codes.get(donor_id), earmark)
        taken[(allocation_id, key)] += total
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    pools = session.execute(
        select(AllocationPool.allocation_id, AllocationPool.pool, AllocationPool.committed)
    )
    for allocation_id, pool, committed in pools:
        if allocation_id in committing:
            result[pool] += committed - taken[(allocation_id, pool)]
    return {pool: amount for pool, amount in result.items()}


def _allocations(session: Session, ids: list[int]) -> list[tuple[Allocation, str, str]]:
    if not ids:
        return []
    rows = session.execute(
        select(Allocation, Activity.title, Implementer.name)
        .join(Activity, Activity.number == Allocation.activity_number)
        .join(Implementer, Implementer.code == Allocation.organ_code)
        .where(Allocation.id.in_(ids))
        .order_by(Allocation.id)
    )
    return list(rows)
