"""Issue 16's "Done when", on issued PDFs: for a member state, an observer with earmarks
and foreign-currency receipts, and the fund as a whole, in each of the four languages, the
signature is valid, every font is embedded, /Lang is the statement's language, the attached
figures are the statement's data and the ledger's, sources and uses roll the cash forward
to the bank's balance in the trial balance, and the pages show none of the layout defects
the issue lists (headings at the foot of a page, headers split without a hyphen, dates
wrapping, a balance sheet or footnote torn from its table, rates with unequal places)."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.allocations import operations as ops
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.balances import donor_balances
from fundledger.ledger.chart import BANK
from fundledger.ledger.queries import trial_balance
from fundledger.reporting.attachments import attached
from fundledger.reporting.embedded import JSON_NAME, payload
from fundledger.reporting.i18n import LANGUAGES, Language
from fundledger.reporting.operations import issue_statement
from fundledger.reporting.queries import issue_of, request_of
from fundledger.reporting.render import Request, statement_data
from fundledger.reporting.signing import Signature, check
from fundledger.reporting.sources_uses import SOURCES, USES
from tests.integration.test_statements import (
    CAJP,
    SECRETARIAT,
    day,
    mexico_funds_activity_5,
    spain_pays_in_two_instalments,
    unrestricted_money_shared,
)
from tests.pdf_structure import fonts, language, outline, reader
from tests.signing import fund_certificate, fund_signer

YEAR = (day("2025-01-01"), day("2025-12-31"))
VERA = {"BitstreamVeraSans-Roman", "BitstreamVeraSans-Bold", "BitstreamVeraSans-Oblique"}


def france_earmarks_euros(session: Session) -> None:
    """An observer's EUR pledge earmarked to activity 8 (CIM), paid in two receipts at
    rates of different places (one with bank charges), partly spent through an allocation
    that draws on the earmark."""
    france = create_donor(session, SECRETARIAT, code="FR-OBS", name="France",
                          type="permanent_observer", language="fr")  # fmt: skip
    pledge = record_pledge(session, SECRETARIAT, france, pledge_date=day("2025-02-03"),
                           amount=D("40000.00"), currency="EUR", rate=D("1.0850"),
                           earmark="activity:8", reference="NV-FR-2025")  # fmt: skip
    record_receipt(session, SECRETARIAT, france, value_date=day("2025-03-14"),
                   amount=D("19985.00"), currency="EUR", rate=D("1.107222"), charges=D("15.00"),
                   pledges=[pledge], reference="SWIFT-FR-1")  # fmt: skip
    record_receipt(session, SECRETARIAT, france, value_date=day("2025-06-24"),
                   amount=D("20000.00"), currency="EUR", rate=D("1.1"), pledges=[pledge],
                   reference="SWIFT-FR-2")  # fmt: skip
    allocation = ops.propose_allocation(
        session, SECRETARIAT, activity=8, amount=D(30000), purpose="Training of consular staff",
        period_start=day("2025-07-01"), period_end=day("2025-11-30"), pools=["FR-OBS/activity:8"],
        gender_marker=1,
    )  # fmt: skip
    ops.submit_allocation(session, SECRETARIAT, allocation)
    ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-07-08"),
                          reference="CP/CAJP-0042/25")  # fmt: skip
    ops.disburse(session, SECRETARIAT, allocation, amount=D(30000), on=day("2025-07-15"))
    ops.report_expenditure(session, SECRETARIAT, allocation, amount=D(25000),
                           period_end=day("2025-11-30"), category="travel")  # fmt: skip


#: What is checked here is the documents (their text, structure, signature and attached
#: figures), the same from either database; the books behind them are compared with the
#: ledger on both in tests/integration/test_statement_figures.py. SQLite alone keeps the
#: 24 signed statements of the four languages within make test's time.
pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.fixture
def issued(
    database: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """Canada's (a member state's), France's and the fund's 2025 statements, issued in
    the test's language: each PDF, with the data a fresh build gives (as attached)."""
    code = request.param
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
        unrestricted_money_shared(session)
        france_earmarks_euros(session)
        requests = {"CAN": Request.donor("CAN", *YEAR), "FR-OBS": Request.donor("FR-OBS", *YEAR),
                    "fund": Request.fund(2025)}  # fmt: skip
        result = {}
        for subject, wanted in requests.items():
            record = issue_statement(session, SECRETARIAT, wanted, language=code,
                                     signer=fund_signer(), archive=tmp_path)  # fmt: skip
            data = payload(statement_data(session, request_of(record), issue_of(record).instant),
                           issue_of(record))  # fmt: skip
            result[subject] = ((tmp_path / record.path).read_bytes(), data)
    return result


def lines_of(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text (a table's cells are lines of their own), spaces
    collapsed (no-break ones too), without the running header and footer: the lines
    every page ends with, its page number aside."""
    pages = [[" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]
             for page in reader(pdf).pages]  # fmt: skip

    def shape(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    running = set.intersection(*({shape(line) for line in page[-6:]} for page in pages))
    if len(pages) == 1:
        running = set()
    for page in pages:
        while page and shape(page[-1]) in running:
            page.pop()
    return pages


@pytest.mark.parametrize("issued", LANGUAGES, indirect=True)
def test_the_documents_are_signed_embedded_and_in_their_language(
    issued: dict[str, tuple[bytes, dict[str, Any]]],
) -> None:
    for subject, (pdf, expected) in issued.items():
        code = expected["statement"]["language"]
        assert check(pdf, fund_certificate()).signature == Signature.VALID, subject
        used = fonts(pdf)
        assert {font.name.split("+")[-1] for font in used} <= VERA, (subject, used)
        assert all(font.embedded for font in used), (subject, used)
        assert language(pdf) == code, subject
        assert json.loads(attached(pdf, JSON_NAME)) == expected, subject


@pytest.mark.parametrize("issued", LANGUAGES, indirect=True)
def test_the_figures_inside_are_the_ledgers(
    issued: dict[str, tuple[bytes, dict[str, Any]]], database: Database
) -> None:
    with database.session() as session:
        bank = {r.code: r.balance for r in trial_balance(session, YEAR[1]).rows}[BANK]
        donors = {d.code: d.id for d in session.scalars(select(Donor))}
        held = {c: donor_balances(session, donors[c], [BANK])[BANK] for c in ("CAN", "FR-OBS")}
    for subject in ("CAN", "FR-OBS"):
        figures = issued[subject][1]["figures"]
        # The donor's money in the bank: its unrestricted payments less the charges
        # deducted from them, and what each of its earmarks holds at the end.
        kept = sum(D(r["usd"]) - D(r["usd_charges"]) for r in figures["receipts"])
        pools = figures["earmarked"]
        into_pools = sum(D(amount) for pool in pools for key, amount in pool["movements"]
                         if key == "received")  # fmt: skip
        held_in_pools = sum(D(pool["closing"]) for pool in pools)
        assert kept - into_pools + held_in_pools == held[subject], subject
        assert D(figures["fund"]["position"]["assets"][BANK]) == bank
    france = issued["FR-OBS"][1]["figures"]
    # 19,985 + 15 EUR at 1.107222 and 20,000 EUR at 1.1
    assert [r["usd"] for r in france["receipts"]] == ["22144.44", "22000.00"]
    [pool] = france["earmarked"]
    # Received 44,127.83 net of 16.61 charges; 30,000.00 disbursed to the CIM.
    assert (pool["earmark"], pool["closing"]) == ("activity:8", "14127.83")
    fund = issued["fund"][1]["figures"]
    assert D(fund["position"]["assets"][BANK]) == bank
    flows = fund["sources_uses"]
    for column in ("period", "inception"):
        # Opening cash + receipts − payments (+ any other movement) = closing cash = bank.
        sources = sum(D(row["flow"][column]) for row in flows["contributions"]) + sum(
            D(flows["lines"][key][column]) for key in SOURCES
        )
        uses = sum(D(flows["lines"][key][column]) for key in USES)
        rolled = D(flows["opening"][column]) + sources - uses + D(flows["other"][column])
        assert rolled == D(flows["closing"]) == bank, column


@pytest.mark.parametrize("issued", LANGUAGES, indirect=True)
def test_the_pages_show_the_roll_forward_and_no_layout_defect(
    issued: dict[str, tuple[bytes, dict[str, Any]]], database: Database
) -> None:
    with database.session() as session:
        bank = {r.code: r.balance for r in trial_balance(session, YEAR[1]).rows}[BANK]
    pdf, figures = issued["fund"]
    lang = Language.of(figures["statement"]["language"])
    _ = lang.gettext
    fund_pages = lines_of(pdf)
    fund_text = " ".join(line for page in fund_pages for line in page)
    cash = f"{_('Cash at the end (bank)')} {lang.money(bank)} {lang.money(bank)}"
    assert " ".join(cash.split()) in fund_text
    # The balance sheet is whole on one page: its first and last rows together.
    sheet = next(page for page in fund_pages if _("Bank") in page)
    assert _("Total liabilities and net assets") in sheet
    for subject, (document, _data) in issued.items():
        pages = lines_of(document)
        every = [line for page in pages for line in page]
        text = "\n".join(every)
        # A heading is never the last thing on its page: what it introduces follows it.
        for _depth, title, number in outline(document):
            page = pages[number - 1]
            at = next(i for i, line in enumerate(page) if " ".join(title.split()) in line)
            assert at < len(page) - 1, (subject, title, number)
        # Column headers break at syllables, with a hyphen.
        assert not re.search(r"(Desembols|Reintegra|Décaisse|Rembours)\n", text), subject
        # A date never wraps inside a cell: no line ends inside a date.
        assert not re.search(r"\b\d{1,2} (de )?\w{3}\.?( de)?\n\d{4}\b", text), subject
        # A † footnote shares its page with the table its mark is on.
        for page in pages:
            notes = [line for line in page if line.startswith("†")]
            marked = [line for line in page if "†" in line and not line.startswith("†")]
            assert not notes or marked, (subject, notes)
    # Rates: one column, one number of places (the most its rates were entered with).
    france = "\n".join(line for page in lines_of(issued["FR-OBS"][0]) for line in page)
    for rate in lang.rates([D("1.107222"), D("1.1")]):
        assert rate in france
    # France's money is all earmarked: no table of unrestricted shares, all zero.
    assert _("Your share") + "†" not in france
