"""A manual voucher paying out of a pool counts what approvals commit (issue 14): dated
D, it is refused if the pool's availability (money less open commitments) would fall
below zero at the end of any day from D on, naming the pool, the day and the shortfall,
and it writes nothing. (The ledger's own check, for every entry, counts the money only.)"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy.orm import Session

from fundledger import clock
from fundledger.allocations.errors import InsufficientFunds
from fundledger.allocations.pool_moves import post_voucher
from fundledger.db import Database
from fundledger.ledger.errors import IdempotencyConflict
from fundledger.ledger.verify import verify_ledger
from fundledger.ledger.vouchers import read_voucher
from tests.factories import create_donor, ledger_state
from tests.integration.test_overdraft import SEC, approve, receive, submitted

Run = Callable[..., Result]


def voucher(on: str | dt.date, amount: str, key: str | None = None) -> str:
    """Bank charges paid out of MEX/activity:5 and released from its restriction."""
    earmarked = {"donor": "MEX", "earmark": "activity:5"}
    return json.dumps({"date": str(on), "memo": "charges", "idempotency_key": key, "lines": [
        {"account": "5300", "debit": amount, "donor": "MEX"},
        {"account": "1010", "credit": amount, **earmarked},
        {"account": "4290", "debit": amount, **earmarked},
        {"account": "4190", "credit": amount},
    ]})  # fmt: skip


def pay(session: Session, on: str | dt.date, amount: str, key: str | None = None) -> int:
    parsed = read_voucher(session, voucher(on, amount, key).encode())
    return post_voucher(session, SEC, parsed).number


def committed(session: Session) -> None:
    """50,000 received for MEX/activity:5 on 1 June 2025; 40,000 of it approved for an
    allocation on 1 July 2025 and not yet disbursed."""
    receive(session, create_donor(session), "2025-06-01", "50000", earmark="activity:5")
    approve(session, submitted(session, "40000", ("MEX/activity:5",)), "2025-07-01")


def test_a_backdated_voucher_counts_the_commitments_of_later_days(database: Database) -> None:
    """Dated 15 June, before the approval, 20,000 out leaves 30,000 in hand on every day,
    but from 1 July 40,000 of it is committed: 10,000 short."""
    with database.session(write=True) as session:
        committed(session)
        before = ledger_state(session)
        with pytest.raises(InsufficientFunds) as refused:
            pay(session, "2025-06-15", "20000.00")
        assert str(refused.value) == (
            "pool MEX/activity:5 has 10000.00 available; it cannot pay 20000.00 by voucher "
            "(counting every day from 2025-06-15 on, the lowest is 2025-07-01: 10000.00 short)"
        )
        assert ledger_state(session) == before
        pay(session, "2025-06-15", "10000.00")  # what is free
        assert verify_ledger(session).ok


def test_a_voucher_dated_today_counts_todays_commitments(database: Database) -> None:
    with database.session(write=True) as session:
        committed(session)
        before = ledger_state(session)
        with pytest.raises(InsufficientFunds, match=r"has 10000\.00 available; it cannot pay "
                           r"10000\.01 by voucher"):  # fmt: skip
            pay(session, clock.today(), "10000.01")
        assert ledger_state(session) == before


def test_a_replayed_voucher_answers_with_its_entry(database: Database) -> None:
    with database.session(write=True) as session:
        committed(session)
        first = pay(session, "2025-06-15", "10000.00", key="charges-1")
        assert pay(session, "2025-06-15", "10000.00", key="charges-1") == first
        with pytest.raises(IdempotencyConflict):
            pay(session, "2025-06-15", "5.00", key="charges-1")


def test_the_command_line_refuses_a_voucher_that_spends_committed_money(
    run: Run, database: Database
) -> None:
    with database.transaction() as session:
        committed(session)
        before = ledger_state(session)
    paid = run("entry", "post", "-", stdin=voucher("2025-06-15", "20000.00"))
    assert paid.exit_code == 1
    assert paid.stderr == (
        "fundledger: pool MEX/activity:5 has 10000.00 available; it cannot pay 20000.00 by "
        "voucher "
        "(counting every day from 2025-06-15 on, the lowest is 2025-07-01: 10000.00 short)\n"
    )
    with database.session() as session:
        assert ledger_state(session) == before
