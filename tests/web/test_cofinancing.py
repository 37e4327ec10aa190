"""Co-financing on the web: the Secretariat records and withdraws items, the CAJP and
auditors read them and the report of resources by specific objective; donors see none."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from fundledger.auth.models import User
from fundledger.cofinancing.models import CofinancingItem
from fundledger.db import Database
from tests.integration.test_cofinancing import small_program
from tests.web.conftest import Browser
from tests.web.downloads import csv_text, sheet
from tests.web.test_allocation_pages import location, tables, text, written

LoginAs = Callable[..., User]


@pytest.fixture
def person(app: Flask, login_as: LoginAs) -> Callable[..., Browser]:
    def make(*roles: str, **fields: object) -> Browser:
        client = app.test_client()
        login_as(*roles, client=client, **fields)
        return Browser(client)

    return make


@pytest.fixture
def secretariat(person: Callable[..., Browser]) -> Browser:
    return person("secretariat", email="sam@example.org")


def items_in(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(CofinancingItem)) or 0


FORM = {"activity": "34", "year": "2025", "source_kind": "own_resources", "source_name": "Brazil",
        "amount": "2,500.00", "description": "Workshop, Brasília"}  # fmt: skip


def test_the_secretariat_records_and_withdraws_an_item(secretariat: Browser) -> None:
    recorded = secretariat.submit("/cofinancing/new", FORM)
    assert location(recorded) == "/cofinancing?year=2025"
    page = text(secretariat.get("/cofinancing?year=2025"))
    assert "2,500.00 for activity 34 in 2025 is recorded as item #1." in page
    row = tables(page)["Co-financing items, USD"].row("2025")
    assert row[1].startswith("Activity 34 — ")
    assert row[2:5] == ["The implementer's own resources: Brazil", "2,500.00",
                        "Workshop, Brasília"]  # fmt: skip
    withdrawn = secretariat.submit("/cofinancing/1/withdraw", {"reason": "Counted in 2024"})
    assert location(withdrawn) == "/cofinancing?year=2025"
    page = text(secretariat.get("/cofinancing?year=2025"))
    assert "Co-financing item #1 is withdrawn." in page
    assert "by sam@example.org: Counted in 2024" in html.unescape(page)
    again = secretariat.submit("/cofinancing/1/withdraw", {"reason": "again"})
    assert again.status_code == 422
    assert "was already withdrawn on" in html.unescape(text(again))


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({"amount": "0"}, 422, "the amount must be more than zero"),
        ({"amount": "ten"}, 400, "ten is not an amount"),
        ({"year": "2004"}, 422, "the year is from 2005, when the Program was adopted"),
        ({"source_name": "The Fund"}, 422, "the Fund's own money is in its ledger"),
        ({"activity": "101"}, 400, "Not a valid choice"),
        ({"description": ""}, 400, "Enter the description."),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(
    database: Database,
    secretariat: Browser,
    changes: dict[str, str],
    status: int,
    reason: str,
) -> None:
    secretariat.get("/cofinancing/new")  # the form exists before the snapshot
    before = written(database)
    refused = secretariat.submit("/cofinancing/new", {**FORM, **changes})
    assert refused.status_code == status
    assert reason in html.unescape(text(refused))
    assert (written(database), items_in(database)) == (before, 0)


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [("secretariat", 200, 200), ("cajp", 200, 403), ("auditor", 200, 403), ("donor", 403, 403)],
)
def test_who_reads_and_who_records(
    person: Callable[..., Browser], role: str, reads: int, writes: int
) -> None:
    browser = person(role, email=f"{role}@example.org")
    assert browser.get("/cofinancing").status_code == reads
    assert browser.get("/reports/resources").status_code == reads
    assert browser.get("/reports/resources.csv").status_code == reads
    assert browser.get("/cofinancing/new").status_code == writes


def test_the_report_counts_an_activity_under_each_objective_and_the_program_once(
    database: Database, person: Callable[..., Browser]
) -> None:
    """By hand (see small_program): objective 3 gets activity 5's 40,000 from the Fund,
    activity 7's 10,000 from the Regular Fund and activity 34's 2,500 from the member
    states; objective 13 activities 5 and 7; the whole Program 52,500, not the sum of
    the objectives."""
    with database.transaction() as session:
        small_program(session)
    auditor = person("auditor", email="audrey@example.org")
    page = text(auditor.get("/reports/resources?year=2025"))
    report = tables(page)["Resources by specific objective, USD"]
    by_objective = {cells[0].split(" — ")[0]: cells[1:] for cells in report.texts()[1:]}
    assert by_objective["Objective 3"] == ["40,000.00", "10,000.00", "2,500.00", "52,500.00"]
    assert by_objective["Objective 4"] == ["40,000.00", "0.00", "0.00", "40,000.00"]
    assert by_objective["Objective 12"] == ["0.00", "0.00", "2,500.00", "2,500.00"]
    assert by_objective["Objective 13"] == ["40,000.00", "10,000.00", "0.00", "50,000.00"]
    assert report.row("The whole Program, each activity once")[1:] == [
        "40,000.00", "10,000.00", "2,500.00", "52,500.00"]  # fmt: skip
    assert "counts under each of them" in page
    download = csv_text(auditor.get("/reports/resources.csv?year=2025")).splitlines()
    assert download[0] == "objective,name,fund,regular_fund,others,total"
    assert download[3].split(",")[0] == "3"
    assert download[3].endswith(",40000.00,10000.00,2500.00,52500.00")
    assert download[-1] == ",whole Program (each activity once),40000.00,10000.00,2500.00,52500.00"
    workbook = sheet(auditor.get("/reports/resources.xlsx"))
    assert workbook.max_row == 22
    every = tables(text(auditor.get("/reports/resources")))["Resources by specific objective, USD"]
    assert every.row("The whole Program, each activity once")[4] == "53,499.00"


def test_the_report_refuses_an_unreadable_year(person: Callable[..., Browser]) -> None:
    response = person("cajp", email="carla@example.org").get("/reports/resources?year=20x5")
    assert response.status_code == 400
