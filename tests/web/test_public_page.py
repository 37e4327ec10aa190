"""The public page of the Fund: anyone, without an account, sees where the money came from
and where it went, in their language, and downloads each table; the figures are the
dashboard's and the fund statement's, read once per state of the books. Over the fund of
the worked examples (tests/web/test_dashboards.py, ``known_fund``)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from fundledger import create_app
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from fundledger.web.database import get_database
from fundledger.web.i18n import COOKIE
from tests.factories import statements_sent
from tests.web.downloads import csv_text
from tests.web.test_dashboards import (
    SETUP,
    day,
    decide,
    donor_named,
    known_fund,
    submitted,
    tables,
    words,
)
from tests.web.test_pages import figures

D = Decimal
TOTALS = ("Pledged", "Received", "Allocated", "Disbursed", "Spent")


def visit(client: FlaskClient, url: str = "/public") -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def download(client: FlaskClient, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text(client.get(f"/public/{name}.csv")))))


def test_anyone_sees_the_funds_totals_without_signing_in(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    page = visit(client)

    assert figures(page) == {
        "Pledged": "$104,250.00",
        "Received": "$204,400.00",
        "Allocated": "$95,000.00",
        "Disbursed": "$35,000.00",
        "Spent": "$31,500.00",
    }
    assert tables(page)["By fiscal year, USD"].row("2025")[1:3] == ["104,250.00", "204,400.00"]
    assert "<svg" in page, "progress over time as a chart"


def test_the_totals_are_the_secretariats_dashboard_figures(
    database: Database, app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    secretariat = app.test_client()
    login_as("secretariat", client=secretariat)
    dashboard = figures(visit(secretariat, "/"))

    assert figures(visit(client)) == {label: dashboard[label] for label in TOTALS}


def test_contributions_by_donor_and_year_name_no_contact(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    with database.transaction() as session:
        donor_named(database, "CAN")  # the fund of the worked examples is there
        session.merge(donor_named(database, "MEX")).contact = "focal.point@sre.gob.mx"
    page = visit(client)

    assert tables(page)["Contributions by donor and year, USD"].texts()[1:] == [
        ["2025"],
        ["Canada", "Member state", "100,000.00", "100,000.00", ""],
        ["Spain", "Permanent observer", "54,250.00", "54,400.00", ""],  # paid EUR 50,000
        ["México", "Member state", "50,000.00", "50,000.00", ""],
    ]  # fmt: skip
    assert "focal.point" not in page
    assert download(client, "contributions")[1:] == [
        ["2025", "CAN", "Canada", "member_state", "100000.00", "100000.00", "0.00"],
        ["2025", "ES-OBS", "Spain", "permanent_observer", "54250.00", "54400.00", "0.00"],
        ["2025", "MEX", "México", "member_state", "50000.00", "50000.00", "0.00"],
    ]


def test_allocations_show_their_cajp_decisions_and_add_up_to_the_totals(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    page = visit(client)

    rows = tables(page)["Allocations by CAJP decision, USD"].texts()[1:]
    assert [row[:2] for row in rows] == [["CP/CAJP-0000/25", "Mar 18, 2025"],
                                         ["CP/CAJP-2/25", "May 1, 2025"]]  # fmt: skip
    assert [row[2][:2] for row in rows] == ["5.", "1."]
    assert [row[3] for row in rows] == ["CIM", "IACHR"]
    assert [row[5:] for row in rows] == [
        ["35,000.00", "35,000.00", "31,500.00"],
        ["60,000.00", "", ""],
    ]  # returned allocation #3 and submitted #4 are no allocations yet
    lines = download(client, "allocations")
    assert lines[0] == ["decision_date", "decision_reference", "allocation", "activity",
                        "activity_title", "organ", "objectives", "approved", "disbursed",
                        "spent"]  # fmt: skip
    sums = [sum(D(line[column]) for line in lines[1:]) for column in (7, 8, 9)]
    assert sums == [D("95000.00"), D("35000.00"), D("31500.00")], "the page's totals"
    by_organ = {line[0]: line[2:] for line in download(client, "by-organ")[1:]}
    assert by_organ == {"CIM": ["0.00", "35000.00", "35000.00", "31500.00"],
                        "IACHR": ["0.00", "60000.00", "0.00", "0.00"]}  # fmt: skip
    assert "By specific objective, USD" in tables(page)


def test_the_csv_downloads_are_safe_in_a_spreadsheet(
    database: Database, client: FlaskClient
) -> None:
    with database.transaction() as session:
        donor = create_donor(session, SETUP, code="EVIL", name='=HYPERLINK("http://x","y")',
                             type="other")  # fmt: skip
        record_receipt(session, SETUP, donor, value_date=day("2025-01-10"),
                       amount=D("10.00"), currency="USD", unpledged=True)  # fmt: skip

    assert download(client, "contributions")[1][2] == '\'=HYPERLINK("http://x","y")'
    assert client.get("/public/donors.csv").status_code == 404


def test_the_page_speaks_the_readers_language(database: Database, client: FlaskClient) -> None:
    known_fund(database)
    client.set_cookie(COOKIE, "es")
    page = visit(client)

    assert "<h1>El Fondo en cifras</h1>" in page
    assert figures(page)["Recibido"] == "204.400,00 US$"
    assert "Contribuciones por donante y año, USD" in tables(page)


def test_tables_have_captions_and_headers_say_what_they_head(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    page = visit(client)

    assert page.count("<table") == page.count("<caption") == 6
    headers = re.findall(r"<th\b[^>]*>", page)
    assert headers
    assert all("scope=" in header for header in headers)


def test_a_stranger_finds_the_page_from_the_sign_in_page(client: FlaskClient) -> None:
    assert 'href="/public"' in visit(client, "/login")
    assert "Nothing has been recorded yet." in words(visit(client))


def test_the_figures_are_read_again_only_when_the_books_change(
    database: Database, app: Flask, client: FlaskClient
) -> None:
    known_fund(database)
    visit(client)
    with statements_sent(get_database(app).engine) as statements:
        visit(client)
    assert [sql for sql in statements if sql != "BEGIN"] == [statements[-1]], (
        "one question, the books' state; the figures kept for it answer the rest"
    )

    with database.transaction() as session:  # a new journal entry
        record_receipt(session, SETUP, donor_named(database, "CAN"), value_date=day("2025-02-01"),
                       amount=D("1000.00"), currency="USD", unpledged=True)  # fmt: skip
    assert figures(visit(client))["Received"] == "$205,400.00"
    decide(database, submitted(database, 29, "30000.00", "unrestricted"), "approve", "2025-06-10")
    assert figures(visit(client))["Allocated"] == "$125,000.00", "a decision posts no entry"


def test_the_page_is_read_only(client: FlaskClient) -> None:
    for method in ("POST", "PUT", "DELETE"):
        assert client.open("/public", method=method).status_code == 405, method


def test_the_iati_file_is_published_once_the_fund_has_an_identifier(
    database: Database, app: Flask, client: FlaskClient
) -> None:
    known_fund(database)
    assert client.get("/public/iati.xml").status_code == 404
    assert "/public/iati.xml" not in visit(client)

    app.config["IATI_ORGANISATION"] = "XM-TEST-OAS"
    assert 'href="/public/iati.xml"' in visit(client)
    response = client.get("/public/iati.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own file
    assert root.get("version") == "2.03"
    assert root.findtext("iati-activity/iati-identifier") == "XM-TEST-OAS-FUND"


def test_the_page_is_kept_per_language_and_made_again_when_the_books_change(
    database: Database, client: FlaskClient
) -> None:
    known_fund(database)
    for language, heading in (("en", "The Fund in figures"), ("es", "El Fondo en cifras"),
                              ("en", "The Fund in figures")):  # fmt: skip
        client.set_cookie(COOKIE, language)
        assert f"<h1>{heading}</h1>" in visit(client), language

    with database.transaction() as session:
        record_receipt(session, SETUP, donor_named(database, "CAN"), value_date=day("2025-02-01"),
                       amount=D("1000.00"), currency="USD", unpledged=True)  # fmt: skip
    assert figures(visit(client))["Received"] == "$205,400.00"


def test_a_visitor_without_a_session_gets_the_page_without_a_cookie_and_a_304_after(
    database: Database, app: Flask
) -> None:
    """What keeps the page fast under load (docs/PERFORMANCE.md): one page per language
    and state of the books, sent whole, revalidated by ETag, never stale."""
    known_fund(database)
    client = app.test_client(use_cookies=False)
    first = client.get("/public")
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers, "no session for a visitor"
    assert first.headers["Cache-Control"] == "no-cache"
    assert {"Cookie", "Accept-Language"} <= set(first.vary)
    etag = first.headers["ETag"]

    again = client.get("/public", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""

    with database.transaction() as session:
        record_receipt(session, SETUP, donor_named(database, "CAN"), value_date=day("2025-02-01"),
                       amount=D("1000.00"), currency="USD", unpledged=True)  # fmt: skip
    changed = client.get("/public", headers={"If-None-Match": etag})
    assert changed.status_code == 200, "the receipt shows at once"
    assert figures(changed.get_data(as_text=True))["Received"] == "$205,400.00"
    assert changed.headers["ETag"] != etag


def test_each_language_has_its_own_kept_page(database: Database, app: Flask) -> None:
    known_fund(database)
    client = app.test_client(use_cookies=False)
    headings = {"en": "The Fund in figures", "es": "El Fondo en cifras",
                "fr": "Le Fonds en chiffres", "pt": "O Fundo em números"}  # fmt: skip
    etags = set()
    for _ in range(2):
        for language, heading in headings.items():
            response = client.get("/public", headers={"Accept-Language": language})
            page = response.get_data(as_text=True)
            assert f'<html lang="{language}">' in page
            assert f"<h1>{heading}</h1>" in page, language
            etags.add(response.headers["ETag"])
    assert len(etags) == len(headings)


def test_every_worker_sees_a_new_receipt(database: Database, app: Flask) -> None:
    """gunicorn runs several processes, each with its own kept pages: each asks the books'
    state on every request, so none serves the figures of before a posting."""
    known_fund(database)
    other = create_app(dict(app.config))
    workers = [app.test_client(use_cookies=False), other.test_client(use_cookies=False)]
    for worker in workers:
        assert figures(visit(worker))["Received"] == "$204,400.00"

    with database.transaction() as session:
        record_receipt(session, SETUP, donor_named(database, "CAN"), value_date=day("2025-02-01"),
                       amount=D("1000.00"), currency="USD", unpledged=True)  # fmt: skip
    for worker in workers:
        assert figures(visit(worker))["Received"] == "$205,400.00"
    get_database(other).dispose()


def test_a_signed_in_visitor_sees_their_own_header_and_no_one_keeps_it(
    database: Database, app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    known_fund(database)
    visit(app.test_client(use_cookies=False))  # the visitors' page is kept
    login_as("auditor", client=client)
    response = client.get("/public")
    assert "Sign out" in words(response.get_data(as_text=True))
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "Sign out" not in words(visit(app.test_client(use_cookies=False)))


def test_a_query_string_does_not_reach_the_kept_page(database: Database, app: Flask) -> None:
    known_fund(database)
    client = app.test_client(use_cookies=False)
    assert 'name="next" value="/public?x=1"' in visit(client, "/public?x=1")
    assert 'name="next" value="/public"' in visit(client)
