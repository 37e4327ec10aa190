"""Reading co-financing items, and the resources of the whole Program by specific
objective: from the Fund, from the Regular Fund, from others.

:func:`resources_by_objective` is the one computation behind the report's page, its
downloads and ``fundledger report resources``. The Fund's column is what the CAJP
approved for each activity in the period (the budget report's "allocated", from
:func:`fundledger.allocations.execution.budget_by_activity`); the others are the items
not withdrawn."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fundledger.allocations.execution import budget_by_activity
from fundledger.clock import today
from fundledger.cofinancing.models import CofinancingItem, SourceKind
from fundledger.cofinancing.operations import FIRST_YEAR
from fundledger.ledger.balances import ZERO
from fundledger.ledger.periods import fiscal_year
from fundledger.listing import Columns, Sorts
from fundledger.program.models import ActivityObjective, Objective

#: How the list may be sorted: newest year first unless asked otherwise.
ITEM_SORTS: Sorts[Columns] = Sorts(
    {
        "year": (CofinancingItem.year, CofinancingItem.activity_number, CofinancingItem.id),
        "activity": (CofinancingItem.activity_number, CofinancingItem.year, CofinancingItem.id),
        "amount": (CofinancingItem.amount, CofinancingItem.id),
    },
    default="year",
    descending=True,
)


def items_query(
    *, year: int | None = None, activity: int | None = None, source_kind: str | None = None
) -> Select[CofinancingItem]:
    """Items, withdrawn ones too, in no order yet (see :data:`ITEM_SORTS`)."""
    query = select(CofinancingItem)
    if year is not None:
        query = query.where(CofinancingItem.year == year)
    if activity is not None:
        query = query.where(CofinancingItem.activity_number == activity)
    if source_kind:
        query = query.where(CofinancingItem.source_kind == source_kind)
    return query


@dataclass(frozen=True, slots=True)
class Resources:
    """Money for the Program, in USD, by where it came from."""

    fund: Decimal = ZERO
    regular_fund: Decimal = ZERO
    others: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.fund + self.regular_fund + self.others

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.fund + other.fund, self.regular_fund + other.regular_fund,
                         self.others + other.others)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ObjectiveResources:
    number: int
    #: The objective's English title (Program data).
    title: str
    resources: Resources


@dataclass(frozen=True, slots=True)
class ResourcesReport:
    #: The year, or None for every year since the Program's adoption.
    year: int | None
    #: The 20 specific objectives in order; an activity serving several counts under each.
    objectives: tuple[ObjectiveResources, ...]
    #: The whole Program, each activity counted once.
    program: Resources


def resources_by_activity(session: Session, year: int | None) -> dict[int, Resources]:
    """Each activity's resources in ``year`` (every year when None)."""
    first, last = (year, year) if year is not None else (FIRST_YEAR, today().year)
    start, end = fiscal_year(first)[0], fiscal_year(last)[1]
    fund: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in budget_by_activity(session, range(first, last + 1), start, end):
        if line.key:
            fund[int(line.key)] += line.allocated
    regular: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    others: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    memorandum = session.execute(
        select(CofinancingItem.activity_number, CofinancingItem.source_kind,
               CofinancingItem.amount)
        .where(CofinancingItem.withdrawn_at.is_(None),
               CofinancingItem.year.between(first, last))
    )  # fmt: skip
    for activity, kind, amount in memorandum:
        (regular if kind == SourceKind.REGULAR_FUND else others)[activity] += amount
    return {
        activity: Resources(fund[activity], regular[activity], others[activity])
        for activity in sorted({*fund, *regular, *others})
    }


def resources_by_objective(session: Session, year: int | None) -> ResourcesReport:
    """The Program's resources by specific objective for ``year`` (every year when None)."""
    per_activity = resources_by_activity(session, year)
    serves: dict[int, list[int]] = defaultdict(list)
    for activity, objective in session.execute(
        select(ActivityObjective.activity_number, ActivityObjective.objective_number)
    ):
        serves[objective].append(activity)
    rows = tuple(
        ObjectiveResources(number, title, sum(
            (per_activity[a] for a in serves[number] if a in per_activity), Resources()
        ))
        for number, title in session.execute(
            select(Objective.number, Objective.title).order_by(Objective.number)
        )
    )  # fmt: skip
    return ResourcesReport(year, rows, sum(per_activity.values(), Resources()))
