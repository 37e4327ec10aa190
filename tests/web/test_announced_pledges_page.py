"""The donor's page lists the pledges it announced and has not signed apart from its
pledges: they commit no money (tests/integration/test_pledge_announcements.py). The
Secretariat records one there, records the pledge once it is signed, or withdraws it; a
donor sees only its own and changes none."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.test import TestResponse

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.announcements import unsigned
from fundledger.donors.models import PledgeAnnouncement
from fundledger.web.i18n import COOKIE
from tests.integration.test_pledge_announcements import announced
from tests.web.conftest import Browser
from tests.web.test_dashboards import donor_named, known_fund
from tests.web.test_donor_pages import (
    audit_events,
    body,
    flashes,
    ledger,
    refusal,
    text,
)


def test_the_donors_page_lists_announced_pledges_apart(
    database: Database, app: Flask, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    announced(database)
    client = app.test_client()
    login_as("secretariat", client=client)

    page = client.get("/donors/CAN").get_data(as_text=True)
    pledges, _, rest = page.partition('id="announced-heading"')
    assert "Pledging conference 2025" not in pledges
    assert "Announced, not yet signed" in rest
    assert "Pledging conference 2025" in rest


# --- recording, signing and withdrawing on the donor's page ------------------------------


def announcements(database: Database, code: str = "CAN") -> list[PledgeAnnouncement]:
    with database.session() as session:
        donor = session.merge(donor_named(database, code))
        return unsigned(session, donor)


def test_the_secretariat_records_an_announcement_and_no_total_moves(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    login_as("secretariat")
    before = ledger(database)
    page = body(browser.get("/donors/CAN"))
    assert 'href="/donors/CAN/announcements/new"' in page

    response = browser.submit("/donors/CAN/announcements/new", {
        "announced_on": "2025-11-20", "amount": "20000.00", "currency": "USD",
        "earmark": "", "reference": "Pledging conference 2025"})  # fmt: skip
    assert response.status_code == 302
    page = body(browser.get(response.headers["Location"]))
    assert flashes(page) == [
        "Recorded the announcement of $20,000.00, not yet signed: no total counts it."
    ]
    assert "Pledging conference 2025" in page.partition('id="announced-heading"')[2]
    assert ledger(database) == before, "no entry"


def test_a_wrong_announcement_comes_back_with_its_errors_and_records_nothing(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    login_as("secretariat")
    response = browser.submit("/donors/CAN/announcements/new", {
        "announced_on": "", "amount": "-5", "currency": "USD"})  # fmt: skip
    assert response.status_code == 400
    assert "Enter the date it was announced." in text(response)
    assert "The amount announced is more than zero." in text(response)
    response = browser.submit("/donors/CAN/announcements/new", {
        "announced_on": "2025-11-20", "amount": "100.00", "currency": "EUR"})  # fmt: skip
    assert response.status_code in (409, 422)
    assert "EUR" in refusal(body(response)), "no rate for the day: the reason is shown"
    assert announcements(database) == []


def test_signing_records_the_pledge_once(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    number = announced(database)
    login_as("secretariat")
    url = f"/donors/CAN/announcements/{number}/sign"
    assert response_ok(browser.get("/donors/CAN"), f'href="{url}"')

    response = browser.submit(url, {"pledge_date": "2025-11-10"})
    assert response.status_code == 422
    assert "is before the pledge was announced" in refusal(body(response))

    response = browser.submit(url, {"pledge_date": "2025-12-01", "reference": "AGR-7"})
    assert response.status_code == 302
    page = body(browser.get(response.headers["Location"]))
    assert flashes(page)[0].startswith("Recorded pledge #")
    assert 'id="announced-heading"' not in page, "signed: listed with the pledges now"
    assert "AGR-7" in page
    assert browser.get(url).status_code == 404, "signed once"


def test_withdrawing_needs_a_reason_and_keeps_it_in_the_audit_log(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    number = announced(database)
    login_as("secretariat")
    url = f"/donors/CAN/announcements/{number}/withdraw"

    response = browser.submit(url, {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason." in text(response)
    events = audit_events(database)

    response = browser.submit(url, {"reason": "Letter of 2025-12-01"})
    assert response.status_code == 302
    assert announcements(database) == []
    assert audit_events(database) == events + 1
    assert browser.get(url).status_code == 404


def test_a_donor_sees_only_its_own_announcements_and_changes_none(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    own = announced(database, "CAN")
    mexicos = announced(database, "MEX", reference="Letter from Mexico")
    with database.session() as session:
        canada = session.merge(donor_named(database, "CAN"))
    login_as("donor", donor=canada)

    page = body(browser.get("/donors/CAN"))
    assert "Pledging conference 2025" in page
    assert "Letter from Mexico" not in page
    assert "/announcements/" not in page, "no actions for a donor"
    assert browser.get("/donors/MEX").status_code == 404
    for url in ("/donors/CAN/announcements/new", f"/donors/CAN/announcements/{own}/sign",
                f"/donors/CAN/announcements/{own}/withdraw",
                f"/donors/MEX/announcements/{mexicos}/withdraw"):  # fmt: skip
        assert browser.get(url).status_code == 403, url


def test_another_donors_announcement_is_not_found_under_this_donor(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    mexicos = announced(database, "MEX")
    login_as("secretariat")
    for action in ("sign", "withdraw"):
        response = browser.get(f"/donors/CAN/announcements/{mexicos}/{action}")
        assert response.status_code == 404, action
    assert len(announcements(database, "MEX")) == 1


def test_the_forms_speak_the_four_languages(
    database: Database, browser: Browser, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    login_as("secretariat")
    for language, heading in (("en", "Record an announced pledge from"),
                              ("es", "Registrar una promesa anunciada de"),
                              ("fr", "Enregistrer une annonce de contribution de"),
                              ("pt", "Registrar uma promessa anunciada de")):  # fmt: skip
        browser.client.set_cookie(COOKIE, language)
        page = text(browser.get("/donors/CAN/announcements/new"))
        assert f"<h1>{heading} Canada</h1>" in page, language


def response_ok(response: TestResponse, needle: str) -> bool:
    return response.status_code == 200 and needle in body(response)
