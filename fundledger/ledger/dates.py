"""Which days the ledger accepts an entry on: none after today in the fund's timezone
(issue 14), none in a closed fiscal year."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from fundledger.clock import today
from fundledger.i18n import N_
from fundledger.ledger import errors
from fundledger.ledger.models import FiscalPeriod

_CLOSED_YEAR = select(FiscalPeriod.year).where(
    FiscalPeriod.closed,
    FiscalPeriod.start_date <= bindparam("on"),
    FiscalPeriod.end_date >= bindparam("on"),
)


def check_not_after_today(entry_date: dt.date) -> None:
    """Refuse an entry dated after today in the fund's timezone: the ledger records what
    happened (a due date may be later, an entry may not)."""
    if entry_date > (now := today()):
        raise errors.FutureDate(
            N_("date %(date)s is after today (%(today)s in the fund's timezone); an entry "
               "records what has happened"),
            date=entry_date, today=now,
        )  # fmt: skip


def check_open_period(session: Session, entry_date: dt.date) -> None:
    """Refuse an entry dated in a closed fiscal year (reopen it first)."""
    closed = session.scalar(_CLOSED_YEAR, {"on": entry_date})
    if closed is not None:
        raise errors.ClosedPeriod(
            N_("%(date)s falls in fiscal year %(year)s, which is closed"),
            date=entry_date, year=closed,
        )
