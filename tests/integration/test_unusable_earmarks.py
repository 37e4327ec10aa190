"""Earmarks no fundable activity can use (issue 14, finding 5): refused on every path that
makes one, warned of by ``verify``, and moved to a usable earmark or refunded.

In the Program's cross-reference no activity 1–32 serves objectives 6, 7 or 20, and
PAHO, an OAS organ, carries no activity at all."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations import operations as ops
from fundledger.allocations.errors import AllocationError, InsufficientFunds
from fundledger.allocations.pool_moves import re_earmark, refund_to_donor
from fundledger.allocations.pools import availability
from fundledger.allocations.unusable import unusable_pools
from fundledger.audit.models import AuditEvent
from fundledger.db import Database
from fundledger.donors.errors import ContributionError
from fundledger.donors.imports import ImportRejected, import_contributions
from fundledger.donors.models import Donor
from fundledger.donors.operations import create_donor
from fundledger.donors.pledges import record_pledge
from fundledger.donors.receipts import record_receipt
from fundledger.errors import english
from fundledger.ledger.queries import trial_balance
from fundledger.ledger.verify import verify_ledger
from fundledger.program.earmarks import parse_earmark
from fundledger.program.usable import fundable_activities, unusable_reason
from tests.factories import create_user, entry_lines, ledger_state, money_under_unusable_earmark

D = Decimal
SECRETARIAT = Actor("secretariat@oas.org")
Run = Callable[..., Result]

UNUSABLE = [
    ("objective:6", "objective 6 is served by no activity the fund may finance (activities 1–32)"),
    ("objective:7", "objective 7 is served by no activity the fund may finance (activities 1–32)"),
    ("objective:20",
     "objective 20 is served by no activity the fund may finance (activities 1–32)"),
    ("organ:PAHO", "organ PAHO carries no activity the fund may finance (activities 1–32)"),
]  # fmt: skip


def canada(session: Session) -> Donor:
    return create_donor(session, SECRETARIAT, code="CAN", name="Canada", type="member_state")


def available(session: Session, pool: str) -> Decimal:
    found = availability(session, with_receivables=False).get(pool)
    return found.available if found is not None else D("0.00")


def test_the_cross_reference_decides_which_earmarks_are_usable(database: Database) -> None:
    with database.session() as session:
        for earmark, reason in UNUSABLE:
            assert fundable_activities(session, parse_earmark(earmark)) == []
            assert english(unusable_reason(session, parse_earmark(earmark))) == reason
        assert fundable_activities(session, parse_earmark("organ:IIN")) == [10, 11]
        assert fundable_activities(session, parse_earmark("activity:5")) == [5]
        served = fundable_activities(session, parse_earmark("objective:9"))
        assert served
        assert all(1 <= number <= 32 for number in served)
        assert unusable_reason(session, parse_earmark("objective:9")) is None


@pytest.mark.parametrize(("earmark", "reason"), UNUSABLE)
def test_a_pledge_or_gift_under_an_unusable_earmark_is_refused_and_writes_nothing(
    database: Database, earmark: str, reason: str
) -> None:
    with database.transaction() as session:
        donor = canada(session)
        before = ledger_state(session)
        with pytest.raises(ContributionError, match=re.escape(reason)):
            record_pledge(session, SECRETARIAT, donor, pledge_date=dt.date(2025, 3, 1),
                          amount=D(100), currency="USD", earmark=earmark)  # fmt: skip
        with pytest.raises(ContributionError, match=re.escape(reason)):
            record_receipt(session, SECRETARIAT, donor, value_date=dt.date(2025, 3, 1),
                           amount=D(100), currency="USD", unpledged=True,
                           earmark=earmark)  # fmt: skip
        assert ledger_state(session) == before


def test_an_import_row_under_an_unusable_earmark_is_refused_with_its_line(
    database: Database,
) -> None:
    with database.transaction() as session:
        canada(session)
    data = (
        b"type,donor,date,amount,currency,earmark\n"
        b"pledge,CAN,2025-03-01,100.00,USD,objective:9\n"
        b"unpledged,CAN,2025-03-02,50.00,USD,objective:7\n"
    )
    with database.transaction() as session:
        before = ledger_state(session)
        with pytest.raises(ImportRejected) as refused:
            import_contributions(session, SECRETARIAT, data)
        assert refused.value.report.problems == [
            (3, "earmark objective:7: objective 7 is served by no activity the fund may "
                "finance (activities 1–32); no allocation could use it"),
        ]  # fmt: skip
        assert ledger_state(session) == before


def test_the_command_line_refuses_an_unusable_earmark(run: Run) -> None:
    assert run("donor", "add", "--code", "CAN", "--name", "Canada", "--type",
               "member_state").exit_code == 0  # fmt: skip
    pledge = run("pledge", "--donor", "CAN", "--date", "2025-03-01", "--amount", "100.00",
                 "--currency", "USD", "--earmark", "organ:PAHO")  # fmt: skip
    assert pledge.exit_code == 1
    assert "organ PAHO carries no activity the fund may finance (activities 1–32)" in (
        pledge.stderr
    )
    gift = run("receive", "--donor", "CAN", "--date", "2025-03-01", "--amount", "100.00",
               "--currency", "USD", "--unpledged", "--earmark", "objective:20")  # fmt: skip
    assert gift.exit_code == 1
    assert "objective 20 is served by no activity" in gift.stderr
    assert run("pledges", "--format", "csv").stdout.count("\n") == 1  # the header only


def legacy_fund(session: Session) -> Donor:
    """Canada's 46,639.28 under objective:6 received, 1,000.00 more pledged; and its
    usable activity:5 earmark."""
    donor = canada(session)
    money_under_unusable_earmark(session, donor, "objective:6", received=D("46639.28"),
                                 pledged=D("1000.00"))  # fmt: skip
    record_receipt(session, SECRETARIAT, donor, value_date=dt.date(2025, 2, 1), amount=D(500),
                   currency="USD", unpledged=True, earmark="activity:5")  # fmt: skip
    return donor


def test_unusable_pools_are_listed_with_what_they_hold(database: Database) -> None:
    with database.transaction() as session:
        legacy_fund(session)
        [pool] = unusable_pools(session)
    assert (pool.pool, pool.cash, pool.receivable, pool.available) == (
        "CAN/objective:6", D("46639.28"), D("1000.00"), D("46639.28"),
    )  # fmt: skip
    assert english(pool.reason).startswith("objective 6 is served by no activity")


def test_verify_warns_of_unusable_earmarks_and_still_passes(database: Database, run: Run) -> None:
    with database.transaction() as session:
        legacy_fund(session)
    result = run("verify")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: pool CAN/objective:6 holds 46,639.28 in the bank and 1,000.00 receivable "
        "that no allocation can use: objective 6 is served by no activity the fund may "
        "finance (activities 1–32); re-earmark it (fundledger re-earmark) or refund it "
        "(fundledger refund)"
    ]
    assert result.stdout.startswith("ledger verified")


def test_re_earmarking_moves_the_money_and_keeps_it_restricted(database: Database) -> None:
    with database.transaction() as session:
        legacy_fund(session)
        entry = re_earmark(session, SECRETARIAT, pool="CAN/objective:6", to="objective:9",
                               amount=D("46639.28"), on=dt.date(2025, 6, 1),
                               reason="Canada's letter of 2 May agrees")  # fmt: skip
        assert entry_lines(entry) == [
            ("1010", "46639.28"), ("1010", "-46639.28"), ("4200", "46639.28"),
            ("4200", "-46639.28"),
        ]  # fmt: skip
        assert [(p.earmark, f"{p.amount:f}") for p in entry.postings] == [
            ("objective:9", "46639.28"), ("objective:6", "-46639.28"),
            ("objective:6", "46639.28"), ("objective:9", "-46639.28"),
        ]  # fmt: skip
        assert available(session, "CAN/objective:6") == D("0.00")
        assert available(session, "CAN/objective:9") == D("46639.28")
        # Only the pledge still owed stays under the unusable earmark.
        assert [(p.pool, p.cash, p.receivable) for p in unusable_pools(session)] == [
            ("CAN/objective:6", D("0.00"), D("1000.00"))
        ]
        balance = trial_balance(session, None)
        assert balance.total_debit == balance.total_credit
        assert verify_ledger(session).ok
        event = session.scalars(select(AuditEvent).filter_by(action="pool.re_earmarked")).one()
        assert event.object_id == "CAN/objective:6"
        assert "Canada's letter of 2 May agrees" in (event.after or "")
        # The moved money now funds an activity serving objective 9.
        activity = fundable_activities(session, parse_earmark("objective:9"))[0]
        allocation = ops.propose_allocation(
            session, SECRETARIAT, activity=activity, amount=D("40000"), purpose="Research",
            period_start=dt.date(2025, 7, 1), period_end=dt.date(2025, 12, 31),
            pools=["CAN/objective:9"],
        )  # fmt: skip
        assert allocation.id is not None


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ({"reason": "  "}, AllocationError, "a reason is required"),
        ({"to": "objective:7"}, AllocationError,
         "earmark objective:7: objective 7 is served by no activity"),
        ({"to": "objective:6"}, AllocationError, "already earmarked to objective:6"),
        ({"pool": "CAN/activity:5"}, AllocationError,
         "pool CAN/activity:5 can fund activities 5; only money no allocation can use"),
        ({"pool": "unrestricted"}, AllocationError, "only earmarked money is re-earmarked"),
        ({"amount": D("46639.29")}, InsufficientFunds,
         "pool CAN/objective:6 has 46639.28 available; it cannot re-earmark 46639.29"),
        ({"amount": D(0)}, AllocationError, "must be more than zero"),
        ({"to": "nonsense"}, Exception, "must be objective:N, activity:N or organ:CODE"),
    ],
)  # fmt: skip
def test_bad_re_earmarks_are_refused_and_write_nothing(
    database: Database, call: dict[str, object], error: type[Exception], message: str
) -> None:
    with database.transaction() as session:
        legacy_fund(session)
    with database.transaction() as session:
        before = ledger_state(session)
        arguments: dict[str, object] = {
            "pool": "CAN/objective:6", "to": "objective:9", "amount": D(100),
            "on": dt.date(2025, 6, 1), "reason": "agreed",
        }  # fmt: skip
        arguments.update(call)
        with pytest.raises(error, match=message):
            re_earmark(session, SECRETARIAT, **arguments)  # type: ignore[arg-type]
        assert ledger_state(session) == before


def test_unusable_money_is_refunded_through_the_refund_flow(database: Database) -> None:
    with database.transaction() as session:
        legacy_fund(session)
        refund_to_donor(session, SECRETARIAT, pool="CAN/objective:6", amount=D("46639.28"),
                            on=dt.date(2025, 6, 1), reason="Canada asked for it back")  # fmt: skip
        assert available(session, "CAN/objective:6") == D("0.00")
        assert [(p.cash, p.receivable) for p in unusable_pools(session)] == [
            (D("0.00"), D("1000.00"))
        ]
        assert verify_ledger(session).ok


def test_re_earmark_from_the_command_line(database: Database, run: Run) -> None:
    with database.transaction() as session:
        legacy_fund(session)
        create_user(session, "secretariat", email="sec@oas.org")
        create_user(session, "cajp", email="cajp@oas.org")
    base = ["re-earmark", "--pool", "CAN/objective:6", "--to", "organ:IIN", "--amount",
            "639.28", "--date", "2025-06-01"]  # fmt: skip
    not_secretariat = run(*base, "--reason", "agreed", "--as", "cajp@oas.org")
    assert not_secretariat.exit_code == 1
    no_reason = run(*base, "--reason", " ", "--as", "sec@oas.org")
    assert (no_reason.exit_code, no_reason.stderr) == (1, "fundledger: a reason is required\n")
    moved = run(*base, "--reason", "agreed", "--as", "sec@oas.org")
    assert moved.exit_code == 0, moved.stderr
    assert moved.stdout.strip().isdigit()
    with database.session() as session:
        assert available(session, "CAN/organ:IIN") == D("639.28")
        assert available(session, "CAN/objective:6") == D("46000.00")
