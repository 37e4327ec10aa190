"""Progress reports: recorded for the organ, submitted, reviewed by another person; every
refusal writes nothing; the due rule and the overdue list; the command line; the
migration (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fundledger.allocations import operations as ops
from fundledger.allocations.models import Allocation
from fundledger.audit.models import AuditEvent
from fundledger.clock import today
from fundledger.db import Database
from fundledger.progress.due import dues, overdue, period_ends
from fundledger.progress.errors import IllegalTransition, NotAllowed, ProgressError
from fundledger.progress.models import ProgressReport, ProgressResult
from fundledger.progress.operations import (
    ResultInput,
    record_report,
    review_report,
    submit_report,
)
from fundledger.setup import migrate
from fundledger.setup.registry import register_all
from tests.integration.test_allocations import (
    CAJP,
    COLLEAGUE,
    SECRETARIAT,
    day,
    mexico_pays_50000_for_activity_5,
    propose,
)

D = Decimal
Run = Callable[..., Result]
TRAINED = ResultInput(3, "Judges trained in access to justice", "people", D(0), D(40), D(35))


def approved(session: Session, start: str = "2025-03-01", end: str = "2025-12-31") -> Allocation:
    """The CAJP approves 40,000 for activity 5 (it serves objectives 3, 4 and 13)."""
    mexico_pays_50000_for_activity_5(session)
    if (start, end) == ("2025-03-01", "2025-12-31"):
        allocation = propose(session, 5, "40000", "MEX/activity:5")
    else:
        allocation = ops.propose_allocation(
            session, SECRETARIAT, activity=5, amount=D(40000), purpose="Research",
            period_start=day(start), period_end=day(end), pools=["MEX/activity:5"],
        )  # fmt: skip
    ops.submit_allocation(session, SECRETARIAT, allocation)
    ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-03-18"),
                          reference="CP/CAJP-0000/25")  # fmt: skip
    return allocation


def report(session: Session, allocation: Allocation, **given: object) -> ProgressReport:
    fields: dict[str, object] = {
        "period_start": day("2025-03-01"), "period_end": day("2025-12-31"),
        "narrative": "Two workshops held in Lima.", "results": [TRAINED],
    }  # fmt: skip
    return record_report(session, SECRETARIAT, allocation, **{**fields, **given})  # type: ignore[arg-type]


def test_a_report_is_recorded_submitted_and_reviewed_by_another_person(
    database: Database,
) -> None:
    with database.transaction() as session:
        allocation = approved(session)
        draft = report(session, allocation, results=[
            TRAINED, ResultInput(13, "Share of women among them", "per cent", D(30), D(50),
                                 D("52.5"))])  # fmt: skip
        assert (draft.state, [r.unit for r in draft.results]) == ("draft", ["people", "per cent"])
        with pytest.raises(IllegalTransition, match="is draft: it cannot review"):
            review_report(session, COLLEAGUE, draft)
        submit_report(session, SECRETARIAT, draft)
        with pytest.raises(IllegalTransition, match="is submitted: it cannot submit"):
            submit_report(session, SECRETARIAT, draft)
        with pytest.raises(NotAllowed, match="another person reviews it"):
            review_report(session, SECRETARIAT, draft)
        review_report(session, COLLEAGUE, draft)
        assert (draft.state, draft.submitted_by, draft.reviewed_by) == (
            "reviewed",
            SECRETARIAT.name,
            COLLEAGUE.name,
        )
        with pytest.raises(IllegalTransition, match=r"\(possible: -\)"):
            review_report(session, COLLEAGUE, draft)
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "progress_report")
            .order_by(AuditEvent.id)
        ).all()  # fmt: skip
        assert actions == ["progress.recorded", "progress.submitted", "progress.reviewed"]
        actual = session.scalars(select(ProgressResult.actual).order_by(ProgressResult.position))
        assert list(actual) == [D(35), D("52.5")]


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ({"results": [ResultInput(3, "Judges trained", " ", D(0), D(40), D(35))]},
         "“Judges trained” has no unit"),
        ({"results": [ResultInput(1, "Laws passed", "laws", D(0), D(1), D(1))]},
         "activity 5 does not serve specific objective 1 (it serves 3, 4, 13)"),
        ({"results": []}, "at least one result"),
        ({"results": [ResultInput(3, "Judges", "people", D(0), D("0.00001"), D(1))]},
         "the target of “Judges” is not a number with at most four decimals"),
        ({"narrative": "  \n "}, "the narrative is required"),
        ({"period_start": day("2025-01-01")}, "is not within the allocation's"),
        ({"period_end": day("2025-02-01")}, "ends on 2025-02-01, before it starts"),
    ],
)  # fmt: skip
def test_bad_reports_are_refused_and_nothing_is_written(
    database: Database, given: dict[str, object], refusal: str
) -> None:
    with database.transaction() as session:
        allocation = approved(session)
    with database.transaction() as session:
        allocation = session.get_one(Allocation, allocation.id)
        audited = session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(ProgressError, match=re.escape(refusal)):
            report(session, allocation, **given)
        assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == audited


def test_a_draft_allocation_or_a_closed_ones_future_are_refused(database: Database) -> None:
    with database.transaction() as session:
        mexico_pays_50000_for_activity_5(session)
        draft = propose(session, 5, "1000", "MEX/activity:5")
        with pytest.raises(ProgressError, match="is draft: progress is reported on an approved"):
            report(session, draft)
    with database.transaction() as session:
        allocation = ops.propose_allocation(
            session, SECRETARIAT, activity=5, amount=D(1000), purpose="Research",
            period_start=day("2025-03-01"), period_end=today() + dt.timedelta(days=400),
            pools=["MEX/activity:5"],
        )  # fmt: skip
        ops.submit_allocation(session, SECRETARIAT, allocation)
        ops.decide_allocation(session, CAJP, allocation, decision="approve",
                              on=day("2025-03-18"), reference="CP/CAJP-1/25")  # fmt: skip
        ops.close_allocation(session, CAJP, allocation, on=today())
        with pytest.raises(ProgressError, match="is closed: there is no progress to report"):
            report(session, allocation, period_end=today() + dt.timedelta(days=1))
        assert report(session, allocation, period_end=today()).state == "draft"


def test_one_report_is_due_a_year_and_60_days_after_each_piece(database: Database) -> None:
    assert period_ends(day("2024-07-01"), day("2026-03-31")) == [
        day("2024-12-31"), day("2025-12-31"), day("2026-03-31")]  # fmt: skip
    assert period_ends(day("2025-03-01"), day("2025-12-31")) == [day("2025-12-31")]
    with database.transaction() as session:
        allocation = approved(session)
        (due,) = dues(session)
        assert (due.allocation_id, due.due_on) == (allocation.id, day("2026-03-01"))
        assert not due.overdue(day("2026-03-01"))
        assert due.overdue(day("2026-03-02"))
        assert [d.allocation_id for d in overdue(session, day("2026-03-02"))] == [allocation.id]
        draft = report(session, allocation)
        assert len(overdue(session, day("2026-03-02"))) == 1, "a draft is not received"
        submit_report(session, SECRETARIAT, draft)
        assert overdue(session, day("2026-03-02")) == []


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_progress_from_the_command_line(database: Database, run: Run) -> None:
    with database.transaction() as session:
        allocation_id = str(approved(session).id)
    for email in ("sec@oas.org", "other@oas.org"):
        ok(run("user", "add", "--email", email, "--role", "secretariat", "--password-stdin",
               stdin="correct horse battery staple\n"))  # fmt: skip
    add = ["progress", "add", "--allocation", allocation_id, "--from", "2025-03-01", "--to",
           "2025-12-31", "--narrative", "Two workshops", "--as", "sec@oas.org"]  # fmt: skip
    assert ok(run("progress", "list", "--overdue", "--format", "csv")).splitlines()[1:] == [
        f"{allocation_id},5,CIM,2025-12-31,2026-03-01"]  # fmt: skip
    first = ok(run(*add, "--result", "3;Judges trained;people;0;40;35")).strip()
    no_unit = run(*add, "--result", "3;Judges trained; ;0;40;35")
    assert (no_unit.exit_code, "has no unit" in no_unit.stderr) == (1, True)
    assert run(*add, "--result", "3;Judges trained;people;0;40").exit_code == 2
    assert run(*add, "--result", "3;Judges;people;0;1e3;35").exit_code == 2
    ok(run("progress", "submit", first, "--as", "sec@oas.org"))
    same = run("progress", "review", first, "--as", "sec@oas.org")
    assert (same.exit_code, "another person reviews it" in same.stderr) == (1, True)
    ok(run("progress", "review", first, "--as", "other@oas.org"))
    listed = ok(run("progress", "list", "--format", "csv")).splitlines()
    assert listed[1:] == [
        f"{first},{allocation_id},2025-03-01,2025-12-31,reviewed,1,sec@oas.org,other@oas.org"
    ]
    assert ok(run("progress", "list", "--overdue", "--format", "csv")).splitlines()[1:] == []


def test_revision_0033_adds_progress_reports_and_their_documents(
    empty_database: Database,
) -> None:
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0032")
    migrate.upgrade(engine)
    assert {"progress_reports", "progress_results"} <= set(inspect(engine).get_table_names())
    document = ("INSERT INTO documents (owner_kind, owner_id, kind, title, filename, content_type,"
                " size, sha256, uploaded_by, uploaded_at) VALUES ('{}', 1, 'other', 't', 'f',"
                " 'application/pdf', 1, '" + "a" * 64 + "', 'x', CURRENT_TIMESTAMP)")  # fmt: skip
    with engine.begin() as connection:
        connection.execute(text(document.format("progress_report")))
    with pytest.raises(DBAPIError, match="owner_kind_known"), engine.begin() as connection:
        connection.execute(text(document.format("progress")))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM documents"))
    migrate.downgrade(engine, "0032")
    assert "progress_reports" not in inspect(engine).get_table_names()


@pytest.mark.heavy  # loads the whole demo on each database: make test-slow
def test_the_demo_carries_two_years_of_progress_reports(run: Run) -> None:
    assert run("demo").exit_code == 0
    listed = ok(run("progress", "list", "--format", "csv")).splitlines()[1:]
    years = sorted({int(line.split(",")[3][:4]) for line in listed})
    assert len(years) == 2
    assert years == [years[0], years[0] + 1]
    states = [line.split(",")[4] for line in listed]
    assert states.count("submitted") == 1
    assert states.count("reviewed") == len(listed) - 1


def test_a_document_is_attached_to_a_report_and_only_to_one_that_exists(
    database: Database, tmp_path: Path
) -> None:
    from fundledger.documents.errors import NoSuchDocument
    from fundledger.documents.models import OwnerKind
    from fundledger.documents.operations import add_document
    from fundledger.documents.queries import documents_of
    from tests import documents_samples as sample

    def attach(session: Session, owner_id: int) -> object:
        return add_document(
            session, SECRETARIAT, root=tmp_path, max_bytes=10_000_000,
            owner_kind="progress_report", owner_id=owner_id, kind="organ_report",
            title="CIM annual report", filename="report.pdf", data=sample.PDF,
        )  # fmt: skip

    with database.transaction() as session:
        recorded = report(session, approved(session))
        attach(session, recorded.id)
        with pytest.raises(NoSuchDocument, match="there is no progress report #99"):
            attach(session, 99)
        found = documents_of(session, OwnerKind.PROGRESS_REPORT, [recorded.id])
        assert [d.title for d in found] == ["CIM annual report"]
