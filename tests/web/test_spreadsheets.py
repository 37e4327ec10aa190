"""Every table the pages offer downloads as CSV (with a byte-order mark, so that "España"
opens cleanly in Excel) and as an Excel workbook with the same values, typed (issues 15
and 18; docs/EXPORTS.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from fundledger.auth.access import rule_for
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import create_donor, set_rate
from fundledger.public.tables import DOWNLOADS
from fundledger.tabular import TEXT_MARK, to_csv
from fundledger.workbook import AMOUNT_FORMAT, DATE_FORMAT
from tests.integration.test_statements import (
    SECRETARIAT,
    mexico_funds_activity_5,
    spain_pays_in_two_instalments,
)
from tests.web.conftest import Browser
from tests.web.downloads import csv_text, sheet
from tests.web.test_csv_exports import HOSTILE
from tests.web.test_statement_pages import issued

LoginAs = Callable[..., User]

#: Each table checked cell by cell: its address (without the extension and with its query),
#: the columns that hold amounts in USD and the columns that hold dates.
TABLES = [
    ("/journal", ("debit", "credit"), ("date",)),
    ("/donors", (), ()),
    ("/pledges", ("usd", "outstanding_usd"), ("date",)),
    ("/receipts", ("usd", "unapplied_usd"), ("date",)),
    ("/allocations", ("requested", "disbursed", "spent"), ("period_start", "period_end")),
    ("/reports/net-assets?as_of=2026-03-01", ("cash", "receivables", "net_assets"), ()),
    ("/statements", (), ()),
    ("/available", ("money", "committed", "available"), ()),
    ("/reports/ageing?as_of=2025-03-01", ("not_due", "total"), ()),
    ("/trial-balance", ("debit", "credit"), ()),
    ("/rates", (), ("date",)),
]


def url(table: str, extension: str) -> str:
    path, _, query = table.partition("?")
    return f"{path}.{extension}" + (f"?{query}" if query else "")


def typed(cell: Cell) -> object:
    """A workbook cell as the value its row held: a number with the places its format
    shows (asserting that the double read back is that decimal exactly), a date cell as
    a date."""
    value = cell.value
    if isinstance(value, int | float) and cell.number_format.startswith("#,##0"):
        places = cell.number_format.partition(".")[2].count("0")
        exact = Decimal(repr(value))
        assert exact == exact.quantize(Decimal(1).scaleb(-places)), (cell.coordinate, value)
        return exact.quantize(Decimal(1).scaleb(-places))
    if isinstance(value, dt.datetime) and cell.number_format == DATE_FORMAT:
        return value.date()
    return value


def as_csv(book: Worksheet) -> str:
    """The CSV the workbook's typed values make, by the one CSV writer."""
    header, *rows = [[typed(cell) for cell in row] for row in book.iter_rows()]
    return to_csv([str(name) for name in header], rows)


def column(book: Worksheet, name: str) -> list[Cell]:
    header = [cell.value for cell in book[1]]
    return [row[header.index(name)] for row in book.iter_rows(min_row=2)]


def assert_workbook_is_the_csv(
    client: FlaskClient, table: str, amounts: Sequence[str] = (), dates: Sequence[str] = ()
) -> None:
    book = sheet(client.get(url(table, "xlsx")))
    assert as_csv(book) == csv_text(client.get(url(table, "csv"))), table
    assert book.freeze_panes == "A2", table
    assert all(cell.font.bold for cell in book[1]), table
    for name in amounts:
        cells = [cell for cell in column(book, name) if cell.value is not None]
        assert cells, (table, name, "no amount to check")
        assert {(cell.data_type, cell.number_format) for cell in cells} == {
            ("n", AMOUNT_FORMAT)
        }, (table, name)
    for name in dates:
        cells = [cell for cell in column(book, name) if cell.value is not None]
        assert cells, (table, name, "no date to check")
        assert all(cell.is_date for cell in cells), (table, name)


@pytest.fixture
def books(database: Database) -> None:
    """Spain (España) pays its 2025 pledge in two instalments; Mexico's earmarked money
    funds activity 5 (the statements' worked examples); a yen rate of four places."""
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
        set_rate(session, SECRETARIAT, currency="JPY", on=dt.date(2025, 2, 10),
                 rate=Decimal("0.0067"))  # fmt: skip


@pytest.mark.usefixtures("books")
def test_each_table_s_workbook_holds_its_csv_s_values_typed(
    app: Flask, client: FlaskClient, login_as: LoginAs, tmp_path: Path
) -> None:
    app.config["STATEMENTS_DIR"] = str(tmp_path)
    login_as("secretariat")
    issued(Browser(client), "donor", donor="ES-OBS", start="2025-01-01", end="2025-12-31")
    for table, amounts, dates in TABLES:
        assert csv_text(client.get(url(table, "csv"))).count("\n") > 1, f"{table} has rows"
        assert_workbook_is_the_csv(client, table, amounts, dates)
    # The rate as set, not rounded to cents (the rates CSV showed 0.01).
    assert "JPY,2025-02-10,0.0067," in csv_text(client.get("/rates.csv"))


@pytest.mark.usefixtures("books")
def test_the_web_csv_starts_with_a_byte_order_mark_so_spain_opens_cleanly(
    client: FlaskClient, login_as: LoginAs
) -> None:
    login_as("auditor")
    response = client.get("/donors.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "ES-OBS,España," in response.data.decode("utf-8-sig")
    assert response.headers["Content-Disposition"] == 'attachment; filename="donors.csv"'
    workbook = client.get("/donors.xlsx")
    assert workbook.headers["Content-Disposition"] == 'attachment; filename="donors.xlsx"'
    assert "España" in [cell.value for cell in column(sheet(workbook), "name")]


def test_a_donor_name_that_looks_like_a_formula_stays_text_in_both(
    database: Database, client: FlaskClient, login_as: LoginAs
) -> None:
    with database.transaction() as session:
        for number, name in enumerate(HOSTILE):
            create_donor(session, SECRETARIAT, code=f"D{number}", name=name, type="member_state")
    login_as("auditor")
    assert sorted(csv_text(client.get("/donors.csv")).splitlines()[1:]) == sorted(
        f"D{number},{TEXT_MARK}{name},member_state,,en,yes"
        if "," not in name and '"' not in name
        else f'D{number},"{TEXT_MARK}{name.replace(chr(34), chr(34) * 2)}",member_state,,en,yes'
        for number, name in enumerate(HOSTILE)
    )
    cells = column(sheet(client.get("/donors.xlsx")), "name")
    assert sorted(cell.value for cell in cells) == sorted(HOSTILE)
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells), "editing the cell keeps it text"


@pytest.mark.usefixtures("books")
def test_each_public_table_downloads_as_csv_and_as_a_workbook(client: FlaskClient) -> None:
    """No sign-in: the public page links both files of each table, and they agree."""
    page = client.get("/public").get_data(as_text=True)
    for name in DOWNLOADS:
        assert f'href="/public/{name}.csv"' in page
        assert f'href="/public/{name}.xlsx"' in page
        amounts = {"fund-years": ("pledged", "received"),
                   "contributions": ("contributions", "received"),
                   "allocations": ("approved", "disbursed")}.get(name, ("allocated",))  # fmt: skip
        dates = ("decision_date",) if name == "allocations" else ()
        assert_workbook_is_the_csv(client, f"/public/{name}", amounts, dates)
    assert client.get("/public/donors.xlsx").status_code == 404


def test_every_table_with_a_csv_has_a_workbook_under_the_same_rule(app: Flask) -> None:
    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}
    tables = [rule for path, rule in rules.items() if path.endswith(".csv")]
    assert len(tables) >= 20
    for csv_rule in tables:
        twin = rules.get(csv_rule.rule.removesuffix(".csv") + ".xlsx")
        assert twin is not None, f"{csv_rule.rule} has no .xlsx"
        assert twin.endpoint == csv_rule.endpoint.removesuffix("_csv") + "_xlsx"
        assert rule_for(app, twin.endpoint) == rule_for(app, csv_rule.endpoint), twin.endpoint


_HREF = re.compile(r'href="([^"]+)\.(csv|xlsx)(\?[^"]*)?"')


@pytest.mark.usefixtures("books")
def test_every_page_offering_a_csv_offers_the_workbook(
    app: Flask, client: FlaskClient, login_as: LoginAs
) -> None:
    """Every page each role reaches (those without a variable in their address), and the
    public page: each link to a CSV has its workbook beside it, with the same query."""
    pages = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
        and not rule.rule.endswith((".csv", ".xlsx", ".pdf", ".xml", ".json"))
        and not rule.rule.startswith(("/static", "/api"))
    )  # fmt: skip
    offering: set[str] = set()
    for role in ("secretariat", "auditor", "admin"):
        login_as(role, email=f"{role}@example.org")
        for page in pages:
            response = client.get(page)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            links = {(match[0], match[1], match[2]) for match in _HREF.findall(response.text)}
            for base, extension, query in links:
                if extension == "csv":
                    offering.add(page)
                    assert (base, "xlsx", query) in links, f"{page} ({role}): {base}.csv{query}"
    assert len(offering) >= 20, sorted(offering)
    assert {"/journal", "/donors", "/pledges", "/statements", "/reports/net-assets",
            "/allocations", "/public", "/"} <= offering  # fmt: skip
