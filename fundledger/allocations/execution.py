"""Budget against actuals: the approved work plans beside what the CAJP approved and what
was disbursed and spent, by activity, organ or specific objective.

One computation for every place that shows it (the budget report page, its CSV and the
command line, the fund statement, the public page): allocated is the CAJP's approvals
dated in the period, disbursed and spent are the period's postings, so that a year's
figures do not change with when an allocation's own period starts and agree with the
ledger on every day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation, AllocationEvent, Budget, BudgetLine
from fundledger.ledger.balances import ZERO
from fundledger.ledger.chart import ADVANCES
from fundledger.ledger.periods import fiscal_year
from fundledger.ledger.posting_totals import activity_movements
from fundledger.program.models import Activity, ActivityObjective, Implementer, Objective
from fundledger.program.translated import Kind, title

#: What the report can be grouped by.
GROUPINGS = ("activity", "organ", "objective")
#: Where each grouping's labels are translated (:mod:`fundledger.program.translated`).
TITLES: dict[str, Kind] = {"activity": "activities", "organ": "implementers",
                            "objective": "objectives"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """One line of budget against actuals: an activity's, an organ's or an objective's."""

    key: str
    #: The activity's, organ's or objective's English title (Program data; see
    #: :func:`in_language`).
    label: str
    budget: Decimal
    allocated: Decimal
    disbursed: Decimal
    spent: Decimal


def budget_by_activity(
    session: Session, years: range, start: dt.date, end: dt.date
) -> list[BudgetFigures]:
    """Budget (the approved work plans of ``years``), allocated (CAJP approvals dated in
    the period), disbursed and spent (the period's postings), by activity: a period's on
    the fund statement, every year's on the public page."""
    figures: dict[int | None, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    lines = session.execute(
        select(BudgetLine.activity_number, BudgetLine.amount)
        .join(Budget, Budget.id == BudgetLine.budget_id)
        .where(
            Budget.year.between(years.start, years.stop - 1),
            Budget.status == "approved",
            BudgetLine.status == "approved",
        )
    )
    for activity, amount in lines:
        figures[activity][0] += amount
    approved = session.execute(
        select(Allocation.activity_number, AllocationEvent.amount)
        .join(Allocation, Allocation.id == AllocationEvent.allocation_id)
        .where(AllocationEvent.action == "approve", AllocationEvent.on.between(start, end))
    )
    for approved_activity, approved_amount in approved:
        figures[approved_activity][1] += approved_amount if approved_amount is not None else ZERO
    for (moved_activity, code), total in activity_movements(session, start, end).items():
        figures[moved_activity][2 if code == ADVANCES else 3] += total
    titles = dict(session.execute(select(Activity.number, Activity.title)).all())
    return [
        BudgetFigures("" if number is None else str(number),
                          "" if number is None else titles[number], *values)
        for number, values in sorted(figures.items(), key=lambda item: (item[0] is None,
                                                                         item[0] or 0))
        if any(values)
    ]  # fmt: skip


def regroup(
    session: Session, per_activity: list[BudgetFigures], by: str
) -> list[BudgetFigures]:
    """The activity lines summed by organ, or by objective (an activity counts under each
    objective it serves, so that view adds up to more than the fund's total)."""
    keys: dict[str, list[str]] = defaultdict(list)
    if by == "organ":
        labels = dict(session.execute(select(Implementer.code, Implementer.name)).all())
        for number, organ in session.execute(select(Activity.number, Activity.implementer_code)):
            keys[str(number)].append(organ)
    else:
        labels = {
            str(number): title
            for number, title in session.execute(select(Objective.number, Objective.title))
        }
        crosses = session.execute(
            select(ActivityObjective.activity_number, ActivityObjective.objective_number)
        )
        for activity, objective in crosses:
            keys[str(activity)].append(str(objective))
    groups: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    for line in per_activity:
        for key in keys.get(line.key) or [""]:
            values = groups[key]
            for index, amount in enumerate((line.budget, line.allocated, line.disbursed,
                                            line.spent)):  # fmt: skip
                values[index] += amount

    def order(key: str) -> tuple[int, int, str]:
        return (key == "", int(key) if key.isdigit() else 0, key)

    return [
        BudgetFigures(key, labels.get(key, ""), *groups[key])
        for key in sorted(groups, key=order)
    ]


def budget_report(session: Session, year: int, by: str = "activity") -> list[BudgetFigures]:
    """A fiscal year's budget against actuals by activity, organ or objective. By
    objective an activity counts under each objective it serves, so that view does not
    add up to the fund's total."""
    if by not in GROUPINGS:
        raise ValueError(f"budget report by {by!r}: activity, organ or objective")
    start, end = fiscal_year(year)
    per_activity = budget_by_activity(session, range(year, year + 1), start, end)
    return per_activity if by == "activity" else regroup(session, per_activity, by)


def in_language(rows: Iterable[BudgetFigures], by: str, language: str) -> list[BudgetFigures]:
    """``rows`` grouped ``by`` activity, organ or objective, labelled in ``language``."""
    return [replace(row, label=title(TITLES[by], row.key, row.label, language)) for row in rows]


def budget_total(rows: Iterable[BudgetFigures]) -> BudgetFigures:
    """The report's total line (by objective the lines overlap: that view shows none)."""
    sums = [ZERO, ZERO, ZERO, ZERO]
    for row in rows:
        for index, amount in enumerate((row.budget, row.allocated, row.disbursed, row.spent)):
            sums[index] += amount
    return BudgetFigures("", "total", *sums)
