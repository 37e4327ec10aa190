"""Issue 14, finding 6: foreign-currency receivables and unapplied credits are revalued
at a date's rates into exchange gains or losses of the class the money belongs to,
reversed the next day; a year with such money open at its end closes only once its
revaluation is posted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from sqlalchemy.orm import Session

from fundledger.allocations.settings import SettingValues
from fundledger.clock import today
from fundledger.db import Database
from fundledger.donors.errors import MissingRate, RevaluationError
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.donors.revaluation import Revaluation, revalue
from fundledger.ledger.balances import balances
from fundledger.ledger.chart import RECEIVABLE, UNAPPLIED
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.periods import RevaluationPending, close_year, fiscal_year, next_to_close
from fundledger.ledger.verify import verify_ledger
from fundledger.reporting.donor_data import DonorStatementData, donor_statement
from fundledger.reporting.fund_data import FundStatementData, fund_statement
from fundledger.reporting.net_assets import net_assets
from fundledger.reporting.render import Request, issue_for, render
from tests.factories import TEST_ACTOR as ACTOR
from tests.factories import create_user, entry_lines, ledger_state
from tests.integration.test_statements import ISSUED, text_of

D = Decimal
Run = Callable[..., Result]
YEAR_END = dt.date(2025, 12, 31)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def spain(session: Session) -> Donor:
    """Worked example 1 to its first payment: EUR 50,000 pledged at 1.0850, EUR 30,000
    paid; EUR 20,000 still owed at the year end, carried at 21,700.00."""
    donor = create_donor(session, ACTOR, code="ES-OBS", name="España", type="permanent_observer")
    record_pledge(session, ACTOR, donor, pledge_date=day("2025-02-10"), amount=D("50000.00"),
                  currency="EUR", rate=D("1.0850"))  # fmt: skip
    record_receipt(session, ACTOR, donor, value_date=day("2025-04-15"), amount=D("29980.00"),
                   currency="EUR", rate=D("1.1000"), charges=D("20.00"))  # fmt: skip
    return donor


def revalued(session: Session, on: dt.date = YEAR_END) -> Revaluation:
    return revalue(session, ACTOR, on)


def lines(done: Revaluation) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    assert done.entries is not None
    entry, reversal = done.entries
    return entry_lines(entry), entry_lines(reversal)


def test_an_open_eur_pledge_is_revalued_at_the_year_end_and_reversed_the_next_day(
    database: Database,
) -> None:
    """EUR 20,000 carried at 1.0850 (21,700.00) is worth 22,400.00 at 1.1200: a gain of
    700.00 on 31 December, gone on 1 January; the payment of September settles the
    pledge at its own rate, as worked example 1 says."""
    with database.transaction() as session:
        donor = spain(session)
        set_rate(session, ACTOR, currency="EUR", on=YEAR_END, rate=D("1.1200"))
        done = revalued(session)
        assert (done.new, done.items) == (True, 1)
        entry, reversal = lines(done)
        assert entry == [("1100", "700.00"), ("4400", "-700.00")]
        assert reversal == [("1100", "-700.00"), ("4400", "700.00")]
        assert done.entries is not None
        first, second = done.entries
        assert (first.entry_date, first.kind, second.entry_date, second.kind) == (
            YEAR_END, EntryKind.FX, day("2026-01-01"), EntryKind.FX,
        )  # fmt: skip
        assert second.reverses_id == first.id
        assert balances(session, YEAR_END)[RECEIVABLE] == D("22400.00")
        assert balances(session, day("2026-01-01"))[RECEIVABLE] == D("21700.00")
        # Paid in 2026 at 1.0700: settled at the pledge's 1.0850, the loss against it.
        receipt = record_receipt(
            session, ACTOR, donor, value_date=day("2026-03-02"), amount=D("20000.00"),
            currency="EUR", rate=D("1.0700"),
        )  # fmt: skip
        assert entry_lines(session.get_one(JournalEntry, receipt.entry_id)) == [
            ("1010", "21400.00"), ("1100", "-21700.00"), ("5400", "300.00"),
        ]  # fmt: skip
        assert RECEIVABLE not in balances(session, day("2026-03-02"))
        assert verify_ledger(session).ok


def test_a_second_run_for_the_same_date_posts_nothing_and_says_so(database: Database) -> None:
    with database.transaction() as session:
        spain(session)
        set_rate(session, ACTOR, currency="EUR", on=YEAR_END, rate=D("1.1200"))
        first = revalued(session)
        before = ledger_state(session)
        again = revalued(session)
        assert not again.new
        assert again.entries == first.entries
        assert ledger_state(session) == before


def test_an_earmarked_receivable_and_a_credit_are_revalued_in_their_own_classes(
    database: Database,
) -> None:
    """An earmarked CAD pledge's difference goes to 4250 with the donor and earmark (the
    restricted class keeps equalling the earmark); an overpayment's credit, owed to the
    donor, to the unrestricted 4400 / 5400. Net assets by class equal their pools on the
    revaluation's day and the next."""
    with database.transaction() as session:
        canada = create_donor(session, ACTOR, code="CAN", name="Canada", type="member_state")
        record_pledge(session, ACTOR, canada, pledge_date=day("2025-03-01"),
                      amount=D("10000.00"), currency="CAD", rate=D("0.7400"),
                      earmark="activity:5")  # fmt: skip
        record_receipt(session, ACTOR, canada, value_date=day("2025-05-01"), amount=D("1000.00"),
                       currency="CAD", rate=D("0.7500"), unpledged=True)  # fmt: skip
        second = record_pledge(session, ACTOR, canada, pledge_date=day("2025-06-01"),
                               amount=D("500.00"), currency="CAD", rate=D("0.7300"))  # fmt: skip
        record_receipt(session, ACTOR, canada, value_date=day("2025-07-01"), amount=D("800.00"),
                       currency="CAD", rate=D("0.7200"), pledges=[second],
                       overpayment=True)  # fmt: skip
        set_rate(session, ACTOR, currency="CAD", on=YEAR_END, rate=D("0.7000"))
        done = revalued(session)
        assert done.items == 2  # the earmarked pledge, the credit (the second is paid)
        entry, reversal = lines(done)
        assert entry == [
            ("1100", "-400.00"),  # CAD 10,000 from 7,400.00 to 7,000.00
            ("2100", "6.00"),  # CAD 300 owed from 216.00 to 210.00: a gain
            ("4250", "400.00"),  # the earmark's loss, in its class
            ("4400", "-6.00"),
        ]
        assert reversal == [(code, f"{-D(amount):f}") for code, amount in entry]
        for on in (YEAR_END, day("2026-01-01")):
            figures = net_assets(session, on)
            for total in (figures.unrestricted, figures.restricted):
                assert total.pools.net_assets == total.net_assets, (on, total)
        assert balances(session, YEAR_END, donor_id=canada.id)[UNAPPLIED] == D("-210.00")
        assert verify_ledger(session).ok


def test_credit_applied_after_the_reversal_settles_at_the_receipts_and_pledges_rates(
    database: Database,
) -> None:
    with database.transaction() as session:
        canada = create_donor(session, ACTOR, code="CAN", name="Canada", type="member_state")
        pledge = record_pledge(session, ACTOR, canada, pledge_date=day("2025-03-01"),
                               amount=D("300.00"), currency="CAD", rate=D("0.7400"))  # fmt: skip
        record_receipt(session, ACTOR, canada, value_date=day("2025-04-01"), amount=D("600.00"),
                       currency="CAD", rate=D("0.7200"), overpayment=True,
                       pledges=[pledge])  # fmt: skip
        # CAD 300 of it is credit (216.00), revalued to 210.00 at the year end; a second
        # pledge takes it after the reversal, at the receipt's rate against its own.
        later = record_pledge(session, ACTOR, canada, pledge_date=day("2025-09-01"),
                              amount=D("300.00"), currency="CAD", rate=D("0.7500"))  # fmt: skip
        set_rate(session, ACTOR, currency="CAD", on=YEAR_END, rate=D("0.7000"))
        revalued(session)
        (applied,) = apply_credit(session, ACTOR, later, on=day("2026-01-15"))
        assert (applied.pledge_usd, applied.receipt_usd) == (D("225.00"), D("216.00"))
        assert UNAPPLIED not in balances(session, day("2026-01-15"), donor_id=canada.id)
        assert verify_ledger(session).ok


def test_refusals_name_the_problem_and_write_nothing(database: Database) -> None:
    with database.transaction() as session:
        spain(session)
        brazil = create_donor(session, ACTOR, code="BRA", name="Brasil", type="member_state")
        record_pledge(session, ACTOR, brazil, pledge_date=day("2025-05-01"),
                      amount=D("1000.00"), currency="BRL", rate=D("0.1900"))  # fmt: skip
        before = ledger_state(session)
        with pytest.raises(MissingRate, match=r"no rate for BRL, EUR on 2025-12-31"):
            revalued(session)
        set_rate(session, ACTOR, currency="EUR", on=YEAR_END, rate=D("1.1200"))
        with pytest.raises(MissingRate, match=r"no rate for BRL on 2025-12-31"):
            revalued(session)
        with pytest.raises(RevaluationError, match="after today"):
            revalued(session, today() + dt.timedelta(days=1))
        with pytest.raises(RevaluationError, match="reversed the next day, which has not come"):
            revalued(session, today())
        assert ledger_state(session) == before


def test_a_year_with_foreign_money_open_at_its_end_closes_once_revalued(
    database: Database,
) -> None:
    with database.transaction() as session:
        spain(session)
        set_rate(session, ACTOR, currency="EUR", on=YEAR_END, rate=D("1.1200"))
        before = ledger_state(session)
        with pytest.raises(RevaluationPending) as refused:
            close_year(session, ACTOR, 2025)
        assert str(refused.value) == (
            "fiscal year 2025 cannot close yet: foreign-currency receivables or unapplied "
            "credits were open on 2025-12-31 and the year-end revaluation has not been "
            "posted; revalue them at 31 December 2025 first"
        )
        assert ledger_state(session) == before
        revalued(session)
        close_year(session, ACTOR, 2025)
        # The closed year is not revalued again, at its end or another of its days.
        with pytest.raises(RevaluationError, match=r"fiscal year 2025 is closed; it was revalued"):
            revalued(session)
        with pytest.raises(RevaluationError, match=r"fiscal year 2025 is closed"):
            revalued(session, day("2025-06-30"))
        assert verify_ledger(session).ok


def test_a_year_whose_foreign_money_is_at_the_year_end_rate_closes_without_an_entry(
    database: Database,
) -> None:
    with database.transaction() as session:
        spain(session)
        set_rate(session, ACTOR, currency="EUR", on=YEAR_END, rate=D("1.0850"))
        done = revalued(session)
        assert (done.entries, done.items) == (None, 1)
        close_year(session, ACTOR, 2025)


# --- the statements -------------------------------------------------------------------


def canada_credit_history(session: Session) -> Donor:
    """CAD 600 paid at 0.72 against a CAD 300 pledge at 0.74 (a loss of 6.00), CAD 300
    kept as credit (216.00); a second CAD 300 pledge at 0.75 (225.00); both revalued at
    0.70 on 31 December 2025 (credit 210.00, a gain of 6.00; pledge 210.00, a loss of
    15.00) and reversed on 1 January; the credit settles the pledge on 15 January 2026
    (216.00 against 225.00, a loss of 9.00)."""
    canada = create_donor(session, ACTOR, code="CAN", name="Canada", type="member_state")
    first = record_pledge(session, ACTOR, canada, pledge_date=day("2025-03-01"),
                          amount=D("300.00"), currency="CAD", rate=D("0.7400"))  # fmt: skip
    record_receipt(session, ACTOR, canada, value_date=day("2025-04-01"), amount=D("600.00"),
                   currency="CAD", rate=D("0.7200"), overpayment=True,
                   pledges=[first])  # fmt: skip
    second = record_pledge(session, ACTOR, canada, pledge_date=day("2025-09-01"),
                           amount=D("300.00"), currency="CAD", rate=D("0.7500"))  # fmt: skip
    set_rate(session, ACTOR, currency="CAD", on=YEAR_END, rate=D("0.7000"))
    revalued(session)
    apply_credit(session, ACTOR, second, on=day("2026-01-15"))
    return canada


def test_donor_statements_show_the_revaluation_and_the_exchange_on_credit_applied(
    database: Database,
) -> None:
    with database.transaction() as session:
        canada = canada_credit_history(session)
        settings = SettingValues.now(session)

        def statement(start: str, end: str) -> DonorStatementData:
            return donor_statement(session, canada, day(start), day(end), settings=settings)

        year = statement("2025-01-01", "2025-12-31")
        moved = {m.key: m.amount for m in year.receivable.movements}
        assert (moved["revalued"], year.receivable.closing, year.receivable.other) == (
            D("-15.00"), D("210.00"), D("0.00"),
        )  # fmt: skip
        credit = {m.key: m.amount for m in year.unapplied.movements}
        assert (credit["revalued"], year.unapplied.closing, year.unapplied.other) == (
            D("-6.00"), D("210.00"), D("0.00"),
        )  # fmt: skip
        assert (year.revaluation, year.credit_exchange, year.exchange_differences) == (
            D("-9.00"), D("0.00"), D("-15.00"),  # with the payment's -6.00
        )  # fmt: skip
        january = statement("2026-01-01", "2026-01-31")
        assert (january.revaluation, january.credit_exchange) == (D("9.00"), D("-9.00"))
        assert january.receivable.other == january.unapplied.other == D("0.00")
        both = statement("2025-01-01", "2026-01-31")
        assert (both.revaluation, both.credit_exchange, both.exchange_differences) == (
            D("0.00"), D("-9.00"), D("-15.00"),
        )  # fmt: skip
        pdf = text_of(render(session, Request.donor("CAN", day("2026-01-01"), day("2026-01-31")),
                             issue_for("DS-2026-0001", ISSUED, "en")))  # fmt: skip
        for line in ("Exchange differences", "On unapplied credit applied to pledges (9.00)",
                     "Revalued at year-end rates (net of reversals) 9.00",
                     "Exchange differences in the period 0.00"):  # fmt: skip
            assert line in pdf, line
        # The fund statement reads the same entries: 2025's losses (6.00 on the payment,
        # 9.00 on the revaluation); in 2026 the reversal's 9.00 and the credit's loss of
        # 9.00 cancel out.
        year_2025, year_2026 = (fund_statement(session, *fiscal_year(year), edition=2)
                                for year in (2025, 2026))  # fmt: skip
        assert fx_lines(year_2025) == {"5400": D("-15.00")}
        assert fx_lines(year_2026) == {}


def fx_lines(data: FundStatementData) -> dict[str, Decimal]:
    return {line.key: line.total for line in data.changes.lines if line.key in ("4400", "5400")}


# --- the command line -------------------------------------------------------------------


def test_fx_revalue_from_the_command_line(run: Run, database: Database) -> None:
    with database.transaction() as session:
        spain(session)
        create_user(session, "secretariat", email="sec@oas.org")
    command = ("fx", "revalue", "--as-of", "2025-12-31", "--as", "sec@oas.org")
    missing = run(*command)
    assert (missing.exit_code, missing.stderr) == (1, (
        "fundledger: no rate for EUR on 2025-12-31: money in that currency was open that "
        "day; set the day's rate first\n"
    ))  # fmt: skip
    early = run("period", "close", "2025", "--as", "sec@oas.org")
    assert early.exit_code == 1
    assert early.stderr.count("\n") == 1
    assert early.stderr.endswith(
        "revalue them at 31 December 2025 first (fundledger fx revalue --as-of 2025-12-31 "
        "--as EMAIL)\n"
    )
    assert run("rate", "set", "--currency", "EUR", "--date", "2025-12-31",
               "--rate", "1.12").exit_code == 0  # fmt: skip
    first = run(*command)
    assert first.stdout == (
        "revalued as of 2025-12-31: entry #3, reversed by #4 on 2026-01-01 (open "
        "foreign-currency receivables and credits: 1)\n"
    )
    again = run(*command)
    assert again.stdout == (
        "already revalued as of 2025-12-31 (entry #3, reversed by #4 on 2026-01-01); "
        "nothing posted\n"
    )
    assert run("period", "close", "2025", "--as", "sec@oas.org").exit_code == 0
    closed = run(*command)
    assert (closed.exit_code, closed.stderr) == (1, (
        "fundledger: fiscal year 2025 is closed; it was revalued by entry #3: a closed year "
        "is not revalued again (an admin reopens it first)\n"
    ))  # fmt: skip


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--as-of", "2025-12-32"), 2, "not a date on the calendar"),
        (("--as-of", "2099-12-31"), 1, "is after today"),
        ((), 2, "Missing option '--as-of'"),
    ],
)
def test_fx_revalue_refuses_bad_input(
    run: Run, database: Database, args: tuple[str, ...], status: int, message: str
) -> None:
    with database.transaction() as session:
        create_user(session, "secretariat", email="sec@oas.org")
    refused = run("fx", "revalue", *args, "--as", "sec@oas.org")
    assert refused.exit_code == status
    assert message in refused.stderr
    assert run("verify").stdout.startswith("ledger verified: 0 entries")


def test_the_year_to_revalue_and_close_next_is_the_oldest_open_one(database: Database) -> None:
    with database.transaction() as session:
        assert next_to_close(session, 2025) == 2025  # an empty ledger: last year
        donor = create_donor(session, ACTOR, code="BRA", name="Brasil", type="member_state")
        record_pledge(session, ACTOR, donor, pledge_date=day("2023-05-01"),
                      amount=D("1000.00"), currency="BRL", rate=D("0.1900"))  # fmt: skip
        assert next_to_close(session, 2025) == 2023
        set_rate(session, ACTOR, currency="BRL", on=day("2023-12-31"), rate=D("0.2000"))
        revalued(session, day("2023-12-31"))
        close_year(session, ACTOR, 2023)
        assert next_to_close(session, 2025) == 2024
