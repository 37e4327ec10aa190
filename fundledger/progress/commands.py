"""``fundledger progress``: record, submit, review and list progress reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import click

from fundledger.cli.tools import (
    AS_USER,
    FORMAT,
    ID,
    TEXT,
    Output,
    acting_as,
    database,
    date_option,
    emit,
)
from fundledger.progress.operations import ResultInput

_RESULT_HELP = ("One result, repeatable: 'OBJECTIVE;INDICATOR;UNIT;BASELINE;TARGET;ACTUAL', "
                "e.g. '3;Judges trained;people;0;40;35'.")  # fmt: skip


def _parse_results(
    _ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> list[ResultInput]:
    from fundledger.money import InvalidAmount, parse_decimal

    parsed = []
    for value in values:
        parts = [p.strip() for p in value.split(";")]
        if len(parts) != 6 or not parts[0].isdigit() or len(parts[0]) > 3:
            raise click.BadParameter(
                f"{value[:80]!r} is not OBJECTIVE;INDICATOR;UNIT;BASELINE;TARGET;ACTUAL",
                param=param,
            )
        try:
            figures = [parse_decimal(p, what=name) for p, name in
                       zip(parts[3:], ("baseline", "target", "actual"), strict=True)]  # fmt: skip
        except InvalidAmount as error:
            raise click.BadParameter(str(error), param=param) from None
        parsed.append(ResultInput(int(parts[0]), parts[1], parts[2], *figures))
    return parsed


@click.group()
def progress() -> None:
    """Progress reports on allocations, against the Program's specific objectives."""


@progress.command("add")
@click.option("--allocation", "allocation_id", type=ID, required=True, help="The allocation.")
@date_option("--from", "period_start", help="First day the report covers.", required=True)
@date_option("--to", "period_end", help="Last day the report covers.", required=True)
@click.option("--narrative", type=TEXT, required=True, help="What the organ did.")
@click.option("--result", "results", multiple=True, callback=_parse_results, help=_RESULT_HELP)
@AS_USER
def progress_add(allocation_id: int, period_start: dt.date, period_end: dt.date,
                 narrative: str, results: list[ResultInput], as_email: str) -> None:  # fmt: skip
    """Record a draft progress report on behalf of the organ; prints its id."""
    from fundledger.allocations.models import Allocation
    from fundledger.errors import NotFound
    from fundledger.progress.operations import record_report

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        allocation = session.get(Allocation, allocation_id)
        if allocation is None:
            raise NotFound(f"there is no allocation {allocation_id}")
        report = record_report(
            session, actor, allocation, period_start=period_start, period_end=period_end,
            narrative=narrative, results=results,
        )  # fmt: skip
        click.echo(report.id)


def _step(report_id: int, as_email: str, action: str) -> None:
    from fundledger.errors import NotFound
    from fundledger.progress import operations
    from fundledger.progress.models import ProgressReport

    with database().transaction() as session:
        actor = acting_as(session, as_email, "secretariat")
        report = session.get(ProgressReport, report_id)
        if report is None:
            raise NotFound(f"there is no progress report {report_id}")
        step = operations.submit_report if action == "submit" else operations.review_report
        step(session, actor, report)


@progress.command("submit")
@click.argument("report_id", type=ID)
@AS_USER
def progress_submit(report_id: int, as_email: str) -> None:
    """Submit a draft report: the CAJP and the donors concerned see it."""
    _step(report_id, as_email, "submit")


@progress.command("review")
@click.argument("report_id", type=ID)
@AS_USER
def progress_review(report_id: int, as_email: str) -> None:
    """Mark a submitted report reviewed (by another person than its submitter)."""
    _step(report_id, as_email, "review")


@progress.command("list")
@click.option("--allocation", "allocation_id", type=ID, help="Only this allocation's.")
@click.option("--state", type=click.Choice(["draft", "submitted", "reviewed"]), help="Only these.")
@click.option("--overdue", is_flag=True, help="The reports due and not received instead.")
@FORMAT
def progress_list(allocation_id: int | None, state: str | None, overdue: bool,
                  output_format: Output) -> None:  # fmt: skip
    """Progress reports, latest period first; or, with --overdue, those not received."""
    from fundledger.listing import ListArgs, ordered
    from fundledger.progress.due import overdue as overdue_reports
    from fundledger.progress.queries import REPORT_SORTS, reports_query

    with database().session() as session:
        if overdue:
            late = [d for d in overdue_reports(session)
                    if allocation_id is None or d.allocation_id == allocation_id]  # fmt: skip
            emit(("allocation", "activity", "organ", "period_end", "due_on"),
                 [(d.allocation_id, d.activity_number, d.organ_code, d.period_end, d.due_on)
                  for d in late], output_format, numeric=(0, 1))  # fmt: skip
            return
        query = ordered(reports_query(allocation=allocation_id, state=state), REPORT_SORTS,
                        ListArgs("period", descending=True))  # fmt: skip
        rows = [(r.id, r.allocation_id, r.period_start, r.period_end, r.state, len(r.results),
                 r.submitted_by or "", r.reviewed_by or "")
                for r in session.scalars(query)]  # fmt: skip
    emit(("id", "allocation", "from", "to", "state", "results", "submitted_by", "reviewed_by"),
         rows, output_format, numeric=(0, 1, 5))  # fmt: skip
