"""Readers behind the dashboards: the fund's figures by fiscal year, the work waiting for
each role, a donor's own contributions and their use, and the auditor's checks.

Every reader runs a fixed number of grouped queries whatever the size of the books, and
reads the ledger through its daily totals (a few rows per day) rather than its postings,
so the home page costs about the same with ten entries or a million; the figures come from
the same tables and ledger accounts as the pages they link to, so they agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fundledger.allocations.models import Allocation, AllocationEvent, AllocationPool, State
from fundledger.allocations.pools import Availability, availability
from fundledger.allocations.queries import QueueItem, budgets, cajp_queue
from fundledger.allocations.settings import counts_receivables
from fundledger.audit.models import AuditEvent
from fundledger.audit.queries import AuditFilter, event_page
from fundledger.audit.verifications import ACTION as VERIFIED
from fundledger.audit.verifications import Outcome
from fundledger.db import year_of
from fundledger.donors.models import Donor, Pledge, PledgeReduction, Receipt
from fundledger.donors.queries import AgeingRow, DonorPosition, ageing, donor_position
from fundledger.ledger.balances import draws, first_day, yearly_movements
from fundledger.ledger.chart import (
    ADVANCES,
    CASH_ACCOUNTS,
    EXPENDITURE,
    RECEIVABLE,
    UNAPPLIED,
)
from fundledger.ledger.models import EntryKind, FiscalPeriod, LedgerHead
from fundledger.ledger.queries import trial_balance
from fundledger.progress.due import Due
from fundledger.progress.due import overdue as overdue_progress
from fundledger.reporting.uses import PoolUse, earmarked_pools

ZERO = Decimal("0.00")
#: How many of the newest audit events the auditor's dashboard lists.
LATEST_EVENTS = 10


# --- the fund, for the Secretariat and admins ------------------------------------------


@dataclass(frozen=True, slots=True)
class FundYear:
    """One fiscal year of the fund, in USD."""

    year: int
    #: Pledges made in the year at their rates, less reductions made in the year.
    pledged: Decimal
    #: What donors paid in the year (the bank's credit plus its charges), at the day's rates.
    received: Decimal
    #: Pledges still unpaid at the year's end (the receivable's balance).
    outstanding: Decimal
    #: Allocations the CAJP approved in the year.
    allocated: Decimal
    #: Advances paid to the organs in the year.
    disbursed: Decimal
    #: Expenditure the organs reported in the year.
    spent: Decimal
    #: Money in all pools at the year's end less the commitments then open.
    available: Decimal


@dataclass(frozen=True, slots=True)
class FundOverview:
    years: Sequence[FundYear]
    #: Today's availability by pool, as on the Available page.
    pools: Sequence[Availability]
    #: Today's receivable, from the trial balance.
    outstanding: Decimal

    @property
    def pledged(self) -> Decimal:
        return sum((y.pledged for y in self.years), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((y.received for y in self.years), ZERO)

    @property
    def allocated(self) -> Decimal:
        return sum((y.allocated for y in self.years), ZERO)

    @property
    def disbursed(self) -> Decimal:
        return sum((y.disbursed for y in self.years), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((y.spent for y in self.years), ZERO)

    @property
    def available(self) -> Decimal:
        return sum((pool.available for pool in self.pools), ZERO)


def fund_overview(session: Session, today: dt.date) -> FundOverview:
    with_receivables = counts_receivables(session)
    receivable = next(
        (row.balance for row in trial_balance(session).rows if row.code == RECEIVABLE),
        ZERO,
    )
    return FundOverview(
        years=fund_years(session, today, with_receivables=with_receivables),
        pools=list(availability(session, with_receivables=with_receivables).values()),
        outstanding=receivable,
    )


def fund_years(session: Session, today: dt.date, *, with_receivables: bool) -> list[FundYear]:
    """Every fiscal year from the first with any activity to the current one."""
    flows: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for key, query in _yearly_queries().items():
        for year, total in session.execute(query):
            flows[key][int(year)] += total if total is not None else ZERO
    ledger = yearly_movements(session, [*CASH_ACCOUNTS, RECEIVABLE, ADVANCES, EXPENDITURE])
    money_accounts = {*CASH_ACCOUNTS, *((RECEIVABLE,) if with_receivables else ())}
    for (code, kind, year), total in ledger.items():
        if code in money_accounts:
            flows["money"][year] += total
        if code == RECEIVABLE:
            flows["receivable"][year] += total
        elif code == ADVANCES and kind == EntryKind.DISBURSEMENT:
            flows["disbursed"][year] += total
        elif code == EXPENDITURE:
            flows["spent"][year] += total
    seen = [year for figures in flows.values() for year in figures]
    if not seen:
        return []
    committed = _commitments_at_year_ends(session, range(min(seen), max(today.year, *seen) + 1))
    years = []
    money = outstanding = ZERO
    for year in range(min(seen), max(today.year, *seen) + 1):
        money += flows["money"][year]
        outstanding += flows["receivable"][year]
        years.append(
            FundYear(
                year=year,
                pledged=flows["pledged"][year] - flows["reduced"][year],
                received=flows["received"][year],
                outstanding=outstanding,
                allocated=flows["allocated"][year],
                disbursed=flows["disbursed"][year],
                spent=flows["spent"][year],
                available=money - committed[year],
            )
        )
    return years


def _yearly_queries() -> dict[str, Any]:
    """Year → total for the figures that come from the contribution and decision records."""
    approvals = AllocationEvent.action == "approve"
    return {
        "pledged": select(year_of(Pledge.pledge_date), func.sum(Pledge.usd_amount))
        .group_by(year_of(Pledge.pledge_date)),
        "reduced": select(year_of(PledgeReduction.reduction_date),
                          func.sum(PledgeReduction.usd_amount))
        .group_by(year_of(PledgeReduction.reduction_date)),
        "received": select(year_of(Receipt.value_date),
                           func.sum(Receipt.usd_amount + Receipt.usd_charges))
        .group_by(year_of(Receipt.value_date)),
        "allocated": select(year_of(AllocationEvent.on), func.sum(AllocationEvent.amount))
        .where(approvals).group_by(year_of(AllocationEvent.on)),
    }  # fmt: skip


def _commitments_at_year_ends(session: Session, years: range) -> dict[int, Decimal]:
    """What approved allocations had reserved and not yet drawn at the end of each year:
    approved by then, not closed by then, committed less advances and indirect costs
    paid up to then."""
    events = session.execute(
        select(AllocationEvent.allocation_id, AllocationEvent.action, AllocationEvent.on)
        .where(AllocationEvent.action.in_(["approve", "close"]))
    )  # fmt: skip
    approved: dict[int, dt.date] = {}
    closed: dict[int, dt.date] = {}
    for allocation_id, action, on in events:
        if on is not None:
            (approved if action == "approve" else closed)[allocation_id] = on
    committed = dict(
        session.execute(
            select(AllocationPool.allocation_id, func.sum(AllocationPool.committed))
            .group_by(AllocationPool.allocation_id)
        ).all()
    )  # fmt: skip
    drawn: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (allocation_id, _donor_id, _earmark, year), total in draws(session).items():
        drawn[allocation_id][year] += total
    result: dict[int, Decimal] = {}
    for year in years:
        end = dt.date(year, 12, 31)
        result[year] = sum(
            (
                committed.get(allocation_id, ZERO)
                - sum((v for y, v in drawn[allocation_id].items() if y <= year), ZERO)
                for allocation_id, on in approved.items()
                if on <= end and not (allocation_id in closed and closed[allocation_id] <= end)
            ),
            ZERO,
        )
    return result


@dataclass(frozen=True, slots=True)
class Tasks:
    """Work waiting for the Secretariat."""

    #: Sent back by the CAJP for revision.
    returned: Sequence[Allocation]
    #: Proposed but not yet submitted to the CAJP.
    drafts: Sequence[Allocation]
    #: Approved by the CAJP, nothing paid to the organ yet.
    to_disburse: Sequence[Allocation]
    #: Their period is over and the organ still holds advances it has not accounted for.
    reports_due: Sequence[Allocation]
    #: Donors with pledge instalments past their due date.
    overdue: Sequence[AgeingRow]
    #: Progress reports due and not received (:mod:`fundledger.progress.due`).
    progress_due: Sequence[Due]
    #: Money donors paid beyond their pledges, not yet applied or refunded (2100).
    unapplied_credit: Decimal
    #: Past fiscal years with postings that are still open.
    years_to_close: Sequence[int]

    @property
    def count(self) -> int:
        return (len(self.returned) + len(self.drafts) + len(self.to_disburse)
                + len(self.reports_due) + len(self.overdue) + len(self.years_to_close)
                + len(self.progress_due)
                + (1 if self.unapplied_credit else 0))  # fmt: skip


def secretariat_tasks(session: Session, today: dt.date) -> Tasks:
    waiting = (State.DRAFT, State.RETURNED, State.APPROVED, State.DISBURSED, State.REPORTED)
    found: dict[str, list[Allocation]] = defaultdict(list)
    for allocation in session.scalars(
        select(Allocation)
        .options(selectinload(Allocation.pools))
        .where(Allocation.state.in_([str(state) for state in waiting]))
        .order_by(Allocation.id)
    ):
        found[allocation.state].append(allocation)
    reports_due = [
        allocation
        for allocation in found[State.DISBURSED] + found[State.REPORTED]
        if allocation.period_end < today and sum((p.unspent for p in allocation.pools), ZERO) > 0
    ]
    unapplied = next(
        (row.balance for row in trial_balance(session).rows if row.code == UNAPPLIED),
        ZERO,
    )
    return Tasks(
        returned=found[State.RETURNED],
        drafts=found[State.DRAFT],
        to_disburse=found[State.APPROVED],
        reports_due=sorted(reports_due, key=lambda a: a.id),
        overdue=[row for row in ageing(session, today) if any(row.overdue.values())],
        progress_due=overdue_progress(session, today),
        unapplied_credit=-unapplied,
        years_to_close=_open_past_years(session, today),
    )


def _open_past_years(session: Session, today: dt.date) -> list[int]:
    first = first_day(session)
    if first is None:
        return []
    closed = set(session.scalars(select(FiscalPeriod.year).filter_by(closed=True)))
    return [year for year in range(first.year, today.year) if year not in closed]


# --- the CAJP --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CajpOverview:
    queue: Sequence[QueueItem]
    pools: Sequence[Availability]
    #: Work plans proposed and awaiting the CAJP's decision.
    work_plans: int

    @property
    def available(self) -> Decimal:
        return sum((pool.available for pool in self.pools), ZERO)


def cajp_overview(session: Session) -> CajpOverview:
    pools = availability(session, with_receivables=counts_receivables(session))
    proposed = [budget for budget in budgets(session) if budget.status == "proposed"]
    return CajpOverview(cajp_queue(session), list(pools.values()), len(proposed))


# --- a donor ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DonorOverview:
    donor: Donor
    position: DonorPosition
    #: Each of the donor's earmarks with the allocations it funded, up to today.
    earmarks: Sequence[PoolUse]


def donor_overview(session: Session, donor: Donor, today: dt.date) -> DonorOverview:
    """Everything here is the one donor's: its position and its own earmarks."""
    return DonorOverview(
        donor=donor,
        position=donor_position(session, donor),
        earmarks=earmarked_pools(
            session, donor, dt.date.min, today, with_receivables=counts_receivables(session)
        ),
    )


# --- the auditor -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LatestVerification:
    """The newest recorded run of the ledger checks, and how far the ledger has moved."""

    occurred_at: dt.datetime
    actor: str
    outcome: Outcome
    #: Entries appended after the ones that run checked: not yet verified.
    appended_since: int


@dataclass(frozen=True, slots=True)
class AuditOverview:
    #: The latest recorded verification; None if the ledger was never verified.
    verification: LatestVerification | None
    latest: Sequence[AuditEvent]


def audit_overview(session: Session) -> AuditOverview:
    events = event_page(session, AuditFilter(), page=1, per_page=LATEST_EVENTS).items
    return AuditOverview(latest_verification(session), events)


def latest_verification(session: Session) -> LatestVerification | None:
    """What the last run of the checks found, read from its audit event (by the action
    index) rather than recomputed: verifying reads the whole ledger."""
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == VERIFIED)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    outcome = Outcome.from_event(event)
    last_number = session.scalar(select(LedgerHead.last_number)) or 0
    return LatestVerification(
        occurred_at=event.occurred_at,
        actor=event.actor,
        outcome=outcome,
        appended_since=max(last_number - outcome.last_number, 0),
    )
