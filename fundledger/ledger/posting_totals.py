"""The sums the daily totals cannot give, read from the postings themselves.

:mod:`fundledger.ledger.balances` answers every balance question from the daily totals;
three questions are outside what those hold. The activity a posting is for is not one of
their dimensions (the fund statement's table by activity needs it), nor the entry it
belongs to (expenditure by category reads the category of the report that posted it),
and they are by business date, while the CAJP meeting pack shows the pools as the
ledger stood at the moment it was issued: an entry recorded later, even one dated
earlier, must not change a pack rendered again. Those questions, and only those, are
answered here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fundledger.ledger.chart import ADVANCES, DRAW_ACCOUNTS, EXPENDITURE
from fundledger.ledger.models import Account, EntryKind, JournalEntry, Posting


def activity_movements(
    session: Session, start: dt.date, end: dt.date
) -> dict[tuple[int | None, str], Decimal]:
    """The advances paid to the organs and the expenditure they reported from ``start``
    to ``end`` (both included) for each activity (None: no activity), by (activity
    number, account code), without the year-end closing entries."""
    paid = (Account.code == ADVANCES) & (JournalEntry.kind == EntryKind.DISBURSEMENT)
    rows = session.execute(
        _postings(Posting.activity_number, Account.code)
        .where(Posting.entry_date.between(start, end), JournalEntry.kind != EntryKind.CLOSING,
               paid | (Account.code == EXPENDITURE))
    )  # fmt: skip
    return {(activity, code): total for activity, code, total in rows}


def entry_movements(
    session: Session, accounts: Iterable[str], start: dt.date, end: dt.date
) -> dict[tuple[str, int], Decimal]:
    """What ``accounts`` moved from ``start`` to ``end`` (both included) in each journal
    entry, by (account code, entry id), without the year-end closing entries. A reversal's
    lines count under the entry it reverses, so that a report reversed nets to zero in
    the category it was filed under."""
    source = func.coalesce(JournalEntry.reverses_id, JournalEntry.id)
    rows = session.execute(
        _postings(Account.code, source)
        .where(Account.code.in_(list(accounts)), Posting.entry_date.between(start, end),
               JournalEntry.kind != EntryKind.CLOSING)
    )  # fmt: skip
    return {(code, entry_id): total for code, entry_id, total in rows if total}


def recorded_pool_balances(
    session: Session, accounts: Iterable[str], at: dt.datetime
) -> dict[tuple[int | None, str | None], Decimal]:
    """What ``accounts`` held together for each (donor id, earmark) in the entries
    recorded up to the moment ``at``."""
    rows = session.execute(
        _postings(Posting.donor_id, Posting.earmark)
        .where(Account.code.in_(list(accounts)), JournalEntry.created_at <= at)
    )  # fmt: skip
    return {(donor_id, earmark): total for donor_id, earmark, total in rows}


def recorded_draws(
    session: Session, at: dt.datetime
) -> dict[tuple[int, int | None, str | None], Decimal]:
    """What each allocation had drawn (advances and indirect cost recovery paid) from
    each (donor id, earmark) in the entries recorded up to the moment ``at``."""
    rows = session.execute(
        _postings(Posting.allocation_id, Posting.donor_id, Posting.earmark)
        .where(Account.code.in_(DRAW_ACCOUNTS), JournalEntry.kind == EntryKind.DISBURSEMENT,
               Posting.allocation_id.is_not(None), JournalEntry.created_at <= at)
    )  # fmt: skip
    return {
        (allocation_id, donor_id, earmark): total
        for allocation_id, donor_id, earmark, total in rows
        if allocation_id is not None  # excluded by the query; narrows the type
    }


def _postings(*keys: Any) -> Select[Any]:
    """The sum of the postings' amounts by ``keys``, with each posting's account and
    journal entry joined for the caller's conditions."""
    return (
        select(*keys, func.sum(Posting.amount))
        .select_from(Posting)
        .join(Account, Account.id == Posting.account_id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .group_by(*keys)
    )
