"""A donor's public face: a donor that chose to be anonymous is "Anonymous donor" on the
public page, its downloads, the IATI file and the public API — its money still in the
totals, its name and code nowhere — and a donor's name in each language is the one pages
and statements in that language print. Over the fund of the worked examples
(tests/web/test_dashboards.py, ``known_fund``: Spain, México and Canada)."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import update_donor
from fundledger.reporting.render import Request, issue_for, render
from fundledger.web.i18n import COOKIE
from tests.integration.test_statements import ISSUED, text_of
from tests.web.test_dashboards import SETUP, donor_named, known_fund, tables
from tests.web.test_pages import figures
from tests.web.test_public_page import download, visit

#: Every public address that names donors.
PUBLIC = ("/public", "/public/contributions.csv", "/public/iati.xml",
          "/api/v1/public/contributions")


def edited(database: Database, code: str, **changes: object) -> None:
    with database.transaction() as session:
        donor = session.merge(donor_named(database, code))
        update_donor(session, SETUP, donor, name=donor.name, country=donor.country,
                     language=donor.language, contact=donor.contact, **changes)  # type: ignore[arg-type]  # fmt: skip


def everything_public(client: FlaskClient) -> str:
    texts = []
    for url in PUBLIC:
        for language in ("en", "es", "fr", "pt"):
            client.set_cookie(COOKIE, language)
            response = client.get(url)
            assert response.status_code == 200, url
            texts.append(response.get_data(as_text=True))
    return "\n".join(texts)


def test_an_anonymous_donor_is_named_nowhere_in_public_and_still_counted(
    database: Database, app: Flask, client: FlaskClient
) -> None:
    app.config["IATI_ORGANISATION"] = "XM-TEST-OAS"
    known_fund(database)
    before = figures(visit(client))
    edited(database, "ES-OBS", anonymous=True,
           names={"es": "Reino de España", "fr": "Royaume d'Espagne"})  # fmt: skip

    published = everything_public(client)
    for hidden in ("Spain", "ES-OBS", "España", "Espagne", "permanent_observer"):
        assert hidden not in published, hidden
    client.set_cookie(COOKIE, "en")
    page = visit(client)
    assert figures(page) == before, "its money still counts in the totals"
    assert tables(page)["Contributions by donor and year, USD"].texts()[1:] == [
        ["2025"],
        ["Canada", "Member state", "100,000.00", "100,000.00", ""],
        ["México", "Member state", "50,000.00", "50,000.00", ""],
        ["Anonymous donor", "", "54,250.00", "54,400.00", ""],
    ]  # fmt: skip
    assert download(client, "contributions")[3] == [
        "2025", "", "Anonymous donor", "", "54250.00", "54400.00", "0.00"]  # fmt: skip
    api = json.loads(client.get("/api/v1/public/contributions").data)
    assert [(row["donor"], row["donor_name"], row["anonymous"]) for row in api] == [
        ("CAN", "Canada", False), ("MEX", "México", False), (None, "Anonymous donor", True)]
    iati = client.get("/public/iati.xml").get_data(as_text=True)
    assert "<narrative>Anonymous donor</narrative>" in iati


def test_two_anonymous_donors_are_one_row_that_adds_up(
    database: Database, app: Flask, client: FlaskClient
) -> None:
    app.config["IATI_ORGANISATION"] = "XM-TEST-OAS"
    known_fund(database)
    edited(database, "ES-OBS", anonymous=True)
    edited(database, "MEX", anonymous=True)

    rows = tables(visit(client))["Contributions by donor and year, USD"].texts()[1:]
    assert rows == [
        ["2025"],
        ["Canada", "Member state", "100,000.00", "100,000.00", ""],
        ["Anonymous donor", "", "104,250.00", "104,400.00", ""],
    ]  # fmt: skip
    assert "México" not in everything_public(client)


def test_the_secretariat_still_sees_an_anonymous_donor_by_name(
    database: Database, app: Flask, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    edited(database, "ES-OBS", anonymous=True)
    secretariat = app.test_client()
    login_as("secretariat", client=secretariat)

    page = visit(secretariat, "/donors/ES-OBS")
    assert "Spain" in page
    assert figures(page)["In public"] == "anonymous donor"


def test_the_public_page_names_a_donor_in_the_readers_language(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    edited(database, "MEX", names={"en": "Mexico", "fr": "Mexique"})

    def donors(language: str) -> list[str]:
        client.set_cookie(COOKIE, language)
        table = next(t for caption, t in tables(visit(client)).items() if "2025" not in caption
                     and t.texts()[1:2] == [["2025"]])  # fmt: skip
        return [row[0] for row in table.texts()[2:]]

    assert donors("en") == ["Canada", "Spain", "Mexico"]
    assert donors("fr") == ["Canada", "Spain", "Mexique"]
    assert donors("es") == ["Canada", "Spain", "México"], "no Spanish name: the main one"


def test_statements_print_the_donors_name_in_their_language(database: Database) -> None:
    known_fund(database)
    edited(database, "ES-OBS", names={"es": "Reino de España", "fr": "Royaume d'Espagne"})

    with database.session() as session:
        def statement(request: Request, language: str) -> str:
            return text_of(render(session, request, issue_for("DS-2026-0001", ISSUED, language)))

        donor = Request.donor("ES-OBS", *(ISSUED.date().replace(2025, 1, 1),
                                          ISSUED.date().replace(2025, 12, 31)))  # fmt: skip
        assert "Reino de España (ES-OBS)" in statement(donor, "es")
        assert "Royaume d'Espagne (ES-OBS)" in statement(donor, "fr")
        assert "Spain (ES-OBS)" in statement(donor, "pt"), "no Portuguese name: the main one"
        fund_fr = statement(Request.fund(2025), "fr")
        assert fund_fr.count("Royaume d'Espagne (ES-OBS)") >= 2, "contributions, sources and uses"
        assert "Spain" not in fund_fr
