"""Factories and snapshots shared by the tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from fundledger.actors import Actor
from fundledger.donors.models import Donor
from fundledger.ledger import chart
from fundledger.ledger.models import EntryKind, FiscalPeriod, JournalEntry, Posting
from fundledger.ledger.operations import Line, post_entry
from fundledger.ledger.queries import account_balances


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent through ``engine`` inside the block, in order: what the
    tests that hold a page or an operation to a number of queries count."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def closed_year(year: int) -> FiscalPeriod:
    """A fiscal year that is already closed, to test what may not be dated inside it."""
    return FiscalPeriod(
        year=year, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31),
        closed=True, closed_at=dt.datetime.now(dt.UTC), closed_by="test",
    )  # fmt: skip


def revalue_year_end(session: Session, actor: Actor, year: int, rate: str = "1.1") -> None:
    """Set ``rate`` for every currency open at the end of ``year`` and post the year-end
    revaluation, as the Secretariat does before closing a year (issue 14)."""
    from fundledger.donors.operations import set_rate
    from fundledger.donors.revaluation import open_items, revalue

    end = dt.date(year, 12, 31)
    for currency in sorted({item.currency for item in open_items(session, end)}):
        set_rate(session, actor, currency=currency, on=end, rate=Decimal(rate))
    revalue(session, actor, end)


def post(
    session: Session,
    *lines: Line,
    on: str = "2025-03-01",
    key: str | None = None,
    memo: str = "",
    kind: EntryKind = EntryKind.MANUAL,
) -> JournalEntry:
    return post_entry(
        session,
        entry_date=dt.date.fromisoformat(on),
        lines=list(lines),
        created_by="test",
        idempotency_key=key,
        memo=memo,
        kind=kind,
    )


def create_donor(session: Session, code: str = "MEX", **fields: str) -> Donor:
    donor = Donor(
        code=code,
        name=fields.get("name", code),
        type=fields.get("type", "member_state"),
        language=fields.get("language", "en"),
        active=True,
    )
    session.add(donor)
    session.flush()
    return donor


def money_under_unusable_earmark(
    session: Session,
    donor: Donor,
    earmark: str,
    *,
    received: Decimal,
    pledged: Decimal = Decimal(0),
    on: str = "2025-02-01",
) -> None:
    """Money a donor gave under an earmark no fundable activity can use, posted straight
    to the ledger as it was before pledges and receipts refused such earmarks: an
    unpledged receipt of ``received`` and, if given, a pledge of ``pledged`` still owed."""
    dims = {"donor_id": donor.id, "earmark": earmark}
    post(session, Line(chart.BANK, received, **dims),
         Line(chart.CONTRIBUTIONS_RESTRICTED, -received, **dims), on=on, kind=EntryKind.RECEIPT)
    if pledged:
        post(session, Line(chart.RECEIVABLE, pledged, **dims),
             Line(chart.CONTRIBUTIONS_RESTRICTED, -pledged, **dims), on=on,
             kind=EntryKind.PLEDGE)  # fmt: skip


@dataclass(frozen=True)
class LedgerState:
    """What a user could observe of the ledger; equal snapshots mean nothing was written."""

    entries: int
    postings: int
    balances: dict[int, Decimal]


def ledger_state(session: Session) -> LedgerState:
    return LedgerState(
        entries=session.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        postings=session.scalar(select(func.count()).select_from(Posting)) or 0,
        balances=account_balances(session),
    )


TEST_ACTOR = Actor(name="secretariat@example.org", request_id="test")


def entry_lines(entry: JournalEntry) -> list[tuple[str, str]]:
    """An entry's lines as (account, signed USD) pairs, in order: easy to compare."""
    return [(posting.account.code, f"{posting.amount:f}") for posting in entry.postings]


# --- users (fundledger.auth) ----------------------------------------------------------
# Imported here rather than above, so that this section only appends to the module.

from fundledger.auth.models import User, UserRole  # noqa: E402
from fundledger.auth.operations import start_session  # noqa: E402
from fundledger.auth.passwords import Passwords  # noqa: E402
from fundledger.auth.throttle import ThrottlePolicy  # noqa: E402

#: The password every factory-made user signs in with.
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test fixture's password


def create_user(
    session: Session,
    *roles: str,
    email: str | None = None,
    name: str | None = None,
    donor: Donor | None = None,
    password: str | None = PASSWORD,
    totp_secret: str | None = None,
    active: bool = True,
) -> User:
    """A user straight in the database (no audit event), with the cheapest argon2 hash."""
    granted = roles or ("auditor",)
    email = email or f"{'-'.join(granted)}@example.org"
    cheap = Passwords(time_cost=1, memory_cost=8, parallelism=1)
    user = User(
        email=email,
        name=name or email.split("@")[0].replace("-", " ").title(),
        donor_id=None if donor is None else donor.id,
        active=active,
        password_hash=None if password is None else cheap.hash(password),
        totp_secret=totp_secret,
        created_at=dt.datetime.now(dt.UTC),
        created_by="test",
        role_rows=[UserRole(role=role) for role in sorted(set(granted))],
    )
    session.add(user)
    session.flush()
    return user


def open_session(session: Session, user: User, *, now: dt.datetime | None = None) -> str:
    """A signed-in session for ``user``; returns the token a browser's cookie carries."""
    _record, token = start_session(
        session,
        user,
        Actor(name="test", address="127.0.0.1"),
        policy=ThrottlePolicy(),
        now=now or dt.datetime.now(dt.UTC),
    )
    return token
