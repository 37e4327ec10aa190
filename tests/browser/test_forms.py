"""The pledge form's choosers and error summary in chromium, as a keyboard user meets
them (issue 15, findings 2, 5 and 6): the earmark is chosen by its name from a list
grouped by objective; a form sent back puts the focus on what to fix, whose links lead
to each field; a missing rate is asked for in place and kept in the rate table with the
pledge. On the CAJP's queue, a failed decision takes the focus to its own card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.db import Database
from fundledger.donors.models import ExchangeRate, Pledge
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from tests.browser.conftest import Login, shot, sign_in
from tests.web.test_dashboards import submitted

SETUP = Actor("setup@oas.org")
Account = Callable[..., Login]
ACTIVITY_5 = "Activity 5 — Conduct research on female migration and its impact on…"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_pledge_by_names_with_its_mistakes_summarised_and_its_rate_given_in_place(
    database: Database, page: Page, account: Account, tmp_path: Path
) -> None:
    with database.transaction() as session:
        create_donor(session, SETUP, code="KR-OBS", name="Republic of Korea",
                     type="permanent_observer")  # fmt: skip
    sign_in(page, account("secretariat"))
    page.goto("/donors/KR-OBS/pledges/new")
    page.get_by_label("Date the agreement was signed").fill("2026-03-02")
    page.get_by_label("Currency", exact=True).select_option("JPY")
    page.get_by_label("Earmark").select_option(label=ACTIVITY_5)
    page.get_by_role("button", name="Record pledge").click()

    summary = page.locator("[data-error-summary]").first
    expect(summary).to_contain_text("Amount pledged: Enter the amount.")
    expect(summary, "the focus is on what to fix").to_be_focused()
    shot(page, tmp_path, "pledge-error-summary")
    summary.get_by_role("link", name="Amount pledged").click()
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.type("1000000")
    page.get_by_role("button", name="Record pledge").click()

    rate = page.get_by_label("Rate", exact=True)
    expect(page.locator("#rate-error")).to_contain_text("There is no JPY rate for")
    # The script focuses the summary once the page has loaded: wait for it, not the text.
    expect(page.locator("[data-error-summary]").first).to_be_focused()
    expect(page.get_by_label("Earmark")).to_have_value("activity:5")
    expect(page.get_by_label("Also keep this rate in the rate table, for that day")).to_be_checked()
    shot(page, tmp_path, "pledge-rate-asked")
    rate.fill("0.0067")
    page.get_by_role("button", name="Record pledge").click()
    page.wait_for_url("**/donors/KR-OBS")
    expect(page.get_by_text(ACTIVITY_5).first).to_be_visible()
    with database.session() as session:
        kept = session.scalar(select(ExchangeRate))
        assert kept is not None
        assert (kept.currency, kept.rate_date, kept.rate.normalize()) == (
            "JPY", dt.date(2026, 3, 2), Decimal("0.0067"))  # fmt: skip
        assert session.scalar(select(Pledge.earmark)) == "activity:5"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_failed_decision_takes_the_focus_to_its_card(
    database: Database, page: Page, account: Account, tmp_path: Path
) -> None:
    with database.transaction() as session:
        canada = create_donor(session, SETUP, code="CAN", name="Canada", type="member_state")
        record_receipt(session, SETUP, canada, value_date=dt.date(2025, 1, 10),
                       amount=Decimal(100000), currency="USD", unpledged=True)  # fmt: skip
    for _ in range(3):
        last = submitted(database, 1, "5000.00", "unrestricted", on="2025-03-04")
    sign_in(page, account("cajp"))
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto("/cajp/queue")
    card = page.locator(f"#allocation-{last}")
    card.get_by_label("Approve a reduced amount").check()
    card.get_by_label("Reduced amount approved").fill("2500.00")
    card.get_by_label("Date of the decision").fill("2025-03-18")
    card.get_by_role("button", name="Record the decision").click()

    card = page.locator(f"#allocation-{last}")
    summary = card.locator("[data-error-summary]").first
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(card.get_by_label("Reduced amount approved")).to_have_value("2500.00")
    shot(page, tmp_path, "queue-failed-card")
