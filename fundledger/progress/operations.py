"""Recording, submitting and reviewing progress reports (writers: they flush, the caller
commits). Every refusal is raised before anything is added to the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation, State
from fundledger.audit.operations import record
from fundledger.clock import today
from fundledger.errors import Term
from fundledger.i18n import N_
from fundledger.inputs import one_line, text_problem
from fundledger.program.models import ActivityObjective
from fundledger.progress.errors import NotAllowed, ProgressError
from fundledger.progress.models import ProgressReport, ProgressResult
from fundledger.progress.transitions import next_state

#: The allocations a report can be on: the CAJP approved them (money may have flowed).
REPORTABLE = (State.APPROVED, State.DISBURSED, State.REPORTED, State.CLOSED)
#: Longest narrative kept, indicator and unit.
MAX_NARRATIVE, MAX_INDICATOR, MAX_UNIT = 20_000, 500, 40
#: A baseline, target or actual fits NUMERIC(18, 4).
_LIMIT = Decimal(10) ** 14


@dataclass(frozen=True, slots=True)
class ResultInput:
    """One indicator's figures, all in ``unit``: one unit per row, so a target cannot be
    in another unit than the actual."""

    objective: int
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal
    actual: Decimal


def record_report(
    session: Session,
    actor: Actor,
    allocation: Allocation,
    *,
    period_start: dt.date,
    period_end: dt.date,
    narrative: str,
    results: Sequence[ResultInput],
) -> ProgressReport:
    """A draft report on ``allocation`` for the period, on behalf of the organ."""
    if allocation.state not in REPORTABLE:
        raise ProgressError(
            N_("allocation #%(id)s is %(state)s: progress is reported on an approved "
               "allocation"), id=allocation.id, state=allocation.state,
        )  # fmt: skip
    _check_period(allocation, period_start, period_end)
    text = _narrative(narrative)
    rows = _results(session, allocation, results)
    report = ProgressReport(
        allocation_id=allocation.id, period_start=period_start, period_end=period_end,
        narrative=text, state="draft", recorded_by=actor.name,
        recorded_at=dt.datetime.now(dt.UTC), results=rows,
    )  # fmt: skip
    session.add(report)
    session.flush()
    record(session, actor, "progress.recorded", "progress_report", report.id,
           after={"allocation": allocation.id, "period": f"{period_start}/{period_end}",
                  "results": len(rows)})  # fmt: skip
    return report


def submit_report(session: Session, actor: Actor, report: ProgressReport) -> ProgressReport:
    """The draft becomes the organ's report: the CAJP and the donors concerned see it."""
    state = next_state(report.id, report.state, "submit")
    report.state, report.submitted_by = state, actor.name
    report.submitted_at = dt.datetime.now(dt.UTC)
    record(session, actor, "progress.submitted", "progress_report", report.id,
           before={"state": "draft"}, after={"state": str(state)})  # fmt: skip
    return report


def review_report(session: Session, actor: Actor, report: ProgressReport) -> ProgressReport:
    """The Secretariat has checked the submitted report. Maker–checker, as for
    allocations: the reviewer is another person than the one who submitted it."""
    state = next_state(report.id, report.state, "review")
    if actor.name == report.submitted_by:
        raise NotAllowed(
            N_("%(who)s submitted progress report #%(id)s: another person reviews it"),
            who=actor.name, id=report.id,
        )  # fmt: skip
    report.state, report.reviewed_by = state, actor.name
    report.reviewed_at = dt.datetime.now(dt.UTC)
    record(session, actor, "progress.reviewed", "progress_report", report.id,
           before={"state": "submitted"}, after={"state": str(state)})  # fmt: skip
    return report


def _check_period(allocation: Allocation, start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ProgressError(N_("the period ends on %(end)s, before it starts on %(start)s"),
                            start=start, end=end)  # fmt: skip
    if start < allocation.period_start or end > allocation.period_end:
        raise ProgressError(
            N_("the period %(start)s – %(end)s is not within the allocation's, %(first)s – "
               "%(last)s"),
            start=start, end=end, first=allocation.period_start, last=allocation.period_end,
        )  # fmt: skip
    if allocation.state == State.CLOSED and end > today():
        raise ProgressError(
            N_("allocation #%(id)s is closed: there is no progress to report after "
               "%(today)s"), id=allocation.id, today=today(),
        )  # fmt: skip


def _narrative(value: str) -> str:
    text = (value or "").strip()
    what = Term(N_("the narrative"))
    problem = text_problem(text, single_line=False)
    if problem is not None:
        raise ProgressError(N_("%(what)s %(problem)s"), what=what, problem=problem)
    if not text:
        raise ProgressError(N_("%(what)s is required"), what=what)
    if len(text) > MAX_NARRATIVE:
        raise ProgressError(N_("%(what)s is longer than %(limit)s characters"), what=what,
                            limit=MAX_NARRATIVE)  # fmt: skip
    return text


def _results(
    session: Session, allocation: Allocation, given: Sequence[ResultInput]
) -> list[ProgressResult]:
    if not given:
        raise ProgressError(N_("a progress report gives at least one result against an "
                               "objective"))  # fmt: skip
    served = set(session.scalars(
        select(ActivityObjective.objective_number)
        .where(ActivityObjective.activity_number == allocation.activity_number)
    ))  # fmt: skip
    rows = []
    for position, result in enumerate(given, start=1):
        if result.objective not in served:
            raise ProgressError(
                N_("activity %(activity)s does not serve specific objective %(objective)s "
                   "(it serves %(served)s)"),
                activity=allocation.activity_number, objective=result.objective,
                served=", ".join(str(n) for n in sorted(served)) or "-",
            )  # fmt: skip
        indicator = one_line(result.indicator, Term(N_("the indicator")), MAX_INDICATOR,
                             ProgressError)  # fmt: skip
        if indicator is None:
            raise ProgressError(N_("result %(n)s has no indicator"), n=position)
        unit = one_line(result.unit, Term(N_("the unit")), MAX_UNIT, ProgressError)
        if unit is None:
            raise ProgressError(
                N_("the indicator “%(indicator)s” has no unit: say what its baseline, target "
                   "and actual count (people, workshops, per cent…)"), indicator=indicator,
            )  # fmt: skip
        for name, value in (("baseline", result.baseline), ("target", result.target),
                            ("actual", result.actual)):  # fmt: skip
            _check_figure(indicator, name, value)
        rows.append(ProgressResult(
            position=position, objective_number=result.objective, indicator=indicator,
            unit=unit, baseline=result.baseline, target=result.target, actual=result.actual,
        ))  # fmt: skip
    return rows


def _check_figure(indicator: str, name: str, value: Decimal) -> None:
    if (not isinstance(value, Decimal) or not value.is_finite() or abs(value) >= _LIMIT
            or value.as_tuple().exponent < -4):  # type: ignore[operator]  # fmt: skip
        raise ProgressError(
            N_("the %(name)s of “%(indicator)s” is not a number with at most four decimals: "
               "%(value)s"), name=name, indicator=indicator, value=str(value)[:40],
        )  # fmt: skip
