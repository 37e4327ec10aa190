"""Readers for budgets and allocations: lists, the CAJP's queue, budget against actuals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session, selectinload

from fundledger.allocations.models import (
    Allocation,
    AllocationEvent,
    AllocationPool,
    Budget,
    State,
)
from fundledger.allocations.pools import (
    UNRESTRICTED,
    ZERO,
    Availability,
    availability,
    eligibility_problem,
    parse_pool,
)
from fundledger.allocations.settings import counts_receivables, indirect_cost_rate
from fundledger.listing import Columns, RowKey, Sorts
from fundledger.program.models import Activity

#: States in which an allocation counts as allocated (the CAJP approved it).
ALLOCATED = (State.APPROVED, State.DISBURSED, State.REPORTED, State.CLOSED)


def allocations(session: Session, *, state: str | None = None) -> Sequence[Allocation]:
    query = (
        select(Allocation)
        .options(selectinload(Allocation.pools), selectinload(Allocation.events))
        .order_by(Allocation.id)
    )
    if state is not None:
        query = query.filter_by(state=state)
    return session.scalars(query).all()


def fundable_activities(session: Session) -> Sequence[Row[int, str, str]]:
    """The activities this fund may finance, by number, as rows of ``number``, ``title``
    and ``implementer_code``: what a filter or a choice of activity offers, without
    loading each activity's implementer and objectives."""
    query = (
        select(Activity.number, Activity.title, Activity.implementer_code)
        .where(Activity.fundable.is_(True))
        .order_by(Activity.number)
    )
    return session.execute(query).all()


def _pools_total(column: Any) -> Any:
    """The sum of one column over an allocation's pools, for ordering by it."""
    return (
        select(func.coalesce(func.sum(column), ZERO))
        .where(AllocationPool.allocation_id == Allocation.id)
        .correlate(Allocation)
        .scalar_subquery()
    )


#: How the allocations list may be sorted (newest first by default); each ends on the id.
ALLOCATION_SORTS: Sorts[Columns] = Sorts(
    {
        "id": (Allocation.id,),
        "activity": (Allocation.activity_number, Allocation.id),
        "organ": (Allocation.organ_code, Allocation.id),
        "state": (Allocation.state, Allocation.id),
        "requested": (Allocation.requested_amount, Allocation.id),
        "approved": (func.coalesce(Allocation.approved_amount, ZERO), Allocation.id),
        "disbursed": (_pools_total(AllocationPool.advanced), Allocation.id),
        "spent": (_pools_total(AllocationPool.spent), Allocation.id),
        "start": (Allocation.period_start, Allocation.id),
    },
    default="id",
    descending=True,
)


def allocations_query(
    *, state: str | None = None, activity: int | None = None, organ: str | None = None
) -> Select[Allocation]:
    """The allocations in a state, for an activity, of an organ (each or all), with their
    pools, in no order yet (see :data:`ALLOCATION_SORTS`)."""
    query = select(Allocation).options(selectinload(Allocation.pools))
    if state:
        query = query.filter_by(state=state)
    if activity is not None:
        query = query.filter_by(activity_number=activity)
    if organ:
        query = query.filter_by(organ_code=organ)
    return query


def eligible_pools(
    session: Session, activity: Activity, *, with_receivables: bool, keep: Sequence[str] = ()
) -> list[Availability]:
    """The pools that may fund ``activity`` (unrestricted money always), and those in
    ``keep`` first, in that order, with what each has available now (counting pledges
    not yet paid if ``with_receivables``)."""
    pools = availability(session, with_receivables=with_receivables)
    pools.setdefault(UNRESTRICTED, Availability(UNRESTRICTED, ZERO, ZERO))
    first = [pools.get(key) or Availability(key, ZERO, ZERO) for key in keep]
    others = [
        pool
        for key, pool in pools.items()
        if key not in keep and eligibility_problem(session, parse_pool(key), activity) is None
    ]
    return first + others


#: How the CAJP's queue may be sorted (in memory: each item carries its pools' impact).
QUEUE_SORTS: Sorts[RowKey] = Sorts(
    {
        "id": lambda item: item.allocation.id,
        "activity": lambda item: (item.allocation.activity_number, item.allocation.id),
        "requested": lambda item: (item.allocation.requested_amount, item.allocation.id),
    },
    default="id",
)
#: How the work plans may be sorted; newest first unless asked otherwise.
BUDGET_SORTS: Sorts[Columns] = Sorts(
    {
        "year": (Budget.year, Budget.version),
        "status": (Budget.status, Budget.year, Budget.version),
    },
    default="year",
    descending=True,
)


#: How the funds available may be sorted: unrestricted money first, then by pool.
AVAILABLE_SORTS: Sorts[RowKey] = Sorts(
    {
        "pool": lambda p: (p.pool != UNRESTRICTED, p.pool),
        "money": lambda p: (p.money, p.pool),
        "committed": lambda p: (p.committed, p.pool),
        "available": lambda p: (p.available, p.pool),
    },
    default="pool",
)
#: How the budget report may be sorted; by its key (activity, organ, objective) first.
BUDGET_REPORT_SORTS: Sorts[RowKey] = Sorts(
    {
        "key": lambda r: (len(r.key), r.key),
        "name": lambda r: (r.label.lower(), r.key),
        "budget": lambda r: (r.budget, r.key),
        "allocated": lambda r: (r.allocated, r.key),
        "disbursed": lambda r: (r.disbursed, r.key),
        "spent": lambda r: (r.spent, r.key),
    },
    default="key",
)


@dataclass(frozen=True, slots=True)
class PoolImpact:
    pool: str
    available_before: Decimal
    available_after: Decimal


@dataclass(frozen=True, slots=True)
class QueueItem:
    allocation: Allocation
    pools: list[PoolImpact]
    #: Whether approving the full request would fit in its pools now.
    fits: bool


def cajp_queue(session: Session) -> list[QueueItem]:
    """Submitted allocations, oldest first, each with what approving it in full would leave.

    Each is measured against today's availability on its own: approving one changes
    what is left for the next.
    """
    pools = availability(session, with_receivables=counts_receivables(session))
    rate = indirect_cost_rate(session)
    items = []
    for allocation in allocations(session, state=State.SUBMITTED):
        needed = allocation.requested_amount + (allocation.requested_amount * rate).quantize(
            Decimal("0.01")
        )
        impacts = []
        for pool in allocation.pools:
            before = pools[pool.pool].available if pool.pool in pools else ZERO
            take = max(ZERO, min(needed, before))
            needed -= take
            impacts.append(PoolImpact(pool.pool, before, before - take))
        items.append(QueueItem(allocation, impacts, fits=needed <= 0))
    return items


def budgets_query(*, year: int | None = None, status: str | None = None) -> Select[Budget]:
    """The work plans of a year, in a status (each or all), with their lines; in no
    order yet (see :data:`BUDGET_SORTS`)."""
    query = select(Budget).options(selectinload(Budget.lines))
    if year is not None:
        query = query.filter_by(year=year)
    if status:
        query = query.filter_by(status=status)
    return query


def latest_versions(session: Session) -> set[int]:
    """The ids of each year's latest work plan version."""
    rows = session.execute(select(Budget.year, Budget.id).order_by(Budget.year, Budget.version))
    return set({year: budget_id for year, budget_id in rows}.values())


def budgets(session: Session, year: int | None = None) -> Sequence[Budget]:
    query = select(Budget).options(selectinload(Budget.lines)).order_by(Budget.year, Budget.version)
    if year is not None:
        query = query.filter_by(year=year)
    return session.scalars(query).all()


@dataclass(frozen=True, slots=True)
class MeetingDecisions:
    """What the application records as decided at one CAJP meeting."""

    #: Decisions on allocations (approve, reject, return), in the order recorded.
    allocations: list[AllocationEvent]
    #: Work plans decided, in the order recorded.
    work_plans: list[Budget]

    def __len__(self) -> int:
        return len(self.allocations) + len(self.work_plans)


def meeting_decisions(session: Session, meeting_id: int) -> MeetingDecisions:
    """The decisions that name meeting ``meeting_id``."""
    events = session.scalars(
        select(AllocationEvent)
        .where(AllocationEvent.meeting_id == meeting_id)
        .options(selectinload(AllocationEvent.allocation))
        .order_by(AllocationEvent.id)
    )
    plans = session.scalars(
        select(Budget).where(Budget.meeting_id == meeting_id).order_by(Budget.id)
    )
    return MeetingDecisions(list(events), list(plans))
