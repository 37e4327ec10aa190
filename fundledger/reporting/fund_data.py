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

from fundledger.allocations.execution import BudgetFigures, budget_by_activity, regroup
from fundledger.allocations.models import Allocation, AllocationEvent, Budget
from fundledger.donors.models import Donor, Receipt, name_in
from fundledger.ledger.balances import period_movements, pool_balances
from fundledger.ledger.chart import (
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
from fundledger.reporting.by_category import CategoryLine, expenditure_by_category
from fundledger.reporting.figures import (
    ADDED_LATER,
    ZERO,
    AccountInfo,
    Position,
    position,
    statement_chart,
)
from fundledger.reporting.organ_transfers import OrganTransfers, transfers_by_organ
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
    #: The allocation's OECD DAC gender-equality marker; None: not screened (and left out
    #: of the figures, so that statements issued before the marker keep their digest).
    gender_marker: int | None = field(default=None, metadata=ADDED_LATER)


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
    by_activity: tuple[BudgetFigures, ...]
    by_organ: tuple[BudgetFigures, ...]
    by_objective: tuple[BudgetFigures, ...]
    decisions: tuple[AllocationDecision, ...]
    work_plans: tuple[WorkPlanDecision, ...]
    #: The first and last day of a period that is not a fiscal year (None for a year:
    #: added after year statements were issued, which keep their figures digest).
    span: tuple[dt.date, dt.date] | None = field(default=None, metadata=ADDED_LATER)
    #: The sources and uses of funds, for the period and since inception (edition 2; None
    #: for a statement issued before, which keeps its figures digest).
    sources_uses: SourcesAndUses | None = field(default=None, metadata=ADDED_LATER)
    #: Expenditure by the UN harmonised categories (edition 3; None before).
    by_category: tuple[CategoryLine, ...] | None = field(default=None, metadata=ADDED_LATER)
    #: Transfers by implementing organ (edition 3; None before).
    organ_transfers: tuple[OrganTransfers, ...] | None = field(
        default=None, metadata=ADDED_LATER
    )

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
    sources and uses of funds, edition 3 expenditure by category and transfers by
    implementing organ."""
    year = start.year if (start, end) == fiscal_year(start.year) else None
    moved = period_movements(session, start, end)
    before = start - dt.timedelta(days=1)
    accounts = statement_chart(session, (end, before), (code for code, _donor in moved))
    current = position(session, end, accounts)
    prior = position(session, before, accounts)
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
        by_category=expenditure_by_category(session, start, end) if edition >= 3 else None,
        organ_transfers=transfers_by_organ(session, start, end) if edition >= 3 else None,
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
                gender_marker=allocation.gender_marker,
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
