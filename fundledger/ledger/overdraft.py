"""No overdraft on any day: the one check, for every way an entry is appended.

The bank and every pool (the fund's unrestricted money, each donor's money under each
earmark) hold a non-negative balance at the end of every day, not only today
(DESIGN.md §3, Time). An entry dated D that lowers a pool lowers it on D and on every
later day, so it is refused if the pool's lowest end-of-day balance from D on falls below
zero. The check runs after the postings are written, under the ledger's lock and inside
the appender's savepoint: it reads the daily totals with the entry in them, nobody can
post in between, and a refusal rolls the postings back. It reads the days from D on
(:func:`~fundledger.ledger.balances.pool_histories`), not the whole ledger.

Money in a pool is its cash accounts (bank, less unapplied credits and refunds payable);
what approvals commit is the allocations area's check on top of this one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from fundledger.errors import Message, Param
from fundledger.i18n import N_
from fundledger.ledger import errors
from fundledger.ledger.balances import (
    UNRESTRICTED_POOL,
    DayBalance,
    PoolKey,
    account_history,
    pool_histories,
    pool_key,
)
from fundledger.ledger.chart import BANK, CASH_ACCOUNTS
from fundledger.money import quantize

if TYPE_CHECKING:  # operations calls this module: the import would go round in a circle
    from fundledger.ledger.operations import Line

ZERO = Decimal("0.00")
#: The donors table, read for a pool's name only (the ledger imports no area's models).
_DONORS = table("donors", column("id"), column("code"))


def refuse_overdraft(session: Session, entries: Iterable[tuple[dt.date, Sequence[Line]]]) -> None:
    """Raise :class:`~errors.Overdraft` if the appended ``entries`` (date, lines) leave
    the bank or a pool they lower below zero at the end of any day from their date on."""
    lowered: dict[PoolKey, dt.date] = {}
    bank_from: dt.date | None = None
    for entry_date, lines in entries:
        change: dict[PoolKey, Decimal] = defaultdict(lambda: ZERO)
        bank = ZERO
        for line in lines:
            if line.account in CASH_ACCOUNTS:
                change[pool_key(line.donor_id, line.earmark)] += line.amount
            if line.account == BANK:
                bank += line.amount
        for key, moved in change.items():
            if moved < 0:
                lowered[key] = min(lowered.get(key, entry_date), entry_date)
        if bank < 0:
            bank_from = entry_date if bank_from is None else min(bank_from, entry_date)
    if lowered:  # the pools first: they say whose money it was
        since = min(lowered.values())
        histories = pool_histories(session, CASH_ACCOUNTS, since=since, pools=lowered)
        for key in sorted(lowered, key=str):
            low = min(
                (point for point in histories[key].days() if point.day >= lowered[key]),
                key=lambda point: point.balance,
            )
            if low.balance < 0:
                raise errors.Overdraft(_message(lowered[key], low, pool_name(session, key)))
    if bank_from is not None:
        low = account_history(session, [BANK], since=bank_from).lowest()
        if low.balance < 0:
            raise errors.Overdraft(_message(bank_from, low))


def _message(since: dt.date, low: DayBalance, pool: str | None = None) -> Message:
    """Why an entry is refused: the bank, or the pool named, would go below zero."""
    figures: dict[str, Param] = {"date": since, "balance": quantize(low.balance), "day": low.day,
               "short": quantize(-low.balance)}  # fmt: skip
    if pool is None:
        return Message(
            N_("an entry dated %(date)s would overdraw the bank: it would hold %(balance)s at "
               "the end of %(day)s, %(short)s short (no balance may fall below zero on any day)"),
            figures,
        )  # fmt: skip
    return Message(
        N_("an entry dated %(date)s would overdraw pool %(pool)s: it would hold %(balance)s at "
           "the end of %(day)s, %(short)s short (no balance may fall below zero on any day)"),
        {**figures, "pool": pool},
    )  # fmt: skip


def pool_name(session: Session, key: PoolKey) -> str:
    """``unrestricted`` or ``DONOR/earmark``, as the allocations area names pools."""
    if key == UNRESTRICTED_POOL:
        return "unrestricted"
    donor_id, earmark = key
    code = session.scalar(select(_DONORS.c.code).where(_DONORS.c.id == donor_id))
    return f"{code if code is not None else '-'}/{earmark}"
