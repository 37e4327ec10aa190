"""Bank interest (issue 16): unrestricted income by default, shared pro rata among the
pools when the fund's settings say so; either way it is the interest line of the sources
and uses of funds and of the changes in net assets, and the ledger still verifies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.errors import AllocationError
from fundledger.allocations.interest import record_interest
from fundledger.allocations.settings import set_setting
from fundledger.db import Database
from fundledger.ledger.errors import FutureDate
from fundledger.ledger.periods import fiscal_year
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from fundledger.reporting.fund_data import fund_statement
from fundledger.reporting.render import Request, issue_for, render
from tests.factories import entry_lines
from tests.integration.test_fund_period import three_examples
from tests.integration.test_statements import day, text_of

SECRETARIAT = Actor("sec@oas.org", request_id="test")
ISSUED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def interest_lines(session: Session, amount: str, on: str) -> list[tuple[str, str]]:
    entry = record_interest(session, SECRETARIAT, on=day(on), amount=D(amount),
                            reference="STMT-12")  # fmt: skip
    return entry_lines(entry)


def test_interest_is_unrestricted_income_on_both_statements(database: Database) -> None:
    three_examples(database)
    with database.transaction() as session:
        lines = interest_lines(session, "123.45", "2025-12-31")
    with database.session() as session:
        data = fund_statement(session, *fiscal_year(2025), edition=3)
        pdf = render(session, Request.fund(2025), issue_for("FS-2026-0004", ISSUED, "en"))
        assert verify_ledger(session).ok
    assert len(lines) == 2
    changes = {line.key: line for line in data.changes.lines}
    assert (changes["4300"].unrestricted, changes["4300"].restricted) == (D("123.45"), D(0))
    assert data.sources_uses is not None
    assert data.sources_uses.lines["interest"].period == D("123.45")
    text = text_of(pdf)
    assert "Interest income 123.45 0.00 123.45" in text  # changes in net assets
    assert "Interest 123.45 123.45" in text  # sources and uses, period and inception


def test_interest_shared_pro_rata_keeps_each_earmark_s_share_in_its_class(
    database: Database,
) -> None:
    """On 10 March 2025 the bank holds 300,000 unrestricted (Canada's and the United
    States' 400,000 less the 100,000 paid to two organs on 1 March) and Mexico's 50,000
    for activity 5 (Spain pays in April): 100.00 of interest is 85.71 unrestricted and
    14.29 for Mexico's earmark (85.714… and 14.285…: the cent left goes to the larger
    remainder), which its restricted class holds."""
    three_examples(database)
    with database.transaction() as session:
        set_setting(session, Actor("admin@oas.org"), "interest_distribution", "pro_rata")
        record_interest(session, SECRETARIAT, on=day("2025-03-10"), amount=D("100.00"))
    with database.session() as session:
        data = fund_statement(session, *fiscal_year(2025), edition=3)
        assert verify_ledger(session).ok  # each class's net assets equal its pools'
        balances = {r.code: r.balance for r in trial_balance(session, day("2025-12-31")).rows}
    changes = {line.key: line for line in data.changes.lines}
    assert changes["4300"].unrestricted == D("85.71")
    assert changes["4230"].restricted == D("14.29")
    assert -balances["4230"] == D("14.29")
    assert data.sources_uses is not None
    assert data.sources_uses.lines["interest"].period == D("100.00")


@pytest.mark.parametrize(
    ("amount", "on", "refusal"),
    [("0", "2025-12-31", AllocationError), ("-5", "2025-12-31", AllocationError),
     ("1.234", "2025-12-31", AllocationError), ("10", "2999-01-01", FutureDate)],
)  # fmt: skip
def test_bad_interest_is_refused_and_writes_nothing(
    database: Database, amount: str, on: str, refusal: type[Exception]
) -> None:
    with database.transaction() as session, pytest.raises(refusal):
        record_interest(session, SECRETARIAT, on=day(on), amount=D(amount))
