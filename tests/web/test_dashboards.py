"""The home page's dashboards, role by role, over a small fund whose figures are known
to the cent: WORKED-EXAMPLES.md §1 (Spain's euro pledge), §2 (Mexico's earmark, through
to the close) and Canada's unrestricted gift of §3, with allocations waiting on both
sides. The clock of the web tests stands at 2026-03-02."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.models import Allocation
from fundledger.audit.verifications import verify_and_record
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import JournalEntry
from fundledger.web.database import get_database
from fundledger.web.i18n import COOKIE
from tests.factories import statements_sent
from tests.web.test_allocation_pages import MEX_5
from tests.web.test_donor_pages import A5
from tests.web.test_pages import Table, _TableReader, figures

D = Decimal
SETUP = Actor("setup@oas.org")
PROPOSER = Actor("proposer@oas.org")
CAJP = Actor("cajp@oas.org")
SVG = "{http://www.w3.org/2000/svg}"
Visit = Callable[..., str]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def known_fund(database: Database) -> None:
    """Spain, Mexico and Canada as in the worked examples, then: allocation #2 (Canada's
    money, activity 1) approved and not paid; #3 returned for revision; #4 submitted."""
    with database.transaction() as session:
        spain = create_donor(session, SETUP, code="ES-OBS", name="Spain", type="permanent_observer")
        pledge = record_pledge(
            session, SETUP, spain, pledge_date=day("2025-02-10"), amount=D("50000.00"),
            currency="EUR", rate=D("1.0850"),
        )  # fmt: skip
        record_receipt(
            session, SETUP, spain, value_date=day("2025-04-15"), amount=D("29980.00"),
            currency="EUR", rate=D("1.1000"), charges=D("20.00"), pledges=[pledge],
        )  # fmt: skip
        record_receipt(
            session, SETUP, spain, value_date=day("2025-09-30"), amount=D("20000.00"),
            currency="EUR", rate=D("1.0700"), pledges=[pledge],
        )  # fmt: skip
        mexico = create_donor(session, SETUP, code="MEX", name="México", type="member_state")
        earmarked = record_pledge(
            session, SETUP, mexico, pledge_date=day("2025-01-20"), amount=D("50000.00"),
            currency="USD", earmark="activity:5",
        )  # fmt: skip
        record_receipt(
            session, SETUP, mexico, value_date=day("2025-01-20"), amount=D("50000.00"),
            currency="USD", pledges=[earmarked],
        )  # fmt: skip
        canada = create_donor(session, SETUP, code="CAN", name="Canada", type="member_state")
        record_receipt(
            session, SETUP, canada, value_date=day("2025-01-10"), amount=D("100000.00"),
            currency="USD", unpledged=True,
        )  # fmt: skip
    research = submitted(database, 5, "40000.00", "MEX/activity:5", on="2025-03-04")
    with database.transaction() as session:
        allocation = allocation_of(session, research)
        ops.decide_allocation(
            session, CAJP, allocation, decision="approve", on=day("2025-03-18"),
            reference="CP/CAJP-0000/25", approved_amount=D("35000.00"),
        )  # fmt: skip
        for amount, on in (("20000.00", "2025-04-01"), ("15000.00", "2025-07-01")):
            ops.disburse(session, SETUP, allocation, amount=D(amount), on=day(on))
        ops.report_expenditure(
            session, SETUP, allocation, amount=D("31500.00"), period_end=day("2025-12-15"),
            category="contractual_services",
        )  # fmt: skip
        ops.close_allocation(session, SETUP, allocation, on=day("2026-01-31"))
    decide(database, submitted(database, 1, "60000.00", "unrestricted"), "approve", "2025-05-01")
    decide(database, submitted(database, 29, "40000.00", "unrestricted"), "return", "2025-06-01")
    submitted(database, 29, "30000.00", "unrestricted")


def submitted(database: Database, activity: int, amount: str, *pools: str, on: str = "2025-03-01"
              ) -> int:  # fmt: skip
    with database.transaction() as session:
        allocation = ops.propose_allocation(
            session, PROPOSER, activity=activity, amount=D(amount), purpose="Program work",
            period_start=day(on), period_end=day("2025-12-31"), pools=pools,
        )  # fmt: skip
        ops.submit_allocation(session, PROPOSER, allocation)
        return allocation.id


def decide(database: Database, allocation_id: int, decision: str, on: str) -> None:
    with database.transaction() as session:
        ops.decide_allocation(
            session, CAJP, allocation_of(session, allocation_id), decision=decision,
            on=day(on), reference=f"CP/CAJP-{allocation_id}/25",
        )  # fmt: skip


def allocation_of(session: Any, allocation_id: int) -> Allocation:
    found = session.get(Allocation, allocation_id)
    assert found is not None
    return found


def donor_named(database: Database, code: str) -> Donor:
    with database.session() as session:
        found = session.scalar(select(Donor).filter_by(code=code))
        assert found is not None
        return found


@pytest.fixture
def home(app: Flask, login_as: Callable[..., User]) -> Visit:
    """``home("cajp")``: the home page as a new user with those roles sees it."""

    def visit(*roles: str, **fields: Any) -> str:
        client = app.test_client()
        login_as(*roles, client=client, **fields)
        response = client.get("/")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return visit


def tables(html: str) -> dict[str, Table]:
    reader = _TableReader()
    reader.feed(html)
    return {table.caption: table for table in reader.tables}


def words(html: str) -> str:
    """The page's text without its markup, as a user reads it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the Secretariat -------------------------------------------------------------------


def test_the_secretariat_sees_the_fund_by_year_to_the_cent(database: Database, home: Visit) -> None:
    known_fund(database)
    page = home("secretariat")

    assert figures(page) == {
        "Pledged": "$104,250.00",  # Spain 54,250.00 at 1.0850; Mexico 50,000.00
        "Received": "$204,400.00",  # 33,000.00 + 21,400.00 + 50,000.00 + 100,000.00
        "Outstanding": "$0.00",
        "Allocated": "$95,000.00",  # Mexico's 35,000.00 (reduced) and Canada's 60,000.00
        "Disbursed": "$35,000.00",
        "Spent": "$31,500.00",
        "Available": "$112,878.00",
    }
    years = tables(page)["By fiscal year, USD"]
    assert years.texts()[1:] == [
        ["2025", "104,250.00", "204,400.00", "", "95,000.00", "35,000.00", "31,500.00",
         "109,378.00"],  # bank 169,378.00 less 60,000.00 committed to allocation #2
        ["2026", "", "", "", "", "", "", "112,878.00"],  # Mexico's 3,500.00 came back
    ]  # fmt: skip
    pools = tables(page)["Available to allocate today, by pool, USD"]
    assert pools.texts()[1:] == [
        ["Unrestricted", "154,378.00", "60,000.00", "$94,378.00"],
        [MEX_5, "18,500.00", "", "$18,500.00"],
    ]


def test_the_secretariat_sees_the_work_waiting(database: Database, home: Visit) -> None:
    known_fund(database)
    text = words(home("secretariat"))

    assert "Returned by the CAJP for revision (1) Allocation #3 : activity 29, $40,000.00" in text
    assert "Approved, not yet disbursed (1) Allocation #2 : activity 1, $60,000.00" in text
    assert "Fiscal years to close 2025 is over and still open" in text
    assert "Drafts not yet submitted" not in text
    assert "Expenditure reports due" not in text, "Mexico's allocation was closed"
    assert "Pledges overdue" not in text


def test_a_pledge_past_due_and_advances_not_reported_are_tasks(
    database: Database, home: Visit
) -> None:
    with database.transaction() as session:
        peru = create_donor(session, SETUP, code="PER", name="Perú", type="member_state")
        record_pledge(
            session, SETUP, peru, pledge_date=day("2025-01-15"), amount=D("12000.00"),
            currency="USD", due_date=day("2025-06-30"),
        )  # fmt: skip
        record_receipt(
            session, SETUP, peru, value_date=day("2025-02-01"), amount=D("8000.00"),
            currency="USD", unpledged=True,
        )  # fmt: skip
    allocation_id = submitted(database, 1, "5000.00", "unrestricted")
    decide(database, allocation_id, "approve", "2025-03-10")
    with database.transaction() as session:
        ops.disburse(session, SETUP, allocation_of(session, allocation_id), amount=D("5000.00"),
                     on=day("2025-04-01"))  # fmt: skip
    text = words(home("secretariat"))

    assert "Expenditure reports due (period over, advances not accounted for) (1)" in text
    assert "Pledges overdue (1 donor) Perú PER : $12,000.00 overdue" in text


def test_an_empty_fund_says_so(home: Visit) -> None:
    page = home("admin")
    text = words(page)
    assert "Pledged $0.00" in text
    assert "Nothing has been recorded yet." in text
    assert "Nothing is waiting." in text
    assert "<svg" not in page
    assert 'id="audit-heading"' not in page, "verifying the ledger is the auditor's dashboard"


def test_the_chart_is_well_formed_svg_with_the_table_figures(
    database: Database, home: Visit
) -> None:
    known_fund(database)
    page = home("secretariat")
    found = re.findall(r"<svg\b.*?</svg>", page, re.DOTALL)
    assert len(found) == 1
    svg = ET.fromstring(found[0])  # noqa: S314 - our own markup

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert svg.get("aria-labelledby") == title.get("id")
    bars = {
        bar_title.text: Decimal(bar.get("height", "")) for bar in svg.iter(f"{SVG}rect")
        if (bar_title := bar.find(f"{SVG}title")) is not None
    }  # fmt: skip
    assert len(bars) == 2 * 5, "two years, five figures each"
    assert bars["2025, Received: 204,400.00"] > bars["2025, Pledged: 104,250.00"]
    assert bars["2025, Spent: 31,500.00"] > 0
    assert bars["2026, Pledged: 0.00"] == 0
    assert [t.text for t in svg.iter(f"{SVG}text")][-5:] == [
        "Pledged", "Received", "Allocated", "Disbursed", "Spent",
    ]  # fmt: skip


@pytest.mark.parametrize("role", ["secretariat", "cajp", "auditor"])
def test_the_dashboards_cost_the_same_number_of_queries_however_big_the_fund(
    database: Database, app: Flask, home: Visit, role: str
) -> None:
    def queries_for_the_home_page(visit: int) -> int:
        with statements_sent(get_database(app).engine) as statements:
            home(role, email=f"{role}-{visit}@example.org")
        return len(statements)

    known_fund(database)
    small = queries_for_the_home_page(1)
    for number in range(3):  # more donors with overdue instalments, more allocations
        with database.transaction() as session:
            donor = create_donor(session, SETUP, code=f"D{number}", name=f"Donor {number}",
                                 type="member_state")  # fmt: skip
            record_pledge(
                session, SETUP, donor, pledge_date=day("2025-01-10"), amount=D("9000.00"),
                currency="USD", instalments=[(day("2025-02-01"), D("4500.00")),
                                             (day("2025-08-01"), D("4500.00"))],
            )  # fmt: skip
            record_receipt(
                session, SETUP, donor, value_date=day("2025-01-11"), amount=D("3000.00"),
                currency="USD", unpledged=True,
            )  # fmt: skip
        decide(database, submitted(database, 2, "1000.00", "unrestricted"), "approve",
               "2025-04-01")  # fmt: skip
        submitted(database, 3, "500.00", "unrestricted")

    assert queries_for_the_home_page(2) == small


def test_the_chart_speaks_the_readers_language(
    database: Database, app: Flask, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    client = app.test_client()
    login_as("secretariat", client=client)
    client.set_cookie(COOKIE, "es")
    [markup] = re.findall(r"<svg\b.*?</svg>", client.get("/").get_data(as_text=True), re.DOTALL)
    svg = ET.fromstring(markup)  # noqa: S314 - our own markup

    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Por ejercicio fiscal, USD"
    tooltips = [t.text for rect in svg.iter(f"{SVG}rect") for t in rect.iter(f"{SVG}title")]
    assert "2025, Recibido: 204.400,00" in tooltips
    assert [t.text for t in svg.iter(f"{SVG}text")][-5:] == [
        "Prometido", "Recibido", "Asignado", "Desembolsado", "Gastado",
    ]  # fmt: skip


# --- the CAJP --------------------------------------------------------------------------


def test_the_cajp_sees_its_queue_and_availability(database: Database, home: Visit) -> None:
    known_fund(database)
    page = home("cajp")

    assert figures(page) == {
        "Allocations awaiting decision": "1",
        "Work plans awaiting decision": "0",
        "Available to allocate": "$112,878.00",
    }
    queue = tables(page)["Submitted allocations, oldest first, USD"]
    assert queue.texts()[1:] == [["#4", "29", "30,000.00", "Unrestricted", "yes"]]
    assert 'href="/cajp/queue#allocation-4"' in page
    pools = tables(page)["Available to allocate today, by pool, USD"]
    assert pools.row("Unrestricted")[-1] == "$94,378.00"
    assert "The fund" not in words(page), "the fund's totals are the Secretariat's dashboard"


# --- donors ----------------------------------------------------------------------------


def test_a_donor_sees_its_contributions_and_their_use(database: Database, home: Visit) -> None:
    known_fund(database)
    page = home("donor", donor=donor_named(database, "MEX"))

    assert figures(page) == {
        "Pledged": "$50,000.00",
        "Paid": "$50,000.00",
        "Outstanding": "$0.00",
        "Unapplied credit": "$0.00",
    }
    use = tables(page)
    caption = f"Earmarked to {A5}: $18,500.00 held, $18,500.00 still available, USD"
    assert caption in use
    [row] = use[caption].texts()[1:]
    assert row[0] == "#1"
    assert row[2] == "CP/CAJP-0000/25, 2025-03-18"
    assert row[3:] == ["35,000.00", "35,000.00", "31,500.00", "3,500.00"]


def test_a_donor_never_sees_another_donors_figures(database: Database, home: Visit) -> None:
    known_fund(database)
    spain = words(home("donor", email="spain@example.org", donor=donor_named(database, "ES-OBS")))
    mexico = words(home("donor", email="mexico@example.org", donor=donor_named(database, "MEX")))

    assert "Spain: contributions Pledged $54,250.00 Paid $54,400.00" in spain
    assert "You have no earmarked contributions." in spain
    for of_mexico in ("México", "MEX", "50,000.00", "31,500.00", "CP/CAJP-0000/25"):
        assert of_mexico not in spain
    for of_others in ("Spain", "ES-OBS", "54,250.00", "Canada", "100,000.00", "unrestricted"):
        assert of_others not in mexico
    for fund_figure in ("The fund", "Waiting for the Secretariat", "Verification", "$112,878.00"):
        assert fund_figure not in spain
        assert fund_figure not in mexico


# --- the auditor -----------------------------------------------------------------------


def test_the_auditor_sees_the_latest_recorded_verification_and_the_latest_events(
    database: Database, home: Visit
) -> None:
    known_fund(database)
    verify_and_record(database, Actor("checker@oas.org"))
    page = home("auditor")
    with database.session() as session:
        entries = session.scalar(select(func.count()).select_from(JournalEntry))

    text = words(page)
    assert f"Verified. Checked {entries} entries, up to #{entries}, on " in text
    assert "UTC by checker@oas.org." in text
    assert "Entries appended since: 0." in text
    assert 'href="/audit/verify"' in page
    assert 'href="/audit/"' in page
    events = tables(page)["The 10 newest events"].texts()[1:]
    assert len(events) == 10
    assert [event[1:3] for event in events[:2]] == [
        ["auditor@example.org", "user.logged_in"],  # signing in to read this page
        ["checker@oas.org", "ledger.verified"],  # the verification, the last step taken
    ]
    assert "The fund" not in text
    assert "Waiting for the Secretariat" not in text


def test_the_auditor_is_told_the_ledger_was_never_verified(database: Database, home: Visit) -> None:
    known_fund(database)
    text = words(home("auditor"))
    assert "Never verified. No run of the ledger checks has been recorded yet." in text
    assert "Verified." not in text
    assert "Verify the ledger now" in text


def test_the_auditor_sees_how_many_entries_were_appended_since_the_last_verification(
    database: Database, home: Visit
) -> None:
    known_fund(database)
    verify_and_record(database, Actor("checker@oas.org"))
    with database.transaction() as session:
        donor = session.scalars(select(Donor).filter_by(code="CAN")).one()
        for day_of_month in ("2026-01-05", "2026-01-06"):
            record_receipt(
                session, SETUP, donor, value_date=day(day_of_month), amount=D("10.00"),
                currency="USD", unpledged=True,
            )  # fmt: skip
    with database.session() as session:
        entries = session.scalar(select(func.count()).select_from(JournalEntry))

    text = words(home("auditor"))
    assert f"Checked {entries - 2} entries, up to #{entries - 2}," in text
    assert "Entries appended since: 2." in text


def test_the_auditor_sees_the_violations_the_last_verification_found(
    database: Database, home: Visit
) -> None:
    known_fund(database)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE account_balances SET balance = balance + 1")
    verify_and_record(database, Actor("checker@oas.org"))
    page = words(home("auditor"))
    assert re.search(r"\b[1-9]\d* violation\(s\)\. Checked \d+ entries", page), page
    assert "Verified." not in page


def test_the_auditors_dashboard_does_not_verify_the_ledger(
    database: Database, app: Flask, home: Visit
) -> None:
    """Verifying reads every posting; the dashboard only reads what the last run recorded."""
    known_fund(database)
    verify_and_record(database, Actor("checker@oas.org"))
    with statements_sent(get_database(app).engine) as statements:
        assert "Verified." in home("auditor")
    assert statements, "the listener sees the page's queries"
    assert not [sql for sql in statements if "postings" in sql], statements
