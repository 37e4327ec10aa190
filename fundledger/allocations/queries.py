"""Readers for budgets and allocations: lists, the CAJP's queue, budget against actuals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
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
    BudgetLine,
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
from fundledger.program.models import Activity, ActivityObjective, Implementer, Objective

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


@dataclass(slots=True)
class BudgetRow:
    key: str
    label: str
    budget: Decimal = ZERO
    allocated: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO


def budget_total(rows: Iterable[BudgetRow]) -> BudgetRow:
    """The report's total row (by objective the rows overlap: that view shows none)."""
    total = BudgetRow("", "total")
    for row in rows:
        total.budget += row.budget
        total.allocated += row.allocated
        total.disbursed += row.disbursed
        total.spent += row.spent
    return total


def budget_report(session: Session, year: int, by: str = "activity") -> list[BudgetRow]:
    """Budget against allocated, disbursed and spent for a year, by activity, organ or
    objective. By objective an activity counts under each objective it serves, so that
    view does not add up to the fund's total."""
    per_activity: dict[int, BudgetRow] = {}
    activities = {a.number: a for a in session.scalars(select(Activity).filter_by(fundable=True))}

    def row(number: int) -> BudgetRow:
        if number not in per_activity:
            per_activity[number] = BudgetRow(str(number), activities[number].title)
        return per_activity[number]

    lines = session.scalars(
        select(BudgetLine)
        .join(Budget, Budget.id == BudgetLine.budget_id)
        .where(Budget.year == year, Budget.status == "approved", BudgetLine.status == "approved")
    )
    for line in lines:
        row(line.activity_number).budget += line.amount
    for allocation in allocations(session):
        if allocation.state not in ALLOCATED or allocation.period_start.year != year:
            continue
        target = row(allocation.activity_number)
        if allocation.approved_amount is not None:
            target.allocated += allocation.approved_amount
        target.disbursed += allocation.disbursed
        target.spent += allocation.spent
    if by == "activity":
        return [per_activity[number] for number in sorted(per_activity)]
    groups: dict[str, BudgetRow] = {}
    if by == "organ":
        names = {i.code: i.name for i in session.scalars(select(Implementer))}
        keys = {n: [activities[n].implementer_code] for n in per_activity}
        labels = names
    elif by == "objective":
        crosses: dict[int, list[str]] = defaultdict(list)
        for cross in session.scalars(select(ActivityObjective)):
            crosses[cross.activity_number].append(str(cross.objective_number))
        keys = {n: crosses[n] for n in per_activity}
        labels = {str(o.number): o.title for o in session.scalars(select(Objective))}
    else:
        raise ValueError(f"budget report by {by!r}: activity, organ or objective")
    for number, source in per_activity.items():
        for key in keys[number]:
            group = groups.setdefault(key, BudgetRow(key, labels.get(key, key)))
            group.budget += source.budget
            group.allocated += source.allocated
            group.disbursed += source.disbursed
            group.spent += source.spent
    return sorted(groups.values(), key=lambda g: (len(g.key), g.key))


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
