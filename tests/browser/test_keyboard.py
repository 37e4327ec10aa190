"""The pledge, receipt and CAJP decision flows completed with the keyboard alone.

After opening the page, the test never clicks: it moves with Tab (and the arrow keys
inside a group of radio buttons), types, and presses Enter, as a person who does not
use a mouse does. A field the Tab key does not reach fails the test by its label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation
from fundledger.db import Database
from fundledger.donors.models import Pledge, Receipt
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from tests.browser.conftest import Login, sign_in
from tests.web.test_dashboards import submitted

SETUP = Actor("setup@oas.org")
#: Tab presses allowed to reach a field from where the focus is: the header's menu and
#: language buttons come first on every page.
TABS = 80
#: The accessible name of what has the focus: its label, or its own text.
FOCUSED_NAME = """() => {
  const e = document.activeElement;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (label || e.innerText || e.value || "").trim();
}"""

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the focus is on the field, link or button named ``name``."""
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME).startswith(name):
            return
    raise AssertionError(f"the Tab key does not reach {name!r}")


def type_into(page: Page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def date_into(page: Page, name: str, day: str) -> None:
    """A date picker takes the month, day and year typed in that order (en-US)."""
    year, month, day_of_month = day.split("-")
    type_into(page, name, f"{month}{day_of_month}{year}")


def choose(page: Page, first: str, wanted: str) -> None:
    """In a group of radio buttons reached at ``first``, move with the arrow keys to
    ``wanted`` (which selects it)."""
    tab_to(page, first)
    for _ in range(10):
        if page.evaluate(FOCUSED_NAME).startswith(wanted):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys do not reach {wanted!r}")


def press(page: Page, name: str) -> None:
    tab_to(page, name)
    page.keyboard.press("Enter")


def test_a_pledge_and_its_receipt_are_recorded_with_the_keyboard_alone(
    database: Database, page: Page, account: Callable[..., Login]
) -> None:
    with database.transaction() as session:
        create_donor(session, SETUP, code="ES-OBS", name="Spain", type="permanent_observer")
    sign_in(page, account("secretariat"))
    page.goto("/donors/ES-OBS")

    press(page, "Record a pledge")
    page.wait_for_url("**/pledges/new")
    date_into(page, "Date the agreement was signed", "2025-02-10")
    type_into(page, "Amount pledged", "50000.00")
    type_into(page, "Currency", "EUR")
    type_into(page, "Rate", "1.0850")
    press(page, "Record pledge")
    page.wait_for_url("**/donors/ES-OBS")

    press(page, "Record a receipt")
    page.wait_for_url("**/receipts/new")
    date_into(page, "Value date", "2025-04-15")
    type_into(page, "Amount the bank credited", "29980.00")
    type_into(page, "Currency", "EUR")
    type_into(page, "Rate", "1.1000")
    type_into(page, "Bank charges", "20.00")
    press(page, "Record receipt")
    page.wait_for_url("**/donors/ES-OBS")

    with database.session() as session:
        pledge = session.scalars(select(Pledge)).one()
        receipt = session.scalars(select(Receipt)).one()
        assert (pledge.amount, pledge.usd_amount) == (Decimal("50000.00"), Decimal("54250.00"))
        assert (receipt.amount, receipt.value_date) == (Decimal("29980.00"), dt.date(2025, 4, 15))


def test_the_cajp_decides_with_the_keyboard_alone(
    database: Database, page: Page, account: Callable[..., Login]
) -> None:
    with database.transaction() as session:
        donor = create_donor(session, SETUP, code="MEX", name="México", type="member_state")
        pledge = record_pledge(session, SETUP, donor, pledge_date=dt.date(2025, 1, 20),
                               amount=Decimal(50000), currency="USD", earmark="activity:5")
        record_receipt(session, SETUP, donor, value_date=dt.date(2025, 1, 20),
                       amount=Decimal(50000), currency="USD", pledges=[pledge])  # fmt: skip
    allocation_id = submitted(database, 5, "40000.00", "MEX/activity:5", on="2025-03-04")
    sign_in(page, account("cajp"))

    press(page, "Decide in the queue")
    page.wait_for_url("**/cajp/queue*")
    choose(page, "Approve", "Approve a reduced amount")
    type_into(page, "Reduced amount approved", "35000.00")
    date_into(page, "Date of the decision", "2025-03-18")
    type_into(page, "CAJP decision reference", "CP/CAJP-0000/25")
    press(page, "Record the decision")
    page.wait_for_url("**/cajp/queue*")
    decided = page.get_by_text(f"Allocation #{allocation_id} is approved for 35,000.00")
    expect(decided).to_be_visible()

    with database.session() as session:
        allocation = session.get(Allocation, allocation_id)
        assert allocation is not None
        assert (allocation.state, allocation.approved_amount) == ("approved", Decimal("35000.00"))
