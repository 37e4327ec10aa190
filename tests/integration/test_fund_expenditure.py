"""Where the fund statement says the money went (issue 16): expenditure by the eight UN
harmonised categories and transfers by implementing organ, reconciled with the ledger
and read back from the PDF in every language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fundledger.allocations.categories import CATEGORIES
from fundledger.allocations.models import AllocationEvent
from fundledger.db import Database
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.operations import reverse_entry
from fundledger.ledger.periods import fiscal_year
from fundledger.ledger.queries import trial_balance
from fundledger.reporting.embedded import payload
from fundledger.reporting.fund_data import fund_statement
from fundledger.reporting.render import Request, issue_for, render
from tests.integration.test_fund_period import three_examples
from tests.integration.test_statements import day, text_of

ISSUED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_expenditure_by_category_lists_all_eight_and_equals_the_expenses(
    database: Database,
) -> None:
    """Every category is listed, zeros included; the lines add up to the period's program
    expenditure and indirect support costs; a reversed report nets out of its category."""
    three_examples(database)
    with database.transaction() as session:
        report = session.scalars(
            select(JournalEntry)
            .join(AllocationEvent, AllocationEvent.entry_id == JournalEntry.id)
            .where(AllocationEvent.category == "general_operating")
            .order_by(JournalEntry.id)
        ).first()  # activity 1's, 60,000
        assert report is not None
        reverse_entry(session, report, reason="filed twice", created_by="sec@oas.org",
                      entry_date=day("2025-12-20"))  # fmt: skip
    with database.session() as session:
        data = fund_statement(session, *fiscal_year(2025), edition=3)
    assert data.by_category is not None
    amounts = {line.category: line.amount for line in data.by_category}
    assert list(amounts) == list(CATEGORIES)
    assert amounts == {
        **dict.fromkeys(CATEGORIES, D("0.00")),
        "contractual_services": D("31500.00"),
        "general_operating": D("40000.00"),  # 60,000 + 40,000 reported, 60,000 reversed
    }
    expenses = {line.key: line.total for line in data.changes.lines}
    assert sum(amounts.values(), D(0)) == -(expenses["5100"] + expenses.get("5200", D(0)))
    embedded = payload(data, None)["figures"]["by_category"]  # the figures the PDF carries
    assert {row["category"]: D(row["amount"]) for row in embedded} == amounts


def test_transfers_by_organ_roll_forward_to_the_advances(database: Database) -> None:
    """Held at the start + transferred − reported − refunded = held at the end, for each
    organ, and the organs together hold what the advances account holds; a report is due
    once an allocation's period is over while its organ holds some of its advances."""
    three_examples(database)
    with database.session() as session:
        year = fund_statement(session, *fiscal_year(2025), edition=3)
        later = fund_statement(session, day("2025-06-01"), day("2026-01-15"), edition=3)
        after = fund_statement(session, day("2026-01-01"), day("2026-03-01"), edition=3)
        advances = {d: {r.code: r.balance for r in trial_balance(session, day(d)).rows}
                    .get("1200", D("0.00"))
                    for d in ("2025-12-31", "2026-01-15", "2026-03-01")}  # fmt: skip
    for data, held in ((year, advances["2025-12-31"]), (later, advances["2026-01-15"]),
                       (after, advances["2026-03-01"])):  # fmt: skip
        assert data.organ_transfers is not None
        for row in data.organ_transfers:
            assert row.opening + row.transferred - row.reported - row.returned == row.closing
        assert sum((row.closing for row in data.organ_transfers), D(0)) == held
    assert year.organ_transfers is not None
    assert later.organ_transfers is not None
    cim = {row.organ: row for row in year.organ_transfers}["CIM"]
    assert (cim.opening, cim.transferred, cim.reported, cim.returned, cim.closing,
            cim.reports_due) == (D("0.00"), D("35000.00"), D("31500.00"), D("0.00"),
                                 D("3500.00"), 0)  # fmt: skip
    assert {row.organ: row.reports_due for row in later.organ_transfers}["CIM"] == 1
    assert after.organ_transfers is not None
    cim = {row.organ: row for row in after.organ_transfers}["CIM"]
    assert (cim.opening, cim.returned, cim.closing, cim.reports_due) == (
        D("3500.00"), D("3500.00"), D("0.00"), 0)  # fmt: skip
    assert sum((row.transferred for row in year.organ_transfers), D(0)) == D("135000.00")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Expenditure by category", "Contractual services 31,500.00",
                "Equipment, vehicles and furniture 0.00", "Transfers by implementing organ",
                "Total 0.00 135,000.00 131,500.00 0.00 3,500.00 0"]),
        ("es", ["Gastos por categoría", "Servicios por contrata 31.500,00",
                "Transferencias por órgano ejecutor"]),
        ("fr", ["Dépenses par catégorie", "Services contractuels 31 500,00",
                "Transferts par organe d'exécution"]),
        ("pt", ["Despesas por categoria", "Serviços contratuais 31.500,00",
                "Transferências por órgão executor"]),
    ],
)  # fmt: skip
def test_the_sections_in_each_language(
    database: Database, language: str, expected: list[str]
) -> None:
    three_examples(database)
    with database.session() as session:
        pdf = render(session, Request.fund(2025), issue_for("FS-2026-0003", ISSUED, language))
    text = text_of(pdf).replace("\u202f", " ")
    for figure in expected:
        assert figure in text, figure
