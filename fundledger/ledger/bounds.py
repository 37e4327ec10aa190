"""The ledger's bound (docs/LEDGER.md): when the database refuses a balance or a daily
total beyond ``MAX_BALANCE``, say which one, in words a user can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fundledger.ledger import errors
from fundledger.ledger.models import Account, AccountBalance, DailyTotal
from fundledger.money import MAX_BALANCE

if TYPE_CHECKING:
    from fundledger.ledger.operations import Line

ZERO = Decimal("0.00")

#: What the database says when a balance or a daily total would leave the bound: SQLite's
#: trigger, PostgreSQL's constraints, and PostgreSQL's NUMERIC overflow (a sum of a load's
#: postings can pass the bound and the column's precision in one statement).
_BOUND_REFUSALS = ("within the ledger's bound", "_within_bound", "numeric field overflow",
                   "integer overflow")  # fmt: skip
#: (entry date, entry kind, lines) of what is being posted.
Appended: TypeAlias = "tuple[dt.date, str, Sequence[Line]]"


@contextmanager
def refused_beyond_bound(session: Session, entries: Sequence[Appended]) -> Iterator[None]:
    """Around a savepoint that appends ``entries``: the database's refusal of a balance or
    a daily total beyond the bound becomes :class:`~errors.BeyondBound`, naming it."""
    try:
        yield
    except DBAPIError as error:
        if not any(words in str(error.orig) for words in _BOUND_REFUSALS):
            raise
        raise errors.BeyondBound(bound_problem(session, entries)) from None


def bound_problem(session: Session, entries: Sequence[Appended]) -> str:
    """Which balance or daily total ``entries`` would take beyond ``MAX_BALANCE``, read
    after the refusal rolled them back (so only when one was refused)."""
    by_account: dict[str, Decimal] = {}
    by_day: dict[tuple[Any, ...], Decimal] = {}
    for entry_date, kind, lines in entries:
        for line in lines:
            by_account[line.account] = by_account.get(line.account, ZERO) + line.amount
            day = (entry_date, line.account, kind, line.donor_id, line.earmark, line.allocation_id)
            by_day[day] = by_day.get(day, ZERO) + line.amount
    held: dict[str, Decimal] = dict(session.execute(
        select(Account.code, AccountBalance.balance)
        .join(AccountBalance, AccountBalance.account_id == Account.id)
        .where(Account.code.in_(by_account))
    ).all())  # fmt: skip
    bound = f"the ledger's bound is ±{MAX_BALANCE - Decimal('0.01'):,.2f} USD"
    for code, change in sorted(by_account.items()):
        if abs(after := held.get(code, ZERO) + change) >= MAX_BALANCE:
            return f"the balance of account {code} would be {after:,.2f} USD; {bound}"
    totals = session.execute(
        select(DailyTotal.entry_date, Account.code, DailyTotal.kind, DailyTotal.donor_id,
               DailyTotal.earmark, DailyTotal.allocation_id, DailyTotal.amount)
        .join(Account, Account.id == DailyTotal.account_id)
        .where(Account.code.in_(by_account),
               DailyTotal.entry_date.in_({day[0] for day in by_day}))
    ).all()  # fmt: skip
    stored = {tuple(row[:6]): row[6] for row in totals}
    for key, change in sorted(by_day.items(), key=str):
        if abs(after := stored.get(key, ZERO) + change) >= MAX_BALANCE:
            on, code, kind = key[:3]
            return (f"the {kind} postings of {on} on account {code} would total "
                    f"{after:,.2f} USD; {bound}")  # fmt: skip
    return f"a balance would leave the ledger's bound; {bound}"
