"""Year-end close: revenue and expenses into net assets, then the year is locked.

Restricted revenue (the 42xx accounts) closes into 3200 keeping its donor and earmark;
everything else closes into 3100. Reopening needs someone other than who closed it.

The audit trail is an area built on the ledger, so a close or a reopening is told to
whoever registered with :func:`on_period_change` (the audit trail does, at start-up, in
``fundledger.setup.registry.register_all``), in the same transaction. Likewise an area
that must do something before a year closes registers a check with :func:`before_close`
(the donors area: the year-end revaluation of foreign-currency money, DESIGN §3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.errors import FundledgerError, Message, Param
from fundledger.i18n import N_
from fundledger.ledger.chart import (
    NET_ASSETS_RESTRICTED,
    NET_ASSETS_UNRESTRICTED,
    RESTRICTED_PREFIX,
)
from fundledger.ledger.models import Account, AccountType, EntryKind, FiscalPeriod, Posting
from fundledger.ledger.operations import Line, lock_ledger, post_entry


class PeriodError(FundledgerError):
    pass


class RevaluationPending(PeriodError):
    """The year had foreign-currency money open at its end that its year-end revaluation
    has not revalued; ``as_of`` is the day to revalue at (the command line names the
    command, a page its button)."""

    def __init__(
        self, message: str, /, *, as_of: dt.date, hint: str | None = None, **params: Param
    ) -> None:
        super().__init__(message, hint=hint, as_of=as_of, **params)
        self.as_of = as_of


#: Told of a close or a reopening: (session, actor, action, year, before, after).
PeriodListener = Callable[
    [Session, Actor, str, int, Mapping[str, Any] | None, Mapping[str, Any]], None
]
_LISTENERS: dict[str, PeriodListener] = {}


def on_period_change(listener: PeriodListener) -> None:
    """Have ``listener`` told of every close and reopening (once, however often asked)."""
    _LISTENERS[f"{listener.__module__}.{listener.__qualname__}"] = listener


#: Asked before a year closes, under the ledger's lock: (session, year); raises a
#: :class:`PeriodError` saying what must be done first.
CloseCheck = Callable[[Session, int], None]
_CLOSE_CHECKS: dict[str, CloseCheck] = {}


def before_close(check: CloseCheck) -> None:
    """Have ``check`` asked before every close (once, however often registered)."""
    _CLOSE_CHECKS[f"{check.__module__}.{check.__qualname__}"] = check


def _changed(
    session: Session, actor: Actor, action: str, year: int,
    before: Mapping[str, Any] | None, after: Mapping[str, Any],
) -> None:  # fmt: skip
    for listener in _LISTENERS.values():
        listener(session, actor, action, year, before, after)


def fiscal_year(year: int) -> tuple[dt.date, dt.date]:
    """The fund's fiscal year is the calendar year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def period_closed(session: Session, start: dt.date, end: dt.date) -> bool:
    """Whether every fiscal year from ``start`` to ``end`` is closed: a statement of that
    period is final, else interim (its figures may still change)."""
    years = set(range(start.year, end.year + 1))
    closed = set(
        session.scalars(
            select(FiscalPeriod.year).where(FiscalPeriod.year.in_(years), FiscalPeriod.closed)
        )
    )
    return closed == years


def next_to_close(session: Session, last: int) -> int:
    """The first year up to ``last`` that has entries and is not closed (years close in
    order, so it is the one to revalue and close next); ``last`` when there is none."""
    first = session.scalar(select(func.min(Posting.entry_date)))
    closed = set(session.scalars(select(FiscalPeriod.year).filter_by(closed=True)))
    open_years = [] if first is None else [
        year for year in range(first.year, last + 1) if year not in closed
    ]  # fmt: skip
    return open_years[0] if open_years else last


def close_year(session: Session, actor: Actor, year: int) -> FiscalPeriod:
    """Post the closing entry for ``year`` and lock it."""
    start, end = fiscal_year(year)
    lock_ledger(session)
    period = session.get(FiscalPeriod, year)
    if period is not None and period.closed:
        raise PeriodError(N_("fiscal year %(year)s is already closed"), year=year)
    first = session.scalar(select(func.min(Posting.entry_date)))
    if first is not None:
        closed_years = set(session.scalars(select(FiscalPeriod.year).filter_by(closed=True)))
        missing = [y for y in range(first.year, year) if y not in closed_years]
        if missing:
            raise PeriodError(N_("close %(year)s first; years close in order"), year=missing[0])
    for check in _CLOSE_CHECKS.values():
        check(session, year)
    balances = session.execute(
        select(Account.code, Account.type, Posting.donor_id, Posting.earmark,
               func.sum(Posting.amount))
        .join(Account, Account.id == Posting.account_id)
        .where(Account.type.in_([AccountType.REVENUE, AccountType.EXPENSE]),
               Posting.entry_date.between(start, end))
        .group_by(Account.code, Account.type, Posting.donor_id, Posting.earmark)
        .order_by(Account.code, Posting.donor_id, Posting.earmark)
    ).all()  # fmt: skip
    lines: list[Line] = []
    into: dict[tuple[str, int | None, str | None], Decimal] = defaultdict(Decimal)
    for code, _type, donor_id, earmark, balance in balances:
        if not balance:
            continue
        lines.append(Line(code, -balance, donor_id=donor_id, earmark=earmark))
        if code.startswith(RESTRICTED_PREFIX):
            into[(NET_ASSETS_RESTRICTED, donor_id, earmark)] += balance
        else:
            into[(NET_ASSETS_UNRESTRICTED, None, None)] += balance
    lines += [
        Line(code, total, donor_id=donor_id, earmark=earmark)
        for (code, donor_id, earmark), total in into.items()
        if total
    ]
    if lines:
        post_entry(
            session, entry_date=end, kind=EntryKind.CLOSING, lines=lines,
            memo=Message(N_("Closing of fiscal year %(year)s"), {"year": year}),
            idempotency_key=None, created_by=actor.name, request_id=actor.request_id,
        )  # fmt: skip
    if period is None:
        period = FiscalPeriod(year=year, start_date=start, end_date=end)
        session.add(period)
    period.closed = True
    period.closed_at = dt.datetime.now(dt.UTC)
    period.closed_by = actor.name
    session.flush()
    _changed(session, actor, "period.closed", year, None, {"closed": True})
    return period


def reopen_year(session: Session, actor: Actor, year: int, *, reason: str) -> FiscalPeriod:
    """Unlock a closed year; the person who closed it may not reopen it."""
    reason = " ".join(reason.split())
    if not reason:
        raise PeriodError(N_("reopening a year needs a reason"))
    period = session.get(FiscalPeriod, year)
    if period is None or not period.closed:
        raise PeriodError(N_("fiscal year %(year)s is not closed"), year=year)
    if period.closed_by == actor.name:
        raise PeriodError(
            N_("%(user)s closed fiscal year %(year)s; another admin must reopen it"),
            user=actor.name, year=year,
        )  # fmt: skip
    later = session.scalar(
        select(func.min(FiscalPeriod.year)).where(FiscalPeriod.year > year, FiscalPeriod.closed)
    )
    if later is not None:
        raise PeriodError(N_("reopen %(year)s first; years reopen from the latest"), year=later)
    period.closed = False
    session.flush()
    _changed(session, actor, "period.reopened", year,
             {"closed": True, "closed_by": period.closed_by},
             {"closed": False, "reason": reason})  # fmt: skip
    return period
