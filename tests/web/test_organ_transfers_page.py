"""Transfers by implementing organ on a page and as CSV/XLSX (issue 16): the figures the
fund statement prints, for any period, for the Secretariat, the CAJP and auditors, in
each language; a donor login is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal as D

import pytest
from flask.testing import FlaskClient

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.reporting.organ_transfers import HEADER, table_rows, transfers_by_organ
from fundledger.tabular import to_csv
from tests.integration.test_statements import mexico_funds_activity_5, unrestricted_money_shared
from tests.web.downloads import csv_text, sheet

YEAR = "from=2025-01-01&to=2025-12-31"


@pytest.fixture
def transfers(database: Database) -> None:
    """CIM: 35,000 transferred, 31,500 spent in 2025, 3,500 returned on 31 January 2026;
    IACHR and DLAS spend all they were sent (WORKED-EXAMPLES §2 and §3)."""
    with database.transaction() as session:
        mexico_funds_activity_5(session)
        unrestricted_money_shared(session)


def cells(html: str, row: str) -> list[str]:
    line = html.split(row, 1)[1].split("</tr>", 1)[0]
    return [cell.split(">")[-1] for cell in line.split("</td>")[:-1]]


@pytest.mark.usefixtures("transfers")
@pytest.mark.parametrize("role", ["secretariat", "cajp", "auditor"])
def test_each_reader_sees_each_organ_roll_forward(
    client: FlaskClient, login_as: Callable[..., User], role: str
) -> None:
    login_as(role)
    page = client.get(f"/reports/organ-transfers?{YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Transfers by implementing organ</h1>" in html
    # held at the start, transferred, reported, refunded, held at the end, reports due
    assert cells(html, "CIM — Inter-American Commission of Women") == [
        "0.00", "35,000.00", "31,500.00", "0.00", "3,500.00", "0"]  # fmt: skip
    assert cells(html, "IACHR — ") == ["0.00", "60,000.00", "60,000.00", "0.00", "0.00", "0"]
    assert cells(html, "<tfoot>") == [
        "0.00", "135,000.00", "131,500.00", "0.00", "3,500.00", "0"]  # fmt: skip
    assert "Corrections" not in html  # a column only when some line has one
    # In January 2026 the CIM's allocation is over and its 3,500 not yet accounted for.
    january = client.get("/reports/organ-transfers?from=2026-01-01&to=2026-01-15")
    assert cells(january.get_data(as_text=True), "CIM — ") == [
        "3,500.00", "0.00", "0.00", "0.00", "3,500.00", "1"]  # fmt: skip
    later = client.get("/reports/organ-transfers?from=2026-01-01&to=2026-03-01")
    assert cells(later.get_data(as_text=True), "CIM — ") == [
        "3,500.00", "0.00", "0.00", "3,500.00", "0.00", "0"]  # fmt: skip


@pytest.mark.usefixtures("transfers")
def test_the_downloads_are_the_statement_s_figures(
    client: FlaskClient, login_as: Callable[..., User], database: Database
) -> None:
    login_as("auditor")
    with database.session() as session:
        rows = table_rows(transfers_by_organ(session, dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    download = client.get(f"/reports/organ-transfers.csv?{YEAR}")
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="organ-transfers-2025-01-01-2025-12-31.csv"'
    )
    assert csv_text(download) == to_csv(HEADER, rows)
    assert rows[0][:3] == ("CIM", "Inter-American Commission of Women (CIM)", D("0.00"))
    book = sheet(client.get(f"/reports/organ-transfers.xlsx?{YEAR}"))
    values = [[cell.value for cell in line] for line in book.iter_rows()]
    assert values[0] == list(HEADER)
    assert values[1][:8] == ["CIM", "Inter-American Commission of Women (CIM)",
                             0, 35000, 31500, 0, 0, 3500]  # fmt: skip


@pytest.mark.usefixtures("transfers")
@pytest.mark.parametrize(
    ("language", "title", "column"),
    [("es", "Transferencias por órgano ejecutor", "Gastos informados"),
     ("fr", "Transferts par organe d’exécution", "Dépenses déclarées"),
     ("pt", "Transferências por órgão executor", "Despesas informadas")],
)  # fmt: skip
def test_the_page_speaks_each_language(
    client: FlaskClient, login_as: Callable[..., User], language: str, title: str, column: str
) -> None:
    login_as("cajp")
    page = client.get(f"/reports/organ-transfers?{YEAR}", headers={"Accept-Language": language})
    html = page.get_data(as_text=True).replace("&#39;", "’").replace("'", "’")
    assert f"<h1>{title}</h1>" in html
    assert column in html
    assert "35.000,00" in html or "35\u202f000,00" in html


def test_a_donor_is_refused_and_bad_dates_are_a_400(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as("donor")
    assert client.get("/reports/organ-transfers").status_code == 403
    login_as("secretariat")
    assert client.get("/reports/organ-transfers").status_code == 200  # this year to date
    wrong = client.get("/reports/organ-transfers?from=2025-12-31&to=2025-01-01")
    assert wrong.status_code == 400
    assert "before it starts" in wrong.get_data(as_text=True)
    assert client.get("/reports/organ-transfers.csv?from=soon").status_code == 400
