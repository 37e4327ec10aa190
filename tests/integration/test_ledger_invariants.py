"""Property: any sequence of valid and invalid entries keeps every ledger invariant.

Valid entries post; invalid ones are refused and change nothing; afterwards every
entry sums to zero, the trial balance's debits equal its credits, the cached
balances equal the sums of postings, and the hash chain verifies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.db import Database
from fundledger.ledger.errors import InvalidEntry
from fundledger.ledger.models import Posting
from fundledger.ledger.operations import Line, post_entry
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from tests.factories import ledger_state

#: Accounts of the unrestricted class and its pool: lines carry no earmark, and a
#: restricted-class line without one (4200) would part the classes from their pools,
#: which verify reports (issue 14; tests/integration/test_restriction.py).
ACCOUNTS = ["1010", "1100", "1200", "2100", "4100", "4300", "5100", "5300"]

cents = (
    st.integers(min_value=-(10**9), max_value=10**9).filter(bool).map(lambda c: Decimal(c) / 100)
)
lines_of = st.lists(st.tuples(st.sampled_from(ACCOUNTS), cents), min_size=1, max_size=5)


@st.composite
def entries(draw: st.DrawFn) -> tuple[str, list[Line]]:
    """A balanced entry, or one broken in one named way."""
    body = [Line(account, amount) for account, amount in draw(lines_of)]
    total = sum((line.amount for line in body), Decimal(0))
    if total:
        body.append(Line(draw(st.sampled_from(ACCOUNTS)), -total))
    flaw = draw(
        st.sampled_from(
            ["none", "none", "none", "unbalanced", "zero", "decimals", "account", "single"]
        )
    )
    if flaw == "unbalanced":
        body[0] = Line(body[0].account, body[0].amount + Decimal("0.01"))
    elif flaw == "zero":
        body.append(Line("1010", Decimal(0)))
    elif flaw == "decimals":
        body = [Line(body[0].account, body[0].amount + Decimal("0.001")), *body[1:]]
        body.append(Line("1010", Decimal("-0.001")))
    elif flaw == "account":
        body[0] = Line("9999", body[0].amount)
    elif flaw == "single":
        body = body[:1]
    valid = flaw == "none" and len(body) >= 2
    return ("valid" if valid else "invalid"), body


#: Money in the bank before the random entries, more than they can take out (every line is
#: below 10,000,000.00, an entry has at most six, a batch at most twelve): no balance may
#: fall below zero on any day (issue 14), and these entries are about other invariants.
OPENING = [Line("1010", Decimal(10**9)), Line("3100", Decimal(-(10**9)))]


def fund_the_bank(session: Session) -> None:
    post_entry(session, entry_date=dt.date(2025, 1, 1), lines=OPENING, created_by="hypothesis")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(entries(), min_size=1, max_size=12))
def test_random_entries_keep_every_invariant(
    database: Database, batch: list[tuple[str, list[Line]]]
) -> None:
    with database.session(write=True) as session:
        fund_the_bank(session)
        posted = 1
        for expected, lines in batch:
            before = ledger_state(session)
            try:
                post_entry(
                    session, entry_date=dt.date(2025, 6, 1), lines=lines, created_by="hypothesis"
                )
            except InvalidEntry:
                assert expected == "invalid", lines
                assert ledger_state(session) == before
            else:
                assert expected == "valid", lines
                posted += 1

        unbalanced = session.scalar(
            select(func.count()).select_from(
                select(Posting.entry_id)
                .group_by(Posting.entry_id)
                .having(func.sum(Posting.amount) != 0)
                .subquery()
            )
        )
        balance = trial_balance(session)
        report = verify_ledger(session)
        assert unbalanced == 0
        assert balance.total_debit == balance.total_credit
        assert report.ok, report.violations
        assert report.entries == posted
        session.rollback()


#: A short span, so that entries often fall on the date asked for, or the day after.
days = st.dates(min_value=dt.date(2025, 12, 27), max_value=dt.date(2026, 1, 5))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(st.tuples(days, entries()), min_size=1, max_size=10),
    as_of=days,
)
def test_the_trial_balance_as_of_a_date_sums_the_postings_up_to_it(
    database: Database, batch: list[tuple[dt.date, tuple[str, list[Line]]]], as_of: dt.date
) -> None:
    """As of a date the trial balance reads the trigger-kept daily totals; it must say
    what the postings up to that date say, entry by entry."""
    expected = {line.account: line.amount for line in OPENING}
    with database.session(write=True) as session:
        fund_the_bank(session)
        for on, (validity, lines) in batch:
            if validity != "valid":
                continue
            post_entry(session, entry_date=on, lines=lines, created_by="hypothesis")
            if on <= as_of:
                for line in lines:
                    expected[line.account] = expected.get(line.account, Decimal(0)) + line.amount
        shown = {row.code: row.balance for row in trial_balance(session, as_of).rows}
        session.rollback()
    assert shown == {code: total for code, total in expected.items() if total}
