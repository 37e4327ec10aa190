"""Refusals in the reader's language (issue 15, finding 3): a Spanish-speaking Secretariat
officer and a French-speaking donor meet the operations' refusals worded in their
language, with amounts and dates as they write them, and never a command line; the API
answers a refusal with its message id and parameters besides the sentence."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.ledger.models import Account
from fundledger.web.i18n import COOKIE
from tests.factories import PASSWORD, create_donor
from tests.web.api_helpers import WRITE, call, token_for
from tests.web.conftest import Browser

LoginAs = Callable[..., User]
PLEDGE = {"pledge_date": "2025-02-10", "amount": "50000.00", "currency": "EUR", "rate": "1.0850"}
#: English a page in another language must not show: the sentences these refusals had.
ENGLISH = ("give the rate", "set it first", "instalments add up", "the pledge is",
           "A password needs", "characters.")  # fmt: skip


def reason(response: TestResponse) -> str:
    """The page, its character references read."""
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def spanish_secretariat(browser: Browser, login_as: LoginAs, database: Database) -> Browser:
    with database.transaction() as session:
        create_donor(session, "ES-OBS", name="España", language="es")
    login_as("secretariat")
    browser.client.set_cookie(COOKIE, "es")
    return browser


def test_a_spanish_secretariat_officer_reads_a_missing_rate_in_spanish_without_a_command(
    spanish_secretariat: Browser,
) -> None:
    response = spanish_secretariat.submit("/donors/ES-OBS/pledges/new", {**PLEDGE, "rate": ""})
    assert response.status_code == 422
    page = reason(response)
    spanish = "No hay tipo de cambio de EUR para el 10 feb 2025: ingréselo aquí, en USD por unidad"
    assert spanish in page  # asked for in the form's own rate field (tests/web/test_names.py)
    assert "fundledger rate set" not in page
    assert "--currency" not in page
    assert not [sentence for sentence in ENGLISH if sentence in page]


def test_a_spanish_officer_reads_amounts_as_spanish_writes_them(
    spanish_secretariat: Browser,
) -> None:
    typed = {**PLEDGE, "instalments-0-due": "2025-06-30", "instalments-0-amount": "20000",
             "instalments-1-due": "2025-12-31", "instalments-1-amount": "20000"}  # fmt: skip
    page = reason(spanish_secretariat.submit("/donors/ES-OBS/pledges/new", typed))
    assert "los plazos suman 40.000 EUR y la promesa es de 50.000,00 EUR" in page
    assert not [sentence for sentence in ENGLISH if sentence in page]


def test_a_spanish_officer_reads_the_ledgers_own_refusal_in_spanish(
    spanish_secretariat: Browser, database: Database
) -> None:
    """The posting service's refusals (ledger/operations.py) are the last word under
    every form: a bank account closed to posting is said in Spanish too."""
    with database.transaction() as session:
        session.scalars(select(Account).filter_by(code="1010")).one().active = False
    typed = {"value_date": "2025-04-15", "amount": "1000.00", "currency": "USD",
             "charges": "", "kind": "unpledged"}  # fmt: skip
    response = spanish_secretariat.submit("/donors/ES-OBS/receipts/new", typed)
    assert response.status_code == 422
    page = reason(response)
    assert "la cuenta 1010 (" in page
    assert "está cerrada a los registros" in page
    assert "closed to posting" not in page


def test_a_french_donor_reads_a_weak_password_refusal_in_french(
    browser: Browser, login_as: LoginAs, database: Database
) -> None:
    with database.transaction() as session:
        france = create_donor(session, "FRA", name="France", language="fr")
    login_as("donor", donor=france)
    response = browser.submit(
        "/account/password", {"current": PASSWORD, "password": "court", "confirm": "court"}
    )
    assert response.status_code == 422
    page = reason(response)
    assert "Un mot de passe compte au moins 12 caractères." in page
    assert not [sentence for sentence in ENGLISH if sentence in page]


def test_the_api_gives_the_message_id_and_its_parameters(
    database: Database, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    with database.transaction() as session:
        create_donor(session, "MEX", name="México")
    token = token_for(database, make_user("secretariat", email="s@example.org"), WRITE)
    pledge = {"donor": "MEX", "pledge_date": "2025-02-10", "amount": "25000.00",
              "currency": "EUR", "reference": "API-1"}  # fmt: skip
    answer = call(client, "POST", "/api/v1/pledges", token, pledge, key="k",
                  headers={"Accept-Language": "fr"})  # fmt: skip
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["message_id"] == "no %(currency)s rate for %(date)s: give the rate, or set it first"
    assert body["params"] == {"currency": "EUR", "date": "2025-02-10"}
    assert body["message"] == (
        "aucun taux EUR pour le 10 févr. 2025 : indiquez le taux ou enregistrez-le d’abord"
    )
    assert "fundledger" not in str(body)
