"""Co-financing: memorandum items beside the Fund's ledger, and the Program's resources
by specific objective, on SQLite and PostgreSQL (service, command line, migration)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.audit.models import AuditEvent
from fundledger.clock import today
from fundledger.cofinancing.errors import CofinancingError
from fundledger.cofinancing.models import CofinancingItem
from fundledger.cofinancing.operations import record_item, withdraw_item
from fundledger.cofinancing.queries import Resources, resources_by_objective
from fundledger.db import Database
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.queries import trial_balance
from fundledger.setup import migrate
from fundledger.setup.registry import register_all
from tests.integration.test_allocations import (
    CAJP,
    SECRETARIAT,
    day,
    mexico_pays_50000_for_activity_5,
    propose,
)

D = Decimal
Run = Callable[..., Result]
GIVEN = {"activity": 7, "year": 2025, "source_kind": "regular_fund", "source_name": "CIM",
         "amount": D("10000.00"), "description": "Staff time, CIM annual report 2025"}  # fmt: skip


def item(session: Session, **fields: object) -> CofinancingItem:
    return record_item(session, SECRETARIAT, **{**GIVEN, **fields})  # type: ignore[arg-type]


def small_program(session: Session) -> None:
    """The CAJP approves 40,000 for activity 5 (objectives 3, 4, 13) in 2025; the Regular
    Fund pays 10,000 for activity 7 (objectives 3, 13) in 2025 and 999 in 2024; the
    member states spend 2,500 of their own on optional activity 34 (objectives 3, 12);
    7,000 recorded for activity 7 in error is withdrawn."""
    mexico_pays_50000_for_activity_5(session)
    allocation = propose(session, 5, "40000", "MEX/activity:5")
    ops.submit_allocation(session, SECRETARIAT, allocation)
    ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-03-18"),
                          reference="CP/CAJP-0000/25")  # fmt: skip
    item(session)
    item(session, year=2024, amount=D("999.00"))
    item(session, activity=34, source_kind="own_resources", source_name="Brazil",
         amount=D("2500"))  # fmt: skip
    withdraw_item(session, SECRETARIAT, item(session, amount=D("7000")), reason="Counted twice")


def test_resources_by_objective_count_an_activity_under_each_objective_it_serves(
    database: Database,
) -> None:
    with database.transaction() as session:
        small_program(session)
    with database.session() as session:
        year = resources_by_objective(session, 2025)
        every = resources_by_objective(session, None)
    by_number = {o.number: o.resources for o in year.objectives}
    assert len(by_number) == 20
    assert by_number[3] == Resources(D(40000), D(10000), D(2500))
    assert by_number[3].total == D("52500.00")
    assert by_number[4] == Resources(D(40000), D(0), D(0))
    assert by_number[12] == Resources(D(0), D(0), D(2500))
    assert by_number[13] == Resources(D(40000), D(10000), D(0))
    assert by_number[1] == Resources()
    assert year.program == Resources(D(40000), D(10000), D(2500))
    assert {o.number: o.resources for o in every.objectives}[3] == Resources(
        D(40000), D(10999), D(2500)
    )
    assert every.program.total == D("53499.00")


def test_an_item_is_never_posted_and_a_withdrawal_keeps_who_when_and_why(
    database: Database,
) -> None:
    with database.transaction() as session:
        mexico_pays_50000_for_activity_5(session)
        balances, entries = (
            trial_balance(session),
            session.scalar(select(func.count()).select_from(JournalEntry)),
        )
        recorded = item(session)
        assert (trial_balance(session), session.scalar(
            select(func.count()).select_from(JournalEntry))) == (balances, entries)  # fmt: skip
        withdraw_item(session, Actor("colleague@oas.org"), recorded, reason="  Wrong  year ")
        with pytest.raises(CofinancingError, match=r"item #\d+ was already withdrawn on"):
            withdraw_item(session, SECRETARIAT, recorded, reason="again")
    with database.session() as session:
        kept = session.scalars(select(CofinancingItem)).one()
        assert (kept.withdrawn_by, kept.withdrawal_reason) == ("colleague@oas.org", "Wrong year")
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "cofinancing_item")
            .order_by(AuditEvent.id)
        ).all()
        assert actions == ["cofinancing.recorded", "cofinancing.withdrawn"]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"activity": 101}, "there is no activity 101 in the Program"),
        ({"year": 2004}, "the year is from 2005, when the Program was adopted, to"),
        ({"year": today().year + 1}, f"not {today().year + 1}"),
        ({"amount": D(0)}, "the amount must be more than zero"),
        ({"amount": D("-5")}, "the amount must be more than zero"),
        ({"amount": D("10.005")}, "is not an amount in USD: two decimal places at most"),
        ({"amount": D("NaN")}, "the amount is not a number"),
        ({"source_kind": "fund"}, "the Fund's own money is in its ledger"),
        ({"source_name": " The  Specific fund "}, "the Fund's own money is in its ledger"),
        ({"source_kind": "bank"}, "the source is one of regular_fund, own_resources"),
        ({"source_name": "  "}, "the source's name is required"),
        ({"description": "x" * 501}, "the description is longer than 500 characters"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_written(
    database: Database, fields: dict[str, object], reason: str
) -> None:
    with database.transaction() as session, pytest.raises(CofinancingError, match=reason):
        item(session, **fields)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CofinancingItem)) == 0
        audited = select(func.count()).select_from(AuditEvent)
        assert session.scalar(audited.where(AuditEvent.object_type == "cofinancing_item")) == 0


def test_a_withdrawal_without_a_reason_is_refused(database: Database) -> None:
    with database.transaction() as session:
        recorded = item(session)
        with pytest.raises(CofinancingError, match="the reason for the withdrawal is required"):
            withdraw_item(session, SECRETARIAT, recorded, reason=" ")
        assert recorded.withdrawn_at is None


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_items_and_the_resources_report_from_the_command_line(run: Run) -> None:
    ok(run("user", "add", "--email", "sec@oas.org", "--role", "secretariat", "--password-stdin",
           stdin="correct horse battery staple\n"))  # fmt: skip
    add = ["cofinancing", "add", "--activity", "7", "--year", "2025", "--source",
           "regular_fund", "--name", "CIM", "--description", "Staff time"]  # fmt: skip
    first = ok(run(*add, "--amount", "10000", "--as", "sec@oas.org")).strip()
    ok(run(*add, "--amount", "300", "--as", "sec@oas.org"))
    refused = run(*add, "--amount", "0", "--as", "sec@oas.org")
    assert refused.exit_code == 1
    assert "the amount must be more than zero, not 0.00" in refused.stderr
    assert run(*add, "--amount", "1e3", "--as", "sec@oas.org").exit_code == 2
    ok(run("cofinancing", "withdraw", first, "--reason", "Recorded twice", "--as", "sec@oas.org"))
    again = run("cofinancing", "withdraw", first, "--reason", "x", "--as", "sec@oas.org")
    assert (again.exit_code, "already withdrawn" in again.stderr) == (1, True)
    listed = ok(run("cofinancing", "list", "--year", "2025", "--format", "csv")).splitlines()
    assert listed[1:] == [
        f"{int(first) + 1},2025,7,regular_fund,CIM,300.00,Staff time,",
        f"{first},2025,7,regular_fund,CIM,10000.00,Staff time,withdrawn",
    ]
    report = ok(run("report", "resources", "--year", "2025", "--format", "csv")).splitlines()
    assert report[0] == "objective,name,fund,regular_fund,others,total"
    rows = {line.split(",")[0]: line for line in report[1:]}
    assert rows["3"].endswith(",0.00,300.00,0.00,300.00")
    assert rows["13"].endswith(",0.00,300.00,0.00,300.00")
    assert rows[""] == ",whole Program (each activity once),0.00,300.00,0.00,300.00"
    table = ok(run("report", "resources"))
    assert "counts under each" in table


def test_revision_0032_adds_the_items_and_the_database_refuses_a_negative_one(
    empty_database: Database,
) -> None:
    register_all()
    engine = empty_database.engine
    migrate.upgrade(engine, "0029")
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO implementers (code, name, kind)"
                                " VALUES ('CIM', 'CIM', 'oas_organ')"))  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO activities (number, title, implementer_code,"
                " fundable) VALUES (7, 'Training', 'CIM', :yes)"
            ),
            {"yes": True},
        )
    columns = ("INSERT INTO cofinancing_items (activity_number, year, source_kind, source_name,"
               " amount, description, recorded_by, recorded_at) VALUES (7, 2025, 'regular_fund',"
               " 'CIM', ")  # fmt: skip
    with engine.begin() as connection:
        connection.execute(text(columns + "10.00, 'x', 'a', CURRENT_TIMESTAMP)"))
    with pytest.raises(DBAPIError, match="amount_positive"), engine.begin() as connection:
        connection.execute(text(columns + "-1.00, 'x', 'a', CURRENT_TIMESTAMP)"))
    migrate.downgrade(engine, "0029")
    assert "cofinancing_items" not in inspect(engine).get_table_names()


@pytest.mark.heavy  # loads the whole demo on each database: make test-slow
def test_the_demo_records_co_financing_for_its_last_two_years(run: Run) -> None:
    assert run("demo").exit_code == 0
    listed = ok(run("cofinancing", "list", "--format", "csv")).splitlines()[1:]
    years = sorted({int(line.split(",")[1]) for line in listed})
    assert len(listed) == 8
    assert years == [years[0], years[0] + 1]
    optional = [line for line in listed if int(line.split(",")[2]) > 32]
    assert {line.split(",")[3] for line in optional} == {"own_resources"}
    report = ok(run("report", "resources", "--year", str(years[1]), "--format", "csv"))
    whole = report.splitlines()[-1].split(",")
    assert whole[3:5] == ["44000.00", "22550.00"]  # 27,500 + 16,500; 8,800 + 13,750
