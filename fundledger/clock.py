"""The fund's calendar: what day it is where the fund keeps its books.

No entry may be dated after today (DESIGN.md §3, Time), and "today" is the date in the
fund's timezone (``FUNDLEDGER_TIMEZONE``, default the Organization's seat), not the
server's or UTC's: at 21:00 in Washington it is already tomorrow in UTC. Every check of
that rule asks :func:`today`; tests move :func:`utc_now`.
"""

from __future__ import annotations

import datetime as dt

from fundledger.config import fund_timezone


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """The fund's date at ``moment`` (timezone-aware)."""
    return moment.astimezone(fund_timezone()).date()


def today() -> dt.date:
    """The fund's date now."""
    return local_date(utc_now())
