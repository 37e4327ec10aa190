"""The demo and the volume generator tell a history that holds on every day (issue 14).

At the end of every day the bank, and in every pool (unrestricted, and each donor's
earmark) its bank money, its money (bank less credits and refunds owed back) and what
is available (money less the commitments open that day) are non-negative; nothing is
dated after the day the data was loaded; and every earmark is one some fundable
activity can use. The day-by-day sums below read the postings themselves, on purpose
apart from the code that planned the demo.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.allocations.models import Allocation, AllocationEvent, Budget, State
from fundledger.allocations.pools import Pool, eligibility_problem
from fundledger.db import Database
from fundledger.demo.dataset import load_demo
from fundledger.demo.growth import entry_count, grow_through_services
from fundledger.donors.models import (
    Donor,
    ExchangeRate,
    Pledge,
    PledgeReduction,
    Receipt,
    ReceiptApplication,
)
from fundledger.ledger.chart import BANK, CASH_ACCOUNTS, DRAW_ACCOUNTS
from fundledger.ledger.models import Account, JournalEntry, Posting
from fundledger.program.models import Activity
from tests.integration.test_iati_export import check_the_demos_file

Changes = dict[str, dict[dt.date, Decimal]]


def test_the_demo_never_overdraws_and_never_looks_ahead(
    run: Callable[..., Result], database: Database
) -> None:
    assert run("demo").exit_code == 0
    with database.session() as session:
        assert negative_days(session) == []
        assert dated_after(session, dt.date.today()) == []
        assert unusable_earmarks(session) == []
        # The history is a real one: money goes out of several pools, over years.
        drawn = {share.pool for allocation in session.scalars(select(Allocation))
                 for share in allocation.pools if share.advanced}  # fmt: skip
        assert "unrestricted" in drawn
        assert len(drawn) >= 4
        assert len({on.year for on in session.scalars(select(JournalEntry.entry_date))}) == 5
    check_the_demos_file(database, dt.date.today())  # its IATI file, while it is loaded


@pytest.mark.parametrize("loaded", [dt.date(2026, 1, 2), dt.date(2025, 6, 15)])
def test_the_story_ends_the_day_before_whatever_day_it_is_loaded(
    sqlite_database: Database, loaded: dt.date
) -> None:
    """Loaded on the second day of a year, its last year is one day long, and still
    holds allocations in every state; nothing is dated on the load day or after."""
    with sqlite_database.transaction() as session:
        load_demo(session, Actor("cli:demo"), today=loaded)
    with sqlite_database.session() as session:
        assert negative_days(session) == []
        assert dated_after(session, loaded - dt.timedelta(days=1)) == []
        assert {a.state for a in session.scalars(select(Allocation))} == set(State)
        first = session.scalar(select(func.min(JournalEntry.entry_date)))
    assert first is not None
    assert first.year == loaded.year - 4


@pytest.mark.heavy
def test_growing_the_demo_keeps_every_day_whole(
    run: Callable[..., Result], database: Database
) -> None:
    assert run("demo").exit_code == 0
    operator = Actor("loader@example.org", request_id="volume")
    grow_through_services(database, operator, entries=600, seed=7, progress=lambda _: None)
    with database.session() as session:
        served = entry_count(session)
        assert negative_days(session) == []
        assert unusable_earmarks(session) == []

    grown = run("demo", "--entries", str(3 * served + 17), "--bulk")

    assert grown.exit_code == 0, grown.stderr
    with database.session() as session:
        assert entry_count(session) == 3 * served + 17
        assert negative_days(session) == []
        assert dated_after(session, dt.date.today()) == []
        assert unusable_earmarks(session) == []
    assert run("verify").stdout.startswith("ledger verified")


def test_the_check_finds_a_day_below_zero_that_later_days_hide() -> None:
    """The sums would say nothing wrong at the end; the day in between is below zero."""
    june, july, august = dt.date(2024, 6, 1), dt.date(2024, 7, 1), dt.date(2024, 8, 1)
    available: dict[dt.date, Decimal] = defaultdict(Decimal, {june: Decimal(100)})
    add_commitment(available, Decimal(150), july, {august: Decimal(150)}, closed=None)
    available[august] += Decimal(-150 + 200)  # the tranche leaves, a receipt arrives
    changes: Changes = {"bank": {june: Decimal(100), july: Decimal(0)},
                        "MEX/activity:5 available": available}  # fmt: skip

    assert lowest_points(changes) == ["MEX/activity:5 available: -50 on 2024-07-01"]


def negative_days(session: Session) -> list[str]:
    """Each series that is below zero at the end of some day: its lowest point."""
    return lowest_points(day_changes(session))


def lowest_points(changes: Changes) -> list[str]:
    """Each series whose running balance dips below zero: how low, and on which day."""
    problems = []
    for name, moves in sorted(changes.items()):
        balance, lowest, low_day = Decimal(0), Decimal(0), None
        for day in sorted(moves):
            balance += moves[day]
            if balance < lowest:
                lowest, low_day = balance, day
        if low_day is not None:
            problems.append(f"{name}: {lowest} on {low_day}")
    return problems


def day_changes(session: Session) -> Changes:
    """How each series moves, day by day: ``bank``, and ``POOL bank``, ``POOL money``
    and ``POOL available`` for every pool."""
    codes: dict[int | None, str] = dict(session.execute(select(Donor.id, Donor.code)).all())
    changes: Changes = defaultdict(lambda: defaultdict(Decimal))
    draws: Changes = defaultdict(lambda: defaultdict(Decimal))
    postings = session.execute(
        select(Posting.entry_date, Account.code, Posting.donor_id, Posting.earmark,
               Posting.allocation_id, Posting.amount).join(Account)
    )  # fmt: skip
    for on, account, donor_id, earmark, allocation_id, amount in postings:
        pool = "unrestricted" if earmark is None else f"{codes[donor_id]}/{earmark}"
        if account == BANK:
            changes["bank"][on] += amount
            changes[f"{pool} bank"][on] += amount
        if account in CASH_ACCOUNTS:
            changes[f"{pool} money"][on] += amount
            changes[f"{pool} available"][on] += amount
        if account in DRAW_ACCOUNTS and allocation_id is not None and amount > 0:  # a tranche
            draws[f"{allocation_id} {pool}"][on] += amount
    for allocation in session.scalars(select(Allocation)):
        approved = event_day(allocation, "approve")
        if approved is None:
            continue
        closed = event_day(allocation, "close")
        for share in allocation.pools:
            add_commitment(changes[f"{share.pool} available"], share.committed, approved,
                           draws[f"{allocation.id} {share.pool}"], closed)  # fmt: skip
    return changes


def add_commitment(
    available: dict[dt.date, Decimal],
    committed: Decimal,
    approved: dt.date,
    draws: dict[dt.date, Decimal],
    closed: dt.date | None,
) -> None:
    """An approval holds ``committed`` from its day; each tranche drawn from the pool
    lets go of as much (the money itself has left); closing lets go of the rest."""
    available[approved] -= committed
    held = committed
    for day in sorted(draws):
        let_go = min(held, draws[day])
        available[day] += let_go
        held -= let_go
    if closed is not None:
        available[closed] += held


def event_day(allocation: Allocation, action: str) -> dt.date | None:
    return next((event.on for event in allocation.events if event.action == action), None)


#: Every business date the data carries (a pledge's or instalment's due date may be later).
BUSINESS_DATES = (
    JournalEntry.entry_date, Pledge.pledge_date, PledgeReduction.reduction_date,
    Receipt.value_date, ReceiptApplication.applied_on, ExchangeRate.rate_date,
    AllocationEvent.on, Budget.decided_on,
)  # fmt: skip


def dated_after(session: Session, today: dt.date) -> list[str]:
    """Each kind of date whose latest value is after ``today``."""
    latest = {str(column): session.scalar(select(func.max(column))) for column in BUSINESS_DATES}
    return [f"{name} {day}" for name, day in latest.items() if day is not None and day > today]


def unusable_earmarks(session: Session) -> list[str]:
    """Pools no fundable activity may draw on (DESIGN.md §3, flow 3)."""
    activities = session.scalars(select(Activity).filter_by(fundable=True)).all()
    pools = session.execute(
        select(Donor.code, Posting.earmark).join(Donor, Donor.id == Posting.donor_id)
        .where(Posting.earmark.is_not(None)).distinct()
    )  # fmt: skip
    return sorted(
        f"{code}/{earmark}"
        for code, earmark in pools
        if all(eligibility_problem(session, Pool(code, earmark), a) for a in activities)
    )
