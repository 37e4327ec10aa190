"""CSV import: all rows or none, every bad row named, and idempotent across runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundledger.db import Database
from fundledger.donors.imports import ImportRejected, import_contributions
from fundledger.donors.models import Pledge, Receipt
from fundledger.donors.operations import create_donor, set_rate
from fundledger.donors.queries import donor_position
from fundledger.ledger.verify import verify_ledger
from tests.factories import TEST_ACTOR as ACTOR
from tests.factories import ledger_state

HEADER = "type,donor,date,amount,currency,rate,charges,earmark,pledge,reference,due,overpayment\n"
GOOD = (
    HEADER
    + "pledge,MEX,2025-01-20,50000.00,USD,,,activity:5,,MEX-2025-1,2025-06-30,\n"
    + "pledge,ES-OBS,2025-02-10,50000.00,EUR,1.0850,,,,ES-2025,,\n"
    + "receipt,MEX,2025-03-01,50000.00,USD,,,,,wire 881,,\n"
    + "receipt,ES-OBS,2025-04-15,29980.00,EUR,1.1000,20.00,,,wire 902,,\n"
    + "unpledged,CAN,2025-05-05,1000,CAD,,,objective:4,,wire 950,,\n"
)


@pytest.fixture
def donors(database: Database) -> Database:
    with database.transaction() as session:
        for code, kind in (("MEX", "member_state"), ("ES-OBS", "permanent_observer"),
                           ("CAN", "member_state")):  # fmt: skip
            create_donor(session, ACTOR, code=code, name=code, type=kind)
        set_rate(session, ACTOR, currency="CAD", on=dt.date(2025, 5, 5),
                 rate=Decimal("0.7300"))  # fmt: skip
    return database


def run_import(database: Database, text: str | bytes) -> object:
    data = text.encode() if isinstance(text, str) else text
    with database.transaction() as session:
        return import_contributions(session, ACTOR, data)


def test_a_good_file_posts_every_row_and_a_second_run_posts_nothing(donors: Database) -> None:
    first = run_import(donors, GOOD)
    assert first.summary() == "5 rows: 5 posted, 0 already posted before"
    with donors.session() as session:
        state = ledger_state(session)
        assert state.entries == 5
        mexico = session.scalar(select(Pledge).filter_by(reference="MEX-2025-1"))
        assert mexico is not None
        assert donor_position(session, mexico.donor).outstanding == Decimal("0.00")
        assert verify_ledger(session).ok

    again = run_import(donors, GOOD)
    assert again.summary() == "5 rows: 0 posted, 5 already posted before"
    with donors.session() as session:
        assert ledger_state(session) == state


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace("50000.00,EUR", "50000.005,EUR"), (3, "has more decimals than EUR allows")),
        (GOOD.replace("29980.00", "2998O.00"), (5, "is not a plain decimal number")),
        (GOOD.replace("2025-03-01", "2025-02-30"), (4, "is not a date")),
        (GOOD.replace("unpledged,CAN", "unpledged,ZZZ"), (6, "unknown donor 'ZZZ'")),
        (GOOD.replace("objective:4", "activity:77"), (6, "the fund finances 1–32")),
        (GOOD.replace(",1000,CAD,", ",1000,XYZ,"), (6, "'XYZ' is not an ISO 4217 currency")),
        (GOOD.replace(",1000,CAD,", ",-1000,CAD,"), (6, "must be more than zero")),
        (GOOD + GOOD.splitlines(keepends=True)[2], (7, "repeats line 3")),
        (GOOD.replace("receipt,MEX,2025-03-01,50000.00", "receipt,MEX,2025-03-01,60000.00"),
         (4, "record the 10000.00 excess as an overpayment")),
        (GOOD.replace(",,MEX-2025-1,2025-06-30,", ",,MEX-2025-1,2025-06-30,maybe"),
         (2, "overpayment 'maybe' must be yes or no")),
        (GOOD.replace("unpledged,CAN,2025-05-05,1000,CAD,,", "unpledged,CAN,2025-05-06,1000,CAD,,"),
         (6, "no CAD rate for 2025-05-06")),
    ],
)  # fmt: skip
def test_one_bad_row_posts_nothing_and_is_named(
    donors: Database, text: str, problem: tuple[int, str]
) -> None:
    with pytest.raises(ImportRejected) as rejected:
        run_import(donors, text)
    line, message = rejected.value.report.problems[0]
    assert line == problem[0]
    assert problem[1] in message
    with donors.session() as session:
        assert ledger_state(session).entries == 0
        assert session.scalar(select(func.count()).select_from(Receipt)) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"type,donor,date,amount\npledge,MEX,2025-01-01,5\n", "missing currency"),
        (HEADER.replace("due", "colour").encode(), "unknown colour"),
        (HEADER.encode(), "the file has no rows"),
        (GOOD.encode("utf-16"), "the file is not UTF-8"),
        ("type,donor,date,amount,currency\npledge,PER,2025-01-01,5,PEN\n".encode("latin-1")
         + b"pledge,PER,2025-01-01,5,PEN,\xe9\n", "the file is not UTF-8"),
    ],
)  # fmt: skip
def test_malformed_files_are_refused_whole(donors: Database, data: bytes, message: str) -> None:
    with pytest.raises(ImportRejected, match=message):
        run_import(donors, data)


def test_a_bad_number_deep_in_a_large_file(donors: Database) -> None:
    rows = [f"unpledged,MEX,2025-06-01,{n}.00,USD,,,,,wire {n},," for n in range(1, 3001)]
    rows[2499] = "unpledged,MEX,2025-06-01,12,5.00,USD,,,,,wire x,,"
    with pytest.raises(ImportRejected) as rejected:
        run_import(donors, HEADER + "\n".join(rows) + "\n")
    assert rejected.value.report.problems == [(2501, "more fields than columns")]
    with donors.session() as session:
        assert ledger_state(session).entries == 0
