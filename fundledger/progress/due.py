"""When progress reports are due, and which are overdue.

The rule: an allocation's period is cut at each 31 December; for each piece one report is
due :data:`DAYS_AFTER` days after the piece ends. A one-year allocation owes one report,
60 days after its period ends; a multi-year one owes one a year and a last one after its
end. A due report is *received* when a submitted or reviewed report's period includes the
piece's last day. Only approved allocations (money may have flowed) owe reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations.models import Allocation
from fundledger.clock import today
from fundledger.progress.models import ProgressReport, ReportState
from fundledger.progress.operations import REPORTABLE

DAYS_AFTER = 60


@dataclass(frozen=True, slots=True)
class Due:
    allocation_id: int
    activity_number: int
    organ_code: str
    #: The last day the report covers, and the day it is due.
    period_end: dt.date
    due_on: dt.date
    received: bool

    def overdue(self, on: dt.date) -> bool:
        return not self.received and self.due_on < on


def period_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of each piece of the period ``start``–``end`` cut at 31 December."""
    return [min(dt.date(year, 12, 31), end) for year in range(start.year, end.year + 1)]


def dues(session: Session, allocation_ids: Iterable[int] | None = None) -> list[Due]:
    """Every report owed by the approved allocations (or those named), oldest due first."""
    query = select(Allocation).where(Allocation.state.in_(REPORTABLE))
    if allocation_ids is not None:
        query = query.where(Allocation.id.in_(list(allocation_ids)))
    allocations = session.scalars(query).all()
    covered: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for report in session.scalars(
        select(ProgressReport).where(
            ProgressReport.state.in_((ReportState.SUBMITTED, ReportState.REVIEWED)),
            ProgressReport.allocation_id.in_([a.id for a in allocations]),
        )
    ):
        covered.setdefault(report.allocation_id, []).append(
            (report.period_start, report.period_end)
        )
    found = [
        Due(a.id, a.activity_number, a.organ_code, last, last + dt.timedelta(DAYS_AFTER),
            any(s <= last <= e for s, e in covered.get(a.id, ())))
        for a in allocations
        for last in period_ends(a.period_start, a.period_end)
    ]  # fmt: skip
    return sorted(found, key=lambda d: (d.due_on, d.allocation_id))


def overdue(session: Session, on: dt.date | None = None) -> Sequence[Due]:
    """The reports due before ``on`` (today) and not received."""
    day = on or today()
    return [d for d in dues(session) if d.overdue(day)]
