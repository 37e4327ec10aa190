"""The demo's progress reports: for each approved allocation, one report for each piece of
its period (see :mod:`fundledger.progress.due`) that ends in the last two years the story
has seen the end of; reviewed by the second Secretariat officer, the very last one left
submitted. Fixed figures, no random draw, recorded after everything else so that the rest
of the demo is the same with or without them. The earlier years' reports are not there:
the Secretariat's home page shows them overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation
from fundledger.program.models import ActivityObjective
from fundledger.progress.due import period_ends
from fundledger.progress.operations import (
    REPORTABLE,
    ResultInput,
    record_report,
    review_report,
    submit_report,
)


def record_progress(session: Session, writer: Actor, reviewer: Actor, until: dt.date) -> int:
    """The reports of the two last years ended by ``until``; how many were recorded."""
    last = until.year if until == dt.date(until.year, 12, 31) else until.year - 1
    years = range(last - 1, last + 1)
    recorded = []
    for allocation in session.scalars(
        select(Allocation).where(Allocation.state.in_(REPORTABLE)).order_by(Allocation.id)
    ):
        objective = session.scalar(
            select(ActivityObjective.objective_number)
            .where(ActivityObjective.activity_number == allocation.activity_number)
            .order_by(ActivityObjective.objective_number).limit(1)
        )  # fmt: skip
        if objective is None:
            continue
        start = allocation.period_start
        for end in period_ends(allocation.period_start, allocation.period_end):
            if end.year in years:
                report = record_report(
                    session, writer, allocation, period_start=start, period_end=end,
                    narrative=f"Activity {allocation.activity_number}: what "
                              f"{allocation.organ_code} did from {start} to {end}.",
                    results=[ResultInput(objective, "People reached by the activity",
                                         "people", Decimal(0), Decimal(200),
                                         Decimal(150 + 10 * (allocation.id % 7)))],
                )  # fmt: skip
                submit_report(session, writer, report)
                recorded.append(report)
            start = end + dt.timedelta(days=1)
    for report in recorded[:-1]:
        review_report(session, reviewer, report)
    return len(recorded)
