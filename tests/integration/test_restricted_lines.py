"""A line of the restricted class (3200, 42xx) names the donor and the earmark whose money
it is (issue 14, restriction follows the money): the ledger service refuses one without,
naming the line, and so does the database (revision 0013) for a row written around it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from fundledger.db import Database
from fundledger.ledger import operations as ledger_operations
from fundledger.ledger.bulk import EntrySpec, append_entries
from fundledger.ledger.errors import UnearmarkedRestriction
from fundledger.ledger.models import Account, Posting
from fundledger.ledger.operations import Line
from tests.factories import create_donor, ledger_state, post

D = Decimal


@pytest.mark.parametrize(
    ("account", "donor", "earmark", "missing"),
    [
        ("4200", False, False, "donor and earmark"),
        ("4200", True, False, "earmark"),
        ("4290", False, True, "donor"),
        ("3200", True, False, "earmark"),
    ],
)
def test_a_restricted_line_without_its_pool_is_refused(
    database: Database, account: str, donor: bool, earmark: bool, missing: str
) -> None:
    with database.session(write=True) as session:
        mexico = create_donor(session)
        before = ledger_state(session)
        line = Line(account, D("-100.00"), donor_id=mexico.id if donor else None,
                    earmark="activity:5" if earmark else None)  # fmt: skip
        with pytest.raises(UnearmarkedRestriction) as refused:
            post(session, Line("1010", D("100.00")), line)
        assert str(refused.value) == (
            f"line 2: account {account} is in the restricted class, so the line names the "
            f"donor and the earmark whose money it is (it has no {missing}); unrestricted "
            "money goes to 3100 or a 41xx account"
        )
        with pytest.raises(UnearmarkedRestriction, match="line 2: account"):
            append_entries(session, [EntrySpec(dt.date(2025, 3, 1),
                                               [Line("1010", D("100.00")), line])],
                           created_by="test")  # fmt: skip
        assert ledger_state(session) == before


def test_the_database_refuses_a_restricted_row_without_its_pool(database: Database) -> None:
    with database.session(write=True) as session:
        mexico = create_donor(session)
        dims = {"donor_id": mexico.id, "earmark": "activity:5"}
        entry = post(session, Line("1010", D("100.00"), **dims), Line("4200", D("-100.00"), **dims))
        before = ledger_state(session)
        account_id = session.scalar(select(Account.id).filter_by(code="4200"))
        row = {"entry_id": entry.id, "line_no": 9, "account_id": account_id,
               "entry_date": entry.entry_date, "amount": D("1.00")}  # fmt: skip
        refused = r"a posting to the restricted class \(3200, 42xx\) names its donor and earmark"
        for donor_id, earmark in ((None, "activity:5"), (mexico.id, None)):
            with pytest.raises(DBAPIError, match=refused), session.begin_nested():
                session.execute(insert(Posting), {**row, "donor_id": donor_id, "earmark": earmark})
        assert ledger_state(session) == before


def test_a_bulk_load_the_service_let_through_is_refused_by_the_database(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the service's check switched off, the database still refuses the load: once
    per COPY on PostgreSQL, once per batch on SQLite (its row trigger is put back)."""
    monkeypatch.setattr(ledger_operations, "restriction_problem", lambda *line: None)
    with database.session(write=True) as session:
        before = ledger_state(session)
        lines = [Line("1010", D("100.00")), Line("4200", D("-100.00"), earmark="activity:5")]
        with pytest.raises((UnearmarkedRestriction, DBAPIError),
                           match=r"restricted class \(3200, 42xx\) names its donor and earmark"):
            append_entries(session, [EntrySpec(dt.date(2025, 3, 1), lines)], created_by="test")
        assert ledger_state(session) == before
        if database.dialect == "sqlite":
            names = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert "postings_restricted_names_earmark" in set(session.scalars(names))
