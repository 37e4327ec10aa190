"""Progress reports on the web: the list with the reports overdue, a report with its
results table, the Secretariat's home page; donors see none of it (DESIGN §2: no donor
login sees allocations)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.progress.models import ProgressReport
from fundledger.progress.operations import ResultInput, record_report, submit_report
from tests.web.test_allocation_pages import (
    allocation_of,
    approved,
    day,
    mexico_pays_50000_for_activity_5,
    plain_text,
    tables,
    text,
)

LoginAs = Callable[..., User]
D = Decimal


def reported(database: Database) -> tuple[int, int]:
    """Allocation 1 (2025) has its report submitted; allocation 2 (2025) has none."""
    mexico_pays_50000_for_activity_5(database)
    first = approved(database, 5, "10000", "MEX/activity:5")
    second = approved(database, 5, "20000", "MEX/activity:5")
    with database.transaction() as session:
        report = record_report(
            session, Actor("sec@oas.org"), allocation_of(session, first),
            period_start=day("2025-03-01"), period_end=day("2025-12-31"),
            narrative="Two workshops held in Lima.",
            results=[ResultInput(3, "Judges trained", "people", D(0), D(40), D("35.5"))],
        )  # fmt: skip
        submit_report(session, Actor("sec@oas.org"), report)
        return report.id, second


def test_the_list_the_report_and_the_home_page_show_what_is_overdue(
    app: Flask, database: Database, login_as: LoginAs
) -> None:
    report_id, late = reported(database)
    client = app.test_client()
    login_as("secretariat", client=client)
    listed = text(client.get("/progress"))
    assert "Progress reports overdue (1)" in listed
    assert f"Allocation #{late}</a>" in listed
    assert "report to 2025-12-31, due 2026-03-01" in plain_text(listed)
    rows = tables(listed)["Progress reports, latest period first"].rows
    assert [[cell.text for cell in row[1:3]] for row in rows[1:]] == [["#1", "Submitted"]]
    assert "Progress reports overdue (0)" in text(client.get("/progress?allocation=1"))
    page = text(client.get(f"/progress/{report_id}"))
    results = tables(page)["Results against the specific objectives"].rows
    assert [[cell.text for cell in row] for row in results[1:]] == [
        ["3", "Judges trained", "people", "0", "40", "35.5"]
    ]
    assert "Two workshops held in Lima." in page
    home = plain_text(text(client.get("/")))
    assert f"Progress reports overdue (1) Allocation #{late} : report to 2025-12-31" in home
    allocation = text(client.get(f"/allocations/{late}"))
    assert f'href="/progress?allocation={late}"' in allocation
    assert "fundledger progress" not in allocation, "no page shows a command line"
    assert client.get("/progress/999").status_code == 404
    assert client.get("/progress?allocation=abc").status_code == 400


def test_the_cajp_and_auditors_read_and_donors_do_not(
    app: Flask, database: Database, login_as: LoginAs
) -> None:
    """Mexico's money pays for the allocations; its login still sees no report."""
    report_id, _late = reported(database)
    with database.session() as session:
        donor = session.scalars(select(Donor).filter_by(code="MEX")).one()
    for roles, status in ((("donor",), 403), (("cajp",), 200), (("auditor",), 200),
                          (("admin",), 200)):  # fmt: skip
        client = app.test_client()
        login_as(*roles, client=client, **({"donor": donor} if roles == ("donor",) else {}))
        assert client.get("/progress").status_code == status, roles
        assert client.get(f"/progress/{report_id}").status_code == status, roles
    with database.session() as session:
        assert session.get(ProgressReport, report_id) is not None
