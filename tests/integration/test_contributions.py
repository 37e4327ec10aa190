"""Pledges and receipts through the operations, checked to the cent against the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.db import Database
from fundledger.donors import operations as donors
from fundledger.donors.errors import ContributionError, MissingRate, Overapplication
from fundledger.donors.models import Donor, Pledge
from fundledger.donors.pledges import record_pledge, reduce_pledge
from fundledger.donors.queries import ageing, donor_position, pledge_statuses
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.ledger.errors import ClosedPeriod
from fundledger.ledger.models import JournalEntry
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from tests.factories import TEST_ACTOR as ACTOR
from tests.factories import closed_year, entry_lines, ledger_state

D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def entry_of(session: Session, entry_id: int) -> JournalEntry:
    entry = session.get(JournalEntry, entry_id)
    assert entry is not None
    return entry


def donor(session: Session, code: str, kind: str = "member_state") -> Donor:
    return donors.create_donor(session, ACTOR, code=code, name=f"Donor {code}", type=kind)


def balances(session: Session) -> dict[str, str]:
    return {row.code: f"{row.balance:f}" for row in trial_balance(session).rows}


def test_worked_example_1_through_the_operations(database: Database) -> None:
    """WORKED-EXAMPLES.md §1: EUR 50,000 pledged at 1.0850, paid in two instalments."""
    with database.transaction() as session:
        spain = donor(session, "ES-OBS", "permanent_observer")
        pledge = record_pledge(
            session, ACTOR, spain, pledge_date=day("2025-02-10"), amount=D("50000.00"),
            currency="EUR", rate=D("1.0850"),
        )  # fmt: skip
        assert entry_lines(entry_of(session, pledge.entry_id)) == [
            ("1100", "54250.00"), ("4100", "-54250.00"),
        ]  # fmt: skip

        first = record_receipt(
            session, ACTOR, spain, value_date=day("2025-04-15"), amount=D("29980.00"),
            currency="EUR", rate=D("1.1000"), charges=D("20.00"),
        )  # fmt: skip
        assert entry_lines(entry_of(session, first.entry_id)) == [
            ("1010", "32978.00"), ("5300", "22.00"), ("1100", "-32550.00"), ("4400", "-450.00"),
        ]  # fmt: skip
        (status,) = pledge_statuses(session, spain)
        assert (status.outstanding, status.outstanding_usd) == (D("20000.00"), D("21700.00"))

        second = record_receipt(
            session, ACTOR, spain, value_date=day("2025-09-30"), amount=D("20000.00"),
            currency="EUR", rate=D("1.0700"),
        )  # fmt: skip
        assert entry_lines(entry_of(session, second.entry_id)) == [
            ("1010", "21400.00"), ("1100", "-21700.00"), ("5400", "300.00"),
        ]  # fmt: skip

        assert balances(session) == {
            "1010": "54378.00", "4100": "-54250.00", "4400": "-450.00", "5300": "22.00",
            "5400": "300.00",
        }  # fmt: skip
        position = donor_position(session, spain)
        assert position.pledged == D("54250.00")
        assert position.received == D("54400.00")  # what Spain paid, at the receipt rates
        assert position.outstanding == position.unapplied == D("0.00")
        assert verify_ledger(session).ok


def test_cad_pledge_in_two_instalments_at_two_other_rates(database: Database) -> None:
    """CAD 100,000 at 0.7200, paid 60,000 (charges 15) at 0.7350 and 40,000 at 0.7010."""
    with database.transaction() as session:
        canada = donor(session, "CAN")
        donors.set_rate(session, ACTOR, currency="CAD", on=day("2025-01-15"), rate=D("0.7200"))
        donors.set_rate(session, ACTOR, currency="CAD", on=day("2025-06-30"), rate=D("0.7350"))
        pledge = record_pledge(
            session, ACTOR, canada, pledge_date=day("2025-01-15"), amount=D("100000"),
            currency="CAD", earmark="objective:4",
            instalments=[(day("2025-06-30"), D("60000")), (day("2025-12-31"), D("40000"))],
        )  # fmt: skip
        assert pledge.usd_amount == D("72000.00")
        assert pledge.due_date == day("2025-12-31")
        assert entry_lines(entry_of(session, pledge.entry_id)) == [
            ("1100", "72000.00"), ("4200", "-72000.00"),
        ]  # fmt: skip

        first = record_receipt(
            session, ACTOR, canada, value_date=day("2025-06-30"), amount=D("59985.00"),
            currency="CAD", charges=D("15.00"),
        )  # fmt: skip
        # 59,985 × 0.735 = 44,088.98; charges 60,000 × 0.735 − that = 11.02, released
        # from the earmark that paid them; receivable 60,000 × 0.72 = 43,200; gain 900,
        # the earmark's (issue 14: restriction follows the money).
        assert entry_lines(entry_of(session, first.entry_id)) == [
            ("1010", "44088.98"), ("5300", "11.02"), ("4290", "11.02"), ("4190", "-11.02"),
            ("1100", "-43200.00"), ("4240", "-900.00"),
        ]  # fmt: skip
        second = record_receipt(
            session, ACTOR, canada, value_date=day("2026-01-20"), amount=D("40000"),
            currency="CAD", rate=D("0.7010"),
        )  # fmt: skip
        assert entry_lines(entry_of(session, second.entry_id)) == [
            ("1010", "28040.00"), ("1100", "-28800.00"), ("4250", "760.00"),
        ]  # fmt: skip
        cash = entry_of(session, second.entry_id).postings[0]
        assert (cash.currency, cash.original_amount, cash.rate) == ("CAD", D("40000"), D("0.701"))
        assert cash.earmark == "objective:4"
        assert balances(session) == {
            "1010": "72128.98", "4190": "-11.02", "4200": "-72000.00", "4240": "-900.00",
            "4250": "760.00", "4290": "11.02", "5300": "11.02",
        }  # fmt: skip


def test_one_transfer_pays_two_pledges_oldest_first_and_keeps_the_excess(
    database: Database,
) -> None:
    with database.transaction() as session:
        mexico = donor(session, "MEX")
        older = record_pledge(
            session, ACTOR, mexico, pledge_date=day("2025-01-20"), amount=D("50000"),
            currency="USD", earmark="activity:5",
        )  # fmt: skip
        newer = record_pledge(
            session, ACTOR, mexico, pledge_date=day("2025-02-01"), amount=D("10000"),
            currency="USD",
        )  # fmt: skip
        with pytest.raises(Overapplication, match=r"settles 65000\.00 USD but MEX's outstanding"):
            record_receipt(
                session, ACTOR, mexico, value_date=day("2025-03-01"), amount=D("65000.00"),
                currency="USD",
            )  # fmt: skip
        receipt = record_receipt(
            session, ACTOR, mexico, value_date=day("2025-03-01"), amount=D("65000.00"),
            currency="USD", overpayment=True,
        )  # fmt: skip
        postings = entry_of(session, receipt.entry_id).postings
        assert [(p.account.code, p.amount, p.earmark) for p in postings] == [
            ("1010", D("50000.00"), "activity:5"),
            ("1010", D("15000.00"), None),
            ("1100", D("-50000.00"), "activity:5"),
            ("1100", D("-10000.00"), None),
            ("2100", D("-5000.00"), None),
        ]
        statuses = pledge_statuses(session, mexico)
        assert [(s.pledge.id, s.outstanding) for s in statuses] == [(older.id, 0), (newer.id, 0)]
        position = donor_position(session, mexico)
        assert (position.outstanding, position.unapplied) == (D("0.00"), D("5000.00"))


def test_unapplied_credit_is_applied_later_with_fx_and_pool_move(database: Database) -> None:
    with database.transaction() as session:
        brazil = donor(session, "BRA")
        receipt = record_receipt(
            session, ACTOR, brazil, value_date=day("2025-03-01"), amount=D("1000.00"),
            currency="EUR", rate=D("1.1000"), overpayment=True,
        )  # fmt: skip
        assert receipt.unapplied_usd == D("1100.00")
        pledge = record_pledge(
            session, ACTOR, brazil, pledge_date=day("2025-04-01"), amount=D("1500.00"),
            currency="EUR", rate=D("1.0800"), earmark="organ:CIM",
        )  # fmt: skip
        (application,) = apply_credit(session, ACTOR, pledge, on=day("2025-04-02"))
        assert (application.amount, application.pledge_usd) == (D("1000.00"), D("1080.00"))
        entry = entry_of(session, application.entry_id)
        assert [(p.account.code, f"{p.amount:f}", p.earmark) for p in entry.postings] == [
            ("2100", "1100.00", None),
            ("1100", "-1080.00", "organ:CIM"),
            ("1010", "1100.00", "organ:CIM"),
            ("1010", "-1100.00", None),
            ("4240", "-20.00", "organ:CIM"),  # the earmark's gain, in its class
        ]
        with pytest.raises(ContributionError, match="no unapplied EUR credit"):
            apply_credit(session, ACTOR, pledge, on=day("2025-04-03"))
        position = donor_position(session, brazil)
        assert (position.outstanding, position.unapplied) == (D("540.00"), D("0.00"))


def test_reduction_and_cancellation(database: Database) -> None:
    with database.transaction() as session:
        chile = donor(session, "CHL")
        pledge = record_pledge(
            session, ACTOR, chile, pledge_date=day("2025-01-10"), amount=D("3000000"),
            currency="CLP", rate=D("0.00105"),
        )  # fmt: skip
        assert pledge.usd_amount == D("3150.00")
        reduction = reduce_pledge(
            session, ACTOR, pledge, on=day("2025-05-01"), amount=D("1000000"), reason="budget cut"
        )
        assert entry_lines(entry_of(session, reduction.entry_id)) == [
            ("4100", "1050.00"), ("1100", "-1050.00"),
        ]  # fmt: skip
        with pytest.raises(ContributionError, match="needs a reason"):
            reduce_pledge(session, ACTOR, pledge, on=day("2025-05-02"), reason="  ")
        cancellation = reduce_pledge(session, ACTOR, pledge, on=day("2025-06-01"), reason="gone")
        assert cancellation.cancellation
        assert cancellation.usd_amount == D("2100.00")
        assert donor_position(session, chile).outstanding == D("0.00")
        assert balances(session) == {}
        with pytest.raises(ContributionError, match="nothing outstanding"):
            reduce_pledge(session, ACTOR, pledge, on=day("2025-06-02"), reason="again")


def test_a_reduction_worth_less_than_a_cent_is_refused_and_a_cancellation_is_not(
    database: Database,
) -> None:
    """2 JPY carried as 0.01 USD: taking 1 JPY off leaves 0.01 USD carried, so nothing
    would move in the ledger; cancelling both yen moves the cent."""
    with database.transaction() as session:
        japan = donor(session, "JPN")
        pledge = record_pledge(
            session, ACTOR, japan, pledge_date=day("2025-01-10"), amount=D("2"),
            currency="JPY", rate=D("0.0067"),
        )  # fmt: skip
        before = ledger_state(session)
        with pytest.raises(ContributionError, match=r"moves 0\.00 USD .* reduce it by more"):
            reduce_pledge(session, ACTOR, pledge, on=day("2025-02-01"), amount=D("1"),
                          reason="rounding")  # fmt: skip
        assert ledger_state(session) == before
        cancellation = reduce_pledge(session, ACTOR, pledge, on=day("2025-02-01"), reason="gone")
        assert cancellation.usd_amount == D("0.01")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ({"amount": D(0)}, ContributionError, "must be more than zero"),
        ({"amount": D("-5")}, ContributionError, "must be more than zero"),
        ({"amount": D("100.5"), "currency": "JPY", "rate": D("0.0066")}, ContributionError,
         "has more decimals than JPY allows"),
        ({"currency": "XYZ"}, Exception, "'XYZ' is not an ISO 4217 currency code"),
        ({"currency": "EUR"}, MissingRate, "no EUR rate for 2025-03-01"),
        ({"earmark": "activity:40"}, Exception, "the fund finances 1–32"),
        ({"earmark": "objective:25"}, Exception, "objectives are 1–20"),
        ({"earmark": "organ:IOM"}, ContributionError, "IOM is not an OAS organ"),
        ({"earmark": "organ:NOPE"}, ContributionError, "NOPE is not an OAS organ"),
        ({"instalments": [(dt.date(2025, 6, 1), D(40))]}, ContributionError,
         "instalments add up to 40 USD, the pledge is 100 USD"),
        ({"due_date": dt.date(2025, 1, 1)}, ContributionError, "is before the pledge date"),
    ],
)  # fmt: skip
def test_bad_pledges_are_refused_and_write_nothing(
    database: Database, call: dict[str, object], error: type[Exception], message: str
) -> None:
    with database.transaction() as session:
        mexico = donor(session, "MEX")
    with database.transaction() as session:
        mexico = donors.known_donor(session, "MEX")
        before = ledger_state(session)
        arguments = {"pledge_date": day("2025-03-01"), "amount": D(100), "currency": "USD"}
        arguments.update(call)
        with pytest.raises(error, match=message):
            record_pledge(session, ACTOR, mexico, **arguments)  # type: ignore[arg-type]
        assert ledger_state(session) == before
        assert session.scalar(select(Pledge.id)) is None


def test_bad_receipts_are_refused(database: Database) -> None:
    with database.transaction() as session:
        mexico, canada = donor(session, "MEX"), donor(session, "CAN")
        canadian = record_pledge(
            session, ACTOR, canada, pledge_date=day("2025-01-01"), amount=D(500), currency="USD"
        )
        euro = record_pledge(
            session, ACTOR, mexico, pledge_date=day("2025-01-01"), amount=D(500), currency="EUR",
            rate=D("1.1"),
        )  # fmt: skip
        before = ledger_state(session)
        cases = [
            ({"pledges": [canadian]}, "pledge 1 is CAN's, not MEX's"),
            ({"pledges": [euro]}, "pledge 2 is in EUR; a USD receipt cannot settle it"),
            ({}, "MEX has no outstanding USD pledges"),
            ({"unpledged": True, "pledges": [euro]}, "unpledged money is not applied"),
            ({"earmark": "activity:5"}, "give an earmark only for unpledged money"),
            ({"charges": D("-1")}, "bank charges must be more than zero"),
        ]
        for arguments, message in cases:
            with pytest.raises(ContributionError, match=message):
                record_receipt(
                    session, ACTOR, mexico, value_date=day("2025-02-01"), amount=D(100),
                    currency="USD", **arguments,  # type: ignore[arg-type]
                )  # fmt: skip
        assert ledger_state(session) == before


def test_inactive_donor_and_closed_period(database: Database) -> None:
    with database.transaction() as session:
        peru = donor(session, "PER")
        session.add(closed_year(2024))
        session.flush()
        with pytest.raises(ClosedPeriod, match="fiscal year 2024, which is closed"):
            record_pledge(session, ACTOR, peru, pledge_date=day("2024-12-01"), amount=D(1),
                          currency="USD")  # fmt: skip
        donors.set_donor_active(session, ACTOR, peru, False)
        with pytest.raises(ContributionError, match="donor PER is inactive"):
            record_pledge(session, ACTOR, peru, pledge_date=day("2025-12-01"), amount=D(1),
                          currency="USD")  # fmt: skip


def test_unpledged_earmarked_receipt_goes_straight_to_restricted_revenue(
    database: Database,
) -> None:
    with database.transaction() as session:
        iom = donor(session, "IOM", "international_org")
        receipt = record_receipt(
            session, ACTOR, iom, value_date=day("2025-05-05"), amount=D("9990.00"),
            charges=D("10.00"), currency="USD", unpledged=True, earmark="activity:10",
        )  # fmt: skip
        assert [(p.account.code, f"{p.amount:f}", p.earmark)
                for p in entry_of(session, receipt.entry_id).postings] == [
            ("1010", "9990.00", "activity:10"),
            ("5300", "10.00", None),
            ("4290", "10.00", "activity:10"),  # the charges paid from the earmark, released
            ("4190", "-10.00", None),
            ("4200", "-10000.00", "activity:10"),
        ]  # fmt: skip


def test_ageing_buckets_by_instalment(database: Database) -> None:
    with database.transaction() as session:
        usa = donor(session, "USA")
        record_pledge(
            session, ACTOR, usa, pledge_date=day("2024-01-01"), amount=D("4000"), currency="USD",
            instalments=[(day("2024-03-01"), D(1000)), (day("2025-01-01"), D(1000)),
                         (day("2025-11-01"), D(1000)), (day("2026-06-01"), D(1000))],
        )  # fmt: skip
        record_receipt(session, ACTOR, usa, value_date=day("2024-04-01"), amount=D("1500"),
                       currency="USD")  # fmt: skip
        (row,) = ageing(session, day("2025-12-31"))
        assert row.not_due == D("1000.00")
        assert row.overdue == {
            "0-90": D("1000.00"), "91-180": D("0.00"), "181-365": D("500.00"),
            "over-365": D("0.00"),
        }  # fmt: skip
        assert row.total == D("2500.00")
        (earlier,) = ageing(session, day("2024-02-01"))
        assert (earlier.not_due, earlier.total) == (D("4000.00"), D("4000.00"))
