"""Statements built through the real operations, checked to the cent against
WORKED-EXAMPLES.md §1–3 and against the ledger, in every language."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.budgets import decide_budget, propose_budget
from fundledger.allocations.models import Allocation
from fundledger.allocations.queries import cajp_queue
from fundledger.allocations.settings import SettingValues
from fundledger.db import Database
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.ledger.periods import fiscal_year
from fundledger.ledger.queries import trial_balance
from fundledger.reporting.donor_data import donor_statement
from fundledger.reporting.fund_data import fund_statement
from fundledger.reporting.pack_data import meeting_pack
from fundledger.reporting.render import Request, issue_for, render
from tests.pdf_structure import fonts, outline

D = Decimal
SECRETARIAT = Actor("secretariat@oas.org", request_id="test")
CAJP = Actor("cajp@oas.org", request_id="test")
ISSUED = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def text_of(pdf: bytes) -> str:
    """The PDF's text as one line: wrapped lines joined, no-break spaces as plain spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def donor_pdf(session: Session, code: str, start: str, end: str, language: str) -> str:
    request = Request.donor(code, day(start), day(end))
    return text_of(render(session, request, issue_for("DS-2026-0007", ISSUED, language)))


# --- the worked examples, through the operations --------------------------------------


def spain_pays_in_two_instalments(session: Session) -> Donor:
    """§1: EUR 50,000 pledged at 1.0850, paid 30,000 (charges 20) at 1.1000 and 20,000
    at 1.0700."""
    spain = create_donor(session, SECRETARIAT, code="ES-OBS", name="España",
                         type="permanent_observer", language="es")  # fmt: skip
    record_pledge(session, SECRETARIAT, spain, pledge_date=day("2025-02-10"),
                  amount=D("50000.00"), currency="EUR", rate=D("1.0850"),
                  reference="NV-2025-017")  # fmt: skip
    record_receipt(session, SECRETARIAT, spain, value_date=day("2025-04-15"),
                   amount=D("29980.00"), currency="EUR", rate=D("1.1000"), charges=D("20.00"),
                   reference="SWIFT-1")  # fmt: skip
    record_receipt(session, SECRETARIAT, spain, value_date=day("2025-09-30"),
                   amount=D("20000.00"), currency="EUR", rate=D("1.0700"),
                   reference="SWIFT-2")  # fmt: skip
    return spain


def mexico_funds_activity_5(session: Session) -> Allocation:
    """§2: USD 50,000 earmarked to activity 5, 35,000 approved of 40,000, two tranches,
    31,500 spent, 3,500 returned at close."""
    mexico = create_donor(session, SECRETARIAT, code="MEX", name="México",
                          type="member_state", language="es")  # fmt: skip
    pledge = record_pledge(session, SECRETARIAT, mexico, pledge_date=day("2025-01-20"),
                           amount=D(50000), currency="USD", earmark="activity:5")  # fmt: skip
    record_receipt(session, SECRETARIAT, mexico, value_date=day("2025-01-20"), amount=D(50000),
                   currency="USD", pledges=[pledge])  # fmt: skip
    allocation = ops.propose_allocation(
        session, SECRETARIAT, activity=5, amount=D(40000), purpose="Research on female migration",
        period_start=day("2025-03-04"), period_end=day("2025-12-31"), pools=["MEX/activity:5"],
        gender_marker=2,
    )  # fmt: skip
    ops.submit_allocation(session, SECRETARIAT, allocation)
    ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-03-18"),
                          reference="CP/CAJP-0000/25", approved_amount=D(35000))  # fmt: skip
    ops.disburse(session, SECRETARIAT, allocation, amount=D(20000), on=day("2025-04-01"))
    ops.disburse(session, SECRETARIAT, allocation, amount=D(15000), on=day("2025-07-01"))
    ops.report_expenditure(session, SECRETARIAT, allocation, amount=D(31500),
                           period_end=day("2025-12-15"),
                           category="contractual_services")  # fmt: skip
    ops.close_allocation(session, SECRETARIAT, allocation, on=day("2026-01-31"))
    return allocation


def unrestricted_money_shared(session: Session) -> None:
    """§3: Canada gives 100,000 unrestricted, the United States 300,000, so Canada gave
    25 % of the unrestricted money; two allocations of 60,000 (activity 1, IACHR) and
    40,000 (activity 29, Department of Legal Affairs) are spent in full."""
    canada = create_donor(session, SECRETARIAT, code="CAN", name="Canada", type="member_state")
    usa = create_donor(session, SECRETARIAT, code="USA", name="United States of America",
                       type="member_state")  # fmt: skip
    record_receipt(session, SECRETARIAT, canada, value_date=day("2025-01-10"), amount=D(100000),
                   currency="USD", unpledged=True)  # fmt: skip
    record_receipt(session, SECRETARIAT, usa, value_date=day("2025-01-12"), amount=D(300000),
                   currency="USD", unpledged=True)  # fmt: skip
    for activity, amount, reference in ((1, "60000", "CP/CAJP-1001/25"),
                                        (29, "40000", "CP/CAJP-1002/25")):  # fmt: skip
        allocation = ops.propose_allocation(
            session, SECRETARIAT, activity=activity, amount=D(amount), purpose="Programme work",
            period_start=day("2025-02-01"), period_end=day("2025-12-31"),
        )  # fmt: skip
        ops.submit_allocation(session, SECRETARIAT, allocation)
        ops.decide_allocation(session, CAJP, allocation, decision="approve", on=day("2025-02-01"),
                              reference=reference)  # fmt: skip
        ops.disburse(session, SECRETARIAT, allocation, amount=D(amount), on=day("2025-03-01"))
        ops.report_expenditure(session, SECRETARIAT, allocation, amount=D(amount),
                               period_end=day("2025-11-30"),
                               category="general_operating")  # fmt: skip


# --- §1 -------------------------------------------------------------------------------


def test_worked_example_1_data(database: Database) -> None:
    with database.transaction() as session:
        spain = spain_pays_in_two_instalments(session)
        data = donor_statement(
            session,
            spain,
            day("2025-01-01"),
            day("2025-12-31"),
            settings=SettingValues.now(session),
        )
    receivable = data.receivable
    assert receivable.opening == receivable.closing == D("0.00")
    assert {m.key: m.amount for m in receivable.movements} == {
        "pledged": D("54250.00"), "reduced": D("0.00"),
        "settled_by_payments": D("-54250.00"), "settled_from_credit": D("0.00"),
        "revalued": D("0.00"),
    }  # fmt: skip
    assert receivable.other == D("0.00")
    first, second = data.receipts
    assert (first.gross, first.charges, first.usd, first.usd_charges) == (
        D("30000.00"), D("20.00"), D("33000.00"), D("22.00"),
    )  # fmt: skip
    assert (first.applied, first.exchange_difference) == (D("32550.00"), D("450.00"))
    assert (second.usd, second.applied, second.exchange_difference) == (
        D("21400.00"), D("21700.00"), D("-300.00"),
    )  # fmt: skip
    assert data.received == D("54400.00")
    assert data.outstanding == ()
    assert data.unrestricted.donor_received == data.unrestricted.fund_received == D("54400.00")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Donor statement", "España (ES-OBS)", "Pledges signed in the period",
                "54,250.00", "1.0850", "30,000.00", "1.1000", "33,000.00", "21,400.00",
                "54,400.00", "150.00", "20.00", "Feb 10, 2025", "NV-2025-017"]),
        ("es", ["Estado de cuenta del donante", "Promesas de contribución firmadas en el período",
                "54.250,00", "1,0850", "30.000,00", "1,1000", "54.400,00", "20,00",
                "150,00", "10 feb 2025", "Observador permanente", "Página 1 de"]),
        ("fr", ["Relevé du donateur", "54 250,00", "1,0850", "54 400,00", "Observateur permanent",
                "Annonces de contribution signées au cours de la période", "Page 1 sur"]),
        ("pt", ["Extrato do doador", "54.250,00", "1,0850", "54.400,00", "Observador permanente",
                "Promessas de contribuição assinadas no período", "Página 1 de"]),
    ],
)  # fmt: skip
def test_worked_example_1_in_each_language(
    database: Database, language: str, expected: list[str]
) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        text = donor_pdf(session, "ES-OBS", "2025-01-01", "2025-12-31", language)
    for figure in expected:
        assert figure in text, figure
    assert "AG/RES. 2141 (XXXV-O/05)" in text
    assert "DS-2026-0007" in text


# --- §2 -------------------------------------------------------------------------------


def test_worked_example_2_data(database: Database) -> None:
    with database.transaction() as session:
        mexico_funds_activity_5(session)
        mexico = session.query(Donor).filter_by(code="MEX").one()
        data = donor_statement(
            session,
            mexico,
            day("2025-01-01"),
            day("2026-12-31"),
            settings=SettingValues.now(session),
        )
    assert data.received == D("50000.00")
    (pool,) = data.earmarked
    assert pool.earmark == "activity:5"
    assert dict(pool.movements) == {
        "received": D("50000.00"), "disbursed": D("-35000.00"), "returned": D("3500.00"),
    }  # fmt: skip
    assert (pool.closing, pool.commitments, pool.available) == (
        D("18500.00"), D("0.00"), D("18500.00"),
    )  # fmt: skip
    (use,) = pool.allocations
    assert use.allocation.reference == "CP/CAJP-0000/25"
    assert (use.allocation.activity, use.allocation.organ) == (5, "CIM")
    assert (use.committed, use.disbursed, use.spent, use.returned, use.held) == (
        D("35000.00"), D("35000.00"), D("31500.00"), D("3500.00"), D("0.00"),
    )  # fmt: skip
    assert [(y.year, y.received, y.used) for y in data.years] == [
        (2025, D("50000.00"), D("31500.00")), (2026, D("0.00"), D("0.00")),
    ]  # fmt: skip
    assert data.unrestricted.uses == ()


def test_worked_example_2_while_the_allocation_is_open(database: Database) -> None:
    """At the end of 2025 the organ still holds 3,500.00 of advances, nothing is
    committed and undrawn, and the earmark holds 15,000.00."""
    with database.transaction() as session:
        mexico_funds_activity_5(session)
        mexico = session.query(Donor).filter_by(code="MEX").one()
        data = donor_statement(
            session,
            mexico,
            day("2025-01-01"),
            day("2025-12-31"),
            settings=SettingValues.now(session),
        )
    (pool,) = data.earmarked
    (use,) = pool.allocations
    assert (use.held, pool.closing, pool.commitments) == (
        D("3500.00"), D("15000.00"), D("0.00"),
    )  # fmt: skip
    assert data.fund.position.assets["1200"] == D("3500.00")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["50,000.00", "31,500.00", "18,500.00", "35,000.00", "3,500.00",
                "CP/CAJP-0000/25", "Activity 5", "(CIM)", "Earmarked to Activity 5"]),
        ("es", ["50.000,00", "31.500,00", "18.500,00", "CP/CAJP-0000/25",
                "Destinado a: Actividad 5", "Uso de sus contribuciones",
                "Realizar investigaciones sobre la migración femenina"]),
        ("fr", ["50 000,00", "31 500,00", "18 500,00", "CP/CAJP-0000/25",
                "Affecté à : Activité 5", "Mener des recherches sur la migration féminine"]),
        ("pt", ["50.000,00", "31.500,00", "18.500,00", "CP/CAJP-0000/25", "Atividade 5",
                "Realizar pesquisas sobre a migração feminina"]),
    ],
)  # fmt: skip
def test_worked_example_2_in_each_language(
    database: Database, language: str, expected: list[str]
) -> None:
    with database.transaction() as session:
        mexico_funds_activity_5(session)
        text = donor_pdf(session, "MEX", "2025-01-01", "2026-12-31", language)
    for figure in expected:
        assert figure in text, figure


# --- §3 -------------------------------------------------------------------------------


def test_worked_example_3_pro_rata_share(database: Database) -> None:
    with database.transaction() as session:
        unrestricted_money_shared(session)
        canada = session.query(Donor).filter_by(code="CAN").one()
        data = donor_statement(
            session,
            canada,
            day("2025-01-01"),
            day("2025-12-31"),
            settings=SettingValues.now(session),
        )
    share = data.unrestricted
    assert (share.donor_received, share.fund_received, share.ratio) == (
        D("100000.00"), D("400000.00"), D("0.25"),
    )  # fmt: skip
    assert [(u.allocation.activity, u.used, u.share) for u in share.uses] == [
        (1, D("60000.00"), D("15000.00")), (29, D("40000.00"), D("10000.00")),
    ]  # fmt: skip
    assert (share.used, share.share) == (D("100000.00"), D("25000.00"))
    assert [(y.year, y.received, y.used_unrestricted) for y in data.years] == [
        (2025, D("100000.00"), D("25000.00")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["25.00%", "15,000.00", "10,000.00", "25,000.00", "100,000.00", "400,000.00",
                "Method: unrestricted money is pooled", "CP/CAJP-1001/25", "(DLAS)"]),
        ("es", ["25,00 %", "15.000,00", "10.000,00", "Método:", "Su parte"]),
        ("fr", ["25,00 %", "15 000,00", "10 000,00", "Méthode", "Votre part"]),
        ("pt", ["25,00%", "15.000,00", "10.000,00", "Método:", "Sua parcela"]),
    ],
)  # fmt: skip
def test_worked_example_3_in_each_language(
    database: Database, language: str, expected: list[str]
) -> None:
    with database.transaction() as session:
        unrestricted_money_shared(session)
        text = donor_pdf(session, "CAN", "2025-01-01", "2025-12-31", language)
    for figure in expected:
        assert figure in text, figure


# --- the fund statement and the CAJP pack ----------------------------------------------


def test_fund_statement_reconciles_with_the_ledger(database: Database) -> None:
    with database.transaction() as session:
        spain_pays_in_two_instalments(session)
        mexico_funds_activity_5(session)
        unrestricted_money_shared(session)
        plan = propose_budget(
            session,
            SECRETARIAT,
            year=2025,
            lines=[(5, D(45000), "Research"), (1, D(70000), "Hearings")],
        )
        decide_budget(session, CAJP, plan, on=day("2025-02-15"), reference="CP/CAJP-0999/25",
                      approve=True)  # fmt: skip
        data = fund_statement(session, *fiscal_year(2025), edition=2)
        balances = {row.code: row.balance for row in trial_balance(session, day("2025-12-31")).rows}
        pdf = render(session, Request.fund(2025), issue_for("FS-2026-0001", ISSUED, "en"))
    assert all(font.embedded for font in fonts(pdf))  # the charts' and tables' text too
    assert [title for depth, title, _page in outline(pdf) if depth == 0] == [
        "Statement of financial position at December 31, 2025",
        "Statement of changes in net assets, 2025", "Sources and uses of funds",
        "Expenditure by category", "Transfers by implementing organ", "Contributions in 2025",
        "Budget and its execution, 2025", "CAJP decisions in 2025", "Issue and status",
    ]  # fmt: skip
    position = data.position
    assert position.assets["1010"] == balances["1010"]
    assert position.assets["1200"] == D("3500.00")
    assert position.total_assets == position.total_liabilities + position.net_assets
    changes = data.changes
    assert changes.opening.net_assets == D("0.00")
    assert changes.change_unrestricted == position.unrestricted
    assert changes.change_restricted == position.restricted == D("18500.00")
    lines = {line.key: line for line in changes.lines}
    assert lines["contributions"].total == D("504250.00")  # 54,250 + 50,000 + 400,000
    assert lines["5100"].unrestricted == D("-131500.00")
    assert lines["releases"].restricted == D("-31500.00")
    assert sum((r.recognised for r in data.contributions), D(0)) == lines["contributions"].total
    activity = {line.key: line for line in data.by_activity}
    assert (activity["5"].budget, activity["5"].allocated, activity["5"].disbursed,
            activity["5"].spent) == (D("45000.00"), D("35000.00"), D("35000.00"),
                                     D("31500.00"))  # fmt: skip
    assert sum((line.spent for line in data.by_activity), D(0)) == -lines["5100"].unrestricted
    assert sum((line.spent for line in data.by_organ), D(0)) == D("131500.00")
    assert [(d.reference, d.decision, d.gender_marker, d.approved) for d in data.decisions] == [
        ("CP/CAJP-1001/25", "approve", None, D("60000.00")),
        ("CP/CAJP-1002/25", "approve", None, D("40000.00")),
        ("CP/CAJP-0000/25", "approve", 2, D("35000.00")),
    ]  # fmt: skip
    text = text_of(pdf)
    for expected in (
        "Statement of financial position at December 31, 2025",
        "Statement of changes in net assets, 2025",
        "504,250.00",
        "131,500.00",
        "CP/CAJP-0999/25",
        "not additive",
        "OECD DAC gender-equality policy marker",
        "Permanent observer",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_fund_statement_in_spanish(database: Database) -> None:
    with database.transaction() as session:
        mexico_funds_activity_5(session)
        text = text_of(render(session, Request.fund(2025), issue_for("FS-2026-0002", ISSUED, "es")))
    for expected in (
        "Estado de situación financiera al 31 de diciembre de 2025",
        "Estado de cambios en los activos netos, 2025",
        "50.000,00",
        "31.500,00",
        "Decisiones de la CAJP en 2025",
        "no es aditiva",
    ):
        assert expected in text, expected


def test_meeting_pack_matches_the_cajp_queue_and_stays_as_issued(database: Database) -> None:
    with database.transaction() as session:
        unrestricted_money_shared(session)
        proposal = ops.propose_allocation(
            session, SECRETARIAT, activity=2, amount=D(250000), purpose="Hemispheric study",
            period_start=day("2026-01-01"), period_end=day("2026-12-31"),
        )  # fmt: skip
        ops.submit_allocation(session, SECRETARIAT, proposal)
    issued_at = dt.datetime.now(dt.UTC)
    with database.session() as session:
        (queued,) = cajp_queue(session)
        data = meeting_pack(
            session, day("2026-03-10"), issued_at, settings=SettingValues.now(session)
        )
        request, issue = Request.pack(day("2026-03-10")), issue_for("CP-2026-0001", issued_at, "en")
        first = render(session, request, issue)
    (item,) = data.proposals
    assert (item.allocation, item.requested, item.fits) == (proposal.id, D("250000.00"), True)
    assert [(p.pool, p.before, p.after) for p in item.pools] == [
        (p.pool, p.available_before, p.available_after) for p in queued.pools
    ] == [("unrestricted", D("300000.00"), D("50000.00"))]  # fmt: skip
    text = text_of(first)
    for expected in (
        "CAJP meeting pack",
        "Proposals awaiting a decision",
        "300,000.00",
        "250,000.00",
        "50,000.00",
        "Hemispheric study",
    ):
        assert expected in text, expected
    with database.transaction() as session:
        decided = session.get(Allocation, proposal.id)
        assert decided is not None
        ops.decide_allocation(session, CAJP, decided, decision="approve", on=day("2026-03-10"),
                              reference="CP/CAJP-2000/26")  # fmt: skip
    with database.session() as session:
        assert cajp_queue(session) == []
        assert render(session, request, issue) == first
