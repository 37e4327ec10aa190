"""Issue 14, finding 3: restriction follows the money (DESIGN §3). Gains and losses on
earmarked money stay in the earmark's class, bank charges paid from an earmark are
released from it, so each class's net assets equal its pools' on every day; entries
posted before are restated, and ``report net-assets`` shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from sqlalchemy.orm import Session

from fundledger.db import Database
from fundledger.donors.models import Donor, Receipt
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import apply_credit, record_receipt
from fundledger.i18n import refusal_text
from fundledger.ledger.errors import ClosedPeriod
from fundledger.ledger.models import EntryKind, JournalEntry
from fundledger.ledger.operations import Line
from fundledger.ledger.restatement import restate_restrictions
from fundledger.ledger.verify import verify_ledger
from fundledger.reporting.net_assets import NetAssets, net_assets
from fundledger.tabular import text_of
from tests.factories import TEST_ACTOR as ACTOR
from tests.factories import closed_year, entry_lines, post

D = Decimal
Run = Callable[..., Result]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def mexico(session: Session) -> Donor:
    return create_donor(session, ACTOR, code="MEX", name="Mexico", type="member_state")


def lines_of(session: Session, receipt: Receipt) -> list[tuple[str, str]]:
    entry = session.get(JournalEntry, receipt.entry_id)
    assert entry is not None
    return entry_lines(entry)


def by_pool(figures: NetAssets) -> dict[str, tuple[str, ...]]:
    """The net assets table as its CSV writes it, by pool."""
    return {str(row[0]): tuple(text_of(cell) for cell in row[1:]) for row in figures.rows()}


def assert_classes_equal_pools(figures: NetAssets) -> None:
    for total in (figures.unrestricted, figures.restricted):
        assert total.pools.net_assets == total.net_assets, total


def test_an_earmarked_eur_receipt_with_charges_leaves_the_unrestricted_pool_whole(
    database: Database,
) -> None:
    """EUR 30,000 earmarked, paid at a lower rate than pledged, the bank keeping EUR 20:
    the loss and the charges are the earmark's; the unrestricted pool stays at zero."""
    with database.transaction() as session:
        mex = mexico(session)
        record_pledge(session, ACTOR, mex, pledge_date=day("2025-02-10"), amount=D("50000.00"),
                      currency="EUR", rate=D("1.0850"), earmark="activity:5")  # fmt: skip
        receipt = record_receipt(
            session, ACTOR, mex, value_date=day("2025-04-15"), amount=D("29980.00"),
            currency="EUR", rate=D("1.0700"), charges=D("20.00"),
        )  # fmt: skip
        assert lines_of(session, receipt) == [
            ("1010", "32078.60"),  # EUR 29,980 at 1.07, in the earmark's pool
            ("5300", "21.40"),  # the charges: an expense of the unrestricted class…
            ("4290", "21.40"),  # …paid from the earmark, released from it
            ("4190", "-21.40"),
            ("1100", "-32550.00"),  # EUR 30,000 at the pledge's 1.0850
            ("4250", "450.00"),  # the exchange loss, in the earmark's class
        ]  # fmt: skip
        figures = net_assets(session, day("2025-04-15"))
        rows = by_pool(figures)
        # The earmark holds what the bank received for it, and the 20,000 still owed.
        assert rows["MEX/activity:5"] == (
            "restricted", "32078.60", "21700.00", "0.00", "0.00", "53778.60",
        )  # fmt: skip
        assert rows["unrestricted"] == ("unrestricted", "0.00", "0.00", "0.00", "0.00", "0.00")
        assert rows["total unrestricted"][-1] == "0.00"  # the trial balance says the same
        assert rows["total restricted"][-1] == "53778.60"
        assert_classes_equal_pools(figures)
        assert verify_ledger(session).ok


def test_an_exchange_gain_on_earmarked_money_is_the_earmarks(database: Database) -> None:
    with database.transaction() as session:
        mex = mexico(session)
        record_pledge(session, ACTOR, mex, pledge_date=day("2025-02-10"), amount=D("1000.00"),
                      currency="EUR", rate=D("1.0850"), earmark="organ:CIM")  # fmt: skip
        receipt = record_receipt(session, ACTOR, mex, value_date=day("2025-03-10"),
                                 amount=D("1000.00"), currency="EUR", rate=D("1.1000"))  # fmt: skip
        assert lines_of(session, receipt) == [
            ("1010", "1100.00"), ("1100", "-1085.00"), ("4240", "-15.00"),
        ]  # fmt: skip
        figures = net_assets(session, day("2025-03-10"))
        assert by_pool(figures)["MEX/organ:CIM"][-1] == "1100.00"
        assert by_pool(figures)["total restricted"][-1] == "1100.00"
        assert by_pool(figures)["total unrestricted"][-1] == "0.00"


def test_one_receipt_for_an_unrestricted_and_an_earmarked_pledge_splits_by_class(
    database: Database,
) -> None:
    """Charges come out of the oldest pledge's pool first; each pool's exchange
    difference stays in its class; the classes equal their pools to the cent."""
    with database.transaction() as session:
        mex = mexico(session)
        earmarked = record_pledge(
            session, ACTOR, mex, pledge_date=day("2025-01-10"), amount=D("333.33"),
            currency="EUR", rate=D("1.0851"), earmark="activity:5",
        )  # fmt: skip
        free = record_pledge(session, ACTOR, mex, pledge_date=day("2025-01-20"),
                             amount=D("666.67"), currency="EUR", rate=D("1.0849"))  # fmt: skip
        record_receipt(
            session, ACTOR, mex, value_date=day("2025-02-01"), amount=D("975.00"),
            currency="EUR", rate=D("1.1177"), charges=D("25.00"), pledges=[earmarked, free],
        )  # fmt: skip
        figures = net_assets(session, day("2025-02-01"))
        rows = by_pool(figures)
        # EUR 308.33 reached the earmark (333.33 less the 25.00 the bank kept).
        assert rows["MEX/activity:5"][1:] == ("344.62", "0.00", "0.00", "0.00", "344.62")
        assert rows["unrestricted"][1:] == ("745.14", "0.00", "0.00", "0.00", "745.14")
        assert_classes_equal_pools(figures)
        assert verify_ledger(session).ok


def test_credit_applied_to_an_earmarked_pledge_keeps_its_exchange_difference(
    database: Database,
) -> None:
    with database.transaction() as session:
        mex = mexico(session)
        record_receipt(session, ACTOR, mex, value_date=day("2025-01-05"), amount=D("500.00"),
                       currency="EUR", rate=D("1.1000"), overpayment=True)  # fmt: skip
        pledge = record_pledge(
            session, ACTOR, mex, pledge_date=day("2025-02-01"), amount=D("500.00"),
            currency="EUR", rate=D("1.0500"), earmark="activity:5",
        )  # fmt: skip
        (application,) = apply_credit(session, ACTOR, pledge, on=day("2025-02-02"))
        entry = session.get(JournalEntry, application.entry_id)
        assert entry is not None
        assert ("4240", "-25.00") in entry_lines(entry)
        rows = by_pool(net_assets(session, day("2025-02-02")))
        assert rows["MEX/activity:5"][-1] == "550.00" == rows["total restricted"][-1]
        assert rows["unrestricted"][-1] == "0.00" == rows["total unrestricted"][-1]


def old_style_receipt(session: Session, donor: Donor) -> JournalEntry:
    """What a receipt posted before issue 14 looked like: charges and the exchange gain in
    the unrestricted class, the bank and receivable lines in the earmark's pool."""
    dims = {"donor_id": donor.id, "earmark": "activity:5"}
    post(session, Line("1100", D("1085.00"), **dims), Line("4200", D("-1085.00"), **dims),
         on="2025-03-01", kind=EntryKind.PLEDGE)  # fmt: skip
    return post(
        session, Line("1010", D("1098.90"), **dims), Line("5300", D("1.10"), donor_id=donor.id),
        Line("1100", D("-1085.00"), **dims), Line("4400", D("-15.00")),
        on="2025-03-10", kind=EntryKind.RECEIPT,
    )  # fmt: skip


def test_restate_restrictions_corrects_entries_posted_before(database: Database) -> None:
    with database.transaction() as session:
        old = old_style_receipt(session, mexico(session))
        (violation,) = [v for v in verify_ledger(session).violations if v.startswith("restricted")]
        assert "by 13.90 at the end of 2025-03-10" in violation

        (restated,) = restate_restrictions(session, ACTOR)
        assert restated.entry_date == old.entry_date
        assert restated.kind == EntryKind.RECLASSIFICATION
        assert entry_lines(restated) == [("4400", "13.90"), ("4240", "-13.90")]
        assert verify_ledger(session).ok
        assert by_pool(net_assets(session, day("2025-03-10")))["total restricted"][-1] == (
            "1098.90"
        )
        assert restate_restrictions(session, ACTOR) == []  # nothing is restated twice


def test_restating_into_a_closed_year_is_refused(database: Database) -> None:
    with database.transaction() as session:
        mex = mexico(session)
        post(session, Line("1010", D("100.00"), donor_id=mex.id, earmark="activity:5"),
             Line("4200", D("-100.00"), donor_id=mex.id, earmark="activity:5"), on="2024-05-01")
        post(session, Line("5300", D("2.50")),
             Line("1010", D("-2.50"), donor_id=mex.id, earmark="activity:5"), on="2024-06-01")
        session.add(closed_year(2024))
        session.flush()
        restating = r"entry #2 \(2024-06-01\) needs restating"
        with pytest.raises(ClosedPeriod, match=restating) as refused:
            restate_restrictions(session, ACTOR)
    spanish = refusal_text(refused.value, "es")
    assert spanish.startswith("el asiento n.º 2 (1 jun 2024) debe reexpresarse")
    assert "needs restating" not in spanish


def test_a_shortfall_is_released_from_the_earmark(database: Database) -> None:
    with database.transaction() as session:
        mex = mexico(session)
        post(session, Line("1010", D("100.00"), donor_id=mex.id, earmark="activity:5"),
             Line("4200", D("-100.00"), donor_id=mex.id, earmark="activity:5"), on="2025-05-01")
        post(session, Line("5300", D("2.50")),
             Line("1010", D("-2.50"), donor_id=mex.id, earmark="activity:5"), on="2025-06-01")
        (restated,) = restate_restrictions(session, ACTOR)
        assert entry_lines(restated) == [("4290", "2.50"), ("4190", "-2.50")]
        assert verify_ledger(session).ok


def test_report_net_assets_from_the_command_line(run: Run) -> None:
    assert run("donor", "add", "--code", "mex", "--name", "Mexico", "--type",
               "member_state").exit_code == 0  # fmt: skip
    for args in (
        ("pledge", "--donor", "MEX", "--date", "2025-02-10", "--amount", "50000.00",
         "--currency", "EUR", "--rate", "1.0850", "--earmark", "activity:5"),
        ("receive", "--donor", "MEX", "--date", "2025-04-15", "--amount", "29980.00",
         "--currency", "EUR", "--rate", "1.0700", "--charges", "20.00"),
        ("pledge", "--donor", "MEX", "--date", "2025-05-01", "--amount", "1000.00",
         "--currency", "USD"),
    ):  # fmt: skip
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    csv = run("report", "net-assets", "--as-of", "2025-06-30", "--format", "csv")
    assert csv.exit_code == 0, csv.stderr
    assert csv.stdout == (
        "pool,class,cash,receivables,advances,liabilities,net_assets\n"
        "unrestricted,unrestricted,0.00,1000.00,0.00,0.00,1000.00\n"
        "MEX/activity:5,restricted,32078.60,21700.00,0.00,0.00,53778.60\n"
        "total unrestricted,unrestricted,0.00,1000.00,0.00,0.00,1000.00\n"
        "total restricted,restricted,32078.60,21700.00,0.00,0.00,53778.60\n"
    )
    before = run("report", "net-assets", "--as-of", "2025-04-14", "--format", "csv")
    assert before.stdout.splitlines()[2] == (
        "MEX/activity:5,restricted,0.00,54250.00,0.00,0.00,54250.00"
    )
    table = run("report", "net-assets", "--as-of", "2025-06-30")
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["pool", "class", "cash", "receivables", "advances",
                                "liabilities", "net_assets"]  # fmt: skip
    assert lines[-1].split() == ["total", "restricted", "restricted", "32078.60", "21700.00",
                                 "0.00", "0.00", "53778.60"]  # fmt: skip
    bad = run("report", "net-assets", "--as-of", "yesterday")
    assert bad.exit_code == 2
    assert "--as-of" in bad.stderr
