"""The public page's figures, gathered from the readers that already compute each one: the
fund's totals and years from the Secretariat's dashboard (:func:`fund_overview`), the
contributions by donor, the lines by activity, organ and objective and the CAJP's decisions
from the fund statement (:mod:`fundledger.reporting.fund_data`), and each allocation's
disbursed and spent from the allocation itself, as its page shows them.

What is published: contributions by donor (DESIGN §2), never a donor's contact, pledge
details, statements or pools. The figures change only when the books do, so they are read
once per state of the books (:func:`books_state`) and kept (:class:`BooksCache`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.allocations.execution import BudgetFigures, budget_by_activity, regroup
from fundledger.allocations.models import Allocation
from fundledger.audit.models import AuditEvent
from fundledger.dashboards.queries import FundOverview, fund_overview
from fundledger.donors.models import Donor, name_in
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.periods import fiscal_year
from fundledger.program.models import Activity
from fundledger.program.queries import crossref
from fundledger.reporting.figures import ZERO
from fundledger.reporting.fund_data import DonorContribution, contributions, decisions

T = TypeVar("T")


#: What the public sees of a donor that chose to be anonymous (a donor setting).
ANONYMOUS = "Anonymous donor"


@dataclass(frozen=True, slots=True)
class PublicContribution:
    """A donor's contributions in a year as published. The donors that chose to be
    anonymous are one row, with neither code, name nor type."""

    #: None for the anonymous donors and for revenue of no donor.
    code: str | None
    #: The donor's main name; :data:`ANONYMOUS` for the anonymous donors, "" for no donor.
    name: str
    names: Mapping[str, str] | None
    type: str | None
    anonymous: bool
    recognised: Decimal
    received: Decimal
    outstanding: Decimal

    def name_in(self, language: str) -> str:
        return name_in(self.name, self.names, language)


@dataclass(frozen=True, slots=True)
class YearContributions:
    """The donors' contributions in one fiscal year, as on the fund statement."""

    year: int
    donors: tuple[PublicContribution, ...]


@dataclass(frozen=True, slots=True)
class ApprovedAllocation:
    """An allocation the CAJP approved, with its decision and what it has paid and spent."""

    decided_on: dt.date
    #: The CAJP document recording the decision, e.g. CP/CAJP-2450/06.
    reference: str
    allocation: int
    activity: int
    activity_title: str
    organ: str
    #: The specific objectives the activity serves (Appendix I).
    objectives: tuple[int, ...]
    approved: Decimal
    #: Advances paid to the organ so far (:attr:`Allocation.disbursed`).
    disbursed: Decimal
    #: Expenditure the organ reported so far (:attr:`Allocation.spent`).
    spent: Decimal


@dataclass(frozen=True, slots=True)
class PublicFigures:
    #: The fund's totals and its figures by fiscal year, as on the Secretariat's dashboard.
    fund: FundOverview
    #: Newest year first.
    contributions: tuple[YearContributions, ...]
    #: In the order the CAJP approved them.
    allocations: tuple[ApprovedAllocation, ...]
    #: Budget, allocated, disbursed and spent over all the fund's years.
    by_activity: tuple[BudgetFigures, ...]
    by_organ: tuple[BudgetFigures, ...]
    by_objective: tuple[BudgetFigures, ...]


def public_figures(session: Session, today: dt.date) -> PublicFigures:
    fund = fund_overview(session, today)
    anonymous = set(session.scalars(select(Donor.code).where(Donor.anonymous)))
    years = [year.year for year in fund.years]
    per_activity = []
    if years:
        start, end = fiscal_year(years[0])[0], fiscal_year(years[-1])[1]
        per_activity = budget_by_activity(session, range(years[0], years[-1] + 1), start, end)
    return PublicFigures(
        fund=fund,
        contributions=tuple(
            YearContributions(year, published(contributions(session, year), anonymous))
            for year in reversed(years)
        ),
        allocations=tuple(approved_allocations(session, today)),
        by_activity=tuple(per_activity),
        by_organ=tuple(regroup(session, per_activity, "organ")),
        by_objective=tuple(regroup(session, per_activity, "objective")),
    )


def published(rows: list[DonorContribution], anonymous: set[str]
              ) -> tuple[PublicContribution, ...]:  # fmt: skip
    """The fund statement's ``rows`` as published: the donors whose codes are in
    ``anonymous`` added up in one row after the named ones (and before revenue of no
    donor), so the totals stay whole and nothing tells them apart."""
    named = [row for row in rows if row.code is None or row.code not in anonymous]
    hidden = [row for row in rows if row.code is not None and row.code in anonymous]
    shown = [
        PublicContribution(row.code, row.name, row.names, row.type, False, row.recognised,
                           row.received, row.outstanding)
        for row in named
    ]  # fmt: skip
    if hidden:
        together = PublicContribution(
            None, ANONYMOUS, None, None, True, sum((r.recognised for r in hidden), ZERO),
            sum((r.received for r in hidden), ZERO), sum((r.outstanding for r in hidden), ZERO),
        )  # fmt: skip
        place = len(shown) - 1 if shown and shown[-1].code is None else len(shown)
        shown.insert(place, together)
    return tuple(shown)


def approved_allocations(session: Session, today: dt.date) -> list[ApprovedAllocation]:
    """Every approval of the CAJP up to ``today`` (the fund statement's decisions of all
    years), with the allocation's activity, objectives and what it has paid and spent."""
    approvals = [d for d in decisions(session, dt.date.min, today) if d.decision == "approve"]
    found = session.scalars(
        select(Allocation).where(Allocation.id.in_([d.allocation for d in approvals]))
    )
    allocations = {allocation.id: allocation for allocation in found}
    titles = dict(session.execute(select(Activity.number, Activity.title)).all())
    serves: dict[int, list[int]] = defaultdict(list)
    for activity, objective in crossref(session):
        serves[activity].append(objective)
    return [
        ApprovedAllocation(
            decided_on=decision.on,
            reference=decision.reference,
            allocation=decision.allocation,
            activity=decision.activity,
            activity_title=titles[decision.activity],
            organ=decision.organ,
            objectives=tuple(serves[decision.activity]),
            approved=decision.approved if decision.approved is not None else Decimal(0),
            disbursed=allocations[decision.allocation].disbursed,
            spent=allocations[decision.allocation].spent,
        )
        for decision in approvals
    ]


def books_state(session: Session) -> tuple[int, int]:
    """What changes whenever a published figure may: the newest journal entry (money) and
    the newest audit event (every other change — a CAJP decision, a work plan, a donor's
    name — records one)."""
    entry, event = session.execute(
        select(
            select(func.max(JournalEntry.id)).scalar_subquery(),
            select(func.max(AuditEvent.id)).scalar_subquery(),
        )
    ).one()
    return (entry or 0, event or 0)


class BooksCache:
    """What is published, kept for the latest state of the books and read again only when
    it moves (or the day changes: the years run to today's). One per application."""

    def __init__(self) -> None:
        #: Re-entrant: a value may be built from another (the page from the figures).
        self._lock = threading.RLock()
        self._kept: dict[str, tuple[object, Any]] = {}

    def get(self, session: Session, today: dt.date, name: str,
            build: Callable[[Session, dt.date], T]) -> T:  # fmt: skip
        """``name``'s value for the books as they stand, from ``build`` if not kept."""
        key = (books_state(session), today)
        kept = self._kept.get(name)
        if kept is None or kept[0] != key:
            with self._lock:  # one reader at a time; the others then find its value
                kept = self._kept.get(name)
                if kept is None or kept[0] != key:
                    kept = self._kept[name] = (key, build(session, today))
        value: T = kept[1]
        return value
