"""Rates on statements (issue 16, layout): a column of rates has one number of places,
the most its rates were entered with, so that it aligns; read from the PDF."""

from __future__ import annotations

from decimal import Decimal as D

from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from tests.integration.test_statements import SECRETARIAT, day, donor_pdf


def test_a_column_of_rates_aligns_in_every_language(database: Database) -> None:
    with database.transaction() as session:
        spain = create_donor(session, SECRETARIAT, code="ES-OBS", name="España",
                             type="permanent_observer")  # fmt: skip
        for on, rate in (("2025-02-10", "1.06602"), ("2025-03-10", "1.0850")):
            record_pledge(session, SECRETARIAT, spain, pledge_date=day(on), amount=D("1000.00"),
                          currency="EUR", rate=D(rate))  # fmt: skip
        for on, rate in (("2025-04-15", "1.107222"), ("2025-05-15", "1.1")):
            record_receipt(session, SECRETARIAT, spain, value_date=day(on),
                           amount=D("1000.00"), currency="EUR", rate=D(rate),
                           unpledged=True)  # fmt: skip
        texts = {language: donor_pdf(session, "ES-OBS", "2025-01-01", "2025-12-31", language)
                 for language in ("en", "pt")}  # fmt: skip
    for expected in ("1.06602", "1.08500", "1.107222", "1.100000"):
        assert expected in texts["en"], expected
    for expected in ("1,06602", "1,08500", "1,107222", "1,100000"):
        assert expected in texts["pt"], expected
