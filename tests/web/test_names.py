"""Names instead of codes, what to fix at the top of a form, and a missing rate given in
place (issue 15, findings 2, 5 and 6): the pledge and receipt forms choose earmarks and
currencies by name from lists that offer only what can be used; the journal names donors
by code; a form sent back says what to fix first, linked to each field; a pledge refused
for want of a rate asks for it in the rate field, with the last known rate, keeps what
was typed, and may keep the rate in the table in the same transaction."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from fundledger.auth.models import User
from fundledger.auth.protection import CONTENT_SECURITY_POLICY
from fundledger.db import Database
from fundledger.donors.models import ExchangeRate, Pledge
from tests.factories import create_donor
from tests.web.conftest import OWN_SCRIPT, Browser
from tests.web.test_allocation_pages import canada_gives_100000, decision, submitted
from tests.web.test_donor_pages import A5, body, field_value, text
from tests.web.test_languages import choose

LoginAs = Callable[..., User]
KOREA = "KR-OBS"
NEW_PLEDGE = f"/donors/{KOREA}/pledges/new"
TYPED = {"pledge_date": "2026-03-02", "amount": "1000000", "currency": "JPY",
         "earmark": "activity:5", "reference": "NV-KR-7"}  # fmt: skip


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs, database: Database) -> Browser:
    with database.transaction() as session:
        create_donor(session, KOREA, name="Republic of Korea", type="permanent_observer")
    login_as("secretariat")
    return browser


@pytest.fixture
def carla(app: Flask, login_as: LoginAs) -> Browser:
    client = app.test_client()
    login_as("cajp", client=client, email="carla@example.org")
    return Browser(client)


def options(page: str, name: str) -> list[tuple[str | None, str, str]]:
    """A select's options as (optgroup label, value, label), in page order."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select_html, f"no chooser {name}"
    found, group = [], None
    for tag in re.finditer(r'<optgroup label="([^"]*)">|</optgroup>|<option[^>]*value="([^"]*)"'
                           r"[^>]*>([^<]*)</option>", select_html.group(0)):  # fmt: skip
        if tag.group(0) == "</optgroup>":
            group = None
        elif tag.group(1) is not None:
            group = tag.group(1)
        else:
            found.append((group, tag.group(2), tag.group(3)))
    return found


def rates(database: Database) -> list[tuple[str, str, Decimal]]:
    with database.session() as session:
        kept = session.scalars(select(ExchangeRate).order_by(ExchangeRate.id))
        return [(r.currency, r.rate_date.isoformat(), r.rate.normalize()) for r in kept]


def pledges(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(Pledge)).all())


# --- pickers and labels ---------------------------------------------------------------


def test_the_earmark_chooser_offers_what_can_be_funded_grouped_by_objective(
    secretariat: Browser,
) -> None:
    page = text(secretariat.get(NEW_PLEDGE))
    offered = options(page, "earmark")
    assert offered[0] == (None, "", "Unrestricted")
    values = {value for _, value, _ in offered}
    # Objectives 6, 7 and 20 are served by no fundable activity; activity 40 is not fundable.
    assert {"objective:6", "objective:7", "objective:20", "activity:40"} & values == set()
    assert {"objective:3", "activity:5", "activity:32", "organ:CIM"} <= values
    assert "organ:PAHO" not in values, "an organ that carries no fundable activity"
    objective_3 = [(value, label) for group, value, label in offered
                   if group and group.startswith("Objective 3 — ")]  # fmt: skip
    assert objective_3[0] == ("objective:3", "Objective 3: any activity serving it")
    assert all(value.startswith("activity:") for value, _ in objective_3[1:])
    assert (None, "activity:5", A5) not in offered, "every activity sits in an optgroup"
    assert any(value == "activity:5" and label == A5 for _, value, label in offered)


def test_the_currency_chooser_names_each_currency_in_the_readers_language(
    secretariat: Browser,
) -> None:
    offered = options(text(secretariat.get(NEW_PLEDGE)), "currency")
    assert offered[0] == (None, "USD", "USD — US Dollar")
    assert (None, "JPY", "JPY — Japanese Yen") in offered
    spanish = options(choose(secretariat, "es", on=NEW_PLEDGE), "currency")
    assert (None, "EUR", "EUR — euro") in spanish


def test_a_pledge_shows_its_earmark_by_name_and_the_journal_names_its_donor_by_code(
    secretariat: Browser,
) -> None:
    response = secretariat.submit(NEW_PLEDGE, {**TYPED, "currency": "USD", "amount": "5000"})
    assert response.status_code == 302, body(response)[-2000:]
    donor_page = text(secretariat.get(f"/donors/{KOREA}"))
    assert A5 in donor_page
    assert "activity:5" not in donor_page
    journal = text(secretariat.get("/journal"))
    assert f'<span class="dim">donor</span> {KOREA}' in journal
    assert f"earmark</span> {A5}" in journal
    rows = list(csv.DictReader(io.StringIO(secretariat.get("/journal.csv").get_data(as_text=True))))
    assert {row["donor"] for row in rows} == {KOREA}


# --- the error summary ----------------------------------------------------------------


def test_a_form_sent_back_says_first_what_to_fix_linked_to_each_field(
    secretariat: Browser,
) -> None:
    response = secretariat.submit(NEW_PLEDGE, {**TYPED, "amount": "", "pledge_date": "2/3/26"})
    assert response.status_code == 400
    page = body(response)
    summary = re.search(r'<div class="refusal error-summary"[^>]*>.*?</div>', page, re.S)
    assert summary, "no error summary"
    assert page.index("error-summary") < page.index("<form class=\"entry-form\"")
    assert 'tabindex="-1" data-error-summary' in summary.group(0)
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary.group(0))
    assert [target for target, _ in links] == ["pledge_date", "amount"]
    assert links[1][1] == "Amount pledged: Enter the amount."
    assert field_value(page, "earmark") == "activity:5", "what was chosen stays chosen"
    assert OWN_SCRIPT in page


def test_the_summary_script_is_our_own_and_the_policy_allows_it(secretariat: Browser) -> None:
    response = secretariat.get("/static/error-summary.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "[data-error-summary]" in response.get_data(as_text=True)
    response.close()
    page = secretariat.get(NEW_PLEDGE)
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY, "no inline script is let in"


# --- a missing rate given in place ----------------------------------------------------


def test_a_missing_rate_is_asked_for_in_place_with_the_last_known_one(
    secretariat: Browser, database: Database
) -> None:
    kept = secretariat.submit("/rates/new", {"currency": "JPY", "rate_date": "2026-02-27",
                                             "rate": "0.0067"})  # fmt: skip
    assert kept.status_code == 302
    refused = secretariat.submit(NEW_PLEDGE, TYPED)
    assert refused.status_code == 422
    page = body(refused)
    reading = text(refused)
    assert ("There is no JPY rate for Mar 2, 2026: enter it here, in USD per unit. The last "
            "known rate is 0.0067, of Feb 27, 2026.") in reading  # fmt: skip
    assert 'href="#rate"' in page, "the summary leads to the rate field"
    assert "fundledger rate set" not in reading, "no command line on a page"
    for name, value in TYPED.items():
        assert field_value(page, name) == value, name
    assert re.search(r'<input checked id="save_rate"', page)
    assert pledges(database) == 0

    recorded = secretariat.submit(NEW_PLEDGE, {**TYPED, "rate": "0.0068", "save_rate": "y"},
                                  page=NEW_PLEDGE)  # fmt: skip
    assert recorded.status_code == 302, body(recorded)[-2000:]
    assert pledges(database) == 1
    assert rates(database) == [("JPY", "2026-02-27", Decimal("0.0067")),
                               ("JPY", "2026-03-02", Decimal("0.0068"))]  # fmt: skip


def test_a_refused_pledge_keeps_no_rate_and_an_unticked_box_keeps_none(
    secretariat: Browser, database: Database
) -> None:
    too_precise = secretariat.submit(
        NEW_PLEDGE, {**TYPED, "amount": "10.5", "rate": "0.0068", "save_rate": "y"}
    )
    assert too_precise.status_code == 422
    assert rates(database) == [], "the rate goes with the pledge or not at all"
    recorded = secretariat.submit(NEW_PLEDGE, {**TYPED, "rate": "0.0068"}, page=NEW_PLEDGE)
    assert recorded.status_code == 302
    assert rates(database) == []


def test_a_receipt_missing_its_rate_is_asked_for_it_in_place(
    secretariat: Browser, database: Database
) -> None:
    url = f"/donors/{KOREA}/receipts/new"
    typed = {"value_date": "2026-03-01", "amount": "5000", "currency": "EUR", "kind": "unpledged",
             "earmark": "organ:CIM", "reference": "BANK-1"}  # fmt: skip
    refused = secretariat.submit(url, typed)
    assert refused.status_code == 422
    assert "There is no EUR rate for Mar 1, 2026: enter it here, in USD per unit." in text(refused)
    for name, value in typed.items():
        if name != "kind":
            assert field_value(body(refused), name) == value, name
    recorded = secretariat.submit(url, {**typed, "rate": "1.08", "save_rate": "y"}, page=url)
    assert recorded.status_code == 302, body(recorded)[-2000:]
    assert rates(database) == [("EUR", "2026-03-01", Decimal("1.08"))]


def test_a_failed_decision_in_the_queue_leads_to_its_card_and_keeps_what_was_typed(
    database: Database, carla: Browser
) -> None:
    canada_gives_100000(database)
    first, second = submitted(database, 1, "5000"), submitted(database, 29, "3000")
    sent = decision(second, "reduce", amount="2000.00", reference="", comment="Half, for now",
                    back="queue")  # fmt: skip
    refused = carla.submit(f"/allocations/{second}/decide", sent, page="/cajp/queue")
    assert refused.status_code == 400
    page = body(refused)
    card = re.search(rf'<section class="queue-item" id="allocation-{second}".*?</section>', page,
                     re.S)  # fmt: skip
    assert card, "no card for the allocation decided"
    summary = re.search(r'<div class="refusal error-summary".*?</div>', card.group(0), re.S)
    assert summary, "the summary is in the failing card, where the focus goes"
    assert f'href="#decide-{second}-meeting"' in summary.group(0)
    assert f'action="/allocations/{second}/decide#allocation-{second}-problems"' in card.group(0)
    problems = f'<div class="decision-problems" id="allocation-{second}-problems" tabindex="-1"'
    assert problems in card.group(0)
    assert field_value(card.group(0), f"decide-{second}-amount") == "2000.00"
    assert "Half, for now" in card.group(0)
    other = re.search(rf'<section class="queue-item" id="allocation-{first}".*?</section>', page,
                      re.S)  # fmt: skip
    assert other
    assert "error-summary" not in other.group(0)


@pytest.mark.parametrize(
    ("name", "roles", "shown"),
    [
        ("Cajp", ("cajp",), "CAJP"),
        ("Secretariat", ("secretariat",), "Secretariat"),
        ("Ana Pérez", ("secretariat", "auditor"), "Ana Pérez (Auditor, Secretariat)"),
    ],
)
def test_a_user_is_named_by_one_rule(
    browser: Browser, login_as: LoginAs, name: str, roles: tuple[str, ...], shown: str
) -> None:
    login_as(*roles, name=name)
    header = re.search(r'<div class="signed-in">.*?</div>', text(browser.get("/")), re.S)
    assert header
    assert f'<a href="/account">{shown}</a>' in header.group(0)
