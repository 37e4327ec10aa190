"""What each role does, clicked through in chromium: sign in (with the one-time code
where the role needs one) and land on its dashboard; the Secretariat records Spain's
pledge and first payment (WORKED-EXAMPLES.md §1); the CAJP approves Mexico's allocation
reduced to 35,000.00 (§2). Each flow leaves a screenshot in its temporary folder."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation
from fundledger.db import Database
from fundledger.donors.models import Donor, Pledge
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from tests.browser.conftest import Login, shot, sign_in
from tests.web.test_dashboards import known_fund, submitted

SETUP = Actor("setup@oas.org")
Account = Callable[..., Login]

#: The heading each role's dashboard opens with.
DASHBOARDS = {
    "secretariat": "The fund",
    "admin": "The fund",
    "cajp": "Awaiting the CAJP's decision",
    "auditor": "Verification",
    "donor": "México: contributions",
}


def mexico(database: Database) -> Donor:
    with database.session() as session:
        found = session.scalar(select(Donor).filter_by(code="MEX"))
        assert found is not None
        return found


#: Signing in is the same on both databases, so the five sign-ins run on SQLite only and
#: keep the browser tests within a minute; the flows that write run on both.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", list(DASHBOARDS))
def test_each_role_signs_in_to_its_dashboard(
    database: Database, page: Page, account: Account, tmp_path: Path, role: str
) -> None:
    known_fund(database)
    login = account(role, donor=mexico(database) if role == "donor" else None)

    sign_in(page, login)

    expect(page.get_by_role("heading", name=DASHBOARDS[role], exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    if role in ("secretariat", "admin"):
        expect(page.locator("svg.chart")).to_be_visible()
        assert page.locator("dl.figures").first.inner_text().split() == [
            "Pledged", "$104,250.00", "Received", "$204,400.00", "Outstanding", "$0.00",
            "Allocated", "$95,000.00", "Disbursed", "$35,000.00", "Spent", "$31,500.00",
            "Available", "$112,878.00",
        ]  # fmt: skip
    shot(page, tmp_path, f"dashboard-{role}")

    # On a laptop (1,366 px) no table scrolls, in French either (the longest headings):
    # every column shows, the last one too.
    page.set_viewport_size({"width": 1366, "height": 768})
    for language, code in (("English", "en"), ("Français", "fr")):
        page.get_by_role("button", name=language).click()
        expect(page.locator("html")).to_have_attribute("lang", code)
        clipped = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')].filter(box => "
            "box.scrollWidth > box.clientWidth).map(box => box.innerText.slice(0, 40))"
        )
        assert clipped == [], language

    # On a phone the page fits the screen's width: wide tables scroll inside their box.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, tmp_path, f"dashboard-{role}-phone")


def test_the_secretariat_records_a_pledge_and_a_receipt(
    database: Database, page: Page, account: Account, tmp_path: Path
) -> None:
    with database.transaction() as session:
        create_donor(session, SETUP, code="ES-OBS", name="Spain", type="permanent_observer")
    sign_in(page, account("secretariat"))

    page.goto("/donors/ES-OBS")
    page.get_by_role("link", name="Record a pledge").click()
    page.get_by_label("Date the agreement was signed").fill("2025-02-10")
    page.get_by_label("Amount pledged").fill("50000.00")
    page.get_by_label("Currency", exact=True).select_option("EUR")
    page.get_by_label("Rate", exact=True).fill("1.0850")
    page.get_by_role("button", name="Record pledge").click()
    page.wait_for_url("**/donors/ES-OBS")
    shot(page, tmp_path, "pledge-recorded")

    page.get_by_role("link", name="Record a receipt").click()
    page.get_by_label("Value date").fill("2025-04-15")
    page.get_by_label("Amount the bank credited").fill("29980.00")
    page.get_by_label("Currency", exact=True).select_option("EUR")
    page.get_by_label("Rate", exact=True).fill("1.1000")
    page.get_by_label("Bank charges").fill("20.00")
    page.get_by_role("button", name="Record receipt").click()
    page.wait_for_url("**/donors/ES-OBS")
    shot(page, tmp_path, "receipt-recorded")

    position = page.get_by_label("Position in USD").inner_text().split()
    assert position == [
        "Pledged", "54,250.00", "Received", "33,000.00", "Outstanding", "21,700.00",
        "Unapplied", "credit", "0.00",
    ]  # fmt: skip
    with database.session() as session:
        pledge = session.scalar(select(Pledge))
        assert pledge is not None
        assert (pledge.amount, pledge.usd_amount) == (Decimal("50000.00"), Decimal("54250.00"))


def test_the_cajp_approves_an_allocation(
    database: Database, page: Page, account: Account, tmp_path: Path
) -> None:
    with database.transaction() as session:
        donor = create_donor(session, SETUP, code="MEX", name="México", type="member_state")
        pledge = record_pledge(
            session, SETUP, donor, pledge_date=dt.date(2025, 1, 20), amount=Decimal(50000),
            currency="USD", earmark="activity:5",
        )  # fmt: skip
        record_receipt(
            session, SETUP, donor, value_date=dt.date(2025, 1, 20), amount=Decimal(50000),
            currency="USD", pledges=[pledge],
        )  # fmt: skip
    allocation_id = submitted(database, 5, "40000.00", "MEX/activity:5", on="2025-03-04")
    sign_in(page, account("cajp"))

    assert page.get_by_label("The CAJP's queue").inner_text().split()[:4] == [
        "Allocations", "awaiting", "decision", "1",
    ]  # fmt: skip
    page.get_by_role("link", name="Decide in the queue").click()
    page.get_by_label("Approve a reduced amount").check()
    page.get_by_label("Reduced amount approved").fill("35000.00")
    page.get_by_label("Date of the decision").fill("2025-03-18")
    page.get_by_label("CAJP decision reference").fill("CP/CAJP-0000/25")
    page.get_by_role("button", name="Record the decision").click()
    # The decision posts to its card's problems (#allocation-N-problems); the redirect keeps it.
    page.wait_for_url(re.compile(r".*/cajp/queue(#allocation-\d+-problems)?$"))
    expect(
        page.get_by_text(
            f"Allocation #{allocation_id} is approved for 35,000.00 under CP/CAJP-0000/25."
        )
    ).to_be_visible()
    shot(page, tmp_path, "allocation-approved")

    page.goto("/")
    expect(page.get_by_text("No allocation is waiting for a decision.")).to_be_visible()
    with database.session() as session:
        allocation = session.get(Allocation, allocation_id)
        assert allocation is not None
        assert (allocation.state, allocation.approved_amount) == ("approved", Decimal("35000.00"))


#: The reversal's writes are tested on both databases in tests/web/test_corrections.py.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_secretariat_reverses_a_receipt(
    database: Database, page: Page, account: Account, tmp_path: Path
) -> None:
    """Spain's first payment was another fund's money: reversed from the donor's page,
    what it settled is owed again and the two entries link to each other."""
    with database.transaction() as session:
        spain = create_donor(session, SETUP, code="ES-OBS", name="Spain",
                             type="permanent_observer")  # fmt: skip
        record_pledge(session, SETUP, spain, pledge_date=dt.date(2025, 2, 10),
                      amount=Decimal("50000.00"), currency="EUR", rate=Decimal("1.0850"))
        record_receipt(session, SETUP, spain, value_date=dt.date(2025, 4, 15),
                       amount=Decimal("29980.00"), currency="EUR", rate=Decimal("1.1000"),
                       charges=Decimal("20.00"))  # fmt: skip
    sign_in(page, account("secretariat"))

    page.goto("/donors/ES-OBS")
    page.get_by_role("region", name="Receipts").get_by_role("link", name="Reverse").click()
    page.get_by_label("Reason").fill("The bank credited another fund's money")
    page.get_by_role("button", name="Reverse").click()
    page.wait_for_url("**/journal/3")
    expect(page.get_by_text("Entry #2 is reversed by #3.")).to_be_visible()
    expect(page.get_by_role("link", name="#2", exact=True)).to_be_visible()
    shot(page, tmp_path, "receipt-reversed")

    page.goto("/donors/ES-OBS")
    position = page.get_by_label("Position in USD").inner_text().split()
    assert position[:6] == ["Pledged", "54,250.00", "Received", "0.00", "Outstanding",
                            "54,250.00"]  # fmt: skip
