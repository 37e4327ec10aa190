"""Amounts typed the reader's way (issue 15, finding 4): ``1.234,56`` on a Spanish page,
``1 234,56`` on a French one, ``1,234.56`` on an English one, and the plain ``1234.56``
on every page; a separator out of place is refused in the reader's language, and
nothing is written. One field class reads every form's amounts
(:class:`fundledger.web.fields.AmountField`), so a pledge and a proposal stand for all."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundledger.allocations.models import Allocation
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Pledge
from fundledger.web.i18n import COOKIE
from tests.factories import create_donor
from tests.web.conftest import Browser
from tests.web.test_allocation_pages import mexico_pays_50000_for_activity_5, written
from tests.web.test_donor_pages import body, field_value

LoginAs = Callable[..., User]
PLEDGE = {"pledge_date": "2025-02-10", "currency": "USD"}


@pytest.fixture
def secretariat(browser: Browser, login_as: LoginAs, database: Database) -> Browser:
    with database.transaction() as session:
        create_donor(session, "ES-OBS", name="Spain", type="permanent_observer")
    login_as("secretariat")
    return browser


def pledged(database: Database) -> list[Decimal]:
    with database.session() as session:
        return list(session.scalars(select(Pledge.amount).order_by(Pledge.id)))


READINGS = [("en", "1,234.56"), ("es", "1.234,56"), ("fr", "1 234,56"),
            ("fr", "1\u202f234,56"), ("pt", "1.234,56"),
            *((language, "1234.56") for language in ("en", "es", "fr", "pt"))]  # fmt: skip


def test_an_amount_is_read_the_readers_way_or_plain(
    secretariat: Browser, database: Database
) -> None:
    for language, typed in READINGS:
        secretariat.client.set_cookie(COOKIE, language)
        response = secretariat.submit("/donors/ES-OBS/pledges/new", {**PLEDGE, "amount": typed})
        assert response.status_code == 302, (language, typed, body(response)[-800:])
    assert pledged(database) == [Decimal("1234.56")] * len(READINGS)


def test_a_thousand_in_spanish_is_one_in_english(secretariat: Browser, database: Database) -> None:
    for language in ("es", "en"):
        secretariat.client.set_cookie(COOKIE, language)
        response = secretariat.submit("/donors/ES-OBS/pledges/new", {**PLEDGE, "amount": "1.000"})
        assert response.status_code == 302
    assert pledged(database) == [Decimal(1000), Decimal(1)]


REFUSALS = [("en", "1,2,3", "1,2,3 is not an amount: write it like 40,000.00 or 40000.00."),
     ("en", "1000,50", "1000,50 is not an amount: write it like 40,000.00 or 40000.00."),
     ("es", "1,2,3", "1,2,3 no es un monto: escríbalo como 40.000,00 o 40000.00."),
     ("es", "100,000.00", "100,000.00 no es un monto: escríbalo como 40.000,00 o 40000.00."),
     ("fr", "1.234,56",
      "1.234,56 n'est pas un montant : écrivez-le comme 40\u202f000,00 ou 40000.00."),
     ("pt", "1 234,56", "1 234,56 não é um valor: escreva-o como 40.000,00 ou 40000.00."),
     ("es", "1e5", "1e5 no es un monto"),
     ("pt", "100.000.000.000.000,00",
      "Digite um valor inferior a 100.000.000.000.000,00.")]  # fmt: skip


def test_an_amount_grouped_wrongly_is_refused_in_the_readers_language(
    secretariat: Browser, database: Database
) -> None:
    for language, typed, message in REFUSALS:
        secretariat.client.set_cookie(COOKIE, language)
        response = secretariat.submit("/donors/ES-OBS/pledges/new", {**PLEDGE, "amount": typed})
        assert response.status_code == 400, (language, typed)
        page = body(response)
        assert message in html.unescape(page), (language, typed)
        assert field_value(page, "amount") == typed  # shown back as typed
    assert pledged(database) == []


def test_a_proposal_reads_its_amount_the_same_way(
    browser: Browser, login_as: LoginAs, database: Database
) -> None:
    mexico_pays_50000_for_activity_5(database)
    login_as("secretariat")
    browser.client.set_cookie(COOKIE, "es")
    form = html.unescape(body(browser.get("/allocations/new?activity=5")))
    assert "USD, escrito como 40.000,00" in form
    before = written(database)
    response = browser.submit(
        "/allocations/new",
        {"activity": "5", "amount": "12.500,50", "purpose": "Research", "gender_marker": "2",
         "period_start": "2025-03-04", "period_end": "2025-12-31",
         "pools-0-pool": "MEX/activity:5", "pools-0-order": "1"},
        page="/allocations/new?activity=5",
    )  # fmt: skip
    assert response.status_code == 302, body(response)[-800:]
    assert written(database) != before
    with database.session() as session:
        assert session.scalars(select(Allocation.requested_amount)).one() == Decimal("12500.50")
