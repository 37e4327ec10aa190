"""The one reader of balances: what an account, a donor, a pool (donor and earmark) or an
allocation holds as of a day, or moved over a period, from the postings' daily totals
(:class:`~fundledger.ledger.models.DailyTotal`, a few rows a day, so a read costs the
same however long the ledger grows).

Areas and reports ask here and never read postings or daily totals themselves
(tests/unit/test_layers.py checks). Its questions are "the balance of X as of D" and
"X day by day (or year by year) from D", so that one module knows about time: the
integrity issue (14) makes it refuse a history that overdraws on any past day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from fundledger.db import year_of
from fundledger.ledger.chart import DRAW_ACCOUNTS
from fundledger.ledger.models import (
    Account,
    AccountBalance,
    AccountType,
    DailyTotal,
    EntryKind,
    PoolBalance,
)

ZERO = Decimal("0.00")


def balances(
    session: Session, as_of: dt.date, *, donor_id: int | None = None
) -> dict[str, Decimal]:
    """Every account's balance at the end of ``as_of`` (debit positive), by code; an
    account at zero is left out. With ``donor_id``, that donor's part only."""
    query = (
        select(Account.code, func.coalesce(func.sum(DailyTotal.amount), ZERO))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(DailyTotal.entry_date <= as_of)
        .group_by(Account.code)
    )
    if donor_id is not None:
        query = query.where(DailyTotal.donor_id == donor_id)
    return {code: total for code, total in session.execute(query) if total}


def donor_balances(session: Session, donor_id: int, accounts: Iterable[str]) -> dict[str, Decimal]:
    """One donor's balance in each of ``accounts`` now (debit positive), by code; an
    account with no postings for the donor is left out."""
    rows = session.execute(
        select(Account.code, func.coalesce(func.sum(DailyTotal.amount), ZERO))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(DailyTotal.donor_id == donor_id, Account.code.in_(list(accounts)))
        .group_by(Account.code)
    )
    return {code: total for code, total in rows}


def pool_balances(
    session: Session, accounts: Iterable[str], *, as_of: dt.date | None = None
) -> dict[tuple[int | None, str | None], Decimal]:
    """What ``accounts`` hold together for each (donor id, earmark), now or at the end
    of ``as_of``; the areas name a pool by donor code (see allocations.pools)."""
    query = (
        select(DailyTotal.donor_id, DailyTotal.earmark, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)))
        .group_by(DailyTotal.donor_id, DailyTotal.earmark)
    )
    if as_of is not None:
        query = query.where(DailyTotal.entry_date <= as_of)
    return {(donor_id, earmark): total for donor_id, earmark, total in session.execute(query)}


# --- movements over a period or by year, and what allocations drew --------------------
# (issue 13: the readers the statements and dashboards held themselves, moved here)


def first_day(session: Session, *, donor_id: int | None = None) -> dt.date | None:
    """The date of the earliest posting (the Fund's inception), or of the earliest for
    the donor ``donor_id``; None for an empty ledger or a donor with no entries."""
    query = select(func.min(DailyTotal.entry_date))
    if donor_id is not None:
        query = query.where(DailyTotal.donor_id == donor_id)
    return session.scalar(query)


def period_movements(
    session: Session, start: dt.date, end: dt.date
) -> dict[tuple[str, int | None], Decimal]:
    """What moved in each account for each donor (None: no donor) from ``start`` to
    ``end``, both included, without the year-end closing entries (they would zero the
    revenue and expense a period reports); a movement of zero is left out."""
    rows = session.execute(
        select(Account.code, DailyTotal.donor_id, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(DailyTotal.entry_date.between(start, end), DailyTotal.kind != EntryKind.CLOSING)
        .group_by(Account.code, DailyTotal.donor_id)
    )
    return {(code, donor_id): total for code, donor_id, total in rows if total}


def kind_movements(
    session: Session, accounts: Iterable[str], start: dt.date, end: dt.date
) -> dict[tuple[str, str, int | None], Decimal]:
    """What moved in each of ``accounts`` from ``start`` to ``end``, both included, by
    (code, entry kind, donor id), without the year-end closing entries; a movement of
    zero is left out. (The sources and uses of funds: the bank's movements by what
    business event made them.)"""
    rows = session.execute(
        select(Account.code, DailyTotal.kind, DailyTotal.donor_id, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)), DailyTotal.entry_date.between(start, end),
               DailyTotal.kind != EntryKind.CLOSING)
        .group_by(Account.code, DailyTotal.kind, DailyTotal.donor_id)
    )  # fmt: skip
    return {(code, str(kind), donor_id): total for code, kind, donor_id, total in rows if total}


def yearly_movements(
    session: Session, accounts: Iterable[str]
) -> dict[tuple[str, str, int], Decimal]:
    """What moved in each of ``accounts`` in each year, by (code, entry kind, year),
    without the year-end closing entries."""
    year = year_of(DailyTotal.entry_date)
    rows = session.execute(
        select(Account.code, DailyTotal.kind, year, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)), DailyTotal.kind != EntryKind.CLOSING)
        .group_by(Account.code, DailyTotal.kind, year)
    )
    return {(code, kind, int(y)): total for code, kind, y, total in rows}


def draws(
    session: Session,
    *,
    until: dt.date | None = None,
    allocation_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int | None, str | None, int], Decimal]:
    """What each allocation drew (advances and indirect cost recovery paid) from each
    donor's money under each earmark in each year, by (allocation id, donor id,
    earmark, year); all of it, or up to the end of ``until``, for every allocation or
    those of ``allocation_ids``."""
    year = year_of(DailyTotal.entry_date)
    query = (
        select(DailyTotal.allocation_id, DailyTotal.donor_id, DailyTotal.earmark, year,
               func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(DRAW_ACCOUNTS), DailyTotal.kind == EntryKind.DISBURSEMENT,
               DailyTotal.allocation_id.is_not(None))
        .group_by(DailyTotal.allocation_id, DailyTotal.donor_id, DailyTotal.earmark, year)
    )  # fmt: skip
    if until is not None:
        query = query.where(DailyTotal.entry_date <= until)
    if allocation_ids is not None:
        query = query.where(DailyTotal.allocation_id.in_(list(allocation_ids)))
    return {
        (allocation_id, donor_id, earmark, int(y)): total
        for allocation_id, donor_id, earmark, y, total in session.execute(query)
        if allocation_id is not None  # excluded by the query; narrows the type
    }


def allocation_movements(
    session: Session, accounts: Iterable[str], *, until: dt.date, since: dt.date | None = None
) -> dict[tuple[int | None, str], Decimal]:
    """What ``accounts`` moved for each allocation (None: a line that names none) up to
    the end of ``until`` (from ``since``), by (allocation id, entry kind), without the
    year-end closing entries; zeros left out. (Transfers by implementing organ: what
    each organ was paid, reported, returned and still holds.)"""
    query = (
        select(DailyTotal.allocation_id, DailyTotal.kind, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)), DailyTotal.entry_date <= until,
               DailyTotal.kind != EntryKind.CLOSING)
        .group_by(DailyTotal.allocation_id, DailyTotal.kind)
    )  # fmt: skip
    if since is not None:
        query = query.where(DailyTotal.entry_date >= since)
    return {(allocation_id, str(kind)): total
            for allocation_id, kind, total in session.execute(query) if total}  # fmt: skip


# --- net assets by pool (issue 14, "restriction follows the money") -------------------


def pool_positions(
    session: Session, as_of: dt.date
) -> dict[tuple[int | None, str | None, str], Decimal]:
    """What each asset and liability account holds for each (donor id, earmark) at the
    end of ``as_of`` (debit positive), by (donor id, earmark, code); zeros left out.

    A pool's net assets are these summed: the net-assets report shows them by pool, and
    each class's total must equal the trial balance's net assets of that class.
    """
    rows = session.execute(
        select(DailyTotal.donor_id, DailyTotal.earmark, Account.code, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(DailyTotal.entry_date <= as_of,
               Account.type.in_([AccountType.ASSET, AccountType.LIABILITY]))
        .group_by(DailyTotal.donor_id, DailyTotal.earmark, Account.code)
    )  # fmt: skip
    return {(donor_id, earmark, code): total for donor_id, earmark, code, total in rows if total}


# --- Balances across time (issue 14: no overdraft on any day) ----------------------------
# A pool's money (or any balance) day by day from a date on: its balance at the end of the
# day before, then each later day's change, read from the daily totals. The reading costs
# what the days from that date on hold (plus one sum for the opening balance), so checking
# a backdated posting reads the days it affects, not the ledger.

#: A pool as the ledger keys it, (donor id, earmark): the fund's unrestricted money is one
#: pool whoever gave it, ``(None, None)``, as allocations.pools counts it.
PoolKey = tuple[int | None, str | None]
UNRESTRICTED_POOL: PoolKey = (None, None)


def pool_key(donor_id: int | None, earmark: str | None) -> PoolKey:
    """The pool a posting's money belongs to."""
    return UNRESTRICTED_POOL if earmark is None else (donor_id, earmark)


@dataclass(frozen=True, slots=True)
class DayBalance:
    """A balance at the end of ``day``."""

    day: dt.date
    balance: Decimal


@dataclass(frozen=True, slots=True)
class History:
    """A balance from ``since`` on: ``opening`` at the end of the day before, then the
    net change of each later day that has one, in date order."""

    since: dt.date
    opening: Decimal
    changes: tuple[tuple[dt.date, Decimal], ...]

    def days(self) -> Iterator[DayBalance]:
        """The balance at the end of ``since`` and of each day it changes after."""
        running = self.opening
        if not self.changes or self.changes[0][0] != self.since:
            yield DayBalance(self.since, running)
        for day, change in self.changes:
            running += change
            yield DayBalance(day, running)

    def lowest(self) -> DayBalance:
        """The lowest end-of-day balance from ``since`` on (the earliest such day)."""
        return min(self.days(), key=lambda point: point.balance)


def _pool_filter(pools: Collection[PoolKey]) -> ColumnElement[bool]:
    wanted: list[ColumnElement[bool]] = []
    for donor_id, earmark in pools:
        if earmark is None:
            wanted.append(DailyTotal.earmark.is_(None))
        else:
            wanted.append(and_(DailyTotal.donor_id == donor_id, DailyTotal.earmark == earmark))
    return or_(*wanted)


def _cached_filter(pools: Collection[PoolKey]) -> ColumnElement[bool]:
    wanted: list[ColumnElement[bool]] = []
    for donor_id, earmark in pools:
        if earmark is None:
            wanted.append(PoolBalance.earmark_key == "")
        else:
            wanted.append(and_(PoolBalance.donor_key == (donor_id or 0),
                               PoolBalance.earmark_key == earmark))  # fmt: skip
    return or_(*wanted)


def pool_histories(
    session: Session,
    accounts: Iterable[str],
    *,
    since: dt.date,
    pools: Collection[PoolKey] | None = None,
) -> dict[PoolKey, History]:
    """What ``accounts`` hold together in each pool day by day from ``since`` on: every
    pool with a posting in them, or only ``pools`` (which are always answered).

    The balance before ``since`` is the pool's balance now (kept by a trigger, revision
    0009) less the days from ``since`` on, so the reading costs those days only."""
    codes = list(accounts)
    if pools is not None and not pools:
        return {}
    changes: dict[PoolKey, dict[dt.date, Decimal]] = defaultdict(dict)
    later = (
        select(DailyTotal.donor_id, DailyTotal.earmark, DailyTotal.entry_date,
               func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(codes), DailyTotal.entry_date >= since)
        .group_by(DailyTotal.donor_id, DailyTotal.earmark, DailyTotal.entry_date)
    )  # fmt: skip
    if pools is not None:
        later = later.where(_pool_filter(pools))
    for donor_id, earmark, day, total in session.execute(later):
        days = changes[pool_key(donor_id, earmark)]
        days[day] = days.get(day, ZERO) + total
    now = (
        select(PoolBalance.donor_key, PoolBalance.earmark_key, func.sum(PoolBalance.balance))
        .join(Account, Account.id == PoolBalance.account_id)
        .where(Account.code.in_(codes))
        .group_by(PoolBalance.donor_key, PoolBalance.earmark_key)
    )
    if pools is not None:
        now = now.where(_cached_filter(pools))
    opening: dict[PoolKey, Decimal] = defaultdict(lambda: ZERO)
    for donor_key, earmark_key, total in session.execute(now):
        opening[pool_key(donor_key or None, earmark_key or None)] += total
    for key, days in changes.items():
        opening[key] -= sum(days.values(), ZERO)
    keys = set(opening) | set(changes) | set(pools or ())
    return {
        key: History(since, opening.get(key, ZERO),
                     tuple(sorted((day, total) for day, total in changes.get(key, {}).items()
                                  if total)))
        for key in keys
    }  # fmt: skip


def account_history(session: Session, accounts: Iterable[str], *, since: dt.date) -> History:
    """What ``accounts`` hold together, all pools at once (the bank), from ``since`` on:
    their cached balances now less the days from ``since`` on."""
    codes = list(accounts)
    rows = session.execute(
        select(DailyTotal.entry_date, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(codes), DailyTotal.entry_date >= since)
        .group_by(DailyTotal.entry_date)
        .order_by(DailyTotal.entry_date)
    ).all()
    now = session.execute(
        select(func.coalesce(func.sum(AccountBalance.balance), ZERO))
        .join(Account, Account.id == AccountBalance.account_id)
        .where(Account.code.in_(codes))
    ).scalar_one()
    opening = now - sum((total for _day, total in rows), ZERO)
    return History(since, opening, tuple((day, total) for day, total in rows if total))


def draws_since(
    session: Session,
    accounts: Iterable[str],
    *,
    since: dt.date,
    kind: str,
    pools: Collection[PoolKey],
) -> dict[tuple[int, PoolKey], tuple[tuple[dt.date, Decimal], ...]]:
    """Each allocation's postings of ``kind`` on ``accounts`` in ``pools`` from ``since``
    on, by (allocation, pool), day by day: what disbursements drew after a date."""
    found: dict[tuple[int, PoolKey], dict[dt.date, Decimal]] = defaultdict(dict)
    if not pools:
        return {}
    for allocation_id, donor_id, earmark, day, total in session.execute(
        select(DailyTotal.allocation_id, DailyTotal.donor_id, DailyTotal.earmark,
               DailyTotal.entry_date, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)), DailyTotal.kind == kind,
               DailyTotal.entry_date >= since, DailyTotal.allocation_id.is_not(None),
               _pool_filter(pools))
        .group_by(DailyTotal.allocation_id, DailyTotal.donor_id, DailyTotal.earmark,
                  DailyTotal.entry_date)
    ):  # fmt: skip
        assert allocation_id is not None  # noqa: S101 - the query asks for allocations only
        days = found[(allocation_id, pool_key(donor_id, earmark))]
        days[day] = days.get(day, ZERO) + total
    return {key: tuple(sorted(days.items())) for key, days in found.items()}


# --- end of balances across time ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Movement:
    """What one day's postings moved in one account for one kind of entry, donor,
    earmark and allocation (debit positive)."""

    day: dt.date
    account: str
    kind: str
    donor_id: int | None
    earmark: str | None
    allocation_id: int | None
    amount: Decimal


def movements(
    session: Session,
    accounts: Iterable[str],
    *,
    until: dt.date,
    since: dt.date | None = None,
    donor_id: int | None = None,
    earmarked: bool | None = None,
    allocation_ids: Iterable[int] | None = None,
    donors_only: bool = False,
    allocations_only: bool = False,
) -> list[Movement]:
    """``accounts`` day by day up to the end of ``until`` (from ``since``), in date order:
    for one donor, only earmarked (True) or unrestricted (False) money, only some
    allocations, only lines that name a donor or an allocation, as asked."""
    query = (
        select(DailyTotal.entry_date, Account.code, DailyTotal.kind, DailyTotal.donor_id,
               DailyTotal.earmark, DailyTotal.allocation_id, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)), DailyTotal.entry_date <= until)
        .group_by(DailyTotal.entry_date, Account.code, DailyTotal.kind, DailyTotal.donor_id,
                  DailyTotal.earmark, DailyTotal.allocation_id)
        .order_by(DailyTotal.entry_date, Account.code, DailyTotal.kind, DailyTotal.donor_id,
                  DailyTotal.earmark, DailyTotal.allocation_id)
    )  # fmt: skip
    if since is not None:
        query = query.where(DailyTotal.entry_date >= since)
    if donor_id is not None:
        query = query.where(DailyTotal.donor_id == donor_id)
    if earmarked is not None:
        query = query.where(
            DailyTotal.earmark.is_not(None) if earmarked else DailyTotal.earmark.is_(None)
        )
    if allocation_ids is not None:
        query = query.where(DailyTotal.allocation_id.in_(list(allocation_ids)))
    if donors_only:
        query = query.where(DailyTotal.donor_id.is_not(None))
    if allocations_only:
        query = query.where(DailyTotal.allocation_id.is_not(None))
    return [Movement(*row) for row in session.execute(query) if row[-1]]
