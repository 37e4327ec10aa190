"""Corrections seen by the donor statement and the readers: a reversed receipt is listed
as recorded and marked, the roll-forward's "other" line holds its reversal, and a
reversed pledge is owed no more (issue 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fundledger.actors import Actor
from fundledger.allocations.settings import SettingValues
from fundledger.corrections.operations import CorrectionRefused, reverse
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.models import JournalEntry
from fundledger.reporting.donor_data import donor_statement
from tests.integration.test_statements import donor_pdf

D = Decimal
SECRETARIAT = Actor("secretariat@oas.org", request_id="test")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def spain(database: Database) -> None:
    """A pledge of 50,000 EUR at 1.0850, part paid on 15 April; the payment reversed on
    1 May (the bank credited another fund)."""
    with database.transaction() as session:
        donor = create_donor(session, SECRETARIAT, code="ES-OBS", name="España",
                             type="permanent_observer", language="es")  # fmt: skip
        record_pledge(session, SECRETARIAT, donor, pledge_date=day("2025-02-10"),
                      amount=D("50000.00"), currency="EUR", rate=D("1.0850"))  # fmt: skip
        receipt = record_receipt(session, SECRETARIAT, donor, value_date=day("2025-04-15"),
                                 amount=D("30000.00"), currency="EUR", rate=D("1.1000"),
                                 reference="SWIFT-1")  # fmt: skip
        reverse(session, SECRETARIAT, session.get_one(JournalEntry, receipt.entry_id),
                reason="another fund's money", on=day("2025-05-01"))  # fmt: skip


def test_a_reversed_receipt_is_marked_and_the_pledge_owed_again(database: Database) -> None:
    spain(database)
    with database.session() as session:
        donor = session.query(Donor).filter_by(code="ES-OBS").one()
        data = donor_statement(session, donor, day("2025-01-01"), day("2025-12-31"),
                               settings=SettingValues.now(session))  # fmt: skip
        before = donor_statement(session, donor, day("2025-01-01"), day("2025-04-30"),
                                 settings=SettingValues.now(session))  # fmt: skip
    (receipt,) = data.receipts
    assert receipt.reversed_on == day("2025-05-01")
    # What it settled is owed again, and the roll-forward's "other" line says so.
    assert data.receivable.closing == D("54250.00")
    assert data.receivable.other == D("32550.00")
    assert data.outstanding_total == D("54250.00")
    # As of 30 April it was not reversed yet: the statement says what stood then.
    assert before.receipts[0].reversed_on is None
    assert before.outstanding_total == D("21700.00")


@pytest.mark.parametrize(
    ("language", "mark"),
    [("en", "Pledges — reversed on May 1, 2025"), ("es", "Promesas — revertido el 1 may 2025"),
     ("fr", "Annonces — contrepassé le 1 mai 2025"),
     ("pt", "Promessas — estornado em 1 mai. 2025")],
)  # fmt: skip
def test_the_statement_marks_the_reversed_receipt(
    database: Database, language: str, mark: str
) -> None:
    spain(database)
    with database.session() as session:
        text = donor_pdf(session, "ES-OBS", "2025-01-01", "2025-12-31", language)
    assert mark in text


def test_a_pledge_settled_in_part_is_not_reversed(database: Database) -> None:
    with database.transaction() as session:
        donor = create_donor(session, SECRETARIAT, code="MEX", name="Mexico", type="member_state")
        pledge = record_pledge(session, SECRETARIAT, donor, pledge_date=day("2025-02-10"),
                               amount=D("100.00"), currency="USD")  # fmt: skip
        record_receipt(session, SECRETARIAT, donor, value_date=day("2025-02-11"),
                       amount=D("40.00"), currency="USD")  # fmt: skip
        with pytest.raises(CorrectionRefused, match="has receipts applied to it"):
            reverse(session, SECRETARIAT, session.get_one(JournalEntry, pledge.entry_id),
                    reason="wrong")  # fmt: skip
