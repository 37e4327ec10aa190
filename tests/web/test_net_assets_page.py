"""The net-assets page (issue 14): the figures the CLI prints, by pool and class, with the
same CSV; the class totals are the trial balance's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask.testing import FlaskClient

from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.reporting.net_assets import HEADER, net_assets
from fundledger.tabular import to_csv
from tests.factories import TEST_ACTOR as ACTOR
from tests.web.downloads import csv_text

D = Decimal


def earmarked_receipt(database: Database, donor: Donor) -> None:
    with database.transaction() as session:
        mex = session.merge(donor)
        record_pledge(session, ACTOR, mex, pledge_date=dt.date(2025, 2, 10),
                      amount=D("50000.00"), currency="EUR", rate=D("1.0850"),
                      earmark="activity:5")  # fmt: skip
        record_receipt(session, ACTOR, mex, value_date=dt.date(2025, 4, 15),
                       amount=D("29980.00"), currency="EUR", rate=D("1.0700"),
                       charges=D("20.00"))  # fmt: skip


def test_the_page_shows_each_pool_and_the_class_totals(
    client: FlaskClient, login_as: Callable[..., User], database: Database, donor: Donor
) -> None:
    earmarked_receipt(database, donor)
    login_as("cajp")
    page = client.get("/reports/net-assets?as_of=2025-06-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split("Mexico (MEX) — Activity 5", 1)[1].split("</tr>", 1)[0]  # the pool, named
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == [
        "Restricted", "32,078.60", "21,700.00", "", "", "53,778.60",
    ]  # fmt: skip
    assert "Total restricted" in html
    assert "Total unrestricted" in html
    assert "the pools add up to" not in html  # the classes equal their pools

    es = client.get("/reports/net-assets?as_of=2025-06-30", headers={"Accept-Language": "es"})
    assert "Activos netos por fondo" in es.get_data(as_text=True)


def test_the_csv_is_the_function_s_figures(
    client: FlaskClient, login_as: Callable[..., User], database: Database, donor: Donor
) -> None:
    earmarked_receipt(database, donor)
    login_as("auditor")
    download = client.get("/reports/net-assets.csv?as_of=2025-06-30")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="net-assets-2025-06-30.csv"'
    )
    with database.session() as session:
        rows = net_assets(session, dt.date(2025, 6, 30)).rows()
    assert csv_text(download) == to_csv(HEADER, rows)
    assert rows[-1] == ("total restricted", "restricted", Decimal("32078.60"),
                        Decimal("21700.00"), Decimal("0.00"), Decimal("0.00"),
                        Decimal("53778.60"))  # fmt: skip


def test_a_bad_date_is_a_400_with_the_reason(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as("secretariat")
    response = client.get("/reports/net-assets?as_of=soon")
    assert response.status_code == 400
    assert "As of" in response.get_data(as_text=True)
