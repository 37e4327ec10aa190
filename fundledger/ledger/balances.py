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


def movements(
    session: Session,
    accounts: Iterable[str],
    *,
    after: dt.date | None = None,
    kinds: Iterable[str] | None = None,
) -> list[tuple[dt.date, int | None, str | None, int | None, Decimal]]:
    """What ``accounts`` moved on each day (after ``after``; in entries of ``kinds``
    only, if given), as (day, donor id, earmark, allocation id, total) in date order: a
    pool's balance at the end of every day, with what it held before."""
    query = (
        select(DailyTotal.entry_date, DailyTotal.donor_id, DailyTotal.earmark,
               DailyTotal.allocation_id, func.sum(DailyTotal.amount))
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(list(accounts)))
        .group_by(DailyTotal.entry_date, DailyTotal.donor_id, DailyTotal.earmark,
                  DailyTotal.allocation_id)
        .order_by(DailyTotal.entry_date)
    )  # fmt: skip
    if after is not None:
        query = query.where(DailyTotal.entry_date > after)
    if kinds is not None:
        query = query.where(DailyTotal.kind.in_(list(kinds)))
    return list(session.execute(query))
