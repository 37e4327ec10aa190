"""Memos the application writes read in the reader's language and number format on the
journal and entry pages and in the journal's download (issue 15, finding 3), while the
stored English sentence, the hash chain and the CLI's text stay as they were."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundledger.actors import Actor
from fundledger.allocations import operations as allocations
from fundledger.db import Database
from fundledger.donors.operations import create_donor
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.hashing import content_digest
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import credit, debit, line_of, post_entry, reverse_entry
from fundledger.ledger.verify import verify_ledger
from tests.web.conftest import Browser
from tests.web.test_donor_pages import body
from tests.web.test_languages import LoginAs, choose

SECRETARIAT = Actor("secretariat@oas.org")
CAJP = Actor("cajp@oas.org")
DAY = dt.date(2025, 3, 3)

#: What each language shows for the entries :func:`ledger` posts, in its number format.
SHOWN = {
    "es": ("Pago de Spain (ES-OBS), «ABC/7»", "1.234,50 EUR deducidos por el banco",
           "1.234,50 EUR de gastos bancarios pagados con fondos con destino Actividad 5 — ",
           "Desembolso a CIM, asignación 1",
           "Reversión del asiento n.º 3: «wrong organ, see the CAJP's letter»",
           "Informe de gastos de CIM, asignación 1, Viajes"),
    "fr": ("Versement de Spain (ES-OBS), « ABC/7 »", "1\u202f234,50 EUR prélevés par la banque",
           "1\u202f234,50 EUR de frais bancaires payés sur les fonds affectés à Activité 5 — ",
           "Décaissement à CIM, allocation 1",
           "Contrepassation de l'écriture nº 3 : « wrong organ, see the CAJP's letter »",
           "Rapport de dépenses de CIM, allocation 1, Voyages"),
}  # fmt: skip
#: The same memos as stored: the record, as the CLI and the hledger export print them.
STORED = ("Receipt from ES-OBS, ABC/7", "1234.50 EUR deducted by the bank",
          "1234.50 EUR of bank charges paid from activity:5", "Disbursement to CIM, allocation 1",
          "Reversal of #3: wrong organ, see the CAJP's letter",
          "Expenditure report of CIM, allocation 1, travel")  # fmt: skip


@pytest.fixture
def ledger(database: Database) -> Database:
    """A receipt for activity 5 with bank charges (#1), a typed voucher (#2), a
    disbursement (#3), its reversal (#4), the disbursement again (#5) and what the organ
    reported spending on travel (#6)."""
    with database.transaction() as session:
        spain = create_donor(session, SECRETARIAT, code="ES-OBS", name="Spain",
                             type="permanent_observer")  # fmt: skip
        record_receipt(session, SECRETARIAT, spain, value_date=DAY, amount=Decimal("60000.00"),
                       currency="EUR", rate=Decimal("1.1"), charges=Decimal("1234.50"),
                       unpledged=True, earmark="activity:5", reference="ABC/7")  # fmt: skip
        post_entry(session, entry_date=DAY, created_by="a", memo="Typed by hand: 1234.50",
                   lines=[debit("1010", "1.00"), credit("4300", "1.00")])  # fmt: skip
        allocation = allocations.propose_allocation(
            session, SECRETARIAT, activity=5, amount=Decimal(20000), purpose="Research",
            period_start=DAY, period_end=dt.date(2025, 12, 31), pools=["ES-OBS/activity:5"],
        )  # fmt: skip
        allocations.submit_allocation(session, SECRETARIAT, allocation)
        allocations.decide_allocation(session, CAJP, allocation, decision="approve", on=DAY,
                                      reference="CP/CAJP-1/25")  # fmt: skip
        paid = allocations.disburse(session, SECRETARIAT, allocation, amount=Decimal(10000),
                                    on=DAY)  # fmt: skip
        reverse_entry(session, paid, reason="wrong organ, see the CAJP's letter", created_by="a")
        allocations.disburse(session, SECRETARIAT, allocation, amount=Decimal(10000), on=DAY)
        allocations.report_expenditure(session, SECRETARIAT, allocation, amount=Decimal(100),
                                       period_end=DAY, category="travel")  # fmt: skip
    return database


@pytest.mark.parametrize("language", ["es", "fr"])
def test_generated_memos_read_in_the_readers_language_and_number_format(
    ledger: Database, browser: Browser, login_as: LoginAs, language: str
) -> None:
    login_as("secretariat")
    receipt, charges, release, disbursement, reversal, report = SHOWN[language]
    journal = html.unescape(choose(browser, language, on="/journal"))
    for memo in (receipt, charges, release, disbursement, reversal, report):
        assert memo in journal
    assert "Typed by hand: 1234.50" in journal, "a typed memo reads as typed"
    for english in STORED:
        assert english not in journal
    assert receipt in html.unescape(body(browser.get("/journal/1")))
    assert charges in html.unescape(body(browser.get("/journal/1")))
    assert reversal in html.unescape(body(browser.get("/journal/4")))
    download = browser.get("/journal.csv").get_data(as_text=True)
    assert disbursement in download
    assert charges in download


def test_the_stored_memo_and_the_chain_are_the_english_sentence(ledger: Database) -> None:
    with ledger.session() as session:
        entries = list(session.scalars(select(JournalEntry).order_by(JournalEntry.number)))
        memos = [entry.memo for entry in entries]
        assert memos[0] == STORED[0]
        assert {*STORED[1:3]} < {posting.memo for posting in entries[0].postings}
        assert memos[1:] == ["Typed by hand: 1234.50", *STORED[3:5], STORED[3], STORED[5]]
        assert (entries[1].memo_id, entries[1].memo_params) == (None, None)
        assert entries[2].memo_id == "Disbursement to %(organ)s, allocation %(allocation)s"
        for entry in entries:  # what is hashed is the English text, as before
            assert entry.content_digest == content_digest(
                entry_date=entry.entry_date, kind=entry.kind, memo=entry.memo,
                source_ref=entry.source_ref,
                reverses_number=None if entry.reverses is None else entry.reverses.number,
                lines=[line_of(posting).canonical() for posting in entry.postings],
            )  # fmt: skip
        assert verify_ledger(session).ok
