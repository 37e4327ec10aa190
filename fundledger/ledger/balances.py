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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.ledger.models import Account, DailyTotal

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
