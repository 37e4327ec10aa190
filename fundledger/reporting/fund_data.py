"""The fund statement's data for a fiscal year or any other period (the Fund's whole
life, say), read from the ledger by business date.

Flows are the period's postings without the year-end closing entry (which only moves
revenue and expenses into net assets within each class), so the statement reads the
same before and after the year is closed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation, AllocationEvent, Budget, BudgetLine
from fundledger.donors.models import Donor, Receipt, name_in
from fundledger.ledger.balances import period_movements, pool_balances
from fundledger.ledger.chart import (
    ADVANCES,
    CONTRIBUTION_ACCOUNTS,
    CONTRIBUTIONS_RESTRICTED,
    CONTRIBUTIONS_UNRESTRICTED,
    RECEIVABLE,
    RELEASES_RESTRICTED,
    RELEASES_UNRESTRICTED,
    is_restricted,
)
from fundledger.ledger.models import AccountType
from fundledger.ledger.periods import fiscal_year
from fundledger.ledger.posting_totals import activity_movements
from fundledger.program.models import Activity, ActivityObjective, Implementer, Objective
from fundledger.reporting.figures import (
    ADDED_LATER,
    ZERO,
    AccountInfo,
    Position,
    chart,
    position,
)
from fundledger.reporting.sources_uses import SourcesAndUses, sources_and_uses

#: Revenue accounts shown together on one line of the changes in net assets.
MERGED_LINES = {
    CONTRIBUTIONS_UNRESTRICTED: "contributions",
    CONTRIBUTIONS_RESTRICTED: "contributions",
    RELEASES_UNRESTRICTED: "releases",
    RELEASES_RESTRICTED: "releases",
}
DECISIONS = ("approve", "reject", "return")


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """A line of the statement of changes in net assets: an increase is positive.

    ``key`` is ``contributions``, ``releases``, ``other`` (postings straight to net
    assets) or an account code (labelled with the account's name).
    """

    key: str
    unrestricted: Decimal
    restricted: Decimal

    @property
    def total(self) -> Decimal:
        return self.unrestricted + self.restricted


@dataclass(frozen=True, slots=True)
class NetAssetChanges:
    opening: Position
    lines: tuple[ChangeLine, ...]
    closing: Position

    @property
    def change_unrestricted(self) -> Decimal:
        return sum((line.unrestricted for line in self.lines), ZERO)

    @property
    def change_restricted(self) -> Decimal:
        return sum((line.restricted for line in self.lines), ZERO)


@dataclass(frozen=True, slots=True)
class DonorContribution:
    """A donor's contributions in the year; ``code`` None gathers revenue with no donor."""

    code: str | None
    name: str
    type: str | None
    #: Contribution revenue recognised (pledges and gifts, less reductions and refunds).
    recognised: Decimal
    #: Payments received, at the day's rates.
    received: Decimal
    #: Pledges outstanding at the year's end.
    outstanding: Decimal
    #: Its name by language where the donor record has one (:meth:`Donor.names`); None
    #: for none, and for statements issued before donors had them.
    names: Mapping[str, str] | None = field(default=None, metadata=ADDED_LATER)

    def name_in(self, language: str) -> str:
        return name_in(self.name, self.names, language)


@dataclass(frozen=True, slots=True)
class BudgetLineFigures:
    key: str
    #: The activity's, organ's or objective's English title (Program data).
    label: str
    budget: Decimal
    allocated: Decimal
    disbursed: Decimal
    spent: Decimal


@dataclass(frozen=True, slots=True)
class AllocationDecision:
    on: dt.date
    reference: str
    #: approve, reject or return.
    decision: str
    allocation: int
    activity: int
    organ: str
    requested: Decimal
    approved: Decimal | None


@dataclass(frozen=True, slots=True)
class WorkPlanDecision:
    on: dt.date
    reference: str
    year: int
    version: int
    status: str
    approved: Decimal


@dataclass(frozen=True, slots=True)
class FundStatementData:
    #: The fiscal year it covers; None for another period (``span``).
    year: int | None
    accounts: dict[str, AccountInfo]
    position: Position
    prior: Position
    changes: NetAssetChanges
    contributions: tuple[DonorContribution, ...]
    by_activity: tuple[BudgetLineFigures, ...]
    by_organ: tuple[BudgetLineFigures, ...]
    by_objective: tuple[BudgetLineFigures, ...]
    decisions: tuple[AllocationDecision, ...]
    work_plans: tuple[WorkPlanDecision, ...]
    #: The first and last day of a period that is not a fiscal year (None for a year:
    #: added after year statements were issued, which keep their figures digest).
    span: tuple[dt.date, dt.date] | None = field(default=None, metadata=ADDED_LATER)
    #: The sources and uses of funds, for the period and since inception (edition 2; None
    #: for a statement issued before, which keeps its figures digest).
    sources_uses: SourcesAndUses | None = field(default=None, metadata=ADDED_LATER)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The first and last day the statement covers."""
        if self.span is not None:
            return self.span
        assert self.year is not None  # noqa: S101 - a year statement has its year
        return fiscal_year(self.year)

    @property
    def by_type(self) -> list[DonorContribution]:
        """Contributions by donor type, in the order the types first appear."""
        groups: dict[str | None, list[DonorContribution]] = defaultdict(list)
        for row in self.contributions:
            groups[row.type].append(row)
        return [
            DonorContribution(
                None,
                "",
                kind,
                sum((r.recognised for r in rows), ZERO),
                sum((r.received for r in rows), ZERO),
                sum((r.outstanding for r in rows), ZERO),
            )
            for kind, rows in sorted(groups.items(), key=lambda item: item[0] or "~")
        ]


def fund_statement(
    session: Session, start: dt.date, end: dt.date, *, edition: int
) -> FundStatementData:
    """The statement from ``start`` to ``end``, both included: a fiscal year's when they are
    its first and last day (the same data, digest and figures as ever), else a period's,
    whose budget is the work plans of every fiscal year it touches. Edition 2 adds the
    sources and uses of funds."""
    year = start.year if (start, end) == fiscal_year(start.year) else None
    accounts = chart(session)
    current = position(session, end, accounts)
    prior = position(session, start - dt.timedelta(days=1), accounts)
    moved = period_movements(session, start, end)
    flows = _by_account(moved)
    per_activity = budget_by_activity(session, range(start.year, end.year + 1), start, end)
    return FundStatementData(
        year=year,
        accounts=accounts,
        position=current,
        prior=prior,
        changes=NetAssetChanges(prior, tuple(_change_lines(flows, accounts)), current),
        contributions=tuple(_contributions(session, moved, start, end)),
        by_activity=tuple(per_activity),
        by_organ=tuple(regroup(session, per_activity, "organ")),
        by_objective=tuple(regroup(session, per_activity, "objective")),
        decisions=tuple(decisions(session, start, end)),
        work_plans=tuple(_work_plans(session, start, end)),
        span=None if year is not None else (start, end),
        sources_uses=sources_and_uses(session, start, end) if edition >= 2 else None,
    )


def _by_account(moved: dict[tuple[str, int | None], Decimal]) -> dict[str, Decimal]:
    """The year's movement of every account (all donors together)."""
    flows: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (code, _donor_id), total in moved.items():
        flows[code] += total
    return {code: total for code, total in flows.items() if total}


def _change_lines(flows: dict[str, Decimal], accounts: dict[str, AccountInfo]) -> list[ChangeLine]:
    """Revenue and expense lines in code order, merged where the chart pairs accounts,
    then anything posted straight to net assets."""
    lines: dict[str, list[Decimal]] = {}
    direct = [ZERO, ZERO]
    for code, info in accounts.items():
        amount = -flows.get(code, ZERO)
        column = 1 if is_restricted(code) else 0
        if info.type == AccountType.NET_ASSETS:
            direct[column] += amount
        elif info.type in (AccountType.REVENUE, AccountType.EXPENSE):
            key = MERGED_LINES.get(code, code)
            if amount or key in MERGED_LINES.values():
                lines.setdefault(key, [ZERO, ZERO])[column] += amount
    result = [ChangeLine(key, u, r) for key, (u, r) in lines.items() if u or r]
    if direct[0] or direct[1]:
        result.append(ChangeLine("other", direct[0], direct[1]))
    return result


def contributions(session: Session, year: int) -> list[DonorContribution]:
    """Each donor's contributions in fiscal ``year``: the fund statement's table, and the
    public page's contributions by donor and year."""
    start, end = fiscal_year(year)
    return _contributions(session, period_movements(session, start, end), start, end)


def _contributions(
    session: Session, moved: dict[tuple[str, int | None], Decimal], start: dt.date, end: dt.date
) -> list[DonorContribution]:
    """Each donor's contributions recognised (both classes), received and still owed in
    the year ``moved`` (its movements by account and donor) covers."""
    recognised: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for (code, donor_id), total in moved.items():
        if code in CONTRIBUTION_ACCOUNTS:
            recognised[donor_id] += total
    received = dict(
        session.execute(
            select(Receipt.donor_id, func.sum(Receipt.usd_amount + Receipt.usd_charges))
            .where(Receipt.value_date.between(start, end))
            .group_by(Receipt.donor_id)
        ).all()
    )  # fmt: skip
    outstanding: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for (donor_id, _earmark), total in pool_balances(session, [RECEIVABLE], as_of=end).items():
        outstanding[donor_id] += total
    rows = []
    for donor in session.scalars(select(Donor).order_by(Donor.code)):
        row = DonorContribution(
            donor.code, donor.name, donor.type, -recognised.get(donor.id, ZERO),
            received.get(donor.id, ZERO), outstanding.get(donor.id, ZERO), donor.names(),
        )  # fmt: skip
        if row.recognised or row.received or row.outstanding:
            rows.append(row)
    loose = DonorContribution(None, "", None, -recognised.get(None, ZERO), ZERO,
                              outstanding.get(None, ZERO))  # fmt: skip
    if loose.recognised or loose.outstanding:
        rows.append(loose)
    return rows


def budget_by_activity(
    session: Session, years: range, start: dt.date, end: dt.date
) -> list[BudgetLineFigures]:
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
        BudgetLineFigures("" if number is None else str(number),
                          "" if number is None else titles[number], *values)
        for number, values in sorted(figures.items(), key=lambda item: (item[0] is None,
                                                                         item[0] or 0))
        if any(values)
    ]  # fmt: skip


def regroup(
    session: Session, per_activity: list[BudgetLineFigures], by: str
) -> list[BudgetLineFigures]:
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
        BudgetLineFigures(key, labels.get(key, ""), *groups[key])
        for key in sorted(groups, key=order)
    ]


def decisions(session: Session, start: dt.date, end: dt.date) -> list[AllocationDecision]:
    """The CAJP's decisions on allocations dated in the year, with what was asked."""
    rows = session.execute(
        select(AllocationEvent, Allocation)
        .join(Allocation, Allocation.id == AllocationEvent.allocation_id)
        .where(AllocationEvent.action.in_(DECISIONS), AllocationEvent.on.between(start, end))
        .order_by(AllocationEvent.on, AllocationEvent.id)
    )
    submitted = _requests(session)
    result = []
    for event, allocation in rows:
        asked = [amount for event_id, amount in submitted.get(allocation.id, [])
                 if event_id < event.id]  # fmt: skip
        result.append(
            AllocationDecision(
                event.on or start, event.reference or "", event.action, allocation.id,
                allocation.activity_number, allocation.organ_code,
                asked[-1] if asked else allocation.requested_amount,
                event.amount if event.action == "approve" else None,
            )
        )  # fmt: skip
    return result


def _requests(session: Session) -> dict[int, list[tuple[int, Decimal]]]:
    """Each allocation's submissions, in order: (event id, amount requested)."""
    result: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    rows = session.execute(
        select(AllocationEvent.allocation_id, AllocationEvent.id, AllocationEvent.amount)
        .filter_by(action="submit")
        .order_by(AllocationEvent.id)
    )
    for allocation_id, event_id, amount in rows:
        if amount is not None:
            result[allocation_id].append((event_id, amount))
    return result


def _work_plans(session: Session, start: dt.date, end: dt.date) -> list[WorkPlanDecision]:
    budgets = session.scalars(
        select(Budget)
        .where(Budget.decided_on.between(start, end))
        .order_by(Budget.decided_on, Budget.id)
    )
    return [
        WorkPlanDecision(
            budget.decided_on or start,
            budget.decision_ref or "",
            budget.year,
            budget.version,
            budget.status,
            sum((line.amount for line in budget.lines if line.status == "approved"), ZERO),
        )
        for budget in budgets
    ]
