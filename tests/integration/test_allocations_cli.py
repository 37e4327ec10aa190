"""Budgets, allocations, periods and settings from the command line, with --as users."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy import select

from fundledger.audit.models import AuditEvent
from fundledger.db import Database

Run = Callable[..., Result]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def fund(run: Run) -> Run:
    """Users for each deciding role, and Mexico's 50,000 earmarked to activity 5."""
    for email, role in (("sec@oas.org", "secretariat"), ("sec2@oas.org", "secretariat"),
                        ("cajp@oas.org", "cajp"), ("admin@oas.org", "admin"),
                        ("admin2@oas.org", "admin")):  # fmt: skip
        ok(run("user", "add", "--email", email, "--role", role, "--password-stdin",
               stdin="correct horse battery staple\n"))  # fmt: skip
    ok(run("donor", "add", "--code", "MEX", "--name", "México", "--type", "member_state"))
    ok(run("pledge", "--donor", "MEX", "--date", "2025-01-20", "--amount", "50000",
           "--currency", "USD", "--earmark", "activity:5"))  # fmt: skip
    ok(run("receive", "--donor", "MEX", "--date", "2025-01-20", "--amount", "50000",
           "--currency", "USD"))  # fmt: skip
    return run


def test_worked_example_2_from_the_command_line(fund: Run) -> None:
    run = fund
    allocation = ok(
        run(
            "allocation",
            "propose",
            "--activity",
            "5",
            "--amount",
            "40000",
            "--purpose",
            "Research on female migration",
            "--from",
            "2025-03-04",
            "--pool",
            "earmark:MEX/activity:5",
            "--gender-marker",
            "2",
            "--as",
            "sec@oas.org",
        )
    ).strip()
    ok(run("allocation", "submit", allocation, "--as", "sec@oas.org"))
    queue = ok(run("report", "queue", "--format", "csv"))
    assert (
        queue.splitlines()[1]
        == f"{allocation},5,CIM,40000.00,MEX/activity:5,50000.00,10000.00,yes,2"
    )

    decide = ["allocation", "decide", allocation, "--approve", "--amount", "35000",
              "--decision-ref", "CP/CAJP-0000/25", "--date", "2025-03-18"]  # fmt: skip
    refused = run(*decide, "--as", "sec@oas.org")
    assert refused.exit_code == 1
    assert "does not have the cajp role" in refused.stderr
    assert ok(run(*decide, "--as", "cajp@oas.org")) == "approved\n"
    assert ok(run("available", "--format", "csv")) == (
        "pool,money,committed,available\nMEX/activity:5,50000.00,35000.00,15000.00\n"
    )
    for amount, day in (("20000", "2025-04-01"), ("15000", "2025-07-01")):
        ok(run("allocation", "disburse", allocation, "--amount", amount, "--date", day,
               "--as", "sec@oas.org"))  # fmt: skip
    third = run("allocation", "disburse", allocation, "--amount", "1", "--date", "2025-08-01",
                "--as", "sec@oas.org")  # fmt: skip
    assert third.exit_code == 1
    assert "a tranche of 1.00 is too much" in third.stderr
    ok(run("allocation", "expenditure", allocation, "--amount", "31500", "--period-end",
           "2025-12-15", "--category", "contractual_services", "--as", "sec@oas.org"))  # fmt: skip
    ok(run("allocation", "close", allocation, "--date", "2026-01-31", "--as", "sec@oas.org"))
    assert ok(run("available", "--format", "csv")).splitlines()[1] == (
        "MEX/activity:5,18500.00,0.00,18500.00"
    )
    budget = ok(run("report", "budget", "--year", "2025", "--format", "csv"))
    assert budget.splitlines()[1].endswith(",0.00,35000.00,35000.00,31500.00")
    by_objective = ok(run("report", "budget", "--year", "2025", "--by", "objective"))
    assert "does not add up to the fund's total" in by_objective
    timeline = ok(run("allocation", "show", allocation))
    assert "CP/CAJP-0000/25" in timeline
    assert "cajp@oas.org" in timeline
    assert ok(run("verify")).startswith("ledger verified")


def test_work_plan_line_by_line(fund: Run) -> None:
    run = fund
    plan = ok(run("budget", "propose", "--year", "2026", "--line", "5:20000:Research",
                  "--line", "1:15000:Website", "--as", "sec@oas.org")).strip()  # fmt: skip
    assert ok(run("budget", "approve", plan, "--decision-ref", "CP/CAJP-1/26", "--date",
                  "2026-02-01", "--line", "5:approve", "--line", "1:reject",
                  "--as", "cajp@oas.org")) == "approved\n"  # fmt: skip
    listed = ok(run("budget", "list", "--year", "2026", "--format", "csv")).splitlines()
    assert listed[1:] == [
        f"{plan},2026,1,approved,1,15000.00,rejected,CP/CAJP-1/26",
        f"{plan},2026,1,approved,5,20000.00,approved,CP/CAJP-1/26",
    ]
    report = ok(run("report", "budget", "--year", "2026", "--by", "organ", "--format", "csv"))
    assert "CIM,Inter-American Commission of Women (CIM),20000.00,0.00,0.00,0.00" in report


def test_period_close_locks_the_year_and_reopen_needs_another_admin(
    fund: Run, database: Database
) -> None:
    run = fund
    assert ok(run("period", "close", "2025", "--as", "sec@oas.org")) == "fiscal year 2025 closed\n"
    trial = ok(run("trial-balance", "--format", "csv")).splitlines()
    assert trial[1:] == ["1010,Bank,50000.00,0.00", "3200,Net assets — restricted,0.00,50000.00"]
    late = run("receive", "--donor", "MEX", "--date", "2025-12-31", "--amount", "5",
               "--currency", "USD", "--unpledged")  # fmt: skip
    assert late.exit_code == 1
    assert "fiscal year 2025, which is closed" in late.stderr
    same = run("period", "reopen", "2025", "--reason", "audit adjustment", "--as", "sec@oas.org")
    assert "does not have the admin role" in same.stderr
    ok(run("setting", "set", "indirect_cost_rate", "0.05", "--as", "admin@oas.org"))
    assert ok(run("period", "reopen", "2025", "--reason", "audit adjustment",
                  "--as", "admin@oas.org")) == "fiscal year 2025 reopened\n"  # fmt: skip
    ok(run("receive", "--donor", "MEX", "--date", "2025-12-31", "--amount", "5", "--currency",
           "USD", "--unpledged"))  # fmt: skip
    assert ok(run("verify")).startswith("ledger verified")
    # The ledger writes no audit trail itself; the one the command line wires in does.
    with database.session() as session:
        trail = session.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.object_type,
                   AuditEvent.object_id, AuditEvent.after)
            .where(AuditEvent.action.startswith("period.")).order_by(AuditEvent.id)
        ).all()  # fmt: skip
    assert [tuple(row) for row in trail] == [
        ("period.closed", "sec@oas.org", "fiscal_year", "2025", '{"closed": true}'),
        ("period.reopened", "admin@oas.org", "fiscal_year", "2025",
         '{"closed": false, "reason": "audit adjustment"}'),
    ]  # fmt: skip


def test_unknown_or_inactive_users_cannot_act(fund: Run) -> None:
    result = fund("allocation", "propose", "--activity", "5", "--amount", "1", "--purpose", "x",
                  "--gender-marker", "0", "--as", "nobody@oas.org")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == "fundledger: there is no active user 'nobody@oas.org'\n"


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("0", "must be more than zero, not 0"),
        ("0.00", "must be more than zero, not 0.00"),
        ("-0.00", "must be more than zero, not -0.00"),
        ("40000.01", "the approved amount 40000.01 exceeds the 40000.00 requested"),
    ],
)
def test_a_reduced_approval_of_zero_or_more_than_requested_is_refused(
    fund: Run, amount: str, reason: str
) -> None:
    """``--amount 0`` is a reduced amount of zero, not "the amount requested"."""
    run = fund
    proposed = run("allocation", "propose", "--activity", "5", "--amount", "40000",
                   "--purpose", "Research", "--from", "2025-03-04",
                   "--pool", "earmark:MEX/activity:5", "--gender-marker", "2",
                   "--as", "sec@oas.org")  # fmt: skip
    allocation = ok(proposed).strip()
    ok(run("allocation", "submit", allocation, "--as", "sec@oas.org"))
    refused = run("allocation", "decide", allocation, "--approve", "--amount", amount,
                  "--decision-ref", "CP/CAJP-0000/25", "--date", "2025-03-18",
                  "--as", "cajp@oas.org")  # fmt: skip
    assert refused.exit_code == 1
    assert reason in refused.stderr
    assert "approved" not in refused.stdout
    assert ok(run("available", "--format", "csv")) == (
        "pool,money,committed,available\nMEX/activity:5,50000.00,0.00,50000.00\n"
    )


def test_interest_from_the_command_line(fund: Run) -> None:
    """Bank interest (issue 16): the Secretariat records it; the amount must be one."""
    run = fund
    number = ok(run("interest", "--date", "2025-06-30", "--amount", "42.10", "--ref", "BNK-7",
                    "--as", "sec@oas.org")).strip()  # fmt: skip
    assert number.isdigit()
    csv = ok(run("trial-balance", "--format", "csv"))
    assert "4300,Interest income," in csv
    refused = run("interest", "--date", "2025-06-30", "--amount", "1", "--as", "cajp@oas.org")
    assert refused.exit_code == 1
    assert run("interest", "--date", "2025-06-30", "--amount", "x", "--as",
               "sec@oas.org").exit_code == 2  # fmt: skip


@pytest.mark.parametrize(("marker", "reason"), [(None, "Missing option '--gender-marker'"),
                                                ("3", "3 is not in the range 0<=x<=2")])
def test_a_proposal_without_a_gender_marker_from_0_to_2_is_refused(
    fund: Run, marker: str | None, reason: str
) -> None:
    given = () if marker is None else ("--gender-marker", marker)
    result = fund("allocation", "propose", "--activity", "5", "--amount", "1", "--purpose", "x",
                  *given, "--as", "sec@oas.org")  # fmt: skip
    assert result.exit_code == 2
    assert reason in result.stderr
    assert ok(fund("allocation", "list", "--format", "csv")).count("\n") == 1


def test_a_meeting_is_recorded_and_a_decision_names_it_from_the_command_line(fund: Run) -> None:
    run = fund
    meeting = ok(run("meeting", "add", "--date", "2025-03-18", "--type", "regular",
                     "--reference", "CP/CAJP/SA.612/25",
                     "--as", "cajp@oas.org")).strip()  # fmt: skip
    proposed = ok(run("allocation", "propose", "--activity", "5", "--amount", "40000",
                      "--purpose", "Research", "--from", "2025-03-04", "--gender-marker", "1",
                      "--pool", "earmark:MEX/activity:5",
                      "--as", "sec@oas.org")).strip()  # fmt: skip
    ok(run("allocation", "submit", proposed, "--as", "sec@oas.org"))
    nothing = run("allocation", "decide", proposed, "--approve", "--date", "2025-03-18",
                  "--as", "cajp@oas.org")  # fmt: skip
    assert nothing.exit_code == 1
    assert "a CAJP decision needs its meeting or its own reference" in nothing.stderr
    assert ok(run("allocation", "decide", proposed, "--approve", "--date", "2025-03-18",
                  "--meeting", meeting, "--as", "cajp@oas.org")) == "approved\n"  # fmt: skip
    assert "CP/CAJP/SA.612/25" in ok(run("allocation", "show", proposed))
    assert ok(run("meeting", "list", "--format", "csv")) == (
        f"id,date,type,reference,title,decisions\n{meeting},2025-03-18,regular,"
        "CP/CAJP/SA.612/25,,1\n"
    )
    future = run("meeting", "add", "--date", "2999-01-01", "--type", "experts",
                 "--reference", "X", "--as", "cajp@oas.org")  # fmt: skip
    assert future.exit_code != 0
    assert ok(run("meeting", "list", "--format", "csv")).count("\n") == 2
